# Pod networking through CNI (docs/networking.md): the built-in bridge
# network, published hostPorts, names, a user's own conflist, teardown
# that leaves nothing, and bad input.  Every test runs in the network and
# mount namespaces run.sh made for it (sandbox.sh): the bridge, rules and
# leases live there and nowhere else.
source "$(dirname "${BASH_SOURCE[0]}")/pod_lib.sh"

LOOP='while :; do sleep 0.2; done'
WEB='mkdir -p /www; echo "hello from $(hostname)" > /www/index.html; exec httpd -f -p 80 -h /www'
LEASES=/run/cni/networks/berth

need_plugins() {
  local p
  for p in bridge host-local portmap firewall ptp; do
    [ -x "/usr/lib/cni/$p" ] || skip "CNI plugin $p is not installed (apt-get install containernetworking-plugins)"
  done
  mkdir -p "$T_DIR/net.d"
}

# net_pod NAME PYTHON: a pod named NAME (container "c") in $T_DIR/NAME.json.
net_pod() {
  pod_json "$T_DIR/$1.json" "p['metadata']['name'] = '$1'
p['spec']['restartPolicy'] = 'Always'
p['spec']['containers'][0]['command'] = ['sh', '-c', '''$LOOP''']
$2"
}

# start NAME [OPTION...]: pod run -d of $T_DIR/NAME.json, replacing the
# pod of that name if it ended (stopped pods stay until pod rm).
start() {
  local name=$1; shift
  b pod run -d --replace --log-dir "$T_DIR/logs-$name" --cni-config-dir "$T_DIR/net.d" "$@" \
    "$T_DIR/$name.json" >/dev/null || fail "pod run $name"
}

ip_of() { b pod inspect "$1" | json_get 'j["status"].get("podIP", "")'; }

fetch() { timeout 5 /usr/bin/busybox wget -q -O - "$1"; }

# Rules, interfaces and leases, without counters: what must come back.
net_state() {
  iptables-save | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//' | sort
  ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
  ls "$LEASES" 2>/dev/null | grep -v -e '^lock$' -e '^last_reserved' | sort
}

# add_udprecv ROOTFS: tests/helpers/udprecv.c, static, as ROOTFS/bin/udprecv.
add_udprecv() {
  command -v cc >/dev/null || skip "no C compiler to build the UDP receiver"
  cc -static -O2 -o "$1/bin/udprecv" "$(dirname "${BASH_SOURCE[0]}")/../helpers/udprecv.c" ||
    skip "static linking unavailable (libc6-dev missing?)"
}

# The "other machine": namespace peer, joined by a veth, 10.123.0.2 there,
# 10.123.0.1 here (the test host's own address).
add_peer_machine() {
  ip netns add peer || fail "ip netns add"
  ip link add vh type veth peer name vp netns peer || fail "veth"
  ip addr add 10.123.0.1/24 dev vh && ip link set vh up || fail "host side"
  ip -n peer addr add 10.123.0.2/24 dev vp && ip -n peer link set vp up &&
    ip -n peer link set lo up && ip -n peer route add default via 10.123.0.1 || fail "peer side"
}

