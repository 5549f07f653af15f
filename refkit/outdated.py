"""`refkit outdated --write`: set `pub.where` and `pub.year` of a record file in place.

Only the two values change; every other byte (comments, order, spacing, quotes, the other
messages) stays, so the maintainer reviews a plain diff (recordfile.set_values).
"""

from __future__ import annotations

from pathlib import Path

from .files import write_atomic
from .recordfile import set_values


def rewrite(text: str, where: str, year: int, path: Path) -> str:
    """`text` with the pub message's where and year set; InputError names what is missing."""
    return set_values(text, "pub", {"where": where, "year": year}, path)


def write(path: Path, where: str, year: int) -> bool:
    """Rewrite one record file (atomically); False when it already says so."""
    old = path.read_bytes().decode("utf-8")  # no newline translation: CRLF files stay CRLF
    new = rewrite(old, where, year, path)
    if new == old:
        return False
    write_atomic(path, new)
    return True
