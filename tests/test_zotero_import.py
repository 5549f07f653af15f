"""What Zotero's importers would make of every writer's output, by their own rules.

The rules are data (`tests/data/zotero_import.json`: the accepted CSL types, the BibTeX entry-type
map and fields read, the `eprint`/`eprinttype` rule, the RIS types, tags and first-line rule),
read from zotero/translators at the commit the file names. The readers below apply only those
rules, and every list a real list can be (the committed one, the newer-format records of
test_kinds, the synthetic list, the `--published` items, the golden items) must import whole:
one item per paper, of the expected type, with its arXiv id, code URL, keywords and names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from refkit.model import Item
from refkit.normalize import load_items
from refkit.writers import FORMATS
from tests.synthetic import write_list
from tests.test_golden import TRICKY
from tests.test_kinds import RECORDS, write_record
from tests.test_published_export import listed, published_items  # noqa: F401  (fixture)

DATA = Path(__file__).parent / "data"
RULES = json.loads((DATA / "zotero_import.json").read_text(encoding="utf-8"))
SCHEMA = json.loads((DATA / "zotero-schema.json").read_text(encoding="utf-8"))
FIELDS = {t["itemType"]: t["fields"] for t in SCHEMA["itemTypes"]}


class Refused(Exception):
    """The translator does not take the file at all."""


def _field(itype: str, field: str) -> str | None:
    """The type's own name for `field` (a base field such as publisher -> institution), if valid."""
    for f in FIELDS[itype]:
        if field in (f["field"], f.get("baseField")):
            return str(f["field"])
    return None


def read_csl(text: str) -> list[dict[str, Any]]:
    rules = RULES["csl"]
    data = json.loads(text)
    if not all(isinstance(d, dict) and d.get("type") in rules["accepted_types"] for d in data):
        raise Refused("No suitable translators found")
    out = []
    for d in data:
        itype = rules["type_map"][d["type"]]
        z: dict[str, Any] = {"itemType": itype, "tags": [], "notes": []}
        for var, fields in rules["text_fields"].items():
            name = next((_field(itype, f) for f in fields if var in d and _field(itype, f)), None)
            if name:
                z[name] = d[var]
        z["creators"] = [
            (n.get("family", ""), n.get("given", "")) if "literal" not in n else (n["literal"], "")
            for n in d.get("author", [])
        ]
        out.append(z)
    return out


def _unescape(value: str) -> str:
    """What BibTeX.js makes of our LaTeX: escaped specials plain, braces gone."""
    value = re.sub(r"\\text(?:asciitilde|asciicircum)\{\}", lambda m: "~^"["circ" in m[0]], value)
    return re.sub(r"\\([#$%&_{}~^])", r"\1", value).replace("{", "").replace("}", "")


def read_bibtex(text: str) -> list[dict[str, Any]]:
    rules = RULES["bibtex"]
    if not re.search(r"^\s*@[a-zA-Z]+[({]", text[:1048576], re.MULTILINE):
        raise Refused("no BibTeX entry in the first 1 MB")
    parser = bibtexparser.bparser.BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    out = []
    for e in bibtexparser.loads(text, parser=parser).entries:
        itype = rules["type_map"].get(e["ENTRYTYPE"].lower())
        if itype is None:
            continue  # discarded by the translator
        z: dict[str, Any] = {"itemType": itype, "extra": [], "notes": []}
        z["notes"] = [_unescape(e[f]) for f in rules["note_fields"] if f in e]
        label = rules["eprint_rule"]["labels"].get(e.get("eprinttype", "").lower())
        if "eprint" in e and label:
            z["extra"].append(f"{label}: {e['eprint']}")
        z["tags"] = [_unescape(t) for t in re.split(r"\s*[,;]\s*", e.get("keywords", "")) if t]
        z["creators"] = []
        for name in re.split(r"\s+and\s+", e.get("author", "")) if e.get("author") else []:
            # `von Last, Jr, First`: the last piece is the given name, a middle one its suffix
            pieces = [_unescape(p).strip() for p in name.split(",")]
            first = ", ".join(pieces[-1:] + pieces[1:-1]) if len(pieces) > 1 else ""
            z["creators"].append((pieces[0], first))
        z["url"] = e.get("url", "")
        out.append(z)
    return out


