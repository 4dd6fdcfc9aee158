# dump: demo/demo.raw
.process notepad.exe
!vad
.process explorer.exe
!vad
!vad 10000 1
