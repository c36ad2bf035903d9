#!/usr/bin/env python3
"""Helpers of bench/pod-supervisor.sh (see bench/README.md).

  gen-pods WORK N REPO                 pod files and the `berth run` bundles
  host BERTH ROOT POD LOGS IDLE GRACE  run one pod in the foreground and
                                       measure its supervisor (JSON on stdout)
  guest-analyze WORK                   (in the VM) OOM kill -> running again
  report WORK                          markdown report of whatever was measured
"""
import json
import os
import shutil
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- gen-pods
def pod(name, rootfs, containers, grace, annotations=None, policy="Always"):
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
         "spec": {"restartPolicy": policy, "terminationGracePeriodSeconds": grace,
                  "containers": containers}}
    if annotations:
        p["metadata"]["annotations"] = annotations
    return p


def gen_pods(work, n, repo):
    n = int(n)
    rootfs = os.path.join(work, "rootfs")
    for name, count in (("bench1", 1), ("bench%d" % n, n)):
        cs = [{"name": "c%d" % i, "image": rootfs, "command": ["sleep", "100000"]}
              for i in range(count)]
        json.dump(pod(name, rootfs, cs, 2), open(os.path.join(work, name + ".json"), "w"), indent=1)
    # The same N containers without a seccomp filter: how much of a start
    # is compiling the RuntimeDefault profile.
    cs = [{"name": "c%d" % i, "image": rootfs, "command": ["sleep", "100000"],
           "securityContext": {"seccompProfile": {"type": "Unconfined"}}} for i in range(n)]
    json.dump(pod("bench%du" % n, rootfs, cs, 2), open(os.path.join(work, "bench%du.json" % n), "w"), indent=1)
    # The VM lane: images live on the guest's tmpfs (copied there first).
    grootfs = "/tmp/bench-rootfs"
    oom = [{"name": "hog", "image": grootfs,
            "command": ["sh", "-c", 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'],
            "resources": {"limits": {"memory": "16Mi"}}}]
    json.dump(pod("oom", grootfs, oom, 1, {"berth.dev/restart-backoff": "1ms,1ms,10m"}),
              open(os.path.join(work, "oom.json"), "w"), indent=1)
    # Host dry run of the same pipeline (no memory controller here): a
    # container that fails on its own instead of being OOM-killed.
    dry = [{"name": "hog", "image": rootfs, "command": ["sh", "-c", "sleep 0.2; exit 3"]}]
    json.dump(pod("oom", rootfs, dry, 1, {"berth.dev/restart-backoff": "1ms,1ms,10m"}),
              open(os.path.join(work, "oom-dry.json"), "w"), indent=1)
    # `berth run` bundles of the same image: `berth spec` (which has no
    # seccomp filter), /bin/true, the same 16Mi memory limit (no swap) as
    # the pod's container; "-seccomp": plus the RuntimeDefault profile
    # that every pod container gets, i.e. the same container.
    profile = json.load(open(os.path.join(repo, "data", "seccomp", "runtime-default.json")))
    for bundle, root, limit in (("bundle", grootfs, True), ("bundle-dry", rootfs, False)):
        for sc in (False, True):
            d = os.path.join(work, bundle.replace("bundle", "bundle-seccomp") if sc else bundle)
            os.makedirs(d, exist_ok=True)
            c = json.load(open(os.path.join(work, "spec.json")))
            c["process"]["terminal"] = False
            c["process"]["args"] = ["/bin/true"]
            c["root"]["path"] = root
            if limit:
                c.setdefault("linux", {}).setdefault("resources", {})["memory"] = {
                    "limit": 16 << 20, "swap": 16 << 20}
            if sc:
                c["linux"]["seccomp"] = profile
            json.dump(c, open(os.path.join(d, "config.json"), "w"), indent=1)


# ---------------------------------------------------------------- host
def proc_sample(pid):
    st = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            st[k] = v.strip()
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open("/proc/%d/schedstat" % pid) as f:
        sched = [int(x) for x in f.read().split()]
    kib = lambda k: int(st[k].split()[0]) if k in st else None
    return {
        "t": time.monotonic(),
        "rss_kib": kib("VmRSS"), "hwm_kib": kib("VmHWM"),
        "rss_anon_kib": kib("RssAnon"), "rss_file_kib": kib("RssFile"),
        "vsz_kib": kib("VmSize"), "fds": len(os.listdir("/proc/%d/fd" % pid)),
        "vol_cs": int(st["voluntary_ctxt_switches"]),
        "invol_cs": int(st["nonvoluntary_ctxt_switches"]),
        # fields[0] is field 3 (state): utime is field 14, stime 15
        "utime_ms": int(fields[11]) * 1000 / CLK_TCK,
        "stime_ms": int(fields[12]) * 1000 / CLK_TCK,
        "cpu_ns": sched[0], "slices": sched[2],
    }


def parse_time(s):
    """RFC3339Nano (as the supervisor writes it) -> seconds since the epoch."""
    base, frac = s.rstrip("Z").split(".") if "." in s else (s.rstrip("Z"), "0")
    dt = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return dt.timestamp() + int(frac.ljust(9, "0")[:9]) / 1e9


def read_events(path):
    evs = []
    for p in (path + ".2", path + ".1", path):
        if os.path.exists(p):
            with open(p) as f:
                evs += [json.loads(line) for line in f if line.strip()]
    for e in evs:
        e["t"] = parse_time(e["time"])
    return evs


def host(berth, root, podfile, logs, idle, grace):
    idle, grace = float(idle), int(grace)
    shutil.rmtree(logs, ignore_errors=True)
    name = json.load(open(podfile))["metadata"]["name"]
    ncont = len(json.load(open(podfile))["spec"]["containers"])
    sockpath = os.path.join(os.path.dirname(logs), "notify-%s.sock" % name)
    if os.path.exists(sockpath):
        os.unlink(sockpath)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sockpath)
    env = dict(os.environ, NOTIFY_SOCKET=sockpath)
    env.pop("WATCHDOG_USEC", None)
    env.pop("WATCHDOG_PID", None)
    errf = open(logs + ".stderr", "w")
    msgs = []

    def drain(timeout):
        sock.settimeout(timeout)
        try:
            m = sock.recv(4096).decode()
        except (socket.timeout, BlockingIOError):
            return None
        msgs.append((time.monotonic(), m))
        return m

    t0 = time.monotonic()
    p = subprocess.Popen([berth, "--root", root, "pod", "run", "--log-dir", logs, podfile],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errf, env=env)
    t_ready = None
    while t_ready is None:
        m = drain(0.5)
        if m and "READY=1" in m.split("\n"):
            t_ready = time.monotonic()
        elif m is None and p.poll() is not None:
            sys.exit("pod run exited with %d before READY=1: %s" % (p.returncode, open(logs + ".stderr").read()))
        elif time.monotonic() - t0 > 900:
            p.kill()
            sys.exit("no READY=1 after 900 s")
    at_ready = proc_sample(p.pid)
    time.sleep(1.0)                    # let it settle (STATUS= etc.)
    while drain(0) is not None:
        pass
    a = proc_sample(p.pid)
    n_before = len(msgs)
    time.sleep(idle)
    b = proc_sample(p.pid)
    while drain(0) is not None:
        pass
    idle_msgs = [m for _, m in msgs[n_before:]]
    # Only now ask it anything: a request wakes it.
    tq = time.monotonic()
    ps = subprocess.run([berth, "--root", root, "pod", "ps", "--format", "json", name],
                        capture_output=True, text=True)
    t_ps = time.monotonic() - tq
    running = None
    if ps.returncode == 0:
        doc = json.loads(ps.stdout)[0]
        running = sum(1 for c in doc["status"]["containerStatuses"] if "running" in c["state"])
    after_ps = proc_sample(p.pid)
    ts = time.monotonic()
    st = subprocess.run([berth, "--root", root, "pod", "stop", "-t", str(grace), name],
                        capture_output=True, text=True)
    t_stop_cmd = time.monotonic() - ts
    rc = p.wait(timeout=600)
    t_exit = time.monotonic() - ts
    while drain(0.2) is not None:
        pass
    evs = read_events(os.path.join(logs, "events.jsonl"))
    started = [e["t"] for e in evs if e["type"] == "container-started"]
    pod_started = [e["t"] for e in evs if e["type"] == "pod-started"][0]
    stopping = [e["t"] for e in evs if e["type"] == "stopping"]
    stopped = [e["t"] for e in evs if e["type"] == "stopped"]
    gaps = [y - x for x, y in zip(started, started[1:])]
    ready_msg_idx = next(i for i, (_, m) in enumerate(msgs) if "READY=1" in m.split("\n"))
    out = {
        "pod": name, "containers": ncont, "idle_s": idle, "stop_grace_s": grace,
        "pid": p.pid, "exit_status": rc, "stop_status": st.returncode,
        "stop_stderr": st.stderr.strip(), "ps_status": ps.returncode, "running_at_ps": running,
        "t_ready_s": t_ready - t0,
        "events_first_to_last_start_s": (started[-1] - pod_started) if started else None,
        "start_gap_median_ms": statistics.median(gaps) * 1000 if gaps else None,
        "start_gap_max_ms": max(gaps) * 1000 if gaps else None,
        "cpu_at_ready_ms": at_ready["cpu_ns"] / 1e6,
        "hwm_at_ready_kib": at_ready["hwm_kib"],
        "settled": a, "after_idle": b, "after_ps": after_ps,
        "idle_cpu_ns": b["cpu_ns"] - a["cpu_ns"],
        "idle_ticks": (b["utime_ms"] + b["stime_ms"]) - (a["utime_ms"] + a["stime_ms"]),
        "idle_vol_cs": b["vol_cs"] - a["vol_cs"], "idle_invol_cs": b["invol_cs"] - a["invol_cs"],
        "idle_slices": b["slices"] - a["slices"],
        "idle_notify_msgs": idle_msgs,
        "ps_wall_ms": t_ps * 1000, "ps_cpu_ms": (after_ps["cpu_ns"] - b["cpu_ns"]) / 1e6,
        "stop_cmd_s": t_stop_cmd, "stop_exit_s": t_exit,
        "stop_events_s": (stopped[-1] - stopping[0]) if stopping and stopped else None,
        "notify": [m for _, m in msgs][:ready_msg_idx + 1][-3:] + [m for _, m in msgs if "STOPPING" in m][:1],
        "n_notify": len(msgs),
    }
    sock.close()
    os.unlink(sockpath)
    json.dump(out, sys.stdout, indent=1)
    print()


