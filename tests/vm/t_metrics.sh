# Metrics under real cgroup v2 controllers: OOM kills counted, memory
# figures as the cgroup has them, limits exported (docs/metrics.md).
source "$(dirname "${BASH_SOURCE[0]}")/../integration/t_metrics.sh"
for f in $(declare -F | awk '{print $3}' | grep '^test_'); do unset -f "$f"; done

test_metrics_count_oom_kills_and_match_the_cgroup() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("hog", "sh", "-c", "x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo survived",
      resources={"limits": {"memory": "16Mi"}}),
  ctr("steady", "sh", "-c", "x=$(head -c 8000000 /dev/zero | tr \"\\0\" a); echo up; exec sleep 1000",
      resources={"limits": {"memory": "64Mi", "cpu": "500m"}})]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  # three OOM kills, then the 10 minute back-off holds the count still
  local n=0
  for _ in $(seq 1800); do
    n=$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')
    [ "$n" -ge 3 ] && break
    sleep 0.1
  done
  [ "$n" -ge 3 ] || fail "OOMKilled exits seen: $n; events: $(events)"
  for _ in $(seq 300); do grep -q up "$T_DIR/logs/steady.log" 2>/dev/null && break; sleep 0.1; done
  local cg=/sys/fs/cgroup/berth/pods/tp/steady m
  m=$(b pod metrics tp) || fail "pod metrics"
  local cur inactive
  cur=$(cat $cg/memory.current)
  inactive=$(awk '$1 == "inactive_file" {print $2}' $cg/memory.stat)
  check_expo "$m" "pod metrics"
  assert_eq "$n" "$(metric_value "$m" 'container_oom_events_total{container="",pod="tp"}')" \
    "OOM kills of the pod (its cgroup counts its containers')"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_last_terminated_reason{container="hog",reason="OOMKilled"}')" "last reason"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_waiting_reason{container="hog",reason="CrashLoopBackOff"}')" "waiting reason"
  local r; r=$(metric_value "$m" 'kube_pod_container_status_restarts_total{container="hog"}')
  [ "$r" -ge 2 ] || fail "hog restarts: $r"
  assert_eq 67108864 "$(metric_value "$m" 'container_spec_memory_limit_bytes{container="steady"}')" "memory limit"
  assert_eq 50000 "$(metric_value "$m" 'container_spec_cpu_quota{container="steady"}')" "cpu quota (us per period)"
  [ -n "$(metric_value "$m" 'container_cpu_cfs_periods_total{container="steady"}')" ] || fail "no cfs periods with a quota"
  python3 - "$(metric_value "$m" 'container_memory_working_set_bytes{container="steady"}')" "$cur" "$inactive" <<'PY' ||
import sys
ws, cur, inactive = (float(x) for x in sys.argv[1:])
want = max(cur - inactive, 0)
assert want > 4e6, f"steady uses only {want} bytes"
assert abs(ws - want) <= 0.1 * want, f"working set {ws} vs cgroup {want}"
PY
    fail "working set off: $(metric_value "$m" 'container_memory_working_set_bytes{container="steady"}') vs $cur - $inactive"
  b pod rm -f tp >/dev/null
  assert_pod_gone tp
}
