#!/bin/bash
# SPDX-License-Identifier: MIT
# Live targets end to end (issue 6): a private libvirtd (tests/qemu/libvirt.sh: root, a
# private mount namespace, nothing on the machine modified), transient TCG domains that boot
# the model images of tests/qemu/images.list through the guest stub, CR3 written through the
# gdbstub, then mmkd --libvirt must give the same JSON answers as on the raw image for every
# command of tests/qemu/compare.cmds and the image's mappings (!pte, !vtop, !ptov, dq, !db):
#   - through the peek path (a domain with ordinary RAM) and through the shared-memory path
#     (a domain whose RAM is a shared memory-backend-file), and forced peek on the latter;
#   - registers: mmkd's `r` against QEMU's own `info registers`;
#   - a paused guest still answers, with a warning; shutting the domain down mid-session
#     fails the next reads with a one-line error while the shell goes on; .reload finds a
#     restarted domain again;
#   - every failure to attach is one line and exit status 2: no such domain, connection
#     refused, no socket, permission denied, shared memory asked for but not configured;
#   - on machines of the reference VMM, the live answers against the simulator's own truth
#     (process list, !memusage counts, list heads, !vm, sampled !pfn: tests/qemu/objects.sh);
#   - on machines, QEMU's win-dmp through virsh dump, the note registered by the guest stub
#     in a domain with the vmcoreinfo feature (tests/qemu/windmp.sh).
# The answers are compared on every image; the target's mechanics (registers, pause, changes
# between commands, shutdown mid-session) are checked on the first image only, since they do
# not depend on what the guest holds.
# Every process started is killed by PID at the end (tests/qemu/lib.sh).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/qemu/lib.sh"
. "$top_srcdir/tests/qemu/libvirt.sh"
qemu_init
"$MMKD" --libvirt none --connect "qemu:///system?socket=/nonexistent" -c q 2>&1 |
	grep -q 'built without libvirt' && skip_all "mmkd was built without libvirt (--with-libvirt)"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(now)
libvirtd_up
diag "private libvirtd answering after $(since "$t0") s"

# compare_json NAME REF GOT: the same commands, the same answers, line by line.
compare_json() {
	is "$(wc -l < "$3" | tr -d ' ')" "$(wc -l < "$2" | tr -d ' ')" "$1: one answer per command"
	paste -d '\n' "$2" "$3" | while read -r want && read -r got; do
		[ "$want" = "$got" ] && echo "ok" || echo "not ok $(echo "$want" | jq -r .command)"
	done > "$T/cmp"
	bad=$(grep -c '^not ok' "$T/cmp")
	is "$bad" 0 "$1: every answer equals the raw image's ($(wc -l < "$2" | tr -d ' ') commands)"
	grep '^not ok' "$T/cmp" | head -5 | sed 's/^not ok /#   differs: /'
}

live() {	# live DOMAIN [mmkd options...] -- with commands on stdin
	dom=$1
	shift
	"$MMKD" --json --libvirt "$dom" --connect "$URI" "$@" -s -
}

