# Escapes a pod author or a pod's containers could try: subPath through a
# symlink a container planted (CVE-2017-1002101), capabilities leaking into
# a non-root process (CVE-2022-29162 class), volumes over /proc.

source "$(dirname "${BASH_SOURCE[0]}")/../integration/pod_lib.sh"

# An init container plants data/cfg -> (a host directory); the app container
# mounts the volume with subPath cfg and writes there.  The host directory
# must stay untouched; the app gets a directory inside the volume instead.
test_subpath_symlink_stays_inside_the_volume() {
  mkdir -p "$T_DIR/hostdir"
  pod_json "$T_DIR/pod.json" '
p["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}]
p["spec"]["initContainers"] = [ctr("plant", "sh", "-c", "ln -s '"$T_DIR/hostdir"' /data/cfg && ln -s ../../../../../../.. /data/up",
    volumeMounts=[{"name": "data", "mountPath": "/data"}])]
p["spec"]["containers"] = [ctr("app", "sh", "-c", "touch /mnt/cfg/pwned /mnt/up/pwned-root; ls -a /mnt/cfg | tr \"\\n\" \" \"; echo; echo done",
    volumeMounts=[{"name": "data", "mountPath": "/mnt/cfg", "subPath": "cfg"},
                  {"name": "data", "mountPath": "/mnt/up", "subPath": "up"}])]'
  local out; out=$(pod_run "$T_DIR/pod.json" 2>&1)
  [ ! -e "$T_DIR/hostdir/pwned" ] || fail "the subPath symlink wrote into the host directory"
  [ ! -e /pwned-root ] || { rm -f /pwned-root; fail "the subPath symlink reached the host's /"; }
  assert_contains "$(cat "$T_DIR"/logs/app*.log 2>/dev/null)" "pwned" "the app wrote inside the volume ($out)"
}

test_subpath_file_and_missing_dir_still_work() {
  mkdir -p "$T_DIR/vol/conf"
  echo hello > "$T_DIR/vol/conf/app.conf"
  pod_json "$T_DIR/pod.json" '
p["spec"]["volumes"] = [{"name": "v", "hostPath": {"path": "'"$T_DIR/vol"'"}}, {"name": "e", "emptyDir": {}}]
p["spec"]["containers"] = [ctr("app", "sh", "-c", "cat /etc/app.conf; ls -d /new && echo made",
    volumeMounts=[{"name": "v", "mountPath": "/etc/app.conf", "subPath": "conf/app.conf"},
                  {"name": "e", "mountPath": "/new", "subPath": "a/b/c"}])]'
  pod_run "$T_DIR/pod.json" >/dev/null 2>&1 || fail "pod run: $(cat "$T_DIR"/logs/*.log)"
  local logs; logs=$(cat "$T_DIR"/logs/app*.log)
  assert_contains "$logs" hello "subPath naming a file"
  assert_contains "$logs" made "subPath made inside an emptyDir"
}

export CAPS='grep -E "^Cap(Inh|Prm|Eff|Amb):" /proc/self/status | tr -d "\t" | tr "\n" " "; cat /secret 2>&1 | head -1'

# runAsUser 1000 with the default capability set: no effective, permitted,
# inheritable or ambient capability, so a 0600 root file stays unreadable.
test_non_root_pod_user_gets_no_capabilities() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"] = [ctr("c", "sh", "-c", __import__("os").environ["CAPS"], securityContext={"runAsUser": 1000, "runAsGroup": 1000})]'
  echo topsecret > "$T_DIR/rootfs/secret"; chmod 600 "$T_DIR/rootfs/secret"
  pod_run "$T_DIR/pod.json" >/dev/null 2>&1
  local logs z=0000000000000000; logs=$(cat "$T_DIR"/logs/c*.log)
  assert_contains "$logs" "CapInh:$z CapPrm:$z CapEff:$z CapAmb:$z" "non-root capability sets"
  assert_not_contains "$logs" topsecret "a non-root user read a 0600 root file"
}

test_non_root_pod_user_gets_only_what_it_adds() {
  local nbs=0000000000000400 z=0000000000000000
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"] = [ctr("c", "sh", "-c", __import__("os").environ["CAPS"], securityContext={"runAsUser": 1000,
    "capabilities": {"add": ["NET_BIND_SERVICE"]}})]'
  pod_run "$T_DIR/pod.json" >/dev/null 2>&1
  assert_contains "$(cat "$T_DIR"/logs/c*.log)" "CapInh:$nbs CapPrm:$nbs CapEff:$nbs CapAmb:$nbs" "added capability only"
}

test_root_pod_user_inherits_nothing() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["containers"] = [ctr("c", "sh", "-c", __import__("os").environ["CAPS"])]'
  pod_run "$T_DIR/pod.json" >/dev/null 2>&1
  local logs z=0000000000000000; logs=$(cat "$T_DIR"/logs/c*.log)
  assert_contains "$logs" "CapInh:$z" "root's inheritable set"
  assert_contains "$logs" "CapAmb:$z" "root's ambient set"
  assert_not_contains "$logs" "CapEff:$z" "root keeps its effective set"
}

# An emptyDir over /proc with a fake sys/kernel/cap_last_cap = 0: berth used
# to believe it and keep the full bounding set.
test_volume_over_proc_is_refused() {
  pod_json "$T_DIR/pod.json" '
p["spec"]["volumes"] = [{"name": "fake", "emptyDir": {}}]
p["spec"]["initContainers"] = [ctr("plant", "sh", "-c", "mkdir -p /f/sys/kernel; echo 0 > /f/sys/kernel/cap_last_cap",
    volumeMounts=[{"name": "fake", "mountPath": "/f"}])]
p["spec"]["containers"] = [ctr("c", "sh", "-c", "grep CapBnd /proc/1/status || cat /sys/kernel/cap_last_cap",
    volumeMounts=[{"name": "fake", "mountPath": "/proc"}])]'
  local out; out=$(pod_run "$T_DIR/pod.json" 2>&1)
  [ $? -ne 0 ] || fail "a pod with a volume over /proc ran: $out"
  assert_contains "$out" "/proc" "the error names /proc"
  assert_not_contains "$(cat "$T_DIR"/logs/c*.log 2>/dev/null)" "CapBnd:	000001ff" "full bounding set"
  assert_pod_gone tp
}
