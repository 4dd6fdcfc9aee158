# dump: demandzero/dz1.raw demandzero/dz2.raw
.snap
.process 104
.snap 1
.process
.snap 0
.snap 2
.snap x
