# dump: book.raw
# A dump with page tables but no kernel globals: every object command says what is missing.
!process 0 0
!process
.process
