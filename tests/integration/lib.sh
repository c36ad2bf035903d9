# Helpers for integration tests: each test runs the real berth binary against
# bundles built here from Debian's busybox-static, in its own state root.
# Tests are shell functions named test_*; a test fails by calling `fail`
# (or any assert_*), and skips only by calling `skip "reason"`.

: "${BERTH:?BERTH must point at the berth binary}"
BUSYBOX=${BUSYBOX:-/bin/busybox}

fail() { echo "  assertion failed: $*" >&2; exit 1; }
skip() { echo "SKIP-REASON: $*" >&2; exit 77; }

assert_eq() {      # expected actual [what]
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_contains() { # haystack needle [what]
  case "$1" in *"$2"*) ;; *) fail "${3:-output} does not contain '$2': $1" ;; esac
}
assert_not_contains() {
  case "$1" in *"$2"*) fail "${3:-output} contains '$2': $1" ;; esac
}

# berth with this test's private state root.
b() { "$BERTH" --root "$T_ROOT" "$@"; }

# A busybox rootfs: one static binary plus an applet symlink tree.
make_rootfs() {
  local dir=$1 a
  mkdir -p "$dir"/{bin,proc,sys,dev,tmp,etc,root,run}
  if [ -d "$T_CACHE/rootfs" ]; then
    cp -a "$T_CACHE/rootfs/." "$dir/"
    return
  fi
  cp "$BUSYBOX" "$dir/bin/busybox"
  for a in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  mkdir -p "$T_CACHE/rootfs" && cp -a "$dir/." "$T_CACHE/rootfs/"
}

# make_bundle DIR [ARGS...]: a default `berth spec` bundle, non-terminal,
# running ARGS (default: true).
make_bundle() {
  local dir=$1; shift
  mkdir -p "$dir"
  make_rootfs "$dir/rootfs"
  (cd "$dir" && "$BERTH" spec) || fail "berth spec"
  if [ $# -eq 0 ]; then set -- true; fi
  local args
  args=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
  cfg "$dir" "c['process']['terminal']=False; c['process']['args']=$args"
}

# cfg DIR PYTHON: edit DIR/config.json as the dict `c`.
cfg() {
  python3 - "$1/config.json" "$2" <<'PY' || fail "editing config.json"
import json, sys
p, code = sys.argv[1], sys.argv[2]
c = json.load(open(p))
exec(code)
json.dump(c, open(p, "w"), indent=1)
PY
}

# Nothing of a container may remain: state dir, cgroup, process.
assert_gone() {
  local id=$1
  [ ! -e "$T_ROOT/$id" ] || fail "state dir $T_ROOT/$id still exists"
  local cg
  for cg in /sys/fs/cgroup/unified/berth/"$id" /sys/fs/cgroup/berth/"$id"; do
    [ ! -d "$cg" ] || fail "cgroup $cg still exists"
  done
}

# Inode of a namespace link, e.g. ns_ino self net.
ns_ino() { stat -L -c %i "/proc/$1/ns/$2"; }

# ---- Helpers for the feature suites (t_cli.sh, t_exec.sh, t_mounts.sh ...) ----

# wait_for CMD...: retry CMD every 50 ms for up to 5 s; status 1 on timeout.
wait_for() {
  local _
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

# json_get EXPR: evaluate a python expression on the JSON document `j` read
# from stdin; strings print bare, anything else as JSON.
json_get() {
  python3 -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

# status_of ID: the container's status as `berth state` reports it ("" if none).
status_of() { b state "$1" 2>/dev/null | json_get 'j["status"]' 2>/dev/null; }
# pid_of ID: the init's pid as `berth state` reports it.
pid_of() { b state "$1" 2>/dev/null | json_get 'j["pid"]' 2>/dev/null; }

# cgroup_of ID: the container's cgroup directory as berth recorded it in the
# state file (`berth state` prints only the OCI fields); "" if none.
cgroup_of() {
  json_get 'j.get("berth", {}).get("cgroupPath", "")' < "$T_ROOT/$1/state.json" 2>/dev/null
}

# wait_status ID STATUS: fail unless the container reaches STATUS within 5 s.
wait_status() {
  local _
  for _ in $(seq 100); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.05; done
  fail "container $1: expected status $2, still $(status_of "$1")"
}

# proc_gone PID: true once PID has exited (a zombie counts as exited).
proc_gone() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# assert_no_trace ID PID [PATH...]: assert_gone, plus process PID ("-": not
# checked) has exited and no host mount lies at or under any PATH.
assert_no_trace() {
  local id=$1 pid=$2 p; shift 2
  assert_gone "$id"
  if [ "$pid" != - ]; then
    wait_for proc_gone "$pid" || fail "process $pid of $id still exists"
  fi
  for p in "$@"; do
    ! awk -v p="$p" '$5 == p || index($5, p "/") == 1 {f=1} END {exit !f}' /proc/self/mountinfo ||
      fail "a host mount remains under $p: $(awk -v p="$p" 'index($5, p) == 1' /proc/self/mountinfo)"
  done
}

# mnt_field MOUNTINFO MOUNTPOINT FIELD: from mountinfo text, for the last
# mount at MOUNTPOINT: "opts" (per-mount options), "type", "super" (fs options).
mnt_field() {
  printf '%s\n' "$1" | awk -v mp="$2" -v f="$3" '
    $5 == mp { for (i = 7; $i != "-"; i++) ; o = $6; t = $(i + 1); s = $(i + 3) }
    END { if (f == "opts") print o; else if (f == "type") print t; else print s }'
}

# assert_opt OPTS OPT [WHAT]: OPT is one of the comma-separated OPTS.
assert_opt() {
  case ",$1," in *",$2,"*) ;; *) fail "${3:-options} '$1' lack '$2'" ;; esac
}
assert_no_opt() {
  case ",$1," in *",$2,"*) fail "${3:-options} '$1' contain '$2'" ;; esac
}

