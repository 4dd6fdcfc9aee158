# dump: pspaging/tables_out.raw
.process ps.exe
!pte 40000000
!pte 40000000 40002000
!pte fffff68000200008
.target
