# The command line as a user (or containerd/podman) sees it: every command
# and flag, state JSON at each step, list/ps formats, logging, usage errors.

trap cleanup_containers EXIT

# A bundle whose init records the signals it gets into $T_DIR/io/sigs.
_signal_bundle() {
  mkdir -p "$T_DIR/io"
  make_bundle "$1" sh -c '
    for s in USR1 USR2 HUP TERM INT; do trap "echo $s >> /out/sigs" $s; done
    echo ready > /out/ready
    while :; do sleep 0.05; done'
  add_bind "$1" "$T_DIR/io" /out
}

test_version() {
  local out
  out=$(b --version) || fail "--version exited $?"
  assert_contains "$(printf '%s\n' "$out" | head -1)" "berth version " "first line of --version"
  assert_contains "$out" "spec: 1." "--version"
  assert_eq "$out" "$(b -v)" "-v output"
}

test_help_lists_every_command() {
  local out c
  out=$(b --help) || fail "--help exited $?"
  for c in create start run state kill delete list ps exec pause resume update features spec; do
    printf '%s\n' "$out" | grep -qE "^  $c " || fail "--help does not list $c: $out"
  done
  out=$(b 2>&1) && fail "berth without a command succeeded"
  assert_contains "$out" "usage: berth"
}

test_unknown_command() {
  local out
  out=$(b frobnicate x 2>&1 >/dev/null) && fail "unknown command succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" 'unknown command "frobnicate"'
}

test_unknown_flags() {
  make_bundle "$T_DIR/b" true
  local out
  out=$(b --frob list 2>&1) && fail "unknown global flag succeeded"
  assert_contains "$out" "--frob"
  out=$(b create --frob -b "$T_DIR/b" c1 2>&1) && fail "create with an unknown flag succeeded"
  assert_contains "$out" "--frob"
  assert_contains "$out" "usage: berth create"
  assert_gone c1
  out=$(b run --bogus -b "$T_DIR/b" c2 2>&1) && fail "run with an unknown flag succeeded"
  assert_contains "$out" "--bogus"
  assert_gone c2
  out=$(b create -d -b "$T_DIR/b" c3 2>&1) && fail "create accepted run's -d"
  assert_gone c3
  out=$(b list --format yaml 2>&1) && fail "list --format yaml succeeded"
  assert_contains "$out" "usage: berth list"
  out=$(b --log-format yaml list 2>&1) && fail "--log-format yaml succeeded"
  assert_contains "$out" "yaml"
  out=$(b kill 2>&1) && fail "kill without an id succeeded"
  assert_contains "$out" "usage: berth kill"
  for c in start state delete pause resume; do
    out=$(b $c 2>&1) && fail "$c without an id succeeded"
    assert_contains "$out" "usage: berth $c"
  done
  true
}

test_features_json() {
  local out
  out=$(b features) || fail "features exited $?"
  printf '%s' "$out" | python3 -c '
import json, sys
f = json.load(sys.stdin)
def need(cond, what):
    if not cond:
        sys.exit("features: " + what + ": " + json.dumps(f)[:400])
need(f.get("ociVersionMin") == "1.0.0", "ociVersionMin")
need(f.get("ociVersionMax", "").startswith("1."), "ociVersionMax")
need(set(f["hooks"]) == {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}, "hooks")
need({"bind", "rbind", "ro", "rro", "nosuid", "nodev", "noexec"} <= set(f["mountOptions"]), "mountOptions")
l = f["linux"]
need(set(l["namespaces"]) == {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}, "namespaces")
need({"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"} <= set(l["capabilities"]), "capabilities")
need(all(c.startswith("CAP_") for c in l["capabilities"]), "capability names")
need(l["cgroup"]["v2"] is True, "cgroup.v2")
need(l["seccomp"]["enabled"] is True, "seccomp.enabled")
need({"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_NOTIFY"} <= set(l["seccomp"]["actions"]), "seccomp.actions")
need("SCMP_CMP_MASKED_EQ" in l["seccomp"]["operators"], "seccomp.operators")
need("SCMP_ARCH_X86_64" in l["seccomp"]["archs"], "seccomp.archs")
' || fail "features JSON is incomplete"
}