test_net_two_pods_reach_each_other_by_ip_and_name() {
  need_plugins
  net_pod a "p['spec']['containers'][0]['command'] = ['sh', '-c', '''$WEB''']
p['spec']['hostAliases'] = [{'ip': '10.9.9.9', 'hostnames': ['db.example', 'db']}]"
  net_pod b "p['spec']['containers'][0]['command'] = ['sh', '-c', '''$WEB''']"
  start a
  start b
  local ipa ipb
  ipa=$(ip_of a) ipb=$(ip_of b)
  [[ $ipa == 10.90.* && $ipb == 10.90.* && $ipa != "$ipb" ]] || fail "pod IPs: a=$ipa b=$ipb"
  assert_eq "$ipa" "$(b pod inspect a | json_get 'j["status"]["podIPs"][0]["ip"]')" "podIPs"
  assert_eq "$ipa" "$(b pod ps a | awk '$1 == "a" {print $NF}')" "pod ps IP column"
  b pod events a | grep '"type":"network"' | grep -q "network berth (built-in): $ipa; set up in [0-9]* ms (bridge [0-9]*, portmap [0-9]*, firewall [0-9]*)" ||
    fail "network event: $(b pod events a | grep network)"
  wait_for b exec a_c timeout 5 wget -q -O - "http://$ipb/" || fail "a cannot reach b by IP"
  wait_for b exec b_c timeout 5 wget -q -O - "http://$ipa/" || fail "b cannot reach a by IP"
  assert_eq "hello from b" "$(b exec a_c timeout 5 wget -q -O - http://b/)" "a reaches b by name"
  assert_eq "hello from a" "$(b exec b_c timeout 5 wget -q -O - http://a/)" "b reaches a by name"
  local hosts; hosts=$(b exec a_c cat /etc/hosts)
  assert_contains "$hosts" "127.0.0.1	localhost" "localhost line"
  assert_contains "$hosts" "$ipa	a" "own name"
  assert_contains "$hosts" "10.9.9.9	db.example	db" "hostAliases"
  assert_contains "$hosts" "$ipb	b" "peer b"
  assert_eq a "$(b exec a_c hostname)" "hostname"
  # The host's nameservers minus loopback ones (the pod has its own lo).
  local want; want=$(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' /etc/resolv.conf)
  assert_eq "$want" "$(b exec a_c awk '$1 == "nameserver" {print $2}' /etc/resolv.conf)" "nameservers"
  # b leaves: a's hosts file loses it, in place.
  b pod stop -t 1 b >/dev/null || fail "stop b"
  assert_not_contains "$(b exec a_c cat /etc/hosts)" "$ipb	b" "b after it left"
  b pod stop -t 1 a >/dev/null || fail "stop a"
}

test_net_container_restart_keeps_the_pod_ip() {
  need_plugins
  net_pod r "p['metadata']['annotations'] = {'berth.dev/restart-backoff': '100ms,100ms,10m'}
p['spec']['containers'][0]['command'] = ['sh', '-c', 'sleep 0.3; exit 1']"
  start r
  local ip; ip=$(ip_of r)
  [ -n "$ip" ] || fail "no pod IP"
  local n
  for _ in $(seq 100); do
    n=$(b pod inspect r | json_get 'j["status"]["containerStatuses"][0]["restartCount"]')
    [ "$n" -ge 2 ] && break
    sleep 0.1
  done
  [ "$n" -ge 2 ] || fail "no restarts"
  assert_eq "$ip" "$(ip_of r)" "the pod's IP after $n restarts"
  assert_eq 1 "$(b pod events r | grep -c '"type":"network"')" "network set up once"
  assert_eq 1 "$(ls "$LEASES" | grep -cv -e lock -e last_reserved)" "one lease"
  b pod stop -t 1 r >/dev/null
}

test_net_dns_policy_none_and_config() {
  need_plugins
  net_pod d "p['spec']['dnsPolicy'] = 'None'
p['spec']['dnsConfig'] = {'nameservers': ['10.1.1.53'], 'searches': ['svc.example'],
                          'options': [{'name': 'ndots', 'value': '2'}, {'name': 'edns0'}]}"
  start d
  local r; r=$(b exec d_c cat /etc/resolv.conf)
  assert_contains "$r" "nameserver 10.1.1.53"
  assert_contains "$r" "search svc.example"
  assert_contains "$r" "ndots:2"
  assert_contains "$r" "edns0"
  assert_not_contains "$r" "10.255.255.53" "the host's nameserver under dnsPolicy None"
  b exec d_c sh -c 'echo x > /etc/resolv.conf' 2>/dev/null && fail "resolv.conf is writable"
  b pod stop -t 1 d >/dev/null
}

test_net_hostport_reach() {
  need_plugins
  add_peer_machine
  ip route add default via 10.123.0.2 || fail "default route"
  net_pod web "p['spec']['containers'][0]['command'] = ['sh', '-c', '''$WEB''']
p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8080},
    {'containerPort': 5353, 'hostPort': 5353, 'protocol': 'UDP'}]
