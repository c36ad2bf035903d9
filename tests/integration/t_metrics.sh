# Telemetry: `berth pod metrics` and `berth metrics serve` (docs/metrics.md).
# The text is checked by promtool (Debian's prometheus) and by
# tests/helpers/expo_check.py for what promtool does not check; the
# endpoint is tried with odd and hostile clients; a real Prometheus
# scrapes it.  Each test runs in its own network namespace, so 127.0.0.1
# and its ports are the test's own.  cgroup figures that need the memory
# and cpu controllers are checked in the VM lane (tests/vm/t_metrics.sh).
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

EXPO_CHECK="$(dirname "${BASH_SOURCE[0]}")/../helpers/expo_check.py"
METRICS_ADDR=127.0.0.1:9464

# A pod "tp" in namespace "shop": web (a readiness probe that passes) and
# crash (exits 3 at once, restarted with back-off).
metrics_pod() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["namespace"] = "shop"
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("web", "sh", "-c", "sleep 1000", readinessProbe={"exec": {"command": ["true"]}, "periodSeconds": 1}),
  ctr("crash", "sh", "-c", "exit 3")]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
}

# metric_value BODY SELECTOR: the value of the one sample whose line
# starts with SELECTOR's name and has all its label pairs ("" if none).
metric_value() {
  python3 -c '
import re, sys
sel = sys.argv[1]
name, _, labels = sel.partition("{")
want = re.findall(r"(\w+)=\"([^\"]*)\"", labels)
for line in sys.stdin:
    if line.startswith("#"):
        continue
    m = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line.strip())
    if not m or m.group(1) != name:
        continue
    have = dict(re.findall(r"(\w+)=\"((?:[^\"\\]|\\.)*)\"", m.group(2) or ""))
    if all(have.get(k) == v for k, v in want):
        print(m.group(3)); break
' "$2" <<<"$1"
}

check_expo() {   # BODY WHAT
  command -v promtool >/dev/null || skip "promtool is not installed (Debian package prometheus)"
  local out
  out=$(promtool check metrics <<<"$1" 2>&1) || fail "promtool on $2: $out"
  [ -z "$out" ] || fail "promtool lint on $2: $out"
  out=$(python3 "$EXPO_CHECK" <<<"$1") || fail "expo_check on $2: $out"
}

wait_restarts() {   # N: until container crash restarted N times
  for _ in $(seq 150); do
    [ "$(pod_status '[c for c in j["status"]["containerStatuses"] if c["name"]=="crash"][0]["restartCount"]')" -ge "$1" ] && return 0
    sleep 0.1
  done
  fail "crash did not restart $1 times"
}

test_pod_metrics_are_valid_and_carry_kubernetes_names() {
  metrics_pod
  wait_restarts 2
  for _ in $(seq 50); do
    [ "$(pod_status '[c for c in j["status"]["containerStatuses"] if c["name"]=="web"][0]["ready"]')" = True ] && break
    sleep 0.1
  done
  local m; m=$(b pod metrics tp) || fail "pod metrics"
  check_expo "$m" "pod metrics"
  local r; r=$(metric_value "$m" 'kube_pod_container_status_restarts_total{namespace="shop",pod="tp",container="crash"}')
  [ "${r:-0}" -ge 2 ] || fail "restarts_total of crash: '$r'"
  assert_eq 3 "$(metric_value "$m" 'kube_pod_container_status_last_terminated_exitcode{container="crash"}')" "last exit code"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_last_terminated_reason{container="crash",reason="Error"}')" "last reason"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_ready{container="web"}')" "web ready"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_container_status_running{container="web"}')" "web running"
  assert_eq 1 "$(metric_value "$m" 'kube_pod_status_phase{pod="tp",phase="Running"}')" "phase Running"
  assert_eq 0 "$(metric_value "$m" 'kube_pod_status_phase{pod="tp",phase="Pending"}')" "phase Pending"
  local ok; ok=$(metric_value "$m" 'prober_probe_total{probe_type="Readiness",container="web",result="successful"}')
  [ "${ok:-0}" -ge 1 ] || fail "no successful readiness probe counted: '$ok'"
  local cnt inf
  cnt=$(metric_value "$m" 'prober_probe_duration_seconds_count{probe_type="Readiness",container="web"}')
  inf=$(metric_value "$m" 'prober_probe_duration_seconds_bucket{probe_type="Readiness",container="web",le="+Inf"}')
  assert_eq "$cnt" "$inf" "histogram +Inf vs _count"
  [ -n "$(metric_value "$m" 'container_cpu_usage_seconds_total{container="web",cpu="total",namespace="shop",pod="tp"}')" ] ||
    fail "no cpu usage for web: $m"
  [ -n "$(metric_value "$m" 'container_cpu_usage_seconds_total{container="",pod="tp"}')" ] ||
    fail "no pod-level row (container=\"\")"
  [ -n "$(metric_value "$m" 'berth_supervisor_resident_memory_bytes{pod="tp"}')" ] || fail "no supervisor RSS"
  b pod rm -f tp >/dev/null
}

