# Real containerd (1.6, shim io.containerd.runc.v2) driving berth as its
# runc binary on a real cgroup v2 kernel (issue 11).  Each test starts its
# own containerd (config written here: root, state, socket and the opt dir
# on the guest's tmpfs, the CRI plugin disabled) and stops it at exit; the
# content store and snapshots are shared by the tests of one run, so the
# busybox image (built offline by tests/vm/clients/mkimage.py) is imported
# once.  Every ctr call names berth: `--runtime io.containerd.runc.v2
# --runc-binary $BERTH` (the per-container runc options; without CRI there
# is no runtime table in the daemon's config).
#
# BERTH_CLIENT_RUNTIME=PATH runs the suite with another runtime (runc, crun)
# to compare.  BERTH_CLIENT_DEBUG=1 puts a wrapper between the shim and berth that logs
# every call (argv) and adds `--debug --log`; the log is printed on failure.

CD_DIR=${T_CACHE:?}/containerd
CD_SOCK=$CD_DIR/containerd.sock
CD_IMG=localhost/berth-busybox:latest
CD_MKIMAGE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/clients/mkimage.py
source "$(dirname "${BASH_SOURCE[0]}")/clients/debug.sh"
CD_PID=

# c ARGS...: ctr on this suite's socket and namespace, bounded.
c() { timeout -k 5 "${CD_TIMEOUT:-150}" ctr -a "$CD_SOCK" -n berth "$@"; }

# The runc binary the shim calls: berth itself, or (BERTH_CLIENT_DEBUG=1)
# the logging wrapper.
cd_runtime() {
  # Another runtime (e.g. runc) to compare with, for debugging.
  if [ -n "${BERTH_CLIENT_RUNTIME:-}" ]; then echo "$BERTH_CLIENT_RUNTIME"; return; fi
  if [ "${BERTH_CLIENT_DEBUG:-}" = 1 ]; then
    client_debug_wrapper "$CD_DIR"
  else
    echo "$BERTH"
  fi
}

cd_fail() {
  # Diagnostics first: run.sh shows only the last 25 lines of a failure.
  {
    echo "containerd log:"; grep -v 'level=info' "$CD_DIR/containerd.log" 2>/dev/null | tail -n 6 | cut -c1-400
    if [ -s "${BERTH_CLIENT_DEBUG_DIR:-$CD_DIR}/berth-calls.log" ]; then
      echo "last berth calls:"; tail -n 6 "${BERTH_CLIENT_DEBUG_DIR:-$CD_DIR}/berth-calls.log" | cut -c1-400
      echo "berth errors:"; grep -v 'level=debug' "${BERTH_CLIENT_DEBUG_DIR:-$CD_DIR}/berth-debug.log" 2>/dev/null | tail -n 5
    fi
  } >&2
  fail "$*"
}

# c_ok WHAT ARGS...: run ctr, fail with its output unless it succeeds; the
# output is in $out.
c_ok() {
  local what=$1; shift
  out=$(c "$@" 2>&1) || cd_fail "$what (ctr $*): exit $?: $out"
}

# Tasks and containers of the namespace go, then the daemon (TERM, then
# KILL after ~10 s).
cd_cleanup() {
  local id
  if [ -n "$CD_PID" ]; then
    for id in $(CD_TIMEOUT=30 c task ls -q 2>/dev/null); do
      CD_TIMEOUT=30 c task kill -s KILL "$id" >/dev/null 2>&1
    done
    for id in $(CD_TIMEOUT=30 c container ls -q 2>/dev/null); do
      CD_TIMEOUT=30 c task delete -f "$id" >/dev/null 2>&1
      CD_TIMEOUT=30 c container delete "$id" >/dev/null 2>&1
    done
    kill -TERM "$CD_PID" 2>/dev/null
    local _
    for _ in $(seq 100); do kill -0 "$CD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CD_PID" 2>/dev/null
    wait "$CD_PID" 2>/dev/null
  fi
}

