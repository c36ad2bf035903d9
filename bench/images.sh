#!/usr/bin/env bash
# berth's image handling next to podman's (a benchmark, not a test), on
# the same images in one run, reported as ratios:
#
#   1. load of a ~100 MiB image (5 layers of seeded random files plus a
#      busybox layer), as an oci-archive (gzip layers) and as a
#      docker-archive (plain layers); the store emptied before each round
#      (`berth image prune -a`, `podman rmi -a`), untimed;
#   2. pull + unpack of the same image from a local registry (Debian's
#      docker-registry on 127.0.0.1 in the benchmark's own network
#      namespace), store emptied the same way; `skopeo copy` of it into an
#      OCI directory is timed alongside, as the transport's floor;
#   3. time to a started container from a present image: `berth pod run -d`
#      of a pod running /bin/true from the image reference, from a plain
#      rootfs directory of the same content, and `podman run -d IMG
#      /bin/true`; and the same run to exit (`berth pod run` in the
#      foreground, `podman run --rm`).
#
#   bench/images.sh [ROUNDS]       default 5 rounds for load and pull
#
# Settings: BENCH_START_ROUNDS (default 40, case 3), BENCH_MIB (100),
# BENCH_LAYERS (5), BENCH_PODMAN_DRIVER (overlay; or vfs), BERTH (default
# build/cmd/berth, copied), BENCH_WORKDIR (default a mktemp dir under
# /var/tmp), BENCH_KEEP=1 keeps it (results.txt: one line per operation:
# case tool wall user sys, seconds, user/sys of the waited process tree).
#
# Every round runs each tool once, order rotated per round, after one
# untimed warm-up of each.  `sync` (untimed) after every timed operation
# and its clean-up, so no tool pays for another's writeback.
#
# Sandbox: the script re-runs itself in a network and mount namespace of
# its own (propagation private).  There it brings up lo, mounts tmpfs over
# /run, /dev/shm (podman's lock segment) and /var/lib/containers (the
# blob-info cache of podman and skopeo), and mounts the host's cgroup2
# hierarchy alone at /sys/fs/cgroup (as bench/lib.sh does, so podman and
# crun never write into this hybrid host's v1 hierarchies).  podman gets a
# private --root/--runroot/--tmpdir and config files in the work dir.  The
# machine's network, podman state and mounts are never touched.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ROUNDS=${1:-5}
SROUNDS=${BENCH_START_ROUNDS:-40}
MIB=${BENCH_MIB:-100}
LAYERS=${BENCH_LAYERS:-5}
DRIVER=${BENCH_PODMAN_DRIVER:-overlay}
PORT=5000   # in our own network namespace
BIG=localhost/bench-big:1
SMALL=localhost/bench-small:1
REG_REF=127.0.0.1:$PORT/bench/big:1

die() { echo "images: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root"
for c in podman skopeo docker-registry busybox unshare ip python3 crun runc; do
  command -v "$c" >/dev/null || die "needs $c (tools/install-deps.sh)"
done
case $ROUNDS$SROUNDS in *[!0-9]*) die "ROUNDS and BENCH_START_ROUNDS are numbers" ;; esac
if [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 100 ]; then die "ROUNDS: 1..100"; fi
if [ "$SROUNDS" -lt 1 ] || [ "$SROUNDS" -gt 500 ]; then die "BENCH_START_ROUNDS: 1..500"; fi

# ---------------------------------------------------------------- sandbox
if [ "${BENCH_IMG_NS:-}" != 1 ]; then
  exec env BENCH_IMG_NS=1 unshare --net --mount --propagation private "$0" "$@"
fi
umount -R /sys/fs/cgroup
mount -t cgroup2 -o rw,nosuid,nodev,noexec,relatime cgroup2 /sys/fs/cgroup
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || die "no cgroup2 at /sys/fs/cgroup"
mount -t tmpfs -o mode=0755 bench-run /run
mount -t tmpfs -o mode=1777 bench-shm /dev/shm
[ ! -d /var/lib/containers ] || mount -t tmpfs -o mode=0700 bench-containers /var/lib/containers
ip link set lo up

