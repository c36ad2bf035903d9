#!/usr/bin/env bash
# What the pod network costs (a benchmark, not a test): `berth pod run -d`
# of a 1-container pod until its container runs, with the default network
# and one hostPort, next to the same pod with no network
# (berth.dev/network: none), and next to the same three plugins (bridge,
# portmap, firewall) run by hand on a plain netns, as cnitool would.  All
# in one run, order rotated every round, inside a network namespace and a
# private /run made for the benchmark (never this machine's own network).
#
#   bench/pod-network.sh [ROUNDS]        default 20
#
# Reports per variant: mean, median, p95 of the wall time; berth's own
# per-plugin ADD times from the pod's "network" event; the by-hand ADD of
# the same plugins; the cost of one exec of each plugin (VERSION) and of
# `iptables --version`, and from those what a native path would save.
# Settings: BERTH (default build/cmd/berth), BENCH_WORKDIR (default a
# mktemp dir), BENCH_KEEP=1 keeps it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ROUNDS=${1:-20}
BERTH=${BERTH:-$REPO/build/cmd/berth}
CNI=/usr/lib/cni

die() { echo "pod-network: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
for p in bridge host-local portmap firewall; do
  [ -x "$CNI/$p" ] || die "CNI plugin $p missing (apt-get install containernetworking-plugins)"
done

# Re-run inside a network and mount namespace of our own, /run private.
if [ "${BENCH_NETNS:-}" != 1 ]; then
  exec env BENCH_NETNS=1 unshare --net --mount --propagation private "$0" "$@"
fi
mount -t tmpfs -o mode=0755 bench-run /run
for d in /etc/cni/net.d /var/lib/cni; do [ ! -d "$d" ] || mount -t tmpfs bench-cni "$d"; done
ip link set lo up

W=${BENCH_WORKDIR:-$(mktemp -d /tmp/berth-bench-net.XXXXXX)}
trap '[ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$W"' EXIT
mkdir -p "$W/rootfs/bin" "$W/root" "$W/net.d"
cp "$(command -v busybox)" "$W/rootfs/bin/busybox"
for a in sh sleep true; do ln -sf busybox "$W/rootfs/bin/$a"; done
mkdir -p "$W/rootfs"/{proc,sys,dev,tmp,etc}

pod() {  # NAME NETWORK(yes|none)
  python3 - "$W/$1.json" "$1" "$2" "$W/rootfs" <<'PY'
import json, sys
path, name, net, rootfs = sys.argv[1:5]
c = {"name": "c", "image": rootfs, "command": ["sleep", "1000"]}
p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
     "spec": {"terminationGracePeriodSeconds": 1, "containers": [c]}}
if net == "none":
    p["metadata"]["annotations"] = {"berth.dev/network": "none"}
else:
    c["ports"] = [{"containerPort": 80, "hostPort": 8080}]
json.dump(p, open(path, "w"))
PY
}
pod net yes
pod nonet none

b() { "$BERTH" --root "$W/root" "$@"; }
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

run_pod() {  # NAME -> prints up time in µs; records the network event
  local t0 t1
  t0=$(now_us)
  b pod run -d --rm --cni-config-dir "$W/net.d" "$W/$1.json" >/dev/null
  t1=$(now_us)
  echo $((t1 - t0)) >> "$W/$1.times"
  b pod events "$1" | grep '"type":"network"' >> "$W/events" || true
  b pod stop -t 1 "$1" >/dev/null
}

