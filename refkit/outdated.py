"""`refkit outdated --write`: set `pub.where` and `pub.year` of a record file in place.

Only the two values change; every other byte (comments, order, spacing, quotes, the other
messages) stays, so the maintainer reviews a plain diff.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError
from .files import write_atomic

_BLOCK = re.compile(r"(?m)^[ \t]*pub[ \t]*:?[ \t]*([{<])")
_WHERE = re.compile(r"""\bwhere[ \t]*:[ \t]*(["'])((?:\\.|(?!\1).)*)\1""")
_YEAR = re.compile(r"\byear[ \t]*:[ \t]*(-?\d+)")


def _comments(text: str) -> list[tuple[int, int]]:
    """Spans of `# ...` comments (a `#` outside a quoted string, to the end of its line)."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        quote = ""
        for i, ch in enumerate(line):
            if quote:
                if ch == "\\":
                    continue
                if ch == quote and (i == 0 or line[i - 1] != "\\"):
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                spans.append((pos + i, pos + len(line)))
                break
        pos += len(line)
    return spans


def _find(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    comments = _comments(text)
    for m in pattern.finditer(text, start, end):
        if not any(a <= m.start() < b for a, b in comments):
            return m
    return None


def rewrite(text: str, where: str, year: int, path: Path) -> str:
    """`text` with the pub message's where and year set; InputError names what is missing."""
    comments = _comments(text)
    block = next(
        (m for m in _BLOCK.finditer(text) if not any(a <= m.start() < b for a, b in comments)), None
    )
    if block is None:
        raise InputError(f"{path}: no `pub {{ ... }}` message; add one with `where` and `year`")
    close = "}" if block.group(1) == "{" else ">"
    end = text.find(close, block.end())
    if end < 0:
        raise InputError(f"{path}: the `pub` message is not closed")
    spans = []
    w = _find(_WHERE, text, block.end(), end)
    y = _find(_YEAR, text, block.end(), end)
    line = text.count("\n", 0, block.start()) + 1
    if w is None or y is None:
        missing = "pub.where" if w is None else "pub.year"
        raise InputError(f"{path}:{line}: field {missing} is missing; add it, then rerun")
    value = where.replace("\\", "\\\\").replace(w.group(1), "\\" + w.group(1))
    spans.append((w.start(2), w.end(2), value))
    spans.append((y.start(1), y.end(1), str(year)))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def write(path: Path, where: str, year: int) -> bool:
    """Rewrite one record file (atomically); False when it already says so."""
    old = path.read_bytes().decode("utf-8")  # no newline translation: CRLF files stay CRLF
    new = rewrite(old, where, year, path)
    if new == old:
        return False
    write_atomic(path, new)
    return True
