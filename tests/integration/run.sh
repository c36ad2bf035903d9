#!/usr/bin/env bash
# Integration test runner.  Usage: run.sh BERTH_BINARY [PATTERN]
# PATTERN: tests whose name contains it ("oom", "@(a|b)" with extglob), or
# one file's tests ("t_cli.sh"), or a file's tests matching a pattern
# ("t_cli.sh:unknown").
# Sources every t_*.sh here, prints each file's count of tests ("dir/t_x.sh:
# N tests"; a file that does not load is a failed test named after it), runs
# each test_* function in a subshell with a fresh work dir and state root, and
# prints one line per test and a closing "N passed, N failed, N skipped".  A
# skip always says why.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# The VM lane reuses this runner for its own t_*.sh files.
tests_dir=${BERTH_TESTS_DIR:-$here}
BERTH=${1:?usage: run.sh BERTH_BINARY [PATTERN]}
# Tests run in their own directories: a relative path would point nowhere.
case $BERTH in /*) ;; *) BERTH=$(cd "$(dirname "$BERTH")" && pwd)/$(basename "$BERTH") ;; esac
[ -x "$BERTH" ] || { echo "run.sh: $1 is not an executable"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
export BERTH
pattern=${2:-} file_pattern=
case $pattern in
  *.sh) file_pattern=$pattern pattern= ;;
  *.sh:*) file_pattern=${pattern%%:*} pattern=${pattern#*:} ;;
esac
work=$(mktemp -d /tmp/berth-it.XXXXXX)
export T_CACHE=$work/cache
mkdir -p "$T_CACHE"
passed=0 failed=0 skipped=0

if [ "$(id -u)" -ne 0 ]; then
  echo "integration tests need root"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi

# The host lane also runs tests/security/: one file per attack class.
files=("$tests_dir"/t_*.sh)
[ -n "${BERTH_TESTS_DIR:-}" ] || files+=("$here/../security"/t_*.sh)

# First list every file's tests.  A file that does not load cleanly (a
# syntax error drops every test after it, silently) is one failed test named
# after the file, with bash's message; each file's count of tests is printed.
declare -a run_files=() run_tests=()
for f in "${files[@]}"; do
  [ -z "$file_pattern" ] || [ "$(basename "$f")" = "$file_pattern" ] || continue
  label=$(basename "$(dirname "$f")")/$(basename "$f")
  list=$(bash -c "source '$here/lib.sh' || exit 96; source '$f' || exit 97; declare -F" 2>"$work/.list-err")
  rc=$?
  if [ $rc -ne 0 ] || [ -s "$work/.list-err" ]; then
    failed=$((failed + 1))
    if [ $rc -ne 0 ]; then why="exit $rc"; else why="it wrote to stderr"; fi
    echo "FAIL $label (does not load: $why)"
    { cat "$work/.list-err"; [ -s "$work/.list-err" ] || echo "(no message)"; } | tail -25 | sed 's/^/    /'
    continue
  fi
  all=$(printf '%s\n' "$list" | awk '$3 ~ /^test_/ {print $3}')
  sel=
  for t in $all; do
    [ -z "$pattern" ] || [[ "$t" == *$pattern* ]] || continue
    sel+="$t "
  done
  n_all=$(printf '%s' "$all" | grep -c .) n_sel=$(wc -w <<<"$sel")
  if [ -z "$pattern" ] && [ -z "$file_pattern" ]; then
    echo "$label: $n_all test$([ "$n_all" = 1 ] || echo s)"
  elif [ "$n_sel" -gt 0 ] || [ -n "$file_pattern" ]; then
    echo "$label: $n_sel of $n_all test$([ "$n_all" = 1 ] || echo s)"
  fi
  run_files+=("$f") run_tests+=("$sel")
done

for i in "${!run_files[@]}"; do
  f=${run_files[$i]}
  for t in ${run_tests[$i]}; do
    dir=$work/$t
    mkdir -p "$dir/root"
    start=$(date +%s%N)
    # Each test runs in a network namespace and a mount namespace of its
    # own, with a private /run: pods get a network by default now, and the
    # bridge, iptables rules and leases they make must live and die with
    # the test, never on this machine's own network.  Whatever the test
    # left running is removed in there too (so one failure cannot cascade
    # into the next test, and no DEL runs against the real host).  Output
    # goes to a file, not a pipe: a container a failed test left running
    # would otherwise hold the pipe open forever.
    (cd "$dir" && T_DIR=$dir T_ROOT=$dir/root T_TEST=$t T_FILE=$f T_HERE=$here \
      timeout -k 5 $(( ${BERTH_TEST_TIMEOUT:-120} + 60 )) \
      unshare --net --mount --propagation private bash "$here/sandbox.sh" \
      >"$dir/.test-output" 2>&1 </dev/null)
    rc=$?
    out=$(cat "$dir/.test-output")
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    case $rc in
      0) passed=$((passed + 1)); echo "PASS $t (${ms} ms)" ;;
      77) skipped=$((skipped + 1)); echo "SKIP $t: $(printf '%s\n' "$out" | sed -n 's/^SKIP-REASON: //p' | tail -1)" ;;
      *) failed=$((failed + 1)); echo "FAIL $t (exit $rc, ${ms} ms)"; printf '%s\n' "$out" | tail -25 | sed 's/^/    /' ;;
    esac
  done
done
rm -rf "$work"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
