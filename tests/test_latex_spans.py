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
