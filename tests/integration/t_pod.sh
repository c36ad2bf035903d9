# The pod supervisor: berth pod run POD.json.

source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

test_pod_shared_network_own_mounts() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"] = [
  ctr("srv", "sh", "-c", "readlink /proc/self/ns/net > /dev/null; echo srv $(stat -L -c %i /proc/self/ns/net) $(stat -L -c %i /proc/self/ns/mnt); nc -l -p 8080 -e echo hi"),
  ctr("cli", "sh", "-c", "echo cli $(stat -L -c %i /proc/self/ns/net) $(stat -L -c %i /proc/self/ns/mnt); for i in $(seq 50); do r=$(nc 127.0.0.1 8080 </dev/null 2>/dev/null) && [ -n \"$r\" ] && echo got $r && exit 0; sleep 0.1; done; exit 1"),
]'
  local out; out=$(timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json")
  assert_eq 0 $? "exit status of pod run ($out)"
  assert_contains "$out" "[cli] got hi"
  local srv cli
  srv=$(printf '%s\n' "$out" | sed -n 's/^\[srv\] srv //p')
  cli=$(printf '%s\n' "$out" | sed -n 's/^\[cli\] cli //p')
  [ -n "$srv" ] && [ -n "$cli" ] || fail "no namespace inodes in: $out"
  assert_eq "${srv%% *}" "${cli%% *}" "net namespace of both containers"
  [ "${srv#* }" != "${cli#* }" ] || fail "both containers share a mount namespace (${srv#* })"
  [ "${srv%% *}" != "$(ns_ino self net)" ] || fail "the pod uses the host network namespace"
  assert_pod_ended tp
}

test_pod_never_exit_code() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo bye; exit 3"]'
  timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null
  assert_eq 3 $? "exit status of pod run: the failed container's (docs/pod-spec.md)"
  local ev; ev=$(events)
  assert_contains "$ev" '"type":"exited"'
  assert_contains "$ev" '"code":3'
  assert_contains "$ev" '"reason":"Error"'
  assert_not_contains "$ev" '"restarting"'
  # CRI log format: RFC 3339 nano UTC timestamp, stream, F, line.
  grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z stdout F bye$' "$T_DIR/logs/c.log" ||
    fail "log not in CRI format: $(cat "$T_DIR/logs/c.log")"
  assert_pod_ended tp
}

test_pod_on_failure_restarts_until_success() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "OnFailure"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo x >> /v/count; [ $(wc -l < /v/count) -ge 3 ]"]
p["spec"]["containers"][0]["volumeMounts"] = [{"name": "v", "mountPath": "/v"}]'
  timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null
  assert_eq 0 $? "exit status of pod run"
  assert_eq 3 "$(wc -l < "$T_DIR/vol/count")" "runs of the container"
  local ev; ev=$(events)
  assert_eq 2 "$(printf '%s\n' "$ev" | grep -c '"type":"restarting"')" "restarts"
  assert_contains "$ev" '"backoffMs":0'
  assert_contains "$ev" '"backoffMs":100'
  assert_contains "$ev" '"reason":"Completed"'
  assert_pod_ended tp
}

test_pod_init_containers_in_order() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
vm = [{"name": "v", "mountPath": "/v"}]
p["spec"]["initContainers"] = [
  ctr("i1", "sh", "-c", "sleep 0.2; echo i1 >> /v/order", volumeMounts=vm),
  ctr("i2", "sh", "-c", "echo i2 >> /v/order", volumeMounts=vm)]
p["spec"]["containers"] = [ctr("m", "sh", "-c", "echo m >> /v/order", volumeMounts=vm)]'
  timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null
  assert_eq 0 $? "exit status of pod run"
  assert_eq "i1 i2 m" "$(tr '\n' ' ' < "$T_DIR/vol/order" | sed 's/ $//')" "start order"
  assert_pod_ended tp
}

# Several containers: the first that failed in manifest order speaks, not
# the first to fail in time.
test_pod_exit_code_of_the_first_failed_container() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"] = [ctr("ok", "true"), ctr("late", "sh", "-c", "sleep 0.5; exit 7"),
                           ctr("early", "sh", "-c", "exit 4")]'
  timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null
  assert_eq 7 $? "exit status of pod run: late's, as it comes before early in the manifest"
  assert_pod_ended tp
}

test_pod_failing_init_container_fails_pod() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["initContainers"] = [ctr("i1", "sh", "-c", "exit 5")]
p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo main ran"]'
  local out; out=$(timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json")
  assert_eq 5 $? "exit status of pod run: the failed init container's"
  assert_not_contains "$out" "main ran"
  assert_contains "$(events)" '"code":5'
  assert_pod_ended tp
}

