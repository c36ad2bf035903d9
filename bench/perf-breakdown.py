#!/usr/bin/env python3
"""Where does a runtime's CPU time go?  Summarise `perf script` output of a
system-wide `perf record -a -g -e cpu-clock -F FREQ` taken while a runtime
ran RUNS containers (see bench/profile.sh).

usage: perf script -F comm,pid,tid,time,ip,sym,dso | perf-breakdown.py FREQ RUNS COMM_REGEX

Each sample of a process whose comm matches COMM_REGEX is put into one
bucket by its call chain: the syscall it was in (the frame under
do_syscall_64), a page fault, process exit, the dynamic loader (ld.so and
the kernel side of execve), or user code by library.  Prints ms per
container for each bucket (samples / FREQ / RUNS * 1000)."""
import re
import sys
from collections import Counter

freq, runs, comm_re = float(sys.argv[1]), int(sys.argv[2]), re.compile(sys.argv[3])

buckets = Counter()
comms = Counter()


def classify(frames):
    syms = [s for s, _ in frames]
    dsos = [d for _, d in frames]
    joined = " ".join(syms)
    # kernel side of exec, and the dynamic loader / libc start-up
    if re.search(r"__x64_sys_execve(at)?\b|do_execveat_common", joined):
        return "exec: kernel execve/execveat"
    if any("ld-linux" in d for d in dsos):
        if re.search(r"init_cpu_features|get_common_cache|intel_check_word|handle_intel|init_cacheinfo|get_common_indices|update_active|cpu_features", joined):
            return "exec: ld.so CPU feature probing (CPUID)"
        return "exec: ld.so loading/relocation"
    m = re.search(r"\b(__x64_sys_\w+|__do_sys_\w+|__ia32_sys_\w+)", joined)
    if m:
        name = re.sub(r"^(__x64_sys_|__do_sys_|__ia32_sys_)", "", m.group(1))
        name = {"clone3": "clone3 (new namespaces, CLONE_INTO_CGROUP)",
                "sendfile64": "sendfile (binary copy to memfd)"}.get(name, name)
        return "syscall: " + name
    if re.search(r"\bdo_exit\b|do_group_exit", joined):
        return "kernel: process exit (mm/ns teardown)"
    if "asm_exc_page_fault" in joined or "exc_page_fault" in joined:
        return "kernel: page faults"
    if re.search(r"ret_from_fork|schedule_tail", joined):
        return "kernel: fork return / scheduling"
    if frames and frames[0][1].startswith("[kernel"):
        return "kernel: other (" + frames[0][0] + ")"
    d = frames[0][1] if frames else "?"
    d = re.sub(r".*/", "", d)
    return "user: " + d


cur = None
frames = []


def flush():
    if cur is not None and comm_re.search(cur):
        comms[cur] += 1
        buckets[classify(frames)] += 1


for line in sys.stdin:
    if not line.strip():
        continue
    if not line.startswith((" ", "\t")):
        flush()
        cur = line.split()[0]
        frames = []
        continue
    m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
    if m:
        frames.append((re.sub(r"\+0x[0-9a-f]+$", "", m.group(1)), m.group(2)))
flush()

total = sum(buckets.values())
scale = 1000.0 / freq / runs
print(f"samples: {total} ({', '.join(f'{c} {n}' for c, n in comms.most_common())}); "
      f"= {total * scale:.2f} ms CPU per container\n")
print("| bucket | ms/container | share |")
print("|---|---:|---:|")
for k, n in buckets.most_common():
    if n * scale < 0.02:
        continue
    print(f"| {k} | {n * scale:.2f} | {100.0 * n / total:.0f}% |")
