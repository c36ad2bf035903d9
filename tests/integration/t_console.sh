# process.terminal with --console-socket: the pty master arrives over the
# socket (SCM_RIGHTS) and drives an interactive shell in the container.

trap cleanup_containers EXIT

_tty_bundle() {
  make_bundle "$1" sh
  cfg "$1" "c['process']['terminal']=True; c['process']['consoleSize']={'height': 40, 'width': 100}"
}

test_console_socket_run() {
  _tty_bundle "$T_DIR/b"
  local hp out
  hp=$(console_helper "$T_DIR/sock" "$T_DIR/tty.out" \
    'echo hi-$((1+2)); tty; stty size; [ -t 0 ] && echo stdin-is-tty; stat -c "%t" /dev/console' 'exit 7')
  b run --console-socket "$T_DIR/sock" -b "$T_DIR/b" con; assert_eq 7 $? "exit code of the shell"
  wait_for proc_gone "$hp"
  out=$(tr -d '\r' < "$T_DIR/tty.out")
  assert_contains "$out" "
hi-3" "shell output through the pty"
  assert_contains "$out" "
/dev/pts/0" "tty inside"
  assert_contains "$out" "
40 100" "consoleSize"
  assert_contains "$out" "stdin-is-tty"
  assert_contains "$out" "
88" "/dev/console is the pty (major 136)"
  assert_eq "/dev/pts/0" "$(cat "$T_DIR/tty.out.name")" "name sent with the pty master"
  assert_gone con
}

test_console_socket_create_start() {
  _tty_bundle "$T_DIR/b"
  local hp
  hp=$(console_helper "$T_DIR/sock" "$T_DIR/tty.out" 'echo started-$((6*7))' 'exit')
  b create --console-socket "$T_DIR/sock" -b "$T_DIR/b" cs || fail "create"
  # The master is handed over by create, before start.
  wait_for test -s "$T_DIR/tty.out.name" || fail "no pty master received after create"
  b start cs || fail "start"
  wait_for proc_gone "$hp" || fail "the shell did not exit"
  assert_contains "$(tr -d '\r' < "$T_DIR/tty.out")" "started-42"
  wait_status cs stopped
}

test_console_socket_errors() {
  _tty_bundle "$T_DIR/b"
  local out
  out=$(b create -b "$T_DIR/b" nosock 2>&1) && fail "terminal without --console-socket accepted"
  assert_contains "$out" "console-socket"
  assert_gone nosock
  out=$(b create --console-socket "$T_DIR/missing.sock" -b "$T_DIR/b" badsock 2>&1) && fail "missing socket accepted"
  assert_contains "$out" "$T_DIR/missing.sock"
  assert_gone badsock
  cfg "$T_DIR/b" "c['process']['terminal']=False"
  local hp; hp=$(console_helper "$T_DIR/sock" "$T_DIR/tty.out")
  out=$(b create --console-socket "$T_DIR/sock" -b "$T_DIR/b" noterm 2>&1) && fail "--console-socket without terminal accepted"
  kill "$hp" 2>/dev/null
  assert_contains "$out" "terminal"
  assert_gone noterm
}

test_run_terminal_foreground_without_console_socket() {
  # Like runc, a foreground `run` of a terminal process allocates the pty
  # itself and relays it to its own stdio; detached, a socket is required.
  make_bundle "$T_DIR/b" sh -c 'tty; exit 5'
  cfg "$T_DIR/b" "c['process']['terminal']=True"
  local out rc
  out=$(timeout 10 "$BERTH" --root "$T_ROOT" run -b "$T_DIR/b" fgtty </dev/null 2>&1); rc=$?
  assert_eq 5 "$rc" "exit code of run with a terminal ($out)"
  printf '%s' "$out" | tr -d '\r' | grep -qE '^/dev/pts/[0-9]+$' || fail "tty inside: $out"
  assert_gone fgtty
  out=$(b run -d -b "$T_DIR/b" bgtty 2>&1) && fail "run -d of a terminal process without --console-socket succeeded"
  assert_contains "$out" "console-socket"
  assert_gone bgtty
}

# A foreground `run` with terminal: true and a stdin that is not a
# terminal: what it reads is relayed and its end is the process's end of
# input (the pty's EOF character), so `echo ... | berth run` ends.
test_run_terminal_stdin_eof_ends_the_input() {
  make_bundle "$T_DIR/b" sh -c 'cat; echo done; exit 3'
  cfg "$T_DIR/b" "c['process']['terminal']=True"
  local out rc
  out=$(printf 'one\ntwo' | timeout 20 "$BERTH" --root "$T_ROOT" run -b "$T_DIR/b" eoftty 2>&1); rc=$?
  assert_eq 3 "$rc" "exit code: the process ended at the end of its input ($out)"
  out=$(printf '%s' "$out" | tr -d '\r')
  assert_contains "$out" "one"
  assert_contains "$out" "two"
  assert_contains "$out" "done"
  assert_gone eoftty
}

# Much input for a process that writes much and reads none of it: the
# relay must not block writing to the pty (it would stop reading the
# process's output, which then blocks too) and ends with the process.
test_run_terminal_large_input_does_not_deadlock() {
  make_bundle "$T_DIR/b" sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i of output"; i=$((i+1)); done; echo END'
  cfg "$T_DIR/b" "c['process']['terminal']=True"
  local out rc
  out=$(yes 'some input the process never reads' | head -c 2000000 |
    timeout 60 "$BERTH" --root "$T_ROOT" run -b "$T_DIR/b" bigtty 2>&1); rc=$?
  assert_eq 0 "$rc" "exit code (124: the relay deadlocked)"
  printf '%s' "$out" | tr -d '\r' | grep -q '^END$' || fail "no END in the output"
  assert_gone bigtty
}
