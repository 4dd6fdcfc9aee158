#!/bin/sh
# SPDX-License-Identifier: MIT
# Corrupted kernel structures (issue 4): a cyclic ActiveProcessLinks, a VAD tree with a loop,
# a page list pointing outside the PFN database, a page list that loops, an EPROCESS with a
# wild DTB. Every command walks boundedly, says what is wrong (error or warning naming the
# structure) and the session goes on: a command after it still works. (The sanitizer build of
# `quickstart check` runs this under ASan and UBSan.)
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

base=$(ls "$TD"/*/*.raw 2>/dev/null | grep -v pagefile | sort -r | head -n1)
[ -n "$base" ] || skip_all "no scenario dumps in $TD"

# run CORRUPTION "COMMANDS" JQ-CHECK DESCRIPTION  (EPROCESS in COMMANDS: the process planted)
run() {
	"$MODEL" plant "$1" "$base" "$tmp/h.raw" > "$tmp/plant.json" || { ok 1 "$4: cannot plant $1"; return; }
	cmds=$(echo "$2" | sed "s/EPROCESS/$(jq -r .eprocess "$tmp/plant.json")/g")
	timeout 60 "$MMKD" --json "$tmp/h.raw" -c "$cmds; ? 1+1" > "$tmp/out" 2> "$tmp/err"
	st=$?
	[ $st -le 1 ]; ok $? "$4: no crash or hang (exit $st)"
	jq -s -e "$3" "$tmp/out" > /dev/null; ok $? "$4"
	is "$(jq -s -r '.[-1].result.value' "$tmp/out")" 0x2 "$4: the session goes on"
}

run process-loop '!process 0 0' \
	'.[0].ok and .[0].result.list_broken and (.[0].result.warnings[0] | test("loops back"))' \
	"cyclic ActiveProcessLinks: !process 0 0 lists, then warns where the list loops"
run vad-loop '.process EPROCESS; !vad' \
	'.[1].ok and .[1].result.tree_broken and (.[1].result.warnings[0] | test("VAD"))' \
	"VAD tree with a loop: !vad stops and says the tree is broken"
run list-outside '!pfnlist standby; !pfnlist modified' \
	'([.[0:2][] | .result.broken] | any) and ([.[0:2][] | .result.warnings[]?] | any(test("outside the PFN database")))' \
	"page list pointing outside the PFN database: !pfnlist names where it breaks"
run list-loop '!pfnlist standby; !pfnlist modified' \
	'([.[0:2][] | .result.warnings[]?] | any(test("loops back")))' \
	"page list with a loop: !pfnlist stops at the repeat"
run process-dtb '.process EPROCESS; !vad' \
	'(.[0].ok | not) and (.[0].error.message | test("does not hold a PML4"))' \
	"EPROCESS with a wild DTB: .process refuses it and says why"
run process-dtb '!process 0 1; !memusage 1' \
	'.[0].ok and .[1].ok' \
	"EPROCESS with a wild DTB: !process and !memusage still work"
done_testing
