#!/bin/bash
# SPDX-License-Identifier: MIT
# mmkd --model: the reference VMM run in-process. For every scenario in testdumps/scenarios,
# stepping through it in the shell and writing each named snapshot with .dump gives the same
# bytes as `mmkd-model run` wrote (the generated test dumps), and the object commands answer
# the same on the in-process snapshot as on the dump; .model step/do, the series they build,
# the history across it, and the errors a user meets.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
SCN="$top_srcdir/testdumps/scenarios"

ls "$SCN"/*.scn > /dev/null 2>&1 || skip_all "no scenarios in testdumps/scenarios"
cmp_cmds='!memusage; !process 0 0; !vm; !pfnlist standby; !pfnlist modified; !mmcheck'

for scn in "$SCN"/*.scn; do
	name=$(basename "$scn" .scn)
	snaps=$(sed -n 's/^snapshot  *\([^ #]*\).*/\1/p' "$scn")
	[ -n "$snaps" ] || continue
	script="$tmp/$name.cmds"
	echo '.model step all' > "$script"
	for s in $snaps; do
		i=$(( $(echo "$snaps" | grep -nx "$s" | cut -d: -f1) ))
		echo ".snap $i" >> "$script"
		echo ".dump /o $tmp/$name-$s.raw" >> "$script"
		echo "$cmp_cmds" >> "$script"
	done
	"$MMKD" --json --model "$scn" -s "$script" > "$tmp/$name.json" 2> "$tmp/$name.err"
	ok $? "$name: the whole scenario runs in-process (.model step all)"
	for s in $snaps; do
		cmp -s "$tmp/$name-$s.raw" "$TD/$name/$s.raw"
		ok $? "$name/$s: .dump of the in-process snapshot equals mmkd-model run's dump"
		if [ -f "$TD/$name/$s.pagefile.sys" ]; then
			cmp -s "$tmp/$name-$s.pagefile.sys" "$TD/$name/$s.pagefile.sys"
			ok $? "$name/$s: and its paging file equals mmkd-model run's"
		fi
		# same answers on the dump (keys naming the target removed)
		"$MMKD" --json "$TD/$name/$s.raw" -c "$cmp_cmds" > "$tmp/dump.json" 2> /dev/null
		i=$(( $(echo "$snaps" | grep -nx "$s" | cut -d: -f1) ))
		# the model session's lines for this snapshot: after ".snap i" and ".dump", the
		# comparison commands
		n=$(echo "$cmp_cmds" | tr ';' '\n' | grep -c .)
		start=$(( 1 + (i - 1) * (n + 2) + 2 + 1 ))
		sed -n "${start},$((start + n - 1))p" "$tmp/$name.json" | jq -cS .result > "$tmp/a"
		jq -cS .result "$tmp/dump.json" > "$tmp/b"
		cmp -s "$tmp/a" "$tmp/b"
		ok $? "$name/$s: $n object commands answer the same in-process and on the dump"
		cmp -s "$tmp/a" "$tmp/b" || diff "$tmp/a" "$tmp/b" | head -4 | cut -c1-200 | sed 's/^/#   /'
	done
done

# ---- paging files: the in-process snapshots keep their paging file, as the dumps' do
ps="$SCN/pspaging.scn"
if [ -f "$ps" ]; then
	c='.process ps.exe; !pte 40000000; !pte 40000000 40003000'
	"$MMKD" --json --model "$ps" -c ".model step all; .snap 3; $c" 2> /dev/null | tail -n2 |
		jq -cS .result > "$tmp/a"
	"$MMKD" --json "$TD/pspaging/tables_out.raw" -c "$c" | tail -n2 | jq -cS .result > "$tmp/b"
	cmp -s "$tmp/a" "$tmp/b"
	ok $? "pspaging: !pte below a paged-out table reads the in-process paging file as the dump's"
	grep -q 'paging file' "$tmp/a"; ok $? "  (and it did read from the paging file)"
fi

# ---- stepping, names, the series and history, on the demand-zero scenario
dz="$SCN/demandzero.scn"
[ -f "$dz" ] || { done_testing; exit; }
out=$("$MMKD" --json --model "$dz" -c '.snap; .model; .model step; .model step 2; .snap' 2>&1)
is "$(echo "$out" | sed -n 1p | jq -c '[.result.snapshots[].name]')" '["boot"]' \
	"the machine statement boots snapshot 0, named boot"
is "$(echo "$out" | sed -n 2p | jq -r .result.next)" "process dz.exe" ".model names the next statement"
is "$(echo "$out" | sed -n 3p | jq -c '[.result.statements, .result.line, .result.current]')" '[1,7,1]' \
	".model step runs one statement (line 7) and makes its snapshot current"
is "$(echo "$out" | sed -n 4p | jq -c '[.result.statements, .result.line]')" '[2,10]' \
	".model step 2 skips comments and runs two statements"
is "$(echo "$out" | sed -n 5p | jq -c '[.result.snapshots[].name]')" '["boot","line7","line10"]' \
	"each step appends one snapshot named after its last line"

# a page moving: first touch (demand zero), then watched across three snapshots
out=$("$MMKD" --json --model "$dz" -c '.model step 3; .model step; !vahist 10000 --process dz.exe' 2>&1)
last=$(echo "$out" | tail -n1)
is "$(echo "$last" | jq -c '[.result.observations[] | .kind // "none"]')" '["none","zero","valid"]' \
	"!vahist by image name: no process at boot, no PTE after three statements, valid after the touch"
