# berth pod run -d / ps / inspect / stop / rm, the control socket, crash
# recovery, --keep, log rotation, stop order and the grace period.
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

# A pod with a sidecar and a main container that both record when they get
# SIGTERM in $T_DIR/vol/order.
sidecar_pod() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["terminationGracePeriodSeconds"] = 10
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
vm = [{"name": "v", "mountPath": "/v"}]
p["spec"]["initContainers"] = [
  ctr("side", "sh", "-c", "trap \"sleep 0.3; echo side >> /v/order; exit 0\" TERM; while :; do sleep 0.1; done",
      restartPolicy="Always", volumeMounts=vm)]
p["spec"]["containers"] = [
  ctr("main", "sh", "-c", "echo started; trap \"echo main >> /v/order; exit 0\" TERM; while :; do sleep 0.1; done",
      volumeMounts=vm)]'
}

test_pod_detach_ps_inspect_stop_order() {
  sidecar_pod
  local out; out=$(b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json")
  assert_eq 0 $? "exit status of pod run -d"
  assert_eq tp "$out" "pod run -d prints the pod name"
  # -d returns once every container has started.
  assert_eq Running "$(pod_status 'j["status"]["phase"]')" "phase"
  assert_eq "side running" "$(pod_status 'j["status"]["initContainerStatuses"][0]["name"] + " " + list(j["status"]["initContainerStatuses"][0]["state"])[0]')"
  assert_eq "main running" "$(pod_status 'j["status"]["containerStatuses"][0]["name"] + " " + list(j["status"]["containerStatuses"][0]["state"])[0]')"
  local table; table=$(b pod ps)
  assert_contains "$table" "POD / CONTAINER"
  printf '%s\n' "$table" | grep -Eq '^tp +Running +2/2 +0 ' || fail "pod row: $table"
  printf '%s\n' "$table" | grep -Eq '^  side +running \[sidecar\] +yes +0 ' || fail "sidecar row: $table"
  local insp; insp=$(b pod inspect tp)
  assert_contains "$insp" '"containerID": "berth://tp_main"'
  assert_contains "$insp" '"kind": "Pod"'
  local sup; sup=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  [ -S "$T_ROOT/pods/tp/control.sock" ] || fail "no control socket"
  assert_eq 600 "$(stat -c %a "$T_ROOT/pods/tp/control.sock")" "control socket mode"
  assert_eq 700 "$(stat -c %a "$T_ROOT/pods/tp")" "state dir mode"
  out=$(b pod stop tp)
  assert_eq 0 $? "exit status of pod stop"
  assert_eq tp "$out" "pod stop prints the pod name"
  wait_pid_gone "$sup" "the supervisor after pod stop returned"
  # The sidecar is stopped after the main container, not with it.
  assert_eq "main side" "$(tr '\n' ' ' < "$T_DIR/vol/order" | sed 's/ $//')" "SIGTERM order"
  events | grep -q '"type":"stopping"' || fail "no stopping event: $(events)"
  assert_pod_ended tp
  b pod ps tp >/dev/null 2>&1 && fail "pod ps of a removed pod succeeded"
  return 0
}

test_pod_stop_grace_period_then_kill() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["terminationGracePeriodSeconds"] = 1
p["spec"]["containers"][0]["command"] = ["sh", "-c", "trap \"\" TERM; echo up; while :; do sleep 0.1; done"]'
  (exec "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null 2>&1) &
  local sup=$!
  wait_event container-started
  local t0; t0=$(date +%s%N)
  b pod stop tp >/dev/null || fail "pod stop failed"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  wait $sup
  assert_eq 0 $? "exit status of a pod stopped by pod stop"
  [ "$ms" -ge 900 ] || fail "stopped after ${ms} ms, before the 1 s grace period"
  [ "$ms" -lt 8000 ] || fail "stop took ${ms} ms"
  events | grep '"type":"exited"' | grep -q '"signal":9' || fail "not killed after the grace period: $(events)"
  events | grep '"type":"exited"' | grep -q '"code":137' || fail "no exit code 137: $(events)"
  assert_pod_ended tp
}

test_pod_stop_time_overrides_grace() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["terminationGracePeriodSeconds"] = 30
p["spec"]["containers"][0]["command"] = ["sh", "-c", "trap \"\" TERM; while :; do sleep 0.1; done"]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local t0; t0=$(date +%s%N)
  b pod stop -t 0 tp >/dev/null || fail "pod stop -t 0 failed"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$ms" -lt 5000 ] || fail "pod stop -t 0 took ${ms} ms (grace period 30 s)"
  assert_pod_ended tp
}

