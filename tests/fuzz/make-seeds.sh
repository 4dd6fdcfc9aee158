#!/bin/sh
# SPDX-License-Identifier: MIT
# How the fuzz corpora were seeded (a developer tool, run once; the corpora are committed and
# grow only by fuzzing and by crash reproducers named <issue>-<desc>):
#   tests/fuzz/make-seeds.sh BUILDDIR
# writes tests/fuzz/seed.ptd in every format with BUILDDIR/mmkd-model, plus header-only and
# cut-short copies, into the reader corpora; text seeds into the expr and profile corpora.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
C=$here/corpus
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$C/elf" "$C/crashdmp" "$C/lime" "$C/kdump" "$C/probe" "$C/profile" "$C/expr" "$C/pte"
"$build/mmkd-model" pt "$here/seed.ptd" -o "$tmp" -f raw,elf,dmp,dmp-bitmap,lime,kdump,kdump-raw
seed() {	# seed CORPUS FILE NAME: the file, its first 4 KiB and its first half
	cp "$2" "$C/$1/seed-$3"
	head -c 4096 "$2" > "$C/$1/seed-$3-head"
	head -c $(( $(wc -c < "$2") / 2 )) "$2" > "$C/$1/seed-$3-half"
}
seed elf "$tmp/seed.elf" elf
seed crashdmp "$tmp/seed.dmp" dmp
seed crashdmp "$tmp/seed.dmp-bitmap" dmp-bitmap
seed lime "$tmp/seed.lime" lime
seed kdump "$tmp/seed.kdump" kdump-flat
seed kdump "$tmp/seed.kdump-raw" kdump-raw
for f in elf dmp dmp-bitmap lime kdump kdump-raw raw; do
	head -c 8192 "$tmp/seed.$f" > "$C/probe/seed-$f-head"
done
cp "$tmp/seed.raw" "$C/pte/seed-raw"
for e in '5b0000 + 13f000' '0n100' 'poi(fffff6fb`7dbedf68) & ~fff' '@rip+8*2' 'nt!MmPfnDatabase' \
	'(1<<3)|0y101 - 0t17 % 3' 'qwo(10) dwo(8) wo(6) by(4)' '-(-1) >> 0x3f' "$(printf 'fffff800`02c06000 1')"; do
	n=$((${n:-0} + 1))
	printf '%s' "$e" > "$C/expr/seed-$n"
done
printf '%s' '{"metadata":{"format":"6.2.0"},"base_types":{"unsigned long long":{"size":8,"signed":false,"kind":"int","endian":"little"},"unsigned char":{"size":1,"signed":false,"kind":"char","endian":"little"}},"user_types":{"_MMPFN":{"kind":"struct","size":48,"fields":{"u3":{"offset":24,"type":{"kind":"union","name":"u3t"}},"OriginalPte":{"offset":32,"type":{"kind":"base","name":"unsigned long long"}}}},"u3t":{"kind":"union","size":4,"fields":{"e1":{"offset":0,"type":{"kind":"struct","name":"e1t"}}}},"e1t":{"kind":"struct","size":1,"fields":{"PageLocation":{"offset":0,"type":{"kind":"bitfield","bit_position":0,"bit_length":3,"type":{"kind":"base","name":"unsigned char"}}}}}},"enums":{"_MMLISTS":{"size":4,"base":"unsigned long long","constants":{"ZeroedPageList":0,"ModifiedPageList":3}}},"symbols":{"PsActiveProcessHead":{"address":13638720}}}' > "$C/profile/seed-small"
echo "make-seeds: corpora seeded in $C"
