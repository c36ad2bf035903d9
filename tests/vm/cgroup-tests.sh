#!/usr/bin/env bash
# Guest side of the VM lane: the cgroup v2 tests (tests/vm/t_*.sh) through
# the integration runner.  Usage (host): tests/vm/run-vm.sh -- tests/vm/cgroup-tests.sh BERTH
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ "${BERTH_VM:-}" != 1 ]; then
  echo "cgroup-tests.sh runs inside the VM lane (tests/vm/run-vm.sh)"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
# Modules the tests need, loaded here: each test gets a private /run,
# which hides the guest's modprobe wrappers (/run/berth-vm/bin).
# t_pressure.sh: an ext4 on a loop device.
modprobe -q loop 2>/dev/null || true
modprobe -q ext4 2>/dev/null || true
# Everything runs ~20x slower under TCG, and the first python3 start reads
# its modules cold over 9p: give each test more room than on the host.
BERTH_TEST_TIMEOUT=${BERTH_TEST_TIMEOUT:-400} BERTH_TESTS_DIR=$here exec "$here/../integration/run.sh" "$@"
