# process.apparmorProfile where AppArmor is on (the guest's Debian kernel
# has it; this host's does not): the container's process, and a process
# `berth exec` starts, run confined by the profile, which is enforced.

# _aa_load: load profile berth-test (everything allowed but
# CAP_CHOWN, a rule that does not depend on how paths are seen) into the
# guest's AppArmor, or skip saying why not.
_aa_load() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ||
    skip "AppArmor is not enabled in this kernel"
  command -v apparmor_parser >/dev/null || skip "apparmor_parser is not installed (package apparmor)"
  [ -d /sys/kernel/security/apparmor ] ||
    mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
  [ -d /sys/kernel/security/apparmor ] || skip "no securityfs with apparmor in it"
  cat > "$T_DIR/profile" <<'AA'
profile berth-test flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  mount,
  umount,
  pivot_root,
  signal,
  ptrace,
  unix,
  deny capability chown,
}
AA
  apparmor_parser -r "$T_DIR/profile" 2>"$T_DIR/aa.err" || fail "loading the profile: $(cat "$T_DIR/aa.err")"
}

test_apparmor_profile_confines_the_process() {
  _aa_load
  make_bundle "$T_DIR/b" sh -c 'cat /proc/self/attr/current; touch /tmp/f; chown 1 /tmp/f 2>&1 && echo chowned; true'
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs'})"
  cfg "$T_DIR/b" "[c['process']['capabilities'][k].append('CAP_CHOWN') for k in ('bounding', 'effective', 'permitted')]"
  local out
  out=$(b run -b "$T_DIR/b" free 2>&1) || fail "run without a profile: $out"
  assert_contains "$out" "chowned" "chown as root without a profile"
  cfg "$T_DIR/b" "c['process']['apparmorProfile'] = 'berth-test'"
  out=$(b run -b "$T_DIR/b" aa 2>&1) || fail "run: $out"
  assert_contains "$out" "berth-test (enforce)" "the process's AppArmor label"
  assert_not_contains "$out" "chowned" "chown as root under a profile that denies CAP_CHOWN"
}

test_apparmor_profile_for_exec() {
  _aa_load
  make_bundle "$T_DIR/b" sleep 60
  b run -d -b "$T_DIR/b" ax || fail "run -d"
  assert_eq unconfined "$(b exec ax cat /proc/self/attr/current)" "exec without a profile"
  assert_contains "$(b exec --apparmor berth-test ax cat /proc/self/attr/current)" "berth-test (enforce)" \
    "exec --apparmor"
  local out
  out=$(b exec --apparmor no-such-profile ax true 2>&1) && fail "exec with an unloaded profile succeeded"
  assert_contains "$out" "AppArmor profile no-such-profile"
  b delete -f ax
}
