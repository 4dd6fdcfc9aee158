#!/bin/bash
# SPDX-License-Identifier: MIT
# Kernel objects and histories (issues 4 and 7, `make bench`) on the reference VMM's scale
# series: a 16 GiB machine, 1,000 processes, 100,000 VADs, two snapshots (bench/scale-scenario
# series). Figures:
#   - bench_objects: KDBG bootstrap, the !memusage pass over the PFN database in PFN entries
#     per second next to a plain sequential read of the same entries (the baseline), the
#     process walk and every VAD tree;
#   - !mmcheck on one snapshot and !pfnhist (every page) across the two, through mmkd, in PFN
#     entries per second.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
echo "== kernel objects and histories (bench/objects.sh) =="
d=$(mktemp -d "${TMPDIR:-/tmp}/mmkd-bench.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
bash "$top_srcdir/bench/scale-scenario" 1000 100 series > "$d/scale.scn"
t0=$(date +%s.%N)
"$top_builddir/mmkd-model" run "$d/scale.scn" -o "$d/out" --no-pfns --no-ptes > /dev/null || exit 1
t1=$(date +%s.%N)
echo "scale series built in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
"$top_builddir/bench/bench_objects" "$d/out/scale.raw" || exit 1
pages=$("$top_builddir/mmkd" --json "$d/out/scale.raw" -c '!memusage' | jq -r .result.counts.total)
timed() {	# timed LABEL SNAPSHOTS MMKD-ARGS...: seconds of one mmkd run, PFN entries per second
	local label=$1 nsnaps=$2 t0 t1
	shift 2
	t0=$(date +%s.%N)
	"$top_builddir/mmkd" --json "$@" > "$d/out.json" || { echo "$label: failed"; return; }
	t1=$(date +%s.%N)
	awk -v l="$label" -v s="$(awk "BEGIN { print $t1 - $t0 }")" -v n="$pages" -v k="$nsnaps" \
		'BEGIN { printf "%-34s %12.2f %12.2f M PFN entries/s\n", l, s, n * k / s / 1e6 }'
}
timed "mmkd !memusage (whole run)" 1 "$d/out/scale.raw" -c '!memusage'
timed "mmkd !mmcheck (whole run)" 1 "$d/out/scale.raw" -c '!mmcheck'
jq -r '.result | "  !mmcheck: \(.errors) errors, \(.warnings) warnings, \(.pages) pages"' "$d/out.json"
timed "mmkd !pfnhist, 2 snapshots" 2 "$d/out/scale.raw" "$d/out/scale2.raw" -c '!pfnhist'
jq -r '.result.pairs[0] | "  !pfnhist: \(.changed) pages changed, \(.transitions | length) kinds"' "$d/out.json"
