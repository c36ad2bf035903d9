#!/usr/bin/env bash
# The example pod, end to end: examples/pods/web.json runs a web server
# (httpd, with readiness and liveness probes), a sidecar that writes its
# content, and "hog", which allocates past its 32Mi memory limit, is
# OOM-killed and restarted with backoff.  Needs cgroup v2 with the memory
# and cpu controllers (examples/demo.sh runs this in a VM otherwise).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
berth=${BERTH:-$top/build/cmd/berth}
root=${BERTH_ROOT:-/run/berth}
images=${BERTH_IMAGE_ROOT:-/var/lib/berth}
pod=$top/examples/pods/web.json
b() { echo "+ berth $*"; "$berth" --root "$root" --image-root "$images" "$@"; }
wait_until() {   # SECONDS COMMAND...: until COMMAND succeeds
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.5
  done
}
ready() { "$berth" --root "$root" pod ps --format json web | grep -q '"type":"Ready","status":"True"'; }
restarted_twice() {
  "$berth" --root "$root" pod events web | grep '"type":"exited"' | grep -c OOMKilled | grep -qv '^[01]$'
}

"$berth" --root "$root" pod rm -f web >/dev/null 2>&1 || true
# web.json's containers run localhost/berth-example/busybox:1 (built by
# examples/make-image.py, no registry needed).
[ -e "$top/examples/busybox.oci.tar" ] ||
  python3 "$top/examples/make-image.py" "$top/examples/busybox.oci.tar" >/dev/null
b image load "$top/examples/busybox.oci.tar"
b pod run -d "$pod"
wait_until 120 ready || echo "(the pod is not ready yet)"
b pod ps web
b network ls
b exec web_httpd wget -qO- http://127.0.0.1:8080/index.html
# Over the network: the pod's own address, and hostPort 8080 on the host.
ip=$("$berth" --root "$root" pod inspect web | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["podIP"])')
echo "+ wget -qO- http://$ip:8080/index.html   (the pod's address)"
busybox wget -qO- "http://$ip:8080/index.html"
echo "+ wget -qO- http://127.0.0.1:8080/index.html   (hostPort 8080, from the host)"
busybox wget -qO- http://127.0.0.1:8080/index.html
echo "+ waiting for hog to be OOM-killed and restarted..."
wait_until 240 restarted_twice || echo "(no second OOM kill yet)"
b pod ps web
echo "+ berth pod events web | grep hog"
"$berth" --root "$root" pod events web | grep '"container":"hog"' | tail -6
b pod logs web httpd --tail 3
b pod stop web