image_tests() {
	img=$1
	id=$(image_id "$img")
	need_dump "$img.raw"
	raw="$TD/$img.raw"
	dtb=$(image_dtb "$img")
	ram=$(guest_ram_mib "$raw")
	# domain names: libvirt names the shared RAM file after the first 20 characters
	nimg=$((nimg + 1))
	peek="mmkd$nimg-peek-$$" shm="mmkd$nimg-shm-$$"
	mmkd_args=$(image_mmkd_args "$img")	# what the raw image finds beside it (its paging file)
	guest_image "$raw" "$T/$id.tail"
	t0=$(now)
	domain_create "$peek" "$T/$id.tail" "$ram"
	domain_create "$shm" "$T/$id.tail" "$ram" shared
	diag "$img: two domains booted in $(since "$t0") s"
	set_regs vmon "$peek" -- "$LV/$peek.gdb" "cr3=$dtb"
	ok $? "$img: CR3 of $peek written through the gdbstub"
	set_regs vmon "$shm" -- "$LV/$shm.gdb" "cr3=$dtb"
	ok $? "$img: CR3 of $shm written through the gdbstub"

	compare_cmds "$img" > "$T/cmds"
	"$MMKD" --json "$raw" -s "$T/cmds" > "$T/ref.json"

	# -- the peek path
	t0=$(now)
	# shellcheck disable=SC2086
	live "$peek" $mmkd_args < "$T/cmds" > "$T/peek.json"
	is $? 0 "$img: every command succeeds live through peek"
	diag "$img: $(wc -l < "$T/cmds" | tr -d ' ') commands live through peek in $(since "$t0") s"
	compare_json "$img peek" "$T/ref.json" "$T/peek.json"
	image_is_machine "$img" && truth_checks "$img live, peek" "$img" "$T/peek.json"
	echo .target | live "$peek" > "$T/t"
	is "$(jq -r .result.access "$T/t")" "libvirt memory peek, 1 MiB chunks; shared memory not used: RAM block 'pc.ram' is not a shared memory-backend-file" \
		"$img: .target says memory is peeked in 1 MiB chunks, and why"
	is "$(jq -r '.result.state + " " + .result.dtb_source' "$T/t")" "running CPU 0 CR3" \
		"$img: .target: running, DTB from CPU 0 CR3"
	is "$(jq -r '[.result.runs[] | .start + "+" + .length] | join(" ")' "$T/t")" "0x0+$(printf '%#x' $((ram << 20)))" \
		"$img: guest RAM, from QEMU's memory map, is one run of the domain's size"

	# -- the shared-memory path, and forced peek on the same domain
	t0=$(now)
	# shellcheck disable=SC2086
	live "$shm" $mmkd_args < "$T/cmds" > "$T/shm.json"
	is $? 0 "$img: every command succeeds live through the shared memory file"
	diag "$img: the same commands through shared memory in $(since "$t0") s"
	compare_json "$img shared" "$T/ref.json" "$T/shm.json"
	image_is_machine "$img" && truth_checks "$img live, shared memory" "$img" "$T/shm.json"
	echo .target | live "$shm" > "$T/t"
	jq -r .result.access "$T/t" | grep -q "^shared memory file $LV/ram/.*$shm.* (mmap, read-only)$"
	r=$?
	ok $r "$img: .target says the shared memory file is mapped read-only"
	[ $r = 0 ] || diag "it says: $(jq -r .result.access "$T/t")"
	# shellcheck disable=SC2086
	live "$shm" --live-access peek $mmkd_args < "$T/cmds" > "$T/shm-peek.json"
	compare_json "$img shared, forced peek" "$T/ref.json" "$T/shm-peek.json"
	"$MMKD" --libvirt "$peek" --connect "$URI" --live-access shared -c q 2> "$T/e"
	is $? 2 "$img: --live-access shared without a shared memory file cannot attach"
	is "$(cat "$T/e")" "mmkd: domain '$peek': cannot read guest RAM from a shared file: RAM block 'pc.ram' is not a shared memory-backend-file" \
		"$img: and says why"

	image_is_machine "$img" && windmp_libvirt "$img"

	# the target's mechanics, on the first image only: they do not depend on what it holds
	[ "$mechanics" = 1 ] || return 0
	mechanics=0

	# -- registers: QEMU's own info registers is the witness
	vmon "$peek" 'info registers' | tr -d '\r' > "$T/regs"
	echo r | live "$peek" > "$T/r"
	for reg in RIP RSP RFL CR0 CR3 CR4 EFER; do
		key=$(echo "$reg" | tr 'A-Z' 'a-z' | sed 's/rfl/rflags/')
		want=$(sed -n "s/.*$reg=\([0-9a-f]*\).*/\1/p" "$T/regs" | head -n1)
		is "$(jq -r ".result.$key" "$T/r")" "$(printf '%#x' $((0x$want)))" "$img: r: $key equals QEMU's $reg"
	done

	# -- paused: still readable, with a warning
	lv_virsh suspend "$peek" > /dev/null
	printf '!vtop %x %s\n' $((dtb >> 12)) "$(image_page_va "$img")" > "$T/one"
	live "$peek" < "$T/one" > "$T/paused.json"
	is $? 0 "$img: a paused guest still answers"
	is "$(jq -r '.result.warnings[0]' "$T/paused.json")" "domain '$peek' is paused: reading its memory as of the pause" \
		"$img: with a one-line warning"
	is "$(jq -c 'del(.result.warnings)' "$T/paused.json")" "$("$MMKD" --json "$raw" -s "$T/one")" \
		"$img: and the same answer as the raw image"
	lv_virsh resume "$peek" > /dev/null

	guest_changes "$img" "$peek"
	guest_changes "$img" "$shm"
	shutdown_mid_session "$img"
}

