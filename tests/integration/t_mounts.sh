# The container's filesystem: config mounts with their options, binds,
# masked and read-only paths, root.readonly, sysctls, /dev, and mount
# destinations that are symlinks pointing out of the rootfs.

trap cleanup_containers EXIT

# _run_out DIR ID: run the bundle, print its output; fails the test if run fails.
_run_out() {
  local out
  out=$(b run -b "$1" "$2" 2>&1) || fail "run $2 exited $?: $out"
  printf '%s\n' "$out"
}

test_default_mounts_and_options() {
  make_bundle "$T_DIR/b" cat /proc/self/mountinfo
  cfg "$T_DIR/b" "c['mounts'][0]['options']=['nosuid', 'noexec', 'nodev']"
  local mi o
  mi=$(_run_out "$T_DIR/b" mi)
  assert_eq proc "$(mnt_field "$mi" /proc type)" "type of /proc"
  o=$(mnt_field "$mi" /proc opts)
  for x in rw nosuid nodev noexec; do assert_opt "$o" $x "/proc"; done
  assert_eq tmpfs "$(mnt_field "$mi" /dev type)" "type of /dev"
  assert_opt "$(mnt_field "$mi" /dev opts)" nosuid "/dev"
  assert_opt "$(mnt_field "$mi" /dev super)" mode=755 "/dev superblock"
  assert_opt "$(mnt_field "$mi" /dev super)" size=65536k "/dev superblock"
  assert_eq devpts "$(mnt_field "$mi" /dev/pts type)" "type of /dev/pts"
  o=$(mnt_field "$mi" /dev/pts opts)
  assert_opt "$o" nosuid "/dev/pts"; assert_opt "$o" noexec "/dev/pts"
  o=$(mnt_field "$mi" /dev/pts super)
  assert_opt "$o" gid=5 "/dev/pts superblock"; assert_opt "$o" mode=620 "/dev/pts superblock"
  assert_opt "$o" ptmxmode=666 "/dev/pts superblock"
  assert_eq tmpfs "$(mnt_field "$mi" /dev/shm type)" "type of /dev/shm"
  o=$(mnt_field "$mi" /dev/shm opts)
  for x in nosuid nodev noexec; do assert_opt "$o" $x "/dev/shm"; done
  assert_eq mqueue "$(mnt_field "$mi" /dev/mqueue type)" "type of /dev/mqueue"
  o=$(mnt_field "$mi" /dev/mqueue opts)
  for x in nosuid nodev noexec; do assert_opt "$o" $x "/dev/mqueue"; done
  assert_eq sysfs "$(mnt_field "$mi" /sys type)" "type of /sys"
  o=$(mnt_field "$mi" /sys opts)
  for x in ro nosuid nodev noexec; do assert_opt "$o" $x "/sys"; done
  assert_eq cgroup2 "$(mnt_field "$mi" /sys/fs/cgroup type)" "type of /sys/fs/cgroup"
  o=$(mnt_field "$mi" /sys/fs/cgroup opts)
  for x in ro nosuid nodev noexec; do assert_opt "$o" $x "/sys/fs/cgroup"; done
  # root.readonly (the default spec's) shows on /.
  assert_opt "$(mnt_field "$mi" / opts)" ro "/"
  # Nothing of the host's mount table is visible.
  assert_not_contains "$mi" " /sys/fs/cgroup/unified " "container mountinfo"
  if printf '%s\n' "$mi" | awk '{print $5}' | grep -q "$T_DIR"; then
    fail "a host path is a mount point inside: $mi"
  fi
}

test_tmpfs_mount_options() {
  make_bundle "$T_DIR/b" sh -c 'grep " /scratch " /proc/self/mountinfo; cp /bin/busybox /scratch/bb; /scratch/bb true 2>&1 || echo noexec-works; stat -c %a /scratch'
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['noexec', 'nosuid', 'size=2m', 'mode=1770']})"
  local out
  out=$(_run_out "$T_DIR/b" tm)
  assert_opt "$(mnt_field "$out" /scratch opts)" noexec "/scratch"
  assert_opt "$(mnt_field "$out" /scratch super)" size=2048k "/scratch superblock"
  assert_contains "$out" "noexec-works"
  assert_eq 1770 "$(printf '%s\n' "$out" | tail -1)" "mode of the tmpfs root"
}

