#!/bin/sh
# SPDX-License-Identifier: MIT
# The ELF and kdump readers against dumps QEMU itself writes (live-lab.md §2). A paused
# QEMU (-S: no firmware runs) gets the page tables and data of testdumps/pt/cpus.ptd loaded
# at 1 MiB (-device loader) and each vCPU's program counter set by the loader; then QEMU
# writes dump-guest-memory in ELF and kdump-zlib (flattened) format, and saves physical
# memory with pmemsave. Checks, with QEMU as the independent witness:
#  - every page mmkd reads from QEMU's ELF core and kdump file equals QEMU's pmemsave;
#  - both list the same physical runs;
#  - the registers mmkd reads from QEMU's CORE/QEMU notes equal QEMU's own
#    "info registers -a" for each vCPU;
#  - !pte, !vtop and memory reads through QEMU's dumps give the same JSON as on the
#    mmkd-model raw image the pages came from.
# The booted-guest witness tests are tests/qemu_witness.sh and tests/qemu_dumps.sh.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" > /dev/null || skip_all "$QEMU not installed"
need_dump cpus.raw
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
DUMPCMP="$top_builddir/tests/unit/dumpcmp"

# The paging structures and data pages of cpus.ptd live in [1 MiB, 64 MiB).
dd if="$TD/cpus.raw" of="$tmp/blob" bs=1M skip=1 count=63 2> /dev/null
printf '%s\n' '{"execute":"qmp_capabilities"}' \
	"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$tmp/q.elf\"}}" \
	"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$tmp/q.kdump\",\"format\":\"kdump-zlib\"}}" \
	"{\"execute\":\"pmemsave\",\"arguments\":{\"val\":0,\"size\":83886080,\"filename\":\"$tmp/q.pmem\"}}" \
	'{"execute":"human-monitor-command","arguments":{"command-line":"info registers -a"}}' \
	'{"execute":"quit"}' |
	timeout 60 "$QEMU" -M pc -m 80 -smp 2 -S -display none -nodefaults -accel tcg \
		-device loader,file="$tmp/blob",addr=0x100000 \
		-device loader,addr=0x1234,cpu-num=0 -device loader,addr=0x5678,cpu-num=1 \
		-qmp stdio > "$tmp/qmp" 2> "$tmp/qemu.err"
ok $? "QEMU wrote an ELF dump, a kdump-zlib dump and a pmemsave image"
[ -s "$tmp/q.elf" ] && [ -s "$tmp/q.kdump" ] && [ -s "$tmp/q.pmem" ] ||
	{ sed 's/^/# /' "$tmp/qemu.err"; echo "Bail out! QEMU produced no dumps"; exit 99; }
jq -r 'select(.return | type == "string") | .return' "$tmp/qmp" | tr -d '\r' > "$tmp/regs"

for f in elf kdump; do
	"$MMKD" --json "$tmp/q.$f" -c '.target' > "$tmp/$f.target"; ok $? "mmkd opens QEMU's $f dump"
	diag "$(jq -r '.result.format' "$tmp/$f.target")"
	"$DUMPCMP" "$tmp/q.pmem" "$tmp/q.$f" > "$tmp/cmp" 2>&1; ok $? "every page of QEMU's $f dump equals pmemsave"
	sed 's/^/# /' "$tmp/cmp"
done
# The plain layout, from QEMU's flattened file unflattened by makedumpfile itself.
if command -v makedumpfile > /dev/null; then
	makedumpfile -R "$tmp/q.plain" < "$tmp/q.kdump" > /dev/null 2>&1
	"$DUMPCMP" "$tmp/q.pmem" "$tmp/q.plain" kdump > "$tmp/cmp" 2>&1
	ok $? "every page of QEMU's kdump unflattened by makedumpfile -R equals pmemsave"
	sed 's/^/# /' "$tmp/cmp"
else
	diag "makedumpfile not installed: plain kdump check skipped"
fi
is "$(jq -c .result.runs "$tmp/kdump.target")" "$(jq -c .result.runs "$tmp/elf.target")" \
	"the kdump bitmap gives the ELF's PT_LOAD runs"
is "$(jq -r .result.reader "$tmp/kdump.target")" kdump "the kdump reader claims QEMU's file"
jq -r .result.format "$tmp/kdump.target" | grep -q flattened; ok $? "QEMU 7.2 writes the flattened format"

# Registers: QEMU's notes, read by mmkd, against QEMU's monitor. The vCPUs sit at their reset
# state in real mode, so the monitor prints 32-bit names (EIP, EFL).
field() {	# field CPU NAME: the hex value after NAME= in CPU's block of "info registers -a"
	awk -v cpu="CPU#$1" -v name="$2" '
		$0 == cpu { on = 1; next } /^CPU#/ { on = 0 }
		on { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) { print substr($i, length(name) + 2); exit } }' \
		"$tmp/regs"
}
hex() { printf '0x%x' "$((0x$1))"; }
for f in elf kdump; do
	for cpu in 0 1; do
		"$MMKD" --json "$tmp/q.$f" -c "~$cpu; r" | tail -n1 > "$tmp/r"
		for pair in rip:EIP rflags:EFL rdx:EDX cr0:CR0 cr3:CR3 cr4:CR4; do
			key=${pair%%:*} name=${pair#*:}
			is "$(jq -r ".result.$key" "$tmp/r")" "$(hex "$(field $cpu $name)")" \
				"QEMU $f, CPU $cpu: $key equals the monitor's $name"
		done
		is "$(jq -r .result.cs "$tmp/r")" "$(hex "$(awk -v cpu="CPU#$cpu" '$0 == cpu { on = 1; next } /^CPU#/ { on = 0 } on && /^CS =/ { print substr($2, 2); exit }' "$tmp/regs")")" \
			"QEMU $f, CPU $cpu: the cs selector equals the monitor's"
	done
done

# Analysis through QEMU's dumps equals analysis of the model's raw image.
cat > "$tmp/cmds" <<EOF
!pte fffff80000100000
!pte fffff88000000000
!pte fffff88000003000
!pte fffff80002c10000
!vtop 187 fffff88000004000
db fffff80000100000 L20
dq fffff80002c10000 L4
!db 3c00000 L20
EOF
"$MMKD" --json "$TD/cpus.raw" -s "$tmp/cmds" > "$tmp/want"
for f in elf kdump; do
	"$MMKD" --json "$tmp/q.$f" -s "$tmp/cmds" > "$tmp/got"
	cmp -s "$tmp/got" "$tmp/want"; ok $? "!pte, !vtop, db, dq, !db on QEMU's $f dump equal the model's raw image"
	is "$("$MMKD" --json "$tmp/q.$f" -c '.target' | jq -r .result.dtb)" 0x187000 \
		"the page-table scan finds the model's PML4 in QEMU's $f dump"
done
done_testing
