#!/bin/busybox sh
# PID 1 of the berth VM-lane initramfs (copied to /init by run-vm.sh).
#
# Loads the 9p/virtio/overlay modules, mounts the host's / (9p tag
# "hostroot") at /mnt/root, gives it guest-private /proc /sys /dev /tmp /run
# and a cgroup2 hierarchy with every controller enabled, then runs
# $RUN/guest-cmd.sh chrooted into the share.  The command's stdout+stderr go
# through a fifo to the second serial port (ttyS1), which the host streams;
# its exit status is written to $RUN/exit-status on the share.
#
# Kernel command line parameters (all optional except berth.run):
#   berth.run=DIR      run directory on the share (host path)
#   berth.mods=DIR     host path of the full lib/modules dir of the guest kernel
#   berth.9p=OPTS      9p mount options (default below)
#   berth.init=systemd instead of running the command itself, switch_root to
#                      the host's /lib/systemd/systemd as PID 1 with a
#                      runtime-only configuration under the guest's /run
#                      (setup_systemd below); its berth-vm-cmd.service runs
#                      the command and powers the VM off
#
# Everything this script prints goes to the console (ttyS0 -> console.log).

/bin/busybox mkdir -p /bin /proc /sys /dev /mnt/root
/bin/busybox --install -s /bin
export PATH=/bin
export HOME=/
umask 022

T=/mnt/root

say() { echo "berth-vm: $*"; }

halt_vm() {
	sync
	poweroff -f
	reboot -f
	# Still here: exiting PID 1 panics, and panic=-1 + -no-reboot ends qemu.
	exit 1
}

die() {
	say "FATAL: $*"
	halt_vm
}

mount -t proc proc /proc || die "mount /proc"
mount -t sysfs sysfs /sys || die "mount /sys"
mount -t devtmpfs devtmpfs /dev || die "mount /dev"
say "init start (uptime $(cut -d' ' -f1 /proc/uptime) s)"

RUN='' MODS='' INIT='' NINEP_OPTS="trans=virtio,version=9p2000.L,msize=512000,cache=mmap,access=client"
for w in $(cat /proc/cmdline); do
	case $w in
	berth.run=*) RUN=${w#berth.run=} ;;
	berth.mods=*) MODS=${w#berth.mods=} ;;
	berth.9p=*) NINEP_OPTS=${w#berth.9p=} ;;
	berth.init=*) INIT=${w#berth.init=} ;;
	esac
done
[ -n "$RUN" ] || die "no berth.run= on the kernel command line"
case $INIT in '' | systemd) ;; *) die "unknown berth.init=$INIT" ;; esac

# --- modules -----------------------------------------------------------------
# /lib/modules/load-order lists NAME FILE pairs, dependencies first (computed
# on the host from each module's modinfo "depends").  Built-in ones are not
# listed.  A module that is already loaded is fine.
while read -r name file; do
	[ -n "$name" ] || continue
	[ -d "/sys/module/$name" ] && continue
	out=$(insmod "/lib/modules/$file" 2>&1) || {
		[ -d "/sys/module/$name" ] || die "insmod $file failed: $out"
	}
done < /lib/modules/load-order
for fs in 9p overlay cgroup2; do
	grep -qw "$fs" /proc/filesystems || die "filesystem $fs not available after loading modules"
done
say "modules loaded (uptime $(cut -d' ' -f1 /proc/uptime) s)"

# --- the host's / over 9p ----------------------------------------------------
i=0
until mount -t 9p -o "$NINEP_OPTS" hostroot "$T" 2>/tmp/mount.err; do
	i=$((i + 1))
	[ $i -lt 20 ] || die "mount 9p hostroot ($NINEP_OPTS): $(cat /tmp/mount.err)"
	sleep 0.1
done
say "9p share mounted ($NINEP_OPTS)"
[ -f "$T$RUN/guest-cmd.sh" ] || die "$RUN/guest-cmd.sh not found on the share"

