# berth run under systemd (NOTIFY_SOCKET set): the container's sd_notify
# messages are relayed, every kind, not only READY=1.
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

test_run_relays_sd_notify() {
  make_bundle "$T_DIR/b" sh -c 'sdnotify "STATUS=loading"; sdnotify READY=1; sdnotify WATCHDOG=1; sdnotify "RELOADING=1
MONOTONIC_USEC=12345"; sdnotify ERRNO=5; sdnotify STOPPING=1; echo notify=$NOTIFY_SOCKET'
  add_sdnotify "$T_DIR/b/rootfs"
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" <<'PY' || fail "relay run failed"
import os, socket, subprocess, sys
berth, root, d = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(0.5)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock")
out = subprocess.run([berth, "--root", root, "run", "-b", d + "/b", "n1"], env=env,
                     capture_output=True, timeout=30)
assert out.returncode == 0, out
assert b"notify=/run/berth/notify/notify.sock" in out.stdout, out.stdout
msgs = []
try:
    while True:
        msgs.append(s.recv(300))
except socket.timeout:
    pass
want = [b"STATUS=loading", b"READY=1", b"WATCHDOG=1", b"RELOADING=1\nMONOTONIC_USEC=12345",
        b"ERRNO=5", b"STOPPING=1"]
assert msgs == want, msgs
PY
  [ -z "$(ls -A "$T_ROOT")" ] || fail "left in the state root: $(ls -A "$T_ROOT")"
}

test_run_without_notify_socket_sets_none() {
  make_bundle "$T_DIR/b" sh -c 'echo "notify=${NOTIFY_SOCKET:-unset}"'
  local out; out=$(env -u NOTIFY_SOCKET "$BERTH" --root "$T_ROOT" run -b "$T_DIR/b" n2)
  assert_eq "notify=unset" "$out"
}