# ---------------------------------------------------------------- guest
def kmsg_records(rec):
    """(wall-clock time, text) of the kernel log records the guest saved
    (`dmesg -r`: "<6>[  12.345678] text", seconds since boot).  The offset
    between the two clocks comes from a marker record the guest wrote to
    /dev/kmsg between two wall-clock readings (mark.txt: µs µs)."""
    mark = os.path.join(rec, "mark.txt")
    path = os.path.join(rec, "dmesg.txt")
    if not (os.path.exists(mark) and os.path.exists(path)):
        return [], None
    w0, w1 = (int(x) / 1e6 for x in open(mark).read().split())
    recs, offset = [], None
    for line in open(path, errors="replace"):
        m = re.match(r"^<\d+>\[\s*(\d+\.\d+)\] ?(.*)$", line.rstrip("\n"))
        if not m:
            continue
        recs.append((float(m.group(1)), m.group(2)))
        if m.group(2) == "berth-bench-mark":
            offset = (w0 + w1) / 2 - float(m.group(1))
    if offset is None:
        return [], None
    return [(t + offset, text) for t, text in recs], (w1 - w0)


def guest_analyze(work):
    out = {}
    rec = os.path.join(work, "guest")
    runs = {}
    for what in ("run", "run-seccomp", "create-seccomp", "start-seccomp", "delete-seccomp"):
        p = os.path.join(rec, what + ".ms")
        if os.path.exists(p):
            runs[what] = [float(x) for x in open(p).read().split()]
    out["berth"] = {k: {"n": len(v), "median_ms": statistics.median(v), "min_ms": min(v),
                        "max_ms": max(v), "all_ms": v} for k, v in runs.items() if v}
    evs = read_events(os.path.join(rec, "events.jsonl"))
    dry = os.path.exists(os.path.join(rec, "dry"))
    recs, mark_err = kmsg_records(rec)
    mark_err = mark_err or 0
    kills = [t for t, text in recs if "Killed process" in text]
    out["kmsg_mark_window_ms"] = mark_err * 1000
    out["kmsg_kills"] = len(kills)
    reason = "Error" if dry else "OOMKilled"
    starts = [e for e in evs if e["type"] == "container-started"]
    rows = []
    for k, ex in enumerate(e for e in evs if e["type"] == "exited" and e.get("reason") == reason):
        nxt = [s for s in starts if s["t"] >= ex["t"]]
        rs = [e for e in evs if e["type"] == "restarting" and e["t"] >= ex["t"]]
        prev = [s for s in starts if s["t"] <= ex["t"]]
        if not nxt or not rs or not prev:
            continue
        backoff = rs[0].get("backoffMs", 0) / 1000
        row = {"restart": nxt[0]["restartCount"], "backoff_ms": backoff * 1000,
               "exited_to_running_ms": (nxt[0]["t"] - ex["t"] - backoff) * 1000}
        # The kernel's OOM kill: the first "Killed process" record after
        # the previous start.
        kk = [t for t in kills if prev[-1]["t"] <= t <= ex["t"] + mark_err]
        if kk:
            row["kill_to_exited_ms"] = (ex["t"] - kk[0]) * 1000
            row["kill_to_running_ms"] = (nxt[0]["t"] - kk[0] - backoff) * 1000
        rows.append(row)
    out["restarts"] = rows
    out["dry_run"] = dry
    json.dump(out, open(os.path.join(rec, "analysis.json"), "w"), indent=1)
    json.dump(out, sys.stdout, indent=1)
    print()


