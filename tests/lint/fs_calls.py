#!/usr/bin/env python3
"""Every filesystem call by name in runtime/ and supervisor/ is accounted for.

A path inside a tree a container controls (rootfs, volume, image layer) must
be opened, created or mounted through runtime/safepath.c and
runtime/safemount.c (openat2 in a root fd, mounts on fds).  Every other call
of open/mkdir/mount/... on a path string in these folders is listed in
fs_calls.allow with the reason its path is the host's own (berth's state
dir, a cgroup, a config path chosen by the admin).  A new call, or one moved
to another function, fails this check until someone has looked at where its
path comes from and said so in the list; a stale entry fails it too.

Usage: fs_calls.py [REPO_ROOT]   (exit 0 when clean)
"""
import os
import re
import sys

CALLS = ("open", "openat", "open_tree", "fopen", "creat", "mkdir", "mkdirat", "b_mkdir_p",
         "mount", "umount2", "chdir", "chroot", "mknod", "mknodat", "symlink", "symlinkat",
         "unlink", "unlinkat", "rmdir", "rename", "renameat", "truncate", "access", "stat",
         "lstat", "b_read_file", "b_write_atomic", "b_rm_rf", "opendir")
FOLDERS = ("runtime", "supervisor")
EXEMPT = {"runtime/safepath.c", "runtime/safemount.c"}

call_re = re.compile(r"(?<![\w.>])(%s)\s*\(" % "|".join(CALLS))
func_re = re.compile(r"^(?:static\s+|inline\s+|__attribute__\(\(.*?\)\)\s+)*[\w\s\*]+?\b(\w+)\s*\(")


def strip(line, in_comment):
    """Drop comments and string literals from one line (keeps call names)."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                return "".join(out), True
            i, in_comment = j + 2, False
        elif line.startswith("/*", i):
            in_comment, i = True, i + 2
        elif line.startswith("//", i):
            break
        elif line[i] == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append('""')
            i = j + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


def scan(root):
    found = set()
    for folder in FOLDERS:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            rel = f"{folder}/{name}"
            if not name.endswith(".c") or rel in EXEMPT:
                continue
            func, in_comment = None, False
            for raw in open(os.path.join(root, rel), encoding="utf-8"):
                line, in_comment = strip(raw.rstrip("\n"), in_comment)
                if line and not line[0].isspace() and line[0] not in "#{}":
                    m = func_re.match(line)
                    if m:
                        func = m.group(1)
                for m in call_re.finditer(line):
                    found.add((rel, func or "?", m.group(1)))
    return found


def load_allow(path):
    allowed = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            sys.exit(f"{path}:{n}: want 'FILE FUNCTION CALL why the path is the host's'")
        allowed[tuple(parts[:3])] = parts[3]
    return allowed


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    allow_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fs_calls.allow")
    found, allowed = scan(root), load_allow(allow_path)
    bad = sorted(found - set(allowed))
    stale = sorted(set(allowed) - found)
    for f, fn, c in bad:
        print(f"{f}: {fn}(): {c}() on a path by name: go through runtime/safepath.h, "
              f"or add '{f} {fn} {c} <why the path is the host's>' to tests/lint/fs_calls.allow")
    for f, fn, c in stale:
        print(f"tests/lint/fs_calls.allow: '{f} {fn} {c}' no longer occurs: remove it")
    print(f"fs-calls lint: {len(found)} calls checked, {len(bad)} unexplained, {len(stale)} stale")
    return 1 if bad or stale else 0


if __name__ == "__main__":
    sys.exit(main())