p['spec']['containers'].append(ctr('u', '/bin/udprecv', '5353'))"
  add_udprecv "$T_DIR/rootfs"
  net_pod other ""
  start web
  start other
  assert_eq 10.123.0.1 "$(b pod inspect web | json_get 'j["status"]["hostIP"]')" "hostIP (the default route's source)"
  wait_for fetch http://127.0.0.1:8080/ || fail "127.0.0.1:8080 does not answer"
  assert_eq "hello from web" "$(fetch http://127.0.0.1:8080/)" "via localhost"
  assert_eq "hello from web" "$(fetch http://10.123.0.1:8080/)" "via the host's address"
  assert_eq "hello from web" "$(ip netns exec peer timeout 5 /usr/bin/busybox wget -q -O - http://10.123.0.1:8080/)" \
    "from another machine"
  assert_eq "hello from web" "$(b exec other_c timeout 5 wget -q -O - http://10.123.0.1:8080/)" "from another pod (hairpin)"
  assert_eq "hello from web" "$(b exec web_c timeout 5 wget -q -O - http://10.123.0.1:8080/)" "from itself (hairpin)"
  # busybox nc has no UDP mode: bash's /dev/udp sends the datagram.
  # Sent again until it arrives: the receiver may not be bound yet.
  wait_for sh -c 'ip netns exec peer bash -c "echo udp-hello > /dev/udp/10.123.0.1/5353"; sleep 0.1
    grep -q "got: udp-hello" "$0"' "$T_DIR/logs-web/u.log" ||
    fail "the UDP datagram did not arrive: $(cat "$T_DIR/logs-web/u.log")"
  b pod stop -t 1 web >/dev/null
  b pod stop -t 1 other >/dev/null
  ! fetch http://127.0.0.1:8080/ >/dev/null 2>&1 || fail "port still answers after stop"
}

test_net_host_network_and_no_network_as_before() {
  need_plugins
  net_pod h "p['spec']['hostNetwork'] = True"
  net_pod n "p['metadata']['annotations'] = {'berth.dev/network': 'none'}
p['spec']['hostAliases'] = [{'ip': '10.9.9.9', 'hostnames': ['db']}]"
  start h
  start n
  assert_eq "$(ns_ino self net)" "$(stat -L -c %i /proc/"$(pid_of h_c)"/ns/net)" "hostNetwork shares the netns"
  assert_not_contains "$(b exec h_c cat /proc/self/mountinfo)" " /etc/hosts " "hostNetwork: no hosts file"
  assert_eq lo "$(b exec n_c ip -o link show | awk -F': ' '{print $2}')" "no network: only lo"
  assert_contains "$(b exec n_c cat /etc/hosts)" "10.9.9.9	db" "no network: hostAliases"
  assert_eq "" "$(ip_of n)" "no network: no podIP"
  ! ip link show berth0 >/dev/null 2>&1 || fail "berth0 made for pods that need no network"
  b pod stop -t 1 h >/dev/null
  b pod stop -t 1 n >/dev/null
}

test_net_stop_and_crash_leave_nothing_behind() {
  need_plugins
  net_pod s "p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8081}]"
  start s
  b pod stop -t 1 s >/dev/null || fail "stop"
  local before; before=$(net_state)   # the bridge and shared chains now exist
  start s
  [ -n "$(ls "$LEASES" | grep -v -e lock -e last_reserved)" ] || fail "no lease while it runs"
  assert_contains "$(iptables-save -t nat)" "dport 8081" "portmap rule while it runs"
  b pod stop -t 1 s >/dev/null
  assert_eq "$before" "$(net_state)" "after stop"
  start s
  local sv; sv=$(b pod inspect s | json_get 'j["status"]["berth"]["supervisorPid"]')
  kill -9 "$sv"
  wait_pid_gone "$sv" supervisor
  b pod rm s >/dev/null || fail "pod rm after SIGKILL"
  assert_eq "$before" "$(net_state)" "after SIGKILL and pod rm"
  assert_pod_gone s
}

