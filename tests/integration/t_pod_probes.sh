# Health probes (exec, httpGet, tcpSocket), readiness, startup gating and
# the systemd handshake, against busybox containers.
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

LOOP='while :; do sleep 0.1; done'

# ctr_status NAME EXPR: EXPR over `c`, the containerStatuses entry NAME.
ctr_status() {
  b pod ps --format json tp | python3 -c "
import json,sys
j=json.load(sys.stdin)[0]['status']
c=[c for c in j.get('initContainerStatuses',[])+j['containerStatuses'] if c['name']=='$1'][0]
print($2)"
}

# wait_ctr NAME EXPR VALUE: until ctr_status gives VALUE (10 s).
wait_ctr() {
  local v
  for _ in $(seq 100); do
    v=$(ctr_status "$1" "$2" 2>/dev/null) && [ "$v" = "$3" ] && return 0
    sleep 0.1
  done
  fail "$1: $2 is '$v', not '$3'; events: $(events | tail -20)"
}

start_pod() {
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d: $(events)"
}

stop_pod() {
  b pod stop -t 1 tp >/dev/null || fail "pod stop"
  assert_pod_ended tp
}

test_probe_exec_readiness_toggles_without_restart() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "'"$LOOP"'"]
p["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["test", "-f", "/tmp/ready"]},
                                               "periodSeconds": 1, "failureThreshold": 1}'
  start_pod
  wait_ctr c 'c["ready"]' False
  sleep 1.2
  assert_eq False "$(ctr_status c 'c["ready"]')" "ready before the probe passes"
  assert_eq "Running 0/1" "$(b pod ps tp | awk '$1=="tp"{print $2, $3}')" "pod row"
  b exec tp_c touch /tmp/ready
  wait_ctr c 'c["ready"]' True
  events | grep -q '"type":"ready"' || fail "no ready event"
  b exec tp_c rm /tmp/ready
  wait_ctr c 'c["ready"]' False
  events | grep -q '"type":"not-ready"' || fail "no not-ready event"
  assert_eq 0 "$(ctr_status c 'c["restartCount"]')" "restarts (readiness never restarts)"
  local last; last=$(ctr_status c 'c["berth"]["probes"]["readiness"]["results"][0]["outcome"]')
  assert_eq failure "$last" "newest readiness result"
  local n; n=$(ctr_status c 'len(c["berth"]["probes"]["readiness"]["results"])')
  [ "$n" -ge 2 ] && [ "$n" -le 5 ] || fail "history length $n (at most the last 5)"
  stop_pod
}

test_probe_liveness_failure_restarts_unhealthy() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["terminationGracePeriodSeconds"] = 5
p["spec"]["containers"][0]["command"] = ["sh", "-c", "touch /tmp/alive; trap \"exit 0\" TERM; '"$LOOP"'"]
p["spec"]["containers"][0]["livenessProbe"] = {"exec": {"command": ["sh", "-c", "echo checking; test -f /tmp/alive"]},
                                              "periodSeconds": 1, "failureThreshold": 2, "initialDelaySeconds": 1}'
  start_pod
  wait_ctr c 'c["berth"]["health"]' healthy
  b exec tp_c rm /tmp/alive
  wait_ctr c 'c["restartCount"]' 1
  assert_eq Unhealthy "$(ctr_status c 'c["lastState"]["terminated"]["reason"]')" "reason of the killed run"
  assert_contains "$(ctr_status c 'c["lastState"]["terminated"]["message"]')" "liveness probe failed: checking"
  assert_eq 2 "$(events | sed '/"type":"unhealthy"/q' | grep '"type":"probe-failed"' | grep -c '"probe":"liveness"')" "failures before the kill"
  events | grep '"type":"exited"' | grep -q '"reason":"Unhealthy"' || fail "no Unhealthy exit: $(events)"
  events | grep -q '"type":"unhealthy"' || fail "no unhealthy event"
  # The restarted container has a fresh /tmp/alive: healthy again.
  wait_ctr c 'c["berth"]["health"]' healthy
  stop_pod
}

