#!/usr/bin/env bash
# The cost of berth's telemetry next to podman's (a benchmark, not a test),
# in one boot of the VM lane (real cgroup v2 with controllers; qemu TCG, so
# absolute times are ~20x this machine's and only ratios carry over):
#
#   1. scrape: PODS pods of PER_POD idle containers under berth, scraped
#      through `berth metrics serve` (curl of /metrics: time and bytes, as
#      a process from the shell, "berth-serve", and as a scraper sees it,
#      request to last byte by curl's own clock, "berth-scrape"),
#      and `berth pod metrics` of one pod; the same number of idle podman
#      containers (crun) read with `podman stats --no-stream --format json`.
#      ROUNDS each, alternating.
#   2. idle: the supervisors' event-loop wake-ups over IDLE seconds with
#      the PSI triggers armed (berth_supervisor_wakeups_total before and
#      after, read through the control socket, which itself is one
#      wake-up per read): the target is none while nothing happens.
#
#   bench/metrics.sh [PODS] [PER_POD] [ROUNDS]     defaults 4 5 20
#   bench/metrics.sh --host [PODS] [PER_POD] [ROUNDS]   berth alone, on this
#       machine (no podman: its crun needs what this sandbox lacks), without
#       limits (this host's cgroup v2 has no memory or cpu controller, so
#       the memory files are absent and a scrape reads less than in the VM),
#       defaults 10 10 50: the "100 containers under 20 ms" figure.
#
# Settings: BENCH_IDLE (seconds, default 30), BENCH_WORKDIR (default
# /var/tmp/berth-bench-metrics; must be visible in the VM), BENCH_KEEP=1.
# Internal: bench/metrics.sh --guest WORK PODS PER_POD ROUNDS (in the VM).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
IMG=localhost/berth-bench:latest
ADDR=127.0.0.1:9464

die() { echo "metrics-bench: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
# scrape LABEL: one GET /metrics as a scraper sees it (request to last
# byte, curl's own clock: without starting curl), "LABEL US BYTES"
scrape() {
  curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://$ADDR/metrics" |
    awk -v l="$1" '{ printf "%s %d %d\n", l, $1 * 1000000, $2 }'
}

PM_DIR=/tmp/bench-podman
pm() {
  CONTAINERS_CONF=$PM_DIR/containers.conf CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf \
    timeout -k 5 600 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" \
    --tmpdir "$PM_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
    --events-backend file --runtime crun "$@"
}

podman_setup() {  # WORK N
  mkdir -p "$PM_DIR/tmp"
  printf '[containers]\nlog_driver = "k8s-file"\nnetns = "none"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    > "$PM_DIR/containers.conf"
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' \
    "$PM_DIR" "$PM_DIR" > "$PM_DIR/storage.conf"
  printf 'unqualified-search-registries = []\n' > "$PM_DIR/registries.conf"
  pm load -i "$1/image.tar" >/dev/null || die "podman load"
  for i in $(seq "$2"); do
    pm run -d --name "c$i" --network none "$IMG" /pause >/dev/null || die "podman run c$i"
    python3 "$REPO/tests/vm/clients/devfilter.py" detach \
      "/sys/fs/cgroup$(pm inspect --format '{{.State.CgroupPath}}' "c$i" 2>/dev/null)" >/dev/null 2>&1 || true
  done
}

berth_setup() {  # WORK PODS PER_POD
  local B=$1/bin/berth p
  for p in $(seq "$2"); do
    python3 - "$1/pod$p.json" "p$p" "$3" <<'PY'
import json, sys
path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
import os
cmd = ["sh", "-c", 'trap "exit 0" TERM; sleep 100000 & wait']
res = {} if os.environ.get("BENCH_NO_LIMITS") else {"limits": {"memory": "64Mi", "cpu": "200m"}}
json.dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"terminationGracePeriodSeconds": 5,
                    "containers": [{"name": f"c{i}", "image": "/tmp/bench-rootfs", "command": cmd,
                                    "resources": res}
                                   for i in range(n)]}}, open(path, "w"))
PY
    "$B" --root /run/berth-bench pod run -d --rm --log-dir "/tmp/bench-logs/p$p" "$1/pod$p.json" >/dev/null ||
      die "berth pod run p$p"
  done
  "$B" --root /run/berth-bench metrics serve --listen "$ADDR" 2>/dev/null &
  SERVE=$!
  for _ in $(seq 200); do curl -sf -o /dev/null "http://$ADDR/metrics" && return 0; sleep 0.1; done
  die "metrics serve did not come up"
}

