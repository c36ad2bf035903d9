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

from csource import calls_by_function, load_allow, strip

CALLS = ("open", "openat", "open_tree", "fopen", "creat", "mkdir", "mkdirat", "b_mkdir_p",
         "mount", "umount2", "chdir", "chroot", "mknod", "mknodat", "symlink", "symlinkat",
         "unlink", "unlinkat", "rmdir", "rename", "renameat", "truncate", "access", "stat",
         "lstat", "b_read_file", "b_write_atomic", "b_rm_rf", "opendir")
FOLDERS = ("runtime", "supervisor")
EXEMPT = {"runtime/safepath.c", "runtime/safemount.c"}

call_re = re.compile(r"(?<![\w.>])(%s)\s*\(" % "|".join(CALLS))


def scan(root):
    found = set()
    for folder in FOLDERS:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            rel = f"{folder}/{name}"
            if not name.endswith(".c") or rel in EXEMPT:
                continue
            code = strip(open(os.path.join(root, rel), encoding="utf-8").read()).split("\n")
            for _, func, call in calls_by_function(code, call_re):
                found.add((rel, func, call))
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    allow_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fs_calls.allow")
    found, allowed = scan(root), load_allow(allow_path, "<why the path is the host's>")
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