# Guest-private kernel filesystems over the share's (= the host's) /proc /sys
# /dev /tmp /run.  Each one is checked: running with the host's sysfs or
# cgroup tree visible through 9p would be dangerous.
mounted() { grep -q "^[^ ]* $1 $2 " /proc/mounts; }
mnt() { # TYPE DIR OPTS
	mount -t "$1" -o "$3" "$1" "$T$2" || die "mount $1 on $2"
	mounted "$T$2" "$1" || die "$1 on $2 not in /proc/mounts"
}
mnt proc /proc rw,nosuid,nodev,noexec
mnt sysfs /sys rw,nosuid,nodev,noexec
mnt devtmpfs /dev rw,nosuid,mode=755
mkdir -p "$T/dev/pts" "$T/dev/shm" "$T/dev/mqueue"
mnt devpts /dev/pts rw,nosuid,noexec,gid=5,mode=620,ptmxmode=666
mnt tmpfs /dev/shm rw,nosuid,nodev,mode=1777
mnt mqueue /dev/mqueue rw,nosuid,nodev,noexec
# Same options systemd uses on a cgroup2-only host.
mnt cgroup2 /sys/fs/cgroup rw,nosuid,nodev,noexec,nsdelegate,memory_recursiveprot
mnt tmpfs /tmp rw,nosuid,nodev,mode=1777
mnt tmpfs /run rw,nosuid,nodev,mode=755
# The guest is another machine: CNI configs and leases on the host's disk
# (podman's, say) are not its own, and pods in here must not write there.
for d in /etc/cni/net.d /var/lib/cni; do
	[ ! -d "$T$d" ] || mnt tmpfs "$d" rw,nosuid,nodev,mode=755
done
mkdir -p "$T/run/lock" "$T/run/berth-vm/bin"
chmod 1777 "$T/run/lock"

CG=$T/sys/fs/cgroup
ctrls=""
for c in $(cat "$CG/cgroup.controllers"); do ctrls="$ctrls +$c"; done
echo "$ctrls" > "$CG/cgroup.subtree_control" || die "cannot enable controllers:$ctrls"
say "cgroup2 controllers: $(cat "$CG/cgroup.subtree_control")"

# Full module tree of this kernel, for the kernel's own request_module (it
# runs /bin/modprobe of this initramfs) and for tests: the host has no
# /lib/modules/<guest kernel>, so /run/berth-vm/bin (first in the guest's
# PATH) has modprobe/modinfo/depmod wrappers that run busybox's in the
# initramfs root, where the full module tree is bound on /lib/modules.
# Under systemd (berth.init=systemd) the initramfs is deleted by
# switch_root: the same busybox and module tree then live in a small root of
# their own on the guest's /run (/run/berth-vm/modroot), and the kernel's
# modprobe helper is the wrapper itself.
MODROOT=/proc/1/root MODPROBE=/bin/modprobe MODDIR=/lib/modules
if [ "$INIT" = systemd ]; then
	MODROOT=/run/berth-vm/modroot MODPROBE=/run/berth-vm/bin/modprobe MODDIR=$T$MODROOT/lib/modules
	mkdir -p "$T$MODROOT/bin" "$T$MODROOT/lib/modules"
	cp /bin/busybox "$T$MODROOT/bin/busybox"
	for a in sh modprobe modinfo depmod insmod; do ln -s busybox "$T$MODROOT/bin/$a"; done
fi
if [ -n "$MODS" ] && [ -d "$T$MODS" ] && mount --bind "$T$MODS" "$MODDIR"; then
	echo "$MODPROBE" > /proc/sys/kernel/modprobe
else
	say "warning: kernel modules tree $MODS not available in the guest"
fi
cp /bin/busybox "$T/run/berth-vm/busybox"
for a in modprobe modinfo depmod; do
	printf '#!/bin/sh\nexec /run/berth-vm/busybox chroot %s /bin/%s "$@"\n' "$MODROOT" "$a" \
		> "$T/run/berth-vm/bin/$a"
	chmod 755 "$T/run/berth-vm/bin/$a"
done
for a in insmod rmmod lsmod; do
	ln -s ../busybox "$T/run/berth-vm/bin/$a"
