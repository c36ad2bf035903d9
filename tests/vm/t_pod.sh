# Pods under real cgroup v2 limits: OOM kills, restarts, pod-level cgroup.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/t_pod.sh"
for f in $(declare -F | awk '{print $3}' | grep '^test_'); do unset -f "$f"; done

test_pod_oom_killed_is_restarted() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("hog", "sh", "-c", "echo run; x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo survived",
                              resources={"limits": {"memory": "16Mi"}})]'
  # exec: $! must be the supervisor itself, not a subshell running `b`.
  (exec "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" > "$T_DIR/out" 2>&1) &
  local sup=$!
  local n=0
  for _ in $(seq 1200); do
    n=$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')
    [ "$n" -ge 2 ] && break
    sleep 0.1
  done
  local podcg=/sys/fs/cgroup/berth/pods/tp
  local podmax; podmax=$(cat $podcg/memory.max 2>/dev/null)
  local group; group=$(cat $podcg/hog/memory.oom.group 2>/dev/null)
  kill -TERM $sup; wait $sup
  [ "$n" -ge 2 ] || fail "OOMKilled exits seen: $n; events: $(events)"
  events | grep '"reason":"OOMKilled"' | grep -q '"code":137' || fail "OOMKilled exit without code 137: $(events)"
  events | grep -q '"type":"restarting"' || fail "no restarting event: $(events)"
  events | grep '"type":"exited"' | grep -q '"restartCount":[1-9]' || fail "restartCount never rose: $(events)"
  assert_not_contains "$(cat $T_DIR/out)" survived
  assert_eq 16777216 "$podmax" "pod-level memory.max (the sum of the limits)"
  assert_eq 1 "$group" "memory.oom.group of the container cgroup"
  assert_pod_ended tp
}

test_pod_oom_policy_stop_keeps_it_down() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/oom-policy": "stop", "berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("hog", "sh", "-c", "x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo survived",
                              resources={"limits": {"memory": "16Mi"}})]'
  timeout 300 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" > "$T_DIR/out" 2>&1
  assert_eq 137 $? "exit status of a pod whose container was OOM-killed under oom-policy stop (128+SIGKILL, docs/pod-spec.md)"
  assert_eq 1 "$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')" "OOMKilled exits: $(events)"
  events | grep -q '"type":"oom-killed"' || fail "no oom-killed event: $(events)"
  ! events | grep -q '"type":"restarting"' || fail "restarted under oom-policy stop: $(events)"
  assert_pod_ended tp
}

# oom-policy grow: every OOM kill restarts the container with memory.max
# times the factor; once it fits, it completes.  The container prints the
# memory.max it got (its own cgroup, through its cgroup namespace).
test_pod_oom_policy_grow_until_it_fits() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/oom-policy": "grow", "berth.dev/oom-grow": "2,256Mi",
                                "berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "OnFailure"
p["spec"]["containers"] = [ctr("hog", "sh", "-c", "echo max=$(cat /sys/fs/cgroup/memory.max); x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); echo survived",
                              resources={"limits": {"memory": "16Mi"}})]'
  timeout 380 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" > "$T_DIR/out" 2>&1
  assert_eq 0 $? "exit status once the container fits ($(cat "$T_DIR/out"))"
  assert_contains "$(cat "$T_DIR/out")" "[hog] survived"
  local grown; grown=$(events | grep -c '"type":"memory-grown"')
  [ "$grown" -ge 1 ] || fail "no memory-grown event: $(events)"
  assert_eq "$grown" "$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')" "one growth per OOM kill"
  events | grep '"type":"memory-grown"' | head -1 | grep -q '"fromBytes":16777216,"toBytes":33554432' ||
    fail "first growth is not 16Mi -> 32Mi: $(events | grep memory-grown)"
  local last_to; last_to=$(events | grep '"type":"memory-grown"' | tail -1 | sed -E 's/.*"toBytes":([0-9]+).*/\1/')
  assert_eq "max=$last_to" "$(sed -n 's/^\[hog\] max=/max=/p' "$T_DIR/out" | tail -1)" "memory.max of the run that fit"
  assert_eq "max=16777216" "$(sed -n 's/^\[hog\] max=/max=/p' "$T_DIR/out" | head -1)" "memory.max of the first run"
  assert_pod_ended tp
}

