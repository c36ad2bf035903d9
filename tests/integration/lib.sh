# Helpers for integration tests: each test runs the real berth binary against
# bundles built here from Debian's busybox-static, in its own state root.
# Tests are shell functions named test_*; a test fails by calling `fail`
# (or any assert_*), and skips only by calling `skip "reason"`.

: "${BERTH:?BERTH must point at the berth binary}"
BUSYBOX=${BUSYBOX:-/bin/busybox}

fail() { echo "  assertion failed: $*" >&2; exit 1; }
skip() { echo "SKIP-REASON: $*" >&2; exit 77; }

assert_eq() {      # expected actual [what]
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_contains() { # haystack needle [what]
  case "$1" in *"$2"*) ;; *) fail "${3:-output} does not contain '$2': $1" ;; esac
}
assert_not_contains() {
  case "$1" in *"$2"*) fail "${3:-output} contains '$2': $1" ;; esac
}

# berth with this test's private state root.
b() { "$BERTH" --root "$T_ROOT" "$@"; }

# A busybox rootfs: one static binary plus an applet symlink tree.
make_rootfs() {
  local dir=$1 a
  mkdir -p "$dir"/{bin,proc,sys,dev,tmp,etc,root,run}
  if [ -d "$T_CACHE/rootfs" ]; then
    cp -a "$T_CACHE/rootfs/." "$dir/"
    return
  fi
  cp "$BUSYBOX" "$dir/bin/busybox"
  for a in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  mkdir -p "$T_CACHE/rootfs" && cp -a "$dir/." "$T_CACHE/rootfs/"
}

# make_bundle DIR [ARGS...]: a default `berth spec` bundle, non-terminal,
# running ARGS (default: true).
make_bundle() {
  local dir=$1; shift
  mkdir -p "$dir"
  make_rootfs "$dir/rootfs"
  (cd "$dir" && "$BERTH" spec) || fail "berth spec"
  if [ $# -eq 0 ]; then set -- true; fi
  local args
  args=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
  cfg "$dir" "c['process']['terminal']=False; c['process']['args']=$args"
}

# cfg DIR PYTHON: edit DIR/config.json as the dict `c`.
cfg() {
  python3 - "$1/config.json" "$2" <<'PY' || fail "editing config.json"
import json, sys
p, code = sys.argv[1], sys.argv[2]
c = json.load(open(p))
exec(code)
json.dump(c, open(p, "w"), indent=1)
PY
}

# Nothing of a container may remain: state dir, cgroup, process.
assert_gone() {
  local id=$1
  [ ! -e "$T_ROOT/$id" ] || fail "state dir $T_ROOT/$id still exists"
  local cg
  for cg in /sys/fs/cgroup/unified/berth/"$id" /sys/fs/cgroup/berth/"$id"; do
    [ ! -d "$cg" ] || fail "cgroup $cg still exists"
  done
}

# Inode of a namespace link, e.g. ns_ino self net.
ns_ino() { stat -L -c %i "/proc/$1/ns/$2"; }
