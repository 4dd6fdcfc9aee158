# dump: demo/demo.raw
!pfn 2ac
!pfn 489
!pfn 64e
!pfn 68f
!pfn 5dc
!pfn 60f
!pfn 56f
!pfn 64f
!pfn 46f
!pfn 0
!pfn 100000
