#!/usr/bin/env bash
# bench/probe-cpu.sh -- what health probes cost the pod supervisor (a
# benchmark, not a test).  A pod of N containers (default 100), each with a
# 1 s probe, plus one container running busybox httpd; the supervisor's CPU
# (utime+stime from /proc/PID/stat) over a window, as a percentage of one
# CPU.  Target (issue 5): 100 containers with 1 s probes < 5%.
#
# usage: bench/probe-cpu.sh [-n N] [--window SECONDS] [--kind http|tcp|exec|all]
# Environment: BERTH (default <repo>/build/cmd/berth), BUSYBOX (default
# /bin/busybox), BENCH_WORKDIR (default a new /var/tmp dir, removed after).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BERTH=${BERTH:-$HERE/../build/cmd/berth}
BUSYBOX=${BUSYBOX:-/bin/busybox}
N=100 WINDOW=30 KINDS="http tcp exec"
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --kind) KINDS=$2; [ "$KINDS" = all ] && KINDS="http tcp exec"; shift 2 ;;
    *) echo "usage: $0 [-n N] [--window SECONDS] [--kind http|tcp|exec|all]" >&2; exit 2 ;;
  esac
done
W=${BENCH_WORKDIR:-$(mktemp -d /var/tmp/berth-bench-probe.XXXXXX)}
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT
mkdir -p "$W/rootfs"/{bin,proc,sys,dev,tmp,etc,root,run,www}
cp "$BUSYBOX" "$W/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$W/rootfs/bin/$a" ] || ln -s busybox "$W/rootfs/bin/$a"; done
echo ok > "$W/rootfs/www/index.html"
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ctxsw() { awk '/^voluntary_ctxt_switches/{v=$2} /^nonvoluntary_ctxt_switches/{n=$2} END{print v+n}' "/proc/$1/status"; }

run_kind() {
  local kind=$1
  local root=$W/root-$kind
  python3 - "$W/pod-$kind.json" "$kind" "$N" "$W/rootfs" <<'PY'
import json, sys
path, kind, n, rootfs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
handler = {"http": {"httpGet": {"port": 8080, "path": "/index.html"}},
           "tcp": {"tcpSocket": {"port": 8080}},
           "exec": {"exec": {"command": ["true"]}}}[kind]
cs = [{"name": "web", "image": rootfs, "command": ["httpd", "-f", "-p", "8080", "-h", "/www"]}]
for i in range(n):
    probe = dict(handler, periodSeconds=1, timeoutSeconds=1)
    cs.append({"name": "c%d" % i, "image": rootfs, "command": ["sleep", "1000000"],
               "livenessProbe": probe})
p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probebench"},
     "spec": {"terminationGracePeriodSeconds": 1, "containers": cs}}
json.dump(p, open(path, "w"))
PY
  "$BERTH" --root "$root" pod run -d --rm --log-dir "$W/logs-$kind" "$W/pod-$kind.json" >/dev/null
  local sup
  sup=$("$BERTH" --root "$root" pod inspect probebench | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["berth"]["supervisorPid"])')
  sleep 3   # every probe has run at least once
  local t0 c0 s0 t1 c1 s1
  t0=$(date +%s%N); c0=$(cpu_ticks "$sup"); s0=$(ctxsw "$sup")
  sleep "$WINDOW"
  t1=$(date +%s%N); c1=$(cpu_ticks "$sup"); s1=$(ctxsw "$sup")
  local fails
  fails=$(grep -c '"type":"probe-failed"' "$W/logs-$kind/events.jsonl" || true)
  "$BERTH" --root "$root" pod stop -t 0 probebench >/dev/null
  python3 - "$kind" "$N" "$WINDOW" "$ticks" "$t0" "$t1" "$c0" "$c1" "$s0" "$s1" "$fails" <<'PY'
import sys
kind, n, window, ticks, t0, t1, c0, c1, s0, s1, fails = sys.argv[1:]
secs = (int(t1) - int(t0)) / 1e9
cpu = (int(c1) - int(c0)) / int(ticks)
print("%-5s %4s containers x 1 s probes: supervisor CPU %.2f%% of one CPU (%.2f s in %.1f s), "
      "%.0f wakeups/s, %s failed probes" % (kind, n, 100 * cpu / secs, cpu, secs,
                                              (int(s1) - int(s0)) / secs, fails))
PY
}

echo "# berth $("$BERTH" --version | head -1); $(nproc) CPUs; window ${WINDOW}s"
for k in $KINDS; do run_kind "$k"; done
