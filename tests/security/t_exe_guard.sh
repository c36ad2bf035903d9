# CVE-2019-5736 as berth guards against it today (runtime/exe_guard.c):
# the container's execve is made by the exec stub from a sealed memfd,
# never by a process whose /proc/PID/exe is berth's file on the host;
# where a second execve could change what the process gets, berth runs
# from a sealed copy of itself instead.  (The read-only install, which
# needs neither, is in t_classics.sh.)

trap cleanup_containers EXIT

# The 2019 exploit, as published: the image's entry point is a script
# whose interpreter is /proc/self/exe, and the container's own library
# (here LD_PRELOAD) runs in whatever binary that turns out to be, holds
# it open and looks for a way to write it.  The host's /usr is lent to the
# container read-only, so that berth, were it reached, could run there
# (if it is linked dynamically; a static berth would show itself by its
# error message).
test_cve_2019_5736_entry_point_reaches_no_host_binary() {
  command -v gcc >/dev/null || skip "gcc is needed to build the exploit's library"
  make_bundle "$T_DIR/b" /evil
  cat > "$T_DIR/evil.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
__attribute__((constructor)) static void grab(void)
{
	struct stat st;
	int fd = open("/proc/self/exe", O_PATH);
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	printf("EXE %lu:%lu\n", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	fflush(stdout);
}
C
  gcc -shared -fPIC -o "$T_DIR/b/rootfs/evil.so" "$T_DIR/evil.c" || fail "building evil.so"
  printf '#!/proc/self/exe\n' > "$T_DIR/b/rootfs/evil"
  chmod +x "$T_DIR/b/rootfs/evil"
  ln -s usr/lib "$T_DIR/b/rootfs/lib"
  ln -s usr/lib64 "$T_DIR/b/rootfs/lib64"
  mkdir -p "$T_DIR/b/rootfs/usr"
  cfg "$T_DIR/b" "c['process']['env'].append('LD_PRELOAD=/evil.so')
c['mounts'].append({'destination': '/usr', 'type': 'bind', 'source': '/usr', 'options': ['rbind', 'ro']})"
  local sum host out
  sum=$(md5sum < "$BERTH")
  host=$(stat -L -c %d:%i "$BERTH")
  # The library proves it can run: a dynamic program started the same way.
  out=$(b run -b "$T_DIR/b" evil0 2>&1)
  cfg "$T_DIR/b" "c['process']['args'] = ['/usr/bin/env', 'true']"
  assert_contains "$(b run -b "$T_DIR/b" evil1 2>&1)" "EXE " "the library loaded into a dynamic program"
  assert_not_contains "$out" "EXE $host" "what the entry point /evil reached"
  # A static berth loads no library: reached, it would at least speak (and
  # a sibling process could open its /proc/PID/exe meanwhile).
  assert_not_contains "$out" "berth:" "what the entry point /evil reached"
  assert_eq "$sum" "$(md5sum < "$BERTH")" "host berth binary"
  assert_gone evil0
}

# Between create and start the init is berth itself (the host's file):
# it is not dumpable, so no process without CAP_SYS_PTRACE, which a
# container with the stub never has, can open its /proc/PID/exe.
test_created_init_is_out_of_reach() {
  make_bundle "$T_DIR/b" sleep 60
  local pid
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" reach || fail "create"
  pid=$(cat "$T_DIR/pid")
  readlink "/proc/$pid/exe" >/dev/null || fail "root with CAP_SYS_PTRACE reads the link"
  setpriv --bounding-set -sys_ptrace readlink "/proc/$pid/exe" 2>/dev/null &&
    fail "a process without CAP_SYS_PTRACE read the created init's /proc/PID/exe"
  b start reach || fail "start"
  assert_eq /bin/busybox "$(readlink /proc/$pid/exe)" "executable after start"
  assert_eq "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds of the process"
}

# The fallback: the init (and each exec) runs from a sealed copy of berth.
assert_sealed_copy() {  # id pid
  local sum
  sum=$(md5sum < "$BERTH")
  assert_eq "/memfd:berth (deleted)" "$(readlink /proc/$2/exe)" "/proc/PID/exe of $1's init"
  (echo corrupt >> /proc/$2/exe) 2>/dev/null && fail "the init's executable is writable"
  assert_eq "$sum" "$(md5sum < "$BERTH")" "host berth binary"
}

test_container_with_cap_sys_ptrace_gets_sealed_copy() {
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['process']['capabilities']['bounding'].append('CAP_SYS_PTRACE')"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" ptr || fail "create"
  assert_sealed_copy ptr "$(cat "$T_DIR/pid")"
  b start ptr || fail "start"
  assert_eq ok "$(b exec ptr echo ok)" "exec into it"
  # exec starts over from the sealed copy with the same argv: nothing in
  # it may have been cut up by the first parse (a comma list, here).
  assert_eq "5 6" "$(b exec --additional-gids 5,6 ptr sh -c 'grep ^Groups: /proc/self/status | cut -f2 | xargs')" \
    "additional gids after the re-exec"
}

# Non-root with permitted capabilities that are not ambient: after a
# second execve the permitted set would be the ambient one.
test_nonroot_capabilities_keep_one_execve() {
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "c['process']['user'] = {'uid': 1000, 'gid': 1000}
caps = c['process']['capabilities']
for k in ('bounding', 'effective', 'permitted'): caps[k] = ['CAP_KILL', 'CAP_NET_BIND_SERVICE']
caps['inheritable'] = []; caps['ambient'] = []"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" nra || fail "create (not ambient)"
  assert_sealed_copy nra "$(cat "$T_DIR/pid")"
  b delete -f nra
  cfg "$T_DIR/b" "caps = c['process']['capabilities']
caps['inheritable'] = caps['ambient'] = ['CAP_KILL', 'CAP_NET_BIND_SERVICE']"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" amb || fail "create (all ambient)"
  assert_eq "$(stat -L -c %d:%i "$BERTH")" "$(stat -L -c %d:%i /proc/$(cat "$T_DIR/pid")/exe)" \
    "all ambient: the init is berth (the stub execs the process)"
  b start amb || fail "start"
  assert_eq 0000000000000420 "$(b exec amb sh -c 'grep CapAmb /proc/self/status | cut -f2')" \
    "ambient capabilities of an exec'd process"
}

# What the stub reports when the process's execve fails is what berth
# itself would have said, for run and for exec, and nothing is left.
test_stub_reports_exec_failures() {
  make_bundle "$T_DIR/b" /bad
  printf '#!/nonexistent\n' > "$T_DIR/b/rootfs/bad"
  printf '\177ELFjunk' > "$T_DIR/b/rootfs/junk"
  chmod +x "$T_DIR/b/rootfs/bad" "$T_DIR/b/rootfs/junk"
  local out
  out=$(b run -b "$T_DIR/b" bad 2>&1) && fail "run of a script without its interpreter succeeded"
  assert_contains "$out" "exec /bad: No such file or directory"
  assert_gone bad
  cfg "$T_DIR/b" "c['process']['args'] = ['sleep', '60']"
  b run -d -b "$T_DIR/b" badx || fail "run -d"
  out=$(b exec badx /junk 2>&1) && fail "exec of a malformed ELF succeeded"
  assert_contains "$out" "exec /junk: Exec format error"
  assert_eq ok "$(b exec badx echo ok)" "a later exec"
}

# The init and the stub call execveat, prctl, fcntl, write, close and
# exit_group under the container's filter: a profile that does not plainly
# allow them all gets the sealed copy instead, with or without
# noNewPrivileges (which decides when the filter is loaded).
test_stub_only_under_a_profile_that_allows_it() {
  make_bundle "$T_DIR/b" echo ok
  local nnp
  for nnp in True False; do
    cfg "$T_DIR/b" "c['process']['noNewPrivileges'] = $nnp
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
  'syscalls': [{'names': ['execveat'], 'action': 'SCMP_ACT_ERRNO'}]}"
    assert_eq ok "$(b --debug --log "$T_DIR/noat$nnp.log" run -b "$T_DIR/b" noat$nnp 2>&1)" \
      "run, execveat refused, noNewPrivileges $nnp"
    grep -q "sealed copy of berth: the seccomp profile" "$T_DIR/noat$nnp.log" ||
      fail "no sealed copy under a profile without execveat"
    cfg "$T_DIR/b" "c['linux']['seccomp']['syscalls'][0]['names'] = ['mount']"
    assert_eq ok "$(b --debug --log "$T_DIR/stub$nnp.log" run -b "$T_DIR/b" stub$nnp 2>&1)" \
      "run, only mount refused, noNewPrivileges $nnp"
    ! grep -q "sealed copy" "$T_DIR/stub$nnp.log" || fail "sealed copy where the stub was allowed"
  done
}

