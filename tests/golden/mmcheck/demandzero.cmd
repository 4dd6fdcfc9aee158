# dump: demandzero/dz2.raw
!mmcheck
!mmcheck --all
!mmcheck --bogus
