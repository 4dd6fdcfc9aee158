#!/bin/bash
# SPDX-License-Identifier: MIT
# The reference VMM (issue 3, `make bench`): simulated page faults per second and dump write
# throughput (bench_vmm), then the scale scenario (16 GiB, 1,000 processes, 100,000 VADs) run
# end to end by mmkd-model: dump, truth and trace.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
echo "== reference VMM (bench/vmm.sh) =="
"$top_builddir/bench/bench_vmm" "${TMPDIR:-/tmp}" || exit 1
d=$(mktemp -d "${TMPDIR:-/tmp}/mmkd-bench.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
bash "$top_srcdir/bench/scale-scenario" > "$d/scale.scn"
t0=$(date +%s.%N)
"$top_builddir/mmkd-model" run "$d/scale.scn" -o "$d/out" --no-pfns --no-ptes || exit 1
t1=$(date +%s.%N)
echo "mmkd-model run scale.scn: $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s (16 GiB, 1,000 processes, 100,000 VADs, dump + truth + trace)"