test_bind_mount_rw() {
  mkdir -p "$T_DIR/data"; echo host > "$T_DIR/data/from-host"
  make_bundle "$T_DIR/b" sh -c 'cat /data/from-host; echo ctr > /data/from-ctr'
  add_bind "$T_DIR/b" "$T_DIR/data" /data rbind rw
  assert_eq host "$(_run_out "$T_DIR/b" bw)" "host file read through a bind mount"
  assert_eq ctr "$(cat "$T_DIR/data/from-ctr" 2>/dev/null)" "file written through a rw bind mount"
  assert_no_trace bw - "$T_DIR/b/rootfs" "$T_DIR/data"
}

test_bind_mount_ro() {
  mkdir -p "$T_DIR/data"; echo host > "$T_DIR/data/f"
  echo "single file" > "$T_DIR/one"
  make_bundle "$T_DIR/b" sh -c 'cat /data/f /etc/one; echo x > /data/new 2>&1; echo x > /etc/one 2>&1; grep -E " /data | /etc/one " /proc/self/mountinfo'
  add_bind "$T_DIR/b" "$T_DIR/data" /data bind ro
  add_bind "$T_DIR/b" "$T_DIR/one" /etc/one bind ro nosuid nodev
  local out
  out=$(_run_out "$T_DIR/b" br)
  assert_contains "$out" "host"
  assert_contains "$out" "single file"
  assert_contains "$out" "Read-only file system"
  [ ! -e "$T_DIR/data/new" ] || fail "a write through a ro bind mount reached the host"
  assert_eq "single file" "$(cat "$T_DIR/one")" "host file behind a ro file bind"
  assert_opt "$(mnt_field "$out" /data opts)" ro "/data"
  o=$(mnt_field "$out" /etc/one opts)
  assert_opt "$o" ro "/etc/one"; assert_opt "$o" nosuid "/etc/one"; assert_opt "$o" nodev "/etc/one"
  assert_no_trace br - "$T_DIR/b/rootfs" "$T_DIR/data"
}

# Runs berth in a private mount namespace holding a tmpfs at $T_DIR/src/sub,
# so the host mount table is never touched.
_with_submount() { # BUNDLE ID
  unshare -m --propagation private sh -c '
    mount -t tmpfs sub "$1/sub" && echo subfile > "$1/sub/f" &&
    exec "$BERTH" --root "$T_ROOT" run -b "$2" "$3"' _ "$T_DIR/src" "$1" "$2"
}

test_rbind_versus_bind() {
  mkdir -p "$T_DIR/src/sub"
  make_bundle "$T_DIR/b" sh -c 'echo r=$(cat /r/sub/f 2>/dev/null); echo n=$(cat /n/sub/f 2>/dev/null)'
  add_bind "$T_DIR/b" "$T_DIR/src" /r rbind
  add_bind "$T_DIR/b" "$T_DIR/src" /n bind
  local out
  out=$(_with_submount "$T_DIR/b" rb 2>&1) || fail "run: $out"
  assert_contains "$out" "r=subfile" "rbind carries submounts"
  printf '%s\n' "$out" | grep -qx "n=" || fail "bind (non-recursive) carried a submount: $out"
}

test_rro_recursive_read_only() {
  mkdir -p "$T_DIR/src/sub"
  make_bundle "$T_DIR/b" sh -c 'cat /m/sub/f; touch /m/top 2>&1; touch /m/sub/deep 2>&1; true'
  add_bind "$T_DIR/b" "$T_DIR/src" /m rbind rro
  local out
  out=$(_with_submount "$T_DIR/b" rro 2>&1) || fail "run with rbind,rro: $out"
  assert_contains "$out" "subfile"
  assert_contains "$out" "touch: /m/top: Read-only file system"
  assert_contains "$out" "touch: /m/sub/deep: Read-only file system" "rro on a submount"
  [ ! -e "$T_DIR/src/top" ] || fail "write through rro reached the host"
}

