# `berth exec`: a second process inside a container, with runc's flags or a
# --process file.  Each test looks at what the exec'd process sees.

trap cleanup_containers EXIT

# _running DIR ID [CONFIG-EDIT]: a running `sleep 60` container.
_running() {
  make_bundle "$1" sleep 60
  [ -z "${3:-}" ] || cfg "$1" "$3"
  b run -d -b "$1" "$2" || fail "run -d $2"
}

test_exec_args_exit_code_and_namespaces() {
  _running "$T_DIR/b" ex
  local init out ns
  init=$(pid_of ex)
  out=$(b exec ex sh -c 'echo self=$$; for n in mnt net ipc uts pid cgroup; do echo $n=$(readlink /proc/self/ns/$n); done')
  assert_eq 0 $? "exit code of exec"
  assert_not_contains "$out" "self=1
" "exec'd process is not the init"
  printf '%s\n' "$out" | grep -qE '^self=[0-9]+$' || fail "no pid in: $out"
  [ "$(printf '%s\n' "$out" | sed -n 's/^self=//p')" -lt 100 ] || fail "exec'd process is not in the container's pid namespace: $out"
  for ns in mnt net ipc uts pid cgroup; do
    assert_contains "$out" "$ns=$(readlink /proc/$init/ns/$ns)" "namespace $ns of the exec'd process"
  done
  b exec ex sh -c 'exit 5'; assert_eq 5 $? "exit code of exec"
  b exec ex sh -c 'kill -9 $$'; assert_eq 137 $? "exit code of a SIGKILLed exec"
  assert_eq hello "$(b exec ex echo hello)" "exec output"
  # Still running afterwards.
  assert_eq running "$(status_of ex)"
}

test_exec_env_cwd_and_defaults() {
  _running "$T_DIR/b" ee "c['process']['env'].append('FROMCFG=cfg'); c['process']['env'].append('OVER=cfg'); c['process']['cwd']='/etc'"
  local out
  out=$(b exec ee sh -c 'echo "$FROMCFG $OVER ${NEW:-unset} $(pwd)"')
  assert_eq "cfg cfg unset /etc" "$out" "exec with the container's process defaults"
  out=$(b exec --env OVER=cli -e NEW=1 --cwd /tmp ee sh -c 'echo "$FROMCFG $OVER $NEW $(pwd)"')
  assert_eq "cfg cli 1 /tmp" "$out" "exec with --env/--cwd"
  out=$(b exec --env NOEQUALS ee true 2>&1) && fail "--env without = accepted"
  out=$(b exec --cwd /nonexistent ee true 2>&1) && fail "exec with a missing --cwd succeeded"
  assert_contains "$out" "/nonexistent"
}

test_exec_user() {
  _running "$T_DIR/b" eu
  assert_eq "1000 1000" "$(b exec --user 1000:1000 eu sh -c 'echo $(id -u) $(id -g)')" "--user 1000:1000"
  assert_eq "65534 0" "$(b exec -u 65534 eu sh -c 'echo $(id -u) $(id -g)')" "--user 65534"
  assert_eq "0 0" "$(b exec eu sh -c 'echo $(id -u) $(id -g)')" "exec as the config's user"
  b exec --user bob eu true 2>/dev/null && fail "--user bob accepted"
  true
}

test_exec_cap() {
  _running "$T_DIR/b" ec
  local eff
  eff=$(b exec ec sh -c 'grep CapEff /proc/self/status' | awk '{print $2}')
  [ $(( 0x$eff >> 21 & 1 )) -eq 0 ] || fail "CAP_SYS_ADMIN present without --cap: $eff"
  eff=$(b exec --cap CAP_SYS_ADMIN ec sh -c 'grep CapEff /proc/self/status' | awk '{print $2}')
  [ $(( 0x$eff >> 21 & 1 )) -eq 1 ] || fail "--cap CAP_SYS_ADMIN not in CapEff: $eff"
  # The config's own capabilities are kept.
  [ $(( 0x$eff >> 5 & 1 )) -eq 1 ] || fail "CAP_KILL lost with --cap: $eff"
  b exec --cap CAP_NOPE ec true 2>/dev/null && fail "--cap CAP_NOPE accepted"
  true
}

