#!/bin/bash
# Run a command inside a throw-away QEMU (TCG) guest that sees this machine's
# / over 9p and has a real cgroup v2 hierarchy with every controller enabled.
# See tests/vm/README.md.
#
#   tests/vm/run-vm.sh [OPTIONS] -- COMMAND [ARGS...]
#   tests/vm/run-vm.sh --prepare          # only fetch/build the cached kernel + initramfs
#
# The command runs as root in a chroot of the host's /, with cwd = the
# caller's cwd, stdin = /dev/null, BERTH_VM=1 and tests/vm/guest-env.sh
# sourced.  Its stdout and stderr (merged) stream to this script's stdout;
# this script exits with the command's exit status.  The VM lane's own
# messages go to stderr, prefixed "VM lane:".
#
# Exit status: the command's; 124 on timeout; 125 when the VM lane itself
# failed (setup, boot failure, guest crash), always with a message on stderr.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: tests/vm/run-vm.sh [OPTIONS] -- COMMAND [ARGS...]
       tests/vm/run-vm.sh --prepare

  --timeout SECONDS   kill the VM after this long (default 1200, env BERTH_VM_TIMEOUT)
  --mem MIB           guest memory (default 2048, env BERTH_VM_MEM)
  --smp N             guest vCPUs (default 2, env BERTH_VM_SMP)
  -e, --env NAME[=VALUE]
                      export NAME in the guest (value taken from this
                      environment when not given); repeatable.  CI is passed
                      through automatically when set.
  --verbose           full kernel log level; stream the console to stderr
  --keep              keep the run directory (console log, output, status)
  --systemd           boot the host's /lib/systemd/systemd as PID 1, which runs
                      the command as a service (berth-vm-cmd.service); see
                      tests/vm/README.md "systemd as PID 1"
  --prepare           only prepare the cached kernel + initramfs, then exit
  -h, --help          this help
Environment: BERTH_VM_CACHE (default /var/cache/berth-vm), BERTH_VM_RUNS
  (default /var/tmp/berth-vm), BERTH_VM_KEEP=1, BERTH_VM_CPU (qemu -cpu,
  default max), BERTH_VM_9P_OPTS (9p mount options), BERTH_VM_KERNEL
  (kernel image to boot instead of the cached one).
EOF
	exit "${1:-0}"
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
CACHE=${BERTH_VM_CACHE:-/var/cache/berth-vm}
RUNS=${BERTH_VM_RUNS:-/var/tmp/berth-vm}
TIMEOUT=${BERTH_VM_TIMEOUT:-1200}
MEM=${BERTH_VM_MEM:-2048}
SMP=${BERTH_VM_SMP:-2}
CPU=${BERTH_VM_CPU:-max}
NINEP_OPTS=${BERTH_VM_9P_OPTS:-}
VERBOSE=0
KEEP=${BERTH_VM_KEEP:-0}
PREPARE_ONLY=0
SYSTEMD=0
ENVS=()

msg() { echo "VM lane: $*" >&2; }
fail() { msg "$*"; exit 125; }

while [ $# -gt 0 ]; do
	case $1 in
	--timeout) [ $# -ge 2 ] || usage 2; TIMEOUT=$2; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	--mem) [ $# -ge 2 ] || usage 2; MEM=$2; shift 2 ;;
	--mem=*) MEM=${1#*=}; shift ;;
	--smp) [ $# -ge 2 ] || usage 2; SMP=$2; shift 2 ;;
	--smp=*) SMP=${1#*=}; shift ;;
	-e | --env) [ $# -ge 2 ] || usage 2; ENVS+=("$2"); shift 2 ;;
	--env=*) ENVS+=("${1#*=}"); shift ;;
	--verbose) VERBOSE=1; shift ;;
	--keep) KEEP=1; shift ;;
	--systemd) SYSTEMD=1; shift ;;
	--prepare) PREPARE_ONLY=1; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) echo "run-vm.sh: unknown option '$1' (the command goes after --)" >&2; usage 2 >&2 ;;
	*) break ;; # the command, without a "--"
	esac
