#!/usr/bin/env bash
# The pod-level comparison users make: the same 3-container pod brought up
# with `berth pod run -d` and with `podman kube play`, then torn down with
# `berth pod stop` and `podman kube down`, side by side in one boot of the
# VM lane (real cgroup v2; tests/vm/run-vm.sh).  podman runs twice: with
# its usual OCI runtime (crun) and with berth as its runtime.
#
#   bench/pod-vs-podman.sh [ROUNDS]     default 10 rounds, order rotated
#
# "Up" is from the command's start until every container runs: `berth pod
# run -d` returns then; podman is `kube play --start=false` plus `pod
# start` (between the two the bench detaches the deny-all device filter
# podman 4.3 puts on a pod's cgroup with the cgroupfs manager, see
# tests/vm/t_podman.sh; that step is not timed).  "Down" is until the
# command returns with the pod gone.  Times are the guest's wall clock, so
# absolute numbers carry the VM's ~20x slowdown; compare the ratios.
#
# Settings: BENCH_WORKDIR (default /var/tmp/berth-bench-pods: the VM must see
# it, so not under /tmp), BENCH_KEEP=1 keeps it.
# Internal: bench/pod-vs-podman.sh --guest WORK ROUNDS runs inside the VM.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
IMG=localhost/berth-bench:latest

die() { echo "pod-vs-podman: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# ---------------------------------------------------------------- guest side
PM_DIR=/tmp/bench-podman

pm() {  # RUNTIME ARGS...
  local rt=$1; shift
  CONTAINERS_CONF=$PM_DIR/containers.conf CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf \
    timeout -k 5 300 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" \
    --tmpdir "$PM_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
    --events-backend file --runtime "$rt" "$@"
}

podman_setup() {  # WORK
  mkdir -p "$PM_DIR/tmp"
  cat > "$PM_DIR/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
netns = "none"
cgroupns = "private"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
infra_image = "$IMG"
infra_command = "/pause"
[engine.runtimes]
berth = ["$1/bin/berth"]
EOF
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' \
    "$PM_DIR" "$PM_DIR" > "$PM_DIR/storage.conf"
  printf 'unqualified-search-registries = []\n' > "$PM_DIR/registries.conf"
  pm crun load -i "$1/image.tar" >/dev/null || die "podman load"
}

# Detach podman 4.3's deny-all device program from the pod's cgroup.
devfilter_workaround() {  # RUNTIME POD
  local cg; cg=/sys/fs/cgroup$(pm "$1" pod inspect --format '{{.CgroupPath}}' "$2")
  [ -d "$cg" ] && python3 "$REPO/tests/vm/clients/devfilter.py" detach "$cg" >/dev/null
}

one_berth() {  # WORK OUT
  local B=$1/bin/berth t0 t1 t2
  t0=$(now_us)
  "$B" --root /run/berth-bench pod run -d --rm --log-dir /tmp/bench-logs "$1/pod-berth.json" >/dev/null ||
    die "berth pod run -d"
  t1=$(now_us)
  [ "$("$B" --root /run/berth-bench pod ps | grep -c ' running')" -ge 3 ] || die "berth: not all running"
  t2=$(now_us)
  "$B" --root /run/berth-bench pod stop bp >/dev/null || die "berth pod stop"
  echo "berth up $(( t1 - t0 ))" >> "$2"
  echo "berth down $(( $(now_us) - t2 ))" >> "$2"
}

one_podman() {  # WORK OUT RUNTIME LABEL
  local t0 t1 t2 t3 t4 n
  t0=$(now_us)
  pm "$3" kube play --start=false --network none "$1/pod-podman.yaml" >/dev/null || die "kube play ($3)"
  t1=$(now_us)
  devfilter_workaround "$3" bp || die "device filter workaround"
  t2=$(now_us)
  pm "$3" pod start bp >/dev/null || die "pod start ($3)"
  t3=$(now_us)
  n=$(pm "$3" ps --filter pod=bp --filter status=running --format '{{.Names}}' | grep -vc infra || true)
  [ "$n" -ge 3 ] || die "podman ($3): $n containers running"
  t4=$(now_us)
  pm "$3" kube down "$1/pod-podman.yaml" >/dev/null || die "kube down ($3)"
  echo "$4 up $(( t1 - t0 + t3 - t2 ))" >> "$2"
  echo "$4 down $(( $(now_us) - t4 ))" >> "$2"
}

guest() {  # WORK ROUNDS
  local W=$1 N=$2 OUT=$1/results.txt i k
  [ "${BERTH_VM:-}" = 1 ] || die "--guest runs inside the VM (tests/vm/run-vm.sh)"
  : > "$OUT"
  cp -a "$W/rootfs" /tmp/bench-rootfs
  podman_setup "$W"
  local order=(berth podman-crun podman-berth)
  # One warm-up of each, not recorded.
  one_berth "$W" /dev/null; one_podman "$W" /dev/null crun x; one_podman "$W" /dev/null berth x
  for i in $(seq 0 $((N - 1))); do
    for k in 0 1 2; do
      case ${order[$(( (i + k) % 3 ))]} in
        berth) one_berth "$W" "$OUT" ;;
        podman-crun) one_podman "$W" "$OUT" crun podman-crun ;;
        podman-berth) one_podman "$W" "$OUT" berth podman-berth ;;
      esac
    done
    log "round $((i + 1))/$N"
  done
  { echo "kernel $(uname -r)"; podman --version; crun --version | head -1; } > "$W/versions.txt"
}

