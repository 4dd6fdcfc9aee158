#!/bin/sh
# SPDX-License-Identifier: MIT
# The command-line contract of DESIGN.md: dumps as arguments or -z, -c, -s FILE|-, --json,
# --dtb, exit codes (0 ok, 1 a command failed, 2 usage or open error), errors that name what
# failed, and the session going on after an error.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_dump book.raw
B="$TD/book.raw"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$MMKD" --help > "$tmp/h"; ok $? "--help exits 0"
grep -q -- '--json' "$tmp/h"; ok $? "--help lists --json"
"$MMKD" --bogus > /dev/null 2>&1; is $? 2 "unknown option exits 2"
"$MMKD" /nonexistent/dump -c q 2> "$tmp/e"; is $? 2 "missing dump exits 2"
grep -q "cannot open '/nonexistent/dump'" "$tmp/e"; ok $? "open error names the file"
"$MMKD" "$B" -c '!pte 1c0000' > /dev/null; is $? 0 "a good command exits 0"
"$MMKD" "$B" -c '!pte 1c0000; !nosuch; !pte 1c0000' > "$tmp/o" 2> "$tmp/e"; is $? 1 "a failed command exits 1"
is "$(grep -c 'VA 00000000001c0000' "$tmp/o")" 2 "the session goes on after an error"
grep -q "error: no such command '!nosuch'" "$tmp/e"; ok $? "unknown command error"
"$MMKD" -z "$B" -c '!pte 1c0000' > "$tmp/o2"; "$MMKD" "$B" -c '!pte 1c0000' > "$tmp/o3"
cmp -s "$tmp/o2" "$tmp/o3"; ok $? "-z FILE equals a positional dump"
head -n1 "$tmp/o3" | grep -q '^0: kd> !pte 1c0000$'; ok $? "batch text mode echoes the prompt and command"
printf '!pte 1c0000\n# a comment\n\n? 1+1\n' | "$MMKD" "$B" -s - > "$tmp/o4"; is $? 0 "-s - reads stdin"
grep -q 'Evaluate expression: 2 = 00000000`00000002' "$tmp/o4"; ok $? "script commands run in order"
printf '!pte 1c0000\n' > "$tmp/script"
"$MMKD" "$B" -s "$tmp/script" > /dev/null; is $? 0 "-s FILE"
"$MMKD" "$B" -s /nonexistent/script 2> "$tmp/e"; is $? 2 "-s of a missing file exits 2"
echo '? 2*3' | "$MMKD" "$B" > "$tmp/o5"; grep -q '= 00000000`00000006' "$tmp/o5"; ok $? "stdin without a terminal is a script"
"$MMKD" --json "$B" -c '!pte 1c0000; !nosuch; ? 1' > "$tmp/j"; is $? 1 "--json exit status on failure"
is "$(wc -l < "$tmp/j" | tr -d ' ')" 3 "--json: one line per command"
jq -e . "$tmp/j" > /dev/null; ok $? "--json: every line parses"
is "$(jq -r 'select(.ok == false) | .error.code' "$tmp/j")" invalid_arg "--json error object has a code"
is "$(jq -r 'select(.command == "!pte 1c0000") | .result.pa' "$tmp/j")" 0x34cab000 "--json !pte pa"
is "$(jq -r 'select(.command == "!pte 1c0000") | [.result.levels[].name] | join(",")' "$tmp/j")" \
	PXE,PPE,PDE,PTE "--json !pte levels"
is "$("$MMKD" --json "$B" --dtb 1ab3d000 -c .target | jq -r .result.dtb_source)" --dtb "--dtb is used"
"$MMKD" "$B" --dtb 1000 -c '!pte 1c0000' > /dev/null 2> "$tmp/e"; is $? 1 "--dtb of a non-PML4 fails the command"
grep -q "not a PML4" "$tmp/e"; ok $? "and says why"
"$MMKD" "$B" --dtb xyz -c q 2> /dev/null; is $? 2 "--dtb must be hex"
"$MMKD" "$B" -c ".logopen $tmp/log; !pte 1c0000; .logclose" > /dev/null
grep -q 'PTE at FFFFF68000000E00' "$tmp/log"; ok $? ".logopen copies output"
"$MMKD" "$B" -c 'db 1c0000 L8' | grep -q '00000000`001c0000  00 00 00 00 00 00 00 00'; ok $? "db through the page tables"
# truncated / garbage dumps: clear errors, no crash
head -c 12345 "$B" > "$tmp/trunc.raw"
"$MMKD" "$tmp/trunc.raw" -c '!pte 1c0000' 2> "$tmp/e"; is $? 1 "a dump without page tables: the command fails"
grep -q "no page-table root" "$tmp/e"; ok $? "and the error says what is missing"
: > "$tmp/empty"
"$MMKD" "$tmp/empty" -c q 2> "$tmp/e"; is $? 2 "an empty file cannot be opened"
grep -q "no physical memory" "$tmp/e"; ok $? "and says so"
"$MMKD" --version | grep -q '^mmkd '; ok $? "--version"
# -c may be repeated
is "$("$MMKD" --json "$B" -c '? 1' -c '? 2' | jq -r .result.value | tr '\n' ' ')" "0x1 0x2 " "-c twice runs both, in order"
# paging files: found beside a dump, given with --pagefile [N=]FILE, or missing (and said)
P="$TD/pspaging"
if [ -f "$P/tables_out.raw" ]; then
	cp "$P/tables_out.raw" "$tmp/alone.raw"
	"$MMKD" "$tmp/alone.raw" -c '.process ps.exe; !pte 40000000' > "$tmp/o" 2>&1
	grep -q 'PDE: its table is in paging file 0 at offset 0x3b4; give --pagefile to read it' "$tmp/o"
	ok $? "a table in the paging file without the paging file: says what to give"
	"$MMKD" --json "$tmp/alone.raw" --pagefile "$P/tables_out.pagefile.sys" \
		-c '.process ps.exe; !pte 40000000' > "$tmp/j"
	is "$(jq -r 'select(.command == "!pte 40000000") | .result.levels[3].contents' "$tmp/j")" \
		0x100000080 "--pagefile FILE: the PTE read from the table's copy in the paging file"
	"$MMKD" --json "$tmp/alone.raw" --pagefile "0=$P/tables_out.pagefile.sys" -c .target > "$tmp/j"
	is "$(jq -r '.result.paging_files[0].index' "$tmp/j")" 0 "--pagefile 0=FILE"
	"$MMKD" "$tmp/alone.raw" --pagefile "16=$P/tables_out.pagefile.sys" -c q 2> "$tmp/e"
	is $? 2 "--pagefile 16=FILE: out of range, exit 2"
	"$MMKD" "$tmp/alone.raw" --pagefile "$tmp/nonexistent" -c q 2> "$tmp/e"
	is $? 2 "--pagefile of a missing file: exit 2"
	grep -q "cannot open paging file" "$tmp/e"; ok $? "and says which file"
fi
done_testing
