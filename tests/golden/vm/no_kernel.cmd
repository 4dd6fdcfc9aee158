# dump: book.raw
!vm