if [ "${1:-}" = --guest ]; then
  guest "$2" "$3"
  exit 0
fi

# ---------------------------------------------------------------- host side
N=${1:-10}
WORK=${BENCH_WORKDIR:-/var/tmp/berth-bench-pods}
case $WORK/ in /tmp/*|/run/*) die "BENCH_WORKDIR must be visible in the VM (not under /tmp or /run)" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root"
command -v podman >/dev/null && command -v crun >/dev/null || die "needs podman and crun (tools/install-deps.sh)"
BUSYBOX=$(command -v busybox) || die "needs busybox"
[ -x "$REPO/build/cmd/berth" ] || die "build berth first (tools/build.sh)"

rm -rf "$WORK"; mkdir -p "$WORK/bin" "$WORK/rootfs/bin"
cp "$REPO/build/cmd/berth" "$WORK/bin/berth"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$WORK/rootfs/bin/$a" ] || ln -s busybox "$WORK/rootfs/bin/$a"; done
mkdir -p "$WORK/rootfs/etc" "$WORK/rootfs/proc" "$WORK/rootfs/sys" "$WORK/rootfs/dev" "$WORK/rootfs/tmp"
printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 1000 & wait $!; done\n' > "$WORK/rootfs/pause"
chmod +x "$WORK/rootfs/pause"
python3 "$REPO/tests/vm/clients/mkimage.py" "$WORK/rootfs" "$WORK/image.tar" "$IMG" /pause >/dev/null
# One manifest; only the image reference differs (berth takes a rootfs
# directory until it has images).
python3 - "$WORK" "$IMG" <<'PY'
import json, sys
work, img = sys.argv[1:]
def pod(image):
    cmd = ["sh", "-c", 'trap "exit 0" TERM; sleep 1000 & wait']
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bp"},
            "spec": {"terminationGracePeriodSeconds": 10,
                     "containers": [{"name": n, "image": image, "command": cmd}
                                    for n in ("web", "cache", "worker")]}}
json.dump(pod("/tmp/bench-rootfs"), open(work + "/pod-berth.json", "w"), indent=1)  # guest tmpfs copy
json.dump(pod(img), open(work + "/pod-podman.yaml", "w"), indent=1)  # JSON is YAML
PY

log "VM: $N rounds of berth, podman+crun, podman+berth"
(cd "$REPO" && tests/vm/run-vm.sh --timeout 3000 -- bench/pod-vs-podman.sh --guest "$WORK" "$N") >&2 ||
  die "the VM part failed"
python3 - "$WORK" "$N" <<'PY'
import statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
data = {}
for line in open(work + "/results.txt"):
    who, step, us = line.split()
    data.setdefault((who, step), []).append(int(us) / 1000)
print("# berth pod run vs podman kube play (3-container pod, VM lane)\n")
print("```\n" + open(work + "/versions.txt").read().strip() + "\n```\n")
print(f"{n} rounds, order rotated each round; wall ms in the VM (qemu TCG).\n")
print("| tool | up median | up min | up max | down median | down min | down max |")
print("|---|---:|---:|---:|---:|---:|---:|")
who_all = ["berth", "podman-crun", "podman-berth"]
for w in who_all:
    u, d = data[(w, "up")], data[(w, "down")]
    print(f"| {w} | {statistics.median(u):.0f} | {min(u):.0f} | {max(u):.0f} | "
          f"{statistics.median(d):.0f} | {min(d):.0f} | {max(d):.0f} |")
print("\n| ratio (median) | up | down |\n|---|---:|---:|")
for w in who_all[1:]:
    print(f"| berth / {w} | {statistics.median(data[('berth','up')]) / statistics.median(data[(w,'up')]):.2f} | "
          f"{statistics.median(data[('berth','down')]) / statistics.median(data[(w,'down')]):.2f} |")
PY
[ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$WORK"
