#!/usr/bin/env bash
# bench/start-latency.sh [N] -- container start latency of berth, crun and runc.
#
# A benchmark, not a test: it measures N sequential `run` of /bin/true in a
# minimal busybox-static bundle for each runtime, interleaved in rounds, and
# (unless disabled) N create+start+delete cycles the same way.  See
# bench/README.md for what is measured and how to read the numbers.
#
# Environment knobs (all optional):
#   BERTH=path            berth binary (default: <repo>/build/cmd/berth; it is
#                         copied into the work dir first, so a concurrent
#                         rebuild cannot change it mid-run)
#   CRUN=path RUNC=path   default: from $PATH
#   BENCH_ROUND=20        containers per runtime per round
#   BENCH_WARMUP=10       warm-up containers per runtime per mode (discarded)
#   BENCH_MODES="run lifecycle"
#   BENCH_RUNTIMES="berth crun runc berth-hostns berth-ro"
#                         berth-ro: the same berth installed on a read-only
#                         bind mount (in the private namespace), where it
#                         skips its CVE-2019-5736 copy (runtime/selfexe.c)
#   BERTH_VARIANTS="NAME=PATH[,VAR=VAL...] ..."
#                         extra berth binaries, measured as runtime
#                         "berth-NAME" in the private namespace alongside the
#                         others (e.g. to A/B a change); VAR=VAL is put in
#                         that binary's environment
#   BENCH_WORKDIR=dir     default: a fresh mktemp -d under /tmp
#   BENCH_STATE=tmpfs|disk where the runtimes' --root state directories live:
#                         tmpfs (default; under /dev/shm, as /run is on a
#                         production host, where all three keep state by
#                         default) or disk (under the work dir)
#   BENCH_KEEP=1          keep the work dir (raw results, bundle)
set -euo pipefail

N=${1:-200}
ROUND=${BENCH_ROUND:-20}
WARMUP=${BENCH_WARMUP:-10}
MODES=${BENCH_MODES:-"run lifecycle"}
RUNTIMES=${BENCH_RUNTIMES:-"berth crun runc berth-hostns berth-ro"}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BERTH_SRC=${BERTH:-$REPO/build/cmd/berth}
CRUN=${CRUN:-$(command -v crun || true)}
RUNC=${RUNC:-$(command -v runc || true)}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

die() { echo "start-latency: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer (got '$N')"
[[ $ROUND =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUND must be a positive integer"
[ "$(id -u)" = 0 ] || die "must run as root (containers with namespaces and cgroups)"
for t in gcc python3 unshare nsenter mount; do
  command -v "$t" >/dev/null || die "$t is required"
done
[ -x "$BERTH_SRC" ] || die "no berth binary at $BERTH_SRC (run tools/build.sh)"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX"
declare -A VAR_PATH VAR_ENV
for v in ${BERTH_VARIANTS:-}; do
  name=${v%%=*}; rest=${v#*=}
  [[ $name =~ ^[a-z0-9]+$ && $name != hostns && $name != ro && $v == *=* ]] || die "bad BERTH_VARIANTS entry '$v'"
  VAR_PATH[$name]=${rest%%,*}
  VAR_ENV[$name]=
  if [[ $rest == *,* ]]; then VAR_ENV[$name]=$(echo "${rest#*,}" | tr , ' '); fi
  [ -x "${VAR_PATH[$name]}" ] || die "variant $name: no executable at ${VAR_PATH[$name]}"
  RUNTIMES="$RUNTIMES berth-$name"
done
for rt in $RUNTIMES; do
  case $rt in
    berth|berth-*) ;;
    crun) [ -x "$CRUN" ] || die "crun not found (set CRUN= or drop it from BENCH_RUNTIMES)" ;;
    runc) [ -x "$RUNC" ] || die "runc not found (set RUNC= or drop it from BENCH_RUNTIMES)" ;;
    *) die "unknown runtime '$rt' in BENCH_RUNTIMES" ;;
  esac
done