done
for n in "$TIMEOUT" "$MEM" "$SMP"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || fail "bad number '$n' for --timeout/--mem/--smp"
done
if [ "$PREPARE_ONLY" = 0 ] && [ $# -eq 0 ]; then
	echo "run-vm.sh: no command given" >&2
	usage 2 >&2
fi
[ "$(id -u)" = 0 ] || fail "must run as root (9p passthrough of /, apt-get, mknod)"
[ "$SYSTEMD" = 0 ] || [ -x /lib/systemd/systemd ] || fail "--systemd: no /lib/systemd/systemd on this machine"

# ---------------------------------------------------------------------------
# Host tools
# ---------------------------------------------------------------------------
APT_UPDATED=0
apt_update() { # [soft]: only warn on failure
	[ "$APT_UPDATED" = 1 ] && return 0
	msg "apt-get update"
	if ! apt-get update -qq >&2; then
		[ "${1:-}" = soft ] || fail "apt-get update failed"
		msg "warning: apt-get update failed"
	fi
	APT_UPDATED=1
}
apt_install() {
	msg "installing $*"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; then
		apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
			fail "apt-get install $* failed"
	fi
}
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
pkg_installed busybox-static || need+=(busybox-static) # the initramfs needs the static one
command -v cpio >/dev/null || need+=(cpio)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
BUSYBOX=/bin/busybox
"$BUSYBOX" true 2>/dev/null || fail "$BUSYBOX (busybox-static) missing"
if ldd "$BUSYBOX" >/dev/null 2>&1; then fail "$BUSYBOX is not statically linked"; fi

# ---------------------------------------------------------------------------
# Kernel: Debian's stock one, the package linux-image-amd64 depends on,
# unpacked into $CACHE/kernels/<package>_<version>/ (version-keyed).
# ---------------------------------------------------------------------------
mkdir -p "$CACHE/kernels" "$RUNS"
exec 9>"$CACHE/.lock"
flock 9

# apt-cache is slow here (~0.5 s a call: images often disable its binary
# cache), so the answer is remembered until the package lists change.
APT_STAMP=$(stat -c '%n %Y %s' /var/lib/apt/lists/*Packages* 2>/dev/null | sha256sum | cut -c1-16) || true
resolve_kernel_pkg() {
	local line
	line=$(cat "$CACHE/resolved" 2>/dev/null) || true
	if [ -n "$line" ] && [ "${line%% *}" = "$APT_STAMP" ]; then
		read -r _ KPKG KVER_PKG <<< "$line"
		return 0
	fi
	KPKG=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: //p' | grep -o 'linux-image-[^ ,]*' | head -n1) || true
	[ -n "$KPKG" ] || return 1
	KVER_PKG=$(apt-cache show --no-all-versions "$KPKG" 2>/dev/null | sed -n 's/^Version: //p' | head -n1) || true
	[ -n "$KVER_PKG" ] || return 1
	echo "$APT_STAMP $KPKG $KVER_PKG" > "$CACHE/resolved"
}
if ! resolve_kernel_pkg; then
	apt_update soft
	APT_STAMP=$(stat -c '%n %Y %s' /var/lib/apt/lists/*Packages* 2>/dev/null | sha256sum | cut -c1-16) || true
	resolve_kernel_pkg || KPKG=
fi
if [ -n "$KPKG" ]; then
	KDIR=$CACHE/kernels/${KPKG}_${KVER_PKG//:/%3a}
else
	# No apt metadata (offline?): fall back to the newest complete cached kernel.
	KDIR=$(ls -dt "$CACHE"/kernels/*/.complete 2>/dev/null | head -n1) || true
	[ -n "$KDIR" ] || fail "cannot resolve linux-image-amd64's kernel package and nothing is cached"
	KDIR=${KDIR%/.complete}
	msg "warning: apt cannot resolve linux-image-amd64; using cached $(basename "$KDIR")"
fi

# The modules the initramfs loads (the order is recomputed from modinfo
# dependencies; built-in ones are skipped).
WANT_MODS=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p overlay)
# Module trees never needed in the guest, dropped to keep the cache small.
PRUNE_MODS=(sound drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet
	drivers/infiniband drivers/usb drivers/scsi drivers/staging drivers/iio drivers/hid
	drivers/input drivers/bluetooth drivers/isdn drivers/mmc drivers/mtd drivers/video
	drivers/comedi drivers/hwmon drivers/ata net/wireless net/mac80211 net/bluetooth)

decompress_ko() { # FILE -> stdout
	case $1 in
	*.ko) cat "$1" ;;
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -qdc "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) return 1 ;;
	esac
}

