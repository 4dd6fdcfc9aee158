#!/bin/bash
# SPDX-License-Identifier: MIT
# Live read throughput (issue 6, `make bench`): a private libvirtd (tests/qemu/libvirt.sh)
# runs two 1 GiB TCG guests, one with ordinary RAM and one whose RAM is a shared
# memory-backend-file; bench_live reads guest RAM sequentially through
#   - virDomainMemoryPeek in 64 KiB, 1 MiB and 4 MiB chunks (the API's limit; 1 MiB is mmkd's
#     default), over BENCH_PEEK_MIB MiB (default 256);
#   - the shared memory file, over the whole GiB;
# next to the same read of a 1 GiB raw dump, and measures what a live target adds to every
# command (the guest's state and registers). Every process is killed by PID at the end.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/qemu/lib.sh"
. "$top_srcdir/tests/qemu/libvirt.sh"
BENCH="$top_builddir/bench/bench_live"
PEEK_MIB=${BENCH_PEEK_MIB:-256}
RAM_MIB=1024

skip_all() {	# a benchmark that cannot run here says why and does not fail `make bench`
	echo "skipped: $1"
	exit 0
}

echo "== live targets (bench/live.sh) =="
[ -x "$BENCH" ] || skip_all "bench_live not built (needs --with-libvirt)"
qemu_init
libvirtd_up
domain_create "bench-peek-$$" - "$RAM_MIB"
domain_create "bench-shm-$$" - "$RAM_MIB" shared
echo "guest RAM: $RAM_MIB MiB (TCG, libvirt $(libvirtd --version | awk '{ print $NF }'), $(nproc) CPUs)"
truncate -s "${RAM_MIB}M" "$T/raw.img"
cat "$T/raw.img" > /dev/null
"$BENCH" raw "$T/raw.img"
for kib in 64 1024 4096; do
	"$BENCH" peek "bench-peek-$$" "$URI" "$PEEK_MIB" "$kib"
done
"$BENCH" shared "bench-shm-$$" "$URI" "$RAM_MIB"
"$BENCH" command "bench-peek-$$" "$URI" 200
if "$MMKD" -c '.help !memusage' > /dev/null 2>&1; then
	echo "!memusage live on a 1 GiB guest: needs a 1 GiB image of the reference VMM in tests/qemu/images.list"
else
	echo "!memusage live on a 1 GiB guest: not measured (no !memusage on this branch yet)"
fi
