#!/usr/bin/env bash
# Build the libFuzzer harnesses (tests/fuzz/) with clang, ASan and UBSan,
# replay the saved regression inputs, then fuzz each target for SECONDS.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]      default: 60 s, every target
#
# Environment:
#   BERTH_FUZZ_JOBS         targets fuzzed at once, one core each (default 1)
#   BERTH_FUZZ_BUILD        build directory (default build-fuzz)
#   BERTH_FUZZ_BUILD_JOBS   ninja -j for the build (default: ninja's own)
#   BERTH_FUZZ_NO_BUILD=1   run the harnesses as built, skipping meson/ninja
#
# Per target, under $BERTH_FUZZ_BUILD/fuzz-out/TARGET/: corpus/ (grows from
# run to run; the committed seeds are read, never written), crashes/ (crash,
# leak, timeout and oom inputs: libFuzzer's artifacts) and fuzz.log.  A
# crash is replayed with `build-fuzz/tests/fuzz/fuzz_TARGET FILE`; once
# fixed, a minimised copy goes to tests/fuzz/regressions/TARGET/
# (docs/fuzzing.md).  One line per target, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

seconds=${1:-60}
shift || true
jobs=${BERTH_FUZZ_JOBS:-1}
bdir=${BERTH_FUZZ_BUILD:-build-fuzz}
out=$bdir/fuzz-out
all_targets=(oci_config oci_process oci_resources pod_spec pod_status state quantity
             seccomp cri_line probe_http logsrc notify_filter cni_conf cni_result
             image_ref image_json passwd image_archive metrics_text)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

case $seconds in
  ''|*[!0-9]*) echo "usage: tools/fuzz.sh [SECONDS] [TARGET...] (targets: ${all_targets[*]})" >&2; exit 2 ;;
esac

# -max_len: what a real input of the kind needs, with room to grow; the
# harnesses refuse more than a few times that anyway, so a long run cannot
# wander into inputs that cost seconds each.  Seeds: the committed ones
# plus the project's own samples, read in place.
max_len() {
  case $1 in
    quantity) echo 256 ;;
    image_ref) echo 512 ;;
    cri_line) echo 1024 ;;
    state|probe_http|notify_filter|passwd) echo 4096 ;;
    metrics_text) echo 16384 ;;
    oci_process|oci_resources|pod_status|seccomp|cni_result) echo 8192 ;;
    oci_config|pod_spec|cni_conf|image_json) echo 16384 ;;
    logsrc) echo 131072 ;;     # two 64 KiB read chunks
    image_archive) echo 65536 ;;  # seeds are 0.5 to 16 KiB tars
  esac
}
dict() {
  case $1 in
    oci_*|state|seccomp) echo tests/fuzz/oci.dict ;;
    pod_*|quantity) echo tests/fuzz/pod.dict ;;
    probe_http) echo tests/fuzz/http.dict ;;
    cri_line|logsrc) echo tests/fuzz/cri.dict ;;
    notify_filter) echo tests/fuzz/notify.dict ;;
    cni_*) echo tests/fuzz/cni.dict ;;
    image_ref) echo tests/fuzz/image_ref.dict ;;
    image_json) echo tests/fuzz/image.dict ;;
    passwd) echo tests/fuzz/passwd.dict ;;
    image_archive) echo tests/fuzz/image_archive.dict ;;
    metrics_text) echo tests/fuzz/metrics.dict ;;
  esac
}
seed_dirs() {
  # A target without committed seeds yet starts from its dictionary alone.
  [ ! -d "tests/fuzz/seeds/$1" ] || echo "tests/fuzz/seeds/$1"
  case $1 in
    oci_config) echo tests/data/bad-configs ;;
    pod_spec) echo tests/data/bad-pods examples/pods ;;
    seccomp) echo data/seccomp ;;
  esac
}

fail_all() {
  echo "FAIL build: $*"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
}

# ---- build -----------------------------------------------------------------

build_harnesses() {
  local exes=() t
  command -v clang >/dev/null || fail_all "clang not found (tools/install-deps.sh installs it)"
  if [ ! -f "$bdir/build.ninja" ]; then
    CC=clang meson setup "$bdir" -Dfuzz=true -Dwerror=false -Dbuildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false \
      "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
      >"$bdir.setup.log" 2>&1 || { cat "$bdir.setup.log"; fail_all "meson setup $bdir"; }
    rm -f "$bdir.setup.log"
  fi
  for t in "${targets[@]}"; do exes+=("tests/fuzz/fuzz_$t"); done
  # shellcheck disable=SC2086
  ninja -C "$bdir" ${BERTH_FUZZ_BUILD_JOBS:+-j "$BERTH_FUZZ_BUILD_JOBS"} "${exes[@]}" \
    >"$bdir/fuzz-build.log" 2>&1 ||
    { tail -40 "$bdir/fuzz-build.log"; fail_all "ninja (see $bdir/fuzz-build.log)"; }
}
[ -n "${BERTH_FUZZ_NO_BUILD:-}" ] || build_harnesses