test_pod_run_twice_is_refused() {
  sidecar_pod
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local out; out=$(b pod run "$T_DIR/pod.json" 2>&1)
  assert_eq 1 $? "exit status of a second pod run"
  assert_contains "$out" 'pod "tp" is already running'
  assert_eq Running "$(pod_status 'j["status"]["phase"]')" "the first pod after the refused second run"
  b pod stop -t 1 tp >/dev/null
  assert_pod_ended tp
}

# The sidecar pod, detached; kill -9 its supervisor and print the main
# container's pid.
run_then_kill_supervisor() {
  sidecar_pod
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local sup
  sup=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  pod_status 'j["status"]["containerStatuses"][0]["berth"]["pid"]'
  kill -9 "$sup"
  for _ in $(seq 100); do kill -0 "$sup" 2>/dev/null || break; sleep 0.05; done
}

# kill -9 the supervisor: the containers live on, ps says so, rm removes
# everything.
test_pod_supervisor_sigkill_then_rm() {
  local pid; pid=$(run_then_kill_supervisor)
  kill -0 "$pid" 2>/dev/null || fail "container process $pid died with its supervisor"
  local table; table=$(b pod ps)
  assert_contains "$table" "supervisor gone"
  local out; out=$(b pod inspect tp 2>&1)
  assert_eq 1 $? "pod inspect of a pod whose supervisor was killed"
  assert_contains "$out" "berth pod rm tp"
  out=$(b pod stop tp 2>&1)
  assert_eq 1 $? "pod stop of a pod whose supervisor was killed"
  assert_contains "$out" "berth pod rm tp"
  out=$(b pod rm tp)
  assert_eq 0 $? "exit status of pod rm"
  assert_eq tp "$out"
  wait_pid_gone "$pid" "a container process after pod rm"
  assert_pod_gone tp
}

test_pod_supervisor_sigkill_then_run_recovers() {
  local pid; pid=$(run_then_kill_supervisor)
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d after a killed supervisor"
  wait_pid_gone "$pid" "the old container process after the new run"
  events | grep -q '"type":"recovered"' || fail "no recovered event: $(events)"
  assert_eq Running "$(pod_status 'j["status"]["phase"]')" "phase of the new run"
  b pod stop -t 1 tp >/dev/null
  assert_pod_ended tp
}

test_pod_rm_of_running_pod_needs_force() {
  sidecar_pod
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local out; out=$(b pod rm tp 2>&1)
  assert_eq 1 $? "exit status of pod rm of a running pod"
  assert_contains "$out" "is running"
  assert_eq Running "$(pod_status 'j["status"]["phase"]')"
  b pod rm -f tp >/dev/null || fail "pod rm -f"
  assert_pod_gone tp
  out=$(b pod rm tp 2>&1)
  assert_eq 1 $? "exit status of pod rm of an absent pod"
  assert_contains "$out" "pod tp not found"
}

# The socket is root's: its mode keeps others out, and SO_PEERCRED does
# even when the modes are opened up.
test_pod_control_socket_refuses_non_root() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  sidecar_pod
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local sock=$T_ROOT/pods/tp/control.sock
  cat > "$T_DIR/client.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect-error", e.errno); sys.exit(0)
try:
    s.sendall(b"status\n")
except BrokenPipeError:
    pass   # a refused client may be cut off before it has sent
print(s.recv(200).decode().splitlines()[0])
PY
  local p=$T_ROOT/pods/tp d
  local out; out=$(setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 -c "$(cat "$T_DIR/client.py")" "$sock" 2>&1)
  assert_contains "$out" "connect-error 13" "nobody connecting with the default modes"
  d=$p; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
  chmod 666 "$sock"
  out=$(setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 -c "$(cat "$T_DIR/client.py")" "$sock" 2>&1)
  assert_contains "$out" "error permission denied" "nobody connecting with opened modes"
  out=$(python3 "$T_DIR/client.py" "$sock")
  assert_eq ok "$out" "root's request"
  b pod stop -t 1 tp >/dev/null
  assert_pod_ended tp
}

