# dump: book.raw
!pte 1bf000 1c2000
!pte 4a0000 4a1000
!pte fffff800`02c06000 fffff800`02c07000
