# berth pod logs / berth pod events, over a pod state directory made here:
# <root>/pods/<name>/logs/ with CRI logs and events.jsonl, and a `lock`
# file that a background process holds (flock -x) to stand for a live
# supervisor.

# fake_pod NAME: an empty pod state dir with logs/ and an unheld lock.
fake_pod() {
  mkdir -p "$T_ROOT/pods/$1/logs"
  : > "$T_ROOT/pods/$1/lock"
}
logs_of() { echo "$T_ROOT/pods/$1/logs"; }

# cri SECONDS STREAM TAG MSG: one CRI record, SECONDS after 09:00:00.
cri() {
  printf '2026-11-25T09:%02d:%02d.%09dZ %s %s %s\n' $(($1 / 60)) $(($1 % 60)) 0 "$2" "$3" "$4"
}
ts_of() { printf '2026-11-25T09:%02d:%02d.000000000Z' $(($1 / 60)) $(($1 % 60)); }

lock_held() { ! flock -n -s "$1" true; }

# hold_lock NAME: a process holding the pod's lock, as the supervisor does;
# prints its pid (killing it releases the lock).
hold_lock() {
  local lock=$T_ROOT/pods/$1/lock
  (exec 9>>"$lock"; flock -x 9; exec sleep 60) >/dev/null 2>&1 </dev/null &
  echo $!
  wait_for lock_held "$lock" || fail "could not take $lock"
}

# follow OUT ARGS...: `berth pod ARGS` in the background, output to OUT;
# sets $fpid.  A 20 s timeout makes a follower that never ends exit 124.
follow() {
  local out=$1; shift
  timeout 20 "$BERTH" --root "$T_ROOT" pod "$@" >"$out" 2>"$out.err" </dev/null &
  fpid=$!
}

# has_line FILE LINE: FILE has exactly this line.
has_line() { grep -qxF -- "$2" "$1"; }

# follower_exit: wait for $fpid and assert it ended by itself with 0.
follower_exit() {
  local rc=0
  wait "$fpid" || rc=$?
  assert_eq 0 "$rc" "exit status of the follower (124: it never stopped; stderr: $(cat "$1.err" 2>/dev/null))"
}

test_pod_logs_single_container() {
  fake_pod p
  local d; d=$(logs_of p)
  { cri 1 stdout F "hello world"; cri 2 stderr F "an error"; cri 3 stdout F ""; cri 4 stdout F "  spaced  "; } > "$d/c.log"
  echo '{"type":"pod-started"}' > "$d/events.jsonl"
  local out want
  out=$(b pod logs p) || fail "pod logs failed: $out"
  want=$(printf 'hello world\nan error\n\n  spaced  ')
  assert_eq "$want" "$out" "pod logs p"
  out=$(b pod logs p c) || fail "pod logs p c failed"
  assert_eq "$want" "$out" "pod logs p c"
  # A reader that goes away ends us quietly.
  local i
  for i in $(seq 20000); do echo "2026-11-25T09:00:00.000000000Z stdout F line $i"; done >> "$d/c.log"
  "$BERTH" --root "$T_ROOT" pod logs p 2>"$T_DIR/err" | head -n1 >/dev/null
  assert_eq 0 "${PIPESTATUS[0]}" "exit status with a closed stdout"
  assert_eq "" "$(cat "$T_DIR/err")" "stderr with a closed stdout"
}

test_pod_logs_merged_with_prefixes() {
  fake_pod p
  local d; d=$(logs_of p)
  { cri 1 stdout F a1; cri 4 stdout F a4; cri 5 stderr F a5; } > "$d/app.log"
  { cri 2 stdout F s2; cri 3 stdout F s3; cri 6 stdout F s6; } > "$d/side.log"
  echo '{"type":"pod-started"}' > "$d/events.jsonl"
  local out
  out=$(b pod logs p) || fail "pod logs failed: $out"
  assert_eq "$(printf '[app] a1\n[side] s2\n[side] s3\n[app] a4\n[app] a5\n[side] s6')" "$out" "merged logs"
  out=$(b pod logs p side)
  assert_eq "$(printf 's2\ns3\ns6')" "$out" "one container of two"
  out=$(b pod logs p --tail 2 --timestamps)
  assert_eq "$(printf '[app] %s a5\n[side] %s s6' "$(ts_of 5)" "$(ts_of 6)")" "$out" "merged --tail 2 --timestamps"
}