test_probe_exec_timeout_kills_the_probe() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "'"$LOOP"'"]
p["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["sh", "-c", "sleep 7.654 & sleep 7.655"]},
                                               "periodSeconds": 3, "timeoutSeconds": 1}'
  start_pod
  wait_event probe-failed
  events | grep '"type":"probe-failed"' | grep -q 'timed out after 1s' || fail "not a timeout: $(events)"
  local d; d=$(ctr_status c 'c["berth"]["probes"]["readiness"]["results"][0]["durationMs"]')
  [ "$d" -ge 900 ] && [ "$d" -lt 2500 ] || fail "timeout after ${d} ms"
  sleep 0.3
  # The whole probe tree is gone, the background sleep included.
  ! pgrep -f 'sleep 7.65' >/dev/null || fail "probe processes survive: $(pgrep -af 'sleep 7.65')"
  stop_pod
}

# An HTTP server (busybox httpd), a 500, a server that never answers, a
# closed port; one readiness probe each.
test_probe_http_get() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
srv = ("mkdir -p /tmp/www && echo hi > /tmp/www/index.html && httpd -p 8080 -h /tmp/www; "
       "(while :; do printf \"HTTP/1.0 500 Oops\\r\\n\\r\\n\" | nc -l -p 8081 >/dev/null; done) & "
       "(while :; do nc -l -p 8082 -e sleep 1000; done) & " + "'"$LOOP"'")
def probe(port, path="/index.html"):
    return {"httpGet": {"port": port, "path": path, "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
            "periodSeconds": 1, "timeoutSeconds": 1}
p["spec"]["containers"] = [
  ctr("srv", "sh", "-c", srv, ports=[{"name": "web", "containerPort": 8080}], readinessProbe=probe("web")),
  ctr("missing", "sh", "-c", "'"$LOOP"'", readinessProbe=probe(8080, "/nothing-here")),
  ctr("err", "sh", "-c", "'"$LOOP"'", readinessProbe=probe(8081)),
  ctr("hang", "sh", "-c", "'"$LOOP"'", readinessProbe=probe(8082)),
  ctr("refused", "sh", "-c", "'"$LOOP"'", readinessProbe=probe(8083))]'
  start_pod
  wait_ctr srv 'c["ready"]' True
  local r='c["berth"]["probes"]["readiness"]["results"][0]'
  # The servers start with the containers: wait for answers, not refusals.
  # nc serves one connection at a time: the first probe hangs, later ones
  # may be refused while it does.
  wait_ctr hang "any('timeout' in x['output'] and x['outcome'] == 'failure' for x in c['berth']['probes']['readiness']['results'])" True
  wait_ctr err "'500' in $r[\"output\"]" True
  assert_eq "success HTTP 200" "$(ctr_status srv "$r[\"outcome\"] + \" \" + $r[\"output\"]")"
  assert_contains "$(ctr_status missing "$r[\"output\"]")" "statuscode: 404"
  assert_contains "$(ctr_status err "$r[\"outcome\"] + \" \" + $r[\"output\"]")" "failure HTTP probe failed with statuscode: 500"
  assert_contains "$(ctr_status refused "$r[\"outcome\"] + \" \" + $r[\"output\"]")" "Connection refused"
  for c in missing err hang refused; do
    assert_eq False "$(ctr_status $c 'c["ready"]')" "$c ready"
  done
  stop_pod
}

test_probe_tcp_socket() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("open", "sh", "-c", "while :; do nc -l -p 9090 -e true; done & '"$LOOP"'",
      readinessProbe={"tcpSocket": {"port": 9090}, "periodSeconds": 1}),
  ctr("closed", "sh", "-c", "'"$LOOP"'", readinessProbe={"tcpSocket": {"port": 9091}, "periodSeconds": 1})]'
  start_pod
  wait_ctr open 'c["ready"]' True
  wait_ctr closed 'len(c["berth"]["probes"]["readiness"]["results"]) > 0' True
  assert_eq False "$(ctr_status closed 'c["ready"]')" "ready with a closed port"
  assert_contains "$(ctr_status closed 'c["berth"]["probes"]["readiness"]["results"][0]["output"]')" "refused"
  stop_pod
}