test_exec_process_file() {
  _running "$T_DIR/b" ep
  cat > "$T_DIR/proc.json" <<'EOF'
{
  "args": ["sh", "-c", "echo \"$GREETING $(id -u):$(id -g) $(pwd) $(umask)\""],
  "env": ["PATH=/bin", "GREETING=hi"],
  "cwd": "/tmp",
  "user": {"uid": 123, "gid": 456, "umask": 63},
  "terminal": false
}
EOF
  local out
  out=$(b exec --process "$T_DIR/proc.json" ep) || fail "exec --process: $out"
  assert_eq "hi 123:456 /tmp 0077" "$out" "exec --process output"
  echo '{"args": "sh"}' > "$T_DIR/bad.json"
  out=$(b exec -p "$T_DIR/bad.json" ep 2>&1) && fail "exec with a bad process file succeeded"
  assert_contains "$out" "args"
  out=$(b exec -p "$T_DIR/missing.json" ep 2>&1) && fail "exec with a missing process file succeeded"
  assert_contains "$out" "missing.json"
}

test_exec_detach_pid_file() {
  _running "$T_DIR/b" ed
  local t0 pid
  t0=$(date +%s)
  b exec -d --pid-file "$T_DIR/exec.pid" ed sleep 30 || fail "exec -d"
  [ $(( $(date +%s) - t0 )) -lt 5 ] || fail "exec -d did not return"
  pid=$(cat "$T_DIR/exec.pid")
  assert_eq "sleep30" "$(tr -d '\0' < /proc/$pid/cmdline)" "process named by --pid-file"
  b ps --format json ed | python3 -c 'import json,sys; assert int(sys.argv[1]) in json.load(sys.stdin)' "$pid" ||
    fail "ps does not list the exec'd process $pid"
  grep -q "/berth/ed\$" /proc/$pid/cgroup || fail "exec'd process not in the container's cgroup: $(cat /proc/$pid/cgroup)"
  assert_eq "$(readlink /proc/$(pid_of ed)/ns/pid)" "$(readlink /proc/$pid/ns/pid)" "pid namespace of exec -d"
  # It dies with the container.
  b delete -f ed || fail "delete -f"
  wait_for proc_gone "$pid" || fail "exec'd process survived delete -f"
}

test_exec_tty() {
  _running "$T_DIR/b" et
  local hp out
  hp=$(console_helper "$T_DIR/sock" "$T_DIR/tty.out" 'tty; echo sum=$((20+22))' 'exit 3')
  b exec -t --console-socket "$T_DIR/sock" et sh; assert_eq 3 $? "exit code of exec --tty"
  wait_for proc_gone "$hp"
  out=$(cat "$T_DIR/tty.out")
  assert_contains "$out" "sum=42" "tty session output"
  printf '%s' "$out" | tr -d '\r' | grep -qE '^/dev/pts/[0-9]+$' || fail "tty inside exec --tty: $out"
  # Detached, nobody would hold the pty master: refused.
  out=$(b exec -d --tty et sh 2>&1) && fail "exec -d --tty without --console-socket succeeded"
  assert_contains "$out" "console-socket"
}

test_exec_tty_foreground_without_console_socket() {
  # runc allocates the pty itself and relays it to its own stdio.
  _running "$T_DIR/b" etf
  local out rc
  out=$(timeout 10 "$BERTH" --root "$T_ROOT" exec -t etf sh -c 'tty; exit 3' </dev/null 2>&1); rc=$?
  assert_eq 3 "$rc" "exit code of exec -t ($out)"
  printf '%s' "$out" | tr -d '\r' | grep -qE '^/dev/pts/[0-9]+$' || fail "tty inside exec -t: $out"
}

