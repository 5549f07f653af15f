"""The writers: registry, LaTeX escaping and protection, names, types, and the contract test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy

from refkit.errors import InputError
from refkit.model import Item, year
from refkit.writers import FORMATS, bibtex, for_suffix, get, latex, ris
from tests.test_golden import TRICKY

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "csl-data.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_list() -> list[Item]:
    from refkit.normalize import load_items

    items = load_items(ROOT / "meta")
    assert len(items) == 124
    return items


# --- registry -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        pytest.param("bibtex", "bibtex", id="bibtex"),
        pytest.param("bib", "bibtex", id="alias-bib"),
        pytest.param("BibLaTeX", "biblatex", id="case"),
        pytest.param("csl-json", "csl-json", id="csl-json"),
        pytest.param("ris", "ris", id="ris"),
    ],
)
def test_get(asked: str, name: str) -> None:
    assert get(asked).name == name


def test_get_unknown_names_the_valid_formats() -> None:
    with pytest.raises(InputError, match="bibtex, biblatex, csl-json, ris"):
        get("endnote")


@pytest.mark.parametrize(
    ("suffix", "name"),
    [(".bib", "bibtex"), (".json", "csl-json"), (".ris", "ris"), (".BIB", "bibtex")],
)
def test_for_suffix(suffix: str, name: str) -> None:
    assert for_suffix(suffix).name == name


def test_for_suffix_unknown() -> None:
    with pytest.raises(InputError, match=r"\.txt"):
        for_suffix(".txt")


def test_suffixes() -> None:
    assert {f.name: f.suffix for f in FORMATS.values()} == {
        "bibtex": ".bib",
        "biblatex": ".bib",
        "csl-json": ".json",
        "ris": ".ris",
    }


# --- LaTeX ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "protect"),
    [
        pytest.param("GPTQ", True, id="acronym"),
        pytest.param("LoRA", True, id="inner-capital"),
        pytest.param("LLMs", True, id="plural-acronym"),
        pytest.param("FlashAttention-2", True, id="camel-digit"),
        pytest.param("OPT-175B", True, id="acronym-digits"),
        pytest.param("L4Q", True, id="caps-digit"),
        pytest.param("ReLU2", True, id="relu2"),
        pytest.param("N:M", True, id="n-m"),
        pytest.param("LLaMA", True, id="llama"),
        pytest.param("Post-Training", False, id="title-case-compound"),
        pytest.param("Sparse", False, id="capitalised"),
        pytest.param("A", False, id="single-capital"),
        pytest.param("4-bit", False, id="lower-digits"),
        pytest.param("2:4", False, id="digits"),
        pytest.param("one-shot", False, id="lower"),
    ],
)
def test_needs_protection(word: str, protect: bool) -> None:
    assert latex.needs_protection(word) is protect


@pytest.mark.parametrize(
    ("title", "short", "expected"),
    [
        pytest.param(
            "GPTQ: Accurate Post-Training Quantization",
            "GPTQ",
            "{GPTQ}: Accurate Post-Training Quantization",
            id="gptq",
        ),
        pytest.param(
            "FlashAttention-2: Faster Attention",
            "",
            "{FlashAttention-2}: Faster Attention",
            id="word-with-digit",
        ),
        pytest.param(
            "Outlier Weighed Layerwise Sparsity (OWL): A Missing Secret",
            "OWL",
            "Outlier Weighed Layerwise Sparsity ({OWL}): A Missing Secret",
            id="parenthesised",
        ),
        pytest.param(
            "LLM in a flash: Efficient Inference",
            "LLM in a flash",
            "{LLM in a flash}: Efficient Inference",
            id="multi-word-short",
        ),
        pytest.param("Q-Sparse: All", "Q-Sparse", "{Q-Sparse}: All", id="short-not-detectable"),
        pytest.param("Optimal Brain Damage", "OBD", "Optimal Brain Damage", id="proper-nouns-left"),
        pytest.param("Sheared LLaMA: X", "LLM-shearing", "Sheared {LLaMA}: X", id="short-absent"),
        pytest.param("AdaLoRA: X", "LoRA", "{AdaLoRA}: X", id="short-inside-word-not-split"),
        pytest.param("R&D at 50%", "", "{R\\&D} at 50\\%", id="special-inside-protected"),
        pytest.param("&AB", "", "{{\\&AB}}", id="protected-starting-with-command"),
    ],
)
def test_title(title: str, short: str, expected: str) -> None:
    assert latex.title(title, short) == expected


@pytest.mark.parametrize(
    ("text", "ascii_only", "expected"),
    [
        pytest.param("a & b % c $ d # e _ f", True, r"a \& b \% c \$ d \# e \_ f", id="specials"),
        pytest.param("{x} ~ ^ \\", True, r"\textbraceleft{}x\textbraceright{} \textasciitilde{} \textasciicircum{} \textbackslash{}", id="braces-tilde"),
        pytest.param("Müller André", True, r'M{\"u}ller Andr{\'e}', id="accents-ascii"),
        pytest.param("Müller & André", False, r"Müller \& André", id="accents-utf8"),
        pytest.param("a\n\tb  c", True, "a b c", id="whitespace"),
        pytest.param("e\u0301", True, r"{\'e}", id="combining-nfc"),
    ],
)  # fmt: skip
def test_escape(text: str, ascii_only: bool, expected: str) -> None:
    assert latex.escape(text, ascii_only) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("A--B", "A-{}-B", id="en-dash-ligature"),
        pytest.param("``q''", "`{}`q'{}'", id="quote-ligatures"),
        pytest.param(",,x ?`", ",{},x ?{}`", id="low-quote-and-spanish"),
        pytest.param("a-b", "a-b", id="single-hyphen"),
    ],
)
def test_escape_breaks_tex_ligatures(text: str, expected: str) -> None:
    assert latex.escape(text) == expected


@pytest.mark.parametrize(
    ("page", "expected"),
    [("1-23", "1--23"), ("8995--9008", "8995--9008"), ("12 – 14", "12--14"), ("e1234", "e1234")],
)
def test_pages(page: str, expected: str) -> None:
    item = dict(TRICKY[2], page=page)
    assert bibtex.fields(item, "bibtex")["pages"] == expected  # type: ignore[arg-type]


def test_authorless_paper_is_misc_in_both_dialects() -> None:
    item = {k: v for k, v in _by_key(TRICKY)["mirzadeh2024relu"].items() if k != "author"}
    for dialect in ("bibtex", "biblatex"):
        assert bibtex.entry_type(item, dialect) == "misc"  # type: ignore[arg-type]
        assert bibtex.fields(item, dialect)["howpublished"].startswith("International")  # type: ignore[arg-type]


def test_blog_without_url_is_misc_in_biblatex() -> None:
    item = {k: v for k, v in _by_key(TRICKY)["samar2022creating"].items() if k != "URL"}
    assert bibtex.entry_type(item, "biblatex") == "misc"  # type: ignore[arg-type]
    assert bibtex.fields(item, "biblatex")["howpublished"] == "Cerebras Blog"  # type: ignore[arg-type]


def test_escape_unknown_character_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    assert latex.escape("北", True) == "?"
    assert latex.escape("北京 😀", False) == "?? ?"
    latex.warn_missing()
    assert caplog.messages == [
        "3 character(s) have no form pdflatex can typeset ('北' (U+5317), '京' (U+4EAC), "
        "'😀' (U+1F600)); written as '?'"
    ]
    latex.warn_missing()
    assert len(caplog.messages) == 1


@pytest.mark.parametrize(
    ("text", "bibtex", "biblatex"),
    [
        pytest.param("Vladimír", r"Vladim{\'i}r", "Vladimír", id="i-acute-not-dotless"),
        pytest.param("α≤ℝ", r"{\ensuremath{\alpha}}{\ensuremath{\leq}}?", r"{\ensuremath{\alpha}}{\ensuremath{\leq}}?", id="math-symbols"),
        pytest.param("x\u0301 ŉ", "x? ?", "x? ?", id="lone-combining-mark-and-unknown-macro"),
        pytest.param("€ – ł", r"{\texteuro} {\textendash} {\l}", "€ – ł", id="t1-characters"),
    ],
)  # fmt: skip
def test_non_ascii_only_as_pdflatex_compiles(text: str, bibtex: str, biblatex: str) -> None:
    assert latex.escape(text, True) == bibtex
    assert latex.escape(text, False) == biblatex
    latex.warn_missing()


# --- BibTeX details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param({"family": "Frantar", "given": "Elias"}, "Frantar, Elias", id="person"),
        pytest.param(
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
            "van der Berg, Jan",
            id="particle",
        ),
        pytest.param({"family": "King", "given": "Martin", "suffix": "Jr."}, "King, Jr., Martin", id="suffix"),
        pytest.param({"literal": "NVIDIA"}, "{NVIDIA}", id="organisation"),
        pytest.param({"literal": "Johnson and Johnson"}, "{Johnson and Johnson}", id="org-and"),
        pytest.param({"family": "Smith, PhD", "given": "A"}, r"{\relax Smith{\quotesinglbase} PhD}, A", id="comma-in-part"),
        pytest.param({"family": "A", "given": "B, C", "suffix": "Jr."}, r"A, Jr., {\relax B{\quotesinglbase} C}", id="comma-with-suffix"),
        pytest.param({"family": "a--b", "given": "``x''"}, r"a-b, 'x'", id="no-ligature-braces"),
        pytest.param({"literal": "AT&T Labs"}, r"{\relax AT\&T Labs}", id="organisation-symbol"),
        pytest.param({"given": "Plato"}, "Plato", id="given-only"),
        pytest.param({"family": "Boža", "given": "Vladimír"}, r"Bo{\v{z}}a, Vladim{\'i}r", id="accents"),
    ],
)  # fmt: skip
def test_name(name: dict, expected: str) -> None:
    assert bibtex.name(name, ascii_only=True) == expected  # type: ignore[arg-type]


def _by_key(items: list[Item]) -> dict[str, Item]:
    return {i["id"]: i for i in items}


@pytest.mark.parametrize(
    ("key", "bibtex_type", "biblatex_type"),
    [
        ("ashkboos2024slicegpt", "misc", "online"),
        ("mirzadeh2024relu", "inproceedings", "inproceedings"),
        ("boza2024fast", "article", "article"),
        ("obs1993optimal", "misc", "misc"),
        ("samar2022creating", "misc", "online"),
        ("nvidia2023fastertransformer", "misc", "software"),
    ],
)
def test_entry_type(key: str, bibtex_type: str, biblatex_type: str) -> None:
    item = _by_key(TRICKY)[key]
    assert bibtex.entry_type(item, "bibtex") == bibtex_type
    assert bibtex.entry_type(item, "biblatex") == biblatex_type


def test_fields_by_type() -> None:
    items = _by_key(TRICKY)
    arxiv = bibtex.fields(items["ashkboos2024slicegpt"], "bibtex")
    assert arxiv["eprint"] == "2401.15024"
    assert arxiv["eprinttype"] == "arxiv"  # Zotero's BibTeX.js needs it; biber takes it too
    assert "archiveprefix" not in arxiv  # biber flags archivePrefix next to eprinttype
    assert arxiv["primaryclass"] == "cs.LG"
    assert arxiv["doi"] == "10.48550/arXiv.2401.15024"
    arxiv = bibtex.fields(items["ashkboos2024slicegpt"], "biblatex")
    assert (arxiv["eprinttype"], arxiv["eprintclass"]) == ("arxiv", "cs.LG")
    conf = bibtex.fields(items["mirzadeh2024relu"], "bibtex")
    assert conf["booktitle"] == "International Conference on Learning Representations"
    assert conf["note"] == "Oral presentation"
    assert bibtex.fields(items["boza2024fast"], "bibtex")["journal"].startswith("Transactions")
    assert bibtex.fields(items["samar2022creating"], "bibtex")["howpublished"] == "Cerebras Blog"
    no_author = bibtex.fields(items["obs1993optimal"], "bibtex")
    assert "author" not in no_author and no_author["key"] == "OBS"
    assert bibtex.fields(items["obs1993optimal"], "biblatex")["label"] == "OBS"
    code = bibtex.fields(items["ren2023pruning"], "bibtex")
    assert code["verba"] == "https://github.com/drsy/pins"
    assert code["annote"] == "Code: https://github.com/drsy/pins"
    assert code["keywords"] == r"sparse\_pruning"


def test_bibtex_dialect_is_ascii_and_biblatex_utf8() -> None:
    assert FORMATS["bibtex"].write(TRICKY).isascii()
    text = FORMATS["biblatex"].write(TRICKY)
    assert "Boža, Vladimír" in text and "naïve" in text


def test_bad_key_refused() -> None:
    item = dict(TRICKY[0], id="a b", **{"citation-key": "a,b"})
    with pytest.raises(InputError, match="citation key"):
        FORMATS["bibtex"].write([item])  # type: ignore[list-item]


# --- the contract: every writer -------------------------------------------------------------


def _parse_bib(text: str) -> list[dict]:
    parser = bibtexparser.bparser.BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    return bibtexparser.loads(text, parser=parser).entries


def _keys_parsed(name: str, text: str) -> list[str]:
    if name in ("bibtex", "biblatex"):
        return [e["ID"] for e in _parse_bib(text)]
    if name == "csl-json":
        return [e["id"] for e in json.loads(text)]
    return [r["id"] for r in rispy.loads(text)]


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("which", ["tricky", "full"])
def test_contract(name: str, which: str, request: pytest.FixtureRequest) -> None:
    items = TRICKY if which == "tricky" else request.getfixturevalue("full_list")
    write = FORMATS[name].write
    first = write(list(reversed(items)))
    assert first == write(items), "output depends on input order"
    assert first.encode() == write(items).encode()
    assert first.endswith("\n") and not first.endswith("\n\n\n")
    keys = sorted(i["citation-key"] for i in items)
    assert _keys_parsed(name, first) == keys


def test_csl_json_valid_against_schema(full_list: list[Item]) -> None:
    for items in (TRICKY, full_list):
        data = json.loads(FORMATS["csl-json"].write(items))
        jsonschema.validate(data, SCHEMA)
        for entry in data:
            assert entry["id"] == entry["citation-key"]


def test_csl_json_schema_check_can_fail() -> None:
    data = json.loads(FORMATS["csl-json"].write(TRICKY))
    data[0]["type"] = "preprint-ish"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_csl_json_keeps_the_model(full_list: list[Item]) -> None:
    """The model as it is, but for the three changes Zotero's importer needs (csljson.py)."""
    data = {e["id"]: e for e in json.loads(FORMATS["csl-json"].write(full_list))}
    folded = 0
    for item in full_list:
        want = {k: v for k, v in item.items() if v not in ("", None, [], {})}
        if want["type"] == "software":
            want["type"] = "document"
        if item["custom"].get("arxiv_id") and not item.get("number"):
            want["note"] = f"arXiv: {item['custom']['arxiv_id']}"
        folded += sum("non-dropping-particle" in n for n in want.get("author", []))
        got = data[item["id"]]
        assert [a for a in got.get("author", []) if "non-dropping-particle" in a] == []
        want.pop("author", None)
        assert {k: v for k, v in got.items() if k != "author"} == want
    assert folded == 2  # do Nascimento, van Aken
    names = {a.get("family") for e in data.values() for a in e.get("author", [])}
    assert {"do Nascimento", "van Aken"} <= names


