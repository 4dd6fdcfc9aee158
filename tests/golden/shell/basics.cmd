# dump: book.raw
? 5b0000 + 13f000
? 0n100
? poi(fffff6fb`7dbedf68) & ~fff
r cr3
r
.target
da fffff8a0`01a00040
u fffff8a0`01a00040 L4
!nosuch
!target