BERTH_SRC=${BERTH:-$REPO/build/cmd/berth}
[ -x "$BERTH_SRC" ] || die "build berth first (tools/build.sh)"
W=${BENCH_WORKDIR:-$(mktemp -d /var/tmp/berth-bench-img.XXXXXX)}
mkdir -p "$W/bin" "$W/pm/tmp"
cp "$BERTH_SRC" "$W/bin/berth"
B=$W/bin/berth
P=$W/pm
REG_PID=
LIBPOD_CG_EXISTED=0; [ ! -d /sys/fs/cgroup/libpod_parent ] || LIBPOD_CG_EXISTED=1

pm() {
  CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$P/registries.conf \
    timeout -k 5 300 podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" \
    --storage-driver "$DRIVER" --cgroup-manager cgroupfs --events-backend file "$@"
}
bi() { "$B" --image-root "$W/bimg" "$@"; }
bp() { "$B" --root "$W/bstate" --image-root "$W/bimg" "$@"; }

cleanup() {
  set +e
  [ -z "$REG_PID" ] || { kill "$REG_PID"; wait "$REG_PID"; } 2>/dev/null
  if [ -d "$W/bstate/pods" ]; then
    for p in "$W"/bstate/pods/*; do [ -e "$p" ] && bp pod rm -f "${p##*/}"; done
  fi >/dev/null 2>&1
  if [ -e "$P/storage.conf" ]; then pm rm -af; pm rmi -af; fi >/dev/null 2>&1
  # podman's overlay mounts (in this namespace only), deepest first
  awk -v w="$W" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m"; done
  if [ "$LIBPOD_CG_EXISTED" = 0 ] && [ -d /sys/fs/cgroup/libpod_parent ]; then
    find /sys/fs/cgroup/libpod_parent -depth -type d -exec rmdir {} \; 2>/dev/null
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then log "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One timed operation: CASE TOOL COMMAND...; appends "CASE TOOL wall user sys".
tm() {
  local c=$1 who=$2 t TIMEFORMAT='%3R %3U %3S'
  shift 2
  t=$( { time "$@" >/dev/null 2>"$W/err"; } 2>&1 ) || { cat "$W/err" >&2; die "$who: $c failed: $*"; }
  [ "${REC:-1}" = 0 ] || echo "$c $who $t" >> "$W/results.txt"
}
settle() { sync; }

# ---------------------------------------------------------------- set-up
log "generating the images ($MIB MiB in $LAYERS layers + busybox)"
python3 "$HERE/images.py" gen "$W/img" --mib "$MIB" --layers "$LAYERS" --busybox "$(command -v busybox)"

cat > "$P/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
netns = "none"
pids_limit = 0
# The default raises RLIMIT_NOFILE/NPROC, which needs CAP_SYS_RESOURCE, not
# in this machine's bounding set; lower limits need no capability.
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "crun"
EOF
printf '[storage]\ndriver = "%s"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' \
  "$DRIVER" "$P" "$P" > "$P/storage.conf"
printf 'unqualified-search-registries = []\n' > "$P/registries.conf"

# the registry, in this namespace only
mkdir -p "$W/registry"
cat > "$W/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $W/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
EOF
docker-registry serve "$W/registry.yml" > "$W/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/v2/', timeout=1)" \
    2>/dev/null && break
  kill -0 "$REG_PID" 2>/dev/null || { cat "$W/registry.log" >&2; die "registry exited"; }
  sleep 0.1
done
log "pushing $REG_REF"
skopeo copy -q --dest-tls-verify=false "oci:$W/img/big:$BIG" "docker://$REG_REF" ||
  die "push to the local registry"

{
  echo "kernel $(uname -r), $(nproc) CPUs"
  echo "berth: $("$B" --version | head -1) ($(stat -c %s "$B") bytes, $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null)$(cd "$REPO" && git diff --quiet HEAD 2>/dev/null || echo -dirty))"
  podman --version; crun --version | head -1; runc --version | head -1
  skopeo --version
  echo "docker-registry $(dpkg-query -W -f '${Version}' docker-registry 2>/dev/null)"
  echo "podman storage driver: $DRIVER; work dir on $(stat -f -c %T "$W")"
} > "$W/versions.txt"

# ---------------------------------------------------------------- 1, 2
# berth and podman each keep one store across rounds (its set-up paid
# once, in the warm-up), emptied after every round.
berth_empty() { bi image prune -a >/dev/null; settle; }
podman_empty() { pm rmi -af >/dev/null; settle; }
skopeo_empty() { rm -rf "$W/sk"; settle; }

