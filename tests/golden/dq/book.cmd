# dump: book.raw
!dq 800040 L2
!dq 1ab3dfe8 L4
dq fffff8a0`01a00040 L4
dq fffff6fb`7dbedf68 L1