# QEMU's win-dmp of a machine through libvirt (issue 5): a domain with the vmcoreinfo feature
# and the machine's note as <initrd>, which the stub registers; virsh dump --memory-only
# --format win-dmp; then the checks of tests/qemu/windmp.sh, with QEMU's monitor reached
# through virsh as the witness.
windmp_libvirt() {
	img=$1
	wdmp="mmkd$nimg-wdmp-$$" note=$(windmp_note "$img")
	domain_create "$wdmp" "$T/$id.tail" "$ram" "note=$note"
	is "$(_hex "$(vmci_status vmon "$wdmp")")" 0x1 \
		"$img: libvirt: the guest stub registered the model's note through fw_cfg"
	set_regs vmon "$wdmp" -- "$LV/$wdmp.gdb" "cr3=$dtb"
	ok $? "$img: CR3 of $wdmp written through the gdbstub"
	lv_virsh dump --memory-only --format win-dmp "$wdmp" "$T/$id.win-dmp" > "$T/e" 2>&1
	ok $? "$img: virsh dump --memory-only --format win-dmp$(head -c 300 "$T/e" | tr '\n' ' ')"
	windmp_checks "$img: libvirt win-dmp" "$img" "$T/$id.win-dmp" "$note" "$T/cmds" \
		"$T/ref.json" vmon "$wdmp"
	rm -f "$T/$id.win-dmp"
}

# The guest's memory changes between two commands of a session (the harness writes it
# through the gdbstub): the second command must see the new bytes, on either path.
guest_changes() {
	img=$1 dom=$2
	va=$(image_page_va "$img")
	old=$("$MMKD" --json "$raw" -c "dq $va L1" | jq -c .result)
	mkfifo "$T/in"
	live "$dom" < "$T/in" > "$T/ch.json" &
	mpid=$!
	track_pid "$mpid"
	exec 3> "$T/in"
	echo "dq $va L1" >&3
	wait_lines "$T/ch.json" 1
	vmon "$dom" "gdbserver unix:$LV/$dom.poke,server=on,wait=off" > /dev/null
	"$QEMUCTL" gdbpoke "$LV/$dom.poke" "$va" 0123456789abcdef
	vmon "$dom" "gdbserver none" > /dev/null
	printf '%s\n' "dq $va L1" >&3
	exec 3>&-
	wait "$mpid"
	is "$(jq -s -c '.[0].result' "$T/ch.json")" "$old" "$img: $dom: the first read sees the image"
	is "$(jq -s -r '.[1].result.values[0]' "$T/ch.json")" \
		"0xefcdab8967452301" "$img: $dom: the next command sees the guest's new bytes"
	rm -f "$T/in"
}

