#!/usr/bin/env bash
# One integration test inside the namespaces run.sh made for it (a network
# and a mount namespace): a private /run, loopback up, the test under its
# timeout, then whatever it left running removed, still in here.
# Environment: T_DIR T_ROOT T_TEST T_FILE T_HERE BERTH [BERTH_TEST_TIMEOUT].
mount -t tmpfs -o mode=0755 berth-test-run /run || { echo "sandbox: cannot mount /run"; exit 98; }
ip link set lo up || { echo "sandbox: cannot bring lo up"; exit 98; }
# The host's CNI configs (podman's, say) and their leases on disk are not
# the test's: pods here get the built-in network unless a test gives its
# own --cni-config-dir.
for d in /etc/cni/net.d /var/lib/cni; do
  [ ! -d "$d" ] || mount -t tmpfs -o mode=0755 berth-test-cni "$d" ||
    { echo "sandbox: cannot hide $d"; exit 98; }
done
timeout -k 5 "${BERTH_TEST_TIMEOUT:-120}" bash -c '
  set -u
  source "$T_HERE/lib.sh"
  source "$T_FILE"
  "$T_TEST"
'
rc=$?
for pod in $(ls "$T_ROOT/pods" 2>/dev/null); do
  "$BERTH" --root "$T_ROOT" pod rm -f -t 0 "$pod" >/dev/null 2>&1
done
for id in $(ls "$T_ROOT" 2>/dev/null); do
  "$BERTH" --root "$T_ROOT" delete -f "$id" >/dev/null 2>&1
done
# Anything else the test started and left (a server in the background of a
# test that failed): every process in this network namespace but us.
me=$(readlink /proc/self/ns/net)
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
  [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$me" ] && kill -KILL "$p" 2>/dev/null
done
exit $rc
