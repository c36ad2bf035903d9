# Container escapes through paths berth resolves for the container: the
# exec cwd (CVE-2024-21626 and its siblings), maskedPaths' /dev/null
# (CVE-2025-31133), mounts under /proc (CVE-2019-19921), and /dev/console.
# Each test plays the container (or the author of its rootfs) and asserts
# that the host stays out of reach.

trap cleanup_containers EXIT

# A file only the host has; a container that prints it has escaped.
_marker() {
  head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T_DIR/marker"
  chmod 600 "$T_DIR/marker"
  cat "$T_DIR/marker"
}

# From a directory on the host, climb to / and read the marker.
_climb="cd ../../../../../../../../../../..; cat ${T_DIR#/}/marker 2>/dev/null"

test_exec_cwd_through_a_leaked_fd_stays_inside() {
  local secret n out
  secret=$(_marker)
  make_bundle "$T_DIR/b" sleep 100
  b run -d -b "$T_DIR/b" c1 >/dev/null 2>&1 || fail "run -d"
  # Whatever fd number berth's exec child held (cgroup dir, init root,
  # pidfd), naming it as the cwd must not put the process on the host.
  for n in $(seq 3 24); do
    out=$(b exec --cwd "/proc/self/fd/$n" c1 sh -c "$_climb" 2>&1)
    assert_not_contains "$out" "$secret" "exec --cwd /proc/self/fd/$n reached the host"
  done
}

test_exec_cwd_replaced_by_a_symlink_stays_inside() {
  local secret n out
  secret=$(_marker)
  make_bundle "$T_DIR/b" sleep 100
  cfg "$T_DIR/b" "c['process']['cwd']='/work'; c['root']['readonly']=False"
  mkdir -p "$T_DIR/b/rootfs/work"
  b run -d -b "$T_DIR/b" c2 >/dev/null 2>&1 || fail "run -d"
  # The container swaps its configured cwd for a magic link; the admin's
  # next plain `berth exec` must not follow it.
  for n in $(seq 3 24); do
    b exec --cwd / c2 sh -c "rm -rf /work; ln -s /proc/self/fd/$n /work" || fail "planting the link"
    out=$(b exec c2 sh -c "$_climb" 2>&1)
    assert_not_contains "$out" "$secret" "exec with process.cwd -> /proc/self/fd/$n reached the host"
  done
  # An ordinary symlink inside the root is still followed, inside it.
  b exec --cwd / c2 sh -c "rm -rf /work; mkdir /real; ln -s /real /work" || fail "link"
  assert_eq /real "$(b exec c2 pwd -P)" "cwd through an in-root symlink"
}

test_exec_cwd_symlink_to_host_absolute_path_stays_in_root() {
  make_bundle "$T_DIR/b" sleep 100
  cfg "$T_DIR/b" "c['root']['readonly']=False"
  mkdir -p "$T_DIR/b/rootfs/etc/inside"
  b run -d -b "$T_DIR/b" c3 >/dev/null 2>&1 || fail "run -d"
  b exec --cwd / c3 sh -c "ln -s ../../../../../etc /up" || fail "link"
  # ../ past the root stays at the root: /up is the container's /etc.
  assert_eq /etc "$(b exec --cwd /up c3 pwd -P)" "cwd through a climbing symlink"
  assert_contains "$(b exec --cwd /up c3 ls)" inside
}

# /dev from the bundle (a bind): /dev/null is a symlink the image's author
# pointed at the host's core_pattern.  Masking /proc/keys with it would give
# the container a writable window on a host sysctl.
test_masked_paths_refuse_a_null_that_is_not_null() {
  local out core
  make_bundle "$T_DIR/b" cat /proc/keys
  mkdir -p "$T_DIR/dev"
  ln -s /proc/sys/kernel/core_pattern "$T_DIR/dev/null"
  cfg "$T_DIR/b" "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']
c['mounts'].insert(1, {'destination': '/dev', 'type': 'bind', 'source': '$T_DIR/dev', 'options': ['rbind']})"
  core=$(cat /proc/sys/kernel/core_pattern)
  out=$(b run -b "$T_DIR/b" m1 2>&1)
  assert_not_contains "$out" "$core" "/proc/keys masked with the host's core_pattern"
  assert_contains "$out" "not the null device" "error for a fake /dev/null"
  assert_gone m1
}

test_masked_paths_accept_a_real_null_device_node() {
  make_bundle "$T_DIR/b" sh -c 'wc -c < /proc/keys; echo x > /proc/keys; echo rc=$?'
  mkdir -p "$T_DIR/dev"
  mknod -m 666 "$T_DIR/dev/null" c 1 3
  cfg "$T_DIR/b" "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']
c['mounts'].insert(1, {'destination': '/dev', 'type': 'bind', 'source': '$T_DIR/dev', 'options': ['rbind']})"
  local out; out=$(b run -b "$T_DIR/b" m2 2>&1) || fail "run: $out"
  assert_contains "$out" "0" "masked /proc/keys reads empty"
}

# A bind over part of /proc fakes what the runtime reads there: with a
# cap_last_cap of 0 berth used to keep the whole bounding set.
test_mount_under_proc_is_refused() {
  local out
  make_bundle "$T_DIR/b" sh -c 'grep CapBnd /proc/self/status'
  mkdir -p "$T_DIR/fake/kernel"
  echo 0 > "$T_DIR/fake/kernel/cap_last_cap"
  add_bind "$T_DIR/b" "$T_DIR/fake" /proc/sys rbind
  out=$(b run -b "$T_DIR/b" p1 2>&1)
  assert_not_contains "$out" "CapBnd:	000001ff" "bounding set with a fake cap_last_cap"
  assert_contains "$out" "under /proc" "error for a mount under /proc"
  assert_gone p1
}

test_mount_under_proc_through_a_symlink_is_refused() {
  local out
  make_bundle "$T_DIR/b" true
  ln -s /proc/sys "$T_DIR/b/rootfs/innocent"
  mkdir -p "$T_DIR/src"
  add_bind "$T_DIR/b" "$T_DIR/src" /innocent/kernel rbind
  out=$(b run -b "$T_DIR/b" p2 2>&1)
  assert_contains "$out" "/proc/sys/kernel is under /proc" "a destination that resolves under /proc"
}

test_lxcfs_style_binds_onto_proc_files_still_work() {
  local out
  make_bundle "$T_DIR/b" cat /proc/uptime
  echo "4242.00 1.00" > "$T_DIR/uptime"
  add_bind "$T_DIR/b" "$T_DIR/uptime" /proc/uptime rbind ro
  out=$(b run -b "$T_DIR/b" p3 2>&1) || fail "run: $out"
  assert_eq "4242.00 1.00" "$out" "bind onto /proc/uptime"
}

# The bounding set follows the kernel's own last capability, not a file.
test_bounding_set_drops_up_to_the_kernels_last_cap() {
  make_bundle "$T_DIR/b" sh -c 'grep CapBnd /proc/self/status'
  cfg "$T_DIR/b" "c['process']['capabilities']={'bounding': ['CAP_KILL'], 'effective': [], 'permitted': []}"
  assert_eq "CapBnd:	0000000000000020" "$(b run -b "$T_DIR/b" k1)" "bounding set"
}