test_exec_preserve_fds_and_no_leaks() {
  _running "$T_DIR/b" ef
  echo "three" > "$T_DIR/f3"
  local out pid
  out=$(b exec --preserve-fds 1 ef cat /proc/self/fd/3 3<"$T_DIR/f3" 4<"$T_DIR/f3")
  assert_eq "three" "$out" "fd 3 read by exec --preserve-fds 1"
  # The fds of a quiet exec'd process, seen from the host.
  b exec -d --pid-file "$T_DIR/p1" --preserve-fds 1 ef sleep 30 3<"$T_DIR/f3" 4<"$T_DIR/f3" 9<"$T_DIR/f3" ||
    fail "exec -d --preserve-fds 1"
  pid=$(cat "$T_DIR/p1")
  assert_eq "0 1 2 3" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds with --preserve-fds 1"
  assert_eq "$T_DIR/f3" "$(readlink /proc/$pid/fd/3)" "preserved fd 3"
  b exec -d --pid-file "$T_DIR/p2" ef sleep 30 3<"$T_DIR/f3" 7<"$T_DIR/f3" || fail "exec -d"
  pid=$(cat "$T_DIR/p2")
  assert_eq "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds of an exec'd process"
}

test_exec_inherits_process_security() {
  _running "$T_DIR/b" es "
c['process']['rlimits']=[{'type': 'RLIMIT_NOFILE', 'soft': 321, 'hard': 654}]
c['process']['oomScoreAdj']=345
c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})
c['linux']['seccomp']={'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1}]}"
  local out
  out=$(b exec es sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(cat /proc/self/oom_score_adj); grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "; mkdir /tmp/d 2>&1; touch /tmp/f && echo touched')
  assert_contains "$out" "321 654 345" "rlimits/oomScoreAdj of exec"
  assert_contains "$out" "NoNewPrivs: 1"
  assert_contains "$out" "Seccomp: 2"
  assert_contains "$out" "Operation not permitted" "mkdir under the container's seccomp filter"
  assert_contains "$out" "touched"
}

test_exec_in_created_container() {
  make_bundle "$T_DIR/b" sleep 60
  b create -b "$T_DIR/b" ecr || fail "create"
  assert_eq "in-created" "$(b exec ecr echo in-created)" "exec in a created container"
  assert_eq created "$(status_of ecr)" "status after exec"
  b start ecr || fail "start after exec"
  assert_eq running "$(status_of ecr)"
}

test_exec_errors() {
  _running "$T_DIR/b" ex
  local out
  out=$(b exec ex /no/such/binary 2>&1) && fail "exec of a missing binary succeeded"
  assert_contains "$out" "/no/such/binary"
  out=$(b exec ex nosuchcmd 2>&1) && fail "exec of a missing command succeeded"
  assert_contains "$out" "not found"
  out=$(b exec ex 2>&1) && fail "exec without a command succeeded"
  out=$(b exec 2>&1) && fail "exec without an id succeeded"
  assert_contains "$out" "usage: berth exec"
  out=$(b exec nosuch true 2>&1) && fail "exec in a missing container succeeded"
  assert_contains "$out" "does not exist"
  b kill ex KILL; wait_status ex stopped
  out=$(b exec ex true 2>&1) && fail "exec in a stopped container succeeded"
  assert_contains "$out" "stopped"
  true
}

test_exec_user_namespace_container() {
  userns_traversable
  _running "$T_DIR/b" eun "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings']=[{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings']=[{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
  local out
  out=$(b exec eun sh -c 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user') || fail "exec in a userns container: $out"
  assert_contains "$out" "0"
  printf '%s\n' "$out" | grep -qE '^ +0 +100000 +65536$' || fail "uid_map seen by exec: $out"
  assert_contains "$out" "$(readlink /proc/$(pid_of eun)/ns/user)" "user namespace of exec"
  local pid
  b exec -d --pid-file "$T_DIR/p" eun sleep 20 || fail "exec -d"
  pid=$(cat "$T_DIR/p")
  assert_eq 100000 "$(stat -c %u /proc/$pid)" "host uid of the exec'd process"
}

test_exec_preserve_fds_beyond_open_fds_leaks_nothing() {
  # --preserve-fds 4 while the caller has only fd 3 open: fds 4-6 must not
  # be filled with berth's own (a pidfd, the host cgroup directory, the sync
  # socket): a host directory fd is a way out of the rootfs.
  _running "$T_DIR/b" epl
  echo three > "$T_DIR/f3"
  local pid fds
  b exec -d --pid-file "$T_DIR/p" --preserve-fds 4 epl sleep 30 3<"$T_DIR/f3" || fail "exec -d --preserve-fds 4"
  pid=$(cat "$T_DIR/p")
  fds=$(ls -l /proc/$pid/fd | awk 'NR > 1 {print $9, $11}')
  assert_eq "0 1 2 3" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds of the exec'd process ($fds)"
  # And the container cannot reach the host through them.
  local out
  out=$(b exec --preserve-fds 4 epl sh -c 'for n in 4 5 6; do cat /proc/self/fd/$n/../../../../../../../etc/hostname 2>/dev/null; done; true' 3<"$T_DIR/f3")
  assert_eq "" "$out" "host files read through inherited fds"
}

test_exec_home_from_passwd() {
  # As for the init (and as runc does for both), HOME comes from the
  # container's /etc/passwd when the environment lacks it.
  _running "$T_DIR/b" eh
  assert_eq "HOME=/root" "$(b exec eh sh -c 'echo HOME=$HOME')" "HOME of an exec'd root process"
  assert_eq "HOME=/nonexistent" "$(b exec -u 65534 eh sh -c 'echo HOME=$HOME')" "HOME of an exec'd nobody process"
  assert_eq "HOME=/set" "$(b exec -e HOME=/set eh sh -c 'echo HOME=$HOME')" "HOME given with --env"
}

test_exec_paused_refused() {
  _running "$T_DIR/b" epz
  b pause epz || fail "pause"
  local out
  out=$(b exec epz true 2>&1) && fail "exec in a paused container succeeded"
  assert_contains "$out" "paused"
  b resume epz || fail "resume"
  b exec epz true || fail "exec after resume"
}

test_exec_forwards_signals() {
  mkdir -p "$T_DIR/io"
  _running "$T_DIR/b" esig "c['mounts'].append({'destination': '/out', 'type': 'bind', 'source': '$T_DIR/io', 'options': ['rbind']})"
  # The exec'd shell says it is up once its trap is set.
  (exec "$BERTH" --root "$T_ROOT" exec esig sh -c 'trap "exit 42" TERM; echo up > /out/up; while :; do sleep 0.05; done') &
  local runner=$!
  wait_for test -e "$T_DIR/io/up" || fail "exec'd shell did not start"
  kill -TERM $runner
  wait $runner; assert_eq 42 $? "exit code after SIGTERM to berth exec"
  assert_eq running "$(status_of esig)" "container after its exec'd process exited"
}

test_exec_additional_gids() {
  _running "$T_DIR/b" eg "c['process']['user']['additionalGids']=[10, 20]"
  assert_eq "0 10 20" "$(b exec eg id -G)" "groups of exec from the config"
  # runc appends --additional-gids to the process's groups.
  assert_eq "0 10 20 33" "$(b exec --additional-gids 33 eg id -G)" "exec --additional-gids 33"
  assert_contains "$(b exec -g 44 -u 1000:1000 eg id -G)" "44" "exec -g 44 -u 1000:1000"
}

test_exec_pid_file_failure_leaves_no_process() {
  # An exec that reports failure must not leave its process running (runc
  # terminates it when the pid file cannot be written).
  _running "$T_DIR/b" epf
  mkdir -p "$T_DIR/isdir"
  local out n
  # (To a file: a leaked process would hold a $(...) pipe open.)
  b exec -d --pid-file "$T_DIR/isdir" epf sleep 301 >"$T_DIR/exec.err" 2>&1 && fail "exec with an unwritable pid file succeeded"
  assert_contains "$(cat "$T_DIR/exec.err")" "$T_DIR/isdir"
  # Killed, it may take a moment to leave; left running, it stays.
  _exec_gone() { [ "$(b ps epf | grep -c 'sleep 301')" = 0 ]; }
  wait_for _exec_gone
  n=$(b ps epf | grep -c 'sleep 301')
  assert_eq 0 "$n" "exec'd processes left running after a failed exec"
}

# With --no-pivot the mount namespace's root is not the container's:
# exec still lands in the container's root (the init's).
test_exec_into_no_pivot_container_sees_its_root() {
  make_bundle "$T_DIR/b" sleep 60
  echo inside > "$T_DIR/b/rootfs/marker"
  b run -d --no-pivot -b "$T_DIR/b" npx >/dev/null || fail "run -d --no-pivot"
  assert_eq inside "$(b exec npx cat /marker)" "exec into a --no-pivot container"
  b delete -f npx
}
