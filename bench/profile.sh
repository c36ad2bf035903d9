#!/usr/bin/env bash
# bench/profile.sh [RUNTIME] [N] -- where does one runtime's start time go?
#
# Runs N (default 100) `run` of /bin/true with RUNTIME (berth, crun, runc;
# default berth) in the same bundle and private mount namespace as
# start-latency.sh, under a system-wide `perf record -g -e cpu-clock`, and
# prints CPU ms per container by bucket (syscall, exec/ld.so, page faults,
# user code) for the runtime's own processes (the container's /bin/true is
# not included; the exec stub shows as its fd number).  Environment: BERTH=path (default <repo>/build/cmd/berth),
# PERF_FREQ (default 10000), BENCH_KEEP=1 keeps the work dir (perf.data).
set -euo pipefail

RT=${1:-berth}
N=${2:-100}
FREQ=${PERF_FREQ:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BERTH_SRC=${BERTH:-$REPO/build/cmd/berth}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

die() { echo "profile: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
command -v perf >/dev/null || die "perf is required"
case $RT in
  berth) CMD="$BERTH_SRC"; COMM='^(berth|memfd:berth|[0-9]+)$' ;;
  crun) CMD=$(command -v crun); COMM='^crun$' ;;
  runc) CMD=$(command -v runc); COMM='^runc' ;;
  *) die "RUNTIME must be berth, crun or runc" ;;
esac
[ -x "$CMD" ] || die "no $RT binary"

WORK=$(mktemp -d /tmp/berth-profile.XXXXXX)
NS_PID=
cleanup() {
  local rc=$?
  set +e
  [ -n "$NS_PID" ] && { kill "$NS_PID" 2>/dev/null; wait "$NS_PID" 2>/dev/null; }
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "# work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT

if [ "$RT" = berth ]; then cp "$BERTH_SRC" "$WORK/berth"; CMD=$WORK/berth; fi
gcc -O2 -o "$WORK/measure" "$HERE/measure.c"
bench_make_bundle "$WORK/bundle" "${BERTH_SRC}" "$BUSYBOX"
bench_start_ns "$WORK"
mkdir -p "$WORK/root"

# warm-up outside the recording
for i in $(seq 5); do
  "$WORK/measure" --mntns "$NS" --tag warm -- "$CMD" --root "$WORK/root" run --bundle "$WORK/bundle" "w$i" >/dev/null
done
# shellcheck disable=SC2016  # expanded by the inner bash
perf record -q -a -g -e cpu-clock -F "$FREQ" -o "$WORK/perf.data" -- bash -c '
  for i in $(seq "$1"); do
    "$2/measure" --mntns "$3" --tag "run '"$RT"' 0" -- "$4" --root "$2/root" run --bundle "$2/bundle" "p$i" || exit 1
  done > "$2/results.txt"' sh "$N" "$WORK" "$NS" "$CMD" 2>/dev/null
python3 - "$WORK/results.txt" <<'PY'
import statistics as st, sys
w, c = [], []
for l in open(sys.argv[1]):
    kv = dict(t.split("=", 1) for t in l.split() if "=" in t)
    w.append(int(kv["wall_us"]) / 1000); c.append((int(kv["user_us"]) + int(kv["sys_us"])) / 1000)
print(f"{len(w)} containers under perf: wall median {st.median(w):.2f} ms, "
      f"CPU (runtime tree incl. /bin/true) mean {st.mean(c):.2f} ms\n")
PY
perf script -i "$WORK/perf.data" -F comm,pid,tid,time,ip,sym,dso 2>/dev/null |
  python3 "$HERE/perf-breakdown.py" "$FREQ" "$N" "$COMM"
