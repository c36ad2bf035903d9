# Bad input: every tests/data/bad-configs/NAME.json as a bundle's config.json
# makes `berth create` fail with one line on stderr containing NAME.expect,
# and leave nothing behind.  One test per file (generated below), plus bundle
# and command-line mistakes.

trap cleanup_containers EXIT

_BAD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data/bad-configs" && pwd)

# _check_bad_config NAME
_check_bad_config() {
  local json=$_BAD_DIR/$1.json expect out rc
  [ -f "$_BAD_DIR/$1.expect" ] || fail "$1.expect is missing"
  expect=$(cat "$_BAD_DIR/$1.expect")
  expect=${expect%$'\n'}
  make_bundle "$T_DIR/b" true
  cp "$json" "$T_DIR/b/config.json"
  out=$(b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" bad 2>&1 >/dev/null); rc=$?
  [ $rc -ne 0 ] || fail "create accepted $1.json"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines ($out)"
  assert_contains "$out" "$expect" "error for $1.json"
  [ ! -e "$T_DIR/pid" ] || fail "pid file written"
  assert_no_trace bad - "$T_DIR/b/rootfs"
  assert_eq "" "$(b list -q)" "containers listed"
}

for _f in "$_BAD_DIR"/*.json; do
  _n=$(basename "$_f" .json)
  eval "test_bad_config_${_n//[^A-Za-z0-9_]/_}() { _check_bad_config '$_n'; }"
done
unset _f _n

test_every_bad_config_has_an_expect_file() {
  local f
  for f in "$_BAD_DIR"/*.json; do
    [ -s "${f%.json}.expect" ] || fail "no .expect for $(basename "$f")"
  done
  for f in "$_BAD_DIR"/*.expect; do
    [ -f "${f%.expect}.json" ] || fail "no .json for $(basename "$f")"
  done
}

test_missing_rootfs_dir() {
  make_bundle "$T_DIR/b" true
  rm -rf "$T_DIR/b/rootfs"
  local out
  out=$(b create -b "$T_DIR/b" nort 2>&1) && fail "create without a rootfs succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "root.path"
  assert_contains "$out" "rootfs"
  assert_gone nort
  # A file where the rootfs directory should be.
  touch "$T_DIR/b/rootfs"
  out=$(b create -b "$T_DIR/b" filert 2>&1) && fail "create with a file as rootfs succeeded"
  assert_contains "$out" "not a directory"
  assert_gone filert
}

test_missing_config_json() {
  mkdir -p "$T_DIR/b/rootfs"
  local out
  out=$(b create -b "$T_DIR/b" nocfg 2>&1) && fail "create without config.json succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "$T_DIR/b/config.json"
  assert_gone nocfg
  out=$(b create -b "$T_DIR/nosuchbundle" nobundle 2>&1) && fail "create with a missing bundle succeeded"
  assert_contains "$out" "nosuchbundle"
  assert_gone nobundle
}

test_missing_executable() {
  make_bundle "$T_DIR/b" /bin/nonexistent-binary
  local out pid
  # runc reports a missing executable at create time.
  out=$(b create -b "$T_DIR/b" noexe 2>&1) && fail "create with a missing executable succeeded"
  assert_contains "$out" "nonexistent-binary"
  assert_gone noexe
  cfg "$T_DIR/b" "c['process']['args']=['no-such-command']"
  out=$(b run -b "$T_DIR/b" nocmd 2>&1) && fail "run of a missing command succeeded"
  assert_contains "$out" "no-such-command"
  assert_gone nocmd
}

test_bad_cwd_and_user() {
  make_bundle "$T_DIR/b" true
  cfg "$T_DIR/b" "c['process']['cwd']='/no/such/dir'"
  local out
  out=$(b create -b "$T_DIR/b" nocwd 2>&1) && fail "create with a missing cwd succeeded"
  assert_contains "$out" "/no/such/dir"
  assert_gone nocwd
  # A cwd the user cannot enter.
  mkdir -p "$T_DIR/b/rootfs/private"; chmod 700 "$T_DIR/b/rootfs/private"
  cfg "$T_DIR/b" "c['process']['cwd']='/private'; c['process']['user']={'uid': 1000, 'gid': 1000}"
  out=$(b create -b "$T_DIR/b" permcwd 2>&1) && fail "create with an unreachable cwd succeeded"
  assert_contains "$out" "/private"
  assert_gone permcwd
}

test_unknown_command_and_flags() {
  local out
  out=$(b nosuchcommand 2>&1) && fail "unknown command succeeded"
  assert_contains "$out" 'unknown command "nosuchcommand"'
  make_bundle "$T_DIR/b" true
  out=$(b create --no-such-flag -b "$T_DIR/b" flagged 2>&1) && fail "unknown create flag succeeded"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" "--no-such-flag"
  assert_gone flagged
  out=$(b create -b "$T_DIR/b" one two 2>&1) && fail "create with two ids succeeded"
  assert_gone one; assert_gone two
  out=$(b create -b "$T_DIR/b" 2>&1) && fail "create without an id succeeded"
  assert_contains "$out" "ID"
  out=$(b create --preserve-fds many -b "$T_DIR/b" pfx 2>&1) && fail "--preserve-fds many accepted"
  assert_contains "$out" "many"
  assert_gone pfx
  true
}

test_bad_container_id_slash() {
  make_bundle "$T_DIR/b" true
  local out
  out=$(b create -b "$T_DIR/b" "a/b" 2>&1) && fail "id a/b accepted"
  assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "stderr lines"
  assert_contains "$out" '"a/b"'
  [ ! -e "$T_ROOT/a" ] || fail "id a/b created $T_ROOT/a"
  [ ! -d /sys/fs/cgroup/unified/berth/a ] || fail "id a/b created a cgroup"
}
