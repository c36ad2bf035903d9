# Helpers shared by the pod tests (host and VM lanes).

# pod_json FILE PYTHON: write a Pod manifest; PYTHON edits the dict `p`
# whose one container "c" runs busybox from $T_DIR/rootfs.
pod_json() {
  make_rootfs "$T_DIR/rootfs"
  python3 - "$1" "$2" "$T_DIR/rootfs" <<'PY' || fail "writing pod json"
import json, sys
path, code, rootfs = sys.argv[1], sys.argv[2], sys.argv[3]
p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tp"},
     "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 2,
              "containers": [{"name": "c", "image": rootfs, "command": ["true"]}]}}
def ctr(name, *cmd, **kw):
    d = {"name": name, "image": rootfs, "command": list(cmd)}
    d.update(kw)
    return d
exec(code)
json.dump(p, open(path, "w"), indent=1)
PY
}

# pod_run POD.json: run in the foreground with logs in $T_DIR/logs.
pod_run() { b pod run --log-dir "$T_DIR/logs" "$@"; }

# A pod that ran and ended keeps its state directory until `pod rm`, and
# only that: its lock, status.json and logs; nothing else of it remains
# (assert_pod_gone after `pod rm`, which must remove it).
assert_pod_ended() {
  local name=$1
  [ -e "$T_ROOT/pods/$name/status.json" ] || fail "pod $name ended without a status.json"
  local left; left=$(ls "$T_ROOT/pods/$name" | grep -vxE 'lock|status.json|logs' | tr '\n' ' ')
  [ -z "$left" ] || fail "an ended pod's state dir holds more than its status and logs: $left"
  b pod rm "$name" >/dev/null || fail "pod rm of the ended pod $name"
  assert_pod_gone "$name"
}

# Nothing of pod NAME may remain: state, overlay mounts, cgroup, containers.
assert_pod_gone() {
  local name=$1
  [ ! -e "$T_ROOT/pods/$name" ] || fail "pod state dir $T_ROOT/pods/$name still exists"
  ! grep -q " $T_ROOT/pods/" /proc/self/mountinfo || fail "a mount remains under $T_ROOT/pods"
  local cg
  for cg in /sys/fs/cgroup/unified/berth/pods/"$name" /sys/fs/cgroup/berth/pods/"$name"; do
    [ ! -d "$cg" ] || fail "cgroup $cg still exists"
  done
  [ -z "$(ls "$T_ROOT" | grep "^${name}_")" ] || fail "containers remain: $(ls "$T_ROOT")"
}

events() { cat "$T_DIR/logs/events.jsonl" 2>/dev/null; }


# pod_json_q FIELD...: read the status of pod tp (berth pod ps --format json)
# and print a Python expression over `j` (the first pod's document).
pod_status() {
  b pod ps --format json tp | python3 -c "import json,sys; j=json.load(sys.stdin)[0]; print($1)"
}

# wait_event TYPE [COUNT]: until events.jsonl (in $T_DIR/logs) has COUNT
# events of TYPE (default 1); 10 s at most.
wait_event() {
  local n=${2:-1}
  for _ in $(seq 200); do
    [ "$(events | grep -c "\"type\":\"$1\"")" -ge "$n" ] && return 0
    sleep 0.05
  done
  fail "no $n \"$1\" event(s): $(events)"
}

# wait_pid_gone PID WHAT [SECONDS]: PID exits within SECONDS (default 5) (a zombie counts as gone:
# who reaps an orphan is not the pod's business).
wait_pid_gone() {
  local st
  for _ in $(seq $(( ${3:-5} * 20 ))); do
    st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$st" = Z ] && return 0
    sleep 0.05
  done
  fail "$2 (pid $1) still runs"
}

# add_sdnotify ROOTFS: a static sd_notify client as ROOTFS/bin/sdnotify
# (busybox has none); skips the test without a C compiler or static libc.
add_sdnotify() {
  command -v cc >/dev/null || skip "no C compiler to build the static sd_notify client"
  cc -static -O2 -o "$1/bin/sdnotify" "$(dirname "${BASH_SOURCE[0]}")/../helpers/sdnotify.c" ||
    skip "static linking unavailable (libc6-dev missing?)"
}
