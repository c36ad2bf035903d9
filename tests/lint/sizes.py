#!/usr/bin/env python3
"""No library file grows past MAX_FILE lines and no function body past
MAX_BODY lines (issue 10): a function that long does several things and
is split into named helpers; a file that long holds several modules.

Library code is common/ specs/ cgroups/ netns/ runtime/ supervisor/, .c
and .h files.  A function is a brace block at file level whose header ends
with ')' (prototypes and initialisers are not); its body is the lines
strictly between the line of its '{' and the line of its '}'.  Comments
and string literals are blanked first (csource.strip), so braces in them
do not count.

Exceptions go in sizes.allow, one a line:

    FILE why                  the file may be longer than MAX_FILE
    FILE FUNCTION() why       that function's body may be longer than MAX_BODY

An entry that no longer matches an oversized file or function is stale and
fails too, but only for folders present under REPO_ROOT, so a copy of one
folder can be checked alone.

Usage: sizes.py [--allow FILE] [REPO_ROOT]   (exit 0 when clean)
"""
import os
import re
import sys

from csource import strip

MAX_FILE = 600
MAX_BODY = 80
LIBRARY = ("common", "specs", "cgroups", "netns", "images", "metrics", "runtime", "supervisor")

directive_re = re.compile(r"^[ \t]*#(?:[^\n\\]|\\[\s\S])*", re.M)
name_re = re.compile(r"(\w+)\s*\($")


def blank_directives(code):
    """Preprocessor lines (with their continuations) turned into blanks, so
    a macro's braces are not taken for a block; line breaks stay."""
    return directive_re.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def drop_attributes(header):
    """The header without __attribute__((...)) groups, which may end it."""
    while True:
        i = header.find("__attribute__")
        if i < 0:
            return header
        j, depth = header.find("(", i), 0
        if j < 0:
            return header[:i]
        for k in range(j, len(header)):
            depth += {"(": 1, ")": -1}.get(header[k], 0)
            if depth == 0:
                break
        header = header[:i] + " " + header[k + 1:]


def function_name(header):
    """The name a definition header declares, or None when the text before
    a file-level '{' is not a function header (a struct, an initialiser)."""
    h = drop_attributes(header).strip()
    if not h.endswith(")") or "=" in h:
        return None
    depth = 0
    for k in range(len(h) - 1, -1, -1):    # back to the '(' of the parameters
        depth += {")": 1, "(": -1}.get(h[k], 0)
        if depth == 0:
            m = name_re.search(h[:k + 1])
            return m.group(1) if m else None
    return None


def functions(code):
    """(name, line of '{', line of '}') for each function definition."""
    depth, header_at, line, opened = 0, 0, 1, None
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            if depth == 0:
                name = function_name(code[header_at:i])
                opened = (name, line) if name else None
            depth += 1
        elif c == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                if opened:
                    yield opened[0], opened[1], line
                opened, header_at = None, i + 1
        elif c == ";" and depth == 0:
            header_at = i + 1


def check_file(root, rel):
    """Oversized things in one file: ((rel, None | function), line, size)."""
    text = open(os.path.join(root, rel), encoding="utf-8").read()
    nlines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    found = []
    if nlines > MAX_FILE:
        found.append(((rel, None), 1, nlines))
    for name, first, last in functions(blank_directives(strip(text))):
        body = last - first - 1
        if body > MAX_BODY:
            found.append(((rel, name), first, body))
    return found


def load_allow(path):
    """{(file, function or None): why}."""
    allowed = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        func = parts[1][:-2] if len(parts) > 1 and parts[1].endswith("()") else None
        why = parts[2:] if func else parts[1:]
        if len(parts) < 2 or not "".join(why).strip():
            sys.exit(f"{path}:{n}: want 'FILE why' or 'FILE FUNCTION() why'")
        allowed[(parts[0], func)] = " ".join(why)
    return allowed


def sources(root):
    for folder in LIBRARY:
        top = os.path.join(root, folder)
        for d, subdirs, files in os.walk(top):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, name), root).replace(os.sep, "/")


def describe(key, line, size):
    rel, func = key
    if func is None:
        return (f"{rel}: {size} lines, over {MAX_FILE}: split it into files by what the parts "
                f"do, or add '{rel} <why>' to tests/lint/sizes.allow")
    return (f"{rel}:{line}: {func}(): body of {size} lines, over {MAX_BODY}: split it into "
            f"named helpers, or add '{rel} {func}() <why>' to tests/lint/sizes.allow")


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    allow_path = os.path.join(here, "sizes.allow")
    if len(argv) > 1 and argv[0] == "--allow":
        allow_path, argv = argv[1], argv[2:]
    root = argv[0] if argv else os.path.join(here, "..", "..")
    allowed = load_allow(allow_path)
    problems, seen, nfiles = [], set(), 0
    for rel in sources(root):
        nfiles += 1
        for key, line, size in check_file(root, rel):
            seen.add(key)
            if key not in allowed:
                problems.append(describe(key, line, size))
    present = {k for k in allowed if os.path.isdir(os.path.join(root, k[0].split("/")[0]))}
    stale = sorted(present - seen, key=lambda k: (k[0], k[1] or ""))
    for rel, func in stale:
        what = f"{rel} {func}()" if func else rel
        problems.append(f"tests/lint/sizes.allow: '{what}' is no longer oversized: remove it")
    for p in problems:
        print(p)
    print(f"sizes lint: {nfiles} files checked, {len(problems) - len(stale)} problems, "
          f"{len(stale)} stale, {len(seen & set(allowed))} allowed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
