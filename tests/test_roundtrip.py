"""The .bib read back: bibtexparser 1.4 (v1 API) gives the model's keys, titles, authors, years.

LaTeX is turned back into text with pylatexenc's latex2text (three macros added that its table
lacks or renders differently), so the comparison is with the model's own strings.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkit.model import Item, Name, year
from refkit.writers import FORMATS, latex
from tests.test_compile import MISSING, bbl_keys, bibtex_problems, compile_bibtex
from tests.test_golden import TRICKY

DIALECTS = ("bibtex", "biblatex")


@functools.cache
def _decoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    ctx = get_default_latex_context_db()
    macros = [("textbraceleft", "{"), ("textbraceright", "}"), ("textasciicircum", "^")]
    macros += [("textless", "<"), ("textgreater", ">"), ("textbar", "|")]
    macros += [("quotesinglbase", "\u201a"), ("relax", "")]
    specs = [MacroTextSpec(m, t) for m, t in macros] + [MacroTextSpec("mbox", "%s")]
    ctx.add_context_category("refkit", prepend=True, macros=specs)
    return LatexNodes2Text(latex_context=ctx, math_mode="verbatim", strict_latex_spaces=True)


def decode(text: str) -> str:
    return _decoder().latex_to_text(text)


def parse(text: str) -> list[dict]:
    parser = bibtexparser.bparser.BibTexParser(
        common_strings=True, ignore_nonstandard_types=False, interpolate_strings=False
    )
    return bibtexparser.loads(text, parser=parser).entries


def expected_author(n: Name) -> str:
    if "literal" in n:
        return _as_name(latex.clean(n["literal"]))
    family = " ".join(x for x in (n.get("non-dropping-particle"), n.get("family")) if x)
    parts = [x for x in (family, n.get("suffix"), n.get("given")) if x and latex.clean(x)]
    return ", ".join(_as_name(latex.clean(p)) for p in parts)


def _as_name(text: str) -> str:
    """What bibtex.name makes of a part: commas as U+201A, one hyphen, one apostrophe."""
    text = re.sub(r"[-\u2010-\u2015]+", "-", text.replace(",", "\u201a"))
    return re.sub(r"[`']+", "'", text)


def _shortened(n: Name, ascii_only: bool) -> bool:
    """Whether the writer shortens a part of `n` (latex.bounded: too long for BibTeX labels)."""
    family = " ".join(x for x in (n.get("non-dropping-particle"), n.get("family")) if x)
    parts = [n.get("literal", ""), family, n.get("given", ""), n.get("suffix", "")]
    parts = [_as_name(p) for p in parts]
    sizes = [len(latex.escape(p, ascii_only)) + p.count("[") * 2 + p.count("]") * 2 for p in parts]
    return max(sizes) > latex.LABEL_LIMIT


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def check_round_trip(items: list[Item], dialect: str) -> None:
    text = FORMATS[dialect].write(items)
    assert balanced(text)
    entries = {e["ID"]: e for e in parse(text)}
    assert sorted(entries) == sorted(i["citation-key"] for i in items)
    for item in items:
        entry = entries[item["citation-key"]]
        assert decode(entry["title"]) == latex.clean(item["title"])
        year_field = entry.get("year") or entry["date"][:4]
        assert int(year_field) == year(item)
        if item.get("author") and not any(
            _shortened(n, dialect == "bibtex") for n in item["author"]
        ):
            authors = [expected_author(n) for n in item["author"]]
            assert decode(entry["author"]) == " and ".join(authors)
        elif item.get("author"):
            assert "…" in decode(entry["author"])  # a part too long for BibTeX labels
        else:
            assert "author" not in entry


@pytest.fixture(scope="module")
def full_list() -> list[Item]:
    from refkit.normalize import load_items

    return load_items(Path(__file__).resolve().parent.parent / "meta")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_full_list_round_trip(full_list: list[Item], dialect: str) -> None:
    check_round_trip(full_list, dialect)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tricky_round_trip(dialect: str) -> None:
    check_round_trip(TRICKY, dialect)


def test_round_trip_check_can_fail() -> None:
    item = dict(TRICKY[0], title="Changed")
    text = FORMATS["bibtex"].write([item])  # type: ignore[list-item]
    entry = parse(text)[0]
    assert decode(entry["title"]) != latex.clean(TRICKY[0]["title"])


# --- property: random titles and names ------------------------------------------------------

# Latin letters with accents, LaTeX specials, braces (unbalanced too), backslashes, newlines.
LATIN = "abcXYZ éüñçøßÅŁžİ&%$#_{}~^\\<>|\"'@,.:;-–—“”\n\t0123456789"
TEXT = st.text(alphabet=LATIN, min_size=1, max_size=40).filter(lambda s: latex.clean(s) != "")
ANY_TEXT = st.text(min_size=1, max_size=40).filter(lambda s: latex.clean(s) != "")
NAME = st.one_of(
    st.builds(lambda f, g: {"family": f, "given": g}, TEXT, TEXT),
    st.builds(lambda f, g, p: {"family": f, "given": g, "non-dropping-particle": p}, TEXT, TEXT, st.sampled_from(["van der", "de", "von"])),
    st.builds(lambda f, g: {"family": f, "given": g, "suffix": "Jr."}, TEXT, TEXT),
    st.builds(lambda lit: {"literal": lit}, TEXT),
)  # fmt: skip


def _item(n: int, title: str, authors: list[Name], short: str) -> Item:
    item: Item = {
        "id": f"key{n}",
        "citation-key": f"key{n}",
        "type": ["paper-conference", "article-journal", "article", "post-weblog", "software"][
            n % 5
        ],
        "title": title,
        "issued": {"date-parts": [[2000 + n]]},
        "container-title": title[::-1] if n % 5 != 2 else "",
        "URL": "https://example.org/a%20b#c",
        "custom": {
            "record_id": f"r{n}",
            "keywords": ["kv_cache"],
            "code_url": "https://x.org/?a=1&b=%",
        },
    }
    if not item["container-title"]:
        del item["container-title"]
    if authors:
        item["author"] = authors
    if short:
        item["title-short"] = short
    return item


ITEMS = st.lists(
    st.tuples(TEXT, st.lists(NAME, max_size=3), st.one_of(st.just(""), TEXT)),
    min_size=1,
    max_size=8,
).map(lambda rows: [_item(i, *row) for i, row in enumerate(rows)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ITEMS, st.sampled_from(DIALECTS))
def test_random_latin_items_round_trip(items: list[Item], dialect: str) -> None:
    check_round_trip(items, dialect)


@settings(max_examples=200, deadline=None)
@given(
    ANY_TEXT,
    st.lists(st.builds(lambda f, g: {"family": f, "given": g}, ANY_TEXT, ANY_TEXT), max_size=2),
)
def test_any_unicode_parses_and_stays_balanced(title: str, authors: list[Name]) -> None:
    for dialect in DIALECTS:
        text = FORMATS[dialect].write([_item(0, title, authors, "")])
        assert balanced(text)
        (entry,) = parse(text)
        assert entry["ID"] == "key0" and entry["year"] if dialect == "bibtex" else entry["date"]
        if dialect == "bibtex":
            assert text.isascii()
        elif all(c.isascii() or latex._typeset(c) for c in latex.clean(title)):
            assert decode(entry["title"]) == latex.clean(title)  # UTF-8 where pdflatex reads it
    latex.warn_missing()


@pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"), reason=f"needs TeX Live; missing: {MISSING}"
)
def test_random_items_compile(tmp_path: Path) -> None:
    """One sampled batch of random Latin items compiles under plainnat with 0 errors."""
    examples: list[list[Item]] = []

    @settings(max_examples=10, deadline=None, database=None, derandomize=True)
    @given(ITEMS)
    def collect(items: list[Item]) -> None:
        examples.append(items)

    collect()
    batch = [dict(i, id=f"k{n}", **{"citation-key": f"k{n}"}) for n, i in enumerate(
        item for items in examples for item in items
    )][:10]  # fmt: skip
    assert len(batch) >= 5
    bib = FORMATS["bibtex"].write(batch)  # type: ignore[arg-type]
    out = compile_bibtex(tmp_path, bib, "plainnat")
    assert "error message" not in out.blg
    assert not re.search(r"^! ", out.log, re.MULTILINE)
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in batch}
    assert bibtex_problems(out.blg) == []
