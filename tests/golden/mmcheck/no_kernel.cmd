# dump: book.raw
!mmcheck
