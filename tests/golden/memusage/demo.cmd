# dump: demo/demo.raw
!memusage
!memusage 1
