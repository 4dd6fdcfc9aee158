#!/bin/sh
# SPDX-License-Identifier: MIT
# Every dump format against the same machine (STYLE.md §8, issue 5 "How we will know"):
#  - each pt test dump written as raw, elf, dmp, dmp-bitmap, lime, kdump and kdump-raw gives
#    the same --json output for every command (.target minus the format-specific keys), for
#    commands built from the description's truth file;
#  - every page each reader returns equals the raw image (tests/unit/dumpcmp);
#  - runs, DTB, CPU registers, MSRs and crash dump header values equal the truth file (the
#    builder's own record), in the formats that can carry them, and are refused by name in
#    those that cannot;
#  - readelf and gdb (independent ELF readers) parse the ELF cores mmkd-model writes, and
#    makedumpfile -R turns our flattened kdump into exactly our plain one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
FORMATS="raw elf dmp dmp-bitmap lime kdump kdump-raw"
DUMPCMP="$top_builddir/tests/unit/dumpcmp"
for d in book selfmap-1a3 cpus; do
	for f in $FORMATS; do need_dump "$d.$f"; done
done

# Drop what legitimately differs between containers: where the file is and what it is, the
# CPUs and header values it carries, where the DTB came from, and (without MSRs) memory types.
norm='if .command == ".target" then del(.result.path, .result.format, .result.reader,
	.result.cpus, .result.hints, .result.dtb_source) else . end | del(.result.memory_type)'
# raw images have no runs: everything from 0 to the end is "present"
norm_raw="$norm"' | if .command == ".target" then del(.result.runs, .result.pages) else . end'

# The truth file's numbers are "0x..." strings (testdumps/README.md).
jq_hex='def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 +
	(if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));'
# Commands from the truth file: every VA and PA it mapped or wrote an entry for.
make_script() {	# make_script TRUTH OUT OUT_HOLES
	truth=$1
	dtbpfn=$(printf '%x' $(( $(jq -r '.dtb' "$truth") / 4096 )))
	in_runs="$jq_hex"'def inruns($pa): any(.runs[]; ($pa >= (.start|hex)) and
		($pa < ((.start|hex) + (.length|hex))));'
	{
		echo ".target"
		echo "!ptov $dtbpfn"
		jq -r '[.entries[].va, .maps[].va] | unique[] | "!pte \(.)"' "$truth"
		jq -r '[.maps[].va] | unique[] | "!pte \(.) \(.)"' "$truth" | head -3
		jq -r '.maps[].va' "$truth" | sed "s/^/!vtop $dtbpfn /"
	} > "$2"
	# memory reads: through the kernel space and physically, split on whether the PA is RAM
	jq -r "$in_runs"' . as $t | .maps[] | . as $m | select($t | inruns($m.pa|hex)) |
		"db \(.va) L40\ndq \(.va) L8\ndd \(.va) L10\n!db \(.pa) L40\n!dq \(.pa) L8\n!dd \(.pa)"' \
		"$truth" >> "$2"
	jq -r "$in_runs"' . as $t | .maps[] | . as $m | select($t | inruns($m.pa|hex) | not) |
		"db \(.va) L40\n!dq \(.pa) L8"' "$truth" > "$3"
}

