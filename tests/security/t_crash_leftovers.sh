# What a killed berth leaves behind must still be removable: the state
# records everything before it exists.

trap cleanup_containers EXIT

# SIGKILL of `berth run` inside a createRuntime hook (the cgroup exists by
# then): `delete` must remove the cgroup, not only the state directory.
test_delete_after_kill_during_create_removes_the_cgroup() {
  local parent=/sys/fs/cgroup/unified/berth-sec-$$
  [ -d /sys/fs/cgroup/unified ] || skip "no cgroup2 at /sys/fs/cgroup/unified"
  trap 'cleanup_containers; rmdir "'"$parent"'"/k1 "'"$parent"'" 2>/dev/null' EXIT
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['linux']['cgroupsPath']='/berth-sec-$$/k1'
c['hooks']={'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'kill -9 \$PPID; sleep 5']}]}"
  b run -b "$T_DIR/b" k1 >/dev/null 2>&1
  [ -d "$parent/k1" ] || fail "the hook ran before the cgroup existed: the test proves nothing"
  b delete -f k1 || fail "delete -f after the crash"
  [ ! -d "$parent/k1" ] || fail "cgroup $parent/k1 left behind by delete"
  assert_gone k1
}