# ---------------------------------------------------------------- report
def mib(kib):
    return "%.2f MiB" % (kib / 1024)


def report(work):
    meta = open(os.path.join(work, "meta.txt")).read().strip()
    print("## Pod supervisor benchmark\n")
    print("```\n%s\n```\n" % meta)
    one = os.path.join(work, "host-1.json")
    big = [f for f in os.listdir(work) if re.match(r"^host-[0-9]+\.json$", f) and f != "host-1.json"]
    if os.path.exists(one) and big:
        a = json.load(open(one))
        b = json.load(open(os.path.join(work, big[0])))
        n = b["containers"]
        rss1, rssn = a["after_idle"]["rss_kib"], b["after_idle"]["rss_kib"]
        per = (rssn - rss1) / (n - 1)
        hwm_per = (b["after_idle"]["hwm_kib"] - a["after_idle"]["hwm_kib"]) / (n - 1)
        target = 4096 + 64 * n
        print("### Host: one supervisor, %d `sleep` containers\n" % n)
        print("| measure | 1 container | %d containers | target |" % n)
        print("|---|---:|---:|---|")
        print("| supervisor VmRSS (after %g s idle) | %s | %s | ≤ %s (4 MiB + 64 KiB × %d): %s |" % (
            b["idle_s"], mib(rss1), mib(rssn), mib(target), n, "met" if rssn <= target else "**not met**"))
        print("| of which anon / file | %s / %s | %s / %s | |" % (
            mib(a["after_idle"]["rss_anon_kib"]), mib(a["after_idle"]["rss_file_kib"]),
            mib(b["after_idle"]["rss_anon_kib"]), mib(b["after_idle"]["rss_file_kib"])))
        print("| supervisor VmHWM (peak) | %s | %s | |" % (mib(a["after_idle"]["hwm_kib"]), mib(b["after_idle"]["hwm_kib"])))
        print("| RSS per extra container ((RSS_%d − RSS_1)/%d) | | %.1f KiB (peak: %.1f KiB) | ≤ 64 KiB: %s (conmon ≈ 268 KiB) |" % (
            n, n - 1, per, hwm_per, "met" if per <= 64 else "**not met**"))
        print("| open fds of the supervisor | %d | %d | |" % (a["after_idle"]["fds"], b["after_idle"]["fds"]))
        print("| launch → READY=1 | %.0f ms | %.0f ms | |" % (a["t_ready_s"] * 1000, b["t_ready_s"] * 1000))
        print("| pod-started → last container-started (events) | %.0f ms | %.0f ms | |" % (
            a["events_first_to_last_start_s"] * 1000, b["events_first_to_last_start_s"] * 1000))
        print("| per container start (median / max gap between container-started) | | %.1f / %.1f ms | |" % (
            b["start_gap_median_ms"], b["start_gap_max_ms"]))
        print("| supervisor CPU until READY=1 | %.0f ms | %.0f ms | |" % (a["cpu_at_ready_ms"], b["cpu_at_ready_ms"]))
        u = os.path.join(work, "host-%du.json" % n)
        if os.path.exists(u):
            u = json.load(open(u))
            print("| the same with `seccompProfile: Unconfined`: launch → READY=1, per container, CPU | | %.0f ms, %.1f ms, %.0f ms | |" % (
                u["t_ready_s"] * 1000, u["start_gap_median_ms"], u["cpu_at_ready_ms"]))
        print("| supervisor CPU over %g s idle (schedstat) | %.3f ms | %.3f ms | none measurable: %s |" % (
            b["idle_s"], a["idle_cpu_ns"] / 1e6, b["idle_cpu_ns"] / 1e6,
            "met" if b["idle_cpu_ns"] == 0 else "**not met**"))
        print("| utime+stime ticks over the idle window | %g ms | %g ms | |" % (a["idle_ticks"], b["idle_ticks"]))
        print("| wakeups while idle (voluntary + involuntary context switches, times scheduled) | %d+%d, %d | %d+%d, %d | 0: %s |" % (
            a["idle_vol_cs"], a["idle_invol_cs"], a["idle_slices"], b["idle_vol_cs"], b["idle_invol_cs"], b["idle_slices"],
            "met" if b["idle_slices"] == 0 else "**not met**"))
        print("| `pod ps --format json NAME` (wall / supervisor CPU) | %.0f / %.1f ms | %.0f / %.1f ms | |" % (
            a["ps_wall_ms"], a["ps_cpu_ms"], b["ps_wall_ms"], b["ps_cpu_ms"]))
        print("| `pod stop -t %d` returns / supervisor exits | %.0f / %.0f ms | %.0f / %.0f ms | |" % (
            b["stop_grace_s"], a["stop_cmd_s"] * 1000, a["stop_exit_s"] * 1000, b["stop_cmd_s"] * 1000, b["stop_exit_s"] * 1000))
        print("| stopping → stopped (events) | %.0f ms | %.0f ms | |" % (
            a["stop_events_s"] * 1000, b["stop_events_s"] * 1000))
        print("| containers running at `pod ps` / exit status | %s / %d | %s / %d | |" % (
            a["running_at_ps"], a["exit_status"], b["running_at_ps"], b["exit_status"]))
        print()
    g = os.path.join(work, "guest", "analysis.json")
    if os.path.exists(g):
        r = json.load(open(g))
        rows = r["restarts"]
        where = "host dry run (exit 3 instead of an OOM kill)" if r["dry_run"] else "VM lane (qemu TCG guest, ~20x slower than native)"
        print("### OOM kill → restarted container running: %s\n" % where)
        print("| restart | backoff | kernel kill → `exited` event | `exited` → `container-started` − backoff | kill → running − backoff |")
        print("|---:|---:|---:|---:|---:|")
        for row in rows:
            print("| %d | %g ms | %s | %.1f ms | %s |" % (
                row["restart"], row["backoff_ms"],
                "%.1f ms" % row["kill_to_exited_ms"] if "kill_to_exited_ms" in row else "—",
                row["exited_to_running_ms"],
                "%.1f ms" % row["kill_to_running_ms"] if "kill_to_running_ms" in row else "—"))
        if r.get("kmsg_kills"):
            print("\nKernel kill times come from the guest's kernel log (`Killed process`), tied to the events' wall clock"
                  " by a marker record written between two clock readings %.2f ms apart (the uncertainty of that column)." % r["kmsg_mark_window_ms"])
        print()
        med = lambda k: statistics.median([x[k] for x in rows if k in x]) if any(k in x for x in rows) else None
        e2r, k2r = med("exited_to_running_ms"), med("kill_to_running_ms")
        br = r["berth"]
        print("| plain `berth` of the same image, /bin/true (n=%d each) | median | min | max |" % (
            max(v["n"] for v in br.values())))
        print("|---|---:|---:|---:|")
        label = {"run": "`berth run`, `berth spec` config (no seccomp)",
                 "run-seccomp": "`berth run`, + RuntimeDefault seccomp (= the pod's container)",
                 "create-seccomp": "`berth create` (with seccomp)",
                 "start-seccomp": "`berth start` (with seccomp)",
                 "delete-seccomp": "`berth delete` (with seccomp)"}
        for k, v in br.items():
            print("| %s | %.1f ms | %.1f ms | %.1f ms |" % (label[k], v["median_ms"], v["min_ms"], v["max_ms"]))
        print()
        med_of = lambda k: br[k]["median_ms"] if k in br else None
        run, srun = med_of("run"), med_of("run-seccomp")
        cds = None
        if all(k in br for k in ("create-seccomp", "start-seccomp", "delete-seccomp")):
            cds = sum(br[k]["median_ms"] for k in ("create-seccomp", "start-seccomp", "delete-seccomp"))
        print("| ratio of medians | value |")
        print("|---|---:|")
        for name, num in (("kill → running − backoff", k2r), ("`exited` → running − backoff", e2r)):
            if num is None:
                continue
            if srun:
                print("| (%s) / `berth run` with seccomp | %.2f |" % (name, num / srun))
            if run:
                print("| (%s) / `berth run` without seccomp | %.2f |" % (name, num / run))
        if cds and k2r is not None:
            print("| (kill → running − backoff) / (`delete` + `create` + `start`, with seccomp) | %.2f |" % (k2r / cds))
        print()
        print("Medians: exited → running − backoff %.1f ms%s." % (
            e2r, "; kill → running − backoff %.1f ms" % k2r if k2r is not None else ""))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"gen-pods": gen_pods, "host": host, "guest-analyze": guest_analyze, "report": report}[cmd](*args)


if __name__ == "__main__":
    main()