for d in book selfmap-1a3 cpus; do
	truth="$TD/$d.truth.json"
	make_script "$truth" "$tmp/$d.cmd" "$tmp/$d.holes"
	n=$(wc -l < "$tmp/$d.cmd" | tr -d ' ')
	for f in $FORMATS; do
		"$MMKD" --json "$TD/$d.$f" -s "$tmp/$d.cmd" > "$tmp/$d.$f.json" 2> /dev/null
		"$MMKD" --json "$TD/$d.$f" -s "$tmp/$d.holes" > "$tmp/$d.$f.holes" 2> /dev/null
	done
	is "$(jq -s 'map(select(.ok)) | length' "$tmp/$d.elf.json")" "$n" \
		"$d: all $n commands succeed on the ELF core"
	jq -c "$norm" "$tmp/$d.elf.json" > "$tmp/ref"
	jq -c "$norm_raw" "$tmp/$d.elf.json" > "$tmp/ref.raw"
	for f in $FORMATS; do
		[ $f = elf ] && continue
		if [ $f = raw ]; then
			jq -c "$norm_raw" "$tmp/$d.$f.json" > "$tmp/got"
			cmp -s "$tmp/got" "$tmp/ref.raw"
		else
			jq -c "$norm" "$tmp/$d.$f.json" > "$tmp/got"
			cmp -s "$tmp/got" "$tmp/ref"
		fi
		ok $? "$d: $f gives the same JSON as elf for $n commands"
		[ $f = raw ] || { cmp -s "$tmp/$d.$f.holes" "$tmp/$d.elf.holes"; ok $? "$d: $f: reads in RAM holes fault as in elf"; }
		"$DUMPCMP" "$TD/$d.raw" "$TD/$d.$f" > "$tmp/cmp" 2>&1; ok $? "$d: every page of $f equals raw"
		sed 's/^/# /' "$tmp/cmp"
	done
	# runs and DTB against the truth file
	want_runs=$(jq -c '[.runs[] | {start, length}]' "$truth")
	for f in elf dmp dmp-bitmap lime kdump kdump-raw; do
		is "$(jq -c 'select(.command == ".target") | .result.runs' "$tmp/$d.$f.json")" "$want_runs" \
			"$d: $f runs equal the truth's RAM runs"
	done
	want_dtb=$(jq -r '.dtb' "$truth")
	for f in $FORMATS; do
		is "$(jq -r 'select(.command == ".target") | .result.dtb' "$tmp/$d.$f.json")" "$want_dtb" "$d: $f DTB"
	done
	is "$(jq -r 'select(.command == ".target") | .result.dtb_source' "$tmp/$d.dmp.json")" \
		"crash dump header" "$d: the crash dump's DTB comes from its header"
	is "$(jq -r 'select(.command == ".target") | .result.dtb_source' "$tmp/$d.kdump.json")" \
		"crash dump header (VMCOREINFO note)" "$d: kdump's DTB comes from the VMCOREINFO note"
done

# ---- CPU state against the truth file (cpus.ptd) ----
truth="$TD/cpus.truth.json"
# truth register names -> r's JSON keys
regmap='{"fsbase":"fs_base","gsbase":"gs_base","kernelgsbase":"kernel_gs_base","gdtbase":"gdtr","idtbase":"idtr"}'
check_cpu() {	# check_cpu FORMAT CPU
	"$MMKD" --json "$TD/cpus.$1" -c "~$2; r" | tail -n1 > "$tmp/r.json"
	jq -n --argjson m "$regmap" --slurpfile t "$truth" --slurpfile r "$tmp/r.json" \
		'$t[0].cpus['"$2"'].registers | to_entries | map(select(($r[0].result[$m[.key] // .key]) != .value)) | length' \
		> "$tmp/bad"
	is "$(cat "$tmp/bad")" 0 "cpus.$1: CPU $2 registers equal the truth"
	{ echo "~$2"; jq -r '.cpus['"$2"'].msrs | keys[] | "rdmsr \(ltrimstr("0x"))"' "$truth"; } \
		> "$tmp/rdmsr.cmd"
	"$MMKD" --json "$TD/cpus.$1" -s "$tmp/rdmsr.cmd" | tail -n +2 |
		jq -c '{(.result.msr): .result.value}' | jq -s -c 'add' > "$tmp/msrs"
	is "$(jq -c '.cpus['"$2"'].msrs' "$truth")" "$(cat "$tmp/msrs")" "cpus.$1: CPU $2 MSRs equal the truth"
}
for f in elf kdump kdump-raw; do
	is "$("$MMKD" --json "$TD/cpus.$f" -c '~' | jq '.result.cpus | length')" 2 "cpus.$f: 2 CPUs"
	check_cpu $f 0
	check_cpu $f 1
	is "$("$MMKD" --json "$TD/cpus.$f" -c '.target' | jq -S -c '.result.hints | del(.kernel_runs)')" \
		"$(jq -S -c '.hints' "$truth")" "cpus.$f: header hints (VMCOREINFO) equal the truth"
