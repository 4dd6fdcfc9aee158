# dump: demo/demo.raw
!vm