test_spec_default_and_no_overwrite() {
  mkdir -p "$T_DIR/s"
  (cd "$T_DIR/s" && b spec) || fail "spec exited $?"
  python3 - "$T_DIR/s/config.json" <<'PY' || fail "default spec content"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["ociVersion"].startswith("1."), c["ociVersion"]
assert c["root"]["path"] == "rootfs", c["root"]
p = c["process"]
assert p["args"] == ["sh"] and p["cwd"] == "/" and p["terminal"] is True, p
assert any(e.startswith("PATH=") for e in p["env"]), p["env"]
ns = {n["type"] for n in c["linux"]["namespaces"]}
assert {"pid", "mount", "network", "ipc", "uts"} <= ns and "user" not in ns, ns
assert {m["destination"] for m in c["mounts"]} >= {"/proc", "/dev", "/dev/pts", "/sys"}
PY
  echo '{"mine": true}' > "$T_DIR/s/config.json"
  local out
  out=$(cd "$T_DIR/s" && b spec 2>&1) && fail "spec overwrote an existing config.json"
  assert_contains "$out" "exists"
  assert_eq '{"mine": true}' "$(cat "$T_DIR/s/config.json")" "config.json after a refused spec"
  # --bundle writes elsewhere, not in the cwd.
  mkdir -p "$T_DIR/other"
  (cd "$T_DIR/s" && b spec --bundle "$T_DIR/other") || fail "spec --bundle"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_DIR/other/config.json" ||
    fail "spec --bundle did not write a JSON config"
}

test_spec_rootless() {
  mkdir -p "$T_DIR/s"
  (cd "$T_DIR/s" && b spec --rootless) || fail "spec --rootless exited $?"
  python3 - "$T_DIR/s/config.json" "$(id -u)" "$(id -g)" <<'PY' || fail "rootless spec content"
import json, sys
c = json.load(open(sys.argv[1]))
l = c["linux"]
ns = {n["type"] for n in l["namespaces"]}
assert "user" in ns, ns
assert "network" not in ns, "rootless spec should share the network namespace: %s" % ns
assert l["uidMappings"][0] == {"containerID": 0, "hostID": int(sys.argv[2]), "size": 1}, l["uidMappings"]
assert l["gidMappings"][0] == {"containerID": 0, "hostID": int(sys.argv[3]), "size": 1}, l["gidMappings"]
assert "resources" not in l or "devices" not in l.get("resources", {}), l.get("resources")
PY
}

test_create_bundle_flag_forms() {
  make_bundle "$T_DIR/b" sleep 60
  local real st
  real=$(cd "$T_DIR/b" && pwd -P)
  (cd / && b create --bundle "$T_DIR/b" long) || fail "create --bundle"
  (cd / && b create -b "$T_DIR/b" short) || fail "create -b"
  (cd "$T_DIR/b" && b create cwd) || fail "create from the bundle dir"
  (cd "$T_DIR" && b create --bundle b relative) || fail "create --bundle with a relative path"
  for id in long short cwd relative; do
    st=$(b state $id) || fail "state $id"
    assert_eq "$real" "$(printf '%s' "$st" | json_get 'j["bundle"]')" "bundle of $id"
    assert_eq created "$(printf '%s' "$st" | json_get 'j["status"]')" "status of $id"
  done
  mkdir -p "$T_DIR/empty"
  local out
  out=$(cd "$T_DIR/empty" && b create nothere 2>&1) && fail "create without config.json succeeded"
  assert_contains "$out" "config.json"
  assert_gone nothere
}

test_pid_file() {
  make_bundle "$T_DIR/b" sleep 60
  (cd "$T_DIR" && b create -b b --pid-file rel.pid c1) || fail "create with a relative pid file"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/abs.pid" c2 || fail "create with an absolute pid file"
  assert_eq "$(pid_of c1)" "$(cat "$T_DIR/rel.pid")" "relative pid file"
  assert_eq "$(pid_of c2)" "$(cat "$T_DIR/abs.pid")" "absolute pid file"
  [ -d "/proc/$(cat "$T_DIR/abs.pid")" ] || fail "pid file names no live process"
  # runc writes the bare number: no newline.
  assert_eq "$(pid_of c2)" "$(tr -d '\n' < "$T_DIR/abs.pid")" "pid file content"
  # A pid file that cannot be written fails create and undoes it.
  local out
  out=$(b create -b "$T_DIR/b" --pid-file "$T_DIR/no/such/dir/pid" c3 2>&1) && fail "create with an unwritable pid file succeeded"
  assert_contains "$out" "$T_DIR/no/such/dir/pid"
  assert_no_trace c3 - "$T_DIR/b/rootfs"
}

