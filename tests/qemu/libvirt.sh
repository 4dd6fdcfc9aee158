# SPDX-License-Identifier: MIT
# A private libvirtd for the live tests (live-lab.md §4), sourced after tests/qemu/lib.sh.
#
#   libvirtd_up                 start libvirtd (qemu:///system, root) in a private mount
#                               namespace; set $URI to its socket
#   domain_create NAME TAIL RAM_MIB [shared] [note=FILE]   define and start a transient TCG
#                               domain that boots the guest stub with the image (the loader
#                               through <qemu:commandline>; TAIL "-" for none); "shared" backs
#                               its RAM with a shared memory-backend-file (<memoryBacking> file
#                               + shared access); "note=FILE" turns the vmcoreinfo device on
#                               (<features><vmcoreinfo state='on'/>) and gives the stub FILE as
#                               its multiboot module (<initrd>), the note it registers
#                               (tests/qemu/windmp.sh)
#   vmon NAME CMD               an HMP command through virsh's monitor passthrough (never
#                               dump-guest-memory: it crashes libvirtd 9.0, live-lab.md §4)
#
# Decision (documented in DEVELOPERS.md): nothing on the machine is modified. /etc, /var and
# /run stay untouched, so the tests are safe on a developer's machine and idempotent: a
# holder process (`unshare --mount`) keeps a namespace in which
#   - $LV/etc is bind-mounted on /etc/libvirt (qemu.conf: root, no dynamic ownership, no
#     security driver, no cgroups, stdio_handler "file" since there is no virtlogd), and
#     copies of /etc/passwd and /etc/group that add libvirt-qemu (Debian's libvirt resolves
#     that user before it reads qemu.conf);
#   - /var and /run are overlays whose upper layers live in $LV;
#   - the QEMU capabilities cache is $top_builddir/tests/libvirt-cache, kept between runs
#     (the first probe costs about 5 s, later starts about 0.1 s).
# Sockets (libvirtd's, the gdbstub's) and the shared RAM files are under $LV on the local
# filesystem, reachable from outside the namespace. libvirtd, the holder and every QEMU are
# killed by PID at exit (qemu_cleanup).

LV=""
URI=""

lv_virsh() {
	virsh -q -c "$URI" "$@"
}

