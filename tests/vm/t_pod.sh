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
  assert_pod_gone tp
}
