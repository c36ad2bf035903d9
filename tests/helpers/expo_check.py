#!/usr/bin/env python3
"""Check a Prometheus text exposition (0.0.4) for what `promtool check
metrics` does not: the text ends with a newline; each family's HELP and
TYPE come once, before its samples, and its lines are contiguous; every
series (name + labels) is unique; a histogram's buckets have increasing
`le`, are cumulative, and end with le="+Inf" equal to _count; no sample
carries a timestamp; no `job`/`instance` label (Prometheus' own).

Usage: expo_check.py < body      (exit 0 clean, 1 with one line per problem)
"""
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def labels_of(text):
    out, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            raise ValueError("bad labels {%s}" % text)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out


def family_of(name, types):
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf) and types.get(name[: -len(suf)]) == "histogram":
            return name[: -len(suf)]
    return name


def check_histograms(hist, problems):
    for (fam, key), buckets in hist.items():
        les = [float(le) for le, _ in buckets["le"]]
        counts = [c for _, c in buckets["le"]]
        if les != sorted(les) or (les and les[-1] != float("inf")):
            problems.append("%s%s: buckets not increasing or no +Inf" % (fam, key))
        if counts != sorted(counts):
            problems.append("%s%s: buckets not cumulative" % (fam, key))
        if counts and buckets.get("count") != counts[-1]:
            problems.append("%s%s: +Inf %s != _count %s" % (fam, key, counts[-1], buckets.get("count")))


def main():
    body = sys.stdin.read()
    problems, types, seen_fams, series, hist = [], {}, [], set(), {}
    if body and not body.endswith("\n"):
        problems.append("no final newline")
    for n, line in enumerate(body.splitlines(), 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line[2:6], line.split(" ")[2]
            if (kind, name) in types.get("_headers", set()):
                problems.append("line %d: second %s for %s" % (n, kind, name))
            types.setdefault("_headers", set()).add((kind, name))
            if kind == "TYPE":
                types[name] = line.split(" ")[3]
            if seen_fams and seen_fams[-1] != name and name in seen_fams:
                problems.append("line %d: family %s split" % (n, name))
            if not seen_fams or seen_fams[-1] != name:
                seen_fams.append(name)
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append("line %d: not a sample without timestamp: %s" % (n, line))
            continue
        name, labels, value = m.group(1), labels_of(m.group(3) or ""), m.group(4)
        fam = family_of(name, types)
        if not seen_fams or seen_fams[-1] != fam:
            problems.append("line %d: %s outside its family's block" % (n, name))
        if any(k in ("job", "instance") for k, _ in labels):
            problems.append("line %d: job/instance label" % n)
        key = (name, tuple(sorted(labels)))
        if key in series:
            problems.append("line %d: duplicate series %s" % (n, line))
        series.add(key)
        if types.get(fam) == "histogram":
            rest = tuple(sorted((k, v) for k, v in labels if k != "le"))
            h = hist.setdefault((fam, rest), {"le": []})
            if name.endswith("_bucket"):
                h["le"].append((dict(labels)["le"].replace("+Inf", "inf"), float(value)))
            elif name.endswith("_count"):
                h["count"] = float(value)
    check_histograms(hist, problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