def _ris_expected(item: Item) -> dict:
    """What rispy should give back for `item`, computed from the model (not from ris.py)."""
    custom = item.get("custom", {})
    out: dict = {"type_of_reference": ris.ris_type(item), "id": item["citation-key"]}
    if item.get("author"):
        out["authors"] = [
            n.get("literal")
            or ", ".join(
                x
                for x in (
                    " ".join(p for p in (n.get("non-dropping-particle"), n.get("family")) if p),
                    n.get("given"),
                    n.get("suffix"),
                )
                if x
            )
            for n in item["author"]
        ]
    simple = {
        "title": "title",
        "title-short": "short_title",
        "container-title": "secondary_title",
        "event-title": "secondary_title",  # CONF: T2 is the conference, C3 the proceedings
        "publisher": "publisher",
        "volume": "volume",
        "issue": "number",
        "DOI": "doi",
    }
    out.update({tag: item[key] for key, tag in simple.items() if item.get(key)})  # type: ignore[literal-required]
    if item.get("type") == "paper-conference" and item.get("container-title"):
        out["custom3"] = item["container-title"]
    arxiv = custom.get("arxiv_id")
    if out["type_of_reference"] == "RPRT":  # a preprint: report number and type
        out["issn"], out["type_of_work"] = item["number"], "Preprint"
    elif arxiv:  # database name and accession number
        out["name_of_database"], out["accession_number"] = "arXiv", arxiv
    if item.get("URL"):
        out["urls"] = [item["URL"]]
    out["year"] = str(year(item))
    parts = item["issued"]["date-parts"][0]
    out["date"] = "/".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]])
    out["date"] += "/" * (4 - len(parts))  # RIS dates are YYYY/MM/DD/other
    if item.get("page"):
        first, _, last = item["page"].replace("--", "-").partition("-")
        out["start_page"] = first
        if last:
            out["end_page"] = last
    if custom.get("keywords"):
        out["keywords"] = custom["keywords"]
    notes = [item["note"]] if item.get("note") else []
    if custom.get("venue_note") == "oral":
        notes.append("Oral presentation")
    if custom.get("code_url"):
        notes.append("Code: " + custom["code_url"])
    if notes:
        out["notes"] = notes
    return out


def test_ris_round_trip(full_list: list[Item]) -> None:
    for items in (TRICKY, full_list):
        records = rispy.loads(FORMATS["ris"].write(items))
        assert len(records) == len(items)
        by_id = {r["id"]: r for r in records}
        for item in items:
            assert by_id[item["citation-key"]] == _ris_expected(item), item["id"]


def test_ris_types() -> None:
    types = {r["id"]: r["type_of_reference"] for r in rispy.loads(FORMATS["ris"].write(TRICKY))}
    assert types["ashkboos2024slicegpt"] == "RPRT"
    assert types["mirzadeh2024relu"] == "CONF"
    assert types["boza2024fast"] == "JOUR"
    assert types["samar2022creating"] == "BLOG"
    assert types["nvidia2023fastertransformer"] == "COMP"
    assert types["obs1993optimal"] == "GEN"


def test_ris_lines_and_records() -> None:
    text = FORMATS["ris"].write(TRICKY)
    assert text.count("ER  - \r\n") == len(TRICKY)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.split("\r\n") if line)
