#!/bin/sh
# SPDX-License-Identifier: MIT
# The object commands against the reference VMM's own state: for every snapshot of every
# scenario in testdumps/scenarios, run !process, !vad, !wsle, !pfn (every page), !pfnlist,
# !memusage, !vm and !pte with --json on the dump and compare with SNAP.truth.json, which the
# simulator wrote from its C state (never by reading the dump back).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Compare two JSON documents given as files with a jq program that yields mismatch lines.
check() {	# check DESC TRUTH OUT JQPROG
	bad=$(jq -rn --slurpfile t "$2" --slurpfile o "$3" "$4" 2>&1 | head -n 20)
	is "$bad" "" "$1"
}

found=0
for truth in "$TD"/*/*.truth.json; do
	[ -f "$truth" ] || continue
	found=1
	dir=$(dirname "$truth")
	snap=$(basename "$truth" .truth.json)
	scn=$(basename "$dir")
	dump="$dir/$snap.raw"
	[ -f "$dump" ] || { ok 1 "$scn/$snap: raw dump missing"; continue; }
	name="$scn/$snap"

	# -- processes
	"$MMKD" --json "$dump" -c '!process 0 0' > "$tmp/proc"
	check "$name: !process 0 0 matches the processes" "$truth" "$tmp/proc" '
		($t[0].processes | map({eprocess, pid, name, dtb, vad_root, working_set_size})) as $want |
		($o[0].result.processes | map({eprocess, pid, name, dtb, vad_root, working_set_size})) as $got |
		if $want == $got then empty else "want \($want)\ngot  \($got)" end'

	# -- per process: VADs, working set list, PTEs
	jq -r '.processes[] | select(.name != "System") | .eprocess' "$truth" > "$tmp/eps"
	while read -r ep; do
		{
			echo ".process $ep"
			echo "!vad"
			echo "!wsle 1"
			jq -r --arg ep "$ep" '.processes[] | select(.eprocess == $ep) | .ptes[]? | "!pte \(.va)"' "$truth"
		} > "$tmp/script"
		"$MMKD" --json "$dump" -s "$tmp/script" > "$tmp/pout"
		jq -s '.' "$tmp/pout" > "$tmp/pout.json"
		jq --arg ep "$ep" '.processes[] | select(.eprocess == $ep)' "$truth" > "$tmp/ptruth"
		check "$name $ep: !vad matches the VAD tree" "$tmp/ptruth" "$tmp/pout.json" '
			($t[0].vads | map({address, level, start_vpn, end_vpn, commit, type, protection, private})) as $w |
			($o[0][1].result.vads | map({address, level, start_vpn, end_vpn, commit, type, protection, private})) as $g |
			if $w == $g then empty else "want \($w)\ngot  \($g)" end'
		check "$name $ep: !wsle matches the working set list" "$tmp/ptruth" "$tmp/pout.json" '
			$t[0].wsl as $w | $o[0][2].result as $g |
			([ "first_free", "first_dynamic", "last_entry", "last_initialized", "next_slot", "nondirect_count" ]
			  | map(select($w[.] != $g[.]) | "\(.): want \($w[.]) got \($g[.])")) +
			(if ($w.entries | map({index, va, valid, age, locked, direct})) ==
			    ($g.entries | map({index, va, valid, age, locked, direct}))
			 then [] else ["entries differ: want \($w.entries | length) got \($g.entries | length)"] end)
			| .[]'
		check "$name $ep: !pte matches every PTE of every VAD" "$tmp/ptruth" "$tmp/pout.json" '
			[range(0; $t[0].ptes | length) as $i | $t[0].ptes[$i] as $w | $o[0][$i + 3] as $r |
			 ($r.result.levels // [] | map(select(.name == "PTE")) | first // null) as $pte |
			 (if $pte then $pte.contents else "0x0" end) as $c |
			 select($c != $w.pte or $r.result.va != $w.va) |
			 "\($w.va): want \($w.pte) (\($w.state)) got \($c) (\($r.result.state // $r.error.message))"]
			| .[]'
	done < "$tmp/eps"

	# -- every PFN
	jq -r '.pfns[]? | "!pfn \(.pfn)"' "$truth" > "$tmp/pfns"
	if [ -s "$tmp/pfns" ]; then
		"$MMKD" --json "$dump" -s "$tmp/pfns" | jq -s '.' > "$tmp/pfnout"
		check "$name: !pfn matches all $(wc -l < "$tmp/pfns") PFNs" "$truth" "$tmp/pfnout" '
			def pick: {pfn, state, pte_address, share_count, reference_count, original_pte,
				   pte_frame, flink, blink, flags: (.flags | sort), priority, cache, used_entry_count};
			[range(0; $t[0].pfns | length) as $i | ($t[0].pfns[$i] | pick) as $w |
			 ($o[0][$i].result | pick) as $g | select($w != $g) |
			 "\($w.pfn): " + ([$w | keys[] as $k | select($w[$k] != $g[$k]) |
			   "\($k) want \($w[$k]) got \($g[$k])"] | join(", "))] | .[]'
	fi

	# -- lists, memusage, globals
	{
		echo '!memusage'
		for l in zeroed free standby modified modnowrite bad; do echo "!pfnlist $l"; done
		echo '!vm'
	} > "$tmp/gs"
	"$MMKD" --json "$dump" -s "$tmp/gs" | jq -s '.' > "$tmp/gout"
	check "$name: !memusage counts" "$truth" "$tmp/gout" '
		if $t[0].counts == $o[0][0].result.counts then empty
		else "want \($t[0].counts)\ngot  \($o[0][0].result.counts)" end'
	check "$name: !pfnlist counts and members" "$truth" "$tmp/gout" '
		{ "zeroed": "Zeroed", "free": "Free", "standby": "Standby", "modified": "Modified",
		  "modnowrite": "ModifiedNoWrite", "bad": "Bad" } as $st |
		{ "zeroed": "zeroed", "free": "free", "standby": "standby", "modified": "modified",
		  "modnowrite": "modified_no_write", "bad": "bad" } as $key |
		[ $o[0][1:7][] | .result as $r | select($r) |
		  ([ $t[0].pfns[]? | select(.state == $st[$r.list] and .flink != null) | .pfn ] | sort) as $members |
		  (if $r.count != $t[0].lists[$key[$r.list]] then
			"\($r.list): head count \($r.count), truth \($t[0].lists[$key[$r.list]])" else empty end),
		  (if ($t[0].pfns | length) > 0 and ($r.pfns | sort) != $members then
			"\($r.list): walked \($r.pfns | length) pages, truth has \($members | length) linked" else empty end),
		  (if $r.broken then "\($r.list): reported broken" else empty end) ] | .[]'
	check "$name: !vm globals" "$truth" "$tmp/gout" '
		$t[0].globals as $w | $o[0][7].result as $g |
		[ (if $w.available_pages != $g.available_pages then "available_pages want \($w.available_pages) got \($g.available_pages)" else empty end),
		  (if $w.total_committed_pages != $g.committed_pages then "committed want \($w.total_committed_pages) got \($g.committed_pages)" else empty end),
		  (if $w.commit_limit != $g.commit_limit then "commit_limit want \($w.commit_limit) got \($g.commit_limit)" else empty end)
		] | .[]'
done
[ $found = 1 ] || skip_all "no scenario dumps in $TD (the reference VMM has not produced any)"
done_testing