test_state_json_at_each_step() {
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['annotations']={'org.example.key': 'value'}"
  b create -b "$T_DIR/b" st1 || fail "create"
  local st
  st=$(b state st1)
  printf '%s' "$st" | python3 -c '
import json, sys, re
s = json.load(sys.stdin)
assert s["ociVersion"] == "1.2.0", s
assert s["id"] == "st1", s
assert s["status"] == "created", s
assert isinstance(s["pid"], int) and s["pid"] > 1, s
assert s["bundle"].startswith("/"), s
assert s.get("annotations") == {"org.example.key": "value"}, "annotations missing from state: %s" % s
assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", s.get("created", "")), s
' || fail "state after create: $st"
  b start st1 || fail "start"
  assert_eq running "$(status_of st1)" "status after start"
  b pause st1 || fail "pause"
  assert_eq paused "$(status_of st1)" "status after pause"
  b resume st1 || fail "resume"
  assert_eq running "$(status_of st1)" "status after resume"
  b kill st1 KILL || fail "kill"
  wait_status st1 stopped
  st=$(b state st1)
  assert_eq 0 "$(printf '%s' "$st" | json_get 'j.get("pid", 0)')" "pid of a stopped container"
  b delete st1 || fail "delete of a stopped container"
  local out
  out=$(b state st1 2>&1) && fail "state of a deleted container succeeded"
  assert_contains "$out" "does not exist"
}

