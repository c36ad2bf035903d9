# Memory pressure under a real memory limit: the PSI trigger warns before
# the OOM kill, and with oom-policy grow the limit is raised in time and
# the container lives (docs/pod-supervisor.md "Pressure").
#
# A stall needs memory the kernel can take back and has to fetch again:
# anonymous memory alone (no swap here) gives none, the kill comes without
# a stall.  So the container reads a 24 MiB file in a loop from an ext4 on
# a loop device (page cache charged to its cgroup, re-read after every
# reclaim) while it grows anonymous memory 1 MiB a second up to 40 MiB,
# under a 32 MiB limit.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"

# A 64 MiB ext4 on a loop device over a file in the guest's tmpfs, with one
# 24 MiB file; mounted in this test's own mount namespace (`-o loop` sets
# autoclear: the device goes when the mount does).
pressure_disk() {
  modprobe loop 2>/dev/null; modprobe ext4 2>/dev/null
  truncate -s 64M "$T_DIR/disk.img" || fail "truncate"
  mkfs.ext4 -q -F "$T_DIR/disk.img" || fail "mkfs.ext4"
  mkdir -p "$T_DIR/data"
  mount -o loop "$T_DIR/disk.img" "$T_DIR/data" || skip "no loop device or ext4 in this guest kernel"
  head -c 24M /dev/urandom > "$T_DIR/data/big" || fail "writing the file"
  sync; echo 1 > /proc/sys/vm/drop_caches
}

GROWER='while :; do cat /data/big > /dev/null; done &
awk '\''BEGIN { for (n = 0; n < 40; n++) { a[n] = sprintf("%1048576s", n); if (n >= 8) system("sleep 1") }
  print "survived"; fflush(); system("exec sleep 1000") }'\'''

grower_pod() {   # OOM-POLICY
  pressure_disk
  printf "%s" "$GROWER" > "$T_DIR/grower.sh"
  pod_json "$T_DIR/pod.json" "
p['metadata']['annotations'] = {'berth.dev/pressure.hog': 'memory=1%/2s,cpu=off,io=off',
  'berth.dev/oom-policy': '$1', 'berth.dev/oom-grow': '2,256Mi'}
p['spec']['restartPolicy'] = 'Never'
p['spec']['volumes'] = [{'name': 'd', 'hostPath': {'path': '$T_DIR/data'}}]
p['spec']['containers'] = [ctr('hog', 'sh', '-c', open('$T_DIR/grower.sh').read(),
  resources={'limits': {'memory': '32Mi'}}, volumeMounts=[{'name': 'd', 'mountPath': '/data'}])]"
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
}

test_pressure_warns_before_the_oom_kill() {
  grower_pod stop
  for _ in $(seq 1500); do events | grep -q '"type":"exited"' && break; sleep 0.1; done
  events | grep '"type":"exited"' | grep -q OOMKilled || fail "not OOM-killed: $(events)"
  events | sed '/"type":"exited"/q' | grep '"type":"pressure"' | grep -q '"resource":"memory"' ||
    fail "no memory pressure event before the kill: $(events)"
  b pod rm -f tp >/dev/null
  assert_pod_gone tp
}

test_pressure_grows_the_limit_before_the_kill() {
  grower_pod grow
  for _ in $(seq 1500); do grep -q survived "$T_DIR/logs/hog.log" 2>/dev/null && break
    events | grep -q '"type":"exited"' && break; sleep 0.1; done
  grep -q survived "$T_DIR/logs/hog.log" || fail "hog did not survive: $(events)"
  events | grep '"type":"memory-grown"' | grep -q 'memory pressure' || fail "no memory-grown by pressure: $(events)"
  ! events | grep -q OOMKilled || fail "an OOM kill happened: $(events)"
  local lim; lim=$(cat /sys/fs/cgroup/berth/pods/tp/hog/memory.max)
  [ "$lim" -gt 33554432 ] || fail "memory.max not raised: $lim"
  b pod rm -f tp >/dev/null
  assert_pod_gone tp
}
