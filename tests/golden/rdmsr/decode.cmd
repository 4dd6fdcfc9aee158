# dump: cpus.elf
# The book's PAT (L1332-1333, L4316-4327), the MTRRs of cpus.ptd, EFER and a named MSR
rdmsr 277
rdmsr fe
rdmsr 2ff
rdmsr 200
rdmsr 201
rdmsr 202
rdmsr 203
rdmsr 205
rdmsr 250
rdmsr 259
rdmsr 26f
rdmsr c0000080
rdmsr c0000082
rdmsr c0000101
rdmsr 1b
~1
rdmsr 277
rdmsr 2ff