test_net_crashed_pod_never_blocks_a_new_one() {
  need_plugins
  net_pod k "p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8082}]"
  start k
  local sv; sv=$(b pod inspect k | json_get 'j["status"]["berth"]["supervisorPid"]')
  kill -9 "$sv"
  wait_pid_gone "$sv" supervisor
  # Another pod takes the port: the dead one's rules and lease go first.
  net_pod k2 "p['spec']['containers'][0]['command'] = ['sh', '-c', '''$WEB''']
p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8082}]"
  start k2
  wait_for fetch http://127.0.0.1:8082/ || fail "the new pod's hostPort does not answer"
  assert_eq "hello from k2" "$(fetch http://127.0.0.1:8082/)" "the new pod, not the dead one's rule"
  assert_eq 1 "$(ls "$LEASES" | grep -cv -e lock -e last_reserved)" "leases (the dead pod's released)"
  b pod stop -t 1 k2 >/dev/null
  b pod rm k >/dev/null || fail "pod rm k"
}

test_net_fifty_cycles_leave_nothing() {
  need_plugins
  net_pod c "p['spec']['restartPolicy'] = 'Never'
p['spec']['containers'][0]['command'] = ['true']
p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8083}]"
  b pod run --log-dir "$T_DIR/logs-c" --cni-config-dir "$T_DIR/net.d" "$T_DIR/c.json" >/dev/null || fail "first run"
  local before i; before=$(net_state)
  for i in $(seq 50); do
    b pod run --replace --log-dir "$T_DIR/logs-c" --cni-config-dir "$T_DIR/net.d" "$T_DIR/c.json" >/dev/null ||
      fail "run $i"
  done
  assert_eq "$before" "$(net_state)" "after 50 runs"
}

test_net_user_conflist_is_used() {
  need_plugins
  cat > "$T_DIR/net.d/10-mine.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "mine", "plugins": [
  {"type": "ptp", "ipMasq": false,
   "ipam": {"type": "host-local", "subnet": "10.124.0.0/24", "dataDir": "$T_DIR/leases"}}]}
EOF
  assert_contains "$(b network inspect --cni-config-dir "$T_DIR/net.d" 2>&1)" '"name": "mine"' "network inspect"
  net_pod m ""
  # relative paths: the detached supervisor leaves the cwd, they do not
  (cd "$T_DIR" && b pod run -d --log-dir logs-m --cni-config-dir net.d m.json >/dev/null) ||
    fail "pod run -d with relative --cni-config-dir"
  local ip; ip=$(ip_of m)
  [[ $ip == 10.124.0.* ]] || fail "pod IP $ip not from the ptp network"
  [ -e "$T_DIR/leases/mine/$ip" ] || fail "no host-local lease $T_DIR/leases/mine/$ip"
  /usr/bin/busybox ping -c 1 -W 2 "$ip" >/dev/null || fail "the host cannot reach the pod over ptp"
  ! ip link show berth0 >/dev/null 2>&1 || fail "the built-in bridge was made anyway"
  b pod stop -t 1 m >/dev/null
  [ ! -e "$T_DIR/leases/mine/$ip" ] || fail "lease left after stop"
}

# assert_failed_cleanly NAME OUTPUT: the pod did not start and left nothing.
assert_failed_cleanly() {
  assert_pod_gone "$1"
  [ -z "$(ip -o link show type veth | grep -v -e vh -e vp)" ] || fail "a veth remains: $(ip -o link)"
  assert_eq "" "$(ls "$LEASES" 2>/dev/null | grep -v -e lock -e last_reserved)" "leases"
  assert_not_contains "$(iptables-save)" "$1" "rules naming the pod"
}

test_net_bad_hostport_taken() {
  need_plugins
  net_pod p1 "p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8084}]"
  net_pod p2 "p['spec']['containers'][0]['ports'] = [{'containerPort': 81, 'hostPort': 8084}]"
  start p1
  local out
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" "$T_DIR/p2.json" 2>&1) && fail "p2 started: $out"
  assert_contains "$out" 'hostPort 8084/tcp is already published by pod "p1"'
  assert_contains "$out" "p2"
  b pod stop -t 1 p1 >/dev/null
  assert_failed_cleanly p2
  # A host process on the port.
  /usr/bin/busybox nc -l -p 8084 >/dev/null 2>&1 &
  local nc=$!
  wait_for sh -c 'ss -ltn | grep -q ":8084 "' || fail "nc did not listen"
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" "$T_DIR/p2.json" 2>&1) && fail "p2 started: $out"
  kill "$nc"
  assert_contains "$out" "hostPort 8084/tcp on 0.0.0.0 is in use by another process"
  assert_failed_cleanly p2
}

