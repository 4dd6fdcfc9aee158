#!/bin/bash
# SPDX-License-Identifier: MIT
# mmkd-model --format vmcoreinfo (issue 5): the VMCOREINFO ELF note a Windows guest registers
# with QEMU's -device vmcoreinfo, holding the machine's DUMP_HEADER64, for the machines booted
# by the QEMU tests (tests/qemu/windmp.sh shows QEMU accepting it; this test needs no QEMU):
#   - the ELF note framing QEMU's win_dump.c requires (24 + 0x2000 bytes: Elf64_Nhdr
#     {11, 0x2000, 0}, "VMCOREINFO" padded to 12) and the header's fields against the
#     simulator's truth file (DirectoryTableBase, KdDebuggerDataBlock, PfnDataBase,
#     PsActiveProcessHead, the PhysicalMemoryBlock runs) and formats.md §1a;
#   - it is the header of the machine's own crash dump and the note of its own ELF core;
#   - an image without a KDBG cannot have one (one-line error, exit 1).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

u32() { printf '0x%x' "$((16#$(od -An -tx4 -j "$(($2))" -N4 "$1" | tr -d ' ')))"; }
u64() { printf '0x%x' "$((16#$(od -An -tx8 -j "$(($2))" -N8 "$1" | tr -d ' ')))"; }

for img in demo/demo selfmap/moved; do
	need_dump "$img.vmcoreinfo"
	n="$TD/$img.vmcoreinfo" h=24
	is "$(stat -c %s "$n")" 8216 "$img: 24 + 0x2000 bytes"
	is "$(u32 "$n" 0) $(u32 "$n" 4) $(u32 "$n" 8)" "0xb 0x2000 0x0" \
		"$img: Elf64_Nhdr namesz 11, descsz 0x2000, type 0"
	is "$(od -An -c -j 12 -N 12 "$n" | tr -d ' ')" 'VMCOREINFO\0\0' "$img: name VMCOREINFO"
	is "$(od -An -c -j $h -N 8 "$n" | tr -d ' ')" PAGEDU64 "$img: a DUMP_HEADER64"
	jq -r '.machine | "\(.dtb) \(.pfn_database) \(.ps_active_process_head) \(.kdbg)",
		(.runs[] | "\(.base_page) \(.page_count)")' "$TD/$img.truth.json" > "$tmp/m"
	is "$(u64 "$n" $((h + 0x10))) $(u64 "$n" $((h + 0x18))) $(u64 "$n" $((h + 0x28))) $(u64 "$n" $((h + 0x80)))" \
		"$(head -n1 "$tmp/m")" \
		"$img: DirectoryTableBase, PfnDataBase, PsActiveProcessHead, KdDebuggerDataBlock are the simulator's"
	runs=$(for ((i = 0; i < $(($(u32 "$n" $((h + 0x88))))); i++)); do
		echo "$(u64 "$n" $((h + 0x98 + 16 * i))) $(u64 "$n" $((h + 0xa0 + 16 * i)))"
	done)
	is "$runs" "$(tail -n +2 "$tmp/m")" "$img: PhysicalMemoryBlock holds the simulator's runs"
	pages=0
	while read -r _ c; do pages=$((pages + c)); done < <(tail -n +2 "$tmp/m")
	is "$(u64 "$n" $((h + 0x90))) $(u32 "$n" $((h + 0x30))) $(u32 "$n" $((h + 0x34))) $(u32 "$n" $((h + 0xf98))) $(u64 "$n" $((h + 0xfa0)))" \
		"$(printf '0x%x' "$pages") 0x8664 0x1 0x1 $(printf '0x%x' $((0x2000 + 4096 * pages)))" \
		"$img: NumberOfPages, x64, one processor, DumpType 1 (full), RequiredDumpSpace"
done

# the same header as the machine's own full crash dump, the same note as its ELF core's
need_dump demo/demo.dmp
cmp -s <(tail -c +25 "$TD/demo/demo.vmcoreinfo") <(head -c 8192 "$TD/demo/demo.dmp")
ok $? "demo/demo: the header of the machine's own crash dump (demo.dmp)"
off=$(grep -obUa -m1 VMCOREINFO "$TD/demo/demo.elf" | head -n1 | cut -d: -f1)
cmp -s <(tail -c +$((${off:-12} - 12 + 1)) "$TD/demo/demo.elf" | head -c 8216) "$TD/demo/demo.vmcoreinfo"
ok $? "demo/demo: the VMCOREINFO note of the machine's own ELF core (demo.elf)"

# no KDBG, no note
"$MODEL" pt "$top_srcdir/testdumps/pt/qemu-guest.ptd" -o "$tmp" -f vmcoreinfo 2> "$tmp/e"
is "$?:$(cat "$tmp/e")" "1:mmkd-model: a vmcoreinfo note needs the machine's DirectoryTableBase and KdDebuggerDataBlock: this image has no KDBG" \
	"an image without a KDBG: one line, exit 1"
done_testing
