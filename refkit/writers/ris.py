"""RIS output, table-driven: one record per item, one tag per line, `ER` closing each record.

TY per item type: paper-conference CONF, article-journal JOUR, post-weblog BLOG, software COMP,
arXiv preprint RPRT, article without a venue GEN. RIS has no preprint type, and Zotero's RIS
reader (zotero/translators RIS.js) maps none to its `preprint`: UNPB ("unpublished work") and
GEN land there as a journal article with no journal. RPRT is a report in Zotero, EndNote and
Mendeley, and the RIS spec's report tags say exactly what a preprint has: `PB` the institution
(arXiv), `SN` the report number (`arXiv:<id>`), `M3` the type ("Preprint"). Zotero's report keeps
each of them, in the same base fields as its preprint type (publisher -> repository, number ->
archive ID), so changing the item's type to Preprint in Zotero keeps them too.
Another record with an arXiv id (a conference or journal paper) has `DB - arXiv` and `AN - <id>`:
the spec's database name and accession number, valid in every type; Zotero's Archive and Loc. in
Archive. (The tags Zotero would put into Extra, M1 and M2, mean an issue or nothing in the spec.)

Tags: ID (the citation key), AU one per author ("Family, Given, Suffix"; an organisation as one
name), TI, ST (title-short; math as Unicode text, `H₂O`), T2 (journal or blog; for CONF the conference's
name, else the proceedings), C3 (CONF: the proceedings title, as Zotero and EndNote read it), PY, DA (YYYY/MM/DD/), PB, VL,
IS, SP/EP, SN, M3, DO, DB, AN, UR, KW one per keyword, N1 notes ("Oral presentation", "Code: <url>": N1 becomes
a Zotero note and an EndNote note; the code URL is not an attachment, so not L1). Lines end
with CR LF as the RIS specification asks.
"""

from __future__ import annotations

import re

from ..model import Item, Name, plain, year
from .bibtex import NOTES, key

TYPES = {
    "paper-conference": "CONF",
    "article-journal": "JOUR",
    "post-weblog": "BLOG",
    "software": "COMP",
    "article": "GEN",
}
PREPRINT = "RPRT"
EOL = "\r\n"
_SPACE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    if text.isprintable() and "  " not in text:  # the only whitespace is single spaces
        return text.strip()
    return _SPACE.sub(" ", text).strip()


def ris_type(item: Item) -> str:
    """The TY value for `item`."""
    if item.get("type") == "article" and item.get("custom", {}).get("arxiv_id"):
        return PREPRINT
    return TYPES.get(item.get("type", ""), "GEN")


def name(n: Name) -> str:
    """One AU value: `Family, Given, Suffix` (particle with the family); organisations as is."""
    if "literal" in n:
        return n["literal"]
    family = " ".join(x for x in (n.get("non-dropping-particle", ""), n.get("family", "")) if x)
    return ", ".join(x for x in (family, n.get("given", ""), n.get("suffix", "")) if x)


def notes(item: Item) -> list[str]:
    """The N1 values: the item's note, the venue note, the code repository."""
    custom = item.get("custom", {})
    out = [item.get("note", "")]
    venue_note = _one_line(custom.get("venue_note", ""))
    if venue_note:
        out.append(NOTES.get(venue_note.lower(), venue_note[:1].upper() + venue_note[1:]))
    if custom.get("code_url"):
        out.append("Code: " + custom["code_url"])
    return [n for n in out if n]


def tags(item: Item) -> list[tuple[str, str]]:
    """The record's (tag, value) pairs in output order, without ER."""
    parts = (item.get("issued", {}).get("date-parts") or [[]])[0]
    date = "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts[:3]) if p)
    first, _, last = item.get("page", "").replace("--", "-").partition("-")
    arxiv = item.get("custom", {}).get("arxiv_id", "")
    preprint = ris_type(item) == PREPRINT
    # RIS's CONF: T2 is the conference's name (ICLR 2023), C3 the proceedings' title
    conference = item.get("event-title", "") if item.get("type") == "paper-conference" else ""
    pairs: list[tuple[str, str]] = [("TY", ris_type(item)), ("ID", key(item))]
    pairs += [("AU", name(n)) for n in item.get("author", [])]
    pairs += [
        ("TI", plain(item, "title")),
        ("ST", plain(item, "title-short")),
        ("T2", conference or item.get("container-title", "")),
        ("C3", item.get("container-title", "") if item.get("type") == "paper-conference" else ""),
        ("PY", str(year(item)) if year(item) else ""),
        ("DA", date + "/" * (4 - date.count("/") - 1) if date else ""),
        ("PB", item.get("publisher", "")),
        ("VL", item.get("volume", "")),
        ("IS", item.get("issue", "")),
        ("SP", first),
        ("EP", last),
        ("SN", (item.get("number") or f"arXiv:{arxiv}") if preprint else ""),
        ("M3", "Preprint" if preprint else ""),
        ("DO", item.get("DOI", "")),
        ("DB", "arXiv" if arxiv and not preprint else ""),
        ("AN", arxiv if not preprint else ""),
        ("UR", item.get("URL", "")),
    ]
    pairs += [("KW", k) for k in item.get("custom", {}).get("keywords", [])]
    pairs += [("N1", n) for n in notes(item)]
    lines = [(t, _one_line(v)) for t, v in pairs if v]
    return [(t, v) for t, v in lines if v]


def record(item: Item) -> str:
    """One record, `ER` line included."""
    lines = [f"{tag}  - {value}" for tag, value in tags(item)]
    return EOL.join(lines) + EOL + "ER  - " + EOL


def write(items: list[Item]) -> str:
    """The whole .ris file: records sorted by key, a blank line between them."""
    return EOL.join(record(item) for item in sorted(items, key=key))
