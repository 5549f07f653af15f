"""CSL-JSON output: the items as they are (the model is CSL-JSON), with stable key order.

`id` and `citation-key` are both the BibTeX key, so a document can switch between the .bib and
the .json without touching a citation. refkit's data stays under `custom` (the schema allows it):
the code repository is `custom.code_url`, the keywords are `keyword` (CSL's comma-separated
variable) and `custom.keywords`. Nothing is copied into `note`: CSL styles print `note` in the
bibliography, so "Code: <url>" would appear in every reference. A title with TeX math is CSL rich
text (`H<sub>2</sub>O`); its TeX (`custom.tex`, for the .bib) is left out.

Written so Zotero's importer (zotero/translators `CSL JSON.js`, which refuses a whole file when
one item's type is not in its list) takes every item whole:
- `software` is written `document`: `CSL JSON.js` lacks CSL 1.0.2's `software`, and its only
  route to Zotero's computerProgram is `book` plus a `version` the list does not have. A
  `document` is valid CSL, renders as `software` does in pandoc's default style, and arrives as
  Zotero's document with its maker as publisher.
- A name's particle and suffix are part of `family` ("do Nascimento", "King, Jr."): Zotero
  drops `non-dropping-particle` and `suffix`; pandoc's citeproc still finds a lowercase
  particle in `family` and sorts and prints the name as before (checked by hand).
- A paper that is not itself the preprint but has an arXiv id gets `note: "arXiv: <id>"`,
  which Zotero keeps in Extra (a preprint's id is already `number`, Zotero's archive ID).
Zotero reads neither `keyword` nor `custom`: tags and the code URL cannot reach Zotero from
CSL-JSON (the README's import table).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # json's own (C) string encoder, ensure_ascii=False
from typing import Any

from ..model import Item, Name
from .bibtex import key

FIRST = ("id", "citation-key", "type")
OMIT = ("tex",)  # custom keys the CSL-JSON leaves out
TYPES = {"software": "document"}  # CSL types Zotero's importer refuses -> what it takes


def _sorted(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def name(n: Name) -> Name:
    """A CSL name with its particle and suffix folded into `family` (see above)."""
    if "non-dropping-particle" not in n and "suffix" not in n:
        return n
    out = Name(**{k: v for k, v in n.items() if k not in ("non-dropping-particle", "suffix")})  # type: ignore[typeddict-item]
    family = " ".join(x for x in (n.get("non-dropping-particle", ""), n.get("family", "")) if x)
    out["family"] = ", ".join(x for x in (family, n.get("suffix", "")) if x)
    return out


def convert(item: Item) -> dict[str, Any]:
    """One item as a CSL-JSON object: id/citation-key/type first, then keys sorted."""
    k = key(item)
    kind = item.get("type", "article")
    out: dict[str, Any] = {"id": k, "citation-key": k, "type": TYPES.get(kind, kind)}
    extra: dict[str, Any] = {}
    arxiv = item.get("custom", {}).get("arxiv_id", "")
    if arxiv and not item.get("number"):
        extra["note"] = "\n".join(x for x in (item.get("note", ""), f"arXiv: {arxiv}") if x)
    if item.get("author"):
        extra["author"] = [name(n) for n in item["author"]]
    for var in sorted({*item, *extra}):
        value = extra[var] if var in extra else item[var]  # type: ignore[literal-required]
        if var == "custom":
            value = {k: v for k, v in value.items() if k not in OMIT}
        if var not in FIRST and value not in ("", None, [], {}):
            out[var] = _sorted(value)
    return out


def write(items: list[Item]) -> str:
    """A JSON array of the items sorted by key, UTF-8, two-space indent, trailing newline: what
    `json.dumps(items, ensure_ascii=False, indent=2) + "\n"` writes (see `dumps`)."""
    ordered = sorted(items, key=key)
    if not ordered:
        return "[]\n"
    # One join: dumping the whole list holds a million small chunks, and each `+` on the result
    # copies all of it (peak memory of a 10,000-item export).
    parts = ["  " + dumps(convert(i), "  ") for i in ordered]
    parts[0] = "[\n" + parts[0]
    parts[-1] += "\n]\n"
    return ",\n".join(parts)


class _Unusual(Exception):
    """A value `_encode` leaves to json.dumps."""


def dumps(value: Any, indent: str = "") -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, every line after the first indented by
    `indent` more. With an indent json encodes in pure Python, several calls per value; this
    writes the JSON types an item holds (dicts with string keys, lists, strings, integers)
    itself, strings with json's own C encoder, and leaves anything else to json (a test checks
    the two agree)."""
    try:
        return _encode(value, indent)
    except (_Unusual, TypeError):  # TypeError: a key that is not a string
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


def _encode(value: Any, indent: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[no-any-return]
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        parts = [f"{inner}{encode_basestring(k)}: {_encode(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(parts) + "\n" + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + ",\n".join([inner + _encode(v, inner) for v in value]) + "\n" + indent + "]"
    if kind is int:
        return int.__repr__(value)
    raise _Unusual  # bool, None, float (NaN, Infinity), tuples, subclasses: json's own text