# The same plugins by hand: the built-in conflist, on a netns of our own,
# ADD then DEL, each plugin's stdin built as berth builds it.
by_hand() {  # [PATH prefix]
  python3 - "$W" "$("$BERTH" network inspect berth 2>/dev/null)" "${1:-}" <<'PY'
import json, os, subprocess, sys, time
w, conf, pre = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
subprocess.run(["ip", "netns", "add", "bh"], check=True)
env = {"CNI_CONTAINERID": "byhand", "CNI_NETNS": "/run/netns/bh", "CNI_IFNAME": "eth0",
       "CNI_PATH": "/usr/lib/cni", "CNI_ARGS": "IgnoreUnknown=1",
       "PATH": pre + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
maps = [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]
def run(cmd, plugin, prev):
    cfg = {k: v for k, v in plugin.items() if k != "capabilities"}
    cfg.update(name=conf["name"], cniVersion=conf["cniVersion"])
    if prev: cfg["prevResult"] = prev
    if plugin.get("capabilities", {}).get("portMappings"): cfg["runtimeConfig"] = {"portMappings": maps}
    t = time.monotonic()
    out = subprocess.run(["/usr/lib/cni/" + plugin["type"]], input=json.dumps(cfg).encode(),
                         env=dict(env, CNI_COMMAND=cmd), capture_output=True, check=True).stdout
    return (time.monotonic() - t) * 1e6, out
total, prev, parts = 0, None, []
for p in conf["plugins"]:
    us, out = run("ADD", p, prev)
    total += us; parts.append(int(us)); prev = json.loads(out)
if pre:
    open(w + "/execs", "a").write("--- DEL\n")
for p in reversed(conf["plugins"]):
    run("DEL", p, prev)
subprocess.run(["ip", "netns", "del", "bh"], check=True)
if not pre:
    with open(w + "/byhand.times", "a") as f: f.write("%d %s\n" % (total, " ".join(map(str, parts))))
PY
}

exec_cost() {  # COMMAND... -> mean µs of 20 runs
  local t0 t1 i
  t0=$(now_us)
  for i in $(seq 20); do "$@" >/dev/null 2>&1 </dev/null || true; done
  t1=$(now_us)
  echo $(((t1 - t0) / 20))
}

echo "# warm-up" >&2
run_pod net >/dev/null; run_pod nonet >/dev/null; by_hand
rm -f "$W"/*.times "$W/events"
for r in $(seq "$ROUNDS"); do
  case $((r % 3)) in
    0) run_pod net; run_pod nonet; by_hand ;;
    1) run_pod nonet; by_hand; run_pod net ;;
    2) by_hand; run_pod net; run_pod nonet ;;
  esac
done
# How many iptables execs one ADD+DEL makes: wrappers first on PATH.
mkdir -p "$W/wrap"
for t in iptables ip6tables; do
  printf '#!/bin/sh\necho "$0 $*" >> %s/execs\nexec /usr/sbin/%s "$@"\n' "$W" "$t" > "$W/wrap/$t"
  chmod +x "$W/wrap/$t"
done
by_hand "$W/wrap:"
n_ipt=$(sed '/^--- DEL/q' "$W/execs" | grep -vc '^---')
v_bridge=$(echo '{"cniVersion":"1.0.0"}' | CNI_COMMAND=VERSION exec_cost "$CNI/bridge")
v_ipt=$(exec_cost iptables --version)

python3 - "$W" "$ROUNDS" "$v_bridge" "$v_ipt" "$n_ipt" <<'PY'
import json, re, statistics as st, sys
w, rounds, v_bridge, v_ipt, n_ipt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def times(name):
    return sorted(int(l.split()[0]) / 1000 for l in open(f"{w}/{name}.times"))
def row(label, v):
    p95 = v[min(len(v) - 1, int(len(v) * 0.95))]
    print(f"| {label} | {st.mean(v):.1f} | {st.median(v):.1f} | {p95:.1f} |")
net, nonet, hand = times("net"), times("nonet"), times("byhand")
print(f"pod network benchmark: {rounds} rounds, times in ms\n")
print("| variant | mean | median | p95 |\n|---|---|---|---|")
row("berth pod run -d, default network + 1 hostPort", net)
row("berth pod run -d, berth.dev/network: none", nonet)
row("bridge+portmap+firewall ADD by hand", hand)
share = st.median(net) - st.median(nonet)
print(f"\nnetwork share of `pod run` (median difference): {share:.1f} ms "
      f"({share / st.median(net) * 100:.0f}% of {st.median(net):.1f} ms)")
plug = {}
for line in open(f"{w}/events"):
    m = re.search(r"set up in (\d+) ms \(([^)]*)\)", json.loads(line)["message"])
    if not m: continue
    plug.setdefault("total", []).append(int(m.group(1)))
    for part in m.group(2).split(", "):
        k, v = part.rsplit(" ", 1); plug.setdefault(k, []).append(int(v))
hand_parts = [list(map(int, l.split()[1:])) for l in open(f"{w}/byhand.times")]
names = [k for k in plug if k != "total"]
print("\n| ADD step | berth (median ms) | by hand (median ms) | berth / by hand |\n|---|---|---|---|")
for i, k in enumerate(names):
    h = st.median(p[i] for p in hand_parts) / 1000
    print(f"| {k} | {st.median(plug[k]):.0f} | {h:.1f} | {st.median(plug[k]) / h:.2f}x |")
print(f"| all ADDs | {st.median(plug['total']):.0f} | {st.median(hand):.1f} | "
      f"{st.median(plug['total']) / st.median(hand):.2f}x |")
print(f"\none exec: bridge VERSION {v_bridge / 1000:.1f} ms, iptables --version {v_ipt / 1000:.1f} ms")
print(f"one ADD of the list runs {n_ipt} iptables/ip6tables commands and 4 plugin execs "
      f"(bridge, host-local, portmap, firewall)")
ex = (n_ipt * v_ipt + 4 * v_bridge) / 1000
print(f"exec start-up alone: ~{ex:.0f} ms of the ADD ({n_ipt} x {v_ipt / 1000:.1f} + 4 x {v_bridge / 1000:.1f}); "
      "a native path (netlink via libmnl, one nftables transaction via libnftables) would "
      "replace all of it with a few syscalls, and the per-command ruleset reads on top")
PY
