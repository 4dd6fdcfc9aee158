# dump: book.raw selfmap-1a3.raw
!pfnhist 1