test_state_creating_is_transient() {
  make_bundle "$T_DIR/b" sleep 60
  # A createRuntime hook holds create in the "creating" phase until the test
  # has looked (10 s at most, so that a failed test does not hang).
  cat > "$T_DIR/hook" <<EOF
#!/bin/sh
touch "$T_DIR/in-hook"
i=0
while [ ! -e "$T_DIR/release" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
EOF
  chmod +x "$T_DIR/hook"
  cfg "$T_DIR/b" "c['hooks']={'createRuntime': [{'path': '$T_DIR/hook'}]}"
  b create -b "$T_DIR/b" cr &
  local creator=$!
  wait_for test -e "$T_DIR/in-hook" || fail "hook never ran"
  local st; st=$(status_of cr)
  touch "$T_DIR/release"
  assert_eq creating "$st" "status while create runs"
  wait $creator || fail "create failed"
  assert_eq created "$(status_of cr)" "status after create"
}

test_pause_resume_freezes_processes() {
  mkdir -p "$T_DIR/io"
  make_bundle "$T_DIR/b" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /out/tick; sleep 0.02; done'
  add_bind "$T_DIR/b" "$T_DIR/io" /out
  b run -d -b "$T_DIR/b" pz || fail "run -d"
  local cg; cg=$(cgroup_of pz)
  [ -d "$cg" ] || fail "no cgroup from the state: '$cg'"
  [ -e "$cg/cgroup.freeze" ] || skip "no cgroup v2 freezer ($cg/cgroup.freeze is missing)"
  wait_for test -s "$T_DIR/io/tick" || fail "container never ticked"
  b pause pz || fail "pause"
  assert_eq paused "$(status_of pz)"
  grep -q '^frozen 1' "$cg/cgroup.events" || fail "cgroup not frozen: $(cat "$cg/cgroup.events")"
  local t1 t2
  t1=$(cat "$T_DIR/io/tick"); sleep 0.3; t2=$(cat "$T_DIR/io/tick")
  assert_eq "$t1" "$t2" "counter while paused"
  local out
  out=$(b pause pz 2>&1) && fail "pausing a paused container succeeded"
  b resume pz || fail "resume"
  assert_eq running "$(status_of pz)"
  wait_for eval 'test "$(cat "$T_DIR/io/tick")" != "$t2"' || fail "counter did not move after resume"
  out=$(b resume pz 2>&1) && fail "resuming a running container succeeded"
  # A paused container can be force-deleted.
  b pause pz || fail "second pause"
  local pid; pid=$(pid_of pz)
  b delete pz 2>/dev/null && fail "delete of a paused container without --force succeeded"
  b delete -f pz || fail "delete -f of a paused container"
  assert_no_trace pz "$pid"
}

test_run_detach() {
  make_bundle "$T_DIR/b" sleep 60
  local t0 t1
  t0=$(date +%s%N)
  b run -d -b "$T_DIR/b" rd || fail "run -d"
  t1=$(date +%s%N)
  [ $(( (t1 - t0) / 1000000 )) -lt 3000 ] || fail "run -d did not return promptly"
  assert_eq running "$(status_of rd)" "status after run -d"
  local pid; pid=$(pid_of rd)
  assert_eq "sleep60" "$(tr -d '\0' < /proc/$pid/cmdline)" "process of a detached container"
  b run --detach -b "$T_DIR/b" rd2 || fail "run --detach"
  assert_eq running "$(status_of rd2)" "status after run --detach"
}

test_run_keep() {
  make_bundle "$T_DIR/b" sh -c 'exit 4'
  b run --keep -b "$T_DIR/b" kept; assert_eq 4 $? "exit code of run --keep"
  assert_eq stopped "$(status_of kept)" "status after run --keep"
  assert_eq kept "$(b list -q)" "list after run --keep"
  b delete kept || fail "delete"
  assert_gone kept
  b run -b "$T_DIR/b" notkept; assert_eq 4 $? "exit code of run"
  assert_gone notkept
}

test_run_forwards_signals() {
  make_bundle "$T_DIR/b" sh -c 'trap "exit 42" TERM; echo up > /out/up; while :; do sleep 0.05; done'
  mkdir -p "$T_DIR/io"; add_bind "$T_DIR/b" "$T_DIR/io" /out
  # exec: $! must be berth itself, not a subshell running the b function.
  (exec "$BERTH" --root "$T_ROOT" run -b "$T_DIR/b" fwd) &
  local runner=$!
  wait_for test -e "$T_DIR/io/up" || fail "container did not start"
  kill -TERM $runner
  wait $runner; assert_eq 42 $? "exit code after SIGTERM to berth run"
  assert_gone fwd
}

test_kill_signal_names_and_numbers() {
  _signal_bundle "$T_DIR/b"
  b run -d -b "$T_DIR/b" ks || fail "run"
  wait_for test -e "$T_DIR/io/ready" || fail "container not ready"
  local sig n=0 expect=""
  for sig in USR1 SIGUSR2 10 HUP SIGINT TERM SIGTERM 15 ""; do
    if [ -n "$sig" ]; then b kill ks "$sig" || fail "kill $sig"; else b kill ks || fail "kill (default)"; fi
    n=$((n + 1))
    wait_for lines_ge "$T_DIR/io/sigs" $n || fail "signal '$sig' not received: $(cat "$T_DIR/io/sigs")"
  done
  assert_eq "USR1 USR2 USR1 HUP INT TERM TERM TERM TERM" "$(tr '\n' ' ' < "$T_DIR/io/sigs" | sed 's/ $//')" "signals received"
  local out
  out=$(b kill ks NOSUCHSIG 2>&1) && fail "kill with an unknown signal succeeded"
  assert_contains "$out" "NOSUCHSIG"
  out=$(b kill ks 99 2>&1) && fail "kill with signal 99 succeeded"
  assert_eq running "$(status_of ks)" "status after bad kills"
  b kill ks KILL || fail "kill KILL"
  wait_status ks stopped
  out=$(b kill ks KILL 2>&1) && fail "kill of a stopped container succeeded"
  assert_contains "$out" "not running"
  b kill ks 9 2>/dev/null && fail "kill 9 of a stopped container succeeded"
  true
}

test_kill_all_without_pid_namespace() {
  mkdir -p "$T_DIR/io"
  make_bundle "$T_DIR/b" sh -c 'sleep 100 & sleep 100 & echo ready > /out/ready; wait'
  add_bind "$T_DIR/b" "$T_DIR/io" /out
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='pid']"
  b run -d -b "$T_DIR/b" ka || fail "run"
  wait_for test -e "$T_DIR/io/ready" || fail "not ready"
  local pids
  pids=$(b ps --format json ka | json_get 'sorted(j)')
  assert_eq 3 "$(printf '%s' "$pids" | json_get 'len(j)')" "processes before kill: $pids"
  # Without --all only the init gets the signal: the sleeps survive it.
  b kill ka KILL || fail "kill"
  wait_status ka stopped
  assert_eq 2 "$(b ps --format json ka | json_get 'len(j)')" "processes after killing the init"
  b kill --all ka KILL || fail "kill --all on a stopped container with live processes"
  local p
  for p in $(printf '%s' "$pids" | json_get '" ".join(map(str, j))'); do
    wait_for proc_gone "$p" || fail "process $p survived kill --all"
  done
  assert_eq "[]" "$(b ps --format json ka)" "ps after kill --all"
  b delete ka || fail "delete"
  assert_gone ka
}

