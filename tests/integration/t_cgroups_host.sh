# cgroup v2 behaviour that this host can show (its unified hierarchy has no
# controllers, but device programs, freezing and cgroup.kill work).

with_mknod() {
  cfg "$1" "
for s in ('bounding','effective','permitted'):
    c['process']['capabilities'][s].append('CAP_MKNOD')"
}

# _devices ID CONFIG-EDIT NAME TYPE MAJOR MINOR...: run container ID (with
# CAP_MKNOD and CONFIG-EDIT) that makes each device node /dev/NAME and opens
# it for reading; sets $out to one line per device: "NAME opened",
# "NAME failed: <error>" or "NAME mknod failed".
_devices() {
  local id=$1 edit=$2; shift 2
  make_bundle "$T_DIR/$id" sh -c 'while [ $# -ge 4 ]; do
  if ! mknod "/dev/$1" "$2" "$3" "$4" 2>/dev/null; then echo "$1 mknod failed"
  elif e=$( (exec 3<"/dev/$1") 2>&1 ); then echo "$1 opened"
  else echo "$1 failed: $e"; fi
  shift 4
done' sh "$@"
  with_mknod "$T_DIR/$id"
  [ -z "$edit" ] || cfg "$T_DIR/$id" "$edit"
  out=$(cd "$T_DIR/$id" && b run "$id" 2>&1) || fail "run $id: $out"
}
_opened() { printf '%s\n' "$out" | grep -qx "$1 opened" || fail "$1 did not open ($2): $out"; }
_denied() {
  printf '%s\n' "$out" | grep -q "^$1 failed: .*Operation not permitted" || fail "$1 was not denied ($2): $out"
}
# A config rule that allows everything: the control, where each device the
# filtered container must not open does open.
_allow_all="c['linux']['resources']['devices'].append({'allow': True, 'access': 'rwm'})"

# Two nodes of one driver, the virtual console memory: /dev/vcs (c 7:0) is
# allowed by a config rule, /dev/vcsa (c 7:128) by nothing; /dev/null by
# berth's defaults.  In the same container the allowed ones open and the
# other is denied; without the filter (the control) it opens.
test_device_filter_allow_rule_opens_device() {
  [ -e /sys/dev/char/7:0 ] && [ -e /sys/dev/char/7:128 ] ||
    skip "no virtual console devices (c 7:0 and 7:128) on this kernel to test the filter with"
  local out devs="vcs-ok c 7 0 vcsa-no c 7 128 null-ok c 1 3"
  _devices ctl "$_allow_all" $devs
  _opened vcsa-no "with every device allowed (the control)"
  _devices dev "c['linux']['resources']['devices'].append({'allow': True, 'type': 'c', 'major': 7, 'minor': 0, 'access': 'r'})" $devs
  _opened vcs-ok "allowed by a config rule"
  _opened null-ok "allowed by default"
  _denied vcsa-no "listed nowhere"
}

# The host's first two block devices, as MAJOR:MINOR lines.
_block_devices() { ls /sys/dev/block 2>/dev/null | sort -t: -k1,1n -k2,2n | head -2; }

# Block devices: only mknod is allowed by default.  The first block device
# of the host is denied; a second one, where the host has it, is allowed by
# a config rule in the same container.  The control opens both.
test_device_filter_denies_block_devices() {
  local blk; blk=$(_block_devices)
  if [ -z "$blk" ] && [ "${BERTH_VM:-}" = 1 ]; then
    # The VM lane's guest has no disk; its loop driver makes block devices.
    modprobe loop 2>/dev/null; blk=$(_block_devices)
  fi
  [ -n "$blk" ] || skip "no block device on this host (/sys/dev/block is empty) to test the filter with"
  local denied allowed="" out
  denied=$(printf '%s\n' "$blk" | sed -n 1p)
  local devs="blk-no b ${denied%:*} ${denied#*:} null-ok c 1 3" edit=""
  if [ "$(printf '%s\n' "$blk" | wc -l)" -ge 2 ]; then
    allowed=$(printf '%s\n' "$blk" | sed -n 2p)
    devs+=" blk-ok b ${allowed%:*} ${allowed#*:}"
    edit="c['linux']['resources']['devices'].append({'allow': True, 'type': 'b', 'major': ${allowed%:*}, 'minor': ${allowed#*:}, 'access': 'r'})"
  fi
  _devices ctl "$_allow_all" $devs
  _opened blk-no "block device $denied with every device allowed (the control)"
  [ -z "$allowed" ] || _opened blk-ok "block device $allowed with every device allowed (the control)"
  _devices dev "$edit" $devs
  _denied blk-no "block device $denied, listed nowhere"
  _opened null-ok "allowed by default"
  [ -z "$allowed" ] || _opened blk-ok "block device $allowed, allowed by a config rule"
}

test_unavailable_controller_is_a_clear_error() {
  [ -f /sys/fs/cgroup/unified/cgroup.controllers ] || skip "no hybrid unified hierarchy on this host"
  grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers && skip "this host has a memory controller"
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['linux']['resources']['memory']={'limit': 67108864}"
  local out; out=$(cd "$T_DIR/b" && b run mem 2>&1) && fail "run with a memory limit succeeded"
  assert_contains "$out" 'the memory controller is not available'
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "lines of error output"
  assert_gone mem
  [ ! -d /sys/fs/cgroup/unified/berth/mem ] || fail "cgroup left behind"
}

# Every process of the container's cgroup, wherever the host mounts cgroup2
# (the path comes from berth's state): there before the kill, gone after it.
test_kill_all_reaches_every_process() {
  make_bundle "$T_DIR/b" sh -c 'sleep 60 & sleep 60 & sleep 60'
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='pid']"
  b create --bundle "$T_DIR/b" ka || fail create
  b start ka || fail start
  local cg; cg=$(cgroup_of ka)
  [ -n "$cg" ] && [ -f "$cg/cgroup.procs" ] || fail "no cgroup.procs in the cgroup from the state: '$cg'"
  # The init (sh) and its two background sleeps; the init execs the third.
  wait_for eval '[ "$(wc -l < "$cg/cgroup.procs")" -ge 3 ]' ||
    fail "processes in $cg before the kill: $(cat "$cg/cgroup.procs")"
  local procs p; procs=$(cat "$cg/cgroup.procs")
  assert_contains " $(echo $procs) " " $(pid_of ka) " "cgroup.procs (the init's pid)"
  for p in $(b ps --format json ka | json_get '" ".join(map(str, j))'); do
    assert_contains " $(echo $procs) " " $p " "cgroup.procs (pid $p from berth ps)"
  done
  b kill --all ka KILL || fail "kill --all"
  wait_for eval '[ -z "$(cat "$cg/cgroup.procs")" ]' ||
    fail "processes left in $cg after kill --all: $(cat "$cg/cgroup.procs")"
  for p in $procs; do
    wait_for proc_gone "$p" || fail "process $p survived kill --all"
  done
  b delete ka || fail delete
  assert_gone ka
  [ ! -d "$cg" ] || fail "cgroup $cg left behind"
}
