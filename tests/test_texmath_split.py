"""texmath.split finds math spans in one pass over the dollars (a hostile title of many `$`
must not take minutes); the search it replaces, which looked through every later dollar for
each opening's closing, is the reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refkit import texmath
from refkit.writers import latex


def _reference(text: str) -> list[str | texmath.Math]:
    def dollar(pos: int) -> int:
        while (i := text.find("$", pos)) >= 0:
            after = text[i + 1 : i + 2]
            if (i == 0 or text[i - 1] != "\\") and after.strip() and after != "$":
                return i
            pos = i + 1
        return -1

    def closing(i: int) -> int:
        pos = i + 1
        while (j := text.find("$", pos)) >= 0:
            if text[j - 1] != "\\" and text[j - 1].strip() and not text[j + 1 : j + 2].isdigit():
                return j
            pos = j + 1
        return -1

    if "$" not in text:
        return [text]
    out: list[str | texmath.Math] = []
    start = pos = 0
    while (i := dollar(pos)) >= 0:
        j = closing(i)
        math = texmath.parse(text[i + 1 : j]) if j > 0 else None
        if math is None:
            pos = i + 1
            continue
        if i > start:
            out.append(text[start:i])
        out.append(math)
        start = pos = j + 1
    if start < len(text):
        out.append(text[start:])
    return out


PIECES = ["$", "$", "\\$", "\\", "x", "H", " ", "2", "_", "^", "{", "}", "\\alpha", "\\text{a $}",
          "\\text{b}", "\\frac", "$x$", "$5", "5$", "$ ", " $", "\\\\", "é", "'"]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_split_finds_what_the_old_search_found(text: str) -> None:
    assert texmath.split(text) == _reference(text)


def test_many_dollars_that_open_nothing() -> None:
    """20,000 openings, and no `$` closes any (each follows a space): the old search made
    200 million steps; the title is plain text, escaped as such."""
    text = "$x " * 20_000
    assert texmath.split(text) == [text]
    assert latex.title(text).count(r"\$") == 20_000


def test_many_openings_before_one_closing() -> None:
    """Every opening but the last has the same closing far away, with a `$` in between: no
    math, and no text as long as the title parsed per opening; the last is math."""
    text = "$x " * 20_000 + "$x$"
    parts = texmath.split(text)
    assert len(parts) == 2 and parts[0] == "$x " * 20_000
    assert isinstance(parts[1], texmath.Math) and parts[1].tex == "x"
    short = "$x " * 200 + "$x$"
    assert texmath.split(short) == _reference(short)
