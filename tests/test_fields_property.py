"""Property: every string field of an accepted record (title, abbr, url, authors, institutions,
venue label, code type and URL, note, keywords) may hold anything: LaTeX specials, unbalanced
braces, backslashes, TeX math, control characters, combining marks, emoji, CJK, very long text.
No traceback in any writer; every format parses in its real reader; and a batch of such records
compiles in all three routes (bibtex plainnat, bibtex IEEEtran, biber+biblatex on both dialects,
pdflatex with T1 fonts) with 0 errors."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import jsonschema
import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkit import texmath
from refkit.model import Item
from refkit.normalize import normalize
from refkit.prototxt import Record
from refkit.writers import FORMATS, latex
from refkit.zotero.mapping import to_zotero
from tests.test_compile import MISSING, bbl_keys, compile_biber, compile_bibtex
from tests.test_roundtrip import balanced, parse

SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text(encoding="utf-8"))

# Pieces fuzzed text is made of: plain words, every LaTeX special, math (valid and not), URL
# syntax, controls, combining marks, emoji, CJK, Greek, letters pylatexenc writes as macros.
PIECES = [
    "a", "Zq", "GPTQ", "LoRA", "x1", " ", "  ", "-", "--", "``", "''", ",,", "?`", ".", ":", ",",
    "\\", "{", "}", "{}", "$", "&", "%", "#", "_", "^", "~", "<", ">", "|", '"', "'", "@", "/",
    "\\textbf{x}", "\\foo", "\\\\", "\\$", "\\{", "%7B", "%zz", "%", "?", "=", "[", "]", "*",
    "$x_2$", "H$_2$O", "$\\infty$", "$O(n\\log n)$", "$x^2^3$", "$\\frac{1}{2}$", "$\\text{a}$",
    "$$", "$ x$", "$\\mathbb{R}^d$", "$\\alpha$",
    "https://", "http://x.org/a", "ftp://h/", "mailto:a@b", "//", "#x", "?q=1&r=2",
    "\x00", "\x01", "\t", "\n", "\r", "\x7f", "\x85", "\u200b", "\u202e", "\ufeff", "\u2028",
    "\u0301", "e\u0301", "\u0308\u0301", "😀", "👩‍💻", "北京", "한국어", "αβγ", "Ωμ", "ℝ", "∑",
    "é", "ü", "ñ", "ç", "ø", "ß", "Å", "Ł", "ž", "ı", "İ", "ﬁ", "ŉ", "Ǆ", "\u00a0", "€", "–", "—",
    "“", "”", "…", "฿", "ǐ", "ʒ",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
LONG = st.builds(lambda piece, n: piece * n, TEXT, st.integers(20, 60))
FIELD = st.one_of(TEXT, TEXT, TEXT, LONG, st.just(""))
URL = st.one_of(FIELD, TEXT.map(lambda t: "https://example.org/" + t))
LABELS = ["ICLR", "NeurIPS workshop", "EMNLP Findings", "Findings of NAACL", "TPAMI", "arXiv",
          "Blog", "github", "", "ICLR oral", "KDD"]  # fmt: skip
KEYWORD = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


def _record(n: int, f: dict[str, object]) -> Record:
    return Record(
        path=Path(f"meta/2024/r{n}.prototxt"),
        rel=f"2024/r{n}.prototxt",
        id=f"2024/r{n}",
        **f,  # type: ignore[arg-type]
    )


RECORD_FIELDS = st.fixed_dictionaries(
    {
        "title": TEXT.filter(lambda t: t.strip() != ""),  # the reader refuses an empty title
        "abbr": FIELD,
        "url": URL,
        "authors": st.lists(FIELD, max_size=3).map(tuple),
        "institutions": st.lists(FIELD, max_size=2).map(tuple),
        "where": st.one_of(st.sampled_from(LABELS), FIELD),
        "year": st.integers(1, 9999),
        "code_type": FIELD,
        "code_url": URL,
        "note_url": URL,
        "keywords": st.lists(KEYWORD, max_size=3).map(tuple),
    }
)


def export_all(records: list[Record]) -> tuple[list[Item], dict[str, str]]:
    """Normalize and write every format; check each output in its real reader."""
    items, _ = normalize(records, {})
    out = {name: fmt.write(items) for name, fmt in FORMATS.items()}
    keys = sorted(i["citation-key"] for i in items)
    for dialect in ("bibtex", "biblatex"):
        assert balanced(out[dialect])
        assert sorted(e["ID"] for e in parse(out[dialect])) == keys
    assert out["bibtex"].isascii()
    data = json.loads(out["csl-json"])
    jsonschema.validate(data, SCHEMA)
    assert sorted(r["id"] for r in rispy.loads(out["ris"])) == keys
    for item in items:
        to_zotero(item)
        to_zotero(item, native=False)
    return items, out


def _no_tex_from_math(record: Record, items: list[Item], out: dict[str, str]) -> None:
    """A title whose only `$` and backslashes are math reaches CSL, RIS and Zotero without them."""
    pieces = texmath.split(latex.clean(record.title))
    text = "".join(p for p in pieces if isinstance(p, str))
    if len(pieces) == 1 or "$" in text or "\\" in text:
        return
    (item,) = items
    csl_title = json.loads(out["csl-json"])[0]["title"]
    ris_title = rispy.loads(out["ris"])[0]["title"]
    for title in (csl_title, ris_title, to_zotero(item)["title"]):
        assert "$" not in title and "\\" not in title, title


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORD_FIELDS)
def test_any_record_exports_in_every_format(fields: dict[str, object]) -> None:
    record = _record(0, fields)
    logging.disable(logging.WARNING)  # refkit warns about such records; not this test's concern
    try:
        items, out = export_all([record])
    finally:
        logging.disable(logging.NOTSET)
    _no_tex_from_math(record, items, out)


# Records a fuzz found hard, kept as fixed examples next to the sampled ones.
HARD = [
    dict(title="x", url="https://x.org/a b\\c^d{e}|😀", code_url="https://github.com/a_b/c_d%"),
    dict(title="}{\\", abbr="{", authors=("{ \\", "and and", "A, B, C, D"), where="\\"),
    dict(title="H$_2$O $x^2^3$ $\\foo$ 50% #1 ~ ^", authors=("Vladimír Boža",), where="ICLR"),
    dict(title="😀 北京 ŉ e\u0301 \u0301", authors=("北 京",), institutions=("😀",), where="Blog"),
    dict(title="a" * 3000, abbr="b" * 500, authors=("c" * 400,), where="d" * 300),
]


@pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"), reason=f"needs TeX Live; missing: {MISSING}"
)
def test_fuzzed_records_compile_in_all_routes(tmp_path: Path) -> None:
    """One batch: 40 sampled records plus the hard ones, compiled together in every route."""
    sampled: list[dict[str, object]] = []

    @settings(max_examples=40, deadline=None, database=None, derandomize=True)
    @given(RECORD_FIELDS)
    def collect(fields: dict[str, object]) -> None:
        sampled.append(fields)

    collect()
    base = dict(url="", abbr="", authors=(), institutions=(), where="", year=2024, code_type="",
                code_url="", note_url="", keywords=())  # fmt: skip
    rows = [*sampled, *({**base, **h} for h in HARD)]
    records = [_record(n, row) for n, row in enumerate(rows)]
    logging.disable(logging.WARNING)
    try:
        items, out = export_all(records)
    finally:
        logging.disable(logging.NOTSET)
    keys = {i["citation-key"] for i in items}
    assert len(keys) == len(records) >= 40
    for style in ("plainnat", "IEEEtran"):
        got = compile_bibtex(tmp_path / style, out["bibtex"], style)  # pdflatex stops on an error
        assert "error message" not in got.blg, got.blg
        assert not re.search(r"^! ", got.log, re.MULTILINE)
        assert bbl_keys(got.bbl) == keys
    for dialect in ("bibtex", "biblatex"):
        got = compile_biber(tmp_path / f"biber-{dialect}", out[dialect])
        assert not re.search(r"> ERROR - ", got.blg), got.blg
        assert not re.search(r"^! ", got.log, re.MULTILINE)
        assert bbl_keys(got.bbl) == keys
