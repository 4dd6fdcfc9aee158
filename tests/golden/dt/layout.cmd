# dump: book.raw
# Type layouts from the built-in profile, against the book's dt excerpts (B:5283-5306,
# B:8628-8634, B:2312-2349): offsets and bitfield positions.
dt nt!_MMPFN
dt _MMPFN u3.e1
dt -r _MMPFN u4
dt _MMVAD_SHORT
dt _MMWSL
dt _MMPTE_TRANSITION
dt _MMPFN fffff8a0`01a00000
dt _NOSUCHTYPE
