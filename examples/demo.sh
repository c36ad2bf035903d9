#!/usr/bin/env bash
# The README's first command ends here: a container from a busybox bundle,
# a first pod, an image loaded offline, then the full example pod
# (examples/pod-demo.sh: readiness gating, an OOM kill, a liveness
# failure, each restart with the event that caused it).
#
# Safe to run twice, and beside other work: everything it makes is in a
# directory of its own (the bundle, the pods' files) and in a state root of
# its own (DEMO_ROOT, default /run/berth-demo.XXXXXX), with names no other
# run uses.  Only the image store is shared (BERTH_IMAGE_ROOT, default
# /var/lib/berth): loading the same image again changes nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
berth=${BERTH:-$top/build/cmd/berth}
images=${BERTH_IMAGE_ROOT:-/var/lib/berth}
# /var/tmp: the VM lane's guest sees it (its /tmp and /run are its own)
work=$(mktemp -d /var/tmp/berth-demo.XXXXXX)
root=${DEMO_ROOT:-$(mktemp -d /run/berth-demo.XXXXXX)}
# The state root goes too when nothing is left in it (rmdir: a pod left
# running for you keeps it); one given as DEMO_ROOT stays.
trap 'rm -rf "$work"; [ -n "${DEMO_ROOT:-}" ] || rmdir "$root/pods" "$root" 2>/dev/null' EXIT
b() { echo "+ berth $*"; "$berth" --root "$root" --image-root "$images" "$@"; }

bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,proc,sys,dev,tmp,etc,root}
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in $("$bundle/rootfs/bin/busybox" --list); do
  [ -e "$bundle/rootfs/bin/$a" ] || ln -s busybox "$bundle/rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$bundle/rootfs/etc/passwd"
(cd "$bundle" && "$berth" spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c",
    "echo \"hello from $(hostname): I am pid $$, uid $(id -u)\"; "
    "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; "
    "echo \"processes I can see: $(ls -d /proc/[0-9]* | wc -l)\"; "
    "touch /etc/x 2>/dev/null || echo 'the root filesystem is read-only'"]
json.dump(c, open(p, "w"), indent=1)
PY
echo "+ berth run demo-$$   (bundle: $bundle, state: $root)"
(cd "$bundle" && "$berth" --root "$root" run "demo-$$")

# examples/pods/hello.json runs ./rootfs beside it: a copy of it here,
# named for this run, runs the bundle's tree instead.
python3 - "$top/examples/pods/hello.json" "$work/hello.json" "hello-$$" "$bundle/rootfs" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["metadata"]["name"] = sys.argv[3]
p["spec"]["containers"][0]["image"] = sys.argv[4]
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
b pod run "$work/hello.json"
# It ended; its status, logs and events stay until pod rm (pod run --rm
# would not keep them).
b pod ps -a
b pod logs "hello-$$"
b pod rm "hello-$$"

# An image, built offline from the same busybox as an oci-archive (as
# `podman save --format oci-archive` writes), loaded into the image store;
# examples/pods/web.json runs it by reference.
python3 "$top/examples/make-image.py" "$work/busybox.oci.tar" >/dev/null
b image load "$work/busybox.oci.tar"
b image ls

# The full example needs the memory and cpu controllers of cgroup v2.
# Without them here (a hybrid host), it runs in the test VM: Debian's
# kernel under qemu, this machine's / shared with it (tests/vm/README.md);
# the pod then ends with the VM instead of staying up for you.
cg=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
if [ -n "$cg" ] && grep -qw memory "$cg/cgroup.controllers" && grep -qw cpu "$cg/cgroup.controllers"; then
  BERTH_ROOT=$root BERTH_IMAGE_ROOT=$images DEMO_IMAGE=$work/busybox.oci.tar \
    "$top/examples/pod-demo.sh"
  exit
fi
echo "+ no cgroup v2 memory/cpu controllers here: running examples/pod-demo.sh in the VM"
stage=$work/vm
case $top in
  /tmp/*|/run/*)
    # The guest's /tmp and /run are its own: stage the demo here.
    mkdir -p "$stage/build/cmd"
    cp "$berth" "$stage/build/cmd/berth"
    cp -a "$top/examples" "$top/tests" "$stage/"
    top=$stage berth=$stage/build/cmd/berth ;;
esac
cd "$top"
# The guest has a state root and an image store of its own (its /run, /tmp).
tests/vm/run-vm.sh --timeout 900 -e BERTH="$berth" -e BERTH_IMAGE_ROOT=/tmp/berth-images \
  -e BERTH_ROOT=/run/berth-demo -e DEMO_IMAGE="$work/busybox.oci.tar" -e DEMO_STOP=1 \
  -- "$top/examples/pod-demo.sh"