test_pod_metrics_of_a_missing_pod_is_an_error() {
  local out
  out=$(b pod metrics nosuch 2>&1) && fail "pod metrics of a missing pod succeeded: $out"
  assert_contains "$out" "nosuch"
}

# SERVE_PID is berth-metrics itself (berth execs it): stop_serve's kill
# must reach it, not a subshell that leaves it running.
start_serve() {
  (exec "$BERTH" --root "$T_ROOT" metrics serve --listen "$METRICS_ADDR" --pod-timeout "${1:-1000}" \
    > "$T_DIR/serve.log" 2>&1) &
  SERVE_PID=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://$METRICS_ADDR/metrics" && return 0
    sleep 0.05
  done
  fail "metrics serve did not answer: $(cat "$T_DIR/serve.log")"
}

stop_serve() { kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null || true; }

# start_prometheus INTERVAL: Debian's prometheus on 127.0.0.1:9090 with a
# store in the test's dir, scraping the serve endpoint; PROM_PID.
start_prometheus() {
  command -v prometheus >/dev/null || skip "prometheus is not installed"
  cat > "$T_DIR/prom.yml" <<YML
global: {scrape_interval: $1, scrape_timeout: $1}
scrape_configs:
  - job_name: berth
    static_configs: [{targets: ['$METRICS_ADDR']}]
YML
  prometheus --config.file="$T_DIR/prom.yml" --storage.tsdb.path="$T_DIR/tsdb" \
    --web.listen-address=127.0.0.1:9090 --log.level=warn > "$T_DIR/prom.log" 2>&1 &
  PROM_PID=$!
}

test_metrics_serve_answers_get_and_head_only() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  metrics_pod
  start_serve
  local h body
  h=$(curl -s -D - -o "$T_DIR/body" "http://$METRICS_ADDR/metrics")
  assert_contains "$h" "HTTP/1.1 200"
  assert_contains "$h" "Content-Type: text/plain; version=0.0.4; charset=utf-8"
  body=$(cat "$T_DIR/body")
  check_expo "$body" "the endpoint"
  assert_eq 1 "$(metric_value "$body" 'berth_metrics_pod_scrape_success{pod="tp"}')" "pod answered"
  [ -n "$(metric_value "$body" 'kube_pod_status_phase{pod="tp",phase="Running"}')" ] || fail "pod tp missing: $body"
  h=$(curl -s -I "http://$METRICS_ADDR/metrics")
  assert_contains "$h" "HTTP/1.1 200"
  [ -z "$(curl -s -X HEAD --max-time 2 "http://$METRICS_ADDR/metrics")" ] || fail "HEAD has a body"
  for m in POST PUT DELETE OPTIONS; do
    h=$(curl -s -i -X "$m" -d x "http://$METRICS_ADDR/metrics")
    assert_contains "$h" "405" "$m"
    assert_contains "$h" "Allow: GET, HEAD" "$m"
  done
  for path in / /metrics/ /metricsx "/../etc/passwd"; do
    h=$(curl -s -i --path-as-is "http://$METRICS_ADDR$path")
    assert_contains "$h" "404" "GET $path"
  done
  stop_serve
  b pod rm -f tp >/dev/null
}