# Every QEMU libvirt started (by the pid files it wrote in the /run overlay), libvirtd and
# the namespace holder get SIGTERM together, then SIGKILL after 5 s (qemu_cleanup): about
# 2 s, where destroying each domain through virsh first costs 1.6 s per domain.
libvirtd_cleanup() {
	for f in "$LV"/run-upper/libvirt/qemu/*.pid; do
		[ -f "$f" ] && track_pid "$(cat "$f")"
	done
	qemu_cleanup
}

libvirtd_up() {
	[ "$(id -u)" -eq 0 ] || skip_all "the libvirt end-to-end test runs a system libvirtd and needs root"
	for b in libvirtd virsh unshare nsenter; do
		command -v "$b" > /dev/null 2>&1 || skip_all "$b is not installed (./quickstart installs libvirt-daemon, libvirt-daemon-driver-qemu, libvirt-clients)"
	done
	[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
		[ -n "$(find /usr/lib* -name libvirt_driver_qemu.so 2> /dev/null | head -n1)" ] ||
		skip_all "libvirt's QEMU driver is not installed (libvirt-daemon-driver-qemu)"
	LV="$T/lv"
	mkdir -p "$LV/etc" "$LV/sock" "$LV/ram" "$LV/var-upper" "$LV/var-work" "$LV/run-upper" \
		"$LV/run-work" "$top_builddir/tests/libvirt-cache"
	cat > "$LV/etc/qemu.conf" <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	stdio_handler = "file"
	memory_backing_dir = "$LV/ram"
	EOF
	cat > "$LV/etc/libvirtd.conf" <<-EOF
	unix_sock_dir = "$LV/sock"
	auth_unix_rw = "none"
	auth_unix_ro = "none"
	log_outputs = "3:file:$LV/libvirtd.log"
	EOF
	cp /etc/passwd "$LV/passwd"
	cp /etc/group "$LV/group"
	grep -q '^libvirt-qemu:' "$LV/group" || echo 'libvirt-qemu:x:64055:' >> "$LV/group"
	grep -q '^libvirt-qemu:' "$LV/passwd" ||
		echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >> "$LV/passwd"
	trap 'libvirtd_cleanup' EXIT
	unshare --mount --propagation private sleep 86400 &
	holder=$!
	track_pid "$holder"
	sleep 0.05
	nsenter -t "$holder" -m sh -e -c "
		mount --bind '$LV/etc' /etc/libvirt
		mount --bind '$LV/passwd' /etc/passwd
		mount --bind '$LV/group' /etc/group
		mount -t overlay overlay -o lowerdir=/var,upperdir='$LV/var-upper',workdir='$LV/var-work' /var
		mount -t overlay overlay -o lowerdir=/run,upperdir='$LV/run-upper',workdir='$LV/run-work' /run
		mkdir -p /var/cache/libvirt
		mount --bind '$top_builddir/tests/libvirt-cache' /var/cache/libvirt
	" 2> "$LV/ns.err" || skip_all "cannot make a private mount namespace: $(head -c 200 "$LV/ns.err")"
	nsenter -t "$holder" -m libvirtd -d -f "$LV/etc/libvirtd.conf" -p "$LV/libvirtd.pid" \
		2> "$LV/libvirtd.err" || {
		echo "Bail out! libvirtd did not start: $(head -c 300 "$LV/libvirtd.err")"
		exit 99
	}
	i=0
	while [ ! -s "$LV/libvirtd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	track_pid "$(cat "$LV/libvirtd.pid")"
	URI="qemu:///system?socket=$LV/sock/libvirt-sock"
	i=0
	until lv_virsh list > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 200 ] || {
			echo "Bail out! libvirtd does not answer at $URI: $(tail -n 3 "$LV/libvirtd.log" 2> /dev/null)"
			exit 99
		}
		sleep 0.05
	done
}

domain_create() {
	name=$1 tail=$2 ram=$3
	shift 3
	backing="" loader="" features="" initrd=""
	[ "$tail" = - ] || loader="<qemu:commandline><qemu:arg value='-device'/><qemu:arg value='loader,file=$tail,addr=0x200000'/></qemu:commandline>"
	for opt in "$@"; do
		case $opt in
		shared) backing="<memoryBacking><source type='file'/><access mode='shared'/></memoryBacking>" ;;
		note=*)
			features="<features><vmcoreinfo state='on'/></features>"
			initrd="<initrd>${opt#note=}</initrd>"
			;;
		esac
	done
	cat > "$LV/$name.xml" <<-EOF
	<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>$name</name>
	  <memory unit='MiB'>$ram</memory>
	  $backing
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='pc'>hvm</type>
	    <kernel>$STUB</kernel>
	    $initrd
	  </os>
	  $features
	  <cpu mode='custom' match='exact' check='none'>
	    <model fallback='forbid'>qemu64</model>
	    <feature policy='require' name='pdpe1gb'/>
	  </cpu>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>$(command -v "$QEMU")</emulator>
	    <controller type='usb' model='none'/>
	    <serial type='file'><source path='$LV/$name.serial'/><target port='0'/></serial>
	    <memballoon model='none'/>
	  </devices>
	  $loader
	</domain>
	EOF
	lv_virsh create "$LV/$name.xml" > "$LV/$name.create" 2>&1 || {
		echo "Bail out! virsh create $name failed: $(head -c 400 "$LV/$name.create")"
		exit 99
	}
	[ -f "$LV/run-upper/libvirt/qemu/$name.pid" ] &&
		track_pid "$(cat "$LV/run-upper/libvirt/qemu/$name.pid")"
	wait_halt vmon "$name" "xp /1wx $DONE_VA" || {
		echo "Bail out! domain $name: the guest stub did not reach its halt loop"
		exit 99
	}
}

vmon() {
	lv_virsh qemu-monitor-command "$1" --hmp "$2"
}
