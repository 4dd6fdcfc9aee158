# dump: demo/demo.raw
!wsle 1 --process cmd.exe
!wsle 7 --process notepad.exe
