# Namespaces: each requested type isolates (inode of /proc/self/ns/* inside
# differs from the host's), unrequested ones are shared, and `path` joins an
# existing namespace.

trap 'cleanup_containers; [ -z "${NETNS:-}" ] || ip netns del "$NETNS" 2>/dev/null' EXIT

# Shell code printing "type=inode" for each namespace of the process.
_ns_script='for n in pid mnt uts ipc net cgroup user time; do echo "$n=$(stat -L -c %i /proc/self/ns/$n)"; done'

test_namespaces_isolate() {
  make_bundle "$T_DIR/b" sh -c "echo self=\$\$; $_ns_script"
  cfg "$T_DIR/b" "c['linux']['namespaces'].append({'type': 'time'})"
  local out n want got
  out=$(b run -b "$T_DIR/b" iso) || fail "run: $out"
  assert_contains "$out" "self=1" "pid of the init in its pid namespace"
  for n in pid mnt uts ipc net cgroup time; do
    want=$(ns_ino self $n)
    got=$(printf '%s\n' "$out" | sed -n "s/^$n=//p")
    [ -n "$got" ] || fail "no $n namespace reading: $out"
    [ "$got" != "$want" ] || fail "$n namespace is the host's ($want)"
  done
  # No user namespace was asked for: the host's is kept.
  assert_contains "$out" "user=$(ns_ino self user)" "user namespace"
}

test_unrequested_namespaces_are_shared() {
  make_bundle "$T_DIR/b" sh -c "$_ns_script"
  cfg "$T_DIR/b" "c['linux']['namespaces']=[{'type': 'mount'}]; del c['hostname']
c['mounts']=[m for m in c['mounts'] if m['type'] not in ('sysfs', 'mqueue', 'cgroup')]"
  local out n
  out=$(b run -b "$T_DIR/b" shared) || fail "run: $out"
  for n in pid uts ipc net cgroup user time; do
    assert_contains "$out" "$n=$(ns_ino self $n)" "$n namespace (not requested)"
  done
  [ "$(printf '%s\n' "$out" | sed -n 's/^mnt=//p')" != "$(ns_ino self mnt)" ] || fail "mount namespace is the host's"
}

test_pid_namespace_hides_host_processes() {
  make_bundle "$T_DIR/b" sh -c 'sleep 30 & ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr "\0" " "; echo; kill %1'
  local out
  out=$(b run -b "$T_DIR/b" pidns) || fail "run: $out"
  local n; n=$(printf '%s\n' "$out" | head -1)
  [ "$n" -le 4 ] || fail "container sees $n processes: $out"
  assert_contains "$out" "sh -c sleep 30" "pid 1 inside"
}

test_network_namespace_has_loopback_up() {
  make_bundle "$T_DIR/b" sh -c 'ls /sys/class/net | tr "\n" " "; echo; cat /sys/class/net/lo/flags; ip -o addr show lo'
  local out flags
  out=$(b run -b "$T_DIR/b" net) || fail "run: $out"
  assert_eq "lo " "$(printf '%s\n' "$out" | head -1)" "interfaces in a new network namespace"
  flags=$(printf '%s\n' "$out" | sed -n 2p)
  [ $(( flags & 1 )) -eq 1 ] || fail "lo is not UP (flags $flags)"
  assert_contains "$out" "inet 127.0.0.1/8" "lo address"
}

test_uts_hostname_and_domainname() {
  make_bundle "$T_DIR/b" sh -c 'hostname; cat /proc/sys/kernel/domainname'
  cfg "$T_DIR/b" "c['hostname']='box-one'; c['domainname']='example.test'"
  local host dom out
  host=$(hostname); dom=$(cat /proc/sys/kernel/domainname)
  out=$(b run -b "$T_DIR/b" uts) || fail "run: $out"
  assert_eq "box-one
example.test" "$out" "hostname and domainname inside"
  assert_eq "$host" "$(hostname)" "host hostname"
  assert_eq "$dom" "$(cat /proc/sys/kernel/domainname)" "host domainname"
  # A hostname without a uts namespace of its own is refused.
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type'] != 'uts']"
  out=$(b create -b "$T_DIR/b" uts2 2>&1) && fail "hostname without a uts namespace accepted"
  assert_contains "$out" "hostname"
  assert_gone uts2
}

test_ipc_namespace_sysctl() {
  make_bundle "$T_DIR/b" sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax'
  cfg "$T_DIR/b" "c['linux']['sysctl']={'kernel.shmmax': '123456789', 'kernel.msgmax': '4321'}"
  local before out
  before=$(cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax)
  out=$(b run -b "$T_DIR/b" ipc) || fail "run: $out"
  assert_eq "123456789
4321" "$out" "ipc sysctls inside"
  assert_eq "$before" "$(cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax)" "host ipc sysctls"
}

test_cgroup_namespace_root() {
  make_bundle "$T_DIR/b" sh -c 'grep "^0::" /proc/self/cgroup; sleep 30'
  mkdir -p "$T_DIR/o"
  (b run -b "$T_DIR/b" cgns > "$T_DIR/o/out" 2>&1 &)
  wait_for test -s "$T_DIR/o/out" || fail "no output"
  assert_eq "0::/" "$(cat "$T_DIR/o/out")" "cgroup path inside a cgroup namespace"
  local pid; pid=$(pid_of cgns)
  assert_eq "0::/berth/cgns" "$(grep '^0::' /proc/$pid/cgroup)" "cgroup of the init seen from the host"
}

