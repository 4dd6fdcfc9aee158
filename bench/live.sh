#!/bin/bash
# SPDX-License-Identifier: MIT
# Live targets (issue 6, `make bench`): a private libvirtd (tests/qemu/libvirt.sh) runs two TCG
# guests that boot the same 1 GiB machine of the reference VMM (generated below; the guest stub,
# the image loaded at 0x200000, CR3 set through the gdbstub), one with ordinary RAM and one
# whose RAM is a shared memory-backend-file. Figures:
#   - bench_live reads guest RAM sequentially through virDomainMemoryPeek in 64 KiB, 1 MiB and
#     4 MiB chunks (the API's limit; 1 MiB is mmkd's default), over BENCH_PEEK_MIB MiB
#     (default 256), and through the shared memory file over all of it, next to the same read
#     of a raw file; and what a live target adds to every command (state, registers);
#   - !memusage and !memusage 1 on the live guest (peek and shared file) next to the same on
#     the raw image of that machine: bench_live times the analyzer's passes (memusage_scan,
#     memusage_owners), each started as a command starts (live caches dropped), best of
#     BENCH_MEMUSAGE_RUNS (default 10), and the ratios to the raw image. mmkd's own answers
#     are checked equal on the three targets first.
# Every process is killed by PID at the end.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/qemu/lib.sh"
. "$top_srcdir/tests/qemu/libvirt.sh"
BENCH="$top_builddir/bench/bench_live"
PEEK_MIB=${BENCH_PEEK_MIB:-256}
RUNS=${BENCH_MEMUSAGE_RUNS:-10}

skip_all() {	# a benchmark that cannot run here says why and does not fail `make bench`
	echo "skipped: $1"
	exit 0
}

# The 1 GiB machine: Active, Standby, Modified, Free and Zeroed pages, three processes.
machine_1g() {
	cat <<-EOS
	machine ram=1G pagefile=512M seed=5
	process a.exe
	process b.exe
	process c.exe
	alloc a.exe 0x10000000 256M rw
	touch a.exe 0x10000000 192M write
	alloc b.exe 0x10000000 128M rw
	touch b.exe 0x10000000 128M write
	trim a.exe 16384
	mpw
	trim b.exe 8192
	alloc c.exe 0x10000000 64M rw
	touch c.exe 0x10000000 64M write
	exit c.exe
	snapshot live1g
	EOS
}

now() { date +%s.%N; }

echo "== live targets (bench/live.sh) =="
[ -x "$BENCH" ] || skip_all "bench_live not built (needs --with-libvirt)"
qemu_init
machine_1g > "$T/live1g.scn"
t0=$(now)
"$MODEL" run "$T/live1g.scn" -o "$T/m" --no-pfns --no-ptes > /dev/null ||
	skip_all "mmkd-model could not build the 1 GiB machine"
raw="$T/m/live1g.raw"
dtb=$(jq -r .machine.dtb "$T/m/live1g.truth.json")
guest_image "$raw" "$T/live1g.tail"
ram=$(guest_ram_mib "$raw")
secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
echo "1 GiB machine of the reference VMM built in $secs s"
libvirtd_up
domain_create "bench-peek-$$" "$T/live1g.tail" "$ram"
domain_create "bench-shm-$$" "$T/live1g.tail" "$ram" shared
set_regs vmon "bench-peek-$$" -- "$LV/peek.gdb" "cr3=$dtb" || skip_all "cannot set CR3 of the guest"
set_regs vmon "bench-shm-$$" -- "$LV/shm.gdb" "cr3=$dtb" || skip_all "cannot set CR3 of the guest"
echo "guest RAM: $ram MiB (TCG, libvirt $(libvirtd --version | awk '{ print $NF }'), $(nproc) CPUs)"
cat "$raw" > /dev/null
"$BENCH" raw "$raw"
for kib in 64 1024 4096; do
	"$BENCH" peek "bench-peek-$$" "$URI" "$PEEK_MIB" "$kib"
done
"$BENCH" shared "bench-shm-$$" "$URI" "$ram"
"$BENCH" command "bench-peek-$$" "$URI" 200

# !memusage: the same answer everywhere first, then the time per command.
want=$("$MMKD" --json "$raw" -c '!memusage' | jq -c .result.counts)
for dom in "bench-peek-$$" "bench-shm-$$"; do
	got=$("$MMKD" --json --libvirt "$dom" --connect "$URI" -c '!memusage' | jq -c .result.counts)
	[ "$got" = "$want" ] || echo "warning: !memusage on $dom differs from the raw image: $got"
done
echo "$want" | jq -r '"!memusage: \(.total) pages (\(.active) active, \(.zeroed) zeroed, " +
	"\(.standby) standby, \(.modified) modified, \(.free) free)"'
"$BENCH" memusage raw "$raw" "$RUNS" | tee "$T/mu.raw"
"$BENCH" memusage shared "bench-shm-$$" "$URI" "$RUNS" | tee "$T/mu.shared"
"$BENCH" memusage peek "bench-peek-$$" "$URI" "$RUNS" | tee "$T/mu.peek"
# the two figures of a line: the fields before each "ms"
ms() {
	awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i == "ms") v[++n] = $(i - 1) }
	     END { print v[1], v[2] }' "$1"
}
read -r r1 r2 <<< "$(ms "$T/mu.raw")"
for path in shared peek; do
	read -r l1 l2 <<< "$(ms "$T/mu.$path")"
	awk -v p="$path" -v a="$l1" -v b="$r1" -v c="$l2" -v d="$r2" 'BEGIN {
		printf "%-34s !memusage %.1fx, !memusage 1 %.1fx the raw image\n", "ratio live " p ":",
			a / (b > 0 ? b : 1e-6), c / (d > 0 ? d : 1e-6) }'
done
