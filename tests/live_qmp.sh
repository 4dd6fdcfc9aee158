#!/bin/bash
# SPDX-License-Identifier: MIT
# The QMP live target (mmkd --qemu-monitor SOCKET) end to end, on QEMUs that libvirt does not
# manage: each image of tests/qemu/images.list boots twice (tests/qemu/lib.sh), once with
# ordinary RAM (memory read with pmemsave) and once with its RAM in a shared
# memory-backend-file (mapped), each with a second QMP socket for mmkd. Every command of
# tests/qemu/compare.cmds and the image's mappings must answer as on the raw image; a paused
# guest still answers (first image only, as what follows); a QEMU that quits mid-session fails the next reads in one line while
# the shell goes on; attach errors are one line and exit 2. On machines of the reference VMM
# the live answers are also checked against the simulator's truth (tests/qemu/objects.sh).
# No root needed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/qemu/lib.sh"
qemu_init

live_qmp() {	# live_qmp SOCKET [mmkd options...], commands on stdin
	sock=$1
	shift
	"$MMKD" --json --qemu-monitor "$sock" "$@" -s -
}

same_answers() {	# same_answers DESCRIPTION REF GOT
	is "$(wc -l < "$3" | tr -d ' ')" "$(wc -l < "$2" | tr -d ' ')" "$1: one answer per command"
	paste -d '\n' "$2" "$3" | while read -r want && read -r got; do
		[ "$want" = "$got" ] || echo "$want" | jq -r .command
	done > "$T/diff"
	is "$(wc -l < "$T/diff" | tr -d ' ')" 0 "$1: every answer equals the raw image's"
	head -5 "$T/diff" | sed 's/^/#   differs: /'
}

