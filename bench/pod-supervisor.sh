#!/usr/bin/env bash
# bench/pod-supervisor.sh -- what one pod supervisor costs (a benchmark, not a test).
#
# Host part: a pod of N (default 100) `sleep` containers and a pod of one,
# each run in the foreground under a NOTIFY_SOCKET listener: launch ->
# READY=1, the supervisor's RSS (and RSS per extra container), its CPU and
# wakeups over an idle window, `pod ps`, `pod stop`.
# VM part (real cgroup v2, tests/vm/run-vm.sh): a container with a 16Mi
# memory limit that is OOM-killed over and over; time from the kernel's
# kill / the `exited` event to the restarted container running, minus the
# configured backoff, next to a plain `berth run` of the same image.
# See bench/README.md ("bench/pod-supervisor.sh: one supervisor, many containers").
#
# usage: bench/pod-supervisor.sh [OPTIONS]
#   -n, --containers N   containers in the big pod (default 100)
#   --idle SECONDS       idle window for CPU and wakeups (default 60)
#   --stop-grace SECONDS `pod stop -t` (default 0: `sleep` as pid 1 ignores
#                        SIGTERM, so any grace period is spent in full)
#   --restarts N         OOM restarts measured in the VM (default 5)
#   --runs N             plain `berth run`/create/start/delete in the VM (default 10)
#   --no-vm              host part only
#   --vm-only            VM part only
#   --vm-dry-run         the VM part's pipeline on this host, without the VM
#                        (a container that exits 3 instead of an OOM kill)
# Environment: BERTH (default <repo>/build/cmd/berth, copied first),
#   BENCH_WORKDIR (default a new /var/tmp/berth-bench-pod.XXXXXX: it must be
#   visible in the VM, so not under /tmp), BENCH_KEEP=1 (keep it).
# Internal: bench/pod-supervisor.sh --guest WORK RESTARTS RUNS [dry]
#   is what runs inside the VM.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PY=$HERE/pod-supervisor.py

die() { echo "pod-supervisor: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
ms_since() { # START_US: milliseconds since, 3 decimals
  local d=$(( $(now_us) - $1 ))
  printf '%d.%03d\n' $((d / 1000)) $((d % 1000))
}

# ---------------------------------------------------------------- guest side
# Runs in the VM (or on the host with "dry"); few execs, as exec is slow there.
guest() {
  local W=$1 RESTARTS=$2 RUNS=$3 DRY=${4:-} G=$1/guest
  local B=$W/bin/berth ROOT=/run/berth-bench LOGS=/tmp/bench-logs POD=$W/oom.json
  local BUNDLE=$W/bundle SBUNDLE=$W/bundle-seccomp
  local i t n sup
  rm -rf "$G"; mkdir -p "$G"
  if [ "$DRY" = dry ]; then
    touch "$G/dry"
    ROOT=$W/root-dry LOGS=$W/logs-dry BUNDLE=$W/bundle-dry SBUNDLE=$W/bundle-seccomp-dry POD=$W/oom-dry.json
    rm -rf "$LOGS"
  else
    [ "${BERTH_VM:-}" = 1 ] || die "--guest runs inside the VM (tests/vm/run-vm.sh) or with dry"
    cp -a "$W/rootfs" /tmp/bench-rootfs    # the images the VM's pod and bundle use
  fi
  echo "guest: kernel $(uname -r), $(nproc) cpus"
  # Plain berth of the same image: `run` of /bin/true without and with
  # the RuntimeDefault seccomp profile, and create/start/delete with it.
  "$B" --root "$ROOT" run --bundle "$BUNDLE" warm >/dev/null || die "berth run failed"
  for ((i = 0; i < RUNS; i++)); do
    t=$(now_us); "$B" --root "$ROOT" run --bundle "$BUNDLE" "r$i" >/dev/null || die "berth run failed"
    ms_since "$t" >> "$G/run.ms"
    t=$(now_us); "$B" --root "$ROOT" run --bundle "$SBUNDLE" "s$i" >/dev/null || die "berth run failed"
    ms_since "$t" >> "$G/run-seccomp.ms"
  done
  for ((i = 0; i < RUNS; i++)); do
    t=$(now_us); "$B" --root "$ROOT" create --bundle "$SBUNDLE" "l$i" >/dev/null || die "berth create failed"
    ms_since "$t" >> "$G/create-seccomp.ms"
    t=$(now_us); "$B" --root "$ROOT" start "l$i" || die "berth start failed"
    ms_since "$t" >> "$G/start-seccomp.ms"
    sleep 0.3   # /bin/true has exited by then
    t=$(now_us); "$B" --root "$ROOT" delete "l$i" || die "berth delete failed"
    ms_since "$t" >> "$G/delete-seccomp.ms"
  done
  echo "guest: berth run median $(sort -n "$G/run.ms" | sed -n "$(( (RUNS + 1) / 2 ))p") ms," \
    "with seccomp $(sort -n "$G/run-seccomp.ms" | sed -n "$(( (RUNS + 1) / 2 ))p") ms"
  # The OOM-killed pod: run until RESTARTS restarts are in, then SIGTERM.
  "$B" --root "$ROOT" pod run --rm --log-dir "$LOGS" "$POD" > "$G/pod.out" 2>&1 &
  sup=$!
  for ((i = 0; i < 1200; i++)); do
    n=$(grep -c '"type":"container-started"' "$LOGS/events.jsonl" 2>/dev/null) || n=0
    [ "$n" -gt "$RESTARTS" ] && break
    kill -0 "$sup" 2>/dev/null || break
    sleep 0.5
  done
  kill -TERM "$sup" 2>/dev/null || true
  wait "$sup" || true
  cp "$LOGS"/events.jsonl* "$G/"
  echo "guest: $n container starts"
  if [ "$DRY" != dry ]; then
    # The kernel log (OOM kills) with a marker that ties its clock to the
    # events' wall clock.
    # No $(...) in between: a fork costs tens of ms in the VM.
    local w0=$EPOCHREALTIME w1
    echo "<6>berth-bench-mark" > /dev/kmsg
    w1=$EPOCHREALTIME
    echo "${w0/./} ${w1/./}" > "$G/mark.txt"
    dmesg -r > "$G/dmesg.txt" || true
  fi
  python3 "$PY" guest-analyze "$W" > /dev/null
}

if [ "${1:-}" = --guest ]; then
  shift
  guest "$@"
  exit
fi

# ---------------------------------------------------------------- options
N=100 IDLE=60 GRACE=0 RESTARTS=5 RUNS=10 DO_HOST=1 DO_VM=1 VM_DRY=0
while [ $# -gt 0 ]; do
  case $1 in
    -n|--containers) N=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --stop-grace) GRACE=$2; shift 2 ;;
    --restarts) RESTARTS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-vm) DO_VM=0; shift ;;
    --vm-only) DO_HOST=0; shift ;;
    --vm-dry-run) VM_DRY=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for v in "$N" "$RESTARTS" "$RUNS" "$GRACE"; do
  [[ $v =~ ^[0-9]+$ ]] || die "expected a number, got '$v'"
