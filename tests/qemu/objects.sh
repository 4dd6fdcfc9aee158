# SPDX-License-Identifier: MIT
# Object commands and truth checks for the QEMU tests, sourced by tests/qemu/lib.sh. An image
# of tests/qemu/images.list is either a page-table image (testdumps/pt/*.ptd: its truth file
# records "maps" and "entries") or a snapshot of a reference VMM machine
# (testdumps/scenarios/*.scn, named SCENARIO/SNAP: its truth file has "machine", "processes",
# "pfns", ...; testdumps/README.md). For the latter:
#   image_is_machine IMG        true for a machine snapshot
#   image_id IMG                a name for files, sockets and domains ("demo/demo" -> demo-demo)
#   image_page_va IMG           a kernel VA mapped by a 4 KiB page (the builder's first such
#                               mapping; a machine's first PFN database page)
#   image_mmkd_args IMG         the mmkd options a live target needs to see what the raw image
#                               sees beside it: its paging file (--pagefile)
#   object_cmds IMG             the object commands compared on every target: objects.cmds,
#                               then from the truth file !pfn and dt -r _MMPFN of a sample of
#                               PFNs (first, middle and last of every state, the first of
#                               every flag set, firmware pages, the legacy hole, PFN 0, the
#                               highest PFN), and for every process .process, !vad, !wsle 1,
#                               dt of its EPROCESS, working set list and VADs, !pte of the
#                               first and last PTE of every state; dt of the KDBG
#   truth_checks DESC IMG JSON  the answers of a target (JSON, one line per command of
#                               object_cmds) against the simulator's own truth: the process
#                               list, !memusage counts, list head counts, !vm's available
#                               pages and every sampled !pfn. An independent witness: truth
#                               files are written from the simulator's C state, never by
#                               reading the dump back.

_machines="" _not_machines=""	# remembered answers: parsing a machine's truth takes 0.1 s
image_is_machine() {
	case " $_machines " in *" $1 "*) return 0 ;; esac
	case " $_not_machines " in *" $1 "*) return 1 ;; esac
	if jq -e '.machine' "$TD/$1.truth.json" > /dev/null 2>&1; then
		_machines="$_machines $1"
		return 0
	fi
	_not_machines="$_not_machines $1"
	return 1
}

image_id() {
	echo "$1" | tr '/' '-'
}

image_page_va() {
	jq -r '.machine.pfn_database // [.maps[] | select(.size == "0x1000")][0].va' "$TD/$1.truth.json"
}

image_mmkd_args() {
	[ -f "$TD/$1.pagefile.sys" ] && echo "--pagefile $TD/$1.pagefile.sys"
	return 0
}

object_cmds() {
	grep -v '^[[:space:]]*\(#\|$\)' "$QDIR/objects.cmds"
	jq -r '
	def hex: "0x" + ([. | recurse(if . >= 16 then (. / 16 | floor) else empty end) % 16
		| "0123456789abcdef"[.:.+1]] | reverse | join(""));
	def num: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 +
		(if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));
	.machine as $m |
	([.pfns | group_by(.state)[] | (.[0], .[length / 2 | floor], .[-1])] +
	 [.pfns | map(select(.flags != [])) | group_by(.flags)[] | .[0]]
	 | unique_by(.pfn | num) | sort_by(.pfn | num)) as $sample |
	# PFN 0 and the legacy hole 0x9f-0xff (not RAM), the firmware pages 0x1-0x9e and
	# 0x100-0x1ff, the first model page 0x200 and the highest PFN (decimal: jq has no hex)
	([0, 1, 158, 159, 160, 255, 256, 511, 512, ($m.highest_pfn | num)] | unique) as $extra |
	(($sample | map(.pfn | num)) + $extra | unique | .[] | "!pfn \(hex)"),
	($sample | .[] | "dt -r _MMPFN \(.address)"),
	"dt _KDDEBUGGER_DATA64 \($m.kdbg)",
	(.processes[] |
	 ".process \(.eprocess)", "!vad", "!wsle 1", "dt _EPROCESS \(.eprocess)",
	 "dt _MMWSL 0xfffff70001080000",
	 (.vads[] | "dt _MMVAD_SHORT \(.address)"),
	 ((.ptes // []) | group_by(.state)[] | [.[0], .[-1]] | unique_by(.va)[] | "!pte \(.va)"))
	' "$TD/$1.truth.json"
}

# truth_checks DESC IMG JSON: JSON holds the answers (one per line) of a run of compare_cmds.
# One jq pass (the truth file is large): each check yields "N<TAB>mismatch" lines.
truth_checks() {
	jq -rn --slurpfile t "$TD/$2.truth.json" --slurpfile o "$3" '
	def answer($c): [$o[] | select(.command == $c)][0];
	def pick: {pfn, state, pte_address, share_count, reference_count, original_pte,
		   pte_frame, flink, blink, flags: (.flags | sort), priority, cache, used_entry_count};
	def procs: map({eprocess, pid, name, dtb, vad_root, working_set_size});
	($t[0].processes | procs) as $wp | (answer("!process 0 0").result.processes // [] | procs) as $gp |
	(if $wp == $gp then empty else "1\twant \($wp)\n1\tgot  \($gp)" end),
	(answer("!memusage").result.counts as $g |
	 if $t[0].counts == $g then empty else "2\twant \($t[0].counts) got \($g)" end),
	({ "zeroed": "zeroed", "free": "free", "standby": "standby", "modified": "modified",
	   "modnowrite": "modified_no_write", "bad": "bad" } as $key |
	 $key | keys[] as $l | answer("!pfnlist \($l)").result.count as $g |
	 select($g != $t[0].lists[$key[$l]]) | "3\t\($l): got \($g), want \($t[0].lists[$key[$l]])"),
	(answer("!vm").result.available_pages as $g | select($g != $t[0].globals.available_pages) |
	 "4\tgot \($g), want \($t[0].globals.available_pages)"),
	(($t[0].pfns | map({key: .pfn, value: pick}) | from_entries) as $w |
	 [$o[] | select(.command | startswith("!pfn ")) | .result | select(. and $w[.pfn]) | pick] |
	 if length < 10 then "5\tonly \(length) !pfn answers to compare" else .[] end |
	 select(type == "object") | . as $g | $w[$g.pfn] as $x | select($x != $g) |
	 "5\t\($g.pfn): " + ([$x | keys[] as $k | select($x[$k] != $g[$k]) |
	   "\($k) want \($x[$k]) got \($g[$k])"] | join(", ")))
	' > "$T/truth.bad" 2>&1 || echo "0	jq failed: $(head -c 300 "$T/truth.bad")" >> "$T/truth.bad"
	n=1
	for what in "!process 0 0 lists the simulator's processes" \
		"!memusage counts are the simulator's" "!pfnlist counts are the simulator's list heads" \
		"!vm available pages are the simulator's" "every sampled !pfn is the simulator's page"; do
		is "$(grep "^[0$n]	" "$T/truth.bad" | cut -f2- | head -n 10)" "" "$1: $what"
		n=$((n + 1))
	done
}