image_tests() {
	img=$1 id=$(image_id "$1")
	need_dump "$img.raw"
	raw="$TD/$img.raw"
	dtb=$(image_dtb "$img")
	ram=$(guest_ram_mib "$raw")
	# shellcheck disable=SC2046
	set -- $(image_mmkd_args "$img")	# what the raw image finds beside it (its paging file)
	guest_image "$raw" "$T/$id.tail"
	qemu_boot "$id-peek" "$T/$id.tail" "$ram" -qmp "unix:$T/$id-peek.mmkd,server=on,wait=off"
	qemu_boot "$id-shm" "$T/$id.tail" "$ram" -qmp "unix:$T/$id-shm.mmkd,server=on,wait=off" \
		-object "memory-backend-file,id=pc.ram,size=${ram}M,mem-path=$T/$id.ram,share=on" \
		-machine memory-backend=pc.ram
	for v in peek shm; do
		set_regs qmp "$T/$id-$v.qmp" -- "$T/$id-$v.gdb" "cr3=$dtb"
		ok $? "$img-$v: CR3 written through the gdbstub"
	done
	compare_cmds "$img" > "$T/cmds"
	"$MMKD" --json "$raw" -s "$T/cmds" > "$T/ref.json"

	live_qmp "$T/$id-peek.mmkd" "$@" < "$T/cmds" > "$T/peek.json"
	is $? 0 "$img: every command succeeds through QMP and pmemsave"
	same_answers "$img pmemsave" "$T/ref.json" "$T/peek.json"
	image_is_machine "$img" && truth_checks "$img live, pmemsave" "$img" "$T/peek.json"
	echo .target | live_qmp "$T/$id-peek.mmkd" > "$T/t"
	is "$(jq -r .result.access "$T/t")" "QMP memory peek, 1 MiB chunks; shared memory not used: RAM block 'pc.ram' is not a shared memory-backend-file" \
		"$img: .target says pmemsave in 1 MiB chunks, and why"
	live_qmp "$T/$id-shm.mmkd" "$@" < "$T/cmds" > "$T/shm.json"
	is $? 0 "$img: every command succeeds through the shared memory file"
	same_answers "$img shared" "$T/ref.json" "$T/shm.json"
	image_is_machine "$img" && truth_checks "$img live, shared memory" "$img" "$T/shm.json"
	echo .target | live_qmp "$T/$id-shm.mmkd" > "$T/t"
	is "$(jq -r .result.access "$T/t")" "shared memory file $T/$id.ram (mmap, read-only)" \
		"$img: .target says the shared memory file is mapped"
	live_qmp "$T/$id-shm.mmkd" --live-access peek "$@" < "$T/cmds" > "$T/shmpeek.json"
	same_answers "$img shared, forced peek" "$T/ref.json" "$T/shmpeek.json"

	# the target's mechanics, on the first image only: they do not depend on what it holds
	[ "$mechanics" = 1 ] || return 0
	mechanics=0

	# paused by the harness: still readable, with a warning
	qmp "$T/$id-peek.qmp" '{"execute":"stop"}' > /dev/null
	printf '!vtop %x %s\n' $((dtb >> 12)) "$(image_page_va "$img")" > "$T/one"
	live_qmp "$T/$id-peek.mmkd" < "$T/one" > "$T/paused.json"
	is "$(jq -r '.result.warnings[0]' "$T/paused.json")" "QEMU at '$T/$id-peek.mmkd' is paused: reading its memory as of the pause" \
		"$img: a paused QEMU answers, with a warning"
	is "$(jq -c 'del(.result.warnings)' "$T/paused.json")" "$("$MMKD" --json "$raw" -s "$T/one")" \
		"$img: and the same answer"
	qmp "$T/$id-peek.qmp" '{"execute":"cont"}' > /dev/null

	# QEMU quits between two commands
	mkfifo "$T/in"
	live_qmp "$T/$id-peek.mmkd" < "$T/in" > "$T/q.json" &
	mpid=$!
	track_pid "$mpid"
	exec 3> "$T/in"
	cat "$T/one" >&3
	i=0
	while [ "$(wc -l < "$T/q.json")" -lt 1 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	qpid=$(cat "$T/$id-peek.pid")
	qmp "$T/$id-peek.qmp" '{"execute":"quit"}' > /dev/null 2>&1
	while kill -0 "$qpid" 2> /dev/null; do sleep 0.02; done
	cat "$T/one" >&3
	printf '%s\n' .target '? 1+1' >&3
	exec 3>&-
	wait "$mpid"
	is $? 1 "$img: a session whose QEMU quit exits 1"
	is "$(jq -s -r '[.[].ok] | map(tostring) | join(" ")' "$T/q.json")" "true false true true" \
		"$img: the read after the quit fails, .target and ? still work"
	jq -s -r '.[1].error.message' "$T/q.json" |
		grep -qF "the live target is gone (QEMU closed the QMP connection): QEMU at '$T/$id-peek.mmkd' is no longer reachable (.reload re-attaches)"
	ok $? "$img: and says in one line that QEMU is gone"
	rm -f "$T/in"
}

"$MMKD" --qemu-monitor "$T/none.sock" -c q 2> "$T/e"
is $? 2 "no socket: exit 2"
is "$(cat "$T/e")" "mmkd: cannot connect to QMP at '$T/none.sock': no such socket (is QEMU running?)" \
	"no socket: one line"
"$QEMUCTL" deadsock "$T/dead.sock"
"$MMKD" --qemu-monitor "$T/dead.sock" -c q 2> "$T/e"
is "$(cat "$T/e")" "mmkd: cannot connect to QMP at '$T/dead.sock': connection refused (is QEMU running?)" \
	"connection refused: one line"
"$MMKD" --qemu-monitor "$T/none.sock" --libvirt x -c q 2> "$T/e"
is "$(cat "$T/e")" "mmkd: --libvirt and --qemu-monitor exclude each other" "one live target at a time"

grep -v '^[[:space:]]*\(#\|$\)' "$QDIR/images.list" > "$T/images"
mechanics=1
while read -r img; do
	image_tests "$img"
done < "$T/images"
done_testing
