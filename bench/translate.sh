#!/bin/sh
# SPDX-License-Identifier: MIT
# The foundation (issue 2, `make bench`): translations per second for random VAs over a
# 1 GiB range mapped in 4 KiB pages (a full walk every time, through the translation cache,
# and with the cache warm), and the open time of a 64 GiB sparse raw dump next to a 2 GiB one.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
echo "== address translation and dump open (bench/translate.sh) =="
d=$(mktemp -d "${TMPDIR:-/tmp}/mmkd-bench.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
"$top_builddir/bench/bench_translate" "$d"