test_kill_all_term() {
  mkdir -p "$T_DIR/io"
  # Each shell says it is ready once its trap is set.
  make_bundle "$T_DIR/b" sh -c 'sh -c "trap \"echo child >> /out/sigs; exit 0\" TERM; echo ready > /out/child-ready; while :; do sleep 0.05; done" &
    trap "echo init >> /out/sigs" TERM; echo ready > /out/ready; while :; do sleep 0.05; done'
  add_bind "$T_DIR/b" "$T_DIR/io" /out
  b run -d -b "$T_DIR/b" kt || fail "run"
  wait_for test -e "$T_DIR/io/ready" || fail "not ready"
  wait_for test -e "$T_DIR/io/child-ready" || fail "child not ready"
  b kill -a kt TERM || fail "kill -a TERM"
  wait_for eval 'test "$(sort "$T_DIR/io/sigs" | tr "\n" " ")" = "child init "' ||
    fail "kill --all TERM reached: $(cat "$T_DIR/io/sigs" 2>/dev/null)"
}

test_delete_rules() {
  make_bundle "$T_DIR/b" sleep 60
  local out pid
  # A created (never started) container may be deleted without --force.
  b create -b "$T_DIR/b" --pid-file "$T_DIR/dc.pid" dc || fail "create"
  pid=$(cat "$T_DIR/dc.pid")
  b delete dc || fail "delete of a created container"
  assert_no_trace dc "$pid" "$T_DIR/b/rootfs"
  # A running one needs --force.
  b run -d -b "$T_DIR/b" dr || fail "run"
  pid=$(pid_of dr)
  out=$(b delete dr 2>&1) && fail "delete of a running container succeeded"
  assert_contains "$out" "running"
  assert_eq running "$(status_of dr)" "status after refused delete"
  b delete --force dr || fail "delete --force"
  assert_no_trace dr "$pid" "$T_DIR/b/rootfs"
  # Unknown ids: an error, except with --force (runc).
  out=$(b delete nosuch 2>&1) && fail "delete of a missing container succeeded"
  assert_contains "$out" "does not exist"
  b delete -f nosuch || fail "delete -f of a missing container failed"
}

test_list_formats() {
  make_bundle "$T_DIR/b" sleep 60
  b create -b "$T_DIR/b" beta || fail "create"
  b run -d -b "$T_DIR/b" alpha || fail "run"
  assert_eq "alpha beta" "$(b list -q | tr '\n' ' ' | sed 's/ $//')" "list -q"
  assert_eq "alpha beta" "$(b list --quiet | tr '\n' ' ' | sed 's/ $//')" "list --quiet"
  b list --format json | python3 -c '
import json, sys
l = json.load(sys.stdin)
d = {c["id"]: c for c in l}
assert set(d) == {"alpha", "beta"}, l
assert d["alpha"]["status"] == "running" and d["beta"]["status"] == "created", l
assert all(c["pid"] > 1 and c["bundle"].startswith("/") for c in l), l
' || fail "list --format json"
  local tab
  tab=$(b list)
  printf '%s\n' "$tab" | head -1 | grep -qE '^ID +PID +STATUS +BUNDLE +CREATED +OWNER' || fail "table header: $tab"
  printf '%s\n' "$tab" | grep -qE "^alpha +$(pid_of alpha) +running " || fail "table row for alpha: $tab"
  printf '%s\n' "$tab" | grep -qE "^beta +[0-9]+ +created " || fail "table row for beta: $tab"
  assert_eq "$tab" "$(b list --format table)" "list --format table"
  b delete -f alpha; b delete -f beta
  assert_eq "[]" "$(b list --format json | tr -d ' \n')" "list --format json when empty"
  assert_eq "" "$(b list -q)" "list -q when empty"
  # A root that does not exist yet is an empty list, not an error.
  assert_eq "" "$("$BERTH" --root "$T_DIR/never" list -q)" "list of a missing root"
}

