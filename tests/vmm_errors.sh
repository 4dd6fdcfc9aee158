#!/bin/sh
# SPDX-License-Identifier: MIT
# mmkd-model run on bad scenarios: a clear one-line error naming the scenario line, exit
# status 1, and no output left behind (not even the snapshots written before the failure).
# Also: usage errors exit 2, and --check does not change a single output byte.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# bad NAME LINE MESSAGE: the scenario in $tmp/NAME.scn fails at LINE with MESSAGE.
bad() {
	rm -rf "$tmp/out"
	"$MODEL" run "$tmp/$1.scn" -o "$tmp/out" > "$tmp/stdout" 2> "$tmp/stderr"
	st=$?
	is "$st" 1 "$1: exit status 1"
	grep -qF "$1.scn:$2: $3" "$tmp/stderr"; ok $? "$1: error names line $2: $3"
	[ "$(wc -l < "$tmp/stderr")" -eq 1 ]; ok $? "$1: one line of error"
	[ ! -e "$tmp/out" ] || [ -z "$(ls -A "$tmp/out")" ]; ok $? "$1: no output left behind"
	[ -s "$tmp/stderr" ] && sed 's/^/# /' "$tmp/stderr"
}

cat > "$tmp/unknown.scn" <<'S'
machine ram=16M pagefile=16M
process a.exe
frobnicate a.exe
S
bad unknown 3 "unknown statement 'frobnicate'"

cat > "$tmp/outside.scn" <<'S'
machine ram=16M pagefile=16M
process a.exe
alloc a.exe 0x10000 64K rw
snapshot before
touch a.exe 0x90000 4K read
S
bad outside 5 "address 0x90000 is not inside any VAD of 'a.exe'"

cat > "$tmp/oom.scn" <<'S'
machine ram=16M pagefile=0
process a.exe
# commit is limited by RAM without a paging file
alloc a.exe 0x1000000 12M rw
snapshot before
touch a.exe 0x1000000 12M write
snapshot after
S
bad oom 6 "out of physical memory: no zeroed, free or standby page, and no paging file to write modified pages to"

cat > "$tmp/commit.scn" <<'S'
machine ram=16M pagefile=0
process a.exe
alloc a.exe 0x1000000 64M rw
S
bad commit 3 "commit limit reached"

cat > "$tmp/nomachine.scn" <<'S'
# no machine first
process a.exe
S
bad nomachine 2 "the first statement must be 'machine'"

cat > "$tmp/twice.scn" <<'S'
machine ram=16M pagefile=16M
snapshot s
snapshot s
S
bad twice 3 "snapshot 's' is taken twice"

cat > "$tmp/badprot.scn" <<'S'
machine ram=16M pagefile=16M
process a.exe
alloc a.exe 0x10000 64K rwz
S
bad badprot 3 "unknown protection 'rwz'"

cat > "$tmp/release.scn" <<'S'
machine ram=16M pagefile=16M
process a.exe
alloc a.exe 0x10000 64K rw
free a.exe 0x11000 4K release
S
bad release 4 "release needs the base of the allocation (0x10000)"

cat > "$tmp/noproc.scn" <<'S'
machine ram=16M pagefile=16M
touch nobody.exe 0x10000 4K read
S
bad noproc 2 "no process named 'nobody.exe'"

cat > "$tmp/smallram.scn" <<'S'
machine ram=4M pagefile=16M
S
bad smallram 1 "ram=4194304 must be a multiple of 4 KiB between 16 MiB and 64 GiB"

cat > "$tmp/overlap.scn" <<'S'
machine ram=16M pagefile=16M
process a.exe
alloc a.exe 0x10000 64K rw reserve
alloc a.exe 0x10000 4K rw reserve
S
bad overlap 4 "0x10000-0x10fff is already reserved by a VAD"

# Usage errors exit 2.
"$MODEL" run > /dev/null 2>&1; is $? 2 "run without arguments: exit 2"
"$MODEL" run "$tmp/unknown.scn" > /dev/null 2>&1; is $? 2 "run without -o: exit 2"

# --check verifies; it never changes what is written.
"$MODEL" run "$top_srcdir/testdumps/scenarios/mpw.scn" -o "$tmp/a" > /dev/null 2>&1 &&
"$MODEL" run "$top_srcdir/testdumps/scenarios/mpw.scn" -o "$tmp/b" --check > /dev/null 2>&1
ok $? "mpw.scn runs with and without --check"
(cd "$tmp/a" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$tmp/a.sum"
(cd "$tmp/b" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$tmp/b.sum"
cmp -s "$tmp/a.sum" "$tmp/b.sum"; ok $? "--check does not change any output byte"
done_testing
