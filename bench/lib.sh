# shellcheck shell=bash
# Shared by bench/start-latency.sh and bench/profile.sh (sourced, not run).

# bench_make_bundle DIR BERTH BUSYBOX: a busybox-static bundle whose
# config.json is `berth spec` with terminal=false and args ["/bin/true"].
# One config for all three runtimes.  Two changes beyond terminal/args are
# forced by the installed runtimes (see README "Config"):
#  - ociVersion 1.0.2: crun 1.8.1 rejects anything but 1.0.x
#    ("unknown version specified"); berth and runc accept 1.0.2.
#  - no linux.resources (its only entry is the devices deny-all rule): on
#    cgroup v2 that rule makes crun load a device eBPF program, and crun
#    1.8.1 first raises RLIMIT_MEMLOCK to infinity unconditionally, which
#    fails on this machine (CAP_SYS_RESOURCE is not in the bounding set) and
#    is fatal when a deny rule exists.
bench_make_bundle() {
  local dir=$1 berth=$2 busybox=$3 a
  mkdir -p "$dir"/rootfs/{bin,proc,sys,dev,tmp,etc,root,run}
  cp "$busybox" "$dir/rootfs/bin/busybox"
  for a in $("$busybox" --list); do
    [ -e "$dir/rootfs/bin/$a" ] || ln -s busybox "$dir/rootfs/bin/$a"
  done
  (cd "$dir" && "$berth" spec)
  python3 - "$dir/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["ociVersion"] = "1.0.2"
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c.get("linux", {}).pop("resources", None)
json.dump(c, open(p, "w"), indent=1)
PY
}

# bench_start_ns WORK: start a process that holds a private mount namespace
# in which /sys/fs/cgroup is the host's cgroup2 hierarchy and nothing else;
# sets NS_PID (kill it when done) and NS (/proc/PID/ns/mnt).
#
# Why: crun 1.8.1 and runc 1.1.5 choose cgroup v1 or v2 by statfs() of
# /sys/fs/cgroup.  On this hybrid host that is a tmpfs with the machine's v1
# controllers under it, so both would use (write into) the v1 hierarchies,
# which belong to the machine.  They therefore only ever run in this
# namespace, where /sys/fs/cgroup is the same cgroup2 hierarchy the host has
# at /sys/fs/cgroup/unified.  The umount/mount happen in the new namespace
# only (propagation private), never on the host.
bench_start_ns() {
  local ready=$1/ns-ready
  rm -f "$ready"
  # shellcheck disable=SC2016  # expanded by the inner sh
  unshare --mount --propagation private sh -c '
    set -e
    umount -R /sys/fs/cgroup
    mount -t cgroup2 -o rw,nosuid,nodev,noexec,relatime cgroup2 /sys/fs/cgroup
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
    grep " cgroup" /proc/self/mountinfo > "$1.tmp"; mv "$1.tmp" "$1"
    exec sleep 1000000' sh "$ready" &
  NS_PID=$!
  for _ in $(seq 100); do
    [ -e "$ready" ] && break
    kill -0 "$NS_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -e "$ready" ] || { echo "could not set up the private mount namespace" >&2; return 1; }
  # shellcheck disable=SC2034  # used by the sourcing script
  NS=/proc/$NS_PID/ns/mnt
  if grep -qv ' - cgroup2 ' "$ready" || [ "$(wc -l < "$ready")" -ne 1 ]; then
    echo "private namespace has unexpected cgroup mounts: $(cat "$ready")" >&2
    return 1
  fi
}
