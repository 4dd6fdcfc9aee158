#!/bin/sh
# SPDX-License-Identifier: MIT
# Dump formats (issue 5, `make bench`): write bench/big.ptd (8 GiB, sparse) in every format with mmkd-model, then time
# opening each dump and reading it sequentially (bench_formats). Prints a table; never fails
# on timing. BENCH_READ_MIB (default 1024) sets how much physical memory is read per format.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
echo "== dump formats (bench/formats.sh) =="
out=$top_builddir/bench/dumps
mkdir -p "$out"
formats=raw,elf,dmp,dmp-bitmap,lime,kdump,kdump-raw
start=$(date +%s)
"$top_builddir/mmkd-model" pt "$top_srcdir/bench/big.ptd" -o "$out" -f "$formats"
echo "bench: wrote bench/big.ptd as $formats in $(( $(date +%s) - start )) s"
set --
for f in $(echo "$formats" | tr ',' ' '); do set -- "$@" "$out/big.$f"; done
"$top_builddir/bench/bench_formats" --read "${BENCH_READ_MIB:-1024}" "$out/big.raw" "$@"
