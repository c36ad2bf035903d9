#!/bin/sh
# Guest-side smoke test of the VM lane: proves the guest has what the cgroup
# tests need.  Run it through the lane:
#
#   tests/vm/run-vm.sh -- tests/vm/smoke.sh
#
# Prints "ok N - ..." / "not ok N - ..." lines and closes with
# "N passed, N failed"; exits non-zero if anything failed.
#
# It writes to /sys/fs/cgroup, so it refuses to run anywhere but in the VM.

CG=/sys/fs/cgroup
if [ "${BERTH_VM:-}" != 1 ] || [ "$(stat -f -c %T "$CG" 2>/dev/null)" != cgroup2fs ]; then
	echo "smoke.sh: not inside the VM lane (BERTH_VM=${BERTH_VM:-unset}); run: tests/vm/run-vm.sh -- $0" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
# Value of KEY in a flat-keyed cgroup file ("key value" lines).
kv() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# --- 1. cgroup2 with all controllers, enabled at the root --------------------
want="cpuset cpu io memory hugetlb pids"
avail=$(cat "$CG/cgroup.controllers") on=$(cat "$CG/cgroup.subtree_control")
missing='' notenabled=''
for c in $want; do
	case " $avail " in *" $c "*) ;; *) missing="$missing $c" ;; esac
	case " $on " in *" $c "*) ;; *) notenabled="$notenabled $c" ;; esac
done
if [ -z "$missing" ]; then ok "cgroup2 at $CG offers: $want"
else not_ok "cgroup2 controllers missing:$missing" "cgroup.controllers: $avail"; fi
if [ -z "$notenabled" ]; then ok "root cgroup.subtree_control enables: $want"
else not_ok "not enabled at the root:$notenabled" "cgroup.subtree_control: $on"; fi

# --- 2. memory.max=16M OOM-kills a 64 MiB allocation ---------------------------
G=$CG/smoke-oom
rmdir "$G" 2>/dev/null
if mkdir "$G" && echo 16M > "$G/memory.max" && echo 0 > "$G/memory.swap.max"; then
	# awk doubles a string to 64 MiB; must be killed on the way.
	sh -c 'echo $$ > "$1/cgroup.procs" && exec awk "BEGIN { s = \"x\"; while (length(s) < 67108864) s = s s; print length(s) }"' \
		sh "$G" > /dev/null 2>&1
	rc=$?
	oom=$(kv "$G/memory.events" oom_kill)
	peak=$(cat "$G/memory.peak" 2>/dev/null || echo n/a)
	if [ "$rc" = 137 ] && [ "${oom:-0}" -ge 1 ]; then
		ok "memory.max=16M: 64 MiB allocation OOM-killed (status $rc, oom_kill $oom)"
	else
		not_ok "memory.max=16M did not OOM-kill a 64 MiB allocation" \
			"exit status $rc (want 137), memory.events oom_kill=${oom:-?}, peak $peak"
	fi
else
	not_ok "cannot set up $G with memory.max=16M"
fi
rmdir "$G" 2>/dev/null || not_ok "rmdir $G"

