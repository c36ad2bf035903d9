# Attacker: a local user (uid 65534) who owns, or may write, the directory
# an administrator gives as `berth pod run --log-dir`.  The supervisor runs
# as root and appends container output to <container>.log and events.jsonl
# there: a symlink planted under one of those names would make root write
# into any file, such as a root-only 0600 file, and rotation renames would
# follow too.  berth must refuse such a directory (as sshd's StrictModes
# does) and never follow a symlink inside one.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"

as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

# _sec_victim: a root-only file the attacker wants written; prints its path.
_sec_victim() {
  printf 'root secret\n' > "$T_DIR/secret"
  chmod 600 "$T_DIR/secret"
  echo "$T_DIR/secret"
}

# _sec_plant DIR: as the attacker, link every log file name in DIR to the
# victim (the rotated names too).
_sec_plant() {
  local f
  for f in c.log c.log.1 events.jsonl events.jsonl.1; do
    as_nobody ln -s "$T_DIR/secret" "$1/$f" || fail "planting $1/$f as nobody"
  done
}

# _sec_assert_untouched: the victim has its content and mode.
_sec_assert_untouched() {
  assert_eq "root secret" "$(cat "$T_DIR/secret")" "the 0600 file's content"
  assert_eq 600 "$(stat -c %a "$T_DIR/secret")" "the 0600 file's mode"
}

_sec_pod() {
  pod_json "$T_DIR/pod.json" 'p["spec"]["containers"][0]["command"] = ["sh", "-c", "echo pwned"]'
}

# The log directory belongs to the attacker, who has planted symlinks in it.
test_sec_log_dir_owned_by_another_user() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  userns_traversable
  _sec_victim >/dev/null
  _sec_pod
  mkdir "$T_DIR/evil" && chown 65534:65534 "$T_DIR/evil"
  _sec_plant "$T_DIR/evil"
  local out; out=$(b pod run --log-dir "$T_DIR/evil" "$T_DIR/pod.json" 2>&1)
  local rc=$?
  _sec_assert_untouched
  assert_eq 1 "$rc" "exit status of pod run with another user's log dir ($out)"
  assert_contains "$out" "log directory $T_DIR/evil is owned by uid 65534"
  assert_contains "$out" "chown root"
  assert_pod_gone tp
}

# Root owns the directory, but it is world-writable (sticky, as /tmp): the
# attacker can still create names in it.
test_sec_log_dir_writable_by_others() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  userns_traversable
  _sec_victim >/dev/null
  _sec_pod
  mkdir "$T_DIR/shared" && chmod 1777 "$T_DIR/shared"
  _sec_plant "$T_DIR/shared"
  local out; out=$(b pod run -d --log-dir "$T_DIR/shared" "$T_DIR/pod.json" 2>&1)
  local rc=$?
  b pod stop -t 0 tp >/dev/null 2>&1
  _sec_assert_untouched
  assert_eq 1 "$rc" "exit status of pod run -d with a world-writable log dir ($out)"
  assert_contains "$out" "log directory $T_DIR/shared is writable by group or others (mode 1777)"
  assert_contains "$out" "chmod go-w"
  assert_pod_gone tp
}

# A root-owned log directory that still holds symlinks (planted while the
# attacker could write it, or left there): they are not followed, for the
# live files nor for rotation.
test_sec_log_dir_symlinks_not_followed() {
  _sec_victim >/dev/null
  _sec_pod
  mkdir "$T_DIR/logs"
  ln -s "$T_DIR/secret" "$T_DIR/logs/c.log"
  local out; out=$(pod_run "$T_DIR/pod.json" 2>&1)
  local rc=$?
  _sec_assert_untouched
  assert_eq 1 "$rc" "exit status of pod run over a symlinked c.log ($out)"
  assert_contains "$out" "log file $T_DIR/logs/c.log is a symbolic link"
  # Only events.jsonl planted: the same.
  rm "$T_DIR/logs/c.log"
  ln -s "$T_DIR/secret" "$T_DIR/logs/events.jsonl"
  out=$(pod_run "$T_DIR/pod.json" 2>&1)
  _sec_assert_untouched
  assert_contains "$out" "log file $T_DIR/logs/events.jsonl is a symbolic link"
  # Rotation: a symlink at a rotated name is replaced, never written through.
  rm "$T_DIR/logs/events.jsonl"
  ln -s "$T_DIR/secret" "$T_DIR/logs/c.log.1"
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"][0]["command"] = ["sh", "-c", "i=0; while [ $i -lt 50 ]; do echo line $i; i=$((i+1)); done"]'
  b pod run --log-dir "$T_DIR/logs" --log-max-size 1Ki --log-max-files 3 "$T_DIR/pod.json" >/dev/null ||
    fail "pod run with rotation"
  _sec_assert_untouched
  [ -f "$T_DIR/logs/c.log.1" ] && [ ! -L "$T_DIR/logs/c.log.1" ] || fail "c.log.1 is not a rotated file"
  assert_pod_ended tp
}

# --log-dir is a symlink to a directory inside another user's directory:
# that user can swap it for one of their own at any time.
test_sec_log_dir_symlink_into_another_users_dir() {
  _sec_pod
  mkdir -p "$T_DIR/home/logs" && chown 65534:65534 "$T_DIR/home"
  ln -s "$T_DIR/home/logs" "$T_DIR/link"
  local out; out=$(b pod run --log-dir "$T_DIR/link" "$T_DIR/pod.json" 2>&1)
  assert_eq 1 $? "exit status of pod run with a log dir in another user's directory ($out)"
  assert_contains "$out" "log directory $T_DIR/home/logs is in $T_DIR/home, which uid 65534 owns"
  [ -z "$(ls -A "$T_DIR/home/logs")" ] || fail "berth wrote into it: $(ls -A "$T_DIR/home/logs")"
  assert_pod_gone tp
}

# A symlink the attacker made, pointing at a directory root owns: berth
# would create root-owned files wherever the attacker likes.
test_sec_log_dir_symlink_owned_by_another_user() {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  userns_traversable
  _sec_pod
  mkdir "$T_DIR/rootonly" "$T_DIR/tmp" && chmod 1777 "$T_DIR/tmp"
  as_nobody ln -s "$T_DIR/rootonly" "$T_DIR/tmp/logs" || fail "planting the symlink as nobody"
  # The kernel's protected_symlinks may already stop root here; berth must
  # refuse either way.
  local out; out=$(b pod run --log-dir "$T_DIR/tmp/logs" "$T_DIR/pod.json" 2>&1)
  assert_eq 1 $? "exit status of pod run through another user's symlink ($out)"
  assert_contains "$out" "log directory $T_DIR/tmp/logs"
  [ -z "$(ls -A "$T_DIR/rootonly")" ] || fail "berth wrote through the symlink: $(ls -A "$T_DIR/rootonly")"
  assert_pod_gone tp
}
