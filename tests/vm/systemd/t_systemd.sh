# berth pods as systemd services, under a real systemd as PID 1: the VM
# lane's systemd boot (tests/vm/run-vm.sh --systemd, tests/vm/systemd-tests.sh).
# The unit is examples/berth-pod@.service as shipped, with only its paths
# (berth, pod files, log dirs) pointed at this test's.
source "$(dirname "${BASH_SOURCE[0]}")/../../integration/pod_lib.sh"

SD_UNITS=/run/systemd/system
SD_EXAMPLE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/examples/berth-pod@.service
SD_STARTED=()

# hb: berth with its default state root (/run/berth), as the unit runs it.
hb() { "$BERTH" "$@"; }

# sd_begin: check that PID 1 is systemd and put the guest's real /run back
# over the runner's private one (systemctl, journalctl, the pods' state).
sd_begin() {
  [ "${BERTH_VM_INIT:-}" = systemd ] || skip "needs systemd as PID 1 (tests/vm/run-vm.sh --systemd)"
  case $(readlink /proc/1/exe) in */systemd) ;; *) fail "PID 1 is $(readlink /proc/1/exe), not systemd" ;; esac
  [ -d "${BERTH_VM_SYSTEMD_RUN:-/nonexistent}/systemd" ] || fail "BERTH_VM_SYSTEMD_RUN (the guest's /run) not set up"
  mount --bind "$BERTH_VM_SYSTEMD_RUN" /run || fail "cannot bind the guest's /run"
  systemctl show -p Version --value >/dev/null || fail "systemctl cannot talk to PID 1"
  mkdir -p "$T_DIR/pods" "$T_DIR/logs"
  trap sd_cleanup EXIT
}

# Whatever the test leaves: its units stopped, their files removed.
sd_cleanup() {
  local u name
  for u in "${SD_STARTED[@]}"; do
    timeout 120 systemctl stop "$u" >/dev/null 2>&1
    systemctl reset-failed "$u" >/dev/null 2>&1
    name=${u#berth-pod@}; name=${name%.service}
    hb pod rm -f -t 0 "$name" >/dev/null 2>&1
    rm -rf "$SD_UNITS/$u.d"
    case $u in berth-pod@*) ;; *) rm -f "$SD_UNITS/$u" ;; esac
  done
  rm -f "$SD_UNITS/berth-pod@.service"
  systemctl daemon-reload >/dev/null 2>&1
}

# sd_template: install examples/berth-pod@.service with this test's paths.
sd_template() {
  [ -f "$SD_EXAMPLE" ] || fail "no $SD_EXAMPLE"
  sed -e "s|/usr/local/bin/berth|$BERTH|g" -e "s|/etc/berth/pods/|$T_DIR/pods/|g" \
      -e "s|/var/log/berth/|$T_DIR/logs/|g" "$SD_EXAMPLE" > "$SD_UNITS/berth-pod@.service" ||
    fail "cannot write the unit"
  local left
  left=$(grep -v '^#' "$SD_UNITS/berth-pod@.service" | grep -E '/usr/local/bin|/etc/berth|/var/log/berth')
  [ -z "$left" ] || fail "paths of the example unit not rewritten: $left"
  grep -q "^ExecStart=$BERTH pod run --cgroup-parent self --log-dir $T_DIR/logs/%i $T_DIR/pods/%i.json\$" \
    "$SD_UNITS/berth-pod@.service" || fail "unexpected ExecStart: $(grep ExecStart "$SD_UNITS/berth-pod@.service")"
  grep -q "^ExecStopPost=-$BERTH pod rm %i\$" "$SD_UNITS/berth-pod@.service" ||
    fail "unexpected ExecStopPost: $(grep ExecStopPost "$SD_UNITS/berth-pod@.service")"
  systemctl daemon-reload || fail "daemon-reload"
}

# sd_dropin UNIT TEXT: a drop-in for UNIT ([Service] section TEXT).
sd_dropin() {
  mkdir -p "$SD_UNITS/$1.d"
  printf '[Service]\n%s\n' "$2" > "$SD_UNITS/$1.d/50-test.conf"
  systemctl daemon-reload || fail "daemon-reload"
}

prop() { systemctl show -p "$2" --value "$1"; } # UNIT PROPERTY

# now_ms: monotonic-enough wall clock in ms.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_until SECONDS CMD...: retry CMD every 0.5 s.
wait_until() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.5
  done
}

