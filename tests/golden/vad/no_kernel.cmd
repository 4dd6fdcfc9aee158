# dump: book.raw
!vad