prepare_kernel() {
	local tmp root kver mdir f n
	msg "preparing kernel $KPKG $KVER_PKG in $KDIR"
	rm -rf "$CACHE"/kernels/.tmp.*
	tmp=$(mktemp -d "$CACHE/kernels/.tmp.XXXXXX")
	chmod 755 "$tmp"
	mkdir "$tmp/dl"
	# Let apt's sandbox user write the download (avoids the "unsandboxed" warning).
	id _apt >/dev/null 2>&1 && chown _apt "$tmp/dl"
	(cd "$tmp/dl" && apt-get download -qq "$KPKG=$KVER_PKG" >&2) ||
		{ apt_update; (cd "$tmp/dl" && apt-get download -qq "$KPKG=$KVER_PKG" >&2); } ||
		fail "apt-get download $KPKG=$KVER_PKG failed"
	root=$tmp/root
	dpkg -x "$tmp"/dl/*.deb "$root" || fail "dpkg -x failed"
	kver=$(ls "$root/lib/modules")
	[ -n "$kver" ] && [ "$(echo "$kver" | wc -l)" = 1 ] || fail "unexpected lib/modules in $KPKG: $kver"
	[ -f "$root/boot/vmlinuz-$kver" ] || fail "no boot/vmlinuz-$kver in $KPKG"
	mv "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
	cp "$root/boot/config-$kver" "$tmp/config" 2>/dev/null || true
	echo "$kver" > "$tmp/kver"
	mdir=$root/lib/modules/$kver
	for n in "${PRUNE_MODS[@]}"; do rm -rf "${mdir:?}/kernel/$n"; done
	# busybox's modprobe/insmod want plain .ko files: decompress everything.
	if find "$mdir" -name '*.ko.*' | grep -q .; then
		command -v xz >/dev/null || apt_install xz-utils
		command -v zstd >/dev/null || apt_install zstd
		find "$mdir" -name '*.ko.*' -print0 | while IFS= read -r -d '' f; do
			{ decompress_ko "$f" > "${f%.ko.*}.ko" && rm -f "$f"; } || fail "cannot decompress $f"
		done
	fi
	mv "$root/lib" "$tmp/lib"
	rm -rf "$root" "$tmp/dl"
	"$BUSYBOX" depmod -b "$tmp" "$kver" || msg "warning: depmod failed; modprobe in the guest may not work"
	touch "$tmp/.complete"
	rm -rf "$KDIR"
	mv "$tmp" "$KDIR"
	# Older kernels are of no further use.
	for f in "$CACHE"/kernels/*; do
		[ "$f" = "$KDIR" ] || rm -rf "$f"
	done
}
if [ ! -f "$KDIR/.complete" ]; then prepare_kernel; fi
KVER=$(cat "$KDIR/kver")

# An uncompressed vmlinux boots straight into the kernel through its PVH entry
# point: that skips the bzImage's self-decompression, which takes ~2.5 s
# under TCG.  Falls back to the bzImage where the kernel lacks CONFIG_PVH or
# the payload cannot be found.
prepare_vmlinux() {
	local magic dec off tmp=$KDIR/vmlinux.tmp
	if grep -q '^CONFIG_PVH=y' "$KDIR/config" 2>/dev/null; then
		if grep -q '^CONFIG_KERNEL_XZ=y' "$KDIR/config"; then
			command -v xz >/dev/null || apt_install xz-utils
		elif grep -q '^CONFIG_KERNEL_ZSTD=y' "$KDIR/config"; then
			command -v zstd >/dev/null || apt_install zstd
		fi
		for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
			dec=${magic%%:*}
			command -v "$dec" >/dev/null || continue
			for off in $(LC_ALL=C grep -aobUP "${magic#*:}" "$KDIR/vmlinuz" | cut -d: -f1 | head -n 5); do
				tail -c +$((off + 1)) "$KDIR/vmlinuz" | "$dec" -dc > "$tmp" 2>/dev/null || true
				if [ "$(head -c 4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
					mv "$tmp" "$KDIR/vmlinux"
					return 0
				fi
			done
		done
	fi
	rm -f "$tmp"
	msg "note: no PVH-bootable vmlinux in $KPKG; booting the bzImage (slower)"
	touch "$KDIR/vmlinux.none"
}
if [ ! -f "$KDIR/vmlinux" ] && [ ! -f "$KDIR/vmlinux.none" ]; then prepare_vmlinux; fi
KERNEL_IMAGE=$KDIR/vmlinuz
[ -f "$KDIR/vmlinux" ] && KERNEL_IMAGE=$KDIR/vmlinux
KERNEL_IMAGE=${BERTH_VM_KERNEL:-$KERNEL_IMAGE}
MDIR=$KDIR/lib/modules/$KVER

# ---------------------------------------------------------------------------
# Initramfs: busybox + /init (guest-init.sh) + the modules in load order.
# Cached as $CACHE/initramfs-<hash of its inputs>.cpio.
# ---------------------------------------------------------------------------
declare -A MODFILE=() BUILTIN=() SEEN=()
ORDER=()
index_modules() {
	local f n
	while IFS= read -r -d '' f; do
		n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
		MODFILE[$n]=$f
	done < <(find "$MDIR" -name '*.ko*' -print0)
	while IFS= read -r f; do
		n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
		BUILTIN[$n]=1
	done < "$MDIR/modules.builtin"
}
visit_module() { # NAME: append it to ORDER after its dependencies
	local n=${1//-/_} d deps
	[ -z "${SEEN[$n]:-}" ] || return 0
	SEEN[$n]=1
	[ -z "${BUILTIN[$n]:-}" ] || return 0
	[ -n "${MODFILE[$n]:-}" ] || fail "module $n is neither built into $KVER nor in its package"
	deps=$(decompress_ko "${MODFILE[$n]}" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1) || true
	for d in ${deps//,/ }; do visit_module "$d"; done
	ORDER+=("$n")
}
prepare_initramfs() {
	local stage n key
	# Keyed by everything that goes into it.
	key=$( (sha256sum "$HERE/guest-init.sh" "$BUSYBOX" | cut -d' ' -f1
		echo "$KDIR ${WANT_MODS[*]}") | sha256sum | cut -c1-16)
	INITRD=$CACHE/initramfs-$KVER-$key.cpio
	if [ -f "$INITRD" ]; then
		touch "$INITRD"
		return 0
	fi
	index_modules
	for n in "${WANT_MODS[@]}"; do visit_module "$n"; done
	stage=$(mktemp -d "$CACHE/.stage.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,mnt/root,lib/modules}
	cp "$BUSYBOX" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	install -m 755 "$HERE/guest-init.sh" "$stage/init"
	mknod -m 600 "$stage/dev/console" c 5 1
	for n in "${ORDER[@]}"; do
		decompress_ko "${MODFILE[$n]}" > "$stage/lib/modules/$n.ko"
		echo "$n $n.ko" >> "$stage/lib/modules/load-order"
	done
	msg "building initramfs (modules: ${ORDER[*]})"
	(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc -R 0:0 --quiet) > "$INITRD.tmp" ||
		fail "cpio failed"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$stage"
	# Drop initramfs images nobody has used for a day.
	find "$CACHE" -maxdepth 1 -name 'initramfs-*.cpio*' ! -path "$INITRD" -mmin +1440 -delete
}
prepare_initramfs
exec 9>&-

if [ "$PREPARE_ONLY" = 1 ]; then
	msg "ready: kernel $KVER ($KDIR), initramfs $INITRD ($(du -sh "$CACHE" | cut -f1) cached)"
	exit 0
fi

# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
CWD=$(pwd -P)
case $CWD/ in
/tmp/* | /run/* | /proc/* | /sys/* | /dev/*)
	fail "cwd $CWD is not visible in the guest (its /tmp /run /proc /sys /dev are its own)" ;;
esac
find "$RUNS" -maxdepth 1 -name 'run.*' -mmin +2880 -exec rm -rf {} + 2>/dev/null || true
RUN=$(mktemp -d "$RUNS/run.XXXXXX")
chmod 755 "$RUN"

q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; } # POSIX-sh single quoting
[ -n "${CI:-}" ] && ENVS=("CI=$CI" "${ENVS[@]}")
{
	echo "# generated by $HERE/run-vm.sh"
	echo "export BERTH_VM=1 BERTH_VM_RUN_DIR=$(q "$RUN") BERTH_VM_REPO=$(q "$REPO")"
	[ "$SYSTEMD" = 0 ] || echo "export BERTH_VM_INIT=systemd"
	for e in ${ENVS[@]+"${ENVS[@]}"}; do
		name=${e%%=*}
		[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "bad --env name '$name'"
		if [[ $e == *=* ]]; then val=${e#*=}; else val=${!name-}; fi
		echo "export $name=$(q "$val")"
	done
	echo ". $(q "$HERE/guest-env.sh") || { echo 'VM lane: guest-env.sh failed' >&2; exit 125; }"
	echo "cd $(q "$CWD") || exit 125"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo
} > "$RUN/guest-cmd.sh"

# ttyS1 (the command's output) -> fifo $RUN/out.out -> tee -> our stdout.
mkfifo "$RUN/out.in" "$RUN/out.out"
CMDLINE="console=ttyS0 panic=-1 rdinit=/init mitigations=off tsc=reliable no_timer_check"
CMDLINE+=" random.trust_cpu=on cgroup_no_v1=all berth.run=$RUN berth.mods=$KDIR/lib/modules"
[ -z "$NINEP_OPTS" ] || CMDLINE+=" berth.9p=$NINEP_OPTS"
if [ "$SYSTEMD" = 1 ]; then
	# guest-init.sh sets up the rest (units, journald, machine-id) on /run.
	CMDLINE+=" berth.init=systemd systemd.unit=berth-vm.target systemd.hostname=berth-vm"
	CMDLINE+=" systemd.unified_cgroup_hierarchy=1 systemd.log_color=0"
fi
if [ "$VERBOSE" = 1 ]; then CMDLINE+=" loglevel=7"; else CMDLINE+=" quiet loglevel=4"; fi
[[ $RUN != *" "* && $KDIR != *" "* ]] || fail "paths with spaces are not supported: $RUN $KDIR"

# shellcheck disable=SC2054 # commas are qemu's
QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
	-machine pc -accel tcg,thread=multi -cpu "$CPU" -smp "$SMP" -m "$MEM"
	-kernel "$KERNEL_IMAGE" -initrd "$INITRD" -append "$CMDLINE"
	-serial "file:$RUN/console.log"
	-chardev "pipe,id=out,path=$RUN/out" -serial chardev:out
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap)

READER='' QPID='' TAILPID=''
cleanup() {
	local p
	for p in $QPID $READER $TAILPID; do kill "$p" 2>/dev/null || true; done
}
trap 'cleanup; msg "interrupted"; exit 130' INT TERM HUP
trap cleanup EXIT

START=$(date +%s.%N)
# -p: if our stdout goes away (e.g. "| head"), keep draining into output.log
# rather than stalling the guest.
tee -p "$RUN/output.log" < "$RUN/out.out" &
READER=$!
: > "$RUN/console.log"
if [ "$VERBOSE" = 1 ]; then
	tail -n +1 -F "$RUN/console.log" >&2 &
	TAILPID=$!
fi
timeout -k 15 "$TIMEOUT" "${QEMU[@]}" < /dev/null 2> "$RUN/qemu.log" &
QPID=$!
QRC=0
wait "$QPID" || QRC=$?
QPID=
END=$(date +%s.%N)

# qemu is gone, so the reader sees EOF; unless qemu died before opening the fifo.
for _ in $(seq 50); do kill -0 "$READER" 2>/dev/null || break; sleep 0.1; done
kill "$READER" 2>/dev/null || true
wait "$READER" 2>/dev/null || true
READER=
if [ -n "$TAILPID" ]; then sleep 0.3; kill "$TAILPID" 2>/dev/null || true; wait "$TAILPID" 2>/dev/null || true; TAILPID=; fi

cp "$RUN/console.log" "$RUNS/last-console.log" 2>/dev/null || true
show_console() {
	msg "---- last 60 lines of the console log ($RUN/console.log) ----"
	tail -n 60 "$RUN/console.log" | tr -d '\r' >&2
	if [ -s "$RUN/qemu.log" ]; then
		msg "---- qemu stderr ($RUN/qemu.log) ----"
		tail -n 20 "$RUN/qemu.log" >&2
	fi
	msg "---- end; run directory kept: $RUN ----"
}

WALL=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')
BOOT=$(sed -n 's/.*berth-vm: running command (uptime \([0-9.]*\) s).*/\1/p' "$RUN/console.log" | head -n1) || true
if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	if [ -n "$BOOT" ]; then
		msg "timed out after $TIMEOUT s (wall ${WALL} s) while running the command; VM killed"
	else
		msg "timed out after $TIMEOUT s (wall ${WALL} s) before the command started (boot hung?); VM killed"
	fi
	show_console
	exit 124
fi
STATUS=$(cat "$RUN/exit-status" 2>/dev/null || true)
if ! [[ $STATUS =~ ^[0-9]+$ ]]; then
	if [ -n "$BOOT" ]; then
		msg "guest died while running the command (no exit status; qemu exit $QRC)"
	else
		msg "boot failed (qemu exit $QRC, wall ${WALL} s)"
	fi
	show_console
	exit 125
fi
[ "$QRC" = 0 ] || msg "warning: qemu exited with $QRC after the command finished"
msg "command exited with status $STATUS (guest boot ${BOOT:-?} s, wall ${WALL} s)"
if [ "$KEEP" = 1 ]; then
	msg "run directory kept: $RUN"
else
	rm -rf "$RUN"
fi
exit "$STATUS"