# A pod that ended stays until pod rm (as in docker and Kubernetes): pod
# ps -a, inspect, logs and events show it; a new run of its name is
# refused without --replace.
test_pod_kept_then_ps_and_rm() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo done"]'
  b pod run "$T_DIR/pod.json" >/dev/null
  assert_eq 0 $? "exit status of pod run"
  [ -d "$T_ROOT/pods/tp" ] || fail "the state dir of a pod that ended was removed"
  assert_eq Succeeded "$(pod_status 'j["status"]["phase"]')" "phase of a kept pod"
  assert_eq Completed "$(pod_status 'j["status"]["containerStatuses"][0]["state"]["terminated"]["reason"]')"
  grep -q ' stdout F done$' "$T_ROOT/pods/tp/logs/c.log" || fail "kept log: $(cat "$T_ROOT/pods/tp/logs/c.log")"
  ! grep -q " $T_ROOT/pods/" /proc/self/mountinfo || fail "a mount remains under a kept pod"
  [ ! -d /sys/fs/cgroup/unified/berth/pods/tp ] || fail "a kept pod keeps its cgroup"
  assert_not_contains "$(b pod ps)" "tp" "pod ps without -a lists an ended pod"
  local table; table=$(b pod ps -a)
  printf '%s\n' "$table" | grep -Eq '^tp +Succeeded \(ended [0-9]+s ago\) +[01]/1' ||
    fail "ps -a of a kept pod: $table"
  assert_not_contains "$table" "stopping"
  assert_eq "done" "$(b pod logs tp)" "pod logs of an ended pod"
  assert_contains "$(b pod events --format json tp)" '"type":"stopped"'
  local out; out=$(b pod run "$T_DIR/pod.json" 2>&1) && fail "a second run of an ended pod's name succeeded"
  assert_contains "$out" 'pod "tp" exists: it has ended'
  assert_contains "$out" "berth pod rm tp"
  assert_eq Succeeded "$(pod_status 'j["status"]["phase"]')" "the refused run changed the kept pod"
  b pod run --replace "$T_DIR/pod.json" >/dev/null || fail "pod run --replace"
  assert_eq 1 "$(b pod logs tp | grep -c done)" "logs after --replace: the new run's only"
  b pod stop tp >/dev/null || fail "pod stop of a pod that ended"
  b pod rm tp >/dev/null || fail "pod rm of a kept pod"
  assert_pod_gone tp
}

# A pod with --log-dir that ended: its logs and events are still read
# through the state dir's symlink; pod rm leaves the --log-dir's files.
test_pod_ended_with_log_dir_keeps_its_logs() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo done"]'
  b pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run"
  [ -L "$T_ROOT/pods/tp/logs" ] || fail "the logs symlink of an ended pod is gone"
  assert_eq done "$(b pod logs tp)" "pod logs of an ended --log-dir pod"
  assert_contains "$(b pod events --format json tp)" '"type":"stopped"'
  assert_pod_ended tp
  grep -q ' stdout F done$' "$T_DIR/logs/c.log" || fail "pod rm removed the --log-dir's log"
}

# --rm: nothing stays when the pod ends (a throwaway run).
test_pod_run_rm_leaves_nothing() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo done"]'
  assert_eq "[c] done" "$(b pod run --rm "$T_DIR/pod.json")" "output of pod run --rm"
  [ ! -e "$T_ROOT/pods/tp" ] || fail "pod run --rm left $(ls "$T_ROOT/pods/tp")"
  assert_not_contains "$(b pod ps -a)" "tp" "pod ps -a after --rm"
}

