# Process security attributes as the container process sees them in
# /proc/self/status and friends: capabilities, no_new_privs, seccomp,
# rlimits, identity, oomScoreAdj, ioPriority, scheduler, personality.  What
# must not leak from the host (fds, the berth binary, the cwd) is in
# tests/security/.

trap cleanup_containers EXIT

# _capmask CAP...: the /proc/PID/status hex mask of the named capabilities.
_capmask() {
  python3 - "$@" <<'PY'
import sys
bits = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5, "CAP_SETGID": 6,
        "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18,
        "CAP_SYS_ADMIN": 21, "CAP_MKNOD": 27, "CAP_AUDIT_WRITE": 29}
m = 0
for c in sys.argv[1:]:
    m |= 1 << bits[c]
print("%016x" % m)
PY
}

_status_caps='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status | tr -d "\t" | tr ":" "="'

test_capabilities_root() {
  make_bundle "$T_DIR/b" sh -c "$_status_caps"
  cfg "$T_DIR/b" "s=['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']
c['process']['capabilities']={'bounding': s, 'effective': s, 'permitted': s, 'inheritable': [], 'ambient': []}"
  local out m z=0000000000000000
  out=$(b run -b "$T_DIR/b" capr) || fail "run: $out"
  m=$(_capmask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE)
  assert_eq "CapInh=$z CapPrm=$m CapEff=$m CapBnd=$m CapAmb=$z" "$(printf '%s' "$out" | tr '\n' ' ')" "capabilities of root"
}

test_capabilities_all_five_sets() {
  make_bundle "$T_DIR/b" sh -c "$_status_caps"
  cfg "$T_DIR/b" "s=['CAP_KILL', 'CAP_NET_BIND_SERVICE']
c['process']['user']={'uid': 1000, 'gid': 1000}
c['process']['capabilities']={'bounding': ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN'],
  'effective': s, 'permitted': s, 'inheritable': s, 'ambient': s}"
  local out s b
  out=$(b run -b "$T_DIR/b" cap5) || fail "run: $out"
  s=$(_capmask CAP_KILL CAP_NET_BIND_SERVICE)
  b=$(_capmask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_ADMIN)
  assert_eq "CapInh=$s CapPrm=$s CapEff=$s CapBnd=$b CapAmb=$s" "$(printf '%s' "$out" | tr '\n' ' ')" "capabilities of uid 1000"
}

test_capabilities_none() {
  make_bundle "$T_DIR/b" sh -c "$_status_caps; chown 1 /tmp 2>&1 | grep -c 'not permitted'"
  cfg "$T_DIR/b" "c['process']['capabilities']={'bounding': [], 'effective': [], 'permitted': []}
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})"
  local out z=0000000000000000
  out=$(b run -b "$T_DIR/b" cap0) || fail "run: $out"
  assert_eq "CapInh=$z CapPrm=$z CapEff=$z CapBnd=$z CapAmb=$z 1" "$(printf '%s' "$out" | tr '\n' ' ')" "no capabilities"
}

test_no_new_privileges() {
  make_bundle "$T_DIR/b" sh -c 'grep NoNewPrivs /proc/self/status | tr -d "\t"'
  assert_eq "NoNewPrivs:1" "$(b run -b "$T_DIR/b" nnp1)" "noNewPrivileges true"
  cfg "$T_DIR/b" "c['process']['noNewPrivileges']=False"
  assert_eq "NoNewPrivs:0" "$(b run -b "$T_DIR/b" nnp0)" "noNewPrivileges false"
}

_seccomp_mkdir='mkdir /tmp/d 2>&1; echo mkdir=$?; mkdir -p /tmp/e/f 2>/dev/null; echo mkdirp=$?; touch /tmp/t && echo touch=ok; echo "ls=$(ls /tmp | tr "\n" " ")"; grep -E "^Seccomp:" /proc/self/status | tr -d "\t"'