# Until the startup probe succeeds, liveness does not run (and the health
# is "starting"); initialDelaySeconds holds the first run back.
test_probe_startup_gates_liveness_and_initial_delay() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
p["spec"]["containers"] = [
  ctr("c", "sh", "-c", "'"$LOOP"'", volumeMounts=[{"name": "v", "mountPath": "/v"}],
      startupProbe={"exec": {"command": ["test", "-f", "/tmp/started"]}, "periodSeconds": 1, "failureThreshold": 30},
      livenessProbe={"exec": {"command": ["sh", "-c", "echo run >> /v/liveness"]}, "periodSeconds": 1}),
  ctr("d", "sh", "-c", "'"$LOOP"'", volumeMounts=[{"name": "v", "mountPath": "/v"}],
      readinessProbe={"exec": {"command": ["sh", "-c", "echo run >> /v/delayed"]}, "periodSeconds": 1,
                      "initialDelaySeconds": 3})]'
  start_pod
  wait_ctr c 'c["berth"]["health"]' starting
  sleep 1.5
  [ ! -e "$T_DIR/vol/liveness" ] || fail "liveness ran before the startup probe passed"
  [ ! -e "$T_DIR/vol/delayed" ] || fail "readiness ran before initialDelaySeconds"
  assert_eq False "$(ctr_status c 'c["started"]')" "started before the startup probe"
  b exec tp_c touch /tmp/started
  wait_ctr c 'c["berth"]["health"]' healthy
  assert_eq True "$(ctr_status c 'c["started"]')"
  wait_for lines_ge "$T_DIR/vol/liveness" 1 || fail "liveness never ran after startup"
  wait_for lines_ge "$T_DIR/vol/delayed" 1 || fail "delayed readiness never ran"
  events | grep -q '"type":"started","pod":"tp","container":"c"' || fail "no started event: $(events)"
  stop_pod
}

# READY=1 only once the pod is ready; STATUS= on changes; WATCHDOG=1 at
# half of WATCHDOG_USEC.
test_probe_systemd_ready_after_readiness() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("fast", "sh", "-c", "'"$LOOP"'"),
  ctr("slow", "sh", "-c", "sleep 2; touch /tmp/ready; '"$LOOP"'",
      readinessProbe={"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1})]'
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" <<'PY' || fail "notify run failed"
import json, os, signal, socket, subprocess, sys, time
berth, root, d = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock", WATCHDOG_USEC="400000")
t0 = time.monotonic()
p = subprocess.Popen([berth, "--root", root, "pod", "run", "--log-dir", d + "/logs", d + "/pod.json"],
                     env=env, stdout=subprocess.DEVNULL)
msgs = []
try:
    while True:
        m = s.recv(200); msgs.append((time.monotonic() - t0, m))
        if m == b"READY=1":
            break
    ready_at = msgs[-1][0]
    evs = [json.loads(l) for l in open(d + "/logs/events.jsonl")]
    assert any(e["type"] == "ready" and e["container"] == "slow" for e in evs), ("READY=1 before readiness", evs)
    assert ready_at > 1.5, ("READY=1 too early", msgs)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        try:
            msgs.append((time.monotonic() - t0, s.recv(200)))
        except socket.timeout:
            break
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0
finally:
    if p.poll() is None:
        p.kill()
st = [m for _, m in msgs if m.startswith(b"STATUS=")]
assert any(b"1/2 ready" in m for m in st), st
assert any(b"2/2 ready" in m for m in st), st
wd = [t for t, m in msgs if m == b"WATCHDOG=1" and t > ready_at]
# 2 s after READY at a 200 ms interval: about 10.
assert 6 <= len(wd) <= 14, ("watchdog pings after READY", len(wd), msgs)
PY
  assert_pod_ended tp
}

# berth.dev/sd-notify.<c>: the container's READY=1 makes it ready (and
# then the pod, and systemd hears READY=1); its STATUS= and WATCHDOG=1 are
# passed on.
test_probe_sd_notify_relay_from_container() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/sd-notify.app": "true"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("app", "sh", "-c", "sleep 1; sdnotify \"STATUS=warming up\"; sleep 1; sdnotify READY=1; sdnotify WATCHDOG=1; '"$LOOP"'"),
  ctr("other", "sh", "-c", "'"$LOOP"'")]'
  add_sdnotify "$T_DIR/rootfs"
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" <<'PY' || fail "relay run failed"
import json, os, signal, socket, subprocess, sys, time
berth, root, d = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock")
t0 = time.monotonic()
p = subprocess.Popen([berth, "--root", root, "pod", "run", "--log-dir", d + "/logs", d + "/pod.json"],
                     env=env, stdout=subprocess.DEVNULL)
msgs = []
try:
    while not {b"WATCHDOG=1", b"READY=1"} <= {m for _, m in msgs}:
        msgs.append((time.monotonic() - t0, s.recv(300)))
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0
finally:
    if p.poll() is None:
        p.kill()
