#!/usr/bin/env bash
# Guest side of the VM lane's systemd boot: tests/vm/systemd/t_*.sh through
# the integration runner, with the host's systemd as PID 1.  Usage (host):
#   tests/vm/run-vm.sh --systemd -- tests/vm/systemd-tests.sh BERTH [PATTERN]
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ "${BERTH_VM:-}" != 1 ] || [ "${BERTH_VM_INIT:-}" != systemd ]; then
  echo "systemd-tests.sh runs inside the VM lane booted with systemd (tests/vm/run-vm.sh --systemd)"
  echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
# The runner gives each test a private /run (sandbox.sh), but systemctl,
# journalctl and the pods that systemd starts live on the guest's real one:
# a private (non-propagating) bind of it here lets a test put it back over
# its own /run (sd_begin in t_systemd.sh).
BERTH_VM_SYSTEMD_RUN=/tmp/berth-vm-run
mkdir -p "$BERTH_VM_SYSTEMD_RUN" &&
  mount --bind /run "$BERTH_VM_SYSTEMD_RUN" &&
  mount --make-private "$BERTH_VM_SYSTEMD_RUN" || {
  echo "systemd-tests.sh: cannot bind /run to $BERTH_VM_SYSTEMD_RUN"
  echo "0 passed, 1 failed, 0 skipped"; exit 1
}
export BERTH_VM_SYSTEMD_RUN
# Everything runs ~20x slower under TCG: more room per test than on the host.
BERTH_TEST_TIMEOUT=${BERTH_TEST_TIMEOUT:-400} BERTH_TESTS_DIR=$here/systemd exec "$here/../integration/run.sh" "$@"
