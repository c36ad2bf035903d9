"""What the lints in tests/lint/ share: C source with comments and literals
blanked, the function a line belongs to, and the allow lists
("FILE FUNCTION CALL why")."""
import re
import sys

# A definition or declaration starting at column 0: its name.
func_re = re.compile(r"^(?:static\s+|inline\s+|__attribute__\(\(.*?\)\)\s+)*[\w\s\*]+?\b(\w+)\s*\(")


def strip(text):
    """The source with comments blanked and string and character literals
    emptied; line breaks stay where they were."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c + "\n" * text.count("\n", i, j))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def calls_by_function(code_lines, call_re):
    """(line number, function, call) for each match of call_re in stripped
    code lines, the function being the last definition seen at column 0."""
    func = None
    for n, line in enumerate(code_lines, 1):
        if line and not line[0].isspace() and line[0] not in "#{}":
            m = func_re.match(line)
            if m:
                func = m.group(1)
        for m in call_re.finditer(line):
            yield n, func or "?", m.group(1)


def load_allow(path, why):
    """{(file, function, call): reason}; `why` says what a reason must tell."""
    allowed = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            sys.exit(f"{path}:{n}: want 'FILE FUNCTION CALL {why}'")
        allowed[tuple(parts[:3])] = parts[3]
    return allowed
