# Sourced (by /bin/sh, i.e. dash: keep it POSIX) inside the VM guest, in the
# chroot of the host's /, before the requested command runs.  Returns non-zero
# if the guest is not fit for cgroup tests; guest-cmd.sh then exits 125.
#
# Set by guest-cmd.sh before this runs: BERTH_VM=1, BERTH_VM_RUN_DIR (the
# run's directory on the share), BERTH_VM_REPO (the repo this script is in),
# and any variables passed with run-vm.sh --env.

# /run/berth-vm/bin: modprobe & co. for the guest kernel (see guest-init.sh)
export PATH=/run/berth-vm/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
export LANG=C.UTF-8
export TMPDIR=/tmp
export BERTH_VM=1
unset TERM

# Many test processes, containers and fds; core dumps would land on the 9p
# share, so keep them off.
ulimit -n 65536 2>/dev/null || ulimit -n 4096
ulimit -c 0

# Shell builtins only: every exec costs ~40 ms under TCG.
berth_vm_check() {
	_cg=/sys/fs/cgroup _fs=
	while read -r _dev _mnt _type _rest; do
		[ "$_mnt" = "$_cg" ] && _fs=$_type
	done < /proc/self/mounts
	if [ "$_fs" != cgroup2 ]; then
		echo "guest-env: $_cg is not a cgroup2 mount (${_fs:-not mounted})" >&2
		return 1
	fi
	# Under systemd (run-vm.sh --systemd) the root's subtree_control is
	# systemd's to manage: it enables controllers as units need them.
	[ "${BERTH_VM_INIT:-}" != systemd ] || { unset _cg _fs _dev _mnt _type _rest; return 0; }
	read -r _avail < "$_cg/cgroup.controllers"
	read -r _on < "$_cg/cgroup.subtree_control"
	for _c in cpuset cpu io memory hugetlb pids; do
		case " $_avail " in
		*" $_c "*) ;;
		*) echo "guest-env: controller $_c missing from $_cg/cgroup.controllers ($_avail)" >&2
		   return 1 ;;
		esac
		case " $_on " in
		*" $_c "*) ;;
		*) echo "guest-env: controller $_c not enabled in $_cg/cgroup.subtree_control ($_on)" >&2
		   return 1 ;;
		esac
	done
	unset _cg _fs _dev _mnt _type _rest _avail _on _c
}
berth_vm_check