test_user_namespace_mappings() {
  userns_traversable
  mkdir -p "$T_DIR/share"; chmod 777 "$T_DIR/share"
  make_bundle "$T_DIR/b" sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; touch /share/by-root; echo "user=$(stat -L -c %i /proc/self/ns/user)"'
  add_bind "$T_DIR/b" "$T_DIR/share" /share
  # The container's root is host uid 100000: it cannot create mount points
  # in a rootfs owned by host root.
  mkdir -p "$T_DIR/b/rootfs/share"
  cfg "$T_DIR/b" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings']=[{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings']=[{'containerID': 0, 'hostID': 200000, 'size': 65536}]"
  local out
  out=$(b run -b "$T_DIR/b" userns) || fail "run: $out"
  assert_eq "0" "$(printf '%s\n' "$out" | sed -n 1p)" "uid inside"
  assert_eq "0" "$(printf '%s\n' "$out" | sed -n 2p)" "gid inside"
  printf '%s\n' "$out" | sed -n 3p | grep -qE '^ +0 +100000 +65536$' || fail "uid_map: $out"
  printf '%s\n' "$out" | sed -n 4p | grep -qE '^ +0 +200000 +65536$' || fail "gid_map: $out"
  assert_not_contains "$out" "user=$(ns_ino self user)" "user namespace"
  [ -e "$T_DIR/share/by-root" ] || fail "root of the container could not write its bind mount: $out"
  assert_eq "100000:200000" "$(stat -c %u:%g "$T_DIR/share/by-root")" "host owner of a file made by container root"
  assert_gone userns
}

test_user_namespace_without_mappings_refused() {
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['linux']['namespaces'].append({'type': 'user'})"
  local out
  out=$(b create -b "$T_DIR/b" nomap 2>&1) && fail "user namespace without mappings accepted"
  assert_contains "$out" "Mappings"
  assert_gone nomap
}

test_time_namespace_offsets() {
  make_bundle "$T_DIR/b" sh -c 'cat /proc/self/timens_offsets; cut -d" " -f1 /proc/uptime'
  cfg "$T_DIR/b" "c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets']={'boottime': {'secs': 864000, 'nanosecs': 0}, 'monotonic': {'secs': -100, 'nanosecs': 5}}"
  local out up host
  out=$(b run -b "$T_DIR/b" timens) || fail "run: $out"
  printf '%s\n' "$out" | grep -qE '^boottime +864000 +0$' || fail "boottime offset: $out"
  printf '%s\n' "$out" | grep -qE '^monotonic +-100 +5$' || fail "monotonic offset: $out"
  up=$(printf '%s\n' "$out" | tail -1 | cut -d. -f1)
  host=$(cut -d. -f1 /proc/uptime)
  [ $(( up - host )) -ge 863990 ] && [ $(( up - host )) -le 864010 ] ||
    fail "uptime inside $up vs host $host: not shifted by 864000 s"
}

test_join_network_namespace_by_path() {
  command -v ip >/dev/null || skip "no ip(8)"
  NETNS=berth-it-$$
  ip netns add "$NETNS" || skip "ip netns add failed"
  ip -n "$NETNS" link set lo up
  make_bundle "$T_DIR/b" sh -c 'stat -L -c %i /proc/self/ns/net'
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n if n['type'] != 'network' else {'type': 'network', 'path': '/run/netns/$NETNS'} for n in c['linux']['namespaces']]"
  local out
  out=$(b run -b "$T_DIR/b" joinnet) || fail "run: $out"
  assert_eq "$(stat -L -c %i "/run/netns/$NETNS")" "$out" "network namespace inode"
  # Deleting the container leaves the joined namespace alone.
  ip netns list | grep -q "^$NETNS" || fail "joined namespace disappeared"
}

test_join_another_containers_namespaces() {
  make_bundle "$T_DIR/a" sleep 60
  cfg "$T_DIR/a" "c['hostname']='alpha'"
  b run -d -b "$T_DIR/a" alpha || fail "run alpha"
  local apid out n
  apid=$(pid_of alpha)
  make_bundle "$T_DIR/b" sh -c "hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; $_ns_script"
  cfg "$T_DIR/b" "
del c['hostname']
ns = {'network': 'net', 'uts': 'uts', 'ipc': 'ipc', 'pid': 'pid'}
c['linux']['namespaces']=[{'type': n['type'], 'path': '/proc/$apid/ns/' + ns[n['type']]} if n['type'] in ns else n for n in c['linux']['namespaces']]"
  out=$(b run -b "$T_DIR/b" beta) || fail "run beta: $out"
  assert_eq alpha "$(printf '%s\n' "$out" | sed -n 1p)" "hostname seen through alpha's uts namespace"
  assert_eq "sleep 60 " "$(printf '%s\n' "$out" | sed -n 2p)" "pid 1 seen through alpha's pid namespace"
  for n in net uts ipc pid; do
    assert_contains "$out" "$n=$(ns_ino $apid $n)" "$n namespace joined by path"
  done
  [ "$(printf '%s\n' "$out" | sed -n 's/^mnt=//p')" != "$(ns_ino $apid mnt)" ] || fail "mount namespace of alpha joined"
  assert_eq running "$(status_of alpha)" "alpha after beta exited"
}

test_join_bad_namespace_path() {
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n if n['type'] != 'network' else {'type': 'network', 'path': '/nonexistent/ns'} for n in c['linux']['namespaces']]"
  local out
  out=$(b create -b "$T_DIR/b" badns 2>&1) && fail "missing namespace path accepted"
  assert_contains "$out" "/nonexistent/ns"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_gone badns
  # A namespace of the wrong type.
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n if n['type'] != 'network' else {'type': 'network', 'path': '/proc/self/ns/uts'} for n in c['linux']['namespaces']]"
  out=$(b create -b "$T_DIR/b" wrongns 2>&1) && fail "a uts namespace joined as network"
  assert_contains "$out" "network"
  assert_gone wrongns
}
