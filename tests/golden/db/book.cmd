# dump: book.raw
# Physical and virtual displays of the data pages book.ptd wrote (E18, E25, E28/E29, E72).
!db 806000 L10
!db 800040 L20
!db 3fffff0
!db 40000000 L8
db 580000 L20
db fffff8a0`01a00040 L10
db 123000 L8