wakeups() {  # WORK: the sum over pods
  local B=$1/bin/berth p
  for p in $(ls /run/berth-bench/pods); do
    "$B" --root /run/berth-bench pod metrics "$p" | awk '/^berth_supervisor_wakeups_total/ {print $2}'
  done | awk '{ s += $1 } END { print s }'
}

guest() {  # WORK PODS PER_POD ROUNDS
  local W=$1 OUT=$1/results.txt i t0 t1 bytes n=$(( $2 * $3 ))
  [ "${BERTH_VM:-}" = 1 ] || die "--guest runs inside the VM (tests/vm/run-vm.sh)"
  : > "$OUT"
  cp -a "$W/rootfs" /tmp/bench-rootfs
  log "starting $n berth containers ($2 pods) and $n podman containers"
  berth_setup "$W" "$2" "$3"
  podman_setup "$W" "$n"
  for i in $(seq 0 "$4"); do   # round 0 is the warm-up
    t0=$(now_us); bytes=$(curl -s "http://$ADDR/metrics" | wc -c); t1=$(now_us)
    [ "$i" = 0 ] || echo "berth-serve $(( t1 - t0 )) $bytes" >> "$OUT"
    [ "$i" = 0 ] || scrape berth-scrape >> "$OUT"
    t0=$(now_us); bytes=$("$W/bin/berth" --root /run/berth-bench pod metrics p1 | wc -c); t1=$(now_us)
    [ "$i" = 0 ] || echo "berth-pod-metrics $(( t1 - t0 )) $bytes" >> "$OUT"
    t0=$(now_us); bytes=$(pm stats --no-stream --format json | wc -c); t1=$(now_us)
    [ "$i" = 0 ] || echo "podman-stats $(( t1 - t0 )) $bytes" >> "$OUT"
  done
  # A read wakes each supervisor itself (accept, request, hang-up): what
  # two reads in a row differ by is that cost, taken off the idle span.
  local wa w0 w1
  wa=$(wakeups "$W"); w0=$(wakeups "$W"); sleep "${BENCH_IDLE:-30}"; w1=$(wakeups "$W")
  echo "idle-wakeups $(( w1 - w0 - (w0 - wa) )) ${BENCH_IDLE:-30} $(( w0 - wa ))" >> "$OUT"
  { echo "kernel $(uname -r)"; podman --version; crun --version | head -1; } > "$W/versions.txt"
  kill "$SERVE" 2>/dev/null || true
  for p in $(seq "$2"); do "$W/bin/berth" --root /run/berth-bench pod rm -f "p$p" >/dev/null || true; done
  pm rm -f -a >/dev/null 2>&1 || true
}

if [ "${1:-}" = --guest ]; then
  guest "$2" "$3" "$4" "$5"
  exit 0
fi

# berth alone on this machine, in a mount and network namespace of its own
# (tmpfs /run and /tmp there; the machine's are not touched).
host_inner() {  # WORK PODS PER_POD ROUNDS
  local W=$1 OUT=$1/results.txt i t0 t1 bytes
  ip link set lo up
  mount -t tmpfs tmpfs /run
  mount -t tmpfs tmpfs /tmp
  cp -a "$W/rootfs" /tmp/bench-rootfs
  : > "$OUT"
  BENCH_NO_LIMITS=1 berth_setup "$W" "$2" "$3"
  for i in $(seq 0 "$4"); do
    t0=$(now_us); bytes=$(curl -s "http://$ADDR/metrics" | wc -c); t1=$(now_us)
    [ "$i" = 0 ] || echo "berth-serve $(( t1 - t0 )) $bytes" >> "$OUT"
    [ "$i" = 0 ] || scrape berth-scrape >> "$OUT"
    t0=$(now_us); bytes=$("$W/bin/berth" --root /run/berth-bench pod metrics p1 | wc -c); t1=$(now_us)
    [ "$i" = 0 ] || echo "berth-pod-metrics $(( t1 - t0 )) $bytes" >> "$OUT"
  done
  kill "$SERVE" 2>/dev/null || true
  for i in $(seq "$2"); do "$W/bin/berth" --root /run/berth-bench pod rm -f "p$i" >/dev/null || true; done
}

if [ "${1:-}" = --host-inner ]; then
  host_inner "$2" "$3" "$4" "$5"
  exit 0
fi

