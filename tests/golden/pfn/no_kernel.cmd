# dump: book.raw
!pfn 1
