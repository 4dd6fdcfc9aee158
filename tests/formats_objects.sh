#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 5 "every command gives the same answers in every format", for the kernel objects: the
# demo machine of the reference VMM (every page state, four processes), written by mmkd-model
# as raw, elf, dmp, dmp-bitmap, lime, kdump and kdump-raw. The crash dump and ELF formats
# carry a header (KdDebuggerDataBlock, PfnDataBase, PsActiveProcessHead, the DTB, CPU 0), so
# mmkd bootstraps from it there and by scanning the raw image elsewhere: both ways must reach
# the same objects. Commands come from the simulator's truth file: every process with flags 7,
# !vad and !wsle 1 of each, every page list, !pfn of pages of every state, !pte of a sample of
# each process's PTEs, !memusage 1, !vm, dt of each EPROCESS, !mmcheck. Only where a fact came
# from (kdbg_source, dtb_source) and what needs MSRs (memory types) may differ.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
FORMATS="raw elf dmp dmp-bitmap lime kdump kdump-raw"
T="$TD/demo/demo.truth.json"
for f in $FORMATS; do need_dump "demo/demo.$f"; done

{
	echo '!process 0 7'
	echo '!vm'
	echo '!memusage 1'
	for l in zeroed free standby modified modnowrite bad; do echo "!pfnlist $l"; done
	# two pages of every state (and flags) the truth has
	jq -r '[.pfns[] | {k: (.state + (.flags | sort | join(","))), pfn}] | group_by(.k)[] |
		.[0], .[length / 2 | floor] | "!pfn \(.pfn)"' "$T" | sort -u
	jq -r '.processes[] | .eprocess' "$T" | while read -r ep; do
		echo ".process $ep"
		echo '!vad'
		echo '!wsle 1'
		echo "dt _EPROCESS $ep"
		jq -r --arg ep "$ep" '.processes[] | select(.eprocess == $ep) | .ptes[]? | .va' "$T" |
			awk 'NR % 37 == 1' | head -20 | sed 's/^/!pte /'
	done
	echo '!mmcheck'
} > "$tmp/cmds"
n=$(grep -c . "$tmp/cmds")
[ "$n" -gt 40 ]; ok $? "$n commands from the truth file"

# a valid page's memory type needs the CPU's MSRs, which only some containers carry
norm='del(.result.kdbg_source, .result.dtb_source, .result.memory_type)'
for f in $FORMATS; do
	"$MMKD" --json "$TD/demo/demo.$f" -s "$tmp/cmds" 2> /dev/null | jq -c "$norm" > "$tmp/$f.json"
	is "$(grep -c . "$tmp/$f.json")" "$n" "$f: one answer per command"
	is "$(jq -s 'map(select(.ok | not)) | length' "$tmp/$f.json")" 0 "$f: every command succeeds"
done
for f in $FORMATS; do
	[ "$f" = raw ] && continue
	if cmp -s "$tmp/raw.json" "$tmp/$f.json"; then
		ok 0 "$f: every answer equals the raw image's ($n commands)"
	else
		ok 1 "$f: every answer equals the raw image's ($n commands)"
		diff "$tmp/raw.json" "$tmp/$f.json" | head -4 | cut -c1-240 | sed 's/^/#   /'
	fi
done
# the header was used where there is one, the scan where there is none
for f in dmp dmp-bitmap elf kdump; do
	src=$("$MMKD" --json "$TD/demo/demo.$f" -c '!vm' | jq -r .result.kdbg_source)
	is "$src" "crash dump header" "$f: KDBG from the dump's header"
done
for f in raw lime; do
	src=$("$MMKD" --json "$TD/demo/demo.$f" -c '!vm' | jq -r .result.kdbg_source)
	is "$src" "kernel image scan" "$f: KDBG found by scanning the kernel image"
done
done_testing
