# SPDX-License-Identifier: MIT
# Shell helpers for TAP test scripts: plan-free TAP output, paths, and the generated test dumps.
# Source it:  . "$top_srcdir/tests/lib.sh"

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
MMKD="$top_builddir/mmkd"
MODEL="$top_builddir/mmkd-model"
TD="$top_builddir/testdumps"	# generated dumps (make testdumps)
export LC_ALL=C

_tap_n=0
_tap_failed=0

ok() {	# ok COND-EXIT-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

skip_all() {	# the TAP driver counts "1..0 # SKIP" as one skip; the exit status must be 0
	echo "1..0 # SKIP $1"
	exit 0
}

diag() {
	printf '# %s\n' "$@"
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

need_dump() {	# need_dump NAME: the generated dump must exist
	[ -f "$TD/$1" ] || { echo "Bail out! test dump $TD/$1 missing (run make testdumps)"; exit 99; }
}
