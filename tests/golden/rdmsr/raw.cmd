# dump: cpus.raw
# A raw image records no CPU state at all
rdmsr 277
r
~
~1
