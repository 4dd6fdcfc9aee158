# The demo script ./quickstart runs without a terminal: the book's !pte sessions on the
# rebuilt page tables (testdumps/pt/book.ptd).
.target
!pte 1c0000
!pte FFFFF6FB40000000
!pte 77ae8000
!pte 4a0000
!pte fffff800`02c06000
!vtop 0 1c0000
? poi(fffff6fb`7dbedf68)