# add_bind DIR HOSTPATH CTRPATH [OPTIONS...]: append a bind mount to DIR's config.
add_bind() {
  local dir=$1 src=$2 dst=$3; shift 3
  local opts
  opts=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:] or ["rbind"]))' "$@")
  cfg "$dir" "c['mounts'].append({'destination': '$dst', 'type': 'bind', 'source': '$src', 'options': $opts})"
}

# console_helper SOCKET OUT SCRIPT...: a background python3 process that
# listens on SOCKET, receives a pty master over SCM_RIGHTS, writes each SCRIPT
# line to it (waiting for the previous output to settle) and copies everything
# it reads to OUT until the pty closes.  Prints its pid.
console_helper() {
  local sock=$1 out=$2; shift 2
  python3 - "$sock" "$out" "$@" <<'PY' >/dev/null 2>"$out.err" &
import os, select, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
lines = sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path); s.listen(1)
s.settimeout(30)
open(path + ".ready", "w").close()
c, _ = s.accept()
msg, fds, flags, addr = socket.recv_fds(c, 4096, 1)
with open(out + ".name", "w") as f:
    f.write(msg.decode())
m = fds[0]
buf = b""
deadline = time.time() + 20
def pump(t):
    global buf
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([m], [], [], 0.05)
        if r:
            try:
                d = os.read(m, 4096)
            except OSError:
                return False
            if not d:
                return False
            buf += d
            with open(out, "wb") as f:
                f.write(buf)
    return True
alive = pump(0.3)
for l in lines:
    if not alive:
        break
    os.write(m, l.encode() + b"\n")
    alive = pump(0.5)
while alive and time.time() < deadline:
    alive = pump(0.2)
with open(out, "wb") as f:
    f.write(buf)
PY
  echo $!
  wait_for test -e "$sock.ready" || fail "console helper did not start: $(cat "$out.err")"
}

# cleanup_containers: force-delete every container of this test's root.
# Files of the feature suites `trap cleanup_containers EXIT`, so a failing
# test stops its containers at once rather than after run.sh's own cleanup.
cleanup_containers() {
  local id
  for id in $(ls "$T_ROOT" 2>/dev/null); do
    "$BERTH" --root "$T_ROOT" delete -f "$id" >/dev/null 2>&1
  done
}

# lines_ge FILE N: FILE exists and has at least N lines.
lines_ge() { [ -e "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }

# userns_traversable: let a user-namespaced container (whose root is an
# unprivileged host uid) reach bundles under $T_DIR: run.sh's work dir is
# mode 0700 (mktemp -d).
userns_traversable() {
  chmod o+x "$(dirname "$T_DIR")" "$T_DIR"
}
