# Seccomp profiles in pods: read, parsed and compiled once, when the pod
# starts (supervisor/sv_seccomp.c).

source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

_deny_mkdir='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'

# _localhost_pod SCRIPT: pod tp, restartPolicy Always, whose container c
# runs SCRIPT under the Localhost profile profiles/p.json, with $T_DIR/vol
# at /v.
_localhost_pod() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["metadata"]["annotations"] = {"berth.dev/restart-backoff": "10ms,10ms,10m"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
c = p["spec"]["containers"][0]
c["securityContext"] = {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/p.json"}}
c["volumeMounts"] = [{"name": "v", "mountPath": "/v"}]
c["command"] = ["sh", "-c", '"$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1")"']'
}

# _run_denied N: run N of the container came, and mkdir was denied in it.
_run_denied() {
  wait_for lines_ge "$T_DIR/vol/runs" "$1" || fail "no run $1: $(events)"
  assert_eq denied "$(sed -n "$1p" "$T_DIR/vol/runs")" "mkdir in run $1"
}

# The kubelet reads a Localhost profile when it admits the pod.  Restarts
# keep the filter the container started with, whatever happens to the file
# (recompiling on each restart also leaked memory in libseccomp 2.5.4), and
# `berth exec` gets that same profile.
test_pod_localhost_profile_kept_across_restarts() {
  mkdir -p "$T_DIR/profiles"
  echo "$_deny_mkdir" > "$T_DIR/profiles/p.json"
  # Each run records whether mkdir was denied; runs 1-3 then wait for the
  # test's go file and exit 1 (a restart), run 4 stays up.
  _localhost_pod 'if mkdir /tmp/d 2>/dev/null; then echo allowed; else echo denied; fi >> /v/runs
n=$(wc -l < /v/runs)
[ "$n" -ge 4 ] && exec sleep 1000
while [ ! -e /v/go$n ]; do sleep 0.05; done
exit 1'
  b pod run -d --log-dir "$T_DIR/logs" "$T_DIR/pod.json" >/dev/null || fail "pod run -d: $(events)"
  _run_denied 1
  # Allows everything now; then not JSON; then gone.
  echo '{"defaultAction": "SCMP_ACT_ALLOW"}' > "$T_DIR/profiles/p.json"
  touch "$T_DIR/vol/go1"
  _run_denied 2
  echo '{"defaultAction": ' > "$T_DIR/profiles/p.json"
  touch "$T_DIR/vol/go2"
  _run_denied 3
  rm "$T_DIR/profiles/p.json"
  touch "$T_DIR/vol/go3"
  _run_denied 4
  local out
  out=$(b exec tp_c sh -c 'mkdir /tmp/e; echo rc=$?' 2>&1)
  assert_contains "$out" "Operation not permitted" "mkdir in berth exec"
  assert_contains "$out" "rc=1" "mkdir in berth exec"
  b pod stop -t 1 tp >/dev/null || fail "pod stop"
  assert_pod_ended tp
}

# A profile that cannot be used fails the pod before any container has run,
# not when the container that names it comes to start.
test_pod_bad_localhost_profile_fails_before_any_start() {
  mkdir -p "$T_DIR/vol"
  pod_json "$T_DIR/pod.json" '
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}]
p["spec"]["initContainers"] = [ctr("first", "touch", "/v/first-ran",
    volumeMounts=[{"name": "v", "mountPath": "/v"}])]
p["spec"]["containers"][0]["securityContext"] = {
    "seccompProfile": {"type": "Localhost", "localhostProfile": "missing.json"}}'
  local out
  out=$(timeout 15 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" 2>&1) &&
    fail "pod run succeeded: $out"
  assert_contains "$out" "container c: seccomp profile $T_DIR/missing.json: No such file or directory"
  [ ! -e "$T_DIR/vol/first-ran" ] || fail "the init container ran before the profile was read"
  assert_pod_gone tp
}

# A 1 KB profile of 8 names x 6 arguments x 4 values expands to 32768
# rules: libseccomp spent half a minute on it before failing with E2BIG,
# on every start.  Refused at once, naming the file and the entry.
test_pod_oversized_localhost_profile_fails_fast() {
  mkdir -p "$T_DIR/profiles"
  python3 - "$T_DIR/profiles/big.json" <<'PY'
import json, sys
args = [{"index": i, "value": v, "op": "SCMP_CMP_EQ"} for i in range(6) for v in range(4)]
p = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["read", "write", "close", "fstat", "lseek", "mmap", "brk", "ioctl"],
     "action": "SCMP_ACT_ALLOW", "args": args}]}
json.dump(p, open(sys.argv[1], "w"), separators=(",", ":"))
PY
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"][0]["securityContext"] = {
    "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/big.json"}}'
  local out start=$SECONDS
  out=$(timeout -k 1 5 "$BERTH" --root "$T_ROOT" pod run --log-dir "$T_DIR/logs" "$T_DIR/pod.json" 2>&1) &&
    fail "pod run succeeded: $out"
  [ $((SECONDS - start)) -le 3 ] || fail "took $((SECONDS - start)) s: $out"
  assert_contains "$out" "container c: $T_DIR/profiles/big.json: syscalls[1]: the profile expands to more than 2048 rules, the most berth compiles: this entry adds 32768 (syscall names: 8, argument combinations: 4096) to 2"
  assert_pod_gone tp
}
