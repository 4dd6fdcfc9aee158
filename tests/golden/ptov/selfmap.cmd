# dump: selfmap-1a3.raw
# Every mapping of the non-default auto-entry machine, including the paging-structure
# region at PML4 index 0x1a3.
!ptov 100
!ptov 0
