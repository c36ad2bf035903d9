# cgroup v2 resources, observed from inside the guest's real hierarchy.

cg_of() { b state "$1" >/dev/null && cat "$T_ROOT/$1/state.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["berth"]["cgroupPath"])'; }

test_memory_pids_cpu_files() {
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':67108864,'reservation':33554432,'swap':67108864},'pids':{'limit':64},'cpu':{'shares':512,'quota':20000,'period':100000}}"
  b create --bundle "$T_DIR/b" r1 || fail "create"
  local cg; cg=$(cg_of r1)
  assert_eq 67108864 "$(cat $cg/memory.max)" memory.max
  assert_eq 33554432 "$(cat $cg/memory.low)" memory.low
  assert_eq 0 "$(cat $cg/memory.swap.max)" memory.swap.max
  assert_eq 64 "$(cat $cg/pids.max)" pids.max
  assert_eq 59 "$(cat $cg/cpu.weight)" "cpu.weight for shares 512"
  assert_eq "20000 100000" "$(cat $cg/cpu.max)" cpu.max
  b delete -f r1 || fail "delete"
  [ ! -d "$cg" ] || fail "cgroup $cg left behind"
}

test_shares_to_weight_table() {
  make_bundle "$T_DIR/b" true
  local s w
  for pair in 2:1 512:59 1024:100 2048:174 262144:10000; do
    s=${pair%%:*}; w=${pair##*:}
    cfg "$T_DIR/b" "c['linux']['resources']={'cpu':{'shares':$s}}"
    b create --bundle "$T_DIR/b" w$s || fail "create shares=$s"
    assert_eq "$w" "$(cat $(cg_of w$s)/cpu.weight)" "cpu.weight for shares $s"
    b delete -f w$s
  done
}

test_oom_kill_returns_137() {
  make_bundle "$T_DIR/b" sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo survived'
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':16777216,'swap':16777216}}"
  local out rc
  out=$(cd "$T_DIR/b" && b run --keep oom1 2>&1); rc=$?
  assert_eq 137 "$rc" "exit code of the OOM-killed container"
  assert_not_contains "$out" survived
  assert_contains "$(b state oom1)" '"oomKilled": true'
  local cg; cg=$(cg_of oom1)
  grep -q '^oom_kill [1-9]' "$cg/memory.events" || fail "memory.events: $(cat $cg/memory.events)"
  b delete oom1 || fail delete
}

test_pids_limit_stops_fork_bomb() {
  make_bundle "$T_DIR/b" sh -c 'while :; do sleep 30 & done 2>/dev/null'
  cfg "$T_DIR/b" "c['linux']['resources']={'pids':{'limit':10}}"
  b create --bundle "$T_DIR/b" p1 || fail create
  b start p1 || fail start
  local cg; cg=$(cg_of p1)
  for _ in $(seq 100); do grep -q '^max [1-9]' "$cg/pids.events" && break; sleep 0.1; done
  grep -q '^max [1-9]' "$cg/pids.events" || fail "pids.events never counted a refused fork: $(cat $cg/pids.events)"
  local n; n=$(cat "$cg/pids.current")
  [ "$n" -le 10 ] || fail "pids.current $n exceeds the limit 10"
  # The host can still fork.
  [ "$(sh -c 'echo ok')" = ok ] || fail "host cannot fork"
  b delete -f p1 || fail delete
  [ ! -d "$cg" ] || fail "cgroup left behind"
}

test_pause_resume_freezes() {
  make_bundle "$T_DIR/b" sh -c 'i=0; while true; do i=$((i+1)); echo $i > /dev/shm/counter; sleep 0.05; done'
  b create --bundle "$T_DIR/b" fz || fail create
  b start fz || fail start
  sleep 1
  b pause fz || fail pause
  assert_contains "$(b state fz)" '"status": "paused"'
  # berth pause returns once the kernel reports the cgroup frozen.
  local cg; cg=$(cg_of fz)
  grep -qx 'frozen 1' "$cg/cgroup.events" || fail "$cg/cgroup.events after pause: $(cat "$cg/cgroup.events")"
  local a c
  b exec fz true 2>/dev/null && fail "exec into a paused container succeeded"
  local pid; pid=$(b state fz | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
  a=$(cat /proc/$pid/root/dev/shm/counter); sleep 1; c=$(cat /proc/$pid/root/dev/shm/counter)
  assert_eq "$a" "$c" "counter while paused"
  b resume fz || fail resume
  grep -qx 'frozen 0' "$cg/cgroup.events" || fail "$cg/cgroup.events after resume: $(cat "$cg/cgroup.events")"
  sleep 1
  c=$(cat /proc/$pid/root/dev/shm/counter)
  [ "$c" -gt "$a" ] || fail "counter did not advance after resume ($a -> $c)"
  b delete -f fz
  assert_gone fz
}

test_update_memory_live() {
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':67108864}}"
  b create --bundle "$T_DIR/b" up || fail create
  b start up || fail start
  b update --memory 128m up || fail update
  assert_eq 134217728 "$(cat $(cg_of up)/memory.max)" "memory.max after update"
  b delete -f up
}

test_echo_under_512k() {
  make_bundle "$T_DIR/b" echo hello
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':524288,'swap':524288}}"
  local out; out=$(cd "$T_DIR/b" && b run tiny 2>&1) || fail "run under 512 KiB: $out"
  assert_eq hello "$out"
}

test_events_stream_reports_oom() {
  # The hog is a subshell, so the OOM killer takes it and not the init.
  make_bundle "$T_DIR/b" sh -c 'sleep 4; (x=$(head -c 100000000 /dev/zero | tr "\0" a)); sleep 60'
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':16777216,'swap':16777216}}"
  b run -d --bundle "$T_DIR/b" evoom || fail "run -d"
  b events --interval 60s evoom > "$T_DIR/events" 2>&1 &
  local ev=$!
  for _ in $(seq 600); do grep -q '"type":"oom"' "$T_DIR/events" && break; sleep 0.1; done
  kill $ev 2>/dev/null
  grep -q '"type":"oom","id":"evoom"' "$T_DIR/events" || fail "no oom event: $(cat $T_DIR/events)"
  assert_contains "$(b state evoom)" '"oomKilled": true'
  local stats; stats=$(b events --stats evoom)
  assert_contains "$stats" '"limit":16777216' "memory limit in --stats"
  assert_contains "$stats" '"oomKills":1'
  b delete -f evoom
}

test_cpu_quota_throttles() {
  make_bundle "$T_DIR/b" sh -c 'while :; do :; done'
  cfg "$T_DIR/b" "c['linux']['resources']={'cpu':{'quota':20000,'period':100000}}"
  b run -d --bundle "$T_DIR/b" busy || fail "run -d"
  local cg; cg=$(cg_of busy)
  local u0 t0 u1 t1
  u0=$(sed -n 's/^usage_usec //p' $cg/cpu.stat); t0=$(date +%s%N)
  sleep 4
  u1=$(sed -n 's/^usage_usec //p' $cg/cpu.stat); t1=$(date +%s%N)
  local pct=$(( (u1 - u0) * 100000 / ((t1 - t0) / 1000) / 1000 ))
  grep -q '^nr_throttled [1-9]' $cg/cpu.stat || fail "never throttled: $(cat $cg/cpu.stat)"
  # 20% of one CPU; a broad band, this is not a timing test.
  [ "$pct" -ge 8 ] && [ "$pct" -le 35 ] || fail "busy loop got ${pct}% of a CPU under cpu.max 20000 100000"
  b delete -f busy
}

test_delegated_subtree_moves_caller_to_leaf() {
  # Like a systemd unit with Delegate=yes: berth runs inside its own cgroup
  # and puts the container below it.
  local unit=/sys/fs/cgroup/berth-test-unit-$$
  mkdir "$unit" || fail "mkdir $unit"
  (
    echo $BASHPID > "$unit/cgroup.procs" || exit 9
    make_bundle "$T_DIR/b" true
    cfg "$T_DIR/b" "c['linux']['cgroupsPath']='ctr'; c['linux']['resources']={'pids':{'limit':20}}"
    b create --bundle "$T_DIR/b" deleg || exit 1
    [ "$(cat $unit/ctr/pids.max)" = 20 ] || exit 2
    grep -q "/berth-test-unit-$$/berth-caller" /proc/$BASHPID/cgroup || exit 3
    b delete -f deleg || exit 4
    [ ! -d "$unit/ctr" ] || exit 5
  )
  local rc=$?
  echo $$ > /sys/fs/cgroup/cgroup.procs
  for p in $(cat "$unit/berth-caller/cgroup.procs" 2>/dev/null); do echo $p > /sys/fs/cgroup/cgroup.procs; done
  rmdir "$unit/berth-caller" "$unit" 2>/dev/null
  assert_eq 0 "$rc" "delegated-subtree scenario step"
}

test_check_before_update_refuses_below_usage() {
  # tmpfs pages are charged to the writer's cgroup and stay: a usage that
  # does not depend on how fast a shell pipeline runs under TCG.
  make_bundle "$T_DIR/b" sh -c 'head -c 9000000 /dev/zero > /dev/shm/fill; sleep 600'
  cfg "$T_DIR/b" "c['linux']['resources']={'memory':{'limit':67108864}}"
  b run -d --bundle "$T_DIR/b" cbu || fail "run -d"
  local cg; cg=$(cg_of cbu)
  for _ in $(seq 900); do [ "$(cat $cg/memory.current)" -gt 8000000 ] && break; sleep 0.1; done
  [ "$(cat $cg/memory.current)" -gt 8000000 ] || fail "the container never used 8 MB: $(cat $cg/memory.current)"
  printf '{"memory":{"limit":1048576,"checkBeforeUpdate":true}}' > "$T_DIR/res.json"
  local out; out=$(b update --resources "$T_DIR/res.json" cbu 2>&1) &&
    fail "update below usage succeeded (memory.current $(cat $cg/memory.current), memory.max $(cat $cg/memory.max), state $(b state cbu | grep status), output: $out)"
  assert_contains "$out" "below the current usage"
  assert_eq 67108864 "$(cat $cg/memory.max)" "memory.max unchanged"
  b delete -f cbu
}

test_unified_cpuset_hugetlb_cpu_files() {
  make_bundle "$T_DIR/b" sleep 60
  # cpu.idle 1, not the kernel's default 0, so that the value shows it was
  # written.
  cfg "$T_DIR/b" "c['linux']['resources']={'cpu':{'cpus':'0','mems':'0','burst':1000,'idle':1},'hugepageLimits':[{'pageSize':'2MB','limit':4194304}],'unified':{'memory.high':'52428800','pids.max':'7'}}"
  b create --bundle "$T_DIR/b" u1 || fail create
  local cg; cg=$(cg_of u1)
  assert_eq 0 "$(cat $cg/cpuset.cpus)" cpuset.cpus
  assert_eq 0 "$(cat $cg/cpuset.mems)" cpuset.mems
  assert_eq 1000 "$(cat $cg/cpu.max.burst)" "cpu.max.burst for cpu.burst 1000 (microseconds both)"
  assert_eq 1 "$(cat $cg/cpu.idle)" "cpu.idle"
  assert_eq 4194304 "$(cat $cg/hugetlb.2MB.max)" hugetlb.2MB.max
  assert_eq 52428800 "$(cat $cg/memory.high)" "unified memory.high"
  assert_eq 7 "$(cat $cg/pids.max)" "unified pids.max"
  b delete -f u1
}

# io.weight is iocost's file: a kernel without CONFIG_BLK_CGROUP_IOCOST has
# none (and then a blockIO weight is an error, not silently dropped), which
# the root's io.cost.qos tells.
test_io_weight_file() {
  grep -qw io /sys/fs/cgroup/cgroup.controllers || skip "no io controller in this guest's cgroup2"
  [ -e /sys/fs/cgroup/io.cost.qos ] ||
    skip "this kernel has no io.weight (no iocost: /sys/fs/cgroup/io.cost.qos is missing)"
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['linux']['resources']={'blockIO':{'weight':500}}"
  b create --bundle "$T_DIR/b" io1 || fail create
  local cg; cg=$(cg_of io1)
  [ -f "$cg/io.weight" ] || fail "no io.weight in $cg, though the kernel has iocost"
  assert_contains "$(cat $cg/io.weight)" "default 4950" "io.weight for blkio weight 500 (1 + 490*9999/990)"
  b delete -f io1
}

test_unified_rejects_bad_keys() {
  make_bundle "$T_DIR/b" true
  local out
  cfg "$T_DIR/b" "c['linux']['resources']={'unified':{'../cgroup.procs':'1'}}"
  out=$(cd "$T_DIR/b" && b run ux1 2>&1) && fail "a unified key with a / was accepted"
  assert_contains "$out" 'is not a file name'
  assert_gone ux1
  cfg "$T_DIR/b" "c['linux']['resources']={'unified':{'memory.nosuchfile':'1'}}"
  out=$(cd "$T_DIR/b" && b run ux2 2>&1) && fail "a unified key naming no file was accepted"
  assert_contains "$out" 'no such file'
  assert_gone ux2
}
