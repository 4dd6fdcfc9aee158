#!/bin/sh
# SPDX-License-Identifier: MIT
# The consistency checker: !mmcheck reports no error on any snapshot the reference VMM wrote,
# and names each planted corruption (mmkd-model plant; one per invariant family: lists L,
# pages P, paging structures S, working sets W, VAD trees V, processes X) with the right
# invariant and the structure involved.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

dumps=$(ls "$TD"/*/*.raw 2>/dev/null | grep -v pagefile)
[ -n "$dumps" ] || skip_all "no scenario dumps in $TD"
for d in $dumps; do
	n=$(echo "$d" | sed "s|$TD/||")
	"$MMKD" --json "$d" -c '!mmcheck' > "$tmp/out"
	errs=$(jq -r '.result.errors // "failed"' "$tmp/out")
	is "$errs" 0 "$n: !mmcheck finds no error"
	[ "$errs" = 0 ] || jq -r '.result.violations[]?.message // .error.message' "$tmp/out" | head -5 | sed 's/^/#   /'
done

# plant every corruption into the last snapshot that has what it needs
for c in list-loop list-outside list-count list-location pte-backlink pt-share wsle-va \
	ws-size vad-count vad-loop process-loop process-dtb; do
	planted=
	for d in $(echo "$dumps" | sort -r); do
		if "$MODEL" plant "$c" "$d" "$tmp/p.raw" > "$tmp/plant.json" 2> /dev/null; then
			planted=$d
			break
		fi
	done
	if [ -z "$planted" ]; then
		ok 1 "$c: no test dump has the structures to plant it into"
		continue
	fi
	inv=$(jq -r .invariant "$tmp/plant.json")
	pfn=$(jq -r .pfn "$tmp/plant.json")
	addr=$(jq -r .address "$tmp/plant.json")
	"$MMKD" --json "$tmp/p.raw" -c '!mmcheck' > "$tmp/out"
	hit=$(jq -r --arg i "$inv" --arg p "$pfn" --arg a "$addr" '
		[.result.violations[]? | select(.invariant == $i) |
		 select($p == "null" or .pfn == $p or .address == $a or (.message | contains($p)))] | length' "$tmp/out")
	[ "${hit:-0}" -ge 1 ]; ok $? "$c: reported as $inv (PFN $pfn, structure $addr; $(basename "$planted"))"
	[ "${hit:-0}" -ge 1 ] || jq -c '[.result.violations[]? | {invariant, pfn, address}] | .[0:5]' "$tmp/out" | sed 's/^/#   /'
done
done_testing