test_pod_logs_partial_lines_joined() {
  fake_pod p
  local d; d=$(logs_of p)
  { cri 1 stdout P "first "; cri 2 stdout P "half, "; cri 3 stderr F "err between"
    cri 4 stdout F "end"; cri 5 stdout F "next"; cri 6 stdout P "unfinished"; } > "$d/c.log"
  local out
  out=$(b pod logs p --timestamps)
  assert_eq "$(printf '%s err between\n%s first half, end\n%s next\n%s unfinished' \
    "$(ts_of 3)" "$(ts_of 1)" "$(ts_of 5)" "$(ts_of 6)")" "$out" "partial records joined"
}

test_pod_logs_tail_across_rotated_files() {
  fake_pod p
  local d; d=$(logs_of p)
  { cri 1 stdout F l1; cri 2 stdout F l2; } > "$d/c.log.2"
  { cri 3 stdout F l3; cri 4 stdout P l4-; } > "$d/c.log.1"
  { cri 5 stdout F end4; cri 6 stdout F l6; } > "$d/c.log"
  echo '2026-11-25T09:00:00Z stdout X malformed' >> "$d/c.log"
  local out
  out=$(b pod logs p)
  assert_eq "$(printf 'l1\nl2\nl3\nl4-end4\nl6')" "$out" "rotated files, oldest first"
  out=$(b pod logs p --tail 3)
  assert_eq "$(printf 'l3\nl4-end4\nl6')" "$out" "--tail 3"
  out=$(b pod logs p --tail=1)
  assert_eq "l6" "$out" "--tail=1"
  out=$(b pod logs p --tail 0)
  assert_eq "" "$out" "--tail 0"
  out=$(b pod logs p --tail 100)
  assert_eq "$(printf 'l1\nl2\nl3\nl4-end4\nl6')" "$out" "--tail larger than the log"
  out=$(b pod logs p --tail x 2>&1) && fail "--tail x accepted"
  assert_contains "$out" "--tail"
}

test_pod_logs_timestamps() {
  fake_pod p
  local d; d=$(logs_of p)
  { echo '2026-11-25T09:00:00.123456789Z stdout F one'; echo '2026-11-25T09:00:01.000000001Z stderr F two'; } > "$d/c.log"
  local out
  out=$(b pod logs --timestamps p)
  assert_eq "$(printf '2026-11-25T09:00:00.123456789Z one\n2026-11-25T09:00:01.000000001Z two')" "$out" "--timestamps"
}

test_pod_logs_unknown_pod_and_container() {
  fake_pod p
  local d; d=$(logs_of p)
  cri 1 stdout F x > "$d/web.log"
  cri 1 stdout F y > "$d/db.log"
  local out rc=0
  out=$(b pod logs nope 2>&1) || rc=$?
  assert_eq 1 "$rc" "exit status for an unknown pod"
  assert_contains "$out" "pod nope not found (no $T_ROOT/pods/nope)"
  rc=0
  out=$(b pod logs p cache 2>&1) || rc=$?
  assert_eq 1 "$rc" "exit status for an unknown container"
  assert_contains "$out" 'pod p has no container "cache" (containers: db, web)'
  rc=0
  out=$(b pod events nope 2>&1) || rc=$?
  assert_eq 1 "$rc" "exit status of events for an unknown pod"
  assert_contains "$out" "pod nope not found"
  rc=0
  out=$(b pod logs 2>&1) || rc=$?
  assert_eq 1 "$rc" "exit status without a pod name"
}

