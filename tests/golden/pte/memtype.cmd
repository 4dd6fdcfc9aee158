# dump: cpus.elf
# The memory type line: PAT entry of the leaf x MTRR type of the PA (paging.md §8)
!pte fffff88000000000
!pte fffff88000001000
!pte fffff88000004000
!pte fffff88000200000
!pte fffff88000011000
~1
!pte fffff88000000000