WORK=${BENCH_WORKDIR:-$(mktemp -d /tmp/berth-bench.XXXXXX)}
case ${BENCH_STATE:-tmpfs} in
  tmpfs) ROOTS=$(mktemp -d /dev/shm/berth-bench-roots.XXXXXX) ;;
  disk) ROOTS=$WORK/root ;;
  *) echo "BENCH_STATE must be tmpfs or disk" >&2; exit 2 ;;
esac
mkdir -p "$WORK"/{bin,root}
NS_PID=
NS=

ns_opt() {   # measure options: mount namespace (and environment) of runtime $1
  local e
  case $1 in
    berth-hostns) ;;
    # Never let crun/runc fall back to the host namespace: with no NS this
    # names a file that does not exist, and measure refuses to run.
    *) echo "--mntns ${NS:-/nonexistent/no-private-namespace}" ;;
  esac
  case $1 in
    berth-hostns) ;;
    berth-*) for e in ${VAR_ENV[${1#berth-}]:-}; do echo "--env $e"; done ;;
  esac
}
rt_cmd() {   # command prefix (binary + --root) of runtime $1
  case $1 in
    berth|berth-hostns) echo "$BERTH --root $ROOTS/$1" ;;
    berth-ro) echo "$WORK/ro/berth --root $ROOTS/$1" ;;
    berth-*) echo "$WORK/bin/$1 --root $ROOTS/$1" ;;
    crun) echo "$CRUN --root $ROOTS/crun" ;;
    runc) echo "$RUNC --root $ROOTS/runc" ;;
  esac
}
mode_cmd() { # measure arguments for one container: mode runtime id
  local c; c=$(rt_cmd "$2")
  case $1 in
    run) echo "$c run --bundle $BUNDLE $3" ;;
    lifecycle) echo "$c create --bundle $BUNDLE $3 --- +$c start $3 --- $c delete $3" ;;
  esac
}

cleanup() {
  local rc=$? rt ids id
  set +e
  # Remove any container a failed iteration left behind, in the namespace
  # it was created in (cgroups go with it).
  for rt in $RUNTIMES; do
    ids=$(ls "$ROOTS/$rt" 2>/dev/null)
    [ "$rt" = berth-hostns ] || [ -n "$NS" ] || continue
    for id in $ids; do
      [ -d "$ROOTS/$rt/$id" ] || continue
      log "cleanup: deleting leftover $rt container $id"
      # shellcheck disable=SC2046  # word splitting is intended
      "$WORK/bin/measure" $(ns_opt "$rt") --tag cleanup -- $(rt_cmd "$rt") delete --force "$id" >/dev/null
    done
  done
  if [ -n "$NS_PID" ]; then
    kill "$NS_PID" 2>/dev/null
    wait "$NS_PID" 2>/dev/null
  fi
  [ "$ROOTS" = "$WORK/root" ] || rm -rf "$ROOTS"
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
BERTH="$WORK/bin/berth"
for name in "${!VAR_PATH[@]}"; do cp "${VAR_PATH[$name]}" "$WORK/bin/berth-$name"; done
gcc -O2 -Wall -Wextra -o "$WORK/bin/measure" "$HERE/measure.c"

BUNDLE=$WORK/bundle
bench_make_bundle "$BUNDLE" "$BERTH" "$BUSYBOX"

# crun and runc only ever run inside this namespace (see lib.sh); measure
# setns()es into it in the forked child just before exec, so entering it
# costs the runtimes nothing.
bench_start_ns "$WORK" || die "private mount namespace setup failed"
if [[ " $RUNTIMES " == *" berth-ro "* ]]; then
  # Read-only in the private namespace only: the host never sees it.
  mkdir -p "$WORK/robin" "$WORK/ro"
  cp "$BERTH" "$WORK/robin/berth"
  nsenter --mount="$NS" sh -c 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2"' \
    _ "$WORK/robin" "$WORK/ro" || die "read-only bind for berth-ro failed"
fi

RESULTS=$WORK/results.txt
: > "$RESULTS"
one() {      # mode runtime id tag
  local out
  case $2 in
    berth-hostns) ;;
    *) if [ -z "$NS" ] || ! kill -0 "$NS_PID" 2>/dev/null; then
         die "the private mount namespace is gone"
       fi ;;
  esac
  # shellcheck disable=SC2046  # word splitting is intended (paths have no spaces)
  if ! out=$("$WORK/bin/measure" $(ns_opt "$2") --tag "$4" -- $(mode_cmd "$1" "$2" "$3")); then
    echo "$out" >> "$RESULTS.failed"
    die "$2 $1 of container $3 failed: $out"
  fi
  echo "$out"
}