# pod restart: the same supervisor stops the pod gracefully and runs it
# again; restart counts start over, logs and events go on; it returns
# once the pod is up.  A pod that ended is not restarted.
test_pod_restart_runs_the_pod_again() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["initContainers"] = [ctr("init", "sh", "-c", "echo init")]
p["spec"]["containers"] = [ctr("web", "sh", "-c", "echo up; trap \"echo bye; exit 0\" TERM; while :; do sleep 0.1; done")]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local pid; pid=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  assert_eq 1 "$(pod_status 'j["status"]["berth"]["run"]')" "berth.run of the first run"
  # The supervisor holds the pod's lock across the runs: to pod logs -f
  # (and everyone else) the pod never stopped.
  b pod logs -f tp > "$T_DIR/follow" 2>&1 &
  local follower=$!
  assert_eq tp "$(b pod restart -t 5 tp)" "output of pod restart"
  for _ in $(seq 100); do
    [ "$(grep -c '^\[web\] up$' "$T_DIR/follow")" -ge 2 ] && break
    sleep 0.05
  done
  kill -0 "$follower" 2>/dev/null || fail "pod logs -f ended at the restart: $(cat "$T_DIR/follow")"
  assert_eq 2 "$(grep -c '^\[web\] up$' "$T_DIR/follow")" "pod logs -f across the restart"
  kill "$follower"; wait "$follower" 2>/dev/null
  assert_eq Running "$(pod_status 'j["status"]["phase"]')" "phase right after pod restart returned"
  assert_eq 2 "$(pod_status 'j["status"]["berth"]["run"]')" "berth.run after a restart"
  assert_eq "$pid" "$(pod_status 'j["status"]["berth"]["supervisorPid"]')" "the same supervisor"
  assert_eq 0 "$(pod_status 'j["status"]["containerStatuses"][0]["restartCount"]')" "restart count"
  local logs; logs=$(b pod logs tp)
  assert_eq 2 "$(printf '%s\n' "$logs" | grep -c '^\[init\] init$')" "init ran twice: $logs"
  assert_eq 2 "$(printf '%s\n' "$logs" | grep -c '^\[web\] up$')" "web started twice: $logs"
  assert_contains "$logs" "[web] bye"
  assert_contains "$(events)" "restart requested"
  b pod stop tp >/dev/null || fail "pod stop after a restart"
  local out; out=$(b pod restart tp 2>&1) && fail "pod restart of an ended pod succeeded"
  assert_contains "$out" "pod tp has ended: \`berth pod run --replace FILE\` runs it again"
  out=$(b pod restart nosuch 2>&1) && fail "pod restart of a missing pod succeeded"
  assert_contains "$out" "pod nosuch not found"
  assert_pod_ended tp
}

test_pod_log_rotation() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"][0]["command"] = ["sh", "-c", "i=0; while [ $i -lt 400 ]; do echo \"line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"; i=$((i+1)); done"]'
  b pod run --log-dir "$T_DIR/logs" --log-max-size 4Ki --log-max-files 3 "$T_DIR/pod.json" >/dev/null ||
    fail "pod run"
  local f
  for f in c.log c.log.1 c.log.2; do
    [ -f "$T_DIR/logs/$f" ] || fail "no $f: $(ls "$T_DIR/logs")"
    [ "$(stat -c %s "$T_DIR/logs/$f")" -le 4096 ] || fail "$f is $(stat -c %s "$T_DIR/logs/$f") bytes"
  done
  [ ! -e "$T_DIR/logs/c.log.3" ] || fail "more than 3 files kept: $(ls "$T_DIR/logs")"
  tail -1 "$T_DIR/logs/c.log" | grep -q ' stdout F line 399 x' || fail "last line not in c.log: $(tail -1 "$T_DIR/logs/c.log")"
  # Whole records only: every line of every file is a CRI record.
  ! grep -hEv '^[0-9T:.-]+Z stdout F line [0-9]+ x+$' "$T_DIR"/logs/c.log* || fail "a record was split"
  # Nothing lost between the files kept: their lines are consecutive.
  local nums; nums=$(cat "$T_DIR/logs/c.log.2" "$T_DIR/logs/c.log.1" "$T_DIR/logs/c.log" | sed -E 's/.* line ([0-9]+) .*/\1/')
  local first; first=$(printf '%s\n' "$nums" | head -1)
  assert_eq "$(seq "$first" 399 | tr '\n' ' ')" "$(printf '%s\n' "$nums" | tr '\n' ' ')" "lines across rotated files"
}

