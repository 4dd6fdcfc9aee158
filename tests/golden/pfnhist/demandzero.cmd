# dump: demandzero/dz1.raw demandzero/dz2.raw
!pfnhist
!pfnhist 43f
!pfnhist 44d
!pfnhist 45d
!pfnhist 44c
.snap 1
!pfnhist 44d
!pfnhist 99999999
!pfnhist zz