# ---- run -------------------------------------------------------------------

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/fuzz/lsan.supp:print_suppressions=0}

stat_of() {  # stat_of LOG NAME: libFuzzer's -print_final_stats value
  grep -Eo "^stat::$2: *[0-9]+" "$1" | grep -Eo '[0-9]+$' | tail -1
}

# One target: replay its regressions, fuzz, and write one summary line to
# $out/T/summary.  Returns non-zero on any crash, leak, timeout or oom.
run_target() {
  local t=$1 exe="$bdir/tests/fuzz/fuzz_$1" d="$out/$1" log regs=() rc execs eps cov corp new
  log=$d/fuzz.log
  mkdir -p "$d/corpus" "$d/crashes"
  : >"$log"
  if [ -d "tests/fuzz/regressions/$t" ]; then
    mapfile -t regs < <(find "tests/fuzz/regressions/$t" -type f ! -name '*.md' | sort)
  fi
  if [ ${#regs[@]} -gt 0 ] &&
     ! "$exe" -timeout=10 -rss_limit_mb=2048 "${regs[@]}" >>"$log" 2>&1; then
    echo "FAIL $t: a regression input crashes again (${#regs[@]} replayed; $log)" >"$d/summary"
    return 1
  fi
  # shellcheck disable=SC2046
  "$exe" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -dict="$(dict "$t")" -print_final_stats=1 -reload=0 \
    -artifact_prefix="$d/crashes/" "$d/corpus" $(seed_dirs "$t") >>"$log" 2>&1
  rc=$?
  execs=$(stat_of "$log" number_of_executed_units)
  eps=$(stat_of "$log" average_exec_per_sec)
  new=$(stat_of "$log" new_units_added)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
  corp=$(find "$d/corpus" -type f | wc -l)
  if [ $rc -ne 0 ] || grep -q 'Test unit written to' "$log"; then
    echo "FAIL $t: exit $rc after ${execs:-?} runs; $(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|property does not hold|ALARM|out-of-memory' "$log")" >"$d/summary"
    grep -Eo 'Test unit written to .*' "$log" | sed 's/^/    /' >>"$d/summary"
    return 1
  fi
  echo "PASS $t: ${execs:-?} runs in ${seconds}s, ${eps:-?} exec/s, cov ${cov:-?}, corpus $corp (+${new:-0}), ${#regs[@]} regressions" >"$d/summary"
  grep -m1 -Eo 'Slowest unit: [0-9]+ s' "$log" | sed "s/^/NOTE $t: /" >>"$d/summary"
  return 0
}

report() {  # report TARGET: print its summary, and the crash's stack on failure
  local t=$1
  cat "$out/$t/summary"
  if grep -q '^FAIL' "$out/$t/summary"; then
    # The report's head and the project's own frames, not libFuzzer's.
    grep -E -A40 '^==[0-9]+==ERROR|runtime error|property does not hold|ALARM|out-of-memory' \
      "$out/$t/fuzz.log" | grep -v -E 'in fuzzer::|libc_start|in _start|in main \(|Shadow|^ *0x' |
      head -30 | sed 's/^/    /'
  fi
}

echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time (logs: $out/TARGET/fuzz.log)"
passed=0 failed=0
declare -A pid_target=()
finish() {  # finish PID RC
  local t=${pid_target[$1]}
  report "$t"
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  unset "pid_target[$1]"
}
for t in "${targets[@]}"; do
  if [ ! -x "$bdir/tests/fuzz/fuzz_$t" ]; then
    echo "FAIL $t: no such target (targets: ${all_targets[*]})"; failed=$((failed + 1)); continue
  fi
  while [ ${#pid_target[@]} -ge "$jobs" ]; do
    wait -n -p done_pid; rc=$?
    finish "$done_pid" $rc
  done
  run_target "$t" &
  pid_target[$!]=$t
done
while [ ${#pid_target[@]} -gt 0 ]; do
  wait -n -p done_pid; rc=$?
  finish "$done_pid" $rc
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
