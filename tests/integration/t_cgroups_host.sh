# cgroup v2 behaviour that this host can show (its unified hierarchy has no
# controllers, but device programs, freezing and cgroup.kill work).

with_mknod() {
  cfg "$1" "
for s in ('bounding','effective','permitted'):
    c['process']['capabilities'][s].append('CAP_MKNOD')"
}

test_device_filter_denies_block_devices() {
  make_bundle "$T_DIR/b" sh -c 'mknod /dev/sdz b 8 0 && echo mknod-ok; head -c1 /dev/sdz >/dev/null 2>&1 && echo BLOCK-OPENED; echo x > /dev/null && echo null-ok'
  with_mknod "$T_DIR/b"
  local out; out=$(cd "$T_DIR/b" && b run dev 2>&1) || fail "run: $out"
  assert_contains "$out" mknod-ok
  assert_contains "$out" null-ok
  assert_not_contains "$out" BLOCK-OPENED
}

test_device_filter_allow_rule_opens_device() {
  make_bundle "$T_DIR/b" sh -c 'mknod /dev/loopz b 7 0 2>/dev/null; head -c0 /dev/loopz 2>&1 && echo opened'
  with_mknod "$T_DIR/b"
  cfg "$T_DIR/b" "c['linux']['resources']['devices'].append({'allow': True, 'type': 'b', 'major': 7, 'minor': 0, 'access': 'rwm'})"
  local out; out=$(cd "$T_DIR/b" && b run dev2 2>&1)
  assert_not_contains "$out" "Operation not permitted"
}

test_unavailable_controller_is_a_clear_error() {
  [ -f /sys/fs/cgroup/unified/cgroup.controllers ] || skip "no hybrid unified hierarchy on this host"
  grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers && skip "this host has a memory controller"
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['linux']['resources']['memory']={'limit': 67108864}"
  local out; out=$(cd "$T_DIR/b" && b run mem 2>&1) && fail "run with a memory limit succeeded"
  assert_contains "$out" 'the memory controller is not available'
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "lines of error output"
  assert_gone mem
  [ ! -d /sys/fs/cgroup/unified/berth/mem ] || fail "cgroup left behind"
}

test_kill_all_reaches_every_process() {
  make_bundle "$T_DIR/b" sh -c 'sleep 60 & sleep 60 & sleep 60'
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='pid']"
  b create --bundle "$T_DIR/b" ka || fail create
  b start ka || fail start
  local pids; pids=$(b ps --format json ka)
  for _ in $(seq 50); do pids=$(b ps --format json ka); [ "$(echo "$pids" | tr ',' '\n' | wc -l)" -ge 4 ] && break; sleep 0.05; done
  b kill --all ka KILL || fail "kill --all"
  for _ in $(seq 100); do [ "$(cat /sys/fs/cgroup/unified/berth/ka/cgroup.procs 2>/dev/null)" = "" ] && break; sleep 0.05; done
  assert_eq "" "$(cat /sys/fs/cgroup/unified/berth/ka/cgroup.procs)" "processes left after kill --all"
  b delete ka || fail delete
  assert_gone ka
}