# --- 3. pids.max=5 stops a fork loop ----------------------------------------
G=$CG/smoke-pids
rmdir "$G" 2>/dev/null
if mkdir "$G" && echo 5 > "$G/pids.max"; then
	# The shell itself is 1 pid; at most 4 sleeps can start, the rest must fail.
	sh -c 'echo $$ > "$1/cgroup.procs" || exit 99
		i=0; while [ $i -lt 20 ]; do sleep 60 & i=$((i + 1)); done
		exit 0' sh "$G" > /dev/null 2>&1
	rc=$?
	events=$(kv "$G/pids.events" max)
	cur=$(cat "$G/pids.current")
	if [ "$rc" != 99 ] && [ "${events:-0}" -ge 1 ] && [ "$cur" -le 5 ]; then
		ok "pids.max=5 stops a fork loop (pids.events max $events, pids.current $cur)"
	else
		not_ok "pids.max=5 did not stop a fork loop" \
			"status $rc, pids.events max=${events:-?}, pids.current=$cur"
	fi
	echo 1 > "$G/cgroup.kill"
	i=0
	while [ "$(cat "$G/pids.current")" != 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
else
	not_ok "cannot set up $G with pids.max=5"
fi
rmdir "$G" 2>/dev/null || not_ok "rmdir $G"

# --- 4. cpu, io, cpuset, hugetlb interface files in a child ------------------
G=$CG/smoke-files
rmdir "$G" 2>/dev/null
bad=
if mkdir "$G"; then
	echo "50000 100000" > "$G/cpu.max" && [ "$(cat "$G/cpu.max")" = "50000 100000" ] || bad="$bad cpu.max"
	echo 200 > "$G/cpu.weight" || bad="$bad cpu.weight"
	echo 0 > "$G/cpuset.cpus" && [ "$(cat "$G/cpuset.cpus.effective")" = 0 ] || bad="$bad cpuset.cpus"
	[ -f "$G/io.max" ] && [ -f "$G/io.weight" ] || bad="$bad io.max/io.weight"
	set -- "$G"/hugetlb.*.max
	[ -f "$1" ] || bad="$bad hugetlb.*.max"
	rmdir "$G" || bad="$bad rmdir"
else
	bad='mkdir'
fi
if [ -z "$bad" ]; then ok "cpu.max, cpu.weight, cpuset.cpus, io.*, hugetlb.* usable in a child"
else not_ok "controller interface files:$bad"; fi

# --- 5. overlayfs: lower on the 9p share, upper/work on tmpfs (/run) ----------
lower=${BERTH_VM_RUN_DIR:?}/smoke-lower
O=/run/smoke-ovl
rm -rf "$lower" "$O"
mkdir -p "$lower" "$O/upper" "$O/work" "$O/merged"
echo lower > "$lower/a"
bad=
if mount -t overlay overlay -o "lowerdir=$lower,upperdir=$O/upper,workdir=$O/work" "$O/merged"; then
	[ "$(cat "$O/merged/a")" = lower ] || bad="$bad read-lower"
	echo new > "$O/merged/b" && [ -f "$O/upper/b" ] && [ ! -e "$lower/b" ] || bad="$bad create"
	echo changed > "$O/merged/a" && [ "$(cat "$O/upper/a")" = changed ] &&
		[ "$(cat "$lower/a")" = lower ] || bad="$bad copy-up"
	rm "$O/merged/a" && [ ! -e "$O/merged/a" ] && [ -e "$lower/a" ] || bad="$bad whiteout"
	umount "$O/merged" || bad="$bad umount"
else
	bad=mount
fi
if [ -z "$bad" ]; then ok "overlay: lower on 9p, upper on tmpfs: read, create, copy-up, whiteout"
else not_ok "overlay:$bad"; fi
rm -rf "$lower" "$O"

# --- 6. guest plumbing ------------------------------------------------------
case $(pwd -P) in
"${BERTH_VM_REPO:?}" | "$BERTH_VM_REPO"/*) ok "cwd $(pwd -P) is inside the repo" ;;
*) not_ok "cwd $(pwd -P) is not inside $BERTH_VM_REPO" ;;
esac
fst() { findmnt -n -o FSTYPE -T "$1"; } # statfs on 9p reports the host's type
if [ "$(fst /tmp)" = tmpfs ] && [ "$(fst /run)" = tmpfs ] && [ "$(fst "$BERTH_VM_RUN_DIR")" = 9p ]; then
	ok "/tmp and /run are guest tmpfs, the run dir is on 9p"
else
	not_ok "filesystems: /tmp $(fst /tmp), /run $(fst /run), run dir $(fst "$BERTH_VM_RUN_DIR")"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