# ---------------------------------------------------------------- meta
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "host=$(uname -n) kernel=$(uname -r) cpus=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "berth=$("$BERTH" --version | head -1) ($BERTH_SRC, git $(git -C "$REPO" --no-optional-locks describe --always --dirty 2>/dev/null || echo '?'), $(stat -c %s "$BERTH") bytes)"
  [ -x "$CRUN" ] && echo "crun=$("$CRUN" --version | head -1) ($CRUN)"
  [ -x "$RUNC" ] && echo "runc=$("$RUNC" --version | head -1) ($RUNC)"
  for name in "${!VAR_PATH[@]}"; do
    echo "variant_$name=${VAR_PATH[$name]} ($(stat -c %s "${VAR_PATH[$name]}") bytes) env: ${VAR_ENV[$name]:-none}"
  done
  echo "n=$N round=$ROUND warmup=$WARMUP modes=$MODES runtimes=$RUNTIMES"
  echo "state=${BENCH_STATE:-tmpfs} ($ROOTS)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/meta.txt"
log "work dir $WORK"

# ---------------------------------------------------------------- measure
read -r -a RTS <<< "$RUNTIMES"
NRT=${#RTS[@]}
ROUNDS=$(( (N + ROUND - 1) / ROUND ))
for mode in $MODES; do
  log "$mode: warm-up, $WARMUP per runtime"
  for rt in "${RTS[@]}"; do
    for j in $(seq "$WARMUP"); do one "$mode" "$rt" "w${mode:0:1}-$rt-$j" warmup >/dev/null; done
  done
  log "$mode: $ROUNDS rounds of $ROUND per runtime, order rotated each round"
  done_n=0
  for r in $(seq 0 $((ROUNDS - 1))); do
    k=$(( N - done_n < ROUND ? N - done_n : ROUND ))
    for o in $(seq 0 $((NRT - 1))); do
      rt=${RTS[$(( (o + r) % NRT ))]}
      for j in $(seq "$k"); do
        one "$mode" "$rt" "${mode:0:1}-$rt-$r-$j" "$mode $rt $r" >> "$RESULTS"
      done
    done
    done_n=$((done_n + k))
    printf '.' >&2
  done
  echo >&2
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"

# ---------------------------------------------------------------- report
{
  echo "## How each runtime was run"
  echo
  echo "Private mount namespace (\`unshare --mount --propagation private\`, then"
  echo "\`umount -R /sys/fs/cgroup; mount -t cgroup2 cgroup2 /sys/fs/cgroup\`): the host's"
  echo "cgroup2 hierarchy (only hugetlb) is the sole cgroup mount. Entered by setns() in"
  echo "the measuring process's child just before exec."
  echo
  for rt in "${RTS[@]}"; do
    case $rt in
      berth-hostns) where="host mount namespace (hybrid; cgroup2 at /sys/fs/cgroup/unified)" ;;
      berth-ro) where="private mount namespace (pure cgroup2 at /sys/fs/cgroup); the berth binary on a read-only bind mount" ;;
      berth-*) where="private mount namespace (pure cgroup2 at /sys/fs/cgroup); variant binary ${VAR_PATH[${rt#berth-}]}, env: ${VAR_ENV[${rt#berth-}]:-none}" ;;
      *) where="private mount namespace (pure cgroup2 at /sys/fs/cgroup)" ;;
    esac
    echo "- **$rt**: $where"
    for mode in $MODES; do
      echo "  - $mode: \`$(mode_cmd "$mode" "$rt" ID | sed "s#$WORK#\$WORK#g; s#^+##; s# --- +# ; #g; s# --- # ; #g")\`"
    done
  done
  echo
} > "$WORK/how.md"

python3 "$HERE/report.py" "$WORK/meta.txt" "$RESULTS" "$WORK/how.md" | tee "$WORK/report.md"
