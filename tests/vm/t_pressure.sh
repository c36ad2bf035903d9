# Memory pressure under a real memory limit: the PSI trigger warns before
# the OOM kill, and with oom-policy grow the limit is raised in time
# (docs/pod-supervisor.md "Pressure").
source "$(dirname "${BASH_SOURCE[0]}")/../integration/t_metrics.sh"
for f in $(declare -F | awk '{print $3}' | grep '^test_'); do unset -f "$f"; done

# A container that fills 40 MiB of anonymous memory, 24 MiB at once then
# 1 MiB every 2 s, under a 32 MiB limit, and execs a program between steps
# (its pages are what reclaim takes and what comes back: the stall).
GROWER='awk '\''BEGIN { for (n = 0; n < 40; n++) { a[n] = sprintf("%1048576s", n); if (n >= 24) system("sleep 2") } print "survived"; system("exec sleep 1000") }'\'''

grower_pod() {   # OOM-POLICY
  pod_json "$T_DIR/pod.json" "
p['metadata']['annotations'] = {'berth.dev/pressure.hog': 'memory=1%/2s,cpu=off,io=off',
  'berth.dev/oom-policy': '$1', 'berth.dev/oom-grow': '2,256Mi'}
p['spec']['restartPolicy'] = 'Never'
p['spec']['containers'] = [ctr('hog', 'sh', '-c', '''$GROWER''', resources={'limits': {'memory': '32Mi'}})]"
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d"
}

test_pressure_warns_before_the_oom_kill() {
  grower_pod stop
  for _ in $(seq 1200); do events | grep -q '"type":"exited"' && break; sleep 0.1; done
  events | grep '"type":"exited"' | grep -q OOMKilled || fail "not OOM-killed: $(events)"
  events | sed '/"type":"exited"/q' | grep '"type":"pressure"' | grep -q '"resource":"memory"' ||
    fail "no memory pressure event before the kill: $(events)"
  b pod rm -f tp >/dev/null
}

test_pressure_grows_the_limit_before_the_kill() {
  grower_pod grow
  for _ in $(seq 1200); do grep -q survived "$T_DIR/logs/hog.log" 2>/dev/null && break
    events | grep -q '"type":"exited"' && break; sleep 0.1; done
  grep -q survived "$T_DIR/logs/hog.log" || fail "hog did not survive: $(events)"
  events | grep '"type":"memory-grown"' | grep -q 'memory pressure' || fail "no memory-grown by pressure: $(events)"
  ! events | grep -q OOMKilled || fail "an OOM kill happened: $(events)"
  local lim; lim=$(cat /sys/fs/cgroup/berth/pods/tp/hog/memory.max)
  [ "$lim" -gt 33554432 ] || fail "memory.max not raised: $lim"
  b pod rm -f tp >/dev/null
}