journal_of() { journalctl -u "$1" -o cat --no-pager 2>/dev/null; }
journal_has() { journal_of "$1" | grep -qF -- "$2"; }

# ctr_pid POD CONTAINER: the container's init pid (berth state).
ctr_pid() { hb state "$1_$2" 2>/dev/null | json_get 'j["pid"]'; }

# pod_ready NAME: every container of the pod is ready (berth pod ps).
pod_ready() {
  hb pod ps --format json "$1" 2>/dev/null | python3 -c '
import json, sys
j = json.load(sys.stdin)
cs = j[0]["status"]["containerStatuses"]
sys.exit(0 if cs and all(c.get("ready") for c in cs) else 1)'
}

# Nothing of pod NAME left: state, containers, mounts, processes PIDS...
sd_assert_pod_gone() {
  local name=$1 pid; shift
  [ ! -e "/run/berth/pods/$name" ] || fail "pod state /run/berth/pods/$name remains: $(ls -R "/run/berth/pods/$name" | head)"
  ! hb list -q 2>/dev/null | grep -q "^${name}_" || fail "containers remain: $(hb list)"
  ! grep -q "/run/berth/pods/$name" /proc/1/mountinfo || fail "mounts remain: $(grep "/run/berth/pods/$name" /proc/1/mountinfo)"
  for pid in "$@"; do
    wait_until 10 proc_gone "$pid" || fail "process $pid still runs: $(cat "/proc/$pid/cmdline" | tr '\0' ' ')"
  done
}