test_pod_init_container_failure_retried_on_failure() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "100ms,200ms,10m"}
p["spec"]["restartPolicy"] = "OnFailure"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
vm = [{"name": "v", "mountPath": "/v"}]
p["spec"]["initContainers"] = [ctr("init", "sh", "-c", "echo x >> /v/n; [ $(wc -l < /v/n) -ge 3 ]", volumeMounts=vm)]
p["spec"]["containers"] = [ctr("c", "sh", "-c", "echo main ran after $(wc -l < /v/n) tries", volumeMounts=vm)]'
  local out; out=$(pod_run "$T_DIR/pod.json")
  assert_eq 0 $? "exit status ($out)"
  assert_contains "$out" "[c] main ran after 3 tries"
  assert_eq 2 "$(events | grep '"type":"restarting"' | grep -c '"container":"init"')" "restarts of the init container"
  assert_pod_ended tp
}

# berth exec into a pod container gets the container's user, capabilities
# and seccomp filter, as kubectl exec does.
test_pod_exec_has_the_container_identity() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"][0]["command"] = ["sh", "-c", "while :; do sleep 0.1; done"]
p["spec"]["containers"][0]["securityContext"] = {"runAsUser": 65534, "runAsGroup": 65534,
    "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local want got
  want=$(b exec tp_c sh -c 'grep -E "^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/1/status')
  got=$(b exec tp_c sh -c 'grep -E "^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status')
  assert_eq "$want" "$got" "berth exec vs the container's pid 1"
  assert_contains "$got" "Seccomp:	2"
  b pod stop -t 0 tp >/dev/null
  assert_pod_ended tp
}

