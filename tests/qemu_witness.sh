#!/bin/bash
# SPDX-License-Identifier: MIT
# QEMU as an outside witness (issue 5): boot each model image of tests/qemu/images.list in a
# real QEMU (TCG, the guest stub, -device loader at 0x200000, CR3 written through the
# gdbstub; live-lab.md §2-§3), then
#  (a) QEMU's own MMU code translates sampled VAs (HMP gva2gpa: mapped 4 KiB, 2 MiB and 1 GiB
#      pages, every software PTE, an invalid PDE, non-canonical addresses and the self-map
#      region) and must agree with mmkd's !vtop on the raw image, and with the builder's
#      record; QEMU's `info tlb` (every present leaf, with its flags) must equal mmkd's !ptov
#      and the leaf entries !vtop reads; every entry address !pte computes through the
#      auto-entry must translate, in QEMU, to where !vtop found that entry, and hold the
#      value !pte printed; on a machine of the reference VMM (a scenario snapshot), the
#      sample is its kernel objects, and then, with CR3 set to each process's DTB in turn,
#      QEMU must map exactly the PTEs the simulator recorded as valid, to their frames
#      (an outside witness of the simulator itself), and agree with !vtop and !ptov there;
#  (b) QEMU writes an ELF dump (dump-guest-memory, paging=false): the image's bytes are at
#      their physical addresses in it (so nothing above, not even the witness's walks,
#      changed guest memory), and its CPU note carries the CR3 that was set.
# mmkd reading QEMU's dumps is tests/qemu_dumps.sh (booted images) and tests/qemu_paused_dumps.sh.
# bash, not sh: 64-bit address arithmetic (dash saturates above 2^63).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/qemu/lib.sh"
qemu_init
command -v readelf > /dev/null || skip_all "readelf (binutils) is not installed"

# Addresses no mapping covers, in every kind of hole, plus non-canonical ones.
EXTRA_VAS="0x0 0x30000 0x7ffffffff000 0xfffff80000700000 0xfffff8c03ffff123
0x800000000000 0xffff7ffffffff000 0xfffffffffffff000"

# QEMU's info tlb flag letters for a leaf entry (target/i386/monitor.c print_pte): the
# leaf's own bits, PS hidden on 4 KiB entries (where bit 7 is PAT). A filter: lines
# "VA CONTENTS PAGE_SIZE" in, "VA FLAGS" out, VA as 16 lowercase hex digits as info tlb has it.
tlb_flags() {
	awk '
	function bit(v, n) { return int(v / 2 ^ n) % 2 }
	function hex16(s) { s = tolower(substr(s, 3)); while (length(s) < 16) s = "0" s; return s }
	{
		hex = hex16($2); v = 0; hi = 0
		for (i = 1; i <= 16; i++) {
			d = index("0123456789abcdef", substr(hex, i, 1)) - 1
			if (i == 1) hi = d
			if (i > 8) v = v * 16 + d
		}
		large = ($3 != "0x1000")
		printf "%s %s%s%s%s%s%s%s%s%s\n", hex16($1), (hi >= 8 ? "X" : "-"), (bit(v, 8) ? "G" : "-"),
			(large && bit(v, 7) ? "P" : "-"), (bit(v, 6) ? "D" : "-"), (bit(v, 5) ? "A" : "-"),
			(bit(v, 4) ? "C" : "-"), (bit(v, 3) ? "T" : "-"), (bit(v, 2) ? "U" : "-"),
			(bit(v, 1) ? "W" : "-")
	}'
}

# The VAs to translate under the System DTB: the builder's mappings and entries (page-table
# images) or the simulator's kernel objects (machines: the kernel image, KDBG, the PFN
# database and sampled entries of it, PsActiveProcessHead, EPROCESSes, VADs, the self-map
# addresses of sampled PTEs), and addresses in every kind of hole.
image_vas() {
	if [ "$machine" = 1 ]; then
		jq -r '(.machine | .kernel_base, "\(.kernel_base)+0x123", .kdbg, .pfn_database,
			.ps_active_process_head),
		       (.processes[] | .eprocess, (.vads[] | .address)),
		       (.pfns | group_by(.state)[] | .[0], .[-1] | .address, .pte_address)' "$truth"
	else
		jq -r '.maps[] | .va, "\(.va)+0x123", "\(.va)+\(.size)-8"' "$truth"
		jq -r '.entries[] | .va, .address' "$truth"
	fi
	echo "$EXTRA_VAS"
}