def read_ris(text: str) -> list[dict[str, Any]]:
    rules = RULES["ris"]
    lines = [ln.lstrip() for ln in text.splitlines() if ln.strip()]
    if not any(re.match(r"TY {1,2}- ", ln) for ln in lines[:5]):
        raise Refused("no TY line among the first lines")
    line = re.compile(rules["line"])
    out: list[dict[str, Any]] = []
    for raw in text.splitlines():
        m = line.match(raw)
        assert m or not raw.strip(), f"not a RIS line (glued to the field before): {raw!r}"
        if not m or m[1] == "ER":
            continue
        tag, value = m[1], (m[2] or "").strip()
        if tag == "TY":
            itype = rules["type_map"].get(value, rules["default_type"])
            out.append({"itemType": itype, "creators": [], "tags": [], "notes": []})
            continue
        z = out[-1]
        target = rules["tags"].get(tag)
        if isinstance(target, dict):
            target = target.get(z["itemType"], target.get("*"))
        if target == "creators":
            last, _, first = value.partition(", ")
            z["creators"].append((last, first))
        elif target in ("tags", "notes"):
            z[target].append(value)
        elif (
            target and target != "(ignored)" and (target == "DOI" or _field(z["itemType"], target))
        ):
            z.setdefault(target, value)
    return out


READERS = {"bibtex": read_bibtex, "biblatex": read_bibtex, "csl-json": read_csl, "ris": read_ris}
# CSL type (and preprint or not) -> Zotero type, per format; what the README's table says
EXPECTED = {
    "paper-conference": dict.fromkeys(READERS, "conferencePaper"),
    "article-journal": dict.fromkeys(READERS, "journalArticle"),
    "preprint": {"bibtex": "document", "biblatex": "webpage", "csl-json": "preprint", "ris": "report"},
    "article": {"bibtex": "document", "biblatex": "document", "csl-json": "preprint", "ris": "journalArticle"},
    "post-weblog": {"bibtex": "document", "biblatex": "webpage", "csl-json": "blogPost", "ris": "blogPost"},
    "software": {"bibtex": "document", "biblatex": "computerProgram", "csl-json": "document", "ris": "computerProgram"},
}  # fmt: skip


def _expected(item: Item, fmt: str) -> str:
    arxiv = item["custom"].get("arxiv_id")
    kind = "preprint" if item["type"] == "article" and arxiv else item["type"]
    want = EXPECTED.get(kind, EXPECTED["article"])[fmt]
    if fmt in ("bibtex", "biblatex") and not item.get("author") and kind.startswith("paper-"):
        return "document"  # an authorless paper is @misc: styles require an author elsewhere
    if fmt in ("bibtex", "biblatex") and not item.get("author") and kind == "article-journal":
        return "document"
    if want == "webpage" and not (item.get("URL") or item.get("DOI") or arxiv):
        return "document"  # biblatex's @online needs a link; without one it is @misc
    return want


def _names(item: Item, fmt: str) -> list[tuple[str, str]]:
    out = []
    for n in item.get("author", []):
        family = " ".join(x for x in (n.get("non-dropping-particle", ""), n.get("family", "")) if x)
        given, suffix = n.get("given", ""), n.get("suffix", "")
        if "literal" in n:
            out.append((n["literal"], ""))
        elif fmt == "csl-json":
            out.append((", ".join(x for x in (family, suffix) if x), given))
        else:  # BibTeX.js and RIS.js put the suffix after the given name, as Zotero does
            out.append((family, ", ".join(x for x in (given, suffix) if x)))
    return out