# --cgroup-parent self (a systemd unit with Delegate=yes): the pod's
# cgroups live under the supervisor's own cgroup; rm after a crash finds
# them there.
test_pod_cgroup_parent_self() {
  local top=/sys/fs/cgroup/unified
  [ "$(stat -f -c %T "$top" 2>/dev/null)" = cgroup2fs ] || top=/sys/fs/cgroup
  [ "$(stat -f -c %T "$top" 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount"
  local unit=$top/berth-it-unit-$$
  mkdir "$unit" || fail "creating $unit"
  sidecar_pod
  # The "unit": a shell in $unit that becomes the supervisor.
  sh -c "echo \$\$ > $unit/cgroup.procs && exec \"$BERTH\" --root \"$T_ROOT\" pod run -d --cgroup-parent self --log-dir \"$T_DIR/logs\" \"$T_DIR/pod.json\"" >/dev/null ||
    { rmdir "$unit"; fail "pod run -d --cgroup-parent self"; }
  local cg sup
  cg=$(pod_status 'j["status"]["containerStatuses"][0]["berth"]["cgroup"]')
  sup=$(pod_status 'j["status"]["berth"]["supervisorPid"]')
  assert_eq "$unit/tp/main" "$cg" "container cgroup"
  grep -q "^0::${unit#$top}" "/proc/$sup/cgroup" || fail "supervisor not in the unit: $(cat /proc/$sup/cgroup)"
  kill -9 "$sup"
  wait_pid_gone "$sup" "the supervisor"
  b pod rm tp >/dev/null || fail "pod rm after the crash"
  [ ! -d "$unit/tp" ] || fail "pod cgroup $unit/tp left behind"
  assert_pod_gone tp
  rmdir "$unit"/* 2>/dev/null; rmdir "$unit" || fail "the unit cgroup is not empty: $(ls "$unit")"
}

# Pod tp's containers are tp_<name>, in the same id space as containers
# made by hand: neither side may take the other's.
test_pod_container_ids_are_reserved() {
  make_bundle "$T_DIR/b" sleep 60
  b create -b "$T_DIR/b" tp_c || fail "create tp_c by hand before the pod"
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sleep", "60"]'
  local out; out=$(pod_run "$T_DIR/pod.json" 2>&1)
  assert_eq 1 $? "exit status of a pod whose container id is taken"
  assert_contains "$out" "the id tp_c is taken by a container that is not this pod's"
  assert_eq created "$(status_of tp_c)" "the hand-made container after the refused pod"
  [ ! -e "$T_ROOT/pods/tp" ] || fail "the refused pod left its state dir"
  b delete -f tp_c || fail "delete tp_c"
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  out=$(b create -b "$T_DIR/b" tp_x 2>&1)
  assert_eq 1 $? "exit status of create tp_x while pod tp exists"
  assert_contains "$out" 'container id "tp_x" is reserved'
  [ ! -e "$T_ROOT/tp_x" ] || fail "the refused create left state"
  out=$(b run -d -b "$T_DIR/b" tp_y 2>&1)
  assert_contains "$out" 'container id "tp_y" is reserved' "run, like create"
  b create -b "$T_DIR/b" tpx_1 || fail "an id that only starts like the pod's"
  b delete -f tpx_1
  b pod stop -t 1 tp >/dev/null
  assert_pod_ended tp
}

# --debug traces every state change of the pod and its containers, in
# order, to --log (the supervisor's part of the debug trace).
test_pod_debug_traces_state_changes() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "exit 3"]'
  "$BERTH" --root "$T_ROOT" --debug --log "$T_DIR/trace" --log-format json \
    pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json"
  assert_eq 3 $? "exit status of a pod whose container failed (its own)"
  local got
  got=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m.startswith("supervisor: ") and not m.startswith("supervisor: cni: "):
        print(m[len("supervisor: "):].split(" (")[0])
' "$T_DIR/trace") || fail "trace is not JSON lines"
  # The pod network's plugin execs are traced too, each with its time.
  grep -q '"supervisor: cni: bridge ADD: [0-9]* ms, status 0"' "$T_DIR/trace" ||
    fail "no trace of the bridge plugin's ADD: $(cat "$T_DIR/trace")"
  assert_eq "pod tp: initializing -> running
container c: waiting -> starting
container c: starting -> running
container c: running -> exited
container c: exited -> done
pod tp: running -> stopping-main
pod tp: stopping-main -> stopping-sidecars
pod tp: stopping-sidecars -> done" "$got" "state changes traced"
  assert_pod_ended tp
}

# pod ps says why a container is not ready or waits, and a long container
# name widens its column instead of shifting the others.
test_pod_ps_says_why_and_fits_long_names() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "30s,60s,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("a-container-with-a-rather-long-name-indeed", "sh", "-c", "sleep 1000",
      readinessProbe={"exec": {"command": ["sh", "-c", "echo not yet; exit 1"]}, "periodSeconds": 1}),
  ctr("crash", "sh", "-c", "exit 3")]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local table
  for _ in $(seq 100); do
    table=$(b pod ps tp)
    # (the first exit restarts at once: wait for the 30 s back-off)
    printf '%s\n' "$table" | grep -Eq "restart in [1-9][0-9]*s" &&
      printf '%s\n' "$table" | grep -q "readiness probe failed" && break
    sleep 0.1
  done
  printf '%s\n' "$table" | grep -Eq '^  crash +waiting: CrashLoopBackOff +no +1 +Error +- +.* back-off: restart in [0-9]+s$' ||
    fail "crash row: $table"
  printf '%s\n' "$table" | grep -Eq '^  a-container-with-a-rather-long-name-indeed +running(, healthy)? +no +0 .*readiness probe failed [0-9]+ times?: not yet$' ||
    fail "probe row: $table"
  # every row's READY column starts at the header's
  local col; col=$(printf '%s\n' "$table" | head -1 | grep -bo READY | cut -d: -f1)
  printf '%s\n' "$table" | tail -n +2 | while IFS= read -r line; do
    local v=${line:$col:3}
    case "${v%% *}" in yes|no|0/2|1/2|2/2) ;; *) fail "READY column off in: $line" ;; esac
  done || fail "columns: $table"
  b pod rm -f tp >/dev/null
}

# pod exec: by the manifest's names; stdin only with -i; the command's
# exit status; clear errors for a wrong pod or container.
test_pod_exec_by_names() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("web", "sh", "-c", "echo up; sleep 1000")]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local out
  out=$(b pod exec -e X=42 tp web -- sh -c 'echo "x=$X"; exit 5')
  assert_eq 5 $? "exit status of pod exec: the command's"
  assert_eq "x=42" "$out" "output of pod exec"
  assert_eq "" "$(echo hidden | b pod exec tp web cat)" "stdin without -i"
  assert_eq "shown" "$(echo shown | b pod exec -i tp web cat)" "stdin with -i"
  # -t alone: a terminal, but nothing of stdin reaches it (the pty would
  # echo what was relayed)
  out=$(echo hidden | timeout 30 "$BERTH" --root "$T_ROOT" pod exec -t tp web \
    sh -c 'sleep 1; test -t 0 && echo tty')
  assert_contains "$out" "tty"
  assert_not_contains "$out" "hidden"
  out=$(b pod exec tp nosuch true 2>&1) && fail "exec in a missing container succeeded"
  assert_contains "$out" 'pod tp has no running container "nosuch"'
  out=$(b pod exec nopod web true 2>&1) && fail "exec in a missing pod succeeded"
  assert_contains "$out" "pod nopod not found"
  out=$(b pod exec tp web 2>&1) && fail "exec without a command succeeded"
  assert_contains "$out" "usage: berth pod exec"
  b pod rm -f tp >/dev/null
}

# inspect keeps the manifest's metadata and shows its spec; pod ps -l
# selects by label; pod events is readable with --format table.
test_pod_labels_inspect_and_readable_events() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["namespace"] = "shop"
p["metadata"]["labels"] = {"app": "web", "tier": "front"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("web", "sh", "-c", "sleep 1000")]'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
  local insp; insp=$(b pod inspect tp)
  assert_eq shop "$(json_get 'j["metadata"]["namespace"]' <<<"$insp")" "namespace"
  assert_eq web "$(json_get 'j["metadata"]["labels"]["app"]' <<<"$insp")" "labels"
  assert_eq "sh -c sleep 1000" "$(json_get '" ".join(j["spec"]["containers"][0]["command"])' <<<"$insp")" "spec"
  assert_contains "$(b pod ps -l app=web)" "tp "
  assert_contains "$(b pod ps -l 'app=web,tier!=back' --format json)" '"name":"tp"'
  assert_not_contains "$(b pod ps -l app=db)" "tp "
  local out; out=$(b pod ps -l 'a b' 2>&1) && fail "a bad selector was accepted"
  assert_contains "$out" "label selector"
  out=$(b pod events tp --format table)
  printf '%s\n' "$out" | grep -Eq '^[0-9:.Z]+ +container-started +web' || fail "readable events: $out"
  printf '%s\n' "$(b pod events tp)" | head -1 | grep -q '^{"time"' || fail "events as JSON when not a terminal"
  b pod rm -f tp >/dev/null
}

# A YAML file of several documents (or a kind: List) is several pods:
# `pod run -d` starts a supervisor for each; the foreground refuses.
test_pod_run_several_pods_from_one_yaml_file() {
  make_rootfs "$T_DIR/rootfs"
  local p
  for p in tp tp2; do
    printf -- '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  restartPolicy: Always\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: c\n    image: %s\n    command: [sh, -c, "sleep 1000"]\n' \
      "$p" "$T_DIR/rootfs"
  done > "$T_DIR/pods.yaml"
  local out
  out=$(b pod run "$T_DIR/pods.yaml" 2>&1) && fail "the foreground ran two pods"
  assert_contains "$out" "has 2 pods: run them with pod run -d"
  out=$(b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pods.yaml" 2>&1) && fail "one --log-dir for two pods"
  assert_contains "$out" "--log-dir takes one"
  out=$(b pod run -d "$T_DIR/pods.yaml") || fail "pod run -d: $out"
  assert_eq "tp tp2" "$(echo $out)" "pod run -d prints each pod"
  assert_eq Running "$(b pod inspect tp2 | json_get 'j["status"]["phase"]')" "tp2 runs"
  b pod events tp2 | grep -q '"type":"container-started"' || fail "tp2's events: $(b pod events tp2)"
  b pod rm -f tp tp2 >/dev/null
  assert_pod_gone tp
  assert_pod_gone tp2
}
