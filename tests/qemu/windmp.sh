# SPDX-License-Identifier: MIT
# QEMU's own win-dmp crash dumps of machines of the reference VMM (issue 5, live-lab.md §3.4),
# sourced by tests/qemu/lib.sh. A machine is booted with -device vmcoreinfo (libvirt:
# <features><vmcoreinfo state='on'/>) and its VMCOREINFO note (mmkd-model --format
# vmcoreinfo: the machine's DUMP_HEADER64) as the first multiboot module (-initrd; libvirt
# <initrd>), which the guest stub registers through fw_cfg (guest/stub.S). QEMU then writes
# dump-guest-memory format=win-dmp from that header: it uses DirectoryTableBase as CR3,
# copies KDBG+0xC0 into PfnDataBase and KiBugcheckData (KDBG+0x88) into the bugcheck
# fields, writes a CONTEXT of the live vCPU at KiProcessorBlock[0] + OffsetPrcbContext
# (KDBG+0x218, KDBG+0x338) for the dump and restores the old bytes afterwards.
#   windmp_note IMG             the note of a machine snapshot ($TD/IMG.vmcoreinfo)
#   vmci_status MON...          the stub's vmci_status word (1: registered; guest/stub.S)
#   windmp_checks DESC IMG FILE NOTE CMDS REF MON...
#                               QEMU's win-dmp FILE of IMG booted with NOTE, against
#                               independent witnesses: QEMU's monitor (MON... runs one HMP
#                               line: "qmp SOCK" or "vmon DOMAIN"; CR3 must be the image's
#                               DTB) for the live registers, KDBG fields and guest memory
#                               after the dump, the simulator's truth file, the registered
#                               note's bytes and the raw image; then every command of CMDS
#                               must answer as REF (the raw image's answers), except where the
#                               KDBG was found (kdbg_source: the dump's header, not a scan of
#                               the kernel image), and the answers must match the truth.
# Offsets of DUMP_HEADER64 and CONTEXT: formats.md §1a; of KDDEBUGGER_DATA64: §1b.

windmp_note() {
	echo "$TD/$1.vmcoreinfo"
}

vmci_status() {
	local va
	va=$(nm "$STUB" | awk '/ vmci_status$/ { print "0x" $1 }')
	"$@" "xp /1wx $va" | tr -d '\r' | awk '{ print $2 }'
}

_hex() {	# _hex VALUE: any hex spelling (with or without 0x, leading zeros) as 0x...
	[ -n "$1" ] || { echo none; return; }
	printf '0x%x' "$((16#${1#0x}))"
}

_u64() {	# _u64 FILE OFFSET
	_hex "$(od -An -tx8 -j "$(($2))" -N8 "$1" | tr -d ' ')"
}

_u32() {
	_hex "$(od -An -tx4 -j "$(($2))" -N4 "$1" | tr -d ' ')"
}

_mon_x() {	# _mon_x FMT VA MON...: one value QEMU reads through the vCPU's CR3
	local fmt=$1 va
	va=$(printf '0x%x' "$(($2))")
	shift 2
	_hex "$("$@" "x /1$fmt $va" | tr -d '\r' | awk 'NR == 1 { print $2 }')"
}

# _dmp_off FILE PA: the file offset of physical address PA in a full crash dump (the runs'
# pages back to back from 0x2000), from the header's PhysicalMemoryBlock.
_dmp_off() {
	local n i base count off=8192
	n=$(($(_u32 "$1" 0x88)))
	for ((i = 0; i < n && i < 42; i++)); do
		base=$(($(_u64 "$1" $((0x98 + 16 * i))) << 12))
		count=$(($(_u64 "$1" $((0xa0 + 16 * i))) << 12))
		if [ "$(($2))" -ge "$base" ] && [ "$(($2))" -lt $((base + count)) ]; then
			echo $((off + $2 - base))
			return 0
		fi
		off=$((off + count))
	done
	return 1
}

