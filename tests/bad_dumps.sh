#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 2, bad input: a truncated dump, a file of random bytes, page tables that point outside
# the dump, a self-referencing loop of PDEs, a second self-reference in the user half
# (testdumps/pt/hostile.ptd), and dumps of every format cut short. Each command gives a clear
# error naming what was read and where, or an honest answer; nothing crashes or hangs (every
# run is under a timeout; the sanitizer build of `quickstart check` runs this under ASan and
# UBSan), and the session goes on.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
need_dump hostile.raw
H="$TD/hostile.raw"

# run FILE "COMMANDS": JSON lines in $tmp/out, exit status in $st; a hang or a crash fails
run() {
	timeout 60 "$MMKD" --json "$1" -c "$2; ? 1+1" > "$tmp/out" 2> "$tmp/err"
	st=$?
	[ $st -le 2 ]; ok $? "$3: no crash or hang (exit $st)"
	is "$(tail -n1 "$tmp/out" | jq -r .result.value 2> /dev/null)" 0x2 "$3: the session goes on"
}
msg() { sed -n "${1}p" "$tmp/out" | jq -r '.error.message // "(no error)"'; }

# random bytes (deterministic: an LCG, so a failure can be reproduced)
awk 'BEGIN { x = 12345; for (i = 0; i < 4 * 1048576; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%c", int(x / 65536) % 256 } }' \
	LC_ALL=C > "$tmp/random.raw"
run "$tmp/random.raw" '!pte 1c0000; !process 0 0; !memusage; !pfn 1; !mmcheck' "random bytes"
case $(msg 1) in *"no page-table root"*) ok 0 "random bytes: !pte says there is no page-table root" ;;
	*) ok 1 "random bytes: !pte says there is no page-table root"; diag "$(msg 1)" ;; esac
# truncated in the middle of its page tables
head -c 1200000 "$H" > "$tmp/cut.raw"
run "$tmp/cut.raw" '!pte 10000; !ptov 100' "a raw dump cut inside its page tables"

# entries pointing outside the dump: the fault names the entry and the physical page
run "$H" '!pte 20000000; db 11000 L8; !pte 8000000000; db 20000000 L8' "frames past the end of RAM"
is "$(sed -n 1p "$tmp/out" | jq -r .result.unreadable_level)" PTE "!pte: the PTE is the entry that cannot be read"
case $(msg 2) in *"0x11000"*"0x80000000"*"not in the dump"*) ok 0 "db: names the VA and the missing physical page" ;;
	*) ok 1 "db: names the VA and the missing physical page"; diag "$(msg 2)" ;; esac
is "$(sed -n 3p "$tmp/out" | jq -r .result.unreadable_level)" PDE "!pte: a PDPTE past any physical address: the PDE cannot be read"
case $(msg 4) in *"0x20000000"*"0x90000000"*) ok 0 "db through a PDE past the end: names both addresses" ;;
	*) ok 1 "db through a PDE past the end: names both addresses"; diag "$(msg 4)" ;; esac

# a page directory whose entries point back at itself: walks are finite, answers consistent
run "$H" '!pte 40000000; !vtop 100 40001000; !ptov 100; !pte 40000000 40010000' "a self-referencing loop of PDEs"
# PDE[0] and PDE[1] -> the directory as a page table, whose entries 0 and 1 -> the directory:
# VAs 0x40000000, 0x40001000, 0x40200000 and 0x40201000 all land on it
is "$(sed -n 1p "$tmp/out" | jq -r '.result.pa')" 0x300000 "!pte: the loop resolves to the directory page itself"
is "$(sed -n 2p "$tmp/out" | jq -r '.result.pa')" 0x300000 "!vtop agrees, through a second entry of the loop"
is "$(sed -n 3p "$tmp/out" | jq -r '[.result.mappings[] | select(.pa == "0x300000" and (.va | length) < 12) | .va] | join(" ")')" \
	"0x40000000 0x40001000 0x40200000 0x40201000" "!ptov lists exactly the four aliases of the loop below 4 GiB"

# a second self-reference in the user half does not fool the DTB scan
"$MMKD" --json "$H" -c .target > "$tmp/t"
is "$(jq -r '[.result.dtb, .result.selfmap_index] | join(" ")' "$tmp/t")" "0x100000 0x1ed" \
	"the DTB scan keeps the kernel-half auto-entry"

# every format, cut short: opened or refused in one line, never a crash
for f in elf dmp dmp-bitmap lime kdump kdump-raw; do
	[ -f "$TD/book.$f" ] || continue
	sz=$(stat -c %s "$TD/book.$f")
	head -c $((sz / 3)) "$TD/book.$f" > "$tmp/cut.$f"
	timeout 60 "$MMKD" --json "$tmp/cut.$f" -c '.target; !pte 1c0000; ? 1' > "$tmp/out" 2> "$tmp/err"
	st=$?
	if [ $st -eq 2 ]; then
		is "$(wc -l < "$tmp/err" | tr -d ' ')" 1 "$f cut to a third: refused in one line ($(head -c 80 "$tmp/err"))"
	else
		[ $st -le 1 ]; ok $? "$f cut to a third: opens (exit $st), its missing pages fault"
	fi
done
done_testing
