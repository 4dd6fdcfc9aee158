# dump: demandzero/dz2.raw
!pfnhist 44d
!pfnhist
