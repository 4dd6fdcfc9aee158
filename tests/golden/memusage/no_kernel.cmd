# dump: book.raw
!memusage
