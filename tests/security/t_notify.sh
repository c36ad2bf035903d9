# Attacker: a container process with NOTIFY_SOCKET (berth run under a
# Type=notify unit, or a pod container with berth.dev/sd-notify).  berth is
# the unit's main process, so whatever berth relays systemd takes as the
# unit's own word: a container that could send MAINPID=, NOTIFYACCESS=,
# WATCHDOG_USEC=, WATCHDOG=trigger, EXTEND_TIMEOUT_USEC= or FDSTORE= would
# manage the unit (point systemd at another process, fail or stop it, keep
# a hung supervisor alive).  The listener below stands for systemd.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"

# What neither relay may pass on, each as its own datagram and once hidden
# behind an allowed line.
_SEC_NOTIFY_ATTACK='sdnotify MAINPID=1; sdnotify NOTIFYACCESS=all; sdnotify WATCHDOG=trigger;
sdnotify WATCHDOG_USEC=1; sdnotify EXTEND_TIMEOUT_USEC=600000000; sdnotify FDSTORE=1;
sdnotify "STATUS=cover
MAINPID=1
NOTIFYACCESS=all"'

# The listener's check: no forbidden key in any datagram, and the lines
# that must arrive did.
_SEC_NOTIFY_CHECK='
def lines(ms):
    return [l for m in ms for l in m.split(b"\n")]
bad = [l for l in lines(msgs) if l.split(b"=")[0] in
       (b"MAINPID", b"NOTIFYACCESS", b"WATCHDOG_USEC", b"EXTEND_TIMEOUT_USEC", b"FDSTORE")
       or l == b"WATCHDOG=trigger"]
assert not bad, ("relayed to systemd", bad, msgs)
assert b"READY=1" in lines(msgs), ("no READY=1", msgs)
'

# berth run: READY=1 (and the rest of the allowed set) still reaches
# systemd; the unit-managing keys do not.
test_sec_run_notify_relay_drops_unit_control() {
  make_bundle "$T_DIR/b" sh -c "$_SEC_NOTIFY_ATTACK"'; sdnotify READY=1; sdnotify "STATUS=last"'
  add_sdnotify "$T_DIR/b/rootfs"
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" "$_SEC_NOTIFY_CHECK" <<'PY' || fail "relay run failed"
import os, socket, subprocess, sys
berth, root, d, check = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(0.5)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock")
out = subprocess.run([berth, "--root", root, "run", "-b", d + "/b", "sn1"], env=env,
                     capture_output=True, timeout=30)
assert out.returncode == 0, out
msgs = []
try:
    while True:
        msgs.append(s.recv(4096))
except socket.timeout:
    pass
exec(check)
assert b"STATUS=cover" in msgs, ("the allowed line of a mixed datagram", msgs)
assert msgs[-1] == b"STATUS=last", ("the listener missed datagrams", msgs)
PY
}

# A pod container: besides the above, its STOPPING=1 must not stop the
# pod's unit (the supervisor sends STOPPING=1 only when it stops the pod),
# nor WATCHDOG=trigger fail it, nor EXTEND_TIMEOUT_USEC= stretch its
# timeouts.  The pod's READY=1 still comes, once the container said READY=1.
test_sec_pod_notify_relay_drops_unit_control() {
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/sd-notify.app": "true"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [ctr("app", "sh", "-c", """'"$_SEC_NOTIFY_ATTACK"'
sdnotify STOPPING=1; sdnotify READY=1; sdnotify STATUS=sent-all; while :; do sleep 0.1; done""")]'
  add_sdnotify "$T_DIR/rootfs"
  python3 - "$BERTH" "$T_ROOT" "$T_DIR" "$_SEC_NOTIFY_CHECK" <<'PY' || fail "relay pod failed"
import os, signal, socket, subprocess, sys
berth, root, d, check = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(d + "/notify.sock"); s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=d + "/notify.sock")
p = subprocess.Popen([berth, "--root", root, "pod", "run", "--log-dir", d + "/logs", d + "/pod.json"],
                     env=env, stdout=subprocess.DEVNULL)
msgs = []
try:
    while b"STATUS=sent-all" not in msgs or b"READY=1" not in msgs:
        msgs.append(s.recv(4096))
    # Anything still in flight from the container.
    s.settimeout(0.5)
    try:
        while True:
            msgs.append(s.recv(4096))
    except socket.timeout:
        pass
    assert p.poll() is None, "the pod ended"
finally:
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=15)
exec(check)
assert b"STOPPING=1" not in lines(msgs), ("a container's STOPPING=1 relayed", msgs)
assert b"STATUS=cover" in msgs, ("the allowed line of a mixed datagram", msgs)
PY
  assert_pod_ended tp
}
