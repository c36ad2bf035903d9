# OCI hooks: every kind runs, in order, with the state JSON on stdin; a
# failing or slow hook fails the step it belongs to and leaves nothing.

trap cleanup_containers EXIT

# A hook that appends "KIND STATUS" to LOG and keeps its stdin as LOG.KIND.json.
_HOOK='#!/bin/sh
kind=$1 log=$2
cat > "$log.$kind.json"
st=$(tr -d "\n" < "$log.$kind.json" | sed -n "s/.*\"status\": *\"\([a-z]*\)\".*/\1/p")
echo "$kind $st" >> "$log"
'

# _hook_bundle DIR: a bundle with all six hook kinds.  Host-side hooks log to
# $T_DIR/hl/log; startContainer runs inside the container, where the same
# directory is bind-mounted at /hl.
_hook_bundle() {
  local dir=$1
  mkdir -p "$T_DIR/hl"
  printf '%s' "$_HOOK" > "$T_DIR/hook.sh"; chmod +x "$T_DIR/hook.sh"
  make_bundle "$dir" sleep 60
  printf '%s' "$_HOOK" > "$dir/rootfs/hook.sh"; chmod +x "$dir/rootfs/hook.sh"
  add_bind "$dir" "$T_DIR/hl" /hl
  cfg "$dir" "
h = '$T_DIR/hook.sh'; log = '$T_DIR/hl/log'
def hook(kind, path=h, log=log):
    return [{'path': path, 'args': [path, kind, log]}]
c['hooks'] = {k: hook(k) for k in ('prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop')}
c['hooks']['startContainer'] = hook('startContainer', '/hook.sh', '/hl/log')"
}

test_hooks_all_kinds_in_order() {
  _hook_bundle "$T_DIR/b"
  local log=$T_DIR/hl/log pid
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" hk || fail "create"
  pid=$(cat "$T_DIR/pid")
  assert_eq "prestart creating
createRuntime creating
createContainer creating" "$(cat "$log")" "hooks run by create"
  b start hk || fail "start"
  wait_for lines_ge "$log" 5 || fail "start ran: $(cat "$log")"
  assert_eq "startContainer poststart" "$(sed -n '4,5p' "$log" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" "hooks run by start"
  assert_eq "poststart running" "$(sed -n 5p "$log")" "poststart state"
  b kill hk KILL; wait_status hk stopped
  assert_eq 5 "$(wc -l < "$log")" "hooks before delete"
  b delete hk || fail "delete"
  assert_eq "poststop stopped" "$(sed -n 6p "$log")" "poststop after delete"
  assert_eq 6 "$(wc -l < "$log")" "hook runs in all"
  # The state each host-side hook got on stdin.
  local k
  for k in prestart createRuntime createContainer poststart poststop; do
    python3 - "$log.$k.json" "$pid" "$(cd "$T_DIR/b" && pwd -P)" "$k" <<'PY' || fail "state JSON given to $k: $(cat "$log.$k.json")"
import json, sys
s = json.load(open(sys.argv[1]))
pid, bundle, kind = int(sys.argv[2]), sys.argv[3], sys.argv[4]
assert s["ociVersion"] == "1.2.0", s
assert s["id"] == "hk", s
assert s["bundle"] == bundle, s
if kind != "poststop":
    assert s["pid"] == pid, (s, pid)
PY
  done
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["id"] == "hk" and s["status"], s' \
    "$log.startContainer.json" || fail "state JSON given to startContainer: $(cat "$log.startContainer.json")"
}

test_hook_start_container_sees_created() {
  # runc gives startContainer hooks the state "created" (the container is
  # created when start runs them), not "creating".
  _hook_bundle "$T_DIR/b"
  b create -b "$T_DIR/b" hs || fail "create"
  b start hs || fail "start"
  wait_for lines_ge "$T_DIR/hl/log" 4
  assert_eq "startContainer created" "$(sed -n 4p "$T_DIR/hl/log")" "state given to startContainer"
}

test_hook_env_and_args() {
  mkdir -p "$T_DIR/hl"
  make_bundle "$T_DIR/b" true
  # busybox picks its applet from argv[0]: "sh" proves args[0] is passed.
  cfg "$T_DIR/b" "c['hooks']={'createRuntime': [{'path': '$BUSYBOX',
  'args': ['sh', '-c', 'echo \"\$0 \$1 \$2\" > $T_DIR/hl/args; env | sort > $T_DIR/hl/env', 'named', 'one', 'two'],
  'env': ['HOOKVAR=x y', 'OTHER=1']}]}"
  BERTH_LEAK=yes b run -b "$T_DIR/b" he || fail "run"
  assert_eq "named one two" "$(cat "$T_DIR/hl/args")" "arguments of the hook"
  assert_contains "$(cat "$T_DIR/hl/env")" "HOOKVAR=x y"
  assert_contains "$(cat "$T_DIR/hl/env")" "OTHER=1"
  assert_not_contains "$(cat "$T_DIR/hl/env")" "BERTH_LEAK" "hook environment"
}