# Slow, endless, oversized and garbage requests, then 1000 scrapes in a
# row: the server answers others all along and its RSS and fds stay put.
test_metrics_serve_survives_abuse() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  start_serve
  local pid; pid=$(pgrep -P "$SERVE_PID" -x berth-metrics || echo "$SERVE_PID")
  # Under AddressSanitizer freed memory sits in its quarantine, so RSS
  # grows by design there: the bound is checked on the plain build (the
  # ASan lane still checks descriptors, answers and leaks).
  local asan=0
  ldd "$(dirname "$BERTH")/berth-metrics" 2>/dev/null | grep -q libasan && asan=1
  python3 - "$METRICS_ADDR" "$pid" "$asan" <<'PY' || fail "abuse run failed"
import http.client, os, socket, sys, time
host, port = sys.argv[1].split(":"); port = int(port); pid = sys.argv[2]; asan = sys.argv[3] == "1"
def rss():
    return int(open(f"/proc/{pid}/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))
def scrape():
    c = http.client.HTTPConnection(host, port, timeout=5)
    c.request("GET", "/metrics"); r = c.getresponse(); r.read(); c.close()
    return r.status
for _ in range(50):      # warm up: allocator pools settle
    scrape()
rss0, fds0 = rss(), fds()
# a request that never ends, a slow one, idle sockets, garbage, huge ones
held = []
s = socket.create_connection((host, port)); s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n"); held.append(s)
for _ in range(20):
    held.append(socket.create_connection((host, port)))
for junk in (b"GARBAGE\r\n\r\n", os.urandom(1024), b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
             b"GET /metrics HTTP/1.1\r\nX: " + b"b" * 20000 + b"\r\n\r\n", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"):
    g = socket.create_connection((host, port)); g.settimeout(5)
    try:
        g.sendall(junk); g.recv(100)
    except OSError:
        pass
    g.close()
assert scrape() == 200, "no answer while slow clients are held"
for i in range(1000):
    st = scrape()
    assert st == 200, f"scrape {i}: {st}"
for s in held:
    s.close()
time.sleep(0.5)
grow = rss() - rss0
assert asan or grow < 4 << 20, f"RSS grew by {grow} bytes over 1000 scrapes"
assert fds() <= fds0 + 1, f"fds {fds0} -> {fds()}"
print(f"rss {rss0} -> {rss()}, fds {fds0} -> {fds()}")
PY
  kill -0 "$SERVE_PID" 2>/dev/null || fail "metrics serve died: $(cat "$T_DIR/serve.log")"
  stop_serve
}

# A supervisor that does not answer (SIGSTOP) costs a scrape at most the
# pod timeout and shows as berth_metrics_pod_scrape_success 0.
test_metrics_serve_not_stalled_by_a_stopped_supervisor() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  metrics_pod
  local sup; sup=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  start_serve 500
  kill -STOP "$sup"
  local t0 t1 body
  t0=$(date +%s%N)
  body=$(curl -s --max-time 10 "http://$METRICS_ADDR/metrics") || { kill -CONT "$sup"; fail "scrape failed"; }
  t1=$(date +%s%N)
  kill -CONT "$sup"
  [ $(( (t1 - t0) / 1000000 )) -lt 3000 ] || fail "scrape took $(( (t1 - t0) / 1000000 )) ms"
  assert_eq 0 "$(metric_value "$body" 'berth_metrics_pod_scrape_success{pod="tp"}')" "stopped pod"
  body=$(curl -s --max-time 10 "http://$METRICS_ADDR/metrics")
  assert_eq 1 "$(metric_value "$body" 'berth_metrics_pod_scrape_success{pod="tp"}')" "resumed pod"
  stop_serve
  b pod rm -f tp >/dev/null
}

test_metrics_serve_lists_run_containers_not_pod_ones() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  make_bundle "$T_DIR/bundle" sleep 1000
  b run -d --bundle "$T_DIR/bundle" lone >/dev/null 2>&1 || b create --bundle "$T_DIR/bundle" lone || fail "create"
  b start lone 2>/dev/null || true
  metrics_pod
  start_serve
  local body; body=$(curl -s "http://$METRICS_ADDR/metrics")
  check_expo "$body" "the endpoint"
  [ -n "$(metric_value "$body" 'container_cpu_usage_seconds_total{container="lone",namespace="berth",pod=""}')" ] ||
    fail "container lone missing: $body"
  [ -z "$(metric_value "$body" 'container_cpu_usage_seconds_total{container="tp_web"}')" ] ||
    fail "a pod's container is listed as a lone one"
  stop_serve
  b delete -f lone
  b pod rm -f tp >/dev/null
}

