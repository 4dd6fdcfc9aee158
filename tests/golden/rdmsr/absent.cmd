# dump: cpus.dmp
# A crash dump records no MSRs; the error says so
rdmsr 277
rdmsr c0000080