# -f: appended lines, a rotation (rename + new file, with a last record
# still landing in the renamed file), a line completed later; it stops,
# with everything printed, once the supervisor's lock is released.
test_pod_logs_follow_rotation_and_end() {
  fake_pod p
  local d holder; d=$(logs_of p)
  cri 1 stdout F before > "$d/c.log"
  holder=$(hold_lock p)
  follow "$T_DIR/out" logs p -f
  wait_for has_line "$T_DIR/out" before || fail "history not printed: $(cat "$T_DIR/out")"
  cri 2 stdout F appended >> "$d/c.log"
  wait_for has_line "$T_DIR/out" appended || fail "appended line not printed: $(cat "$T_DIR/out")"
  mv "$d/c.log" "$d/c.log.1"
  cri 3 stdout F "last of the old file" >> "$d/c.log.1"
  cri 4 stdout F "first of the new file" > "$d/c.log"
  wait_for has_line "$T_DIR/out" "first of the new file" || fail "rotation not followed: $(cat "$T_DIR/out")"
  cri 5 stdout P "half " >> "$d/c.log"
  sleep 0.2
  has_line "$T_DIR/out" "half " && fail "a P record printed before its line ended"
  cri 6 stdout F "done" >> "$d/c.log"
  wait_for has_line "$T_DIR/out" "half done" || fail "completed line not printed: $(cat "$T_DIR/out")"
  kill -0 "$fpid" || fail "the follower ended while the supervisor lives"
  cri 7 stdout F "final words" >> "$d/c.log"
  kill "$holder"
  follower_exit "$T_DIR/out"
  assert_eq "$(printf 'before\nappended\nlast of the old file\nfirst of the new file\nhalf done\nfinal words')" \
    "$(cat "$T_DIR/out")" "followed output"
}

# Rotations faster than the follower reads: the files rotated in between
# are read too, nothing lost or repeated.  The pod's log dir is a symlink
# (to a --log-dir), as the supervisor makes it.
# rotate_all FILE: FILE.N -> FILE.N+1 ... FILE -> FILE.1, a new empty FILE
# (keeping every file: a slow reader must still find them all).
rotate_all() {
  local n=1
  while [ -e "$1.$n" ]; do n=$((n + 1)); done
  while [ "$n" -gt 1 ]; do mv "$1.$((n - 1))" "$1.$n"; n=$((n - 1)); done
  mv "$1" "$1.1"
  : > "$1"
}

test_pod_logs_follow_many_rotations_symlinked_dir() {
  mkdir -p "$T_ROOT/pods/p" "$T_DIR/logdir"
  : > "$T_ROOT/pods/p/lock"
  ln -s "$T_DIR/logdir" "$T_ROOT/pods/p/logs"
  local d=$T_DIR/logdir holder i want=""
  : > "$d/c.log"
  holder=$(hold_lock p)
  follow "$T_DIR/out" logs p -f
  sleep 0.2
  write_and_rotate() {
    for i in $(seq "$1" "$2"); do
      cri "$i" stdout F "line $i" >> "$d/c.log"
      want+="line $i"$'\n'
      [ $((i % 3)) != 0 ] || rotate_all "$d/c.log"
    done
  }
  write_and_rotate 1 15
  wait_for has_line "$T_DIR/out" "line 15" || fail "not all lines printed: $(cat "$T_DIR/out")"
  # Several rotations while the follower cannot look (stopped).
  local bpid; bpid=$(pgrep -P "$fpid") || fail "no berth process under $fpid"
  kill -STOP "$bpid"
  write_and_rotate 16 30
  kill -CONT "$bpid"
  wait_for has_line "$T_DIR/out" "line 30" || fail "not all lines printed: $(cat "$T_DIR/out")"
  kill "$holder"
  follower_exit "$T_DIR/out"
  assert_eq "${want%$'\n'}" "$(cat "$T_DIR/out")" "lines across rotations"
}

# max_files 1: the writer truncates the file in place and starts over.
test_pod_logs_follow_truncated_in_place() {
  fake_pod p
  local d holder; d=$(logs_of p)
  { cri 1 stdout F "a long first line"; cri 2 stdout F "a long second line"; } > "$d/c.log"
  holder=$(hold_lock p)
  follow "$T_DIR/out" logs p -f
  wait_for has_line "$T_DIR/out" "a long second line" || fail "history: $(cat "$T_DIR/out")"
  cri 3 stdout F "short" > "$d/c.log"
  wait_for has_line "$T_DIR/out" short || fail "truncated file not read again: $(cat "$T_DIR/out")"
  kill "$holder"
  follower_exit "$T_DIR/out"
  assert_eq "$(printf 'a long first line\na long second line\nshort')" "$(cat "$T_DIR/out")"
}