ms = [m for _, m in msgs]
assert b"STATUS=warming up" in ms, ms
ready = [t for t, m in msgs if m == b"READY=1"]
warm = [t for t, m in msgs if m == b"STATUS=warming up"]
assert len(ready) == 1 and ready[0] > warm[0], ("READY=1 before the container's", msgs)
evs = [json.loads(l) for l in open(d + "/logs/events.jsonl")]
assert any(e["type"] == "notify-ready" and e["container"] == "app" for e in evs), evs
PY
  assert_pod_ended tp
}

# An exec probe runs as the container's process does: its user,
# capabilities, no_new_privs and seccomp filter (RuntimeDefault here).
test_probe_exec_has_the_container_identity() {
  mkdir -p "$T_DIR/vol" && chmod 777 "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
p["spec"]["containers"] = [
  ctr("c", "sh", "-c", "grep -E \"^(Uid|CapEff|NoNewPrivs|Seccomp):\" /proc/self/status > /v/main; '"$LOOP"'",
      volumeMounts=[{"name": "v", "mountPath": "/v"}],
      securityContext={"runAsUser": 65534, "runAsGroup": 65534, "allowPrivilegeEscalation": False},
      readinessProbe={"exec": {"command": ["sh", "-c", "grep -E \"^(Uid|CapEff|NoNewPrivs|Seccomp):\" /proc/self/status > /v/probe"]},
                      "periodSeconds": 1})]'
  start_pod
  wait_for test -s "$T_DIR/vol/probe" || fail "the probe never ran"
  wait_for test -s "$T_DIR/vol/main" || fail "the container never ran"
  assert_eq "$(cat "$T_DIR/vol/main")" "$(cat "$T_DIR/vol/probe")" "probe vs container identity"
  grep -q '^Uid:.*65534' "$T_DIR/vol/probe" || fail "probe uid: $(cat "$T_DIR/vol/probe")"
  grep -q '^Seccomp:.*2' "$T_DIR/vol/probe" || fail "probe without seccomp: $(cat "$T_DIR/vol/probe")"
  stop_pod
}

# An exec probe after which the supervisor cannot return to its own pid
# namespace (a shim fails that setns): every later container would be born
# in the container's namespace, so the pod stops at once and says why.
test_probe_exec_stuck_in_pid_namespace_is_fatal() {
  command -v cc >/dev/null || skip "no C compiler to build the setns shim"
  # The shim is preloaded: a static berth (-Dstatic) loads nothing.  The
  # ASan lane's build is dynamic and runs this.
  case $(ldd "$BERTH" 2>&1) in *"=>"*) ;; *) skip "berth is linked statically: LD_PRELOAD cannot reach it" ;; esac
  cc -shared -fPIC -O2 -o "$T_DIR/fail_pidns_return.so" \
    "$(dirname "${BASH_SOURCE[0]}")/../helpers/fail_pidns_return.c" || fail "building the shim"
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "'"$LOOP"'"]
p["spec"]["containers"][0]["livenessProbe"] = {"exec": {"command": ["true"]}, "periodSeconds": 1}'
  local out rc=0
  # Under the ASan build: the shim comes before ASan's runtime, and the
  # supervisor ends stuck in a dead pid namespace where LeakSanitizer's own
  # clone at exit cannot run (leaks are checked by every other test).
  out=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0:detect_leaks=0" \
        LD_PRELOAD="$T_DIR/fail_pidns_return.so" timeout 15 \
          "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" 2>&1) || rc=$?
  [ "$rc" -ne 124 ] || fail "the pod ran on (timeout); events: $(events | tail -5)"
  [ "$rc" -ne 0 ] || fail "pod run succeeded: $out"
  assert_contains "$out" "returning to the caller's pid namespace"
  events | grep '"type":"fatal"' | grep -q '"container":"c".*liveness probe: exec: returning to the caller' ||
    fail "no fatal event naming the probe: $(events | tail -5)"
  assert_eq 0 "$(events | grep -c '"type":"probe-failed"')" "probe-failed events (it is no probe failure)"
  # Stuck there, the supervisor cannot start the CNI plugins for the DEL
  # (nothing can be forked into a dead pid namespace): it keeps the pod's
  # network record for `pod rm`, which finishes the teardown.
  assert_contains "$out" "berth pod rm tp"
  [ -e "$T_ROOT/pods/tp/network.json" ] || fail "network.json not kept for pod rm"
  b pod rm tp >/dev/null || fail "pod rm after the fatal"
  assert_pod_gone tp
}
