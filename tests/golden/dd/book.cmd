# dump: book.raw
!dd 803000 L8
!dd 804050 L6
dd fffff8a000102050 L4
dw fffff8a000102050 L8
