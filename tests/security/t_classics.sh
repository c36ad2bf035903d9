# The classic runc escapes berth was built to block, kept blocked:
# CVE-2019-5736 on a read-only install (overwriting the runtime through
# /proc/self/exe; the exec stub and the sealed copy are t_exe_guard.sh's),
# CVE-2024-21626 on run/create (a cwd through a
# leaked fd; no berth fd reaches the container), CVE-2021-30465 (mount
# destinations that are symlinks out of the rootfs).  The device filter and
# the RuntimeDefault denials (with the i386/x32 entry points) are kept by
# tests/integration/t_cgroups_host.sh (reused by the VM lane) and
# t_seccomp.sh.

trap cleanup_containers EXIT

test_no_host_fds_leak() {
  make_bundle "$T_DIR/b" sleep 60
  local pid
  exec 7<"$T_DIR/b/config.json" 8>"$T_DIR/leak"
  b create -b "$T_DIR/b" --pid-file "$T_DIR/pid" fdl || fail "create"
  exec 7<&- 8>&-
  b start fdl || fail "start"
  pid=$(cat "$T_DIR/pid")
  assert_eq "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds of the container process"
}

# Installed on a read-only mount, berth is not copied: the link leads to
# that file, and it cannot be opened for writing through it (EROFS).
test_init_exe_on_a_read_only_mount_stays_unwritable() {
  make_bundle "$T_DIR/b" sleep 60
  mkdir -p "$T_DIR/bin" "$T_DIR/ro"
  cp "$BERTH" "$T_DIR/bin/berth"
  local sum pid
  sum=$(md5sum < "$T_DIR/bin/berth")
  # The read-only bind lives in a mount namespace of this test only.
  unshare -m --propagation private sh -c '
    mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" &&
    exec "$2/berth" --root "$3" create -b "$4" --pid-file "$5" roexe' \
    _ "$T_DIR/bin" "$T_DIR/ro" "$T_ROOT" "$T_DIR/b" "$T_DIR/pid" || fail "create from a read-only mount"
  pid=$(cat "$T_DIR/pid")
  # The link's text is relative to a mount this namespace cannot see:
  # compare the file itself.
  assert_eq "$(stat -c %d:%i "$T_DIR/bin/berth")" "$(stat -L -c %d:%i /proc/$pid/exe)" \
    "/proc/PID/exe of the init is the installed file (no memfd copy)"
  # The 2019 exploit: hold the link open (O_PATH) while berth runs, then
  # reopen it for writing once nothing executes the file any more.
  python3 - "$pid" "$BERTH" "$T_ROOT" <<'PY' || fail "the berth file could be reopened for writing"
import errno, os, subprocess, sys
pid, berth, root = sys.argv[1:]
fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
subprocess.run([berth, "--root", root, "start", "roexe"], check=True)
assert os.readlink(f"/proc/{pid}/exe") == "/bin/busybox"
try:
    os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_APPEND)
except OSError as e:
    sys.exit(0 if e.errno == errno.EROFS else f"reopen: {e}")
sys.exit("reopened for writing")
PY
  assert_eq "$sum" "$(md5sum < "$T_DIR/bin/berth")" "the installed berth binary"
  b delete -f roexe
}

test_cwd_cannot_escape_root() {
  make_bundle "$T_DIR/b" sh -c 'pwd; ls ../../../../..'
  local n out
  # CVE-2024-21626: a cwd through an fd berth itself holds open.
  for n in 3 4 5 6 7 8 9; do
    cfg "$T_DIR/b" "c['process']['cwd']='/proc/self/fd/$n'"
    if out=$(b run -b "$T_DIR/b" cwd$n 2>&1); then
      case "$(printf '%s\n' "$out" | head -1)" in
        /proc/*|/) ;;
        *) fail "cwd /proc/self/fd/$n led to: $out" ;;
      esac
      assert_not_contains "$out" "unified" "listing from cwd /proc/self/fd/$n"
    fi
    assert_gone cwd$n
  done
}

test_symlink_mount_destination_stays_in_rootfs() {
  mkdir -p "$T_DIR/outside"
  make_bundle "$T_DIR/b" sh -c 'echo inside > /mnt/proof; ls /rel/'
  # Absolute and ../ symlinks both aim at the host's $T_DIR/outside; inside
  # the rootfs that path exists, so the mounts are possible there.
  ln -s "$T_DIR/outside" "$T_DIR/b/rootfs/mnt"
  ln -s "../../../../../../../../../..$T_DIR/outside" "$T_DIR/b/rootfs/rel"
  mkdir -p "$T_DIR/b/rootfs$T_DIR/outside"
  cfg "$T_DIR/b" "c['root']['readonly']=False
c['mounts'].append({'destination': '/mnt', 'type': 'tmpfs', 'source': 'tmpfs'})
c['mounts'].append({'destination': '/rel/etc', 'type': 'bind', 'source': '/etc', 'options': ['rbind']})"
  local out rc
  out=$(b run -b "$T_DIR/b" sym 2>&1); rc=$?
  assert_eq "" "$(ls -A "$T_DIR/outside")" "host directory behind the symlink"
  assert_no_trace sym - "$T_DIR/outside"
  assert_eq 0 "$rc" "exit code of run ($out)"
  # /mnt and /rel are the same directory inside: the tmpfs with both.
  assert_eq "etc proof" "$(printf '%s' "$out" | tr '\n' ' ')" "content of /rel inside"
}

test_symlink_mount_destination_dangling() {
  mkdir -p "$T_DIR/outside"
  make_bundle "$T_DIR/b" sh -c 'echo inside > /mnt/proof && echo wrote'
  # As in many images (/var/run -> /run with no /run yet): the target does
  # not exist inside the rootfs and is created there, as runc does.
  ln -s "$T_DIR/outside" "$T_DIR/b/rootfs/mnt"
  cfg "$T_DIR/b" "c['mounts'].append({'destination': '/mnt', 'type': 'tmpfs', 'source': 'tmpfs'})"
  local out
  out=$(b run -b "$T_DIR/b" dangle 2>&1)
  assert_eq "" "$(ls -A "$T_DIR/outside")" "host directory behind the symlink"
  assert_no_trace dangle - "$T_DIR/outside"
  assert_eq wrote "$out" "mount on a symlink whose target is missing in the rootfs"
  [ -d "$T_DIR/b/rootfs$T_DIR/outside" ] || fail "mount point not created inside the rootfs"
}
