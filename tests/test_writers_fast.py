"""The writers' fast paths give what the general code gives: the CSL-JSON encoder is
json.dumps(indent=2) byte for byte; a plain name part, and text with nothing to escape, are what
the full escaping writes; a RIS value on one line is what the regular expression made of it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refkit.writers import bibtex, csljson, latex, ris


@pytest.fixture(autouse=True, scope="module")
def _forget_warnings() -> Iterator[None]:
    """The escaping counts characters written as "?" (and shortened labels) until the next
    warning; these tests write many and warn of none: leave no count to a later test."""
    yield
    latex._missing.clear()
    latex._shortened[0] = 0


SCALARS = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none()), inner, max_size=2),
    ),
    max_leaves=20,
)


@given(JSON, st.sampled_from(["", "  ", "    "]))
def test_dumps_is_json_dumps_with_indent_2(value: Any, indent: str) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)
    assert csljson.dumps(value, indent) == expected


def test_dumps_examples() -> None:
    item = {"id": "a", "author": [{"family": "Bóža", "given": "Ö"}], "issued": {"x": [[2024]]}}
    item |= {"custom": {"keywords": [], "tex": {}, "q": 'a"\\\n\u2028<'}, "n": -3}
    assert csljson.dumps(item) == json.dumps(item, ensure_ascii=False, indent=2)
    assert (
        csljson.dumps({"a": True, "b": None, "c": 1.5})
        == '{\n  "a": true,\n  "b": null,\n  "c": 1.5\n}'
    )


PART_CHARS = st.sampled_from(list("aZ09. '-,`\"{}–é\\") + ["and", "  ", "--", "''"])


@given(st.lists(PART_CHARS, max_size=10).map("".join), st.booleans(), st.booleans())
def test_a_plain_name_part_is_written_as_the_full_escaping_writes_it(
    raw: str, ascii_only: bool, whole: bool
) -> None:
    assert bibtex._part(raw, ascii_only, whole) == bibtex._any_part(raw, ascii_only, whole)


def test_plain_name_parts_take_the_fast_path() -> None:
    for raw in ("Smith", "O'Neil", "Jean-Luc", "van der Berg", "J. R. R.", "Tom and Jerry"):
        assert bibtex._SIMPLE_PART.fullmatch(raw)
        assert bibtex._part(raw, True) == bibtex._any_part(raw, True, False)
    assert bibtex._part("Tom and Jerry", True) == "{Tom and Jerry}"


def _reference_plain_latex(text: str, ascii_only: bool) -> str:
    text = latex._LIGATURE.sub("{}", text.translate(latex._SPECIALS_TABLE))
    return text if text.isascii() else latex._non_ascii(text, ascii_only)


LATEX_CHARS = st.sampled_from([*"aZ0 .:;-,'`?!\"@/()[]*+=", *latex.SPECIALS, "é", "α", "😀"])


@given(st.text(LATEX_CHARS, max_size=12), st.booleans())
def test_text_with_nothing_to_escape_is_written_as_it_is(text: str, ascii_only: bool) -> None:
    assert latex._plain_latex(text, ascii_only) == _reference_plain_latex(text, ascii_only)


@given(st.text(st.sampled_from([*"a .", "\t", "\n", "\r", "\x85", "\xa0", "\u2028", "\x1f"])))
def test_ris_values_on_one_line_as_before(text: str) -> None:
    assert ris._one_line(text) == re.sub(r"\s+", " ", text).strip()


TITLE_PIECES = st.sampled_from(
    ["GPTQ", "LoRA", "a", " ", ":", "-", "--", "$x_2$", "H$_2$O", "{", "\\"]
)


@given(st.lists(TITLE_PIECES, max_size=8).map("".join), st.sampled_from(["", "LoRA", "$x_2$"]))
def test_an_ascii_title_is_written_once_for_both_dialects(text: str, short: str) -> None:
    with latex.sharing_titles():
        assert latex.title(text, short, True) == latex._title(text, short, True)
        assert latex.title(text, short, False) == latex._title(text, short, False)
        assert latex._shared == {(text, short): latex._title(text, short, True)}
    assert latex._shared is None