# sd_start_app_pod NAME: pod NAME (one "app" container that says "app up")
# under berth-pod@NAME.service, started.
sd_start_app_pod() {
  local unit=berth-pod@$1.service
  pod_json "$T_DIR/pods/$1.json" '
p["metadata"]["name"] = "'"$1"'"
p["metadata"]["annotations"] = {"berth.dev/network": "none"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["terminationGracePeriodSeconds"] = 10
p["spec"]["containers"] = [
  ctr("app", "sh", "-c", "trap \"exit 0\" TERM; echo app up; while :; do sleep 1; done")]'
  SD_STARTED+=("$unit")
  timeout 150 systemctl start "$unit" || fail "systemctl start: $(systemctl status --no-pager -n 30 "$unit")"
}

# The lane's boot: systemd with its own runtime units only; none of the
# host's services, journal on the guest's /run, machine-id not the host's.
test_systemd_boot_runs_only_the_lane_units() {
  sd_begin
  assert_eq /run/systemd/system "$(systemctl show -p UnitPath --value)" "systemd's unit path"
  local units bad
  units=$(systemctl list-units --all --plain --no-legend --state=active,activating,reloading,failed |
    awk '{print $1}')
  bad=$(printf '%s\n' "$units" | grep -Ev '\.(mount|slice|scope|swap|device)$' |
    grep -Evx 'berth-vm\.target|berth-vm-cmd\.service|systemd-journald(-dev-log|-audit)?\.(socket|service)')
  [ -z "$bad" ] || fail "units other than the lane's: $(echo $bad)"
  local failed; failed=$(systemctl list-units --state=failed --plain --no-legend)
  [ -z "$failed" ] || fail "failed units: $failed"
  journalctl --header 2>/dev/null | grep -q 'File path: /run/log/journal/' || fail "journal not on /run: $(journalctl --header | grep 'File path')"
  ! journalctl --header 2>/dev/null | grep -q 'File path: /var/' || fail "journal written to /var"
  awk '$5 == "/etc/machine-id" && $6 ~ /(^|,)ro(,|$)/ {f=1} END {exit !f}' /proc/1/mountinfo ||
    fail "/etc/machine-id not covered read-only: $(grep machine-id /proc/1/mountinfo)"
  [ ! -e "/var/log/journal/$(cat /etc/machine-id)" ] || fail "a journal for the guest's machine-id on /var/log/journal"
}

# systemctl start returns once the pod is ready (READY=1 after the readiness
# probe), status shows berth's STATUS=, the containers sit in the unit's
# delegated cgroup, their output is in the journal with their names, and
# systemctl stop stops the pod gracefully, leaving nothing.
test_systemd_pod_unit_lifecycle() {
  sd_begin
  sd_template
  local unit=berth-pod@sdlife.service
  pod_json "$T_DIR/pods/sdlife.json" '
p["metadata"]["name"] = "sdlife"
p["metadata"]["annotations"] = {"berth.dev/network": "none"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["terminationGracePeriodSeconds"] = 10
p["spec"]["containers"] = [
  ctr("app", "sh", "-c", "trap \"echo app got SIGTERM; exit 0\" TERM; echo hello from app; while :; do sleep 1; done",
      readinessProbe={"exec": {"command": ["true"]}, "initialDelaySeconds": 5, "periodSeconds": 2}),
  ctr("side", "sh", "-c", "trap \"exit 0\" TERM; echo hello from side >&2; while :; do sleep 1; done")]'
  SD_STARTED+=("$unit")
  local t0 t1 rc=0
  t0=$(now_ms)
  timeout 150 systemctl start "$unit" || rc=$?
  t1=$(now_ms)
  [ $rc = 0 ] || fail "systemctl start: exit $rc; $(systemctl status --no-pager -n 30 "$unit")"
  # READY=1 came once the pod was ready: not before the probe's delay, and
  # berth already reports every container ready.
  pod_ready sdlife || fail "pod not ready when systemctl start returned: $(hb pod ps sdlife)"
  [ $((t1 - t0)) -ge 5000 ] || fail "systemctl start returned after $((t1 - t0)) ms, before the 5 s readiness delay"
  echo "systemctl start took $((t1 - t0)) ms"
  assert_eq active "$(prop $unit ActiveState)" "ActiveState"
  assert_eq 0 "$(prop $unit NRestarts)" "NRestarts"

  # berth's STATUS= as systemd shows it.
  wait_until 20 sh -c "systemctl show -p StatusText --value $unit | grep -q '^Running: 2/2 ready, 2 running, 0 restarts'" ||
    fail "StatusText: '$(prop $unit StatusText)'"
  local st; st=$(systemctl status --no-pager -n 0 "$unit")
  assert_contains "$st" 'Status: "Running: 2/2 ready, 2 running, 0 restarts' "systemctl status"

  # The pod's cgroups under the unit's delegated one.
  assert_eq yes "$(prop $unit Delegate)" "Delegate"
  local cg main app side
  cg=$(prop $unit ControlGroup)
  assert_eq '/system.slice/system-berth\x2dpod.slice/berth-pod@sdlife.service' "$cg" "ControlGroup"
  main=$(prop $unit MainPID)
  app=$(ctr_pid sdlife app) side=$(ctr_pid sdlife side)
  [ -n "$app" ] && [ -n "$side" ] || fail "container pids: app '$app' side '$side' ($(hb list))"
  # The supervisor in the unit's cgroup (or its berth-caller leaf), each
  # container in <unit>/sdlife/<container>.
  local p line
  read -r line < "/proc/$main/cgroup" || fail "no /proc/$main/cgroup"
  case $line in "0::$cg" | "0::$cg/berth-caller") ;; *) fail "supervisor $main in cgroup '$line', not $cg" ;; esac
  for p in "$app" "$side"; do
    read -r line < "/proc/$p/cgroup" || fail "no /proc/$p/cgroup"
    case $line in "0::$cg/sdlife/"*) ;; *) fail "container process $p in cgroup '$line', not under $cg/sdlife" ;; esac
    [ -d "/sys/fs/cgroup${line#0::}" ] || fail "no cgroup dir for $line"
  done

  # The containers' output in the journal, as "[name] line".
  wait_until 20 journal_has "$unit" "[app] hello from app" || fail "no [app] line in the journal: $(journal_of "$unit" | tail -20)"
  wait_until 20 journal_has "$unit" "[side] hello from side" || fail "no [side] line in the journal: $(journal_of "$unit" | tail -20)"

  # A graceful stop, well within TimeoutStopSec (45 s).
  rc=0
  t0=$(now_ms)
  timeout 150 systemctl stop "$unit" || rc=$?
  t1=$(now_ms)
  [ $rc = 0 ] || fail "systemctl stop: exit $rc"
  echo "systemctl stop took $((t1 - t0)) ms"
  [ $((t1 - t0)) -lt 45000 ] || fail "stop took $((t1 - t0)) ms"
  assert_eq inactive "$(prop $unit ActiveState)" "ActiveState after stop"
  assert_eq success "$(prop $unit Result)" "Result after stop"
  assert_eq 0 "$(prop $unit ExecMainStatus)" "berth pod run's exit status"
  wait_until 10 journal_has "$unit" "[app] app got SIGTERM" || fail "the app container was not stopped with SIGTERM: $(journal_of "$unit" | tail -20)"
  sd_assert_pod_gone sdlife "$main" "$app" "$side"
  [ ! -d "/sys/fs/cgroup$cg" ] || fail "the unit's cgroup remains: $(find "/sys/fs/cgroup$cg" -type d)"
}

