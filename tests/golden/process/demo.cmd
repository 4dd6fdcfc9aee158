# dump: demo/demo.raw
!process 0 0
!process 0 1 notepad.exe
!process b8c 0
!process fffffa80000654f0 7
!process 0 0 nosuch.exe
