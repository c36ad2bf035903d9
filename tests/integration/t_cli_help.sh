# Learning berth without its source: --help for every command, options
# anywhere, man pages and bash completion, all made from one table
# (cmd/commands.c) and checked here against each other.

trap cleanup_containers EXIT

BUILD_DIR=$(cd "$(dirname "$BERTH")/.." && pwd)

# Every command as its words ("run", "pod run", ...), groups expanded.
leaf_commands() {
  local c s
  for c in $(b --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
    if b "$c" --help | grep -q '^Commands:'; then
      for s in $(b "$c" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
        echo "$c $s"
      done
    else
      echo "$c"
    fi
  done
}

# The long options a --help text lists (-h/--help aside), sorted.
help_opts() { grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | grep -vx -- --help | sort; }

test_every_command_has_help() {
  local cmd n=0 out
  while read -r cmd; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    out=$(b $cmd --help) || fail "berth $cmd --help exited $?"
    assert_contains "$out" "Usage: berth $cmd" "berth $cmd --help"
    assert_contains "$out" "Options:" "berth $cmd --help"
    # shellcheck disable=SC2086
    assert_eq "$out" "$(b $cmd -h)" "berth $cmd -h"
    # shellcheck disable=SC2086
    assert_eq "$out" "$(b help $cmd)" "berth help $cmd"
  done < <(leaf_commands)
  [ "$n" -ge 30 ] || fail "only $n commands found in the help"
  for cmd in pod image network metrics; do
    out=$(b $cmd --help) || fail "berth $cmd --help exited $?"
    assert_contains "$out" "Usage: berth $cmd COMMAND"
    out=$(b $cmd 2>&1) && fail "berth $cmd without a subcommand succeeded"
  done
  out=$(b --help) || fail "berth --help"
  assert_contains "$out" "--root DIR"
}

# What --help lists is what the man page and the completion offer.
test_help_man_and_completion_agree() {
  local cmd page sect h m c n=0
  while read -r cmd; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    h=$(b $cmd --help | help_opts)
    page=berth; sect=$cmd
    if [ "${cmd#* }" != "$cmd" ]; then page=berth-${cmd%% *}; fi
    m=$(b help --man "$page" | awk -v s=".SS \"$sect\"" '$0 == s {on = 1; next} /^\.S[SH] / {on = 0} on' |
        grep -oE '^\\fB(\\-[a-zA-Z]\\fR, \\fB)?\\-\\-[a-z0-9\\-]+' | sed 's/.*\\-\\-/--/; s/\\f$//; s/\\-/-/g' | sort)
    c=$(bash -c 'source /dev/stdin; _berth_spec "$1"; for w in $_o $_a; do echo "$w"; done' _ "$cmd" \
        < <(b completion bash) | grep -- '^--' | sort)
    assert_eq "$h" "$m" "options of berth $cmd: --help vs the man page"
    assert_eq "$h" "$c" "options of berth $cmd: --help vs the completion"
  done < <(leaf_commands)
  [ "$n" -ge 30 ] || fail "only $n commands compared"
}

test_options_anywhere() {
  local out
  out=$(b pod ps nosuch --format json 2>&1) && fail "ps of a missing pod succeeded"
  assert_contains "$out" "pod nosuch not found"
  out=$(b pod logs nosuch --tail 3 2>&1) && fail "logs of a missing pod succeeded"
  assert_not_contains "$out" "usage:"
  make_bundle "$T_DIR/b" sleep 100
  b create -b "$T_DIR/b" c1 >/dev/null || fail "create"
  out=$(b list --format json) || fail "list --format json"
  assert_contains "$out" '"id":"c1"'
  # a global option after the command
  out=$("$BERTH" list --root "$T_ROOT" -q) || fail "list --root after the command"
  assert_eq c1 "$out" "list --root ROOT -q"
  # exec: after the ID everything is the command's, -- included
  b start c1 || fail "start"
  out=$(b exec c1 echo -n --help) || fail "exec c1 echo -n --help"
  assert_eq "--help" "$out" "exec's command kept its own options"
  out=$(b exec c1 -- echo hi) || fail "exec c1 -- echo hi"
  assert_eq hi "$out" "exec ID -- CMD"
  # "--" right after a command's name ends its options, not berth's
  out=$(b kill -- nosuch KILL 2>&1) && fail "kill of a missing container succeeded"
  assert_contains "$out" 'container "nosuch" does not exist'
  out=$(b kill c1 KILL --all 2>&1) || fail "kill ID SIGNAL --all: $out"
  out=$(b -x list 2>&1) && fail "an unknown global letter succeeded"
  assert_contains "$out" "-x"
  out=$(b list --format 2>&1) && fail "--format without a value succeeded"
  assert_contains "$out" "--format needs a value"
  out=$(b delete --force=yes c1 2>&1) && fail "--force=yes succeeded"
  assert_contains "$out" "--force takes no value"
  true
}

test_man_pages_render() {
  command -v groff >/dev/null || skip "groff is not installed (Debian package groff-base)"
  local f out n=0
  [ -d "$BUILD_DIR/man" ] || skip "no man pages next to $BERTH (built by meson into build/man)"
  for f in "$BUILD_DIR"/man/*.[78]; do
    n=$((n + 1))
    out=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$f" 2>&1)
    [ -z "$out" ] || fail "groff warns about $(basename "$f"): $out"
  done
  assert_eq 6 "$n" "man pages built"
  grep -q 'berth.dev/oom\\-policy' "$BUILD_DIR/man/berth-annotations.7" ||
    fail "berth-annotations(7) lacks berth.dev/oom-policy"
}

# _berth completing WORDS... (the last one being typed) with this test's root
complete_words() {
  bash -c '
    source /dev/stdin
    berth() { "$BERTH" "$@"; }
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _berth; printf "%s\n" "${COMPREPLY[@]}"' _ "$@" \
    < <(b completion bash) | sort | tr '\n' ' '
}

test_bash_completion() {
  assert_eq "restart rm run " "$(complete_words berth pod r)" "pod r<TAB>"
  assert_eq "load ls " "$(complete_words berth image l)" "image l<TAB>"
  assert_eq "--replace " "$(complete_words berth pod run --rep)" "pod run --rep<TAB>"
  assert_contains "$(complete_words berth network inspect '')" "berth" "network inspect <TAB>"
  make_bundle "$T_DIR/b" sleep 100
  b create -b "$T_DIR/b" web1 >/dev/null || fail "create"
  b create -b "$T_DIR/b" web2 >/dev/null || fail "create"
  assert_eq "web1 web2 " "$(complete_words berth --root "$T_ROOT" kill we)" "kill we<TAB>: container ids"
  assert_eq "KILL " "$(complete_words berth --root "$T_ROOT" kill web1 KI)" "kill ID KI<TAB>: signals"
  assert_eq "--root " "$(complete_words berth --ro)" "global options"
}

# berth pod unit FILE: a unit systemd accepts, naming the file and this
# berth by absolute paths.
test_pod_unit() {
  mkdir -p "$T_DIR/pods"
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"u1"},"spec":{"terminationGracePeriodSeconds":10,%s}}' \
    '"containers":[{"name":"c","image":"/nonexistent","command":["true"]}]' > "$T_DIR/pods/u1.json"
  local out
  out=$(cd "$T_DIR" && b pod unit pods/u1.json) || fail "pod unit"
  assert_contains "$out" "ExecStart=$BERTH --root $T_ROOT pod run --cgroup-parent self --log-dir /var/log/berth/u1 $T_DIR/pods/u1.json"
  assert_contains "$out" "ExecStopPost=-$BERTH --root $T_ROOT pod rm u1"
  assert_contains "$out" "TimeoutStopSec=35s"
  assert_contains "$out" "Type=notify"
  if command -v systemd-analyze >/dev/null; then
    printf '%s\n' "$out" > "$T_DIR/berth-pod-u1.service"
    local v; v=$(systemd-analyze verify "$T_DIR/berth-pod-u1.service" 2>&1) || fail "systemd-analyze verify: $v"
  fi
  out=$(cd "$T_DIR" && b pod unit --log-dir logs/u1 pods/u1.json) || fail "pod unit --log-dir"
  assert_contains "$out" "pod run --cgroup-parent self --log-dir $T_DIR/logs/u1 $T_DIR/pods/u1.json"
  cp "$T_DIR/pods/u1.json" "$T_DIR/pods/u 1.json"
  out=$(b pod unit "$T_DIR/pods/u 1.json" 2>&1) && fail "a path with a blank was written into a unit"
  assert_contains "$out" "a unit cannot name it"
  printf 'kind: Pod\n' > "$T_DIR/pods/bad.yaml"
  out=$(b pod unit "$T_DIR/pods/bad.yaml" 2>&1) && fail "an invalid pod got a unit"
  assert_contains "$out" "bad.yaml"
}
