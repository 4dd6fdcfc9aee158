# dump: demo/demo.raw
!mmcheck
