# dump: trim/trimmed.raw trim/softfaults.raw trim/lists.raw trim/locked.raw trim/freed.raw trim/zeroed.raw
!vahist 104000 --process trim.exe
!vahist 105000 --process trim.exe
!vahist 110000 --process trim.exe
