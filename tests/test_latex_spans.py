"""latex._as_words finds a title's short name "where it stands as words" without compiling a
regular expression per title; the regular expression it replaces is the reference."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from refkit.writers import latex

CHARS = st.sampled_from(list("aAb_1 -:é²"))  # word, non-word and Unicode word characters


def _reference(title: str, short: str) -> list[tuple[int, int]]:
    pattern = r"(?<!\w)" + re.escape(short) + r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, title)] if short else []


@given(st.text(CHARS, max_size=16), st.text(CHARS, max_size=3))
def test_as_words_finds_what_the_regex_finds(title: str, short: str) -> None:
    assert latex._as_words(title, short) == _reference(title, short)


def test_as_words_examples() -> None:
    title = "LoRA and LoRAX, xLoRA, LoRA_b, (LoRA), é-LoRA, LoRA²"
    assert latex._as_words(title, "LoRA") == [(0, 4), (32, 36), (41, 45)]
    assert latex._as_words("aaa", "aa") == []  # 'aa' inside a word, twice
    assert latex._as_words("a-a", "a") == [(0, 1), (2, 3)]


# --- _spans and needs_protection: linear and fast, checked against the code they replaced ---

SLOT = chr(latex._SLOT)  # a math span's stand-in while words are found
TITLE_CHARS = st.sampled_from(list("aAbZ19 -/:()\"'.,é²ǅϒΣ") + [SLOT, "\t"])


def _reference_protection(word: str) -> bool:
    for part in re.split(r"[-/]", word):
        if any(c.isupper() for c in part[1:]):
            return True
        if any(c.isdigit() for c in part) and any(c.isupper() for c in part):
            return True
    return False


def _reference_spans(title: str, short: str) -> list[tuple[int, int]]:
    """latex._spans as it was: every word checked against every range found before it."""
    spans = _reference(title, short)
    for m in re.finditer(r"\S+", title):
        start, end = m.span()
        word = m.group()
        start += len(word) - len(word.lstrip(latex._TRIM))
        end -= len(word) - len(word.rstrip(latex._TRIM))
        inside = any(s <= start and end <= e for s, e in spans)
        core = "".join("X" if c == SLOT else c for c in title[start:end])
        if start < end and not inside and _reference_protection(core):
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


@given(st.text(TITLE_CHARS, max_size=12))
def test_needs_protection_is_what_it_was(word: str) -> None:
    assert latex.needs_protection(word) == _reference_protection(word)


@given(st.text(TITLE_CHARS, max_size=40), st.text(TITLE_CHARS, max_size=6), st.booleans())
def test_spans_are_what_they_were(title: str, short: str, from_title: bool) -> None:
    if from_title and title:  # a short name that occurs in the title, as most do
        short = title[len(title) // 3 : len(title) // 3 + len(short)]
    assert latex._spans(title, short) == _reference_spans(title, short)


def test_spans_of_a_long_title_with_its_short_name_throughout() -> None:
    title = " ".join(["LoRA", "LoRA-wise", "(LoRA),", "GPTQ", "plain", "xLoRA"] * 100)
    assert latex._spans(title, "LoRA") == _reference_spans(title, "LoRA")


def test_a_huge_marked_up_title_is_written_whole() -> None:
    """20,000 words that each need braces (the old `_spans` compared every word with every
    range before it: 200 million comparisons, about 40 s of `export`; now one pass)."""
    words = [f"GPT{i}" for i in range(20_000)]
    out = latex.title(" ".join(words), "GPT7", ascii_only=True)
    assert out == " ".join("{" + w + "}" for w in words)
