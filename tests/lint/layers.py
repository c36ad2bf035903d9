#!/usr/bin/env python3
"""The layer rules of README "How it is built" hold by themselves.

1. Library code (common/ specs/ cgroups/ netns/ images/ metrics/ runtime/ supervisor/) never
   prints or exits: it returns a negative errno and fills struct b_err
   (common/error.h), and only cmd/ turns that into output and an exit code.
   A call of printf, fprintf, puts, perror, exit, err, warn and their
   kin there fails this check unless layers.allow says why it is no output
   to a user (a forked child's error pipe, a string buffer).  _exit in a
   forked child is another name and never matches.
2. yajl is specs/'s alone: no #include of a yajl header anywhere else.
3. No include goes up.  Bottom to top: common, specs, cgroups, netns and
   images (side by side), metrics and runtime (side by side), supervisor, cmd.

Comments and string literals are skipped.  A stale layers.allow entry
fails too, but only for folders present under REPO_ROOT, so a copy of one
folder can be checked alone.

Usage: layers.py [REPO_ROOT]   (exit 0 when clean)
"""
import os
import re
import sys

from csource import func_re, load_allow, strip

RANK = {"common": 0, "specs": 1, "cgroups": 2, "netns": 2, "images": 2, "metrics": 3, "runtime": 3, "supervisor": 4,
        "cmd": 5}
LIBRARY = ("common", "specs", "cgroups", "netns", "images", "metrics", "runtime", "supervisor")
OUTPUT = ("printf", "vprintf", "fprintf", "vfprintf", "dprintf", "vdprintf", "puts", "fputs",
          "putchar", "perror", "exit", "err", "errx", "verr", "verrx", "warn", "warnx", "vwarn",
          "vwarnx")
ORDER = "common, specs, cgroups|netns|images, metrics|runtime, supervisor, cmd"

call_re = re.compile(r"(?<![\w.>])(%s)\s*\(" % "|".join(OUTPUT))
directive_re = re.compile(r"^\s*#\s*include\b")
include_re = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def include_target(root, rel, quoted, spec):
    """The repository path an include names, as the build resolves it: a
    quoted one next to the including file first, then from the top (-I.)."""
    beside = os.path.normpath(os.path.join(os.path.dirname(rel), spec))
    if quoted and (spec.startswith(".") or os.path.exists(os.path.join(root, beside))):
        return beside
    return os.path.normpath(spec)


def check_include(root, rel, line, quoted, spec):
    folder = rel.split("/")[0]
    shown = f'"{spec}"' if quoted else f"<{spec}>"
    if folder != "specs" and spec.startswith("yajl"):   # <yajl/yajl_tree.h>, <yajl_tree.h>
        return f"{rel}:{line}: includes {shown}: only specs/ uses yajl (go through specs/)"
    if "/" not in spec:
        return None
    to = include_target(root, rel, quoted, spec).split("/")[0]
    if to in RANK and RANK[to] > RANK[folder]:
        return (f"{rel}:{line}: includes {shown}: {folder}/ must not include from {to}/ "
                f"(layers, bottom up: {ORDER})")
    return None


def scan_file(root, rel):
    """(problems, output calls as (file, function, call, line))."""
    raw = open(os.path.join(root, rel), encoding="utf-8").read()
    code = strip(raw).split("\n")
    raw_lines = raw.split("\n")
    library = rel.split("/")[0] in LIBRARY
    problems, calls, func = [], [], None
    for n, line in enumerate(code, 1):
        if directive_re.match(line):
            m = include_re.match(raw_lines[n - 1])
            if m:
                p = check_include(root, rel, n, m.group(1) == '"', m.group(2))
                if p:
                    problems.append(p)
            continue
        if line and not line[0].isspace() and line[0] not in "#{}":
            m = func_re.match(line)
            if m:
                func = m.group(1)
        if library:
            for m in call_re.finditer(line):
                calls.append((rel, func or "?", m.group(1), n))
    return problems, calls


def sources(root):
    for folder in RANK:
        top = os.path.join(root, folder)
        if not os.path.isdir(top):
            continue
        for d, subdirs, files in os.walk(top):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, name), root).replace(os.sep, "/")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..")
    allowed = load_allow(os.path.join(here, "layers.allow"), "why it is no output to a user")
    problems, seen, nfiles = [], set(), 0
    for rel in sources(root):
        nfiles += 1
        p, calls = scan_file(root, rel)
        problems += p
        for f, fn, c, line in calls:
            seen.add((f, fn, c))
            if (f, fn, c) not in allowed:
                problems.append(
                    f"{f}:{line}: {fn}(): {c}() in library code: return -errno with struct b_err "
                    f"(common/error.h) and let cmd/ print, or add '{f} {fn} {c} <why it is no "
                    f"output to a user>' to tests/lint/layers.allow")
    present = {k for k in allowed if os.path.isdir(os.path.join(root, k[0].split("/")[0]))}
    stale = sorted(present - seen)
    for f, fn, c in stale:
        problems.append(f"tests/lint/layers.allow: '{f} {fn} {c}' no longer occurs: remove it")
    for p in problems:
        print(p)
    print(f"layers lint: {nfiles} files checked, {len(problems) - len(stale)} problems, "
          f"{len(stale)} stale")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
