#!/bin/sh
# SPDX-License-Identifier: MIT
# The analyzer's read path against the dump builder's own record (truth.json) for every
# page-table description in testdumps/pt: the DTB and auto-entry index found without --dtb,
# every entry the builder wrote (read back literally through the self-map), every mapping
# translated by !vtop and listed by !ptov.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
found=0
for truth in "$TD"/*.truth.json; do
	[ -f "$truth" ] || continue
	found=1
	name=$(basename "$truth" .truth.json)
	dump="$TD/$name.raw"
	t=$("$MMKD" --json "$dump" -c .target)
	is "$(echo "$t" | jq -r .result.dtb)" "$(jq -r .dtb "$truth")" "$name: DTB found by scan"
	is "$(echo "$t" | jq -r .result.selfmap_index)" "$(jq -r .selfmap_index "$truth")" \
		"$name: auto-entry index detected"
	# entries: literal reads at their self-map addresses
	jq -r '.entries[] | "!pte \(.address) 1"' "$truth" > "$tmp/s1"
	"$MMKD" --json "$dump" -s "$tmp/s1" > "$tmp/o1"
	bad=$(jq -rn --slurpfile t "$truth" --slurpfile o "$tmp/o1" '
		[range(0; $t[0].entries | length) as $i |
		 select(($o[$i].result.levels[0].contents // "error") != $t[0].entries[$i].value) |
		 "\($t[0].entries[$i].address): got \($o[$i].result.levels[0].contents // $o[$i].error.message) want \($t[0].entries[$i].value)"]
		| .[]')
	is "$bad" "" "$name: all $(jq '.entries|length' "$truth") written entries read back through the self-map"
	# mappings: !vtop and !ptov
	jq -r '.maps[] | "!vtop 0 \(.va)"' "$truth" > "$tmp/s2"
	if [ -s "$tmp/s2" ]; then
		"$MMKD" --json "$dump" -s "$tmp/s2" > "$tmp/o2"
		bad=$(jq -rn --slurpfile t "$truth" --slurpfile o "$tmp/o2" '
			[range(0; $t[0].maps | length) as $i |
			 select($o[$i].result.pa != $t[0].maps[$i].pa) |
			 "\($t[0].maps[$i].va): got \($o[$i].result.pa) want \($t[0].maps[$i].pa)"] | .[]')
		is "$bad" "" "$name: !vtop translates all $(jq '.maps|length' "$truth") mappings"
		"$MMKD" --json "$dump" -c '!ptov 0' > "$tmp/o3"
		bad=$(jq -rn --slurpfile t "$truth" --slurpfile o "$tmp/o3" '
			($o[0].result.mappings | map("\(.va) \(.pa) \(.size)")) as $m |
			[$t[0].maps[] | "\(.va) \(.pa) \(.size)" | select(. as $x | $m | index([$x]) | not)]
			| .[]')
		is "$bad" "" "$name: !ptov lists every mapping"
	fi
done
[ $found = 1 ] || ok 1 "no truth files in $TD"
done_testing