HOST=
if [ "${1:-}" = --host ]; then HOST=1; shift; fi
PODS=${1:-${HOST:+10}} PER=${2:-${HOST:+10}} ROUNDS=${3:-${HOST:+50}}
PODS=${PODS:-4} PER=${PER:-5} ROUNDS=${ROUNDS:-20}
WORK=${BENCH_WORKDIR:-/var/tmp/berth-bench-metrics}
case $WORK/ in /tmp/*|/run/*) die "BENCH_WORKDIR must be visible in the VM (not under /tmp or /run)" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root"
[ -n "$HOST" ] || { command -v podman >/dev/null && command -v crun >/dev/null; } ||
  die "needs podman and crun (tools/install-deps.sh)"
[ -x "$REPO/build/cmd/berth" ] && [ -x "$REPO/build/cmd/berth-metrics" ] || die "build berth first (tools/build.sh)"
BUSYBOX=$(command -v busybox) || die "needs busybox"

rm -rf "$WORK"; mkdir -p "$WORK/bin" "$WORK/rootfs/bin"
cp "$REPO/build/cmd/berth" "$REPO/build/cmd/berth-metrics" "$WORK/bin/"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$WORK/rootfs/bin/$a" ] || ln -s busybox "$WORK/rootfs/bin/$a"; done
mkdir -p "$WORK/rootfs/etc" "$WORK/rootfs/proc" "$WORK/rootfs/sys" "$WORK/rootfs/dev" "$WORK/rootfs/tmp"
printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 1000 & wait $!; done\n' > "$WORK/rootfs/pause"
chmod +x "$WORK/rootfs/pause"
python3 "$REPO/tests/vm/clients/mkimage.py" "$WORK/rootfs" "$WORK/image.tar" "$IMG" /pause >/dev/null

if [ -n "$HOST" ]; then
  log "this machine: $PODS pods x $PER containers, $ROUNDS rounds"
  unshare --mount --net --propagation private "$0" --host-inner "$WORK" "$PODS" "$PER" "$ROUNDS" ||
    die "the host run failed"
  python3 - "$WORK/results.txt" "$(( PODS * PER ))" <<'PY'
import statistics, sys
d = {}
for line in open(sys.argv[1]):
    who, us, size = line.split()
    d.setdefault(who, []).append((int(us) / 1000, int(size)))
print(f"# berth metrics on this machine: {sys.argv[2]} idle containers, no memory/cpu controllers\n")
print("| read | median ms | min | max | bytes |\n|---|---:|---:|---:|---:|")
for w, v in d.items():
    t = [x for x, _ in v]
    print(f"| {w} | {statistics.median(t):.1f} | {min(t):.1f} | {max(t):.1f} | {v[-1][1]} |")
PY
  [ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$WORK"
  exit 0
fi

log "VM: $PODS pods x $PER containers, $ROUNDS rounds"
(cd "$REPO" && tests/vm/run-vm.sh --timeout 3000 -- bench/metrics.sh --guest "$WORK" "$PODS" "$PER" "$ROUNDS") >&2 ||
  die "the VM part failed"
python3 - "$WORK" "$PODS" "$PER" "$ROUNDS" <<'PY'
import statistics, sys
work, pods, per, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data, size, idle = {}, {}, None
for line in open(work + "/results.txt"):
    who, a, b = line.split()[:3]
    if who == "idle-wakeups":
        idle = (int(a), int(b), line.split()[3] if len(line.split()) > 3 else "?")
        continue
    data.setdefault(who, []).append(int(a) / 1000)
    size[who] = int(b)
n = pods * per
print(f"# metrics: berth metrics serve vs podman stats ({n} containers, VM lane)\n")
print("```\n" + open(work + "/versions.txt").read().strip() + "\n```\n")
print(f"{pods} pods x {per} idle containers for berth, {n} idle podman containers; {rounds} rounds, "
      "wall ms in the VM (qemu TCG: ~20x this machine).\n")
print("| read | median ms | min | max | bytes |\n|---|---:|---:|---:|---:|")
for w in ("berth-scrape", "berth-serve", "berth-pod-metrics", "podman-stats"):
    d = data.get(w)
    if not d:
        continue
    print(f"| {w} | {statistics.median(d):.0f} | {min(d):.0f} | {max(d):.0f} | {size[w]} |")
r = statistics.median(data["berth-serve"]) / statistics.median(data["podman-stats"])
print(f"\nberth-serve / podman-stats (median): {r:.3f}")
if data.get("berth-scrape"):
    r = statistics.median(data["berth-scrape"]) / statistics.median(data["podman-stats"])
    print(f"berth-scrape / podman-stats (median): {r:.3f}")
if idle:
    print(f"\nsupervisor wake-ups with PSI triggers armed, idle {idle[1]} s, all {pods} pods: {idle[0]} "
          f"(less {idle[2]}: what one read of all pods costs them)")
PY
[ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$WORK"