# xlate DESC DTB VAS: QEMU's gva2gpa (under the CR3 set now) against mmkd's !vtop through DTB
# on the raw image, for every VA of the file VAS; leaves "va|qemu|mmkd" lines in $T/xlate.
xlate() {
	desc=$1 pfn=$(printf '%x' $(($2 >> 12))) vasf=$3
	sed "s/^/!vtop $pfn /" "$vasf" > "$T/vtop.cmd"
	"$MMKD" --json "$raw" -s "$T/vtop.cmd" > "$T/vtop.json"
	set --
	while read -r va; do set -- "$@" "gva2gpa $va"; done < "$vasf"
	qmp "$T/$id.qmp" "$@" | tr -d '\r' > "$T/gva2gpa"
	is "$(wc -l < "$T/gva2gpa" | tr -d ' ')" "$(wc -l < "$vasf" | tr -d ' ')" \
		"$desc: QEMU answered every gva2gpa"
	jq -r 'if .ok and .result.translated then "gpa: \(.result.pa)"
	       else "Unmapped" end' "$T/vtop.json" |
		sed 's/gpa: 0x0$/gpa: 0/' > "$T/mmkd-xlate"
	paste -d'|' "$vasf" "$T/gva2gpa" "$T/mmkd-xlate" > "$T/xlate"
	nmapped=0 nunmapped=0 bad=0
	while IFS='|' read -r va q m; do
		[ "$m" = "$q" ] || { bad=$((bad + 1)); diag "$va: mmkd $m, QEMU $q"; }
		case $q in Unmapped) nunmapped=$((nunmapped + 1)) ;; *) nmapped=$((nmapped + 1)) ;; esac
	done < "$T/xlate"
	is "$bad" 0 \
		"$desc: mmkd !vtop and QEMU gva2gpa agree on $nmapped mapped and $nunmapped unmapped addresses"
}