test_ps_formats() {
  mkdir -p "$T_DIR/io"
  make_bundle "$T_DIR/b" sh -c 'sleep 77 & echo ready > /out/ready; wait'
  add_bind "$T_DIR/b" "$T_DIR/io" /out
  b run -d -b "$T_DIR/b" pp || fail "run"
  wait_for test -e "$T_DIR/io/ready" || fail "not ready"
  local init js
  init=$(pid_of pp)
  js=$(b ps --format json pp) || fail "ps --format json"
  printf '%s' "$js" | python3 -c '
import json, sys
pids = json.load(sys.stdin)
init = int(sys.argv[1])
assert init in pids and len(pids) == 2, pids
for p in pids:
    if p != init:
        cmd = open("/proc/%d/cmdline" % p).read().replace("\0", " ").strip()
        assert cmd == "sleep 77", cmd
' "$init" || fail "ps --format json: $js"
  local tab
  tab=$(b ps pp) || fail "ps"
  printf '%s\n' "$tab" | head -1 | grep -qE '^UID +PID +PPID +CMD' || fail "ps header: $tab"
  printf '%s\n' "$tab" | grep -qE "^0 +[0-9]+ +$init +sleep 77" || fail "ps row of the child: $tab"
  b ps nosuch 2>/dev/null && fail "ps of a missing container succeeded"
  true
}

test_log_json() {
  local out line
  out=$(b --log "$T_DIR/log.json" --log-format json state nosuch 2>&1) && fail "state nosuch succeeded"
  assert_contains "$out" 'does not exist'
  [ -s "$T_DIR/log.json" ] || fail "nothing written to --log"
  line=$(tail -1 "$T_DIR/log.json")
  printf '%s' "$line" | python3 -c '
import json, sys, datetime
l = json.loads(sys.stdin.read())
assert l["level"] == "error", l
assert "nosuch" in l["msg"] and "does not exist" in l["msg"], l
t = l["time"].replace("Z", "+00:00")
t = t[:19] + t[t.index("+", 19) if "+" in t[19:] else len(t):] if "." in t else t
datetime.datetime.fromisoformat(t)
' || fail "not a runc-style JSON log line: $line"
  # A create failure lands there too, and the file is appended to.
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['process']['cwd']='relative'"
  b --log "$T_DIR/log.json" --log-format json create -b "$T_DIR/b" lj 2>/dev/null && fail "bad create succeeded"
  assert_eq 2 "$(wc -l < "$T_DIR/log.json")" "log lines after two errors"
  tail -1 "$T_DIR/log.json" | python3 -c '
import json, sys
l = json.loads(sys.stdin.read())
assert l["level"] == "error" and "process.cwd" in l["msg"], l' || fail "create error log: $(tail -1 "$T_DIR/log.json")"
  # The default format is text.
  b --log "$T_DIR/log.txt" state nosuch 2>/dev/null
  grep -q 'level=error' "$T_DIR/log.txt" || fail "text log: $(cat "$T_DIR/log.txt")"
  grep -q 'msg=".*does not exist' "$T_DIR/log.txt" || fail "text log msg: $(cat "$T_DIR/log.txt")"
}

test_preserve_fds() {
  echo "fd three" > "$T_DIR/three"
  echo "fd four" > "$T_DIR/four"
  make_bundle "$T_DIR/b" sh -c 'cat /proc/self/fd/3; cat <&4'
  local out pid
  out=$(b run --preserve-fds 2 -b "$T_DIR/b" pf 3<"$T_DIR/three" 4<"$T_DIR/four") || fail "run --preserve-fds 2: $out"
  assert_eq "fd three
fd four" "$out" "fds 3 and 4 read inside"
  # The fds of the container process, seen from the host.
  cfg "$T_DIR/b" "c['process']['args']=['sleep', '30']"
  b run -d -b "$T_DIR/b" nf 3<"$T_DIR/three" 4<"$T_DIR/four" 9<"$T_DIR/four" || fail "run -d"
  pid=$(pid_of nf)
  assert_eq "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds without --preserve-fds"
  b run -d --preserve-fds 1 -b "$T_DIR/b" pf1 3<"$T_DIR/three" 4<"$T_DIR/four" || fail "run -d --preserve-fds 1"
  pid=$(pid_of pf1)
  assert_eq "0 1 2 3" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds with --preserve-fds 1"
  assert_eq "$T_DIR/three" "$(readlink /proc/$pid/fd/3)" "preserved fd 3"
  # More fds than the caller has open: the gaps stay empty, nothing of
  # berth's fills them.
  b run -d --preserve-fds 4 -b "$T_DIR/b" pf4 3<"$T_DIR/three" || fail "run -d --preserve-fds 4"
  pid=$(pid_of pf4)
  assert_eq "0 1 2 3" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds with --preserve-fds 4 and only fd 3 open"
  out=$(b run --preserve-fds -1 -b "$T_DIR/b" neg 2>&1) && fail "--preserve-fds -1 accepted"
  assert_gone neg
}

