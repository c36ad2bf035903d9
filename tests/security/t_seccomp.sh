# Seccomp: what the RuntimeDefault profile must keep denying to a pod
# container, through the 64-bit, i386 (int 0x80) and x32 entry points, and
# the classic bypass of a deny-list filter through those other ABIs.  Each
# test plays the container: a static helper (tests/helpers/syscall.c) makes
# the raw calls, in the filtered container and, as the control that proves
# the call would work, in an Unconfined one next to it.  Both get SYS_ADMIN
# where a capability check would otherwise deny the call first.
#
# ptrace is not here: RuntimeDefault allows it, as Docker's and
# containerd's do on kernels since 4.8 (which fixed the seccomp bypass
# through ptrace); without CAP_SYS_PTRACE it reaches only the container's
# own processes.

source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"
shopt -s extglob

# _helper: the rootfs for the pod (pod_json's) with /bin/syscall and
# /bin/calls, which runs `t NAME ARGS...` lines from stdin and prints
# "NAME <helper output>", plus " status=N" when the helper did not exit 0
# (159: killed by SIGSYS).  The numbers in the tests are x86-64's.
_helper() {
  [ "$(uname -m)" = x86_64 ] || skip "the syscall numbers here are x86-64's"
  command -v cc >/dev/null || skip "no C compiler for the static syscall helper"
  make_rootfs "$T_DIR/rootfs"
  cc -static -O2 -o "$T_DIR/rootfs/bin/syscall" "$(dirname "${BASH_SOURCE[0]}")/../helpers/syscall.c" ||
    skip "static linking unavailable (libc6-dev missing?)"
  cat > "$T_DIR/rootfs/bin/calls" <<'EOF'
#!/bin/sh
t() { n=$1; shift; r=$(syscall "$@" 2>&1); s=$?; [ $s -eq 0 ] || r="$r status=$s"; echo "$n $r"; }
while read -r line; do eval "t $line"; done
EOF
  chmod 755 "$T_DIR/rootfs/bin/calls"
}

# Can this kernel run i386 syscalls from a 64-bit process (IA32 emulation)?
_has_i386() { "$T_DIR/rootfs/bin/syscall" -abi i386 20 2>/dev/null | grep -q '^ret='; }

# _run_calls CALLS: run /bin/calls with CALLS (lines of "NAME ARGS...") in
# every container of $T_DIR/pod.json; the pod's output goes to $T_DIR/out.
_run_calls() {
  printf '%s\n' "$1" > "$T_DIR/rootfs/calls.txt"
  timeout 30 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" > "$T_DIR/out" 2>&1 ||
    fail "pod run: $(cat "$T_DIR/out")"
  assert_pod_ended tp
}

# _result CTR NAME: what call NAME gave in container CTR.
_result() { sed -n "s/^\[$1\] $2 //p" "$T_DIR/out"; }

# _expect CTR NAME PATTERN: the result matches the shell PATTERN.
_expect() {
  local r; r=$(_result "$1" "$2")
  # shellcheck disable=SC2053
  [[ $r == $3 ]] || fail "$2 in container $1: got '$r', expected $3; output: $(cat "$T_DIR/out")"
}

# Two containers on the same image: $1's securityContext for "f", and "open"
# Unconfined with SYS_ADMIN.
_pod() {
  pod_json "$T_DIR/pod.json" '
sc = '"$1"'
p["spec"]["containers"] = [
  ctr("f", "sh", "-c", "calls < /calls.txt", securityContext=sc),
  ctr("open", "sh", "-c", "calls < /calls.txt", securityContext={
      "capabilities": {"add": ["SYS_ADMIN"]}, "seccompProfile": {"type": "Unconfined"}}),
]'
}

# io_uring runs I/O in the kernel on the process' behalf, past any seccomp
# filter, and its bugs gave many kernel exploits: Docker and containerd
# removed io_uring_setup/enter/register from their default profile in 2023.
# The calls have arguments the kernel refuses (0 entries, fd -1): the filter
# answers before the kernel looks at them, and no ring is left behind.
test_seccomp_runtime_default_denies_io_uring() {
  _helper
  _pod '{}'
  local calls='setup 425 0 b:120
enter 426 -1 0 0 0 0 0
register 427 -1 0 0 0'
  _has_i386 && calls+='
setup_i386 -abi i386 425 0 b:120'
  _run_calls "$calls"
  [ "$(_result open setup)" = errno=EINVAL ] ||
    skip "io_uring is not available on this host: io_uring_setup gives $(_result open setup)"
  _expect open enter errno=EBADF
  _expect open register 'errno=@(EBADF|EINVAL)'
  _expect f setup 'errno=@(EPERM|ENOSYS)'
  _expect f enter 'errno=@(EPERM|ENOSYS)'
  _expect f register 'errno=@(EPERM|ENOSYS)'
  if _has_i386; then
    _expect open setup_i386 errno=EINVAL
    _expect f setup_i386 'errno=@(EPERM|ENOSYS)'
  fi
}