# tlb DESC DTB: QEMU's info tlb (every present leaf, with its flags) against mmkd's !ptov
# through DTB and the leaf entries !vtop reads.
tlb() {
	desc=$1 pfn=$(printf '%x' $(($2 >> 12)))
	qmp "$T/$id.qmp" 'info tlb' | tr -d '\r' | grep . > "$T/tlb"
	"$MMKD" --json "$raw" -c "!ptov $pfn" |
		jq -r '.result.mappings[] | "\(.va) \(.pa)"' | sort > "$T/ptov.vapa"
	norm() { while read -r a b; do printf '0x%x 0x%x\n' "$((a))" "$((b))"; done | sort; }
	norm < "$T/ptov.vapa" > "$T/ptov.n"
	sed 's/^/0x/; s/ / 0x/' "$T/tlb" | awk '{ print $1, $2 }' | sed 's/://' | norm > "$T/tlb.n"
	n=$(wc -l < "$T/tlb.n" | tr -d ' ')
	cmp -s "$T/tlb.n" "$T/ptov.n"
	ok $? "$desc: QEMU's info tlb lists exactly the mappings of mmkd's !ptov ($n)"
	[ "$(wc -l < "$T/tlb.n")" -gt 0 ] && diff "$T/tlb.n" "$T/ptov.n" | head -5 | sed 's/^/# /'
	cut -d' ' -f1 "$T/tlb.n" | sed "s/^/!vtop $pfn /" > "$T/leaf.cmd"
	"$MMKD" --json "$raw" -s "$T/leaf.cmd" |
		jq -r '"\(.result.va) \(.result.entries[-1].contents) \(.result.page_size)"' > "$T/leaf"
	# the flags QEMU printed for each leaf VA, against those of mmkd's entry
	bad=$(tlb_flags < "$T/leaf" | awk 'NR == FNR { sub(":", "", $1); want[tolower($1)] = $3; next }
		want[$1] != $2 { n++; printf "# %s: mmkd %s, QEMU %s\n", $1, $2, want[$1] > "/dev/stderr" }
		END { print n + 0 }' "$T/tlb" - 2> "$T/leafbad")
	head -5 "$T/leafbad"
	is "$bad" 0 "$desc: every leaf's flags (NX G PS D A PCD PWT U/S R/W) agree with info tlb"
}

# !pte's self-map addresses: QEMU translates them to where !vtop found each entry. (!pte of
# an address inside the page tables describes the VA that entry maps, as in WinDbg: the
# comparison is for the VA !pte reports.)
selfmap_entries() {
	pfn=$(printf '%x' $((dtb >> 12)))
	grep -v -i '0x800000000000$\|0xffff7ffffffff000$' "$T/vas" | sed 's/^/!pte /' > "$T/pte.cmd"
	"$MMKD" --json "$raw" -s "$T/pte.cmd" |
		jq -r 'select(.ok) | .result.va as $va | .result.levels |
		       to_entries[] | "\($va) \(.key) \(.value.address) \(.value.contents)"' |
		sort -u > "$T/levels"
	awk '{ print $1 }' "$T/levels" | sort -u | sed "s/^/!vtop $pfn /" > "$T/lv.cmd"
	"$MMKD" --json "$raw" -s "$T/lv.cmd" |
		jq -r '(.command | split(" ")[2]) as $va | .result.entries | to_entries[] |
		       "\($va) \(.key) \(.value.address)"' > "$T/entry-pa"
	set --
	while read -r va k addr contents; do
		set -- "$@" "gva2gpa $addr" "x /1gx $addr"
	done < "$T/levels"
	qmp "$T/$id.qmp" "$@" | tr -d '\r' | paste -d' ' - - > "$T/qlevels"
	bad=0 n=0
	# each line: VA LEVEL ADDRESS CONTENTS gpa: GPA ADDRESS: VALUE ENTRY-PA (joined by VA, LEVEL)
	paste -d' ' "$T/levels" "$T/qlevels" | awk 'NR == FNR { pa[$1 " " $2] = $3; next }
		{ print $0, pa[$1 " " $2] }' "$T/entry-pa" - > "$T/lq"
	while read -r va k addr contents g1 gpa x1 val epa; do
		n=$((n + 1))
		[ "$gpa" = "$(printf '0x%x' "$((epa))")" ] && [ "$((val))" = "$((contents))" ] || {
			bad=$((bad + 1))
			diag "$va level $k at $addr: QEMU $gpa = $val, mmkd entry at $epa = $contents"
		}
	done < "$T/lq"
	is "$bad" 0 "$img: all $n self-map entry addresses of !pte translate in QEMU to the entries !vtop read, with the same contents"
}

# Machines: each process's address space under its own CR3. QEMU's MMU must map exactly the
# PTEs the simulator recorded as valid, to the frames they hold, and agree with !vtop and
# !ptov through that DTB.
process_spaces() {
	jq -c .processes "$truth" > "$T/procs.json"	# parse the large truth file once
	while read -r pdtb pname; do
		set_regs qmp "$T/$id.qmp" -- "$T/$id.gdb" "cr3=$pdtb" ||
			{ ok 1 "$img $pname: CR3 $pdtb written"; continue; }
		jq -r --arg d "$pdtb" '.[] | select(.dtb == $d) | .ptes[] | .va' "$T/procs.json" |
			while read -r e; do printf '0x%x\n' "$((e))"; done > "$T/pvas"
		xlate "$img $pname" "$pdtb" "$T/pvas"
		jq -r --arg d "$pdtb" '.[] | select(.dtb == $d) | .ptes[] |
			if .state == "valid" then "gpa: \(.pte)" else "Unmapped" end' "$T/procs.json" |
			while read -r a b; do
				if [ "$a" = Unmapped ]; then echo Unmapped
				else printf 'gpa: 0x%x\n' $((b & 0xFFFFFFFFFF000)); fi
			done > "$T/want"
		nvalid=$(grep -c gpa "$T/want")
		cut -d'|' -f2 "$T/xlate" | cmp -s - "$T/want"
		ok $? "$img $pname: QEMU maps exactly the $nvalid PTEs the simulator recorded as valid, to their frames"
		tlb "$img $pname" "$pdtb"
	done < <(jq -r '.[] | select(.ptes | length > 0) | "\(.dtb) \(.name)"' "$T/procs.json")
	set_regs qmp "$T/$id.qmp" -- "$T/$id.gdb" "cr3=$dtb"
}

# (b) QEMU's ELF dump holds the image's bytes at their physical addresses (so nothing above,
# not even the witness's walks, changed guest memory), and its CPU note the CR3 set last.
elf_dump() {
	t0=$(now)
	qmp "$T/$id.qmp" "{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$T/$id.elf\"}}" > "$T/dump.out"
	ok $? "$img: QEMU wrote an ELF dump ($(since "$t0") s)"
	readelf -lW "$T/$id.elf" | awk '$1 == "LOAD" { print $2, $4, $5 }' > "$T/loads"
	size=$(wc -c < "$raw")
	found=0
	while read -r off paddr filesz; do
		if [ $((paddr)) -le 2097152 ] && [ $((paddr + filesz)) -ge "$size" ]; then
			cmp -s -n $((size - 2097152)) -i "2097152:$((off + 2097152 - paddr))" "$raw" "$T/$id.elf"
			ok $? "$img: the image's bytes 0x200000-$(printf '%#x' "$size") are at their physical addresses in QEMU's dump"
			found=1
		fi
	done < "$T/loads"
	is "$found" 1 "$img: one PT_LOAD of QEMU's dump covers the whole image"
	# QEMUCPUState: CR3 at desc+0x1a0 (formats.md §1c)
	ncr3=$(readelf -nW "$T/$id.elf" | awk '/^ *QEMU / { for (i = 1; i <= NF; i++) if ($i == "data:") s = i;
		o = s + 416 + 1; v = ""; for (i = o + 7; i >= o; i--) v = v $i; print v; exit }' | sed 's/^0*//')
	is "0x$ncr3" "$dtb" "$img: the dump's QEMU CPU note records the CR3 that was set"
	[ -n "${KEEP_T:-}" ] || rm -f "$T/$id.elf"
}

witness() {
	img=$1 id=$(image_id "$1")
	need_dump "$img.raw"
	raw="$TD/$img.raw"
	truth="$TD/$img.truth.json"
	dtb=$(image_dtb "$img")
	machine=0
	image_is_machine "$img" && machine=1
	guest_image "$raw" "$T/$id.tail"
	t0=$(now)
	qemu_boot "$id" "$T/$id.tail" "$(guest_ram_mib "$raw")"
	set_regs qmp "$T/$id.qmp" -- "$T/$id.gdb" "cr3=$dtb"
	ok $? "$img: CR3 written through the gdbstub"
	cr3=$(qmp "$T/$id.qmp" 'info registers' | sed -n 's/.*CR3=\([0-9a-f]*\).*/\1/p' | head -n1)
	is "0x$(echo "$cr3" | sed 's/^0*//')" "$dtb" "$img: QEMU's vCPU runs on the image's PML4"
	diag "$img: booted and CR3 set in $(since "$t0") s"

	# -- (a) translations: QEMU's gva2gpa against mmkd's !vtop
	image_vas "$img" | tr ' ' '\n' | grep . | while read -r e; do printf '0x%x\n' "$((e))"; done |
		sort -u > "$T/vas"
	xlate "$img" "$dtb" "$T/vas"
	if [ "$machine" = 0 ]; then
		# the builder's own record of every mapping, against QEMU
		while read -r va pa; do
			q=$(grep "^$(printf '0x%x' "$((va))")|" "$T/xlate" | cut -d'|' -f2)
			is "$q" "gpa: $(printf '0x%x' "$((pa))")" "$img: $va: QEMU agrees with the builder's record"
		done < <(jq -r '.maps[] | "\(.va) \(.pa)"' "$truth")
	fi
	tlb "$img" "$dtb"
	selfmap_entries
	[ "$machine" = 1 ] && process_spaces
	elf_dump
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

grep -v '^[[:space:]]*\(#\|$\)' "$QDIR/images.list" > "$T/images"
while read -r img; do
	witness "$img"
done < "$T/images"
done_testing