one_load() {  # CASE FILE WHO
  case $3 in
    berth) tm "$1" berth bi image load "$2"; settle; berth_empty ;;
    podman) tm "$1" podman pm load -i "$2"; settle; podman_empty ;;
  esac
}
one_pull() {  # WHO
  case $1 in
    berth) tm pull berth bi image pull --tls-verify=false "$REG_REF"; settle; berth_empty ;;
    podman) tm pull podman pm pull --tls-verify=false "$REG_REF"; settle; podman_empty ;;
    skopeo) tm pull skopeo skopeo copy -q --src-tls-verify=false "docker://$REG_REF" "oci:$W/sk:x"
            settle; skopeo_empty ;;
  esac
}

rotate() {  # ROUND WORDS... -> the words rotated by ROUND
  local r=$1; shift
  local a=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${a[$(( (i + r) % n ))]}"; done
}

: > "$W/results.txt"
berth_empty; podman_empty
log "warm-up"
REC=0
for who in berth podman; do one_load load-oci "$W/img/big.oci.tar" $who; done
for who in berth podman skopeo; do one_pull $who; done
REC=1
for r in $(seq "$ROUNDS"); do
  for who in $(rotate "$r" berth podman); do one_load load-oci "$W/img/big.oci.tar" "$who"; done
  for who in $(rotate "$r" podman berth); do one_load load-docker "$W/img/big.docker.tar" "$who"; done
  for who in $(rotate "$r" berth podman skopeo); do one_pull "$who"; done
  log "load/pull round $r/$ROUNDS"
done

# ---------------------------------------------------------------- 3
bi image load "$W/img/small" >/dev/null
pm load -q -i "$W/img/small.oci.tar" >/dev/null
python3 "$HERE/images.py" pod "$W/pod-image.json" pi "$SMALL"
python3 "$HERE/images.py" pod "$W/pod-rootfs.json" pr "$W/img/rootfs"

# berth pod run -d returns once the container has started; the pod then
# completes (true exits, restartPolicy Never) and removes itself.
pod_gone() {  # NAME
  local i
  for i in $(seq 200); do [ -e "$W/bstate/pods/$1" ] || return 0; sleep 0.01; done
  die "pod $1 still there after 2 s"
}
one_start() {  # WHO
  case $1 in
    berth-image) tm start berth-image bp pod run -d --rm "$W/pod-image.json"; pod_gone pi ;;
    berth-rootfs) tm start berth-rootfs bp pod run -d --rm "$W/pod-rootfs.json"; pod_gone pr ;;
    podman) tm start podman pm run -d --name bench-c --network none --cgroups=disabled "$SMALL" /bin/true
            pm rm -f bench-c >/dev/null ;;
    podman-runc) tm start podman-runc pm run -d --name bench-c --network none --runtime runc "$SMALL" /bin/true
                 pm rm -f bench-c >/dev/null ;;
  esac
  settle
}
one_run() {  # WHO
  case $1 in
    berth-image) tm run berth-image bp pod run --rm "$W/pod-image.json" ;;
    berth-rootfs) tm run berth-rootfs bp pod run --rm "$W/pod-rootfs.json" ;;
    podman) tm run podman pm run --rm --network none --cgroups=disabled "$SMALL" /bin/true ;;
    podman-runc) tm run podman-runc pm run --rm --network none --runtime runc "$SMALL" /bin/true ;;
  esac
  settle
}
WHO3="berth-image berth-rootfs podman podman-runc"
log "warm-up (start)"
REC=0
# shellcheck disable=SC2086
for who in $WHO3; do one_start "$who"; one_run "$who"; done
REC=1
for r in $(seq "$SROUNDS"); do
  # shellcheck disable=SC2086
  for who in $(rotate "$r" $WHO3); do one_start "$who"; done
  # shellcheck disable=SC2086
  for who in $(rotate "$((r + 1))" $WHO3); do one_run "$who"; done
  [ $((r % 5)) -ne 0 ] || log "start round $r/$SROUNDS"
done

python3 "$HERE/images.py" report "$W/results.txt" "$W/img/info.json" \
  "$ROUNDS load/pull, $SROUNDS start" "$W/versions.txt" | tee "$W/report.md"