test_net_bad_missing_plugin() {
  need_plugins
  echo '{"cniVersion":"1.0.0","name":"broken","plugins":[{"type":"bridge","bridge":"tb0","ipam":{"type":"host-local","subnet":"10.125.0.0/24","dataDir":"'"$T_DIR"'/leases"}},{"type":"no-such-plugin"}]}' \
    > "$T_DIR/net.d/broken.conflist"
  net_pod mp ""
  local out
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" "$T_DIR/mp.json" 2>&1) && fail "started: $out"
  assert_contains "$out" 'CNI plugin "no-such-plugin" not found'
  assert_contains "$out" "containernetworking-plugins"
  assert_contains "$out" "berth.dev/network: none"
  assert_contains "$out" "mp"
  assert_failed_cleanly mp
  ! ip link show tb0 >/dev/null 2>&1 || fail "a plugin ran before the missing one was noticed"
}

test_net_bad_subnet() {
  need_plugins
  echo '{"cniVersion":"1.0.0","name":"badnet","plugins":[{"type":"bridge","bridge":"tb1","ipam":{"type":"host-local","subnet":"10.126.0.300/24","dataDir":"'"$T_DIR"'/leases"}}]}' \
    > "$T_DIR/net.d/bad.conflist"
  net_pod bs ""
  local out
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" "$T_DIR/bs.json" 2>&1) && fail "started: $out"
  assert_contains "$out" "CNI plugin bridge ADD failed"
  assert_contains "$out" "10.126.0.300"
  assert_contains "$out" "bs"
  assert_failed_cleanly bs
}

# fake_plugin NAME BODY: a plugin script in $T_DIR/plugins.
fake_plugin() {
  mkdir -p "$T_DIR/plugins"
  printf '#!/bin/sh\n%s\n' "$2" > "$T_DIR/plugins/$1"
  chmod +x "$T_DIR/plugins/$1"
}

# chained_plugin NAME SHELL: a plugin NAME after the built-in network's
# own (a config in $T_DIR/net.d); it runs SHELL (with $in, the request),
# then passes the previous result on.
chained_plugin() {
  fake_plugin "$1" 'in=$(cat)
'"$2"'
[ "$CNI_COMMAND" = ADD ] && printf "%s" "$in" | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)[\"prevResult\"]))"
exit 0'
  "$BERTH" network inspect berth 2>/dev/null | python3 -c '
import json, sys
c = json.load(sys.stdin)
c["plugins"].append({"type": sys.argv[2]})
json.dump(c, open(sys.argv[1], "w"))' "$T_DIR/net.d/berth.conflist" "$1"
}

test_net_bad_plugin_fails_or_hangs() {
  need_plugins
  fake_plugin failer 'cat >/dev/null; echo "$CNI_COMMAND" >> '"$T_DIR"'/failer.log; [ "$CNI_COMMAND" = DEL ] && exit 0; echo "{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"the failer failed\",\"details\":\"on purpose\"}"; exit 1'
  fake_plugin hanger 'cat >/dev/null; [ "$CNI_COMMAND" = DEL ] && exit 0; sleep 1000 & echo $! > '"$T_DIR"'/hanger.pid; wait'
  echo '{"cniVersion":"1.0.0","name":"f","plugins":[{"type":"failer"}]}' > "$T_DIR/net.d/f.conflist"
  net_pod pf ""
  local out
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" --cni-plugin-dir "$T_DIR/plugins" "$T_DIR/pf.json" 2>&1) &&
    fail "started: $out"
  assert_contains "$out" "CNI plugin failer ADD failed: the failer failed: on purpose (CNI error code 999)"
  assert_contains "$out" "pf"
  assert_eq "ADD
DEL" "$(cat "$T_DIR/failer.log")" "a DEL follows the failed ADD"
  assert_failed_cleanly pf
  echo '{"cniVersion":"1.0.0","name":"f","plugins":[{"type":"hanger"}]}' > "$T_DIR/net.d/f.conflist"
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" --cni-plugin-dir "$T_DIR/plugins" --cni-timeout 1 \
    "$T_DIR/pf.json" 2>&1) && fail "started: $out"
  assert_contains "$out" "CNI plugin hanger ADD did not finish within 1000 ms"
  assert_failed_cleanly pf
  wait_pid_gone "$(cat "$T_DIR/hanger.pid")" "the hung plugin's child"
}

