#!/usr/bin/env bash
# The README's first command ends here: build a busybox bundle and run a
# container from it with the freshly built berth.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
berth=${BERTH:-$top/build/cmd/berth}
bundle=${BUNDLE:-/var/tmp/berth-demo}

rm -rf "$bundle"
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
echo "+ berth run demo   (bundle: $bundle)"
(cd "$bundle" && "$berth" --root "${BERTH_ROOT:-/run/berth}" run "demo-$$")

# The example pods' image is ./rootfs beside them: the same busybox tree.
pods=$top/examples/pods
rm -rf "$pods/rootfs"
cp -a "$bundle/rootfs" "$pods/rootfs"
echo "+ berth pod run examples/pods/hello.json"
"$berth" --root "${BERTH_ROOT:-/run/berth}" pod run "$pods/hello.json"

# An image, built offline from the same busybox as an oci-archive (as
# `podman save --format oci-archive` writes), loaded into the image store;
# examples/pods/web.json runs it by reference.
image=$top/examples/busybox.oci.tar
python3 "$top/examples/make-image.py" "$image" >/dev/null
echo "+ berth image load examples/busybox.oci.tar"
"$berth" --image-root "${BERTH_IMAGE_ROOT:-/var/lib/berth}" image load "$image"
"$berth" --image-root "${BERTH_IMAGE_ROOT:-/var/lib/berth}" image ls

# The full example (web server, sidecar, a container OOM-killed and
# restarted) needs the memory and cpu controllers of cgroup v2.  Without
# them here (a hybrid host), it runs in the test VM: Debian's kernel under
# qemu, this machine's / shared with it (tests/vm/README.md).
cg=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
if [ -n "$cg" ] && grep -qw memory "$cg/cgroup.controllers" && grep -qw cpu "$cg/cgroup.controllers"; then
  exec "$top/examples/pod-demo.sh"
fi
echo "+ no cgroup v2 memory/cpu controllers here: running examples/pod-demo.sh in the VM"
case $top in
  /tmp/*|/run/*)
    # The guest's /tmp and /run are its own: stage the demo elsewhere.
    stage=/var/tmp/berth-demo-vm
    rm -rf "$stage" && mkdir -p "$stage/build/cmd"
    cp "$berth" "$stage/build/cmd/berth"
    cp -a "$top/examples" "$top/tests" "$stage/"
    top=$stage ;;
esac
cd "$top"
# The guest loads the image into a store of its own (its /tmp).
exec tests/vm/run-vm.sh --timeout 900 -e BERTH="$top/build/cmd/berth" -e BERTH_IMAGE_ROOT=/tmp/berth-images \
  -- "$top/examples/pod-demo.sh"
