#!/usr/bin/env python3
"""berth-annotations(7) from the "## berth annotations" section of
docs/pod-spec.md (its one source): the opening paragraph and the table.

    annotations.py docs/pod-spec.md VERSION > berth-annotations.7
"""
import re
import sys


def roff(text):
    """Markdown inline text as roff: code in bold, links as their text."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"`([^`]+)`", lambda m: "\\fB" + m.group(1).replace("-", "\\-") + "\\fR", text)
    return text.replace("≤", "<=")


def section(md):
    m = re.search(r"^## berth annotations\n(.*?)(?=^## )", md, re.S | re.M)
    if not m:
        sys.exit("annotations.py: no '## berth annotations' section")
    return m.group(1)


def main():
    md = open(sys.argv[1], encoding="utf-8").read()
    body = section(md)
    intro = " ".join(line.strip() for line in body.split("\n\n")[0].strip().splitlines())
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    if not rows:
        sys.exit("annotations.py: the annotations table is empty")
    out = [f'.TH berth-annotations 7 "" "berth {sys.argv[2]}" "Miscellaneous"',
           ".SH NAME", "berth-annotations \\- the berth.dev/ annotations of a pod manifest",
           ".SH DESCRIPTION", roff(intro), ".SH ANNOTATIONS"]
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        name, value, default, notes = (cells + ["", "", "", ""])[:4]
        out += [".TP", roff(name), "Value: " + roff(value) + ".", ".br",
                "Default: " + roff(default) + ".", ".br", roff(notes)]
    out += [".SH SEE ALSO", ".BR berth (8),", ".BR berth\\-pod (8)"]
    for line in out:
        print("\\&" + line if line.startswith("'") else line)


main()