test_mount_propagation_option() {
  mkdir -p "$T_DIR/data"
  make_bundle "$T_DIR/b" sh -c 'grep -E " /data | /t " /proc/self/mountinfo'
  add_bind "$T_DIR/b" "$T_DIR/data" /data rbind rprivate
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/t', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['private']})"
  local out
  out=$(_run_out "$T_DIR/b" prop)
  [ -n "$(mnt_field "$out" /data opts)" ] || fail "no /data mount: $out"
  printf '%s\n' "$out" | grep ' /data ' | grep -qE 'shared:|master:' && fail "rprivate bind still propagates: $out"
  true
}

test_bind_missing_source() {
  make_bundle "$T_DIR/b" true
  add_bind "$T_DIR/b" "$T_DIR/nonexistent" /data rbind
  local out
  out=$(b create -b "$T_DIR/b" nosrc 2>&1) && fail "bind of a missing source succeeded"
  assert_contains "$out" "/data"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_no_trace nosrc - "$T_DIR/b/rootfs"
}

test_masked_paths() {
  echo "s3cret" > "$T_DIR/b-secret"
  make_bundle "$T_DIR/b" sh -c '
    echo "file=[$(cat /etc/secret)]"; stat -c "type=%F %t,%T" /etc/secret
    echo "dir=[$(ls -A /secretdir)]"; touch /secretdir/x 2>/dev/null && echo dir-writable
    [ -e /proc/keys ] && echo "keys=[$(cat /proc/keys)] $(stat -c %t,%T /proc/keys)"
    [ -e /proc/kcore ] && echo "kcore=$(stat -c %t,%T /proc/kcore) size=$(head -c 16 /proc/kcore | wc -c)"
    [ -d /proc/acpi ] && echo "acpi=[$(ls -A /proc/acpi)]"
    true'
  cp "$T_DIR/b-secret" "$T_DIR/b/rootfs/etc/secret"
  mkdir -p "$T_DIR/b/rootfs/secretdir"; echo hidden > "$T_DIR/b/rootfs/secretdir/file"
  cfg "$T_DIR/b" "c['root']['readonly']=False; c['linux']['maskedPaths'] += ['/etc/secret', '/secretdir', '/does/not/exist']"
  local out
  out=$(_run_out "$T_DIR/b" mask)
  assert_contains "$out" "file=[]" "masked file content"
  assert_contains "$out" "type=character special file 1,3" "masked file is /dev/null"
  assert_contains "$out" "dir=[]" "masked dir content"
  assert_not_contains "$out" "dir-writable" "masked dir"
  if [ -e /proc/keys ]; then assert_contains "$out" "keys=[] 1,3" "masked /proc/keys"; fi
  if [ -e /proc/kcore ]; then assert_contains "$out" "kcore=1,3 size=0" "masked /proc/kcore"; fi
  if [ -d /proc/acpi ]; then assert_contains "$out" "acpi=[]" "masked /proc/acpi"; fi
  assert_eq "s3cret" "$(cat "$T_DIR/b/rootfs/etc/secret")" "masked file on the host"
}

test_readonly_paths() {
  make_bundle "$T_DIR/b" sh -c '
    touch /rodir/x 2>&1; touch /rwfile 2>&1 && echo root-writable
    echo other > /proc/sys/kernel/domainname 2>&1
    echo 1 > /proc/sysrq-trigger 2>&1
    cat /rodir/keep'
  mkdir -p "$T_DIR/b/rootfs/rodir"; echo kept > "$T_DIR/b/rootfs/rodir/keep"
  cfg "$T_DIR/b" "c['root']['readonly']=False; c['linux']['readonlyPaths'] += ['/rodir', '/missing/path']"
  local out
  out=$(_run_out "$T_DIR/b" ro)
  assert_contains "$out" "touch: /rodir/x: Read-only file system"
  assert_contains "$out" "root-writable"
  assert_contains "$out" "kept"
  assert_contains "$out" "/proc/sys/kernel/domainname: Read-only file system" "write to /proc/sys"
  [ ! -e "$T_DIR/b/rootfs/rodir/x" ] || fail "write reached a readonly path"
}