# containerd_setup: skip without containerd/ctr/the shim; start the daemon;
# once per run, import the image.
containerd_setup() {
  local b
  for b in containerd ctr containerd-shim-runc-v2; do
    command -v $b >/dev/null || skip "$b is not installed (tools/install-deps.sh installs containerd)"
  done
  [ -f /sys/fs/cgroup/cgroup.controllers ] || skip "needs cgroup v2 at /sys/fs/cgroup (the VM lane)"
  mkdir -p "$CD_DIR/opt"
  CD_RUNTIME=$(cd_runtime)
  cat > "$CD_DIR/config.toml" <<EOF
version = 2
root = "$CD_DIR/root"
state = "$CD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CD_SOCK"
[ttrpc]
  address = "$CD_SOCK.ttrpc"
[debug]
  level = "info"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CD_DIR/opt"
EOF
  containerd --config "$CD_DIR/config.toml" >> "$CD_DIR/containerd.log" 2>&1 &
  CD_PID=$!
  trap cd_cleanup EXIT
  local _
  for _ in $(seq 120); do
    CD_TIMEOUT=10 c version >/dev/null 2>&1 && break
    kill -0 "$CD_PID" 2>/dev/null || cd_fail "containerd exited"
    sleep 0.5
  done
  CD_TIMEOUT=10 c version >/dev/null 2>&1 || cd_fail "containerd did not answer within 60 s"
  if [ ! -e "$CD_DIR/imported" ]; then
    make_rootfs "$CD_DIR/rootfs"
    python3 "$CD_MKIMAGE" "$CD_DIR/rootfs" "$CD_DIR/image.tar" "$CD_IMG" >/dev/null || fail "building the image"
    c_ok "image import" image import "$CD_DIR/image.tar"
    c_ok "image ls" image ls -q
    assert_contains "$out" "$CD_IMG" "imported images"
    touch "$CD_DIR/imported"
  fi
}

# crun_ ARGS...: `ctr run` with berth as the runc binary.
crun_() { c run --runtime io.containerd.runc.v2 --runc-binary "$CD_RUNTIME" "$@"; }

# task_status ID: STATUS column of `ctr task ls`.
task_status() { c task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }
task_pid() { c task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $2}'; }

test_ctr_run_exit_code() {
  containerd_setup
  out=$(crun_ --rm "$CD_IMG" r1 echo hello-berth 2>&1) || cd_fail "ctr run echo: exit $?: $out"
  assert_eq hello-berth "$(printf '%s' "$out" | tr -d '\r')" "ctr run output"
  out=$(crun_ --rm "$CD_IMG" r2 sh -c 'exit 3' 2>&1)
  assert_eq 3 $? "ctr run exit code ($out)"
  out=$(crun_ --rm --net-host "$CD_IMG" r3 sh -c 'echo ok' 2>&1)
  assert_eq ok "$out" "ctr run --net-host"
  assert_eq "" "$(c container ls -q)" "containers left after run --rm"
}

test_ctr_task_lifecycle() {
  containerd_setup
  out=$(crun_ -d --log-uri "file://$T_DIR/t1.log" "$CD_IMG" t1 sh -c 'echo started; sleep 1000' 2>&1) ||
    cd_fail "ctr run -d: $out"
  assert_eq RUNNING "$(task_status t1)" "task status"
  local _
  for _ in $(seq 40); do grep -q started "$T_DIR/t1.log" 2>/dev/null && break; sleep 0.5; done
  assert_contains "$(cat "$T_DIR/t1.log" 2>&1)" started "the task's log"
  c_ok "task exec" task exec --exec-id x1 t1 sh -c 'echo in-exec'
  assert_eq in-exec "$out" "exec output"
  out=$(c task exec --exec-id x2 t1 sh -c 'exit 7' 2>&1)
  assert_eq 7 $? "ctr task exec exit code ($out)"
  c_ok "task ps" task ps t1
  local pid; pid=$(task_pid t1)
  assert_contains "$out" "$pid" "task ps lists the init"
  c_ok "task pause" task pause t1
  assert_eq PAUSED "$(task_status t1)" "status after pause"
  local cg; cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
  assert_eq 1 "$(cat "/sys/fs/cgroup$cg/cgroup.freeze")" "cgroup.freeze while paused ($cg)"
  c_ok "task resume" task resume t1
  assert_eq RUNNING "$(task_status t1)" "status after resume"
  c_ok "task metrics" task metrics t1
  assert_contains "$out" "memory.usage" "metrics"
  c_ok "task kill" task kill -s KILL t1
  for _ in $(seq 40); do [ "$(task_status t1)" = STOPPED ] && break; sleep 0.5; done
  assert_eq STOPPED "$(task_status t1)" "status after kill"
  c_ok "task delete" task delete t1
  c_ok "container delete" container delete t1
  [ ! -d "/sys/fs/cgroup$cg" ] || cd_fail "cgroup $cg left behind"
}

test_ctr_memory_limit() {
  containerd_setup
  out=$(crun_ -d --null-io --memory-limit 67108864 "$CD_IMG" m1 sleep 1000 2>&1) || cd_fail "ctr run -d --memory-limit: $out"
  local pid; pid=$(task_pid m1)
  local cg; cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
  assert_eq 67108864 "$(cat "/sys/fs/cgroup$cg/memory.max")" "memory.max of $cg"
  c_ok "task kill" task kill -s KILL m1
  local _
  for _ in $(seq 40); do [ "$(task_status m1)" = STOPPED ] && break; sleep 0.5; done
  c_ok "task delete" task delete m1
}