done

hostname berth-vm
ip link set lo up 2>/dev/null || say "warning: cannot bring lo up"

# --- or: systemd as PID 1 (berth.init=systemd) -----------------------------------
# The host's /lib/systemd/systemd, switched to (not chrooted: it must be
# PID 1), with a configuration that exists only on the guest's /run:
#  * SYSTEMD_UNIT_PATH=/run/systemd/system: its only unit directory, so none
#    of the host's units (/etc/systemd/system, /lib/systemd/system and their
#    .wants/ links) can be pulled in.  Written here: berth-vm.target (the
#    boot target), empty sysinit.target and basic.target (which services'
#    default dependencies need), links to the host's journald units, and
#    berth-vm-cmd.service, which runs the command and powers off.
#  * generators hidden (empty tmpfs over their directories): they would read
#    the host's fstab, init scripts and so on for nothing;
#  * /etc/machine-id covered by a read-only bind of a fresh guest id, so
#    systemd cannot write it;
#  * journald Storage=volatile (/run/log/journal), never the host's
#    /var/log/journal.
# Tests add their own units under /run/systemd/system too.
setup_systemd() {
	local sd=$T/run/systemd/system u id
	[ -x "$T/lib/systemd/systemd" ] || die "berth.init=systemd: no /lib/systemd/systemd on the host"
	[ -f "$T/etc/machine-id" ] ||
		die "berth.init=systemd: the host has no /etc/machine-id for the guest to cover (systemd would create it)"
	id=$(tr -d '-' < /proc/sys/kernel/random/uuid)
	echo "$id" > "$T/run/machine-id"
	mount --bind "$T/run/machine-id" "$T/etc/machine-id" &&
		mount -o remount,bind,ro "$T/etc/machine-id" || die "cannot cover /etc/machine-id"
	for u in /etc/systemd/system-generators /usr/local/lib/systemd/system-generators \
		/lib/systemd/system-generators /usr/lib/systemd/system-generators \
		/etc/systemd/system-environment-generators /lib/systemd/system-environment-generators \
		/usr/lib/systemd/system-environment-generators; do
		[ -d "$T$u" ] || continue
		mounted "$T$u" tmpfs || mount -t tmpfs -o ro,mode=755 tmpfs "$T$u" || die "cannot hide $u"
	done

	mkdir -p "$sd" "$T/run/systemd/journald.conf.d" "$T/run/systemd/system.conf.d"
	printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=64M\nForwardToConsole=no\nForwardToSyslog=no\n' \
		> "$T/run/systemd/journald.conf.d/zz-berth-vm.conf"
	# The same timeouts as a real machine, but nothing of the host's
	# system.conf can make the guest wait for ever.
	printf '[Manager]\nDefaultTimeoutStartSec=90s\nDefaultTimeoutStopSec=90s\nShowStatus=yes\n' \
		> "$T/run/systemd/system.conf.d/zz-berth-vm.conf"
	for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket \
		systemd-journald-audit.socket; do
		[ -f "$T/lib/systemd/system/$u" ] && ln -s "/lib/systemd/system/$u" "$sd/$u"
	done
	printf '[Unit]\nDescription=berth VM lane\nDefaultDependencies=no\nWants=systemd-journald.socket systemd-journald-dev-log.socket systemd-journald.service berth-vm-cmd.service\n' \
		> "$sd/berth-vm.target"
	ln -s berth-vm.target "$sd/default.target"
	for u in sysinit basic; do
		printf '[Unit]\nDescription=%s (empty in the berth VM lane)\nDefaultDependencies=no\n' "$u.target" > "$sd/$u.target"
	done
	cat > "$sd/berth-vm-cmd.service" <<-EOF
	[Unit]
	Description=berth VM lane command ($RUN/guest-cmd.sh)
	DefaultDependencies=no
	Wants=systemd-journald.socket
	After=systemd-journald.socket systemd-journald.service
	SuccessAction=poweroff-force
	FailureAction=poweroff-force

	[Service]
	Type=exec
	ExecStart=/bin/sh /run/berth-vm/cmd.sh
	StandardInput=null
	StandardOutput=journal+console
	EOF
	# The command's output goes straight to ttyS1 (raw, set above); its
	# status to the share; the boot marker to the console, as without systemd.
	cat > "$T/run/berth-vm/cmd.sh" <<-EOF
	#!/bin/sh
	echo "berth-vm: running command (uptime \$(cut -d' ' -f1 /proc/uptime) s), under systemd" > /dev/console
	rm -f '$RUN/exit-status'
	stty -F /dev/ttyS1 raw -echo clocal 2>/dev/null
	/bin/sh '$RUN/guest-cmd.sh' < /dev/null > /dev/ttyS1 2>&1
	rc=\$?
	echo "\$rc" > '$RUN/exit-status.tmp' && mv '$RUN/exit-status.tmp' '$RUN/exit-status' ||
		echo "berth-vm: cannot write $RUN/exit-status" > /dev/console
	echo "berth-vm: command exited with status \$rc (uptime \$(cut -d' ' -f1 /proc/uptime) s)" > /dev/console
	EOF
	stty -F /dev/ttyS1 raw -echo clocal 2>/dev/null || say "warning: stty ttyS1 failed"
	say "switching to systemd (uptime $(cut -d' ' -f1 /proc/uptime) s)"
	umount /sys 2>/dev/null
	export SYSTEMD_UNIT_PATH=/run/systemd/system
	# Authoritative for PID 1: not a container.  Otherwise a /.dockerenv on
	# the host's / (a CI runner in docker) makes systemd believe it runs in
	# docker, and then ignore the kernel command line (systemd.unit=, ...).
	export container=
	exec switch_root "$T" /lib/systemd/systemd --unit=berth-vm.target
	die "switch_root to systemd failed"
}
[ "$INIT" != systemd ] || setup_systemd

