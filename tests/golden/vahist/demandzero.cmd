# dump: demandzero/dz1.raw demandzero/dz2.raw
!vahist 11000
.process 104
!vahist 11000
!vahist 2b97000
!vahist 27be000
!vahist 2b97000 --process 4
!vahist fffff80000201000 --process 4
!vahist 0000800000000000
!vahist
!vahist 1000 --process 999
!vahist 27be000 --process DZ.EXE
!vahist 27be000 --process nosuch.exe