# Without a container named, -f takes in containers whose log appears
# later; prefixes start with the second one.
test_pod_logs_follow_merged_new_container() {
  fake_pod p
  local d holder; d=$(logs_of p)
  cri 1 stdout F "init done" > "$d/init.log"
  holder=$(hold_lock p)
  follow "$T_DIR/out" logs p -f
  wait_for has_line "$T_DIR/out" "init done" || fail "history: $(cat "$T_DIR/out")"
  cri 2 stdout F "app up" > "$d/app.log"
  wait_for has_line "$T_DIR/out" "[app] app up" || fail "new container not followed: $(cat "$T_DIR/out")"
  cri 3 stdout F "side up" > "$d/side.log"
  cri 4 stdout F "init again" >> "$d/init.log"
  wait_for has_line "$T_DIR/out" "[init] init again" || fail "new container not followed: $(cat "$T_DIR/out")"
  kill "$holder"
  follower_exit "$T_DIR/out"
  assert_eq "$(printf 'init done\n[app] app up\n[side] side up\n[init] init again')" "$(cat "$T_DIR/out")" "merged follow"
}

# The supervisor is already gone (lock not held): print and exit at once.
test_pod_logs_follow_supervisor_gone() {
  fake_pod p
  local d; d=$(logs_of p)
  cri 1 stdout F x > "$d/c.log"
  local out rc=0
  out=$(timeout 5 "$BERTH" --root "$T_ROOT" pod logs -f p) || rc=$?
  assert_eq 0 "$rc" "exit status of -f without a supervisor"
  assert_eq x "$out"
  rm "$T_ROOT/pods/p/lock"
  out=$(timeout 5 "$BERTH" --root "$T_ROOT" pod logs -f p) || fail "-f without a lock file"
  assert_eq x "$out"
}

# The pod's state dir removed (the pod ended) while the lock's holder lives on.
test_pod_logs_follow_state_dir_removed() {
  fake_pod p
  local d holder; d=$(logs_of p)
  cri 1 stdout F x > "$d/c.log"
  holder=$(hold_lock p)
  follow "$T_DIR/out" logs p -f
  wait_for has_line "$T_DIR/out" x || fail "history: $(cat "$T_DIR/out")"
  cri 2 stdout F "written just before the end" >> "$d/c.log"
  rm -rf "$T_ROOT/pods/p"
  follower_exit "$T_DIR/out"
  assert_eq "$(printf 'x\nwritten just before the end')" "$(cat "$T_DIR/out")"
  kill "$holder"
}

test_pod_logs_events_follow() {
  fake_pod p
  local d holder; d=$(logs_of p)
  echo '{"type":"old"}' > "$d/events.jsonl.1"
  echo '{"type":"pod-started"}' > "$d/events.jsonl"
  local out
  out=$(b pod events p)
  assert_eq "$(printf '{"type":"old"}\n{"type":"pod-started"}')" "$out" "pod events"
  out=$(b pod events p --tail 1)
  assert_eq '{"type":"pod-started"}' "$out" "pod events --tail 1"
  holder=$(hold_lock p)
  follow "$T_DIR/out" events p -f
  wait_for has_line "$T_DIR/out" '{"type":"pod-started"}' || fail "history: $(cat "$T_DIR/out")"
  echo '{"type":"container-started"}' >> "$d/events.jsonl"
  mv "$d/events.jsonl" "$d/events.jsonl.1"
  echo '{"type":"exited"}' > "$d/events.jsonl"
  wait_for has_line "$T_DIR/out" '{"type":"exited"}' || fail "events not followed: $(cat "$T_DIR/out")"
  kill "$holder"
  follower_exit "$T_DIR/out"
  assert_eq "$(printf '{"type":"old"}\n{"type":"pod-started"}\n{"type":"container-started"}\n{"type":"exited"}')" \
    "$(cat "$T_DIR/out")" "followed events"
}