# --- run the command -----------------------------------------------------------
FIFO=$T/run/berth-vm/output
mkfifo "$FIFO" || die "mkfifo $FIFO"
stty -F /dev/ttyS1 raw -echo clocal 2>/dev/null || say "warning: stty ttyS1 failed"
cat "$FIFO" > /dev/ttyS1 &
CAT=$!

say "running command (uptime $(cut -d' ' -f1 /proc/uptime) s)"
rm -f "$T$RUN/exit-status"
chroot "$T" /bin/sh "$RUN/guest-cmd.sh" < /dev/null > "$FIFO" 2>&1
rc=$?
echo "$rc" > "$T$RUN/exit-status.tmp" && mv "$T$RUN/exit-status.tmp" "$T$RUN/exit-status" ||
	say "cannot write $RUN/exit-status"
say "command exited with status $rc (uptime $(cut -d' ' -f1 /proc/uptime) s)"

# Output is complete once every writer of the fifo is gone.  Processes the
# command left behind may still hold it: stop them.
alive() { # PID: not gone and not a zombie
	[ -r "/proc/$1/stat" ] || return 1
	set -- $(cat "/proc/$1/stat" 2>/dev/null)
	[ "${3:-Z}" != Z ]
}
wait_gone() { # PID TENTHS
	i=0
	while alive "$1" && [ $i -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
	! alive "$1"
}
others() { # user-space processes other than PID 1 and the output cat
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = 1 ] || [ "$p" = "$CAT" ] && continue
		# kernel threads have an empty cmdline
		[ -n "$(head -c 1 "$d/cmdline" 2>/dev/null)" ] && echo "$p"
	done
}
if ! wait_gone "$CAT" 20; then
	left=$(others)
	say "killing processes left behind: $(echo $left)"
	[ -n "$left" ] && kill -TERM $left 2>/dev/null
	sleep 1
	left=$(others)
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	wait_gone "$CAT" 50 || { say "output reader stuck, killing it"; kill -KILL "$CAT"; }
fi
wait "$CAT" 2>/dev/null # last close of ttyS1 drains its transmit buffer
sync
say "powering off (uptime $(cut -d' ' -f1 /proc/uptime) s)"
halt_vm
