#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the scale scenario of the reference VMM to stdout: a 16 GiB machine with 1,000
# processes and 100,000 VADs (100 per process, 64 KiB each, placed with `any`), each process
# writing 64 pages of its first VAD, and one snapshot. Generated rather than committed: it is
# 102,002 lines of the same few statements.
#   bench/scale-scn.sh > scale.scn && mmkd-model run scale.scn -o out --no-pfns --no-ptes
set -eu
procs=${1:-1000}
vads=${2:-100}
echo "# scale: 16 GiB, $procs processes, $((procs * vads)) VADs"
echo "machine ram=16G pagefile=4G seed=7"
i=1
while [ "$i" -le "$procs" ]; do
	echo "process p$i.exe"
	i=$((i + 1))
done
awk -v procs="$procs" -v vads="$vads" 'BEGIN {
	for (i = 1; i <= procs; i++) {
		for (j = 1; j <= vads; j++)
			printf "alloc p%d.exe any 64K rw\n", i
		printf "touch p%d.exe 0x10000 256K write\n", i
	}
}'
echo "snapshot scale"
