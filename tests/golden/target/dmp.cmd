# dump: cpus.dmp
# .target: the reader, the runs (RAM holes at 640K-1M and 64M), CPUs, header values, DTB source
.target