# The ceiling is never passed: at max, an OOM kill is an ordinary failure
# (restartPolicy Never: the pod fails).
test_pod_oom_policy_grow_stops_at_ceiling() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/oom-policy": "grow", "berth.dev/oom-grow": "2,24Mi",
                                "berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "Never"
p["spec"]["containers"] = [ctr("hog", "sh", "-c", "echo max=$(cat /sys/fs/cgroup/memory.max); x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo survived",
                              resources={"limits": {"memory": "16Mi"}})]'
  timeout 300 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" > "$T_DIR/out" 2>&1
  assert_eq 137 $? "exit status of a pod that does not fit under the ceiling (its OOM kill: 128+SIGKILL)"
  assert_eq 1 "$(events | grep -c '"type":"memory-grown"')" "growths: $(events)"
  events | grep '"type":"memory-grown"' | grep -q '"toBytes":25165824' || fail "not capped at 24Mi: $(events)"
  assert_eq 2 "$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')" "OOM kills: $(events)"
  assert_eq "max=16777216 max=25165824" "$(sed -n 's/^\[hog\] max=/max=/p' "$T_DIR/out" | tr '\n' ' ' | sed 's/ $//')"
  assert_pod_ended tp
}

# --cgroup-parent self with limits, as under a systemd unit with
# Delegate=yes: the supervisor's cgroup has a process (itself), so it moves
# into a berth-caller leaf before enabling controllers for the pod's.
test_pod_cgroup_parent_self_with_limits() {
  local unit=/sys/fs/cgroup/berth-vm-unit-$$
  mkdir "$unit" || fail "creating $unit"
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("c", "sh", "-c", "while :; do sleep 1; done", resources={"limits": {"memory": "32Mi", "cpu": "500m"}})]'
  sh -c "echo \$\$ > $unit/cgroup.procs && exec \"$BERTH\" --root \"$T_ROOT\" pod run -d --cgroup-parent self --log-dir \"$T_DIR/logs\" \"$T_DIR/pod.json\"" > "$T_DIR/out" 2>&1 ||
    { rmdir "$unit"; fail "pod run -d --cgroup-parent self: $(cat "$T_DIR/out")"; }
  local sup; sup=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  assert_eq "0::/berth-vm-unit-$$/berth-caller" "$(cat /proc/$sup/cgroup)" "the supervisor's cgroup"
  assert_eq 33554432 "$(cat "$unit/tp/memory.max")" "pod memory.max"
  assert_eq 33554432 "$(cat "$unit/tp/c/memory.max")" "container memory.max"
  assert_eq "50000 100000" "$(cat "$unit/tp/c/cpu.max")" "container cpu.max"
  b pod stop -t 1 tp >/dev/null || fail "pod stop"
  [ ! -d "$unit/tp" ] || fail "pod cgroup left behind"
  assert_pod_ended tp
  rmdir "$unit/berth-caller" "$unit" || fail "unit cgroup not empty: $(ls "$unit")"
}

# This guest's root is its initramfs (the test system is chroot'ed, not
# switched to), so setns() alone would put an exec at the initramfs root:
# exec and exec probes must land in the container's root.
test_exec_lands_in_the_container_root() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo inside > /tmp/marker; while :; do sleep 1; done"]
p["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["cat", "/tmp/marker"]}, "periodSeconds": 1}'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  # A function, so that wait_for runs the exec on every try (a "$(...)" in
  # its arguments would be expanded once, before the first).
  _marker_seen() { [ "$(b exec tp_c cat /tmp/marker 2>/dev/null)" = inside ]; }
  wait_for _marker_seen || fail "exec does not see the container's files: $(b exec tp_c cat /tmp/marker 2>&1)"
  assert_eq inside "$(b exec tp_c cat /tmp/marker)"
  local ok=
  for _ in $(seq 100); do
    [ "$(pod_status 'j["status"]["containerStatuses"][0]["ready"]')" = True ] && ok=1 && break
    sleep 0.2
  done
  [ -n "$ok" ] || fail "the exec probe never saw /tmp/marker: $(events | tail -3)"
  b pod stop -t 0 tp >/dev/null
  assert_pod_ended tp
}