# A plugin whose DEL fails after a complete ADD: nothing is forgotten.
test_net_failed_del_is_kept_for_pod_rm() {
  need_plugins
  chained_plugin flaky 'echo "$CNI_COMMAND" >> '"$T_DIR"'/flaky.log
if [ "$CNI_COMMAND" = DEL ] && [ -e '"$T_DIR"'/fail-del ]; then
  echo "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"not now\"}"; exit 1
fi'
  net_pod fd "p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8085}]"
  net_pod fd2 "p['spec']['containers'][0]['ports'] = [{'containerPort': 80, 'hostPort': 8085}]"
  start fd --cni-plugin-dir "$T_DIR/plugins:/usr/lib/cni"
  b pod stop -t 1 fd >/dev/null
  local before; before=$(net_state)
  start fd --cni-plugin-dir "$T_DIR/plugins:/usr/lib/cni"
  touch "$T_DIR/fail-del"
  b pod stop -t 1 fd >/dev/null 2>&1
  [ -e "$T_ROOT/pods/fd/network.json" ] || fail "network.json not kept after a failed DEL"
  local out
  out=$(b pod run --cni-config-dir "$T_DIR/net.d" --cni-plugin-dir "$T_DIR/plugins:/usr/lib/cni" \
    "$T_DIR/fd2.json" 2>&1) && fail "fd2 started over fd's rules: $out"
  assert_contains "$out" 'hostPort 8085/tcp is already published by pod "fd" (not running'
  out=$(b pod rm fd 2>&1) && fail "pod rm succeeded while DEL fails: $out"
  assert_contains "$out" "not now"
  rm "$T_DIR/fail-del"
  b pod rm fd >/dev/null || fail "pod rm after the plugin recovered"
  # The first run's stop, the failed stop, fd2's start retrying it (the
  # sweep of dead pods), the failed rm, the rm that worked.
  assert_eq 5 "$(grep -c DEL "$T_DIR/flaky.log")" "DELs"
  assert_eq "$before" "$(net_state)" "after pod rm retried the DEL"
  assert_pod_gone fd
}

# pod restart whose next run is slow to set up (a CNI plugin that takes
# 3 s to ADD): between the runs pod ps says so, and a pod stop (or
# SIGTERM) then stops the pod for good once the next run can hear it,
# instead of hanging or killing the supervisor.
test_net_stop_during_a_restart() {
  need_plugins
  chained_plugin slow '[ "$CNI_COMMAND" = ADD ] && [ -e '"$T_DIR"'/slow ] && sleep 3'
  net_pod rs ""
  local how sv rp table
  for how in stop TERM; do
    rm -f "$T_DIR/slow"
    start rs --cni-plugin-dir "$T_DIR/plugins:/usr/lib/cni"
    sv=$(b pod inspect rs | json_get 'j["status"]["berth"]["supervisorPid"]')
    touch "$T_DIR/slow"
    b pod restart rs > "$T_DIR/restart.out" 2>&1 &
    rp=$!
    for _ in $(seq 100); do
      table=$(b pod ps)
      [[ $table == *restarting* ]] && break
      sleep 0.05
    done
    assert_contains "$table" "Pending (restarting)" "pod ps between the runs ($how)"
    if [ "$how" = stop ]; then
      timeout 60 "$BERTH" --root "$T_ROOT" pod stop -t 1 rs >/dev/null || fail "pod stop during a restart"
    else
      kill -TERM "$sv"
    fi
    wait_pid_gone "$sv" "the supervisor after $how during a restart" 30
    wait "$rp"
    assert_not_contains "$(b pod ps -a)" "Running" "after $how during a restart"
    assert_pod_ended rs
  done
}
