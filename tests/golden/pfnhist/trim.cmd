# dump: trim/trimmed.raw trim/softfaults.raw trim/lists.raw trim/locked.raw trim/freed.raw trim/zeroed.raw
!pfnhist 490
!pfnhist 491
!pfnhist 47b
.snap 2
!pfnhist