test_pod_sigterm_graceful_stop() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("s1", "sleep", "1000"),
  ctr("s2", "sh", "-c", "trap \"echo term; exit 0\" TERM; echo up; while :; do sleep 0.1; done")]'
  "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >"$T_DIR/out" 2>&1 &
  local sup=$!
  wait_for grep -q "^\[s2\] up" "$T_DIR/out" || fail "pod did not start: $(cat "$T_DIR/out")"
  local pids; pids=$(cat /sys/fs/cgroup/unified/berth/pods/tp/*/cgroup.procs /sys/fs/cgroup/berth/pods/tp/*/cgroup.procs 2>/dev/null)
  [ -n "$pids" ] || fail "no container processes found in the pod cgroup"
  grep -q " $T_ROOT/pods/tp/s1/merged " /proc/self/mountinfo || fail "no overlay mount for s1"
  local t0; t0=$(date +%s%N)
  kill -TERM $sup
  local rc=0
  for _ in $(seq 100); do kill -0 $sup 2>/dev/null || break; sleep 0.05; done
  kill -0 $sup 2>/dev/null && { kill -KILL $sup; fail "pod run still running 5 s after SIGTERM"; }
  wait $sup; rc=$?
  assert_eq 0 $rc "exit status after SIGTERM ($(cat "$T_DIR/out"))"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $ms -lt 4000 ] || fail "stop took ${ms} ms (grace period 2 s)"
  assert_contains "$(cat "$T_DIR/out")" "[s2] term"
  grep -Eq 'Z stdout F term$' "$T_DIR/logs/s2.log" || fail "log: $(cat "$T_DIR/logs/s2.log")"
  assert_contains "$(events)" '"type":"stopped"'
  local p; for p in $pids; do wait_for proc_gone "$p" || fail "process $p still exists"; done
  assert_pod_ended tp
}

test_pod_prestop_notify_shared_pid() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["shareProcessNamespace"] = True
p["spec"]["restartPolicy"] = "Always"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
vm = [{"name": "v", "mountPath": "/v"}]
p["spec"]["containers"] = [
  ctr("a", "sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done", volumeMounts=vm,
      lifecycle={"preStop": {"exec": {"command": ["sh", "-c", "echo prestop > /v/ps"]}}}),
  ctr("b", "sh", "-c", "sleep 0.3; ps -o comm | grep -c sh > /v/nsh; trap \"exit 0\" TERM; while :; do sleep 0.1; done", volumeMounts=vm)]'
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" <<'PY' || fail "notify/stop run failed"
import os, signal, socket, subprocess, sys, time
berth, root, d = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(5)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock")
p = subprocess.Popen([berth, "--root", root, "pod", "run", d + "/pod.json"], env=env,
                     stdout=subprocess.DEVNULL)
seen = []
def until(msg):
    while True:
        m = s.recv(200)
        seen.append(m)
        if m == msg:
            return
try:
    until(b"READY=1")
    for _ in range(100):
        if os.path.exists(d + "/vol/nsh") and open(d + "/vol/nsh").read().strip():
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    until(b"STOPPING=1")
    assert p.wait(timeout=5) == 0, "exit status"
    st = [m for m in seen if m.startswith(b"STATUS=")]
    assert st and st[0] == b"STATUS=Running: 2/2 ready, 2 running, 0 restarts", seen
finally:
    if p.poll() is None:
        p.kill()
PY
  assert_eq prestop "$(cat "$T_DIR/vol/ps" 2>/dev/null)" "preStop output"
  # b sees both containers' shells (a's and its own) in the shared pid namespace.
  [ "$(cat "$T_DIR/vol/nsh")" -ge 2 ] || fail "shared pid namespace: $(cat "$T_DIR/vol/nsh")"
  assert_pod_ended tp
}

test_pod_host_network_has_host_hostname() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["hostNetwork"] = True
p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo $(hostname) $(stat -L -c %i /proc/self/ns/net) $(stat -L -c %i /proc/self/ns/uts)"]'
  local out; out=$(timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json")
  assert_eq 0 $? "exit status ($out)"
  assert_eq "[c] $(hostname) $(ns_ino self net) $(ns_ino self uts)" "$out" "hostname, net and uts namespaces"
  assert_pod_ended tp
}

# Always: an exiting container is restarted with the kubelet's backoff
# shape, here from berth.dev/restart-backoff: immediately, then initial,
# doubling up to max.
test_pod_always_backoff_timings() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "300ms,600ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "exit 0"]'
  (exec "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null 2>&1) &
  local sup=$!
  wait_event container-started 5
  kill -TERM $sup; wait $sup
  assert_eq "0 300 600 600" "$(events | grep '"type":"restarting"' | head -4 | sed -E 's/.*"backoffMs":([0-9]+).*/\1/' | tr '\n' ' ' | sed 's/ $//')" "backoffs"
  # The gaps between an exit and the next start follow them.
  events | python3 -c '
import json, sys, datetime
def t(e): return datetime.datetime.fromisoformat(e["time"][:26]).timestamp()
ev = [json.loads(l) for l in sys.stdin]
ex = [t(e) for e in ev if e["type"] == "exited"]
st = [t(e) for e in ev if e["type"] == "container-started"][1:]
want = [0, 0.3, 0.6, 0.6]
for i, w in enumerate(want):
    gap = st[i] - ex[i]
    assert w <= gap < w + 1.0, (i, gap, w)
' || fail "restart gaps do not follow the backoff: $(events)"
  assert_pod_ended tp
}

# The pod state dir cannot be removed at the end (a mount was left in it):
# the warning gives the reason the removal returned, not whatever errno
# the last call inside it happened to leave.
test_pod_teardown_warning_names_the_real_error() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sleep", "1000"]'
  (exec "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >"$T_DIR/out" 2>&1) &
  local sup=$! junk=$T_ROOT/pods/tp/junk
  wait_event container-started
  mkdir "$junk" && mount -t tmpfs berth-test "$junk" || fail "mounting a tmpfs in the pod state dir"
  kill -TERM $sup; wait $sup
  umount "$junk"; rm -rf "$T_ROOT/pods/tp"
  assert_contains "$(cat "$T_DIR/out")" "removing $T_ROOT/pods/tp/junk: Invalid cross-device link"
}