# The watchdog: pings keep the pod's unit alive; a supervisor that hangs
# (SIGSTOP) is killed by systemd and restarted, and the new one runs the pod
# again (one set of containers, the old ones gone).
test_systemd_watchdog_restarts_hung_supervisor() {
  sd_begin
  sd_template
  local unit=berth-pod@sdwd.service
  # 15 s instead of 30 s: the same mechanism, a shorter test (pings every
  # 7.5 s; still room for a loaded TCG guest).
  sd_dropin "$unit" "WatchdogSec=15s"
  sd_start_app_pod sdwd
  assert_eq 15s "$(prop $unit WatchdogUSec)" "WatchdogUSec"
  local main app wd1 wd2
  main=$(prop $unit MainPID) app=$(ctr_pid sdwd app)
  [ -n "$app" ] || fail "no app container: $(hb list)"
  wd1=$(prop $unit WatchdogTimestampMonotonic)
  # Over 2 watchdog periods: fed, so still the same supervisor.
  sleep 32
  wd2=$(prop $unit WatchdogTimestampMonotonic)
  [ "$wd2" -gt "$wd1" ] || fail "no watchdog ping in 32 s ($wd1 -> $wd2)"
  assert_eq active "$(prop $unit ActiveState)" "ActiveState after 32 s"
  assert_eq "$main" "$(prop $unit MainPID)" "MainPID after 32 s"
  assert_eq 0 "$(prop $unit NRestarts)" "NRestarts after 32 s"

  # Hang it.  At the watchdog timeout systemd sends SIGABRT (and SIGCONT,
  # so even a stopped process dies of it at once), KillMode=mixed SIGKILLs
  # the containers, ExecStopPost removes the pod, and after RestartSec (5 s)
  # a new supervisor starts: ~15-25 s in all.
  local t0 t1
  kill -STOP "$main" || fail "kill -STOP $main"
  t0=$(now_ms)
  restarted() {
    [ "$(prop $unit NRestarts)" -ge 1 ] && [ "$(prop $unit ActiveState)" = active ] &&
      [ "$(prop $unit MainPID)" != "$main" ]
  }
  wait_until 180 restarted ||
    fail "not restarted: $(systemctl status --no-pager -n 30 "$unit")"
  t1=$(now_ms)
  echo "hung supervisor replaced after $((t1 - t0)) ms"
  journal_has "$unit" "Watchdog timeout" || fail "no watchdog timeout in the journal: $(journal_of "$unit" | tail -30)"
  journal_has "$unit" "Failed with result 'watchdog'" || fail "not failed by the watchdog: $(journal_of "$unit" | tail -30)"
  assert_eq 1 "$(prop $unit NRestarts)" "NRestarts"
  wait_until 10 proc_gone "$main" || fail "the hung supervisor $main still exists"
  wait_until 10 proc_gone "$app" || fail "the old app container $app still runs"

  # The new supervisor runs the pod: one app container, a new one, in the
  # unit's cgroup.
  local main2 app2 cg line
  main2=$(prop $unit MainPID)
  wait_until 30 pod_ready sdwd || fail "pod not ready again: $(hb pod ps sdwd)"
  assert_eq 1 "$(hb list -q | grep -c '^sdwd_')" "sdwd containers after the restart ($(hb list))"
  app2=$(ctr_pid sdwd app)
  [ -n "$app2" ] && [ "$app2" != "$app" ] || fail "app container pid '$app2' (was $app)"
  cg=$(prop $unit ControlGroup)
  read -r line < "/proc/$app2/cgroup"
  case $line in "0::$cg/sdwd/"*) ;; *) fail "new app container in '$line', not under $cg/sdwd" ;; esac
  [ "$(journal_of "$unit" | grep -c '^\[app\] app up$')" -ge 2 ] ||
    fail "the app did not start twice: $(journal_of "$unit" | tail -30)"

  timeout 150 systemctl stop "$unit" || fail "systemctl stop"
  assert_eq inactive "$(prop $unit ActiveState)" "ActiveState after stop"
  sd_assert_pod_gone sdwd "$main2" "$app2"
}

