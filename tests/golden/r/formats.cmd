# dump: cpus.elf
# r on a QEMU-shaped ELF core: every register group (values from testdumps/pt/cpus.ptd)
r
r rip
r @cr3
r efl
r kernelgsbase
r gdtr
r xmm0
