# --debug, --log and --log-format: the trace of create/start/delete, where it
# goes, in which format, and that a failed create says which step failed.

trap cleanup_containers EXIT

# check_json_log FILE: every line is one runc-style JSON object (level, msg,
# time in RFC 3339); prints the number of debug lines.
check_json_log() {
  python3 - "$1" <<'PY' || fail "$1 is not a runc JSON log: $(head -c 2000 "$1")"
import datetime, json, sys
n = 0
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    l = json.loads(line)
    assert set(l) == {"level", "msg", "time"}, (i, l)
    assert l["level"] in ("debug", "info", "warning", "error"), (i, l)
    t = l["time"]
    assert t.endswith("Z") and t[10] == "T", (i, t)
    datetime.datetime.fromisoformat(t[:19])
    n += l["level"] == "debug"
print(n)
PY
}

# msgs FILE: the msg of each JSON line, one a line.
msgs() { python3 -c 'import json,sys; [print(json.loads(l)["msg"]) for l in open(sys.argv[1])]' "$1"; }

_traced_bundle() {
  make_bundle "$1" true
  # A core file of cgroup v2, present without any controller: one write to trace.
  cfg "$1" "c['linux'].setdefault('resources', {})['unified'] = {'cgroup.max.descendants': '5'}"
  cfg "$1" "c['hooks'] = {'prestart': [{'path': '/bin/true'}]}"
}

test_debug_json_lifecycle() {
  local log=$T_DIR/log.json n cg all
  _traced_bundle "$T_DIR/b"
  b --debug --log "$log" --log-format json create -b "$T_DIR/b" d1 || fail "create"
  cg=$(cgroup_of d1)
  [ -n "$cg" ] || skip "no cgroup v2 here"
  b --debug --log "$log" --log-format json start d1 || fail "start"
  wait_status d1 stopped
  b --debug --log "$log" --log-format json delete d1 || fail "delete"
  assert_gone d1
  n=$(check_json_log "$log")
  [ "$n" -ge 20 ] || fail "only $n debug lines"
  all=$(msgs "$log")
  assert_contains "$all" "cgroup: creating $cg" "trace"
  assert_contains "$all" "cgroup: writing \"5\" to $cg/cgroup.max.descendants" "trace"
  assert_contains "$all" "mounts: proc on /proc type proc" "trace"
  assert_contains "$all" "namespaces: cloning the init with new " "trace"
  assert_contains "$all" "hooks: running prestart hook #0: /bin/true" "trace"
  assert_contains "$all" "hooks: prestart hook #0 (/bin/true) exited 0" "trace"
  assert_contains "$all" "sync: received READY from the init" "trace"
  assert_contains "$all" "init: ready, waiting for start" "trace"
  assert_contains "$all" "start d1: " "trace"
  assert_contains "$all" "delete d1: removing cgroup $cg" "trace"
  # The init's lines arrive in the order it did things.
  printf '%s\n' "$all" | grep -n -e '^init: namespaces$' -e '^init: rootfs and mounts$' \
    -e '^init: pivot_root$' -e '^init: ready' | cut -d: -f3- | tr '\n' '|' |
    grep -qx ' namespaces| rootfs and mounts| pivot_root| ready, waiting for start|' ||
    fail "init steps out of order: $(printf '%s\n' "$all" | grep '^init: ')"
}

test_debug_off_no_trace() {
  local log=$T_DIR/log.json err
  _traced_bundle "$T_DIR/b"
  # stderr to a file: the init holds it open until start.
  b --log "$log" --log-format json create -b "$T_DIR/b" d2 2>"$T_DIR/err" || fail "create: $(cat "$T_DIR/err")"
  assert_eq "" "$(cat "$T_DIR/err")" "stderr of create without --debug"
  b --log "$log" --log-format json start d2 || fail "start"
  wait_status d2 stopped
  err=$(b --log "$log" --log-format json delete d2 2>&1) || fail "delete: $err"
  assert_eq "" "$err" "stderr without --debug"
  [ ! -s "$log" ] || fail "log written without --debug or an error: $(cat "$log")"
}

# Without --log the trace goes to stderr, in the text format by default.
test_debug_text_to_stderr() {
  local err bad
  make_bundle "$T_DIR/b" true
  b --debug create -b "$T_DIR/b" d3 2>"$T_DIR/err" >/dev/null || fail "create: $(cat "$T_DIR/err")"
  b delete -f d3
  err=$(cat "$T_DIR/err")
  bad=$(printf '%s\n' "$err" | grep -vE '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z" level=debug msg="([^"\\]|\\.)*"$')
  [ -z "$bad" ] || fail "not runc text log lines: $bad"
  assert_contains "$err" 'level=debug msg="mounts: proc on /proc type proc' "stderr"
  # Quotes inside the message are escaped as logrus does.
  assert_contains "$err" 'msg="cgroup: ' "stderr"
  assert_contains "$err" '(linux.cgroupsPath \"\")' "stderr"
}

# The failure reaches the log with the step of the init that failed, and
# the create leaves nothing behind.
test_debug_failed_step_logged() {
  local log=$T_DIR/log.json all
  make_bundle "$T_DIR/b" true
  add_bind "$T_DIR/b" "$T_DIR/nonexistent" /data rbind
  b --debug --log "$log" --log-format json create -b "$T_DIR/b" d4 2>/dev/null &&
    fail "create with a missing bind source succeeded"
  assert_gone d4
  check_json_log "$log" >/dev/null
  all=$(msgs "$log")
  assert_contains "$all" "mounts: $T_DIR/nonexistent on /data type bind (rbind)" "trace"
  assert_contains "$all" "init: step \"rootfs and mounts\" failed: mounts: /data: " "trace"
  assert_contains "$all" "create d4: undoing: " "trace"
  python3 -c '
import json, sys
last = json.loads(open(sys.argv[1]).readlines()[-1])
assert last["level"] == "error" and "mounts: /data" in last["msg"], last' "$log" ||
    fail "last line is not the error: $(tail -1 "$log")"

  make_bundle "$T_DIR/c" true
  cfg "$T_DIR/c" "c['process']['cwd'] = '/no/such/dir'"
  : > "$log"
  b --debug --log "$log" --log-format json create -b "$T_DIR/c" d5 2>/dev/null &&
    fail "create with a missing cwd succeeded"
  assert_gone d5
  all=$(msgs "$log")
  assert_contains "$all" "init: process.cwd /no/such/dir" "trace"
  assert_contains "$all" "init: step \"cwd\" failed: " "trace"
}

# exec is traced too: where it goes in, the process it started, or why not.
test_debug_exec_traced() {
  local log=$T_DIR/log.json all
  make_bundle "$T_DIR/b" sleep 60
  b run -d -b "$T_DIR/b" dx || fail "run -d"
  b --debug --log "$log" --log-format json exec dx true || fail "exec true"
  b --debug --log "$log" --log-format json exec dx /no/such/binary 2>/dev/null &&
    fail "exec of a missing binary succeeded"
  check_json_log "$log" >/dev/null
  all=$(msgs "$log")
  assert_contains "$all" "exec dx: into init pid $(pid_of dx)" "trace"
  assert_contains "$all" "exec dx: process " "trace"
  assert_contains "$all" "exec dx: failed: " "trace"
  b delete -f dx
}
