# dump: book.raw
# Literal mode (!pte ADDR 1) on prototype PTEs in paged pool (E18, E23, E26, E28, E29, E72,
# E77) and on a plain address (E25: the same bits read as a subsection pointer).
!pte 0xfffff8a0`01a00048 1
!pte fffff8a00265d000 1
!pte 0xfffff8a0`01ca1800 1
!pte fffff8a00e320000 1
!pte fffff8a00e320008 1
!pte fffff8a000102048 + 8 1
!pte fffff8a000102048 + 8 + 8 1
!pte fffff8a000102048 + 2c4 * 8 1
!pte 580000 1
