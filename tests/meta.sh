#!/bin/sh
# SPDX-License-Identifier: MIT
# Meta-tests (STYLE.md §8): the command tables are sorted and complete, every extension has
# golden tests and a man section whose synopsis equals `.help`'s, the layering rules hold
# (includes point down, handlers never print), every header compiles alone, and every
# ext_def example replays against the test dumps.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
S="$top_srcdir/src"
MAN7="$top_srcdir/man/mmkd-commands.7"

# -- tables
exts=$(sed -n 's/^\t&ext_\([a-z0-9_]*\),$/\1/p' "$S/ext/ext_table.c")
is "$exts" "$(echo "$exts" | LC_ALL=C sort)" "ext_table.c is sorted"
for f in "$S"/ext/ext_*.c; do
	n=$(basename "$f" .c); n=${n#ext_}
	case $n in table) continue ;; esac
	echo "$exts" | grep -qx "$n"; ok $? "ext_$n is in the extension table"
	grep -q "^const struct ext_def ext_$n = {" "$f"; ok $? "ext_$n.c exports exactly ext_$n"
	ls "$top_srcdir/tests/golden/$n/"*.cmd > /dev/null 2>&1; ok $? "!$n has golden tests"
done

# -- documentation: every command's synopsis in the man page equals .help's
"$MMKD" --json -c '.help' > "$tmp/help"
jq -r '.result.commands[].name' "$tmp/help" > "$tmp/names"
while read -r name; do
	syn=$(jq -r --arg n "$name" '.result.commands[] | select(.name == $n) | .synopsis' "$tmp/help")
	man=$(awk -v n="$name" '
		/^\.SS "/ { found = (substr($2, 2) == n); next }
		found && /^\.EX/ { getline; print; exit }' "$MAN7" | sed 's/\\-/-/g; s/\\e/\\/g')
	is "$man" "$syn" "$name: man page synopsis equals .help"
	"$MMKD" --json -c ".help $name" | jq -e '.ok' > /dev/null; ok $? ".help $name"
done < "$tmp/names"
grep -q '^\.SH' "$top_srcdir/man/mmkd.1"; ok $? "man/mmkd.1 exists"

# -- layering (STYLE.md §1): includes point down only
bad=$(grep -l '#include "\(cmd\|ext\)/' "$S"/core/*.[ch] "$S"/targets/*.[ch] "$S"/model/*.[ch] "$S"/model/vmm/*.[ch] 2>/dev/null)
is "$bad" "" "core, targets and model include nothing from ext/ or cmd/"
bad=$(grep -l '#include "\(model\|core/as\|core/profile\)' "$S"/targets/*.[ch] 2>/dev/null)
is "$bad" "" "targets include no model or address-space headers"
bad=$(grep -l '#include "model/vmm/' "$S"/model/*.[ch] 2>/dev/null)
is "$bad" "" "the analyzer (src/model) does not include the simulator (src/model/vmm)"
bad=$(grep -l '#include "\(cmd/\|targets/\)' "$S"/ext/*.[ch] "$S"/ext/lib/*.[ch] 2>/dev/null)
is "$bad" "" "extensions include nothing from cmd/ or targets/"
bad=$(grep -n '\<\(printf\|puts\|putchar\)(\|fprintf(stdout' "$S"/ext/*.c "$S"/ext/lib/*.c "$S"/model/*.c "$S"/model/vmm/*.c "$S"/core/as.c 2>/dev/null)
is "$bad" "" "no printf in extensions, model or address spaces"

# -- every header compiles alone (libgit2 headertest)
cflags="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I$S -I$top_builddir $(pkg-config --cflags jansson libelf 2>/dev/null)"
for h in $(cd "$S" && find . -name '*.h' | sed 's|^\./||' | LC_ALL=C sort); do
	echo "#include \"$h\"" > "$tmp/h.c"
	# shellcheck disable=SC2086
	${CC:-cc} $cflags -fsyntax-only "$tmp/h.c" 2> "$tmp/h.err"; ok $? "header $h is self-contained"
	[ -s "$tmp/h.err" ] && sed 's/^/# /' "$tmp/h.err" | head -5
done

# -- examples replay against the test dumps (jq man.test style)
for name in $(cat "$tmp/names"); do
	"$MMKD" --json -c ".help $name" |
		jq -r '.result.examples[]? | select(.dump != null) | [.dump, .command, (.output // "")] | @tsv'
done > "$tmp/examples"
tab=$(printf '\t')
while IFS="$tab" read -r dump cmd want; do
	"$MMKD" "$TD/$dump" -c "$cmd" > "$tmp/ex" 2>&1; st=$?
	if [ -n "$want" ]; then
		printf '%b\n' "$want" > "$tmp/want"
		tail -n +2 "$tmp/ex" | cmp -s - "$tmp/want"; st=$?
	fi
	ok $st "example replays: $cmd (on $dump)"
done < "$tmp/examples"
done_testing