# The unit `berth pod unit` prints (a pod file, a --root), with only its
# log dir pointed at this test's: starts once ready, stops leaving nothing.
test_systemd_pod_unit_command() {
  sd_begin
  local unit=berth-pod-sdgen.service
  pod_json "$T_DIR/pods/sdgen.json" '
p["metadata"]["name"] = "sdgen"
p["metadata"]["annotations"] = {"berth.dev/network": "none"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["terminationGracePeriodSeconds"] = 5
p["spec"]["containers"] = [
  ctr("web", "sh", "-c", "trap \"exit 0\" TERM; echo web up; while :; do sleep 1; done",
      readinessProbe={"exec": {"command": ["true"]}, "initialDelaySeconds": 2, "periodSeconds": 2})]'
  "$BERTH" --root "$T_ROOT" pod unit "$T_DIR/pods/sdgen.json" > "$T_DIR/unit" || fail "berth pod unit"
  assert_eq 1 "$(grep -c ' --log-dir /var/log/berth/sdgen ' "$T_DIR/unit")" "--log-dir in the printed unit"
  sed "s| --log-dir /var/log/berth/sdgen | --log-dir $T_DIR/logs/sdgen |" "$T_DIR/unit" > "$SD_UNITS/$unit"
  grep -q "^ExecStart=$BERTH --root $T_ROOT pod run --cgroup-parent self --log-dir $T_DIR/logs/sdgen $T_DIR/pods/sdgen.json\$" \
    "$SD_UNITS/$unit" || fail "unexpected ExecStart: $(grep ExecStart "$SD_UNITS/$unit")"
  SD_STARTED+=("$unit")
  systemctl daemon-reload || fail "daemon-reload"
  timeout 150 systemctl start "$unit" || fail "systemctl start: $(systemctl status --no-pager -n 30 "$unit")"
  assert_eq active "$(prop $unit ActiveState)" "ActiveState"
  b pod ps --format json sdgen | python3 -c '
import json, sys
cs = json.load(sys.stdin)[0]["status"]["containerStatuses"]
sys.exit(0 if cs and all(c.get("ready") for c in cs) else 1)' || fail "not ready after start: $(b pod ps sdgen)"
  wait_until 20 sh -c "systemctl show -p StatusText --value $unit | grep -q '^Running: 1/1 ready'" ||
    fail "StatusText: '$(prop $unit StatusText)'"
  assert_eq 25s "$(prop $unit TimeoutStopUSec)" "TimeoutStopSec (2 x 5 s + 15 s)"
  local main web
  main=$(prop $unit MainPID)
  web=$(b state sdgen_web | json_get 'j["pid"]')
  wait_until 20 journal_has "$unit" "[web] web up" || fail "no [web] line: $(journal_of "$unit" | tail)"
  timeout 150 systemctl stop "$unit" || fail "systemctl stop"
  assert_eq inactive "$(prop $unit ActiveState)" "ActiveState after stop"
  assert_eq success "$(prop $unit Result)" "Result after stop"
  [ ! -e "$T_ROOT/pods/sdgen" ] || fail "pod state remains under $T_ROOT"
  [ -z "$(ls "$T_ROOT" | grep '^sdgen_')" ] || fail "containers remain: $(ls "$T_ROOT")"
  for p in "$main" "$web"; do wait_until 10 proc_gone "$p" || fail "process $p remains"; done
  rm -f "$SD_UNITS/$unit"
}

# The same hang without the unit's ExecStopPost (reset by a drop-in): what
# the killed supervisor left (state, mounts; systemd SIGKILLed its
# containers) is removed by the new supervisor ("recovered" event), which
# then runs the pod.
test_systemd_watchdog_new_supervisor_cleans_up() {
  sd_begin
  sd_template
  local unit=berth-pod@sdrec.service
  sd_dropin "$unit" "WatchdogSec=15s
ExecStopPost="
  assert_eq "" "$(prop $unit ExecStopPost)" "ExecStopPost after the drop-in"
  sd_start_app_pod sdrec
  local main app
  main=$(prop $unit MainPID) app=$(ctr_pid sdrec app)
  [ -n "$app" ] || fail "no app container: $(hb list)"
  kill -STOP "$main" || fail "kill -STOP $main"
  restarted() {
    [ "$(prop $unit NRestarts)" -ge 1 ] && [ "$(prop $unit ActiveState)" = active ] &&
      [ "$(prop $unit MainPID)" != "$main" ]
  }
  wait_until 180 restarted || fail "not restarted: $(systemctl status --no-pager -n 30 "$unit")"
  journal_has "$unit" "Failed with result 'watchdog'" || fail "not failed by the watchdog: $(journal_of "$unit" | tail -30)"
  wait_until 10 proc_gone "$main" || fail "the hung supervisor $main still exists"
  wait_until 10 proc_gone "$app" || fail "the old app container $app still runs"
  wait_until 30 grep -q '"type":"recovered"' "$T_DIR/logs/sdrec/events.jsonl" ||
    fail "no recovered event: $(tail -20 "$T_DIR/logs/sdrec/events.jsonl")"
  wait_until 30 pod_ready sdrec || fail "pod not ready again: $(hb pod ps sdrec)"
  assert_eq 1 "$(hb list -q | grep -c '^sdrec_')" "sdrec containers after the restart ($(hb list))"
  local main2 app2 cg line
  main2=$(prop $unit MainPID) app2=$(ctr_pid sdrec app)
  [ -n "$app2" ] && [ "$app2" != "$app" ] || fail "app container pid '$app2' (was $app)"
  cg=$(prop $unit ControlGroup)
  read -r line < "/proc/$app2/cgroup"
  case $line in "0::$cg/sdrec/"*) ;; *) fail "new app container in '$line', not under $cg/sdrec" ;; esac
  timeout 150 systemctl stop "$unit" || fail "systemctl stop"
  assert_eq inactive "$(prop $unit ActiveState)" "ActiveState after stop"
  # Without the unit's ExecStopPost the stopped pod stays until pod rm.
  [ -e /run/berth/pods/sdrec/status.json ] || fail "the stopped pod kept no status.json"
  hb pod rm sdrec >/dev/null || fail "pod rm of the stopped pod"
  sd_assert_pod_gone sdrec "$main2" "$app2"
}

