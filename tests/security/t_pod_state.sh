# Attacker: whoever can put something at <root>/pods/<name> (another local
# user when --root or its pods directory is writable, a symlink left
# there, a forged `cgroup` record).  `berth pod rm` and the crash recovery
# of `berth pod run` act as root on what they find there: they empty the
# state directory and write cgroup.kill into the cgroup its `cgroup` file
# names.  They must refuse a state directory that is a symlink or that
# someone else can change, and kill only a cgroup berth made for that pod.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"

as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

# _sec_victim_cgroup: a cgroup outside berth's tree whose path ends in the
# pod's name, like a pod cgroup's, with a process in it.  Sets VICTIM_REL
# (relative to the cgroup2 root) and VICTIM_PID; removed when the test ends.
_sec_victim_cgroup() {
  local top=/sys/fs/cgroup/unified
  [ "$(stat -f -c %T "$top" 2>/dev/null)" = cgroup2fs ] || top=/sys/fs/cgroup
  [ "$(stat -f -c %T "$top" 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount"
  VICTIM_REL=/berth-sec-victim-$$/tp
  VICTIM_CG=$top$VICTIM_REL
  mkdir -p "$VICTIM_CG" || fail "creating $VICTIM_CG"
  trap _sec_victim_cleanup EXIT
  sh -c "echo \$\$ > $VICTIM_CG/cgroup.procs && exec sleep 300" </dev/null >/dev/null 2>&1 &
  VICTIM_PID=$!
  wait_for grep -qx "$VICTIM_PID" "$VICTIM_CG/cgroup.procs" || fail "the victim is not in $VICTIM_CG"
}

_sec_victim_cleanup() {
  kill -9 "$VICTIM_PID" 2>/dev/null
  wait "$VICTIM_PID" 2>/dev/null
  rmdir "$VICTIM_CG" "$(dirname "$VICTIM_CG")" 2>/dev/null
  rm -rf "$T_ROOT/pods/tp"
}

_sec_assert_victim_alive() {
  kill -0 "$VICTIM_PID" 2>/dev/null && ! proc_gone "$VICTIM_PID" || fail "berth killed the victim ($1)"
  [ -d "$VICTIM_CG" ] || fail "berth removed the victim's cgroup ($1)"
}

# A state dir left "by a killed supervisor" whose `cgroup` file names
# another cgroup.
_sec_forged_state() {
  mkdir -p "$T_ROOT/pods/tp"
  printf '%s' "$VICTIM_REL" > "$T_ROOT/pods/tp/cgroup"
  : > "$T_ROOT/pods/tp/lock"
}

test_sec_pod_rm_does_not_kill_a_foreign_recorded_cgroup() {
  _sec_victim_cgroup
  _sec_forged_state
  local out; out=$(b pod rm tp 2>&1)
  local rc=$?
  _sec_assert_victim_alive "pod rm"
  assert_eq 1 "$rc" "exit status of pod rm ($out)"
  assert_contains "$out" "cgroup $VICTIM_REL was not created by berth for this pod"
  assert_contains "$out" "nothing was killed"
  # -f as well (run.sh's own cleanup uses it).
  out=$(b pod rm -f -t 0 tp 2>&1)
  _sec_assert_victim_alive "pod rm -f"
}

test_sec_pod_run_recovery_does_not_kill_a_foreign_recorded_cgroup() {
  _sec_victim_cgroup
  _sec_forged_state
  pod_json "$T_DIR/pod.json" ''
  local out; out=$(pod_run "$T_DIR/pod.json" 2>&1)
  local rc=$?
  _sec_assert_victim_alive "pod run's recovery"
  assert_eq 1 "$rc" "exit status of pod run ($out)"
  assert_contains "$out" "nothing was killed"
  [ -f "$T_ROOT/pods/tp/cgroup" ] || fail "the refused state dir was removed anyway"
}

# <root>/pods/tp is a symlink to a directory elsewhere: pod rm (and run's
# recovery) would empty that directory and trust its `cgroup` file.
test_sec_pod_rm_refuses_a_symlinked_state_dir() {
  _sec_victim_cgroup
  mkdir -p "$T_ROOT/pods" "$T_DIR/elsewhere"
  echo keep > "$T_DIR/elsewhere/precious"
  printf '%s' "$VICTIM_REL" > "$T_DIR/elsewhere/cgroup"
  ln -s "$T_DIR/elsewhere" "$T_ROOT/pods/tp"
  local out; out=$(b pod rm tp 2>&1)
  local rc=$?
  _sec_assert_victim_alive "pod rm through a symlink"
  [ -f "$T_DIR/elsewhere/precious" ] || fail "pod rm emptied the symlink's target"
  assert_eq 1 "$rc" "exit status of pod rm ($out)"
  assert_contains "$out" "pod state directory $T_ROOT/pods/tp is a symbolic link"
  pod_json "$T_DIR/pod.json" ''
  out=$(pod_run "$T_DIR/pod.json" 2>&1)
  rc=$?
  _sec_assert_victim_alive "pod run through a symlink"
  [ -f "$T_DIR/elsewhere/precious" ] || fail "pod run emptied the symlink's target"
  assert_eq 1 "$rc" "exit status of pod run ($out)"
  assert_contains "$out" "is a symbolic link"
  [ -L "$T_ROOT/pods/tp" ] || fail "the symlink was replaced"
  rm "$T_ROOT/pods/tp"
}

# The state dir belongs to another user, who wrote its `cgroup` file.
test_sec_pod_rm_refuses_a_state_dir_of_another_user() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  _sec_victim_cgroup
  mkdir -p "$T_ROOT/pods/tp" && chown 65534:65534 "$T_ROOT/pods/tp"
  chmod o+x "$(dirname "$T_DIR")" "$T_DIR" "$T_ROOT" "$T_ROOT/pods"
  as_nobody sh -c "printf '%s' '$VICTIM_REL' > '$T_ROOT/pods/tp/cgroup'" || fail "writing as nobody"
  local out; out=$(b pod rm tp 2>&1)
  local rc=$?
  _sec_assert_victim_alive "pod rm of another user's state dir"
  assert_eq 1 "$rc" "exit status of pod rm ($out)"
  assert_contains "$out" "pod state directory $T_ROOT/pods/tp is owned by uid 65534"
}

# --root is world-writable (as /tmp): another user made <root>/pods a
# symlink to a directory of their choosing.
test_sec_world_writable_root_is_refused() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  local root=$T_DIR/shared
  mkdir -p "$root" "$T_DIR/target/tp" && chmod 1777 "$root"
  chmod o+x "$(dirname "$T_DIR")" "$T_DIR"
  echo keep > "$T_DIR/target/tp/precious"
  as_nobody ln -s "$T_DIR/target" "$root/pods" || fail "planting $root/pods as nobody"
  local out; out=$("$BERTH" --root "$root" pod rm tp 2>&1)
  local rc=$?
  [ -f "$T_DIR/target/tp/precious" ] || fail "pod rm emptied a directory through the planted symlink"
  assert_eq 1 "$rc" "exit status of pod rm ($out)"
  assert_contains "$out" "--root $root is writable by group or others (mode 1777)"
  pod_json "$T_DIR/pod.json" ''
  out=$("$BERTH" --root "$root" pod run "$T_DIR/pod.json" 2>&1)
  rc=$?
  [ -f "$T_DIR/target/tp/precious" ] || fail "pod run emptied a directory through the planted symlink"
  assert_eq 1 "$rc" "exit status of pod run ($out)"
  assert_contains "$out" "--root $root is writable by group or others"
}