test_seccomp_errno_denies_mkdir() {
  local nnp out
  for nnp in True False; do
    make_bundle "$T_DIR/b$nnp" sh -c "$_seccomp_mkdir"
    cfg "$T_DIR/b$nnp" "c['process']['noNewPrivileges']=$nnp
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64'],
  'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1}]}"
    out=$(b run -b "$T_DIR/b$nnp" sc$nnp) || fail "run (noNewPrivileges $nnp): $out"
    assert_contains "$out" "Operation not permitted" "mkdir under seccomp (noNewPrivileges $nnp)"
    assert_contains "$out" "mkdir=1"
    assert_contains "$out" "mkdirp=1"
    assert_contains "$out" "touch=ok" "other syscalls under seccomp (noNewPrivileges $nnp)"
    assert_contains "$out" "Seccomp:2"
    assert_contains "$out" "ls=t " "/tmp listing"
  done
}

test_seccomp_errno_value_and_args() {
  make_bundle "$T_DIR/b" sh -c 'touch /tmp/f; chmod 777 /tmp/f 2>&1; chmod 700 /tmp/f && stat -c %a /tmp/f; mkdir /tmp/x 2>&1; true'
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
  {'names': ['chmod', 'fchmodat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13,
   'args': [{'index': 1, 'value': 511, 'op': 'SCMP_CMP_EQ'}]},
  {'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 28}]}"
  local out
  out=$(b run -b "$T_DIR/b" scargs) || fail "run: $out"
  assert_contains "$out" "chmod: /tmp/f: Permission denied" "chmod 777 (EACCES by arg filter)"
  assert_contains "$out" "700" "chmod 700 (allowed by the arg filter)"
  assert_contains "$out" "No space left on device" "errnoRet 28"
}

test_seccomp_kill_process() {
  make_bundle "$T_DIR/b" uname
  cfg "$T_DIR/b" "c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['uname'], 'action': 'SCMP_ACT_KILL_PROCESS'}]}"
  b run -b "$T_DIR/b" sckill >/dev/null 2>&1; assert_eq 159 $? "exit code of a process killed by seccomp (128+SIGSYS)"
}

test_seccomp_errno_without_errnoret_is_eperm() {
  make_bundle "$T_DIR/b" sh -c 'mkdir /tmp/x 2>&1; echo hi'
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO'}]}"
  local out
  out=$(b run -b "$T_DIR/b" scdef) || fail "run: $out"
  assert_contains "$out" "Operation not permitted" "SCMP_ACT_ERRNO without errnoRet"
  assert_contains "$out" "hi"
}

test_rlimits() {
  make_bundle "$T_DIR/b" sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(ulimit -c) $(ulimit -Hc)'
  cfg "$T_DIR/b" "c['process']['rlimits']=[{'type': 'RLIMIT_NOFILE', 'soft': 512, 'hard': 1000}, {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}]"
  assert_eq "512 1000 0 0" "$(b run -b "$T_DIR/b" rl)" "RLIMIT_NOFILE/RLIMIT_CORE soft and hard inside"
}

test_rlimit_above_host_hard_limit_fails_cleanly() {
  local hard; hard=$(ulimit -Hn)
  [ "$hard" != unlimited ] || skip "host RLIMIT_NOFILE hard limit is unlimited"
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['process']['rlimits']=[{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': $((hard + 1000))}]"
  local out
  out=$(b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" rlbad 2>&1) && fail "create with an unreachable hard limit succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "RLIMIT_NOFILE"
  assert_contains "$out" "$((hard + 1000))"
  [ ! -e "$T_DIR/pid" ] || fail "pid file written by a failed create"
  assert_no_trace rlbad - "$T_DIR/b/rootfs"
}

test_user_groups_umask() {
  make_bundle "$T_DIR/b" sh -c 'id; umask; touch /tmp/f; mkdir /tmp/d; stat -c "%a %u:%g" /tmp/f /tmp/d; echo HOME=$HOME'
  cfg "$T_DIR/b" "c['process']['user']={'uid': 1000, 'gid': 1001, 'additionalGids': [10, 20, 30], 'umask': 0o027}
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['mode=1777']})"
  local out
  out=$(b run -b "$T_DIR/b" ug) || fail "run: $out"
  assert_contains "$out" "uid=1000 gid=1001 groups=10,20,30" "id"
  assert_contains "$out" "0027" "umask"
  assert_contains "$out" "640 1000:1001" "mode/owner of a new file"
  assert_contains "$out" "750 1000:1001" "mode/owner of a new dir"
  assert_contains "$out" "HOME=/" "HOME of a uid not in /etc/passwd"
  # The default: root, umask 0022, HOME from /etc/passwd.
  make_bundle "$T_DIR/c" sh -c 'id; umask; echo HOME=$HOME'
  out=$(b run -b "$T_DIR/c" ug0)
  assert_contains "$out" "uid=0(root) gid=0(root)"
  assert_contains "$out" "0022"
  assert_contains "$out" "HOME=/root"
}

test_oom_score_adj() {
  make_bundle "$T_DIR/b" cat /proc/self/oom_score_adj
  cfg "$T_DIR/b" "c['process']['oomScoreAdj']=421"
  assert_eq 421 "$(b run -b "$T_DIR/b" oom)" "oom_score_adj"
  # (Lowering it below the caller's needs CAP_SYS_RESOURCE, absent here.)
}

test_io_priority_scheduler_personality() {
  make_bundle "$T_DIR/b" sh -c 'ionice -p $$; cut -d" " -f41 /proc/self/stat; cut -d" " -f19 /proc/self/stat; uname -m'
  cfg "$T_DIR/b" "c['process']['ioPriority']={'class': 'IOPRIO_CLASS_BE', 'priority': 6}
c['process']['scheduler']={'policy': 'SCHED_BATCH', 'nice': 5}
c['linux']['personality']={'domain': 'LINUX32'}"
  local out
  out=$(b run -b "$T_DIR/b" prio) || fail "run: $out"
  assert_eq "best-effort: prio 6
3
5
i686" "$out" "ioPriority, scheduler policy (3 = SCHED_BATCH), nice, personality"
}

# On a host without AppArmor a profile cannot be honoured: refused, as is
# any SELinux label (berth has no SELinux support).  tests/vm/t_apparmor.sh
# checks a profile being applied where AppArmor is on.
test_apparmor_selinux_refused() {
  make_bundle "$T_DIR/b" true
  local out
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
    skip "AppArmor is enabled here (the VM lane tests that case)"
  cfg "$T_DIR/b" "c['process']['apparmorProfile']='docker-default'"
  out=$(b create -b "$T_DIR/b" aa 2>&1) && fail "apparmorProfile accepted"
  assert_contains "$out" 'config.json: process.apparmorProfile "docker-default": AppArmor is not enabled on this host'
  assert_gone aa
  make_bundle "$T_DIR/s" sleep 60
  b run -d -b "$T_DIR/s" aa3 || fail "run -d"
  out=$(b exec --apparmor docker-default aa3 true 2>&1) && fail "exec --apparmor accepted"
  assert_contains "$out" 'AppArmor is not enabled on this host' "exec --apparmor"
  b delete -f aa3
  cfg "$T_DIR/b" "del c['process']['apparmorProfile']; c['process']['selinuxLabel']='system_u:system_r:container_t:s0'"
  out=$(b create -b "$T_DIR/b" se 2>&1) && fail "selinuxLabel accepted"
  assert_contains "$out" "selinuxLabel"
  assert_gone se
}

test_seccomp_multiarch_flags_and_unknown_names() {
  # Like runc: several architectures, filter flags, and syscall names this
  # kernel does not know (ignored) in one profile.
  make_bundle "$T_DIR/b" sh -c 'mkdir /tmp/x 2>&1; echo ok'
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG'],
  'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  'syscalls': [{'names': ['mkdir', 'mkdirat', 'no_such_syscall_xyz'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1}]}"
  local out
  out=$(b run -b "$T_DIR/b" scma 2>&1) || fail "run: $out"
  assert_contains "$out" "Operation not permitted"
  assert_contains "$out" "ok"
}
