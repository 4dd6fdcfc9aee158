# dump: book.raw
# The book's system-range sessions (E08, E22, E35-E37, E44, E48, E53, E55, E57, E60, E64,
# E68, E69, E71, E73, E85, E86).
!pte 0xfffff6fb`80008400
!pte 0xFFFFF700`01081FF8
!pte 0xFFFFF700`01080488
!pte fffff800`02c06000
!pte fffff800`031f0000
!pte fffff8800357c010
!pte fffff88004cd0fd0
!pte fffff88004901690 - 1000
!pte 0xFFFFF88003B00000
!pte fffff8a000000000
!pte 0xfffff8a0`0283c048
!pte fffff900`00000000
!pte fffff960`00020000
!pte fffff960`00020000 + 0x1000
!pte fffff960`00020000 + 0x2000
!pte fffffa80`00000000
!pte fffffa80`00c00000
!pte fffffa80`00e00000