test_root_readonly() {
  make_bundle "$T_DIR/b" sh -c 'touch /newfile 2>&1; echo done'
  local out
  out=$(_run_out "$T_DIR/b" rr1)
  assert_contains "$out" "Read-only file system" "write to a readonly root"
  [ ! -e "$T_DIR/b/rootfs/newfile" ] || fail "write to a readonly root reached the rootfs"
  cfg "$T_DIR/b" "c['root']['readonly']=False"
  out=$(_run_out "$T_DIR/b" rr2)
  assert_eq done "$out" "write to a writable root"
  [ -e "$T_DIR/b/rootfs/newfile" ] || fail "file written in a writable root is not in the rootfs"
}

test_sysctl_namespaced_applied() {
  make_bundle "$T_DIR/b" sh -c 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ip_default_ttl'
  cfg "$T_DIR/b" "c['linux']['sysctl']={'net.ipv4.ip_unprivileged_port_start': '123', 'net.ipv4.ip_default_ttl': '42'}"
  local before
  before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ip_default_ttl)
  assert_eq "123
42" "$(_run_out "$T_DIR/b" sc)" "sysctls inside"
  assert_eq "$before" "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ip_default_ttl)" "host sysctls"
}

test_sysctl_not_namespaced_refused() {
  make_bundle "$T_DIR/b" true
  local before out
  before=$(cat /proc/sys/vm/swappiness)
  cfg "$T_DIR/b" "c['linux']['sysctl']={'vm.swappiness': '7'}"
  out=$(b create -b "$T_DIR/b" swap 2>&1) && fail "vm.swappiness accepted"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "vm.swappiness"
  assert_contains "$out" "namespace"
  assert_eq "$before" "$(cat /proc/sys/vm/swappiness)" "host vm.swappiness"
  assert_gone swap
  # A network sysctl without a network namespace of the container's own.
  cfg "$T_DIR/b" "c['linux']['sysctl']={'net.ipv4.ip_default_ttl': '9'}
c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type'] != 'network']"
  out=$(b create -b "$T_DIR/b" nonet 2>&1) && fail "net sysctl without a network namespace accepted"
  assert_contains "$out" "network"
  assert_gone nonet
  # Path tricks are not sysctl names.
  cfg "$T_DIR/b" "c['linux']['sysctl']={'net/../../vm/swappiness': '7'}; c['linux']['namespaces'].append({'type': 'network'})"
  out=$(b create -b "$T_DIR/b" trick 2>&1) && fail "sysctl with a path accepted"
  assert_eq "$before" "$(cat /proc/sys/vm/swappiness)" "host vm.swappiness"
  assert_gone trick
}

test_dev_contents() {
  make_bundle "$T_DIR/b" sh -c '
    ls -A /dev | tr "\n" " "; echo
    for d in null zero full random urandom tty; do stat -c "%n %F %t,%T %a" /dev/$d; done
    for l in ptmx fd stdin stdout stderr; do echo "/dev/$l -> $(readlink /dev/$l)"; done
    echo hello > /dev/null && head -c 4 /dev/zero | wc -c'
  local out
  out=$(_run_out "$T_DIR/b" dev)
  assert_eq "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " \
    "$(printf '%s\n' "$out" | head -1)" "entries of /dev"
  assert_contains "$out" "/dev/null character special file 1,3 666"
  assert_contains "$out" "/dev/zero character special file 1,5 666"
  assert_contains "$out" "/dev/full character special file 1,7 666"
  assert_contains "$out" "/dev/random character special file 1,8 666"
  assert_contains "$out" "/dev/urandom character special file 1,9 666"
  assert_contains "$out" "/dev/tty character special file 5,0 666"
  assert_contains "$out" "/dev/ptmx -> pts/ptmx"
  assert_contains "$out" "/dev/fd -> /proc/self/fd"
  assert_contains "$out" "/dev/stdin -> /proc/self/fd/0"
  assert_contains "$out" "/dev/stdout -> /proc/self/fd/1"
  assert_contains "$out" "/dev/stderr -> /proc/self/fd/2"
  assert_eq 4 "$(printf '%s\n' "$out" | tail -1)" "bytes read from /dev/zero"
}

