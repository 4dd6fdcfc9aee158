# dump: cpus.dmp
# r on a crash dump: the CONTEXT record only (general registers, flags, selectors)
r
r rsp
r cr3
r gsbase
