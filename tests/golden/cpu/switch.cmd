# dump: cpus.kdump
# ~ lists the recorded CPUs, ~N switches (the prompt follows), errors name the CPU
~
~1
r rip
~
~0
r rip
~7