test_no_new_keyring() {
  make_bundle "$T_DIR/b" sleep 60
  local id1=kr-$$-a id2=kr-$$-b
  b create -b "$T_DIR/b" $id1 || fail "create"
  grep -q " $id1: " /proc/keys || fail "no session keyring named $id1 in /proc/keys"
  b create -b "$T_DIR/b" --no-new-keyring $id2 || fail "create --no-new-keyring"
  ! grep -q " $id2: " /proc/keys || fail "--no-new-keyring still made a keyring"
}

test_no_pivot() {
  make_bundle "$T_DIR/b" sh -c 'cat /marker; touch /x 2>/dev/null && echo writable; ls /proc/1/root/ >/dev/null && echo ok'
  echo "inside the rootfs" > "$T_DIR/b/rootfs/marker"
  local out
  out=$(b run --no-pivot -b "$T_DIR/b" np) || fail "run --no-pivot: $out"
  assert_contains "$out" "inside the rootfs"
  assert_not_contains "$out" "writable" "root.readonly with --no-pivot"
  assert_gone np
}

test_bad_container_ids() {
  make_bundle "$T_DIR/b" true
  local id out
  for id in "a/b" ".." "." "" "a b" "../escape"; do
    out=$(b create -b "$T_DIR/b" "$id" 2>&1) && fail "create accepted id '$id'"
    assert_contains "$out" "id"
  done
  [ ! -e "$T_DIR/escape" ] && [ ! -e "$T_ROOT/a" ] || fail "a bad id created something"
  assert_eq "" "$(ls "$T_ROOT")" "state root after bad ids"
  # <root>/pods is the pod supervisor's: a container may not take it.
  out=$(b create -b "$T_DIR/b" pods 2>&1) && fail "create accepted the reserved id 'pods'"
  assert_contains "$out" "reserved"
  assert_eq "" "$(ls "$T_ROOT")" "state root after the reserved id"
}

test_custom_cgroups_path() {
  local parent=/sys/fs/cgroup/unified/berth-it-$$
  [ -d /sys/fs/cgroup/unified ] || skip "no cgroup2 at /sys/fs/cgroup/unified"
  trap 'cleanup_containers; rmdir "'"$parent"'" 2>/dev/null' EXIT
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['linux']['cgroupsPath']='/berth-it-$$/cust'"
  b run -d -b "$T_DIR/b" cust || fail "run -d"
  local pid; pid=$(pid_of cust)
  assert_eq "0::/berth-it-$$/cust" "$(grep '^0::' /proc/$pid/cgroup)" "cgroup of the init"
  [ ! -d /sys/fs/cgroup/unified/berth/cust ] || fail "default cgroup made despite cgroupsPath"
  b delete -f cust || fail "delete -f"
  assert_no_trace cust "$pid"
  [ ! -d "$parent/cust" ] || fail "cgroup $parent/cust left behind"
  local out
  cfg "$T_DIR/b" "c['linux']['cgroupsPath']='/../../etc'"
  out=$(b create -b "$T_DIR/b" dotdot 2>&1) && fail "cgroupsPath with .. accepted"
  assert_contains "$out" "cgroup"
  assert_gone dotdot
}

test_systemd_cgroup_without_systemd() {
  [ ! -d /run/systemd/system ] || skip "systemd is running here"
  make_bundle "$T_DIR/b" true
  local out
  out=$(b --systemd-cgroup create -b "$T_DIR/b" sd 2>&1) && fail "--systemd-cgroup without systemd succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "systemd"
  assert_gone sd
}
