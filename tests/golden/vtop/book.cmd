# dump: book.raw
!vtop 0 1c0000
!vtop 0 fffff800`02c06000
!vtop 1ab3d 77ae8000
!vtop 0 fffff6fb`7dbed000
!vtop 0 800123