done
[[ $IDLE =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--idle: expected seconds, got '$IDLE'"
[ "$N" -ge 2 ] || die "--containers must be at least 2"
[ "$(id -u)" = 0 ] || die "must run as root"
for t in python3 busybox; do command -v "$t" >/dev/null || die "$t is required"; done
BERTH_SRC=${BERTH:-$REPO/build/cmd/berth}
[ -x "$BERTH_SRC" ] || die "no berth binary at $BERTH_SRC (run tools/build.sh)"

WORK=${BENCH_WORKDIR:-$(mktemp -d /var/tmp/berth-bench-pod.XXXXXX)}
case $WORK/ in /tmp/*|/run/*) [ "$DO_VM" = 0 ] || [ "$VM_DRY" = 1 ] ||
  die "BENCH_WORKDIR must be visible in the VM (not under /tmp or /run)" ;; esac
mkdir -p "$WORK/bin"
cleanup() {
  local rc=$?
  set +e
  for p in bench1 "bench$N" "bench${N}u" oom; do
    for r in "$WORK/root" "$WORK/root-dry"; do
      [ -d "$r/pods/$p" ] && "$WORK/bin/berth" --root "$r" pod rm -f "$p" >/dev/null 2>&1
    done
  done
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- inputs
cp "$BERTH_SRC" "$WORK/bin/berth"
B=$WORK/bin/berth
rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc,root,run}
cp /bin/busybox "$rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ -e "$rootfs/bin/$a" ] || ln -s busybox "$rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
mkdir -p "$WORK/spec" && (cd "$WORK/spec" && "$B" spec) && mv "$WORK/spec/config.json" "$WORK/spec.json"
rmdir "$WORK/spec"
python3 "$PY" gen-pods "$WORK" "$N" "$REPO"
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "host=$(uname -n) kernel=$(uname -r) cpus=$(nproc) mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "berth=$("$B" --version | head -1) ($BERTH_SRC, git $(git -C "$REPO" --no-optional-locks describe --always --dirty 2>/dev/null || echo '?'), $(stat -c %s "$B") bytes)"
  echo "containers=$N idle=${IDLE}s stop_grace=${GRACE}s restarts=$RESTARTS runs=$RUNS"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/meta.txt"
log "work dir $WORK"

# ---------------------------------------------------------------- host
if [ "$DO_HOST" = 1 ]; then
  for p in bench1 "bench$N"; do
    log "host: pod $p, idle ${IDLE}s"
    python3 "$PY" host "$B" "$WORK/root" "$WORK/$p.json" "$WORK/logs-$p" "$IDLE" "$GRACE" \
      > "$WORK/host-${p#bench}.json" || die "measuring pod $p failed"
  done
  log "host: pod bench${N}u (no seccomp filter), no idle window"
  python3 "$PY" host "$B" "$WORK/root" "$WORK/bench${N}u.json" "$WORK/logs-bench${N}u" 0 "$GRACE" \
    > "$WORK/host-${N}u.json" || die "measuring pod bench${N}u failed"
fi

# ---------------------------------------------------------------- VM
if [ "$DO_VM" = 1 ]; then
  if [ "$VM_DRY" = 1 ]; then
    log "VM part, dry run on this host"
    guest "$WORK" "$RESTARTS" "$RUNS" dry
  else
    log "VM part: tests/vm/run-vm.sh (niced)"
    (cd "$REPO" && nice -n 10 tests/vm/run-vm.sh --timeout 1500 -- \
      bench/pod-supervisor.sh --guest "$WORK" "$RESTARTS" "$RUNS") >&2 ||
      die "the VM part failed"
  fi
fi
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"

python3 "$PY" report "$WORK" | tee "$WORK/report.md"
