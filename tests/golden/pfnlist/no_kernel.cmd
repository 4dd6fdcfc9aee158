# dump: book.raw
!pfnlist standby
!pfnlist nosuchlist