done
for f in dmp dmp-bitmap; do
	"$MMKD" --json "$TD/cpus.$f" -c 'r' > "$tmp/r.json"
	jq -n --slurpfile t "$truth" --slurpfile r "$tmp/r.json" '$t[0].cpus[0].registers |
		with_entries(select(.key | test("^(r..?|rip|rflags)$"))) | to_entries |
		map(select($r[0].result[.key] != .value)) | length' > "$tmp/bad"
	is "$(cat "$tmp/bad")" 0 "cpus.$f: CONTEXT registers equal CPU 0's"
	is "$("$MMKD" --json "$TD/cpus.$f" -c '.target' | jq -S -c '.result.hints | del(.kernel_runs)')" \
		"$(jq -S -c '.hints' "$truth")" "cpus.$f: header values equal the truth"
	"$MMKD" --json "$TD/cpus.$f" -c 'rdmsr 277' > "$tmp/o"
	is "$(jq -r '.error.message' "$tmp/o")" "msr 277 was not recorded in this dump" \
		"cpus.$f: a crash dump records no MSRs, and says so"
	"$MMKD" --json "$TD/cpus.$f" -c '~1' > "$tmp/o"
	jq -r '.error.message' "$tmp/o" | grep -q "the dump holds the state of 1 CPU of the machine's 2"
	ok $? "cpus.$f: ~1 explains that only the crashing CPU was saved"
done
for f in raw lime; do
	"$MMKD" --json "$TD/cpus.$f" -c 'r; rdmsr 277' > "$tmp/o"
	is "$(jq -r '.error.code' "$tmp/o" | sort -u)" not_found "cpus.$f: no registers, no MSRs"
done

# ---- memory types (paging.md §8; book L1316-1318; the ptd's comments give the expectations) ----
while read -r va want; do
	got=$("$MMKD" --json "$TD/cpus.elf" -c "!pte $va" | jq -r '.result.memory_type.type')
	is "$got" "$want" "memory type of $va is $want"
done <<EOF
fffff80000100000 WB
fffff88000000000 WC
fffff88000001000 UC
fffff88000002000 WC
fffff88000003000 WC
fffff88000004000 UC
fffff88000200000 WC
fffff88000010000 WB
fffff88000011000 UC
fffff88000012000 WP
EOF
"$MMKD" --json "$TD/cpus.elf" -c '~1; !pte fffff88000000000' | tail -n1 > "$tmp/o"
is "$(jq -r '.result.memory_type // "none"' "$tmp/o")" none "CPU 1 (no MTRRs recorded): no memory type line"

# ---- independent ELF readers ----
if command -v readelf > /dev/null; then
	readelf -n -l -W "$TD/cpus.elf" > "$tmp/re" 2> "$tmp/re.err"; ok $? "readelf -n -l parses cpus.elf"
	is "$(cat "$tmp/re.err")" "" "readelf prints no warnings"
	is "$(grep -c '^  LOAD' "$tmp/re")" "$(jq '.runs | length' "$truth")" "one PT_LOAD per RAM run"
	is "$(awk '/^  NOTE|^  LOAD/ { print $1 }' "$tmp/re" | head -n1)" NOTE "PT_NOTE comes first, as QEMU writes it"
	is "$(awk '$1 ~ /^(CORE|QEMU|VMCOREINFO|MMKD)$/ { print $1 }' "$tmp/re" | tr '\n' ' ')" \
		"CORE CORE QEMU QEMU VMCOREINFO MMKD MMKD " "notes in QEMU's order, then ours"
	awk '/^  LOAD/ { if ($3 != $4) bad = 1 } END { exit bad }' "$tmp/re"; ok $? "p_vaddr == p_paddr"
else
	diag "readelf not installed: skipped"
fi
# makedumpfile -R (an independent implementation) unflattens our kdump into our kdump-raw.
if command -v makedumpfile > /dev/null; then
	for d in book selfmap-1a3 cpus; do
		makedumpfile -R "$tmp/$d.plain" < "$TD/$d.kdump" > /dev/null 2>&1
		cmp -s "$tmp/$d.plain" "$TD/$d.kdump-raw"; ok $? "makedumpfile -R of $d.kdump is byte-identical to $d.kdump-raw"
		rm -f "$tmp/$d.plain"
	done
else
	diag "makedumpfile not installed: skipped"
fi
if command -v gdb > /dev/null; then
	timeout 60 gdb -nx -batch -ex 'info registers rip rsp rax rbx r15 eflags cs ss' \
		-c "$TD/cpus.elf" > "$tmp/gdb" 2>&1
	for r in rip rsp rax rbx r15; do
		want=$(jq -r ".cpus[0].registers.$r" "$truth")
		got=$(awk -v r=$r '$1 == r { print $2 }' "$tmp/gdb")
		is "$got" "$want" "gdb reads CPU 0's $r from the CORE note"
	done
else
	diag "gdb not installed: skipped"
fi
done_testing
