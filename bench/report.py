#!/usr/bin/env python3
"""Summarise bench/measure output lines as markdown (used by start-latency.sh).

usage: report.py META RESULTS [HOW.md]
RESULTS lines: "MODE RUNTIME ROUND rc=0 wall_us=.. step_us=a,b reap_us=.. user_us=.. sys_us=.. maxrss_kb=.."
"""
import statistics as st
import sys
from collections import defaultdict

STEP_NAMES = {"run": ["run"], "lifecycle": ["create", "start", "delete"]}
TARGETS = [("crun", 0.8), ("runc", 0.5)]  # berth wall <= factor x other


def pct(xs, p):
    """Nearest-rank percentile."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def parse(path):
    data = defaultdict(list)  # (mode, rt) -> [dict]
    for line in open(path):
        toks = line.split()
        if not toks:
            continue
        tag = [t for t in toks if "=" not in t]
        kv = dict(t.split("=", 1) for t in toks if "=" in t)
        mode, rt, rnd = tag[0], tag[1], int(tag[2])
        rec = {
            "round": rnd,
            "rc": int(kv["rc"]),
            "wall": int(kv["wall_us"]) / 1000.0,
            "steps": [int(x) / 1000.0 for x in kv["step_us"].split(",")],
            "reap": int(kv.get("reap_us", 0)) / 1000.0,
            "cpu": (int(kv["user_us"]) + int(kv["sys_us"])) / 1000.0,
            "user": int(kv["user_us"]) / 1000.0,
            "sys": int(kv["sys_us"]) / 1000.0,
            "rss": int(kv["maxrss_kb"]) / 1024.0,
        }
        data[(mode, rt)].append(rec)
    return data


def f(x, d=2):
    return f"{x:.{d}f}"


def main():
    meta = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]) if "=" in l)
    data = parse(sys.argv[2])
    how = open(sys.argv[3]).read() if len(sys.argv) > 3 else ""
    modes = []
    rts = []
    for mode, rt in data:
        if mode not in modes:
            modes.append(mode)
        if rt not in rts:
            rts.append(rt)

    print("# start-latency results\n")
    print(f"- date: {meta.get('date')}")
    print(f"- machine: {meta.get('host')}")
    for k in ("cpu", "mem", "berth", "crun", "runc", "n", "state", "load_before", "load_after"):
        if k in meta:
            print(f"- {k}: {meta[k]}")
    for k in sorted(meta):
        if k.startswith("variant_"):
            print(f"- berth-{k[8:]}: {meta[k]}")
    print()
    print("Wall = fork of the runtime command to its reaping (ms per container); CPU =")
    print("user+sys of the whole runtime process tree incl. the container's /bin/true")
    print("(ms); RSS = largest max-RSS of any process in that tree (MiB).\n")

    for mode in modes:
        print(f"## {mode}" + (" (create + start + wait for exit + delete)" if mode == "lifecycle" else "") + "\n")
        print("| runtime | n | wall mean | median | p95 | stdev | min | max | CPU mean | CPU median | user | sys | max RSS median (max) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        summ = {}
        for rt in rts:
            recs = data.get((mode, rt))
            if not recs:
                continue
            w = [r["wall"] for r in recs]
            c = [r["cpu"] for r in recs]
            rss = [r["rss"] for r in recs]
            s = summ[rt] = {
                "mean": st.mean(w), "median": st.median(w), "p95": pct(w, 95),
                "cpu": st.mean(c), "cpu_med": st.median(c), "rss": st.median(rss),
            }
            print(f"| {rt} | {len(w)} | {f(s['mean'])} | {f(s['median'])} | {f(s['p95'])} | "
                  f"{f(st.pstdev(w))} | {f(min(w))} | {f(max(w))} | {f(s['cpu'])} | {f(s['cpu_med'])} | "
                  f"{f(st.mean(r['user'] for r in recs))} | {f(st.mean(r['sys'] for r in recs))} | "
                  f"{f(s['rss'])} ({f(max(rss))}) |")
        print()

        if mode == "lifecycle":
            print("Per step, median ms (exit = waiting for the container's /bin/true to end after `start` returned):\n")
            print("| runtime | create | start | exit | delete |")
            print("|---|---:|---:|---:|---:|")
            for rt in rts:
                recs = data.get((mode, rt))
                if not recs:
                    continue
                cols = [st.median(r["steps"][i] for r in recs) for i in range(3)]
                print(f"| {rt} | {f(cols[0])} | {f(cols[1])} | {f(st.median(r['reap'] for r in recs))} | {f(cols[2])} |")
            print()

        if any(a.startswith("berth") for a in summ):
            pairs = [(a, o) for a in rts if a.startswith("berth") and a in summ
                     for o in ("crun", "runc") if o in summ]
            if "berth" in summ:
                pairs += [("berth", o) for o in rts if o.startswith("berth-") and o in summ]
            if pairs:
                print("Ratios (below 1 = the first is better):\n")
                print("| ratio | wall mean | wall median | wall p95 | CPU mean | max RSS median |")
                print("|---|---:|---:|---:|---:|---:|")
                for a, o in pairs:
                    x, y = summ[a], summ[o]
                    print(f"| {a}/{o} | {f(x['mean']/y['mean'])} | {f(x['median']/y['median'])} | "
                          f"{f(x['p95']/y['p95'])} | {f(x['cpu']/y['cpu'])} | {f(x['rss']/y['rss'])} |")
                print()

            # Variance across rounds: each round ran ROUND containers of each
            # runtime back to back, so a per-round ratio cancels slow drifts.
            print("Round-to-round variance (median wall of each round):\n")
            print("| runtime | rounds | min | median | max | CV of round medians |")
            print("|---|---:|---:|---:|---:|---:|")
            per_round = {}
            for rt in rts:
                recs = data.get((mode, rt))
                if not recs:
                    continue
                byr = defaultdict(list)
                for r in recs:
                    byr[r["round"]].append(r["wall"])
                meds = {k: st.median(v) for k, v in byr.items()}
                per_round[rt] = meds
                m = list(meds.values())
                cv = st.pstdev(m) / st.mean(m) * 100 if len(m) > 1 else 0.0
                print(f"| {rt} | {len(m)} | {f(min(m))} | {f(st.median(m))} | {f(max(m))} | {f(cv, 1)}% |")
            print()
            for a in [a for a in per_round if a.startswith("berth")]:
                for o in [o for o in ("crun", "runc") if o in per_round]:
                    rs = [per_round[a][k] / per_round[o][k] for k in per_round[a] if k in per_round[o]]
                    if rs:
                        print(f"- per-round {a}/{o} median-wall ratio: min {f(min(rs))}, median {f(st.median(rs))}, max {f(max(rs))}")
            print()

            if mode == "run":
                print("Targets (wall per container, median and mean; RSS median):\n")
                for a in [a for a in rts if a.startswith("berth") and a in summ]:
                    x = summ[a]
                    for o, k in TARGETS:
                        if o in summ:
                            rm = x["median"] / summ[o]["median"]
                            rmean = x["mean"] / summ[o]["mean"]
                            ok = "MET" if max(rm, rmean) <= k else "NOT MET"
                            print(f"- {a} <= {k}x {o}: median {f(rm)}x, mean {f(rmean)}x -> **{ok}**")
                    if "crun" in summ:
                        r = x["rss"] / summ["crun"]["rss"]
                        print(f"- {a} peak RSS <= crun: {f(x['rss'])} vs {f(summ['crun']['rss'])} MiB ({f(r)}x) -> "
                              f"**{'MET' if r <= 1 else 'NOT MET'}**")
                print()
    print(how)


if __name__ == "__main__":
    main()