# berth pod restart under systemd: the same supervisor (MainPID) runs the
# pod again while the unit stays active (RELOADING=1, then READY=1 once the
# next run is ready), with no systemd restart; a stop then ends it cleanly.
test_systemd_pod_restart_keeps_the_unit_active() {
  sd_begin
  sd_template
  local unit=berth-pod@sdrst.service
  pod_json "$T_DIR/pods/sdrst.json" '
p["metadata"]["name"] = "sdrst"
p["metadata"]["annotations"] = {"berth.dev/network": "none"}
p["spec"]["restartPolicy"] = "Always"
p["spec"]["containers"] = [
  ctr("app", "sh", "-c", "trap \"exit 0\" TERM; echo app run; while :; do sleep 1; done",
      readinessProbe={"exec": {"command": ["true"]}, "initialDelaySeconds": 3, "periodSeconds": 1})]'
  SD_STARTED+=("$unit")
  timeout 150 systemctl start "$unit" || fail "systemctl start: $(systemctl status --no-pager -n 30 "$unit")"
  local main; main=$(prop $unit MainPID)
  hb pod restart sdrst > "$T_DIR/restart.out" 2>&1 &
  local rp=$! states=""
  while kill -0 "$rp" 2>/dev/null; do
    states="$states $(prop $unit ActiveState)"
    sleep 0.2
  done
  wait "$rp" || fail "pod restart: $(cat "$T_DIR/restart.out")"
  echo "unit states during the restart:$states"
  for s in $states; do
    case $s in active|reloading) ;; *) fail "the unit was $s during pod restart (states:$states)" ;; esac
  done
  wait_until 20 sh -c "[ \"\$(systemctl show -p ActiveState --value $unit)\" = active ]" ||
    fail "the unit is $(prop $unit ActiveState) after pod restart"
  assert_eq "$main" "$(prop $unit MainPID)" "MainPID after pod restart (the same supervisor)"
  assert_eq 0 "$(prop $unit NRestarts)" "NRestarts after pod restart"
  pod_ready sdrst || fail "pod not ready after pod restart: $(hb pod ps sdrst)"
  assert_eq 2 "$(hb pod inspect sdrst | json_get 'j["status"]["berth"]["run"]')" "berth.run"
  wait_until 20 sh -c "[ \$(journalctl -u $unit -o cat --no-pager | grep -c '^\[app\] app run$') -ge 2 ]" ||
    fail "the app did not run twice: $(journal_of "$unit" | tail -20)"
  timeout 150 systemctl stop "$unit" || fail "systemctl stop"
  assert_eq success "$(prop $unit Result)" "Result after stop"
  sd_assert_pod_gone sdrst "$main"
}
