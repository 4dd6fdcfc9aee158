# dump: demo/demo.raw
dt nt!_MMPFN fffffa8000013140
dt _EPROCESS fffffa8000065010 ImageFileName
dt -r _MMPFN fffffa8000012ea0 u3.e1
