# dump: book.raw
!vahist 1000