test_metrics_serve_refuses_a_bad_listen_address() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  local out
  out=$(b metrics serve --listen localhost 2>&1) && fail "serve accepted 'localhost': $out"
  assert_contains "$out" "ADDRESS:PORT"
  out=$(b metrics serve --listen 127.0.0.1:99999 2>&1) && fail "serve accepted port 99999: $out"
  assert_contains "$out" "ADDRESS:PORT"
}

# A real Prometheus scrapes the endpoint: the target is up without errors
# and the crash-looping container's restart counter rises between queries.
test_prometheus_scrapes_berth() {
  [ -x "$(dirname "$BERTH")/berth-metrics" ] || skip "berth-metrics was not built (libmicrohttpd-dev missing)"
  command -v prometheus >/dev/null || skip "prometheus is not installed"
  metrics_pod
  start_serve
  start_prometheus 1s
  local prom=$PROM_PID
  python3 - <<'PY' || { kill $prom; fail "prometheus: $(tail -5 "$T_DIR/prom.log")"; }
import json, time, urllib.request, urllib.parse
def q(expr):
    u = "http://127.0.0.1:9090/api/v1/query?query=" + urllib.parse.quote(expr)
    return json.load(urllib.request.urlopen(u, timeout=5))["data"]["result"]
def restarts():
    r = q('kube_pod_container_status_restarts_total{namespace="shop",pod="tp",container="crash"}')
    return float(r[0]["value"][1]) if r else None
deadline = time.time() + 40
first = None
while time.time() < deadline:
    try:
        t = json.load(urllib.request.urlopen("http://127.0.0.1:9090/api/v1/targets", timeout=5))
        act = t["data"]["activeTargets"]
        if act and act[0]["health"] == "up":
            assert act[0]["lastError"] == "", act[0]["lastError"]
            v = restarts()
            if v is not None and first is None:
                first = v
            elif v is not None and v > first:
                print(f"restarts {first} -> {v}")
                break
    except OSError:
        pass
    time.sleep(0.5)
else:
    raise SystemExit(f"restarts did not rise in Prometheus (first {first})")
assert q('kube_pod_status_phase{pod="tp",phase="Running"}')[0]["value"][1] == "1"
PY
  kill $prom; wait $prom 2>/dev/null
  stop_serve
  b pod rm -f tp >/dev/null
}

# ---- pressure (PSI triggers) -------------------------------------------

# pressure_pod ANNOTATION SCRIPT: pod tp with one container "burn".
pressure_pod() {
  pod_json "$T_DIR/pod.json" "
p['metadata']['annotations'] = {'berth.dev/pressure.burn': '$1'}
p['spec']['restartPolicy'] = 'Always'
p['spec']['containers'] = [ctr('burn', 'sh', '-c', '''$2''')]"
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
}

# cgroup v2 keeps pressure figures for every cgroup, controllers or not, so
# four busy loops on this machine's cores are CPU pressure here too.
test_pressure_event_while_it_lasts_then_cleared() {
  [ -e /proc/pressure/cpu ] || skip "this kernel has no PSI (/proc/pressure/cpu missing)"
  pressure_pod "cpu=10%/2s,memory=off,io=off" \
    'for i in 1 2 3 4 5 6; do timeout 6 sh -c "while :; do :; done" & done; exec sleep 1000'
  local ev
  for _ in $(seq 300); do events | grep -q '"type":"pressure"' && break; sleep 0.05; done
  ev=$(events | grep '"type":"pressure"' | head -1)
  [ -n "$ev" ] || fail "no pressure event: $(events)"
  assert_contains "$ev" '"resource":"cpu"'
  assert_contains "$ev" '"container":"burn"'
  assert_eq True "$(pod_status 'j["status"]["containerStatuses"][0]["berth"]["pressure"]["cpu"]["high"]')" "pod ps while under pressure"
  assert_contains "$(b pod ps tp)" "cpu pressure" "pod ps table"
  local m; m=$(b pod metrics tp)
  local n; n=$(metric_value "$m" 'berth_pressure_events_total{container="burn",resource="cpu"}')
  [ "${n:-0}" -ge 1 ] || fail "berth_pressure_events_total: '$n'"
  [ -z "$(metric_value "$m" 'berth_pressure_events_total{container="burn",resource="memory"}')" ] ||
    fail "memory=off still armed a trigger"
  # the loops end after 6 s; ten quiet seconds later the episode is over
  for _ in $(seq 500); do events | grep -q '"type":"pressure-cleared"' && break; sleep 0.05; done
  events | grep '"type":"pressure-cleared"' | grep -q '"resource":"cpu"' || fail "no pressure-cleared: $(events)"
  assert_eq 1 "$(events | grep -c '"type":"pressure"')" "one pressure event per episode"
  assert_eq False "$(pod_status 'j["status"]["containerStatuses"][0]["berth"]["pressure"]["cpu"]["high"]')" "pod ps after"
  b pod rm -f tp >/dev/null
}

