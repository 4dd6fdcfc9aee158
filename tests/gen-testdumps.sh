#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate every test dump from its description into $top_builddir/testdumps, then check
# the checksums recorded in testdumps/SHA256SUMS (the generators are deterministic; a changed
# checksum is a change to review, and MMKD_TEST_REGENERATE=1 rewrites the list).
set -eu
top_srcdir=$1
top_builddir=$2
TD=$top_builddir/testdumps
MODEL=$top_builddir/mmkd-model
mkdir -p "$TD"
# A description's "# formats: raw,elf,..." line chooses the formats written (default raw).
formats_of() {
	sed -n 's/^# formats: *//p' "$1" | head -n1 | grep . || echo raw
}
for d in "$top_srcdir"/testdumps/pt/*.ptd; do
	"$MODEL" pt "$d" -o "$TD" -f "$(formats_of "$d")"
done
# Scenario-driven dumps of the reference VMM (one directory per scenario).
if [ -d "$top_srcdir/testdumps/scenarios" ]; then
	for s in "$top_srcdir"/testdumps/scenarios/*.scn; do
		[ -f "$s" ] || continue
		n=$(basename "$s" .scn)
		"$MODEL" run "$s" -o "$TD/$n" --check --format "$(formats_of "$s")"
	done
fi
sums=$top_srcdir/testdumps/SHA256SUMS
cd "$TD"
# Checksums cover truth files and dumps up to 256 MiB (larger sparse dumps are covered by
# their truth files).
list=$(find . -type f \( -name '*.json' -o -name '*.jsonl' -o -size -262145k \) | LC_ALL=C sort)
if [ "${MMKD_TEST_REGENERATE:-}" = 1 ] || [ ! -f "$sums" ]; then
	# shellcheck disable=SC2086
	sha256sum $list > "$sums"
	echo "gen-testdumps: wrote $sums"
else
	sha256sum --quiet -c "$sums" || {
		echo "gen-testdumps: generated dumps differ from testdumps/SHA256SUMS" >&2
		echo "  (review the change, then regenerate with MMKD_TEST_REGENERATE=1)" >&2
		exit 1
	}
fi
