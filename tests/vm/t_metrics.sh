# Metrics under real cgroup v2 controllers: OOM kills counted, memory
# figures as the cgroup has them, limits exported (docs/metrics.md).
source "$(dirname "${BASH_SOURCE[0]}")/../integration/t_metrics.sh"
for f in $(declare -F | awk '{print $3}' | grep '^test_'); do unset -f "$f"; done

test_metrics_count_oom_kills_and_match_the_cgroup() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/oom-policy.hog": "stop"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("hog", "sh", "-c", "x=$(head -c 100000000 /dev/zero | tr \"\\0\" a); echo survived",
      resources={"limits": {"memory": "16Mi"}}),
  ctr("steady", "sh", "-c", "x=$(head -c 8000000 /dev/zero | tr \"\\0\" a); echo up; sleep 1000; echo ${#x}",
      resources={"limits": {"memory": "64Mi", "cpu": "500m"}})]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  # one OOM kill of the whole container (every process of it: the pod's
  # memory.events oom_kill counts each), then oom-policy stop keeps it down
  local n=0
  for _ in $(seq 1800); do
    n=$(events | grep '"type":"exited"' | grep -c '"reason":"OOMKilled"')
    [ "$n" -ge 1 ] && break
    sleep 0.1
  done
  [ "$n" -eq 1 ] || fail "OOMKilled exits seen: $n; events: $(events)"
  for _ in $(seq 300); do grep -q up "$T_DIR/logs/steady.log" 2>/dev/null && break; sleep 0.1; done
  local cg=/sys/fs/cgroup/berth/pods/tp/steady m
  m=$(b pod metrics tp) || fail "pod metrics"
  local cur inactive
  cur=$(cat $cg/memory.current)
  inactive=$(awk '$1 == "inactive_file" {print $2}' $cg/memory.stat)
  check_expo "$m" "pod metrics"
  assert_eq "$n" "$(metric_value "$m" 'container_oom_events_total{container="",pod="tp"}')" \
    "OOM kills of the pod (its cgroup counts its containers')"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_terminated_reason{container="hog",reason="OOMKilled"}')" "terminated reason"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_terminated{container="hog"}')" "hog terminated"
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
  prometheus_agrees "$n" "$cur" "$inactive"
  b pod rm -f tp >/dev/null
  assert_pod_gone tp
}

# The same figures through a real Prometheus scraping `berth metrics serve`
# (both on this test's own loopback): the OOM count exactly, the working
# set within 10% of the cgroup's.
prometheus_agrees() {   # OOM_KILLS MEMORY_CURRENT INACTIVE_FILE
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  start_serve 5000
  start_prometheus 2s
  local prom=$PROM_PID
  python3 - "$1" "$2" "$3" <<'PY' || { kill $prom; stop_serve; fail "prometheus: $(tail -5 "$T_DIR/prom.log")"; }
import json, sys, time, urllib.request, urllib.parse
kills, cur, inactive = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
def q(expr):
    u = "http://127.0.0.1:9090/api/v1/query?query=" + urllib.parse.quote(expr)
    r = json.load(urllib.request.urlopen(u, timeout=10))["data"]["result"]
    return float(r[0]["value"][1]) if r else None
deadline = time.time() + 180
while time.time() < deadline:
    try:
        oom = q('container_oom_events_total{namespace="berth",pod="tp",container=""}')
        ws = q('container_memory_working_set_bytes{pod="tp",container="steady"}')
        rs = q('kube_pod_container_status_terminated{pod="tp",container="hog"}')
        if oom is not None and ws is not None and rs is not None:
            break
    except OSError:
        pass
    time.sleep(1)
else:
    raise SystemExit("Prometheus never had the series")
assert oom == kills, f"container_oom_events_total {oom}, OOM kills {kills}"
want = max(cur - inactive, 0)
assert abs(ws - want) <= 0.1 * want, f"working set {ws} vs cgroup {want}"
assert rs == 1, f"hog terminated {rs}"
print(f"prometheus: oom {oom}, working set {ws} (cgroup {want})")
PY
  kill $prom; wait $prom 2>/dev/null
  stop_serve
}