# A startContainer hook's path is the image's: it must not reach berth
# through /proc/self/exe either (the init execs it through the stub).
test_start_hook_reaches_no_host_binary() {
  make_bundle "$T_DIR/b" true
  printf '#!/proc/self/exe\n' > "$T_DIR/b/rootfs/evilhook"
  chmod +x "$T_DIR/b/rootfs/evilhook"
  cfg "$T_DIR/b" "c['hooks'] = {'startContainer': [{'path': '/evilhook'}]}"
  local out
  out=$(b run -b "$T_DIR/b" hookx 2>&1) && fail "the hook succeeded: $out"
  assert_contains "$out" "exited with status 126" "the hook, as the stub refused it"
  assert_not_contains "$out" "berth: unknown command" "what the hook reached"
  assert_gone hookx
}

# Joining another container's pid namespace: its processes are not ours
# to judge, so the init runs from the sealed copy.
test_joined_pid_namespace_gets_sealed_copy() {
  make_bundle "$T_DIR/a" sleep 60
  b run -d -b "$T_DIR/a" --pid-file "$T_DIR/apid" pida || fail "run -d"
  make_bundle "$T_DIR/b" sleep 60
  cfg "$T_DIR/b" "for n in c['linux']['namespaces']:
    if n['type'] == 'pid': n['path'] = '/proc/$(cat "$T_DIR/apid")/ns/pid'"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" pidb || fail "create in a joined pid namespace"
  assert_sealed_copy pidb "$(cat "$T_DIR/pid")"
}