# What the profile has always denied, so that a change of the profile (or
# of how berth builds the filter) cannot let it through: namespaces, mounts,
# the kernel keyring, bpf, and the same through int 0x80 and the x32 ABI,
# which have their own syscall numbers.
test_seccomp_runtime_default_classic_denials() {
  _helper
  _pod '{"capabilities": {"add": ["SYS_ADMIN"]}}'
  local calls='unshare 272 0x20000
mount 165 s:none s:/tmp s:tmpfs 0 0
keyctl 250 0 -3 1
bpf 321 -1 0 0
setns 308 -1 0
unshare_x32 -abi x32 272 0x20000
mount_x32 -abi x32 165 s:none s:/tmp s:tmpfs 0 0'
  _has_i386 && calls+='
unshare_i386 -abi i386 310 0x20000
mount_i386 -abi i386 21 s:none s:/tmp s:tmpfs 0 0
keyctl_i386 -abi i386 288 0 -3 1'
  _run_calls "$calls"
  # The control: each call does something without the filter.
  _expect open unshare ret=0
  _expect open mount ret=0
  _expect open keyctl 'ret=+([0-9])'
  _expect open bpf errno=EINVAL
  _expect open setns errno=EBADF
  # x32 is off in most kernels (ENOSYS), but the filter decides first.
  _expect open unshare_x32 '@(ret=0|errno=ENOSYS)'
  local n names="unshare mount keyctl bpf setns unshare_x32 mount_x32"
  _has_i386 && names+=" unshare_i386 mount_i386 keyctl_i386"
  for n in $names; do
    _expect f "$n" errno=EPERM
  done
  if _has_i386; then
    _expect open unshare_i386 ret=0
    _expect open mount_i386 ret=0
    _expect open keyctl_i386 'ret=+([0-9])'
  fi
}

# A deny-list (default allow) must not be bypassed by calling the denied
# syscall under another ABI's number.  With only the native architecture
# the filter kills any other ABI's call (libseccomp's bad-arch action);
# with x86 and x32 listed it applies the rule under their numbers too.
test_seccomp_deny_list_not_bypassed_through_other_abis() {
  _helper
  _has_i386 || skip "this kernel runs no i386 syscalls (IA32 emulation off)"
  mkdir -p "$T_DIR/profiles"
  echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["unshare"], "action": "SCMP_ACT_ERRNO"}]}' \
    > "$T_DIR/profiles/native.json"
  echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
         "syscalls": [{"names": ["unshare"], "action": "SCMP_ACT_ERRNO"}]}' > "$T_DIR/profiles/x86.json"
  pod_json "$T_DIR/pod.json" '
def prof(f):
    return {"capabilities": {"add": ["SYS_ADMIN"]},
            "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/" + f}}
p["spec"]["containers"] = [
  ctr("native", "sh", "-c", "calls < /calls.txt", securityContext=prof("native.json")),
  ctr("x86", "sh", "-c", "calls < /calls.txt", securityContext=prof("x86.json")),
  ctr("open", "sh", "-c", "calls < /calls.txt", securityContext={
      "capabilities": {"add": ["SYS_ADMIN"]}, "seccompProfile": {"type": "Unconfined"}}),
]'
  _run_calls 'unshare 272 0x20000
unshare_i386 -abi i386 310 0x20000
unshare_x32 -abi x32 272 0x20000
getpid_i386 -abi i386 20'
  _expect open unshare ret=0
  _expect open unshare_i386 ret=0
  _expect open unshare_x32 '@(ret=0|errno=ENOSYS)'
  _expect native unshare errno=EPERM
  _expect native unshare_i386 '*status=159'
  _expect native unshare_x32 '*status=159'
  _expect native getpid_i386 '*status=159'
  _expect x86 unshare errno=EPERM
  _expect x86 unshare_i386 errno=EPERM
  _expect x86 unshare_x32 errno=EPERM
  _expect x86 getpid_i386 'ret=+([0-9])'
}
