# dump: book.raw
# The book's user-range sessions (E01-E04, E07, E09, E12, E13, E15, E16, E21, E27, E31, E45).
# Columns differ from the book only where book.ptd notes a different boot for an upper level.
!pte 1c0000
!pte FFFFF68000000E00
!pte FFFFF6FB40000000
!pte c0000
!pte 5b0000 + 13f000
!pte 700000
!pte 0xfffff680`003bd740
!pte 3bc8000
!pte 4a0000
!pte 5d0000
!pte 570000
!pte 530000
!pte 6b0000
!pte 800000
