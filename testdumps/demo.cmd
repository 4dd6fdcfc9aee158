# The demo script ./quickstart runs without a terminal, on the demo dump (the reference VMM's
# testdumps/scenarios/demo.scn: every page state in one 32 MiB machine).
.target
!process 0 0
!memusage 1
.process notepad.exe
!vad
!pte 1002000
!pfn 64f
!pte 1000000 1010000
.process cmd.exe
!pte 402000
!pfn 64e
!pfnlist modified
!mmcheck