windmp_checks() {
	local desc=$1 img=$2 file=$3 note=$4 cmds=$5 ref=$6
	shift 6
	local kdbg dtb pah pfndb runs want got n i
	# one pass over the truth file (large): the machine's values, then its runs
	jq -r '.machine | "\(.kdbg) \(.dtb) \(.ps_active_process_head) \(.pfn_database)",
		(.runs[] | "\(.base_page) \(.page_count)")' "$TD/$img.truth.json" > "$T/wmachine"
	read -r kdbg dtb pah pfndb < "$T/wmachine"
	runs=$(tail -n +2 "$T/wmachine")

	# -- mmkd opens it with the crash dump reader, from the header
	"$MMKD" --json "$file" -c .target > "$T/wt"
	is "$(jq -r '[.result.reader, .result.format, .result.dtb, .result.dtb_source,
		.result.hints.kdbg] | join(" / ")' "$T/wt")" \
		"crashdump / Windows crash dump, full (DumpType 1) / $dtb / crash dump header / $kdbg" \
		"$desc: mmkd reads it as a full crash dump; DTB and KDBG from its header"

	# -- the header QEMU wrote: what the model registered, patched as QEMU patches it
	is "$(od -An -c -N8 "$file" | tr -d ' ')" "PAGEDU64" "$desc: 'PAGEDU64'"
	is "$(_u64 "$file" 0x10) $(_u64 "$file" 0x80) $(_u64 "$file" 0x28)" \
		"$dtb $kdbg $pah" \
		"$desc: DirectoryTableBase, KdDebuggerDataBlock, PsActiveProcessHead are the machine's"
	n=$(($(_u32 "$file" 0x88)))
	got=$(for ((i = 0; i < n && i < 42; i++)); do
		echo "$(_u64 "$file" $((0x98 + 16 * i))) $(_u64 "$file" $((0xa0 + 16 * i)))"
	done)
	is "$got" "$runs" \
		"$desc: PhysicalMemoryBlock holds the machine's runs"
	# QEMU copies KDBG.MmPfnDatabase: the address of the variable, not the database's base
	# that the model registered (as Windows writes it)
	want=$(_mon_x gx "$((kdbg + 0xc0))" "$@")
	is "$(_u64 "$file" 0x18)" "$want" "$desc: PfnDataBase is KDBG+0xC0 as QEMU reads it ($want)"
	is "$(_u64 "$note" $((24 + 0x18)))" "$pfndb" \
		"$desc: where the model registered MmPfnDatabase's value"
	local bcd code
	bcd=$(_mon_x gx "$((kdbg + 0x88))" "$@")
	code=$(_mon_x wx "$bcd" "$@")
	[ "$code" = 0x0 ] && code=0x161	# LIVE_SYSTEM_DUMP when the guest saved no bugcheck
	got="$(_u32 "$file" 0x38)"
	for ((i = 0; i < 4; i++)); do
		got="$got $(_u64 "$file" $((0x40 + 8 * i)))"
		code="$code $(_mon_x gx "$((bcd + 8 + 8 * i))" "$@")"
	done
	is "$got" "$code" "$desc: bugcheck code and parameters from KiBugcheckData ($bcd)"
	n=$(($(_u64 "$file" 0x90)))
	is "$(_u32 "$file" 0xf98) $(_u64 "$file" 0xfa0)" "0x1 $(printf '0x%x' $((8192 + 4096 * n)))" \
		"$desc: DumpType 1, RequiredDumpSpace is the header and the runs' $n pages"
	is "$(stat -c %s "$file")" "$((8192 + 4096 * n))" "$desc: and the file is that long"
	# every other byte of the header is the registered note's
	# (PfnDataBase 0x18, the bugcheck fields 0x38-0x5F and RequiredDumpSpace 0xFA0 excepted)
	got=$(cmp -l <(tail -c +25 "$note") <(head -c 8192 "$file") | awk '{ o = $1 - 1
		if (!((o >= 24 && o < 32) || (o >= 56 && o < 96) || (o >= 4000 && o < 4008)))
			printf "%x ", o }')
	is "$got" "" "$desc: every other header byte is the one the model registered"

	# -- the CONTEXT QEMU wrote at KiProcessorBlock[0] + OffsetPrcbContext
	local kpb off prcb ctx ctx_pa ctx_off
	kpb=$(_mon_x gx "$((kdbg + 0x218))" "$@")
	off=$(_mon_x hx "$((kdbg + 0x338))" "$@")
	prcb=$(_mon_x gx "$kpb" "$@")
	ctx=$(_mon_x gx "$((prcb + off))" "$@")
	ctx_pa=$("$@" "gva2gpa $ctx" | tr -d '\r' | sed -n 's/^gpa: //p')
	[ -n "$ctx_pa" ] || ctx_pa=none
	ctx_off=$(_dmp_off "$file" "$ctx_pa")
	ok $? "$desc: the CONTEXT ($ctx, physical $ctx_pa) is inside the dump"
	"$@" "info registers" | tr -d '\r' > "$T/wregs"
	want="" got=""
	# CONTEXT: EFlags u32 at 0x44, Rax..R15 at 0x78 in the x86 encoding order, Rip at 0xF8
	for r in RAX:0x78 RCX:0x80 RDX:0x88 RBX:0x90 RSP:0x98 RBP:0xa0 RSI:0xa8 RDI:0xb0 \
		R8:0xb8 R9:0xc0 R10:0xc8 R11:0xd0 R12:0xd8 R13:0xe0 R14:0xe8 R15:0xf0 RIP:0xf8 RFL:0x44; do
		want="$want ${r%:*}=$(_hex "$(sed -n "s/.*${r%:*} *=\([0-9a-f]*\).*/\1/p" "$T/wregs" | head -n1)")"
		if [ "${r%:*}" = RFL ]; then
			got="$got RFL=$(_u32 "$file" $((ctx_off + ${r#*:})))"
		else
			got="$got ${r%:*}=$(_u64 "$file" $((ctx_off + ${r#*:})))"
		fi
	done
	is "$got" "$want" "$desc: the CONTEXT in the dump holds the live registers of QEMU's info registers"
	is "$(_u32 "$file" $((ctx_off + 0x30)))" 0x10001f "$desc: with ContextFlags 0x10001f"
	# after the dump, guest memory holds the image's CONTEXT again (0x4d0 bytes)
	got=$("$@" "xp /154gx $ctx_pa" | tr -d '\r' | cut -d: -f2- | tr ' ' '\n' | grep . |
		while read -r v; do _hex "$v"; echo; done | tr '\n' ' ')
	want=$(od -An -tx8 -v -j "$((ctx_pa))" -N $((0x4d0)) "$TD/$img.raw" | tr ' ' '\n' | grep . |
		while read -r v; do _hex "$v"; echo; done | tr '\n' ' ')
	is "$got" "$want" "$desc: QEMU restored the guest's CONTEXT after the dump"
	# the machine's pages (from 2 MiB: below are the firmware's and the stub's) are the raw
	# image's, but for the CONTEXT QEMU wrote
	local base=$((0x200000)) size
	size=$(($(stat -c %s "$TD/$img.raw") - base))
	got=$(cmp -l <(tail -c +$(($(_dmp_off "$file" $base) + 1)) "$file" | head -c $size) \
		<(tail -c +$((base + 1)) "$TD/$img.raw") 2>&1 |
		awk -v lo=$((ctx_pa - base)) -v hi=$((ctx_pa - base + 0x4d0)) '
		/^cmp/ { print; exit } { o = $1 - 1; if (o >= lo && o < hi) n++; else out++ }
		END { printf "%d %d", (n > 0), out }')
	is "$got" "1 0" "$desc: every page from 2 MiB is the raw image's, but for the CONTEXT"

	# -- every command answers as on the raw image; only where the KDBG came from differs
	local norm='if (.result | type) == "object" then del(.result.kdbg_source) else . end'
	# shellcheck disable=SC2046
	"$MMKD" --json $(image_mmkd_args "$img") "$file" -s "$cmds" > "$T/wgot.json"
	is "$(jq -r 'select(.command == "!vm") | .result.kdbg_source' "$T/wgot.json")" \
		"crash dump header" "$desc: !vm: the KDBG comes from the dump's header"
	is "$(wc -l < "$T/wgot.json" | tr -d ' ')" "$(wc -l < "$ref" | tr -d ' ')" \
		"$desc: one answer per command"
	paste -d '\n' <(jq -c "$norm" "$ref") <(jq -c "$norm" "$T/wgot.json") |
		while read -r want && read -r got; do
			[ "$want" = "$got" ] || echo "$want" | jq -r .command
		done > "$T/wdiff"
	is "$(wc -l < "$T/wdiff" | tr -d ' ')" 0 \
		"$desc: every answer equals the raw image's, but kdbg_source ($(wc -l < "$cmds" | tr -d ' ') commands)"
	head -5 "$T/wdiff" | sed 's/^/#   differs: /'
	truth_checks "$desc" "$img" "$T/wgot.json"
}