# _failing_hook KIND: a bundle whose KIND hook records its stdin and fails.
_failing_hook() {
  mkdir -p "$T_DIR/hl"
  cat > "$T_DIR/bad" <<EOF
#!/bin/sh
cat > "$T_DIR/hl/state.json"
echo "boom from \$1"
exit 3
EOF
  chmod +x "$T_DIR/bad"
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['hooks']={'$1': [{'path': '$T_DIR/bad', 'args': ['bad', '$1']}]}"
}

_assert_create_fails_on_hook() { # KIND ID
  _failing_hook "$1"
  local out pid
  out=$(b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" "$2" 2>&1) && fail "create with a failing $1 hook succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines: $out"
  assert_contains "$out" "$1 hook"
  assert_contains "$out" "boom from $1" "error text"
  assert_contains "$out" "3" "exit status in the error"
  [ ! -e "$T_DIR/pid" ] || fail "pid file written by a failed create"
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$T_DIR/hl/state.json")
  [ "$pid" -gt 0 ] || fail "no pid in the hook's state"
  assert_no_trace "$2" "$pid" "$T_DIR/b/rootfs"
}

test_failing_prestart_hook() { _assert_create_fails_on_hook prestart fpre; }
test_failing_create_runtime_hook() { _assert_create_fails_on_hook createRuntime fcr; }
test_failing_create_container_hook() { _assert_create_fails_on_hook createContainer fcc; }

test_failing_start_container_hook() {
  _failing_hook startContainer
  # startContainer runs inside the container: put the hook there.
  cp "$T_DIR/bad" "$T_DIR/b/rootfs/bad"
  sed -i "s|$T_DIR/hl/state.json|/dev/null|" "$T_DIR/b/rootfs/bad"
  cfg "$T_DIR/b" "c['hooks']={'startContainer': [{'path': '/bad', 'args': ['bad', 'startContainer']}]}"
  b create -b "$T_DIR/b" fsc || fail "create"
  local out pid
  pid=$(pid_of fsc)
  out=$(b start fsc 2>&1) && fail "start with a failing startContainer hook succeeded"
  assert_contains "$out" "startContainer hook"
  assert_contains "$out" "boom from startContainer"
  wait_status fsc stopped
  [ "$(tr -d '\0' < /proc/$pid/cmdline 2>/dev/null)" != "sleep60" ] || fail "the process ran despite the failed hook"
  b delete fsc || fail "delete"
  assert_no_trace fsc "$pid" "$T_DIR/b/rootfs"
}

test_failing_poststart_hook_is_a_warning() {
  _failing_hook poststart
  b create -b "$T_DIR/b" fps || fail "create"
  local out
  out=$(b start fps 2>&1) || fail "start failed on a poststart hook: $out"
  assert_contains "$out" "warning"
  assert_contains "$out" "poststart hook"
  assert_eq running "$(status_of fps)"
}

test_failing_poststop_hook_is_a_warning() {
  _failing_hook poststop
  b run -d -b "$T_DIR/b" fpo || fail "run"
  local out
  out=$(b delete -f fpo 2>&1) || fail "delete failed on a poststop hook: $out"
  assert_contains "$out" "poststop hook"
  assert_gone fpo
}

test_hook_timeout() {
  mkdir -p "$T_DIR/hl"
  cat > "$T_DIR/slow" <<EOF
#!/bin/sh
echo \$\$ > "$T_DIR/hl/hookpid"
exec sleep 30
EOF
  chmod +x "$T_DIR/slow"
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['hooks']={'createRuntime': [{'path': '$T_DIR/slow', 'timeout': 1}]}"
  local t0 out ms
  t0=$(date +%s%N)
  out=$(b create -b "$T_DIR/b" tmo 2>&1) && fail "create with a hung hook succeeded"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ $ms -ge 900 ] && [ $ms -lt 5000 ] || fail "timeout of 1 s took $ms ms"
  assert_contains "$out" "createRuntime hook"
  assert_contains "$out" "timed out"
  assert_no_trace tmo "$(cat "$T_DIR/hl/hookpid")" "$T_DIR/b/rootfs"
}
