# SPDX-License-Identifier: MIT
# Helpers for the tests that boot model images in a real QEMU (live-lab.md §2-§3). Source it
# after tests/lib.sh:
#   qemu_init                   skip (exit 77) unless QEMU, the guest stub and qemuctl exist;
#                               make $T (a private temp dir on the local filesystem) and
#                               arrange that every process started here is killed at exit
#   track_pid PID               kill PID (TERM, then KILL) when the test ends, even on failure
#   guest_image RAW TAIL        cut a raw image (byte N = physical N) to what -device loader
#                               puts at 0x200000; the first 2 MiB must be empty
#   guest_ram_mib RAW           guest RAM for an image: its size + 20 MiB, because the firmware
#                               writes after the loader's copy: ACPI tables in the last 128 KiB
#                               (live-lab.md §3) and, measured here with -nodefaults at 36, 64
#                               and 128 MiB, about 120 KiB just below top-of-RAM minus 16 MiB
#   qemu_boot NAME TAIL RAM_MIB [QEMU ARGS...]   boot the stub with the image, wait for its
#                               halt; QMP socket $T/NAME.qmp
#   set_regs QMP_OR_VIRSH GDBSOCK REG=VALUE...   write registers through the gdbstub
#   qmp SOCK CMD...             qemuctl qmp (HMP lines or QMP JSON)
#   compare_cmds IMG            the commands whose JSON answers must not depend on the target
# The image list (tests/qemu/images.list) and the command lists (tests/qemu/compare.cmds, and
# tests/qemu/objects.cmds for machines of the reference VMM) are shared by every QEMU test:
# adding an image or a command to compare is one line there. tests/qemu/objects.sh generates
# the per-image object commands and checks answers against the simulator's truth;
# tests/qemu/windmp.sh checks QEMU's win-dmp crash dumps of machines.

QEMU=${QEMU:-qemu-system-x86_64}
STUB="$top_builddir/guest/mmkd-stub.elf"
QEMUCTL="$top_builddir/tests/tools/qemuctl"
QDIR="$top_srcdir/tests/qemu"
_pids=""

track_pid() {
	_pids="$_pids $1"
}

# Kill every tracked process by PID: TERM, wait up to 5 s, then KILL.
qemu_cleanup() {
	for p in $_pids; do
		kill -TERM "$p" 2> /dev/null
	done
	for p in $_pids; do
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$p" 2> /dev/null
	done
	_pids=""
	[ -n "${T:-}" ] && [ -z "${KEEP_T:-}" ] && rm -rf "$T"
}

qemu_init() {
	command -v "$QEMU" > /dev/null 2>&1 || skip_all "$QEMU is not installed (./quickstart installs qemu-system-x86)"
	[ -f "$STUB" ] || skip_all "the guest stub was not built (needs GNU as and ld for x86-64)"
	[ -x "$QEMUCTL" ] || skip_all "tests/tools/qemuctl was not built"
	# Unix socket paths are limited to 108 bytes: keep them short, on the local filesystem.
	T=$(mktemp -d /tmp/mmkd-qemu.XXXXXX) || exit 99; [ -n "${KEEP_T:-}" ] && echo "# T=$T"
	trap 'qemu_cleanup' EXIT
	trap 'exit 99' INT TERM
	DONE_VA=$(nm "$STUB" | awk '/ done_flag$/ { print "0x" $1 }')
	[ -n "$DONE_VA" ] || { echo "Bail out! no done_flag in $STUB"; exit 99; }
}

qmp() {
	"$QEMUCTL" qmp "$@"
}

guest_image() {
	cmp -s -n 2097152 "$1" /dev/zero || {
		echo "Bail out! $1 has content below 0x200000 (the firmware's and the stub's memory)"
		exit 99
	}
	tail -c +2097153 "$1" > "$2"
}

guest_ram_mib() {
	echo $(( ($(wc -c < "$1") + 1048575) / 1048576 + 20 ))
}

# wait_halt CMD...: run CMD (which prints the xp of done_flag) until the stub reports done.
wait_halt() {
	i=0
	while [ $i -lt 100 ]; do
		"$@" 2> /dev/null | grep -qi '0x600df00d' && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

qemu_boot() {
	name=$1 tail=$2 ram=$3
	shift 3
	"$QEMU" -accel tcg -nodefaults -machine pc -cpu qemu64,+pdpe1gb -m "${ram}M" \
		-kernel "$STUB" -device "loader,file=$tail,addr=0x200000" \
		-display none -qmp "unix:$T/$name.qmp,server=on,wait=off" \
		-pidfile "$T/$name.pid" -daemonize "$@" > "$T/$name.log" 2>&1 || {
		echo "Bail out! QEMU did not start: $(head -c 300 "$T/$name.log")"
		exit 99
	}
	track_pid "$(cat "$T/$name.pid")"
	wait_halt qmp "$T/$name.qmp" "xp /1wx $DONE_VA" || {
		echo "Bail out! the guest stub did not reach its halt loop"
		exit 99
	}
}

# set_regs MONITOR-COMMAND-PREFIX... -- GDBSOCK REG=VALUE...: open the gdbstub through the
# monitor (HMP gdbserver), write the registers, close it again.
set_regs() {
	mon=""
	while [ "$1" != "--" ]; do
		mon="$mon $1"
		shift
	done
	shift
	sock=$1
	shift
	# shellcheck disable=SC2086
	$mon "gdbserver unix:$sock,server=on,wait=off" > /dev/null || return 1
	"$QEMUCTL" gdbset "$sock" "$@" > /dev/null || return 1
	# shellcheck disable=SC2086
	$mon "gdbserver none" > /dev/null
}

# The DTB of an image, from the builder's or the simulator's own record.
image_dtb() {
	jq -r '.dtb // .machine.dtb' "$TD/$1.truth.json"
}

# mmkd commands comparing a target with the image it was booted from: the generic list, then
# for a page-table image, for every mapping and entry the builder recorded, !pte and !vtop of
# it and dumps of it; for a machine of the reference VMM, the object commands (objects.sh).
compare_cmds() {
	grep -v '^[[:space:]]*\(#\|$\)' "$QDIR/compare.cmds"
	[ -f "$TD/$1.truth.json" ] || return 0
	if image_is_machine "$1"; then
		object_cmds "$1"
		return
	fi
	jq -r '(.maps[] | "!pte \(.va)", "!vtop @cr3>>c \(.va)", "db \(.va) L20", "dq \(.va) L4",
		"!db \(.pa) L20"),
	       (.entries[] | "!pte \(.va)", "!pte \(.address) 1")' "$TD/$1.truth.json"
}

. "$QDIR/objects.sh"
. "$QDIR/windmp.sh"
