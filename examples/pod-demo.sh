#!/usr/bin/env bash
# The example pod, end to end, showing what the supervisor is for:
#   - readiness gating: `pod run -d` returns once the containers run; the
#     pod is Ready only when httpd's readiness probe passes, and `pod ps`
#     says why it is not yet;
#   - an OOM kill: "hog" allocates past its 32Mi limit, is OOM-killed and
#     restarted with back-off (the `exited` event says OOMKilled);
#   - a liveness failure: "flaky" stops answering its liveness probe after
#     20 s and is restarted (the `exited` event says Unhealthy and why);
#   - then the pod stays up for you to poke at (DEMO_STOP=1 stops it).
# Needs cgroup v2 with the memory and cpu controllers (examples/demo.sh
# runs this in a VM otherwise).  Runs a copy of examples/pods/web.json
# named web-<pid>, on hostPort 8080 or, when that is taken, a free one.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
berth=${BERTH:-$top/build/cmd/berth}
root=${BERTH_ROOT:-/run/berth}
images=${BERTH_IMAGE_ROOT:-/var/lib/berth}
image=${DEMO_IMAGE:-}
name=web-$$
work=$(mktemp -d /var/tmp/berth-pod-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
b() { echo "+ berth $*"; "$berth" --root "$root" --image-root "$images" "$@"; }
q() { "$berth" --root "$root" --image-root "$images" "$@"; }
wait_until() {   # SECONDS COMMAND...: until COMMAND succeeds
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.5
  done
}
ready() { q pod ps --format json "$name" | grep -q '"type":"Ready","status":"True"'; }
exited_because() {   # CONTAINER REASON: an exit of CONTAINER for REASON happened
  q pod events --format json "$name" | grep '"type":"exited"' | grep "\"container\":\"$1\"" | grep -q "\"reason\":\"$2\""
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=8080
while ! port_free "$port"; do port=$((port + 1)); done
python3 - "$top/examples/pods/web.json" "$work/web.json" "$name" "$port" <<'PY'
import json, sys
src, dst, name, port = sys.argv[1:]
p = json.load(open(src))
p["metadata"]["name"] = name
for c in p["spec"]["containers"]:
    for pt in c.get("ports", []):
        if "hostPort" in pt:
            pt["hostPort"] = int(port)
json.dump(p, open(dst, "w"), indent=1)
PY
# web.json's containers run localhost/berth-example/busybox:1, built by
# examples/make-image.py (no registry needed).
if [ -z "$image" ]; then
  image=$work/busybox.oci.tar
  python3 "$top/examples/make-image.py" "$image" >/dev/null
fi
b image load -q "$image" >/dev/null
b pod run -d "$work/web.json"
echo "# readiness gating: running, not yet Ready (see why in the last column)"
b pod ps "$name"
wait_until 120 ready || echo "(the pod is not ready yet)"
echo "# Ready now: httpd's readiness probe passed"
b pod ps "$name"
ip=$(q pod inspect "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"].get("podIP", ""))')
echo "+ wget -qO- http://$ip:8080/index.html   (the pod's address)"
busybox wget -qO- "http://$ip:8080/index.html" || true
echo "+ wget -qO- http://127.0.0.1:$port/index.html   (hostPort $port, from the host)"
busybox wget -qO- "http://127.0.0.1:$port/index.html" || true
echo "# waiting for hog's OOM kill and flaky's liveness failure (about 30 s)..."
wait_until 240 exited_because hog OOMKilled || echo "(no OOM kill yet)"
wait_until 240 exited_because flaky Unhealthy || echo "(no liveness failure yet)"
b pod events --format table "$name" | grep -E ' (exited|restarting|oom-killed|liveness-failed|unhealthy) ' | tail -8
b pod ps "$name"
b pod logs "$name" flaky --tail 4
if [ "${DEMO_STOP:-0}" = 1 ]; then
  b pod stop "$name"
  b pod rm "$name"
  exit 0
fi
cat <<EOF

The pod $name is still running, for you to poke at:
  curl http://127.0.0.1:$port/                  (or busybox wget -qO- ...)
  $berth --root $root pod ps $name
  $berth --root $root pod events $name -f
  $berth --root $root pod exec -it $name httpd -- sh
Stop and remove it with:
  $berth --root $root pod rm -f $name
EOF