test_linux_devices() {
  make_bundle "$T_DIR/b" sh -c 'for d in mynull net/tun loop9 fifo; do stat -c "%n %F %t,%T %a %u:%g" /dev/$d; done'
  cfg "$T_DIR/b" "c['linux']['devices']=[
 {'path': '/dev/mynull', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 0o600, 'uid': 1000, 'gid': 1001},
 {'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200, 'fileMode': 0o666},
 {'path': '/dev/loop9', 'type': 'b', 'major': 7, 'minor': 9, 'fileMode': 0o640, 'gid': 6},
 {'path': '/dev/fifo', 'type': 'p', 'fileMode': 0o620}]"
  local out
  out=$(_run_out "$T_DIR/b" devs)
  assert_contains "$out" "/dev/mynull character special file 1,3 600 1000:1001"
  assert_contains "$out" "/dev/net/tun character special file a,c8 666 0:0"
  assert_contains "$out" "/dev/loop9 block special file 7,9 640 0:6"
  assert_contains "$out" "/dev/fifo fifo 0,0 620 0:0"
}

test_cgroup_mount_without_cgroup_namespace() {
  make_bundle "$T_DIR/b" sh -c 'grep " /sys/fs/cgroup " /proc/self/mountinfo; grep -cx 1 /sys/fs/cgroup/cgroup.procs; ls /sys/fs/cgroup | grep -c "^berth$"; true'
  cfg "$T_DIR/b" "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type'] != 'cgroup']"
  local out
  out=$(_run_out "$T_DIR/b" cgnons)
  assert_opt "$(mnt_field "$out" /sys/fs/cgroup opts)" ro "/sys/fs/cgroup"
  # The container's own cgroup, not the host's hierarchy, is what it sees.
  assert_eq /berth/cgnons "$(printf '%s\n' "$out" | awk '$5 == "/sys/fs/cgroup" {print $4}')" "root of the cgroup mount"
  assert_eq "1
0" "$(printf '%s\n' "$out" | tail -2)" "init in cgroup.procs / host's berth dir hidden"
}

test_no_host_mount_after_delete() {
  mkdir -p "$T_DIR/data"
  make_bundle "$T_DIR/b" sleep 60
  add_bind "$T_DIR/b" "$T_DIR/data" /data rbind
  b run -d -b "$T_DIR/b" gone || fail "run -d"
  local pid; pid=$(pid_of gone)
  # While it runs, its mounts live only in its own mount namespace.
  assert_no_trace_mounts() { ! grep -q "$T_DIR/b/rootfs" /proc/self/mountinfo; }
  assert_no_trace_mounts || fail "container mounts leaked into the host mount namespace"
  b delete -f gone || fail "delete -f"
  assert_no_trace gone "$pid" "$T_DIR/b/rootfs" "$T_DIR/data"
}

test_masked_and_readonly_paths_through_symlinks() {
  # An image may make a listed path a symlink; after pivot_root it can only
  # resolve inside the container, and what it leads to must be masked or
  # read-only (runc mounts on the path, following the link), not skipped.
  make_bundle "$T_DIR/b" sh -c 'echo "f=[$(cat /etc/secret)]"; echo "d=[$(ls -A /etc/secretdir)]"; touch /etc/rolink/x 2>/dev/null && echo ro-writable; true'
  echo TOPSECRET > "$T_DIR/b/rootfs/etc/secret.real"
  ln -s secret.real "$T_DIR/b/rootfs/etc/secret"
  mkdir -p "$T_DIR/b/rootfs/etc/sd.real" "$T_DIR/b/rootfs/etc/rod"
  echo DIRSECRET > "$T_DIR/b/rootfs/etc/sd.real/f"
  ln -s sd.real "$T_DIR/b/rootfs/etc/secretdir"
  ln -s rod "$T_DIR/b/rootfs/etc/rolink"
  cfg "$T_DIR/b" "c['root']['readonly']=False
c['linux']['maskedPaths'] += ['/etc/secret', '/etc/secretdir']
c['linux']['readonlyPaths'] += ['/etc/rolink']"
  local out
  out=$(_run_out "$T_DIR/b" msym)
  assert_not_contains "$out" "TOPSECRET" "masked path that is a symlink to a file"
  assert_not_contains "$out" "DIRSECRET" "masked path that is a symlink to a directory"
  assert_not_contains "$out" "ro-writable" "readonly path that is a symlink"
}
