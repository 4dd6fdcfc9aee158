# dump: book.raw
!pte
!pte 0000800000000000
!pte 1c0000 0
!pte zz
!pte 1000 0 --bogus
