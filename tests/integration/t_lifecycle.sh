# Container lifecycle through the OCI commands.

test_run_exit_codes() {
  make_bundle "$T_DIR/b" true
  (cd "$T_DIR/b" && b run c0) || fail "run true exited $?"
  cfg "$T_DIR/b" "c['process']['args']=['sh','-c','exit 3']"
  (cd "$T_DIR/b" && b run c3); assert_eq 3 $? "exit code of run"
  # The init of a pid namespace ignores signals it has no handler for,
  # even SIGKILL from inside: kill it from outside.
  cfg "$T_DIR/b" "c['process']['args']=['sleep','60']"
  (cd "$T_DIR/b" && exec "$BERTH" --root "$T_ROOT" run c9) &
  local runner=$!
  for _ in $(seq 100); do b state c9 2>/dev/null | grep -q running && break; sleep 0.05; done
  b kill c9 KILL || fail "kill"
  wait $runner; assert_eq 137 $? "exit code of a SIGKILLed process"
  assert_gone c0; assert_gone c3; assert_gone c9
}

test_create_start_state_delete() {
  make_bundle "$T_DIR/b" sleep 60
  b create --bundle "$T_DIR/b" --pid-file "$T_DIR/pid" c1 || fail "create"
  local st pid
  st=$(b state c1)
  assert_contains "$st" '"status": "created"'
  pid=$(cat "$T_DIR/pid")
  assert_contains "$st" "\"pid\": $pid"
  assert_contains "$(cat /proc/$pid/cmdline | tr '\0' ' ')" "berth" "init before start"
  b start c1 || fail "start"
  assert_contains "$(b state c1)" '"status": "running"'
  assert_eq "sleep60" "$(tr -d '\0' < /proc/$pid/cmdline)" "process after start"
  b start c1 2>/dev/null && fail "second start succeeded"
  b delete c1 2>/dev/null && fail "delete of a running container succeeded"
  b kill c1 KILL || fail "kill"
  for _ in $(seq 100); do b state c1 | grep -q stopped && break; sleep 0.02; done
  assert_contains "$(b state c1)" '"status": "stopped"'
  b delete c1 || fail "delete"
  assert_gone c1
  b state c1 2>/dev/null && fail "state of a deleted container succeeded"
  true
}

test_duplicate_id_refused() {
  make_bundle "$T_DIR/b" sleep 60
  b create --bundle "$T_DIR/b" dup || fail "create"
  local err
  err=$(b create --bundle "$T_DIR/b" dup 2>&1) && fail "second create succeeded"
  assert_contains "$err" 'already exists'
  b delete -f dup || fail "delete -f"
  assert_gone dup
}