is "$(echo "$last" | jq -c '[.result.events[] | .observed]')" '[false,true]' \
	"the change after boot is one observed transition"
is "$(echo "$last" | jq -r '.result.events[1].transition')" "Z -> V: first access, a demand-zero fault (A1-A3)" \
	"the first touch is a demand-zero fault"
pfn=$(echo "$last" | jq -r '.result.observations[2].pfn')
h=$("$MMKD" --json --model "$dz" -c ".model step 3; .model step; !pfnhist $pfn" 2>&1 | tail -n1)
is "$(echo "$h" | jq -r '[.result.events[] | select(.observed)] | .[-1].transition')" "A1" \
	"!pfnhist names the fault that took the page from the zeroed list (A1)"

# .model do: a statement of the user's, then a snapshot named do1
out=$("$MMKD" --json --model "$dz" -c ".model step 2; .model do 'alloc dz.exe 0x7000000 64K rw'; .model do \"touch dz.exe 0x7000000 4K write\"; .snap" 2>&1)
is "$(echo "$out" | tail -n1 | jq -c '[.result.snapshots[].name]')" '["boot","line8","do1","do2"]' \
	".model do appends do1, do2"
is "$(echo "$out" | sed -n 3p | jq -r .ok)" true ".model do accepts double quotes too"
out=$("$MMKD" --json --model "$dz" -c '.model step 2; .model do "snapshot mine"; .snap' 2>&1)
is "$(echo "$out" | tail -n1 | jq -c '[.result.snapshots[].name]')" '["boot","line8","mine"]' \
	"a snapshot statement names the snapshot"

# errors, each in one line, the session going on
err_of() { echo "$1" | jq -r 'select(.ok == false) | .error.message' | head -n1; }
out=$("$MMKD" --json --model "$dz" -c '.model step all; .model step' 2>&1)
case $(err_of "$out") in "the scenario has ended"*) ok 0 "stepping past the end says so" ;;
	*) ok 1 "stepping past the end says so"; diag "$(err_of "$out")" ;; esac
for bad in '.model step 0' '.model step x' '.model step 1 2' '.model do' '.model do frob 1' \
	'.model do "machine ram=16M"' '.model frob'; do
	out=$("$MMKD" --json --model "$dz" -c "$bad; .snap" 2>&1)
	is "$(echo "$out" | jq -r .ok | tr '\n' ' ')" "false true " "'$bad' fails alone, the session goes on"
done
out=$("$MMKD" --json --model "$dz" -c '.model step 2; .model do "touch nobody.exe 0x10000 read"; .model step; .snap' 2>&1)
is "$(echo "$out" | jq -r .ok | tr '\n' ' ')" "true false false true " \
	"a failed statement stops the machine; the snapshots taken stay"
case $(echo "$out" | sed -n 3p | jq -r .error.message) in *"undefined state"*) ok 0 "and says why" ;;
	*) ok 1 "and says why" ;; esac
out=$("$MMKD" --json "$TD/demandzero/dz1.raw" -c '.model' 2>&1)
case $(err_of "$out") in *"mmkd --model"*) ok 0 ".model without a model says how to start one" ;;
	*) ok 1 ".model without a model says how to start one" ;; esac

# opening: usage and scenario errors exit 2 naming the line
printf 'process a.exe\nmachine ram=16M pagefile=0\n' > "$tmp/bad1.scn"
printf 'machine ram=16M pagefile=16M\nprocess a.exe\nfrob\n' > "$tmp/bad2.scn"
printf '# nothing\n' > "$tmp/bad3.scn"
for c in "bad1.scn:1:the first statement must be 'machine'" "bad2.scn:3:unknown statement" \
	"bad3.scn::no 'machine' statement"; do
	f=${c%%:*}; rest=${c#*:}; line=${rest%%:*}; msg=${rest#*:}
	e=$("$MMKD" --model "$tmp/$f" -c '.snap' 2>&1 > /dev/null); st=$?
	case "$st:$e" in "2:mmkd: $tmp/$f${line:+:$line}: "*"$msg"*) ok 0 "$f: exit 2, '$msg'" ;;
		*) ok 1 "$f: exit 2, '$msg'"; diag "status $st: $e" ;; esac
done
e=$("$MMKD" --model "$tmp/none.scn" -c '.snap' 2>&1); st=$?
case "$st:$e" in "2:mmkd: cannot open scenario"*) ok 0 "a missing scenario: exit 2" ;; *) ok 1 "a missing scenario: exit 2"; diag "$e" ;; esac
e=$("$MMKD" --model "$dz" "$TD/demandzero/dz1.raw" -c '.snap' 2>&1); st=$?
case "$st:$e" in "2:mmkd: --model is a target of its own"*) ok 0 "--model with a dump: usage error" ;; *) ok 1 "--model with a dump: usage error" ;; esac

# .dump: never over an open dump, never over a file without /o
cp "$TD/demandzero/dz1.raw" "$tmp/open.raw"
out=$("$MMKD" --json "$tmp/open.raw" -c ".dump /o $tmp/open.raw; .dump $tmp/open.raw" 2>&1)
is "$(echo "$out" | jq -r .ok | tr '\n' ' ')" "false false " ".dump refuses the open dump, even with /o, and an existing file"
cmp -s "$tmp/open.raw" "$TD/demandzero/dz1.raw"; ok $? "the open dump is unchanged"
done_testing
