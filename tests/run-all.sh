#!/usr/bin/env bash
# The README's test command: build berth (plain and ASan+UBSan) and run every
# lane.  Lanes (BERTH_LANES, default all):
#   unit         libcheck unit tests, plain build
#   asan         unit and integration tests with AddressSanitizer + UBSan builds
#   fuzz         libFuzzer harnesses (tools/fuzz.sh, docs/fuzzing.md): saved
#                regressions, then BERTH_FUZZ_SECONDS (default 60) per target,
#                BERTH_FUZZ_JOBS (default: nproc) at a time; one test per target
#   integration  the real binary against busybox bundles on this host
#   vm           cgroup v2 tests inside a qemu guest (tests/vm/), then the
#                systemd tests in a second guest booted with systemd as PID 1
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

lanes=${BERTH_LANES:-"unit asan fuzz integration vm"}
passed=0 failed=0 skipped=0
declare -a failures=()

note() { printf '\n=== %s ===\n' "$*"; }

build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

# Run libcheck executables and add up "Checks: N, Failures: F, Errors: E".
# libcheck has no skip: a test that cannot run here prints
# "SKIP: <test>: <reason>" on stderr and passes (tests/unit/testskip.h);
# those count as skipped, not passed.
unit_lane() {
  local dir=$1 label=$2 t out line c f e s
  for t in "$dir"/tests/unit/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    out=$(CK_FORK=yes "$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E '^[0-9]+%:|:[EF]:|^SKIP: ' | sed "s|^|[$label] $(basename "$t"): |"
    line=$(printf '%s\n' "$out" | grep -Eo 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -1)
    if [ -z "$line" ]; then
      failed=$((failed + 1)); failures+=("$label $(basename "$t"): no result (exit $rc)")
      printf '%s\n' "$out" | tail -20
      continue
    fi
    read -r c f e < <(echo "$line" | sed -E 's/Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)/\1 \2 \3/')
    s=$(printf '%s\n' "$out" | grep -c '^SKIP: ')
    if [ "$s" -gt $((c - f - e)) ]; then
      # More skips than passing checks: a test skipped after failing.
      failed=$((failed + 1)); failures+=("$label $(basename "$t"): $s SKIP lines but $((c - f - e)) passing checks")
      s=$((c - f - e))
    fi
    passed=$((passed + c - f - e - s)); failed=$((failed + f + e)); skipped=$((skipped + s))
    if [ $((f + e)) -gt 0 ] || [ $rc -ne 0 ]; then
      failures+=("$label $(basename "$t")")
      [ $((f + e)) -gt 0 ] || failed=$((failed + 1))
    fi
  done
}

# Add up a lane's own closing line "N passed, N failed[, N skipped]".
tally() {
  local label=$1 out=$2 rc=$3 line p f s
  line=$(printf '%s\n' "$out" | grep -E '^[a-z:]*[ ]*[0-9]+ passed, [0-9]+ failed' | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$label: no summary line (exit $rc)")
    return
  fi
  p=$(echo "$line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+')
  f=$(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
  s=$(echo "$line" | grep -Eo '[0-9]+ skipped' | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
    failures+=("$label")
    [ "$f" -gt 0 ] || failed=$((failed + 1))
  fi
}

for lane in $lanes; do
  case $lane in
  unit)
    note "build (plain)"
    build build || { echo "build failed"; exit 1; }
    note "unit tests"
    unit_lane build unit
    ;;
  asan)
    note "build (ASan + UBSan)"
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false || { echo "asan build failed"; exit 1; }
    note "unit tests under ASan + UBSan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      unit_lane build-asan asan
    note "integration tests with the ASan + UBSan berth"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      tests/integration/run.sh "$top/build-asan/cmd/berth" >build-asan/integration.log 2>&1; rc=$?
    out=$(cat build-asan/integration.log)
    printf '%s\n' "$out" | grep -E '^(FAIL|SKIP)|passed' ; printf '%s\n' "$out" | grep -A25 '^FAIL' | head -100
    tally asan-integration "$out" $rc
    ;;
  fuzz)
    note "fuzz (libFuzzer + ASan + UBSan, ${BERTH_FUZZ_SECONDS:-60}s per target)"
    # The fuzzers are CPU-bound and single-threaded: one per core.  With
    # 15 targets on 2 cores that is 8 x BERTH_FUZZ_SECONDS plus the build.
    out=$(BERTH_FUZZ_JOBS=${BERTH_FUZZ_JOBS:-$(nproc)} tools/fuzz.sh "${BERTH_FUZZ_SECONDS:-60}" 2>&1); rc=$?
    printf '%s\n' "$out"
    tally fuzz "$out" $rc
    ;;
  integration)
    build build || { echo "build failed"; exit 1; }
    note "integration tests (host)"
    tests/integration/run.sh "$top/build/cmd/berth" >build/integration.log 2>&1; rc=$?
    out=$(cat build/integration.log)
    printf '%s\n' "$out"
    tally integration "$out" $rc
    ;;
  vm)
    build build || { echo "build failed"; exit 1; }
    note "VM lane (cgroup v2 in qemu)"
    # The guest has its own /tmp, /run, /proc, /sys and /dev: a checkout
    # under one of those (CI clones into /tmp) is staged under /var/tmp.
    vmdir=$top
    case $top in
      /tmp/*|/run/*|/proc/*|/sys/*|/dev/*)
        vmdir=$(mktemp -d /var/tmp/berth-vm-stage.XXXXXX)
        cp -a "$top/tests" "$top/examples" "$vmdir/"
        mkdir -p "$vmdir/build/cmd"
        cp "$top/build/cmd/berth" "$vmdir/build/cmd/berth"
        [ ! -x "$top/build/cmd/berth-metrics" ] || cp "$top/build/cmd/berth-metrics" "$vmdir/build/cmd/"
        echo "VM lane: staged $top into $vmdir (the guest cannot see $top)"
        ;;
    esac
    (cd "$vmdir" && tests/vm/run-vm.sh --timeout 2400 -- tests/vm/cgroup-tests.sh "$vmdir/build/cmd/berth") \
      >build/vm.log 2>&1; rc=$?
    out=$(cat build/vm.log)
    printf '%s\n' "$out"
    tally vm "$out" $rc
    # A second boot, with systemd as PID 1: the pod unit under a real
    # systemd (tests/vm/systemd/).
    note "VM lane, systemd as PID 1"
    if [ -x /lib/systemd/systemd ]; then
      (cd "$vmdir" && tests/vm/run-vm.sh --systemd --timeout 900 -- tests/vm/systemd-tests.sh "$vmdir/build/cmd/berth") \
        >build/vm-systemd.log 2>&1; rc=$?
      out=$(cat build/vm-systemd.log)
    else
      rc=0 out="SKIP vm-systemd: no /lib/systemd/systemd on this machine (Debian package systemd)
0 passed, 0 failed, 1 skipped"
    fi
    [ "$vmdir" = "$top" ] || rm -rf "$vmdir"
    printf '%s\n' "$out"
    tally vm-systemd "$out" $rc
    ;;
  *) echo "unknown lane $lane"; exit 2 ;;
  esac
done

note "summary"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
