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

# The example pod's image is ./rootfs beside it: the same busybox tree.
pods=$top/examples/pods
rm -rf "$pods/rootfs"
cp -a "$bundle/rootfs" "$pods/rootfs"
echo "+ berth pod run examples/pods/hello.json"
exec "$berth" --root "${BERTH_ROOT:-/run/berth}" pod run "$pods/hello.json"
