#!/bin/sh
# SPDX-License-Identifier: MIT
# !pte against the book: for every VA whose !pte output the book prints, the PXE/PPE/PDE/PTE
# addresses mmkd prints equal the addresses WinDbg printed (tests/data/book-pte-addresses.txt,
# taken verbatim from the book text). Also: literal and PTE-address argument forms.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_dump book.raw
data="$top_srcdir/tests/data/book-pte-addresses.txt"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The command for a VA is "!pte VA", except for VAs inside the paging-structure region, which
# WinDbg would take as PTE addresses: the book then passed the VA's PTE address (E03).
grep -v '^#' "$data" | awk '
	$2 ~ /^fffff6[89a-f]/ { if ($3 == "PTE") arg[$2] = $4; next }
	{ arg[$2] = $2 }
	END { for (v in arg) print "!pte " arg[v] }' | sort > "$tmp/script"
"$MMKD" --json "$TD/book.raw" -s "$tmp/script" > "$tmp/out" 2>&1
n=0
while read -r ex va lvl addr; do
	case $ex in \#*) continue ;; esac
	got=$(jq -r --arg va "0x$(echo "$va" | sed 's/^0*//')" --arg l "$lvl" '
		select(.result.va == ($va | ascii_downcase)) | .result as $r |
		([$r.levels[]? | select(.name == $l) | .address] | first) //
		empty' "$tmp/out" | head -n1)
	# Levels not read (after an invalid entry) still have computed addresses: ask the text.
	if [ -z "$got" ]; then
		got=$("$MMKD" "$TD/book.raw" -c "!pte $va" 2>/dev/null |
			grep -o "$lvl at [0-9A-F]*" | head -n1 | awk '{print $3}')
		got=0x$(echo "$got" | tr 'A-F' 'a-f' | sed 's/^0*//')
	fi
	want=0x$(echo "$addr" | tr 'A-F' 'a-f' | sed 's/^0*//')
	is "$got" "$want" "$ex VA $va: $lvl at $addr"
	n=$((n + 1))
done < "$data"
diag "$n book addresses checked"

# The argument forms of book §15.2.5: a PTE address shows the VA it maps (E02, E03).
va=$("$MMKD" --json "$TD/book.raw" -c '!pte FFFFF68000000E00' | jq -r .result.va)
is "$va" 0x1c0000 "E02: !pte of a PTE address shows VA 1c0000"
va=$("$MMKD" --json "$TD/book.raw" -c '!pte FFFFF6FB40000000' | jq -r .result.va)
is "$va" 0xfffff68000000000 "E03: !pte of a PDE address shows VA fffff68000000000"
done_testing
