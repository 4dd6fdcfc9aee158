# dump: book.raw
!wsle 1
