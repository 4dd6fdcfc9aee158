# dump: cpus.dmp-bitmap
~
~1
~0
