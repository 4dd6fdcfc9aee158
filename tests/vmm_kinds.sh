#!/bin/sh
# SPDX-License-Identifier: MIT
# Every private-memory transition row of shared/spec/transitions.md §2 (groups A, B, C, D, E,
# R, F, G, H) appears in the trace of some golden scenario (testdumps/scenarios/*.scn); the
# count of each kind over all traces is printed. Rows the reference VMM does not produce, and
# why, are listed below and must never appear.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

required="A0 A1 A2 A3 A4 A5 A6 A7 A7b A7c
B1 B2 B3 B4 B5 B6
C1 C2 C3 C4
D1 D2 D3 D4 D5 D6
E1 E2 E3 E4 E5 E6 E7
R1
F0 F1 F1b F1c F1d F2 F3 F4
G1 G3 G4
H1 H3 H4 H5 H6"
# Not produced: C5-C7 (mapped-file, section and paged-pool pages: no sections or system
# working sets are simulated), C8 (a book gap: the model completes a write before releasing
# its page), E8 (asynchronous collided faults need a second faulting thread; the simulator
# runs one), G2 (the SLIST caches stay empty, Depth 0: their refill policy is a book gap),
# H2 and H7 (accounting rules, checked as invariants S3 and S8, not events), H8 (a bugcheck),
# B7, B8, E9, E10 (references to other rows).
never="C5 C6 C7 C8 E8 G2 H2 H7 H8"

found=0
for t in "$TD"/*/trace.jsonl; do
	[ -f "$t" ] || continue
	found=1
	jq -r .event "$t"
done > "$tmp/events"
ok $((1 - found)) "traces found under $TD"
sort "$tmp/events" | uniq -c | sort -k2 > "$tmp/counts"
for k in $required; do
	n=$(awk -v k="$k" '$2 == k { print $1 }' "$tmp/counts")
	[ -n "$n" ]; ok $? "transition $k appears in some trace (${n:-0} times)"
done
for k in $never; do
	n=$(awk -v k="$k" '$2 == k { print $1 }' "$tmp/counts")
	[ -z "$n" ]; ok $? "transition $k (not modelled) never appears"
done
# Every event is a row of the table (or K6, locking, used for B3).
unknown=$(awk '{ print $2 }' "$tmp/counts" | grep -vxE '[A-H][0-9]+[a-d]?|R1|K6' | tr '\n' ' ')
is "$unknown" "" "every event name is a transitions.md row ID"
 # Each trace is a coherent history: for every page, an event starts in the state the previous
# one left it in; replayed up to a snapshot's seq, it ends in the state the truth gives.
for t in "$TD"/*/trace.jsonl; do
	[ -f "$t" ] || continue
	d=$(dirname "$t"); n=$(basename "$d")
	bad=$(jq -s -r '[.[] | select(.pfn != null and .from != null and .to != null)]
		| group_by(.pfn) | map(. as $e | range(1; length)
			| select($e[.].from != $e[. - 1].to)
			| "\($e[.].pfn) seq \($e[.].seq): from \($e[.].from) after \($e[. - 1].to)")
		| .[0:3] | .[]' "$t")
	is "$bad" "" "$n: every page's events chain (from = the previous to)"
	for truth in "$d"/*.truth.json; do
		seq=$(jq .seq "$truth")
		jq -c --argjson s "$seq" 'select(.seq <= $s and .pfn != null and .to != null) | {pfn, to}' \
			"$t" > "$tmp/replay"
		bad=$(jq -n -r --slurpfile r "$tmp/replay" --slurpfile t "$truth" '
			(reduce $r[] as $e ({}; .[$e.pfn] = $e.to)) as $last
			| [$t[0].pfns[]? | select($last[.pfn] != null and $last[.pfn] != .state)
			   | "\(.pfn): trace \($last[.pfn]), truth \(.state)"] | .[0:3] | .[]')
		is "$bad" "" "$n/$(basename "$truth" .truth.json): the trace replayed to seq $seq gives the truth's page states"
	done
done
diag "events over all traces:" "$(awk '{ printf "%s=%s ", $2, $1 }' "$tmp/counts")"
done_testing