# Shut the domain down between two commands of one session; then start it again.
wait_lines() {	# wait_lines FILE N: until mmkd has answered N commands
	i=0
	while [ "$(wc -l < "$1")" -lt "$2" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

shutdown_mid_session() {
	img=$1
	va=$(image_page_va "$img")
	mkfifo "$T/in"
	live "$peek" < "$T/in" > "$T/sd.json" 2> "$T/sd.err" &
	mpid=$!
	track_pid "$mpid"
	exec 3> "$T/in"
	echo "dq $va L1" >&3					# 0: ok
	wait_lines "$T/sd.json" 1
	lv_virsh destroy "$peek" > /dev/null
	printf '%s\n' "dq $va L1" "!vtop $(printf %x $((dtb >> 12))) $va" \
		r .target '? 1+1' .reload >&3			# 1-3 fail, 4-5 ok, 6 fails
	wait_lines "$T/sd.json" 7
	domain_create "$peek" "$T/$id.tail" "$ram"		# the same domain again
	set_regs vmon "$peek" -- "$LV/$peek.gdb2" "cr3=$dtb"
	printf '%s\n' .reload "dq $va L1" >&3			# 7-8 ok
	exec 3>&-
	wait "$mpid"
	is $? 1 "$img: a session that lost its guest exits 1"
	jq -s . "$T/sd.json" > "$T/sd"
	ok $? "$img: every JSON line parses"
	is "$(jq -r '[.[].ok] | map(tostring) | join(" ")' "$T/sd")" \
		"true false false false true true false true true" \
		"$img: after the shutdown reads and r fail, .target and ? work, .reload fails until the domain is back"
	gone="the live target is gone: domain '$peek' is shut off (.reload re-attaches)"
	is "$(jq -r '.[1].error.message' "$T/sd")" "$gone" "$img: dq says the guest is gone, in one line"
	is "$(jq -r '.[2].error.message' "$T/sd")" "$gone" "$img: !vtop says so too"
	is "$(jq -r '.[3].error.message' "$T/sd")" "no registers of CPU 0: libvirt:$peek is shut off" \
		"$img: r says there are no registers"
	is "$(jq -r '.[4].result.state' "$T/sd")" "shut off" "$img: .target shows the state"
	is "$(jq -r '.[6].error.message' "$T/sd")" "domain '$peek' not found at '$URI'" \
		"$img: .reload while the transient domain is gone: not found"
	is "$(jq -r '.[7].result.state' "$T/sd")" running "$img: .reload attaches the restarted domain"
	is "$(jq -c '.[8].result' "$T/sd")" "$("$MMKD" --json "$raw" -c "dq $va L1" | jq -c .result)" \
		"$img: which answers as the raw image"
	[ -s "$T/sd.err" ] && sed 's/^/# stderr: /' "$T/sd.err" | head -5
	rm -f "$T/in"
}

attach_errors() {
	"$MMKD" --libvirt "no-such-domain-$$" --connect "$URI" -c q 2> "$T/e"
	is $? 2 "no such domain: exit 2"
	is "$(cat "$T/e")" "mmkd: domain 'no-such-domain-$$' not found at '$URI'" "no such domain: one line"
	"$QEMUCTL" deadsock "$T/dead.sock"
	"$MMKD" --libvirt x --connect "qemu:///system?socket=$T/dead.sock" -c q 2> "$T/e"
	is $? 2 "connection refused: exit 2"
	is "$(cat "$T/e")" "mmkd: cannot connect to 'qemu:///system?socket=$T/dead.sock': connection refused at '$T/dead.sock' (is libvirtd running?)" \
		"connection refused: one line"
	"$MMKD" --libvirt x --connect "qemu:///system?socket=$T/none.sock" -c q 2> "$T/e"
	is $? 2 "no socket: exit 2"
	grep -q "^mmkd: cannot connect to .*: no libvirtd socket at '$T/none.sock' (is libvirtd running?)$" "$T/e"
	ok $? "no socket: one line naming the socket"
	if command -v setpriv > /dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$MMKD" --libvirt x --connect "$URI" -c q 2> "$T/e"
		is $? 2 "permission denied: exit 2"
		is "$(cat "$T/e")" "mmkd: cannot connect to '$URI': permission denied" \
			"permission denied: one line"
	fi
}

t_all=$(now)
attach_errors
grep -v '^[[:space:]]*\(#\|$\)' "$QDIR/images.list" > "$T/images"
mechanics=1 nimg=0
while read -r img; do
	image_tests "$img"
done < "$T/images"
diag "all live checks in $(since "$t_all") s"
done_testing