def check_import(items: list[Item], fmt: str) -> None:
    """Everything the README's import table promises for `fmt`, on `items`."""
    got = READERS[fmt](FORMATS[fmt].write(items))
    assert len(got) == len(items), "one item per paper"
    ordered = sorted(items, key=lambda i: i["citation-key"])
    for item, z in zip(ordered, got, strict=True):
        where = f"{fmt}: {item['citation-key']}"
        assert z["itemType"] == _expected(item, fmt), where
        custom = item["custom"]
        arxiv, code = custom.get("arxiv_id"), custom.get("code_url")
        if arxiv:
            extra = z.get("extra", [])
            places = [
                *(extra.splitlines() if isinstance(extra, str) else extra),
                z.get("archiveID", ""),
            ]
            places += [z.get("reportNumber", ""), z.get("archiveLocation", "")]
            assert any(p in (f"arXiv: {arxiv}", f"arXiv:{arxiv}", arxiv) for p in places), where
        if code and fmt != "csl-json":  # Zotero reads neither `custom` nor `keyword` from CSL
            assert f"Code: {code}" in z["notes"], where
        if fmt != "csl-json":
            assert z["tags"] == custom.get("keywords", []), where
        names = _names(item, fmt)
        if fmt != "bibtex" or all(a.isascii() and b.isascii() for a, b in names):  # else LaTeX
            assert z["creators"] == names, where
        if fmt == "csl-json":
            assert z.get("title") == item["title"] and z.get("DOI") == item.get("DOI"), where


@pytest.fixture(scope="module")
def committed() -> list[Item]:
    return load_items(Path(__file__).resolve().parent.parent / "meta")


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> list[Item]:
    meta = tmp_path_factory.mktemp("kinds") / "meta"
    for rid, fields in RECORDS.items():
        write_record(meta, rid, fields)
    return load_items(meta)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> list[Item]:
    return load_items(write_list(tmp_path_factory.mktemp("synthetic"), 300, seed=11).meta)


@pytest.mark.parametrize("fmt", list(READERS))
@pytest.mark.parametrize("which", ["golden", "committed", "kinds", "synthetic", "published"])
def test_every_list_imports_whole(fmt: str, which: str, request: pytest.FixtureRequest) -> None:
    if which == "golden":
        items = TRICKY
    elif which == "published":
        items = published_items(request.getfixturevalue("listed"))
    else:
        items = request.getfixturevalue(which)
    check_import(items, fmt)


def test_by_venue_files_import_whole(committed: list[Item]) -> None:
    from refkit import exports

    files = exports.render(committed)
    venue = {name: text for name, text in files.items() if "by-venue/" in str(name)}
    assert venue
    total = sum(len(read_bibtex(text)) for text in venue.values())
    assert total == len(committed)


def test_rules_can_fail() -> None:
    """A CSL `software` item sinks the file, UNPB lands as a journal article, a bare eprint is
    not an arXiv id, and a line before TY refuses a RIS file: the checks above can fail."""
    one = json.loads(FORMATS["csl-json"].write(TRICKY))
    with pytest.raises(Refused):
        read_csl(json.dumps([*one, dict(one[0], type="software")]))
    assert read_ris("TY  - UNPB\r\nTI  - x\r\nER  - \r\n")[0]["itemType"] == "journalArticle"
    assert read_bibtex("@misc{a, eprint = {2210.17323}, archivePrefix = {arXiv}}")[0]["extra"] == []
    with pytest.raises(Refused):
        read_ris("\n".join(["note"] * 5) + "\nTY  - CONF\nER  - \n")
    with pytest.raises(Refused):
        read_bibtex("title = {no entry}")
    with pytest.raises(AssertionError):
        check_import(
            [dict(TRICKY[0], custom=dict(TRICKY[0]["custom"], arxiv_id="9999.99999"))], "ris"
        )


def test_rules_name_their_source() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", RULES["translators"]["commit"])
    assert "software" not in RULES["csl"]["accepted_types"]
    assert RULES["bibtex"]["eprint_rule"]["needs"] == ["eprint", "eprinttype"]
    assert "UNPB" not in RULES["ris"]["type_map"] and RULES["ris"]["type_map"]["RPRT"] == "report"