# Without CAP_SYS_RESOURCE the kernel takes only 2 s multiples as windows:
# the pod still runs, and says why it has no trigger.
test_pressure_window_the_kernel_refuses_is_a_warning() {
  [ -e /proc/pressure/cpu ] || skip "this kernel has no PSI (/proc/pressure/cpu missing)"
  local eff; eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
  (( (0x$eff >> 24) & 1 )) && skip "this process has CAP_SYS_RESOURCE: the kernel takes any window"
  pressure_pod "cpu=10%/1s,memory=off,io=off" 'exec sleep 1000'
  wait_event warning
  events | grep '"type":"warning"' | grep -q 'multiple of 2s' || fail "no 2s hint: $(events)"
  assert_eq True "$(pod_status '[c for c in j["status"]["containerStatuses"] if c["name"]=="burn"][0]["ready"]')" "the pod runs"
  b pod rm -f tp >/dev/null
}

# ---- pod top ------------------------------------------------------------

test_pod_top_no_stream_shows_each_container() {
  metrics_pod
  wait_restarts 1
  local out; out=$(b pod top --no-stream --interval 0.5) || fail "pod top: $out"
  local head; head=$(head -1 <<<"$out")
  for col in POD CONTAINER CPU "MEMORY (WS / LIMIT)" "PSI CPU/MEM/IO" RESTARTS "LAST REASON" READY HEALTH; do
    assert_contains "$head" "$col" "header"
  done
  assert_not_contains "$out" $'\033' "output to a pipe"
  local web crash
  web=$(awk '$1 == "tp" && $2 == "web"' <<<"$out")
  crash=$(awk '$1 == "tp" && $2 == "crash"' <<<"$out")
  [ -n "$web" ] && [ -n "$crash" ] || fail "rows missing: $out"
  [[ "$web" =~ [0-9]+\.[0-9]%.*\ yes\ +healthy$ ]] || fail "web row: $web"
  [[ "$crash" =~ \ [1-9][0-9]*\ +Error\ +no\  ]] || fail "crash row: $crash"
  # the columns line up: every row's READY starts where the header's does
  local col; col=$(awk '{ print index($0, "READY") }' <<<"$head")
  awk -v c="$col" 'NR > 1 && substr($0, c, 3) != "yes" && substr($0, c, 2) != "no" { exit 1 }' <<<"$out" ||
    fail "READY column not aligned: $out"
  out=$(b pod top --no-stream --interval 0.5 --format json tp) || fail "pod top json"
  python3 -c '
import json, sys
rows = {r["container"]: r for r in json.loads(sys.argv[1])}
w, c = rows["web"], rows["crash"]
assert w["pod"] == "tp" and w["ready"] is True and w["health"] == "healthy", w
assert isinstance(w["cpuPercent"], (int, float)) and w["cpuPercent"] >= 0, w
assert c["restarts"] >= 1 and c["lastReason"] == "Error" and c["ready"] is False, c
assert set(w["pressureAvg10"]) == {"cpu", "memory", "io"}, w
' "$out" || fail "json: $out"
  out=$(b pod top --no-stream nosuch 2>&1) && fail "top of a missing pod succeeded: $out"
  assert_contains "$out" "nosuch"
  b pod rm -f tp >/dev/null
}
