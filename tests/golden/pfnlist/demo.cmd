# dump: demo/demo.raw
!pfnlist standby
!pfnlist modified
!pfnlist free
!pfnlist modnowrite
!pfnlist bad
!pfnlist standby --priority 5
!pfnlist zeroed --color 3
!pfnlist nosuch
