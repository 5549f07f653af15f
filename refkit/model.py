"""The one internal model: a CSL-JSON item, plus refkit's own data under `custom`.

Keys keep the CSL-JSON schema's spelling (`container-title`, `DOI`, `issued`). Everything CSL has
no variable for lives under `custom` (see `Custom`). Writers turn this model into formats; BibTeX
entry types, brace protection and LaTeX escaping never enter it.
"""

from __future__ import annotations

from typing import TypedDict

from . import texmath

# A CSL name: a person (`family`, `given`, particles, `suffix`) or an organisation (`literal`).
# refkit writes every particle ("van der", "de") as non-dropping; BibTeX calls it the "von" part.
Name = TypedDict(
    "Name",
    {"family": str, "given": str, "non-dropping-particle": str, "suffix": str, "literal": str},
    total=False,
)

# A CSL date: `{"date-parts": [[year, month?, day?]]}`.
Date = TypedDict("Date", {"date-parts": list[list[int]]}, total=False)


class Custom(TypedDict, total=False):
    """refkit's data that CSL has no variable for (written under the item's `custom`).

    record_id   the record's file stem (`gptq`), unique within the list, never changes
    record_path the record file, relative to the list's directory (`2023/gptq.prototxt`)
    venue       the venue label as the list writes it (`ICLR oral`)
    venue_key   the venue table key it resolved to (`ICLR`), "" when unknown or empty
    venue_note  status words from the label that are not the venue (`oral`), or ""
    arxiv_id    arXiv identifier without version (`2210.17323`), or absent
    arxiv_class primary arXiv category (`cs.LG`) when a source gave it
    code_url    the code repository URL
    code_type   the framework label (`Pytorch`)
    keywords    the record's keyword names, in record order
    institutions affiliations as the record lists them
    note_url    the record's note (a file name or URL)
    provenance  per enriched field, the source it came from (`{"DOI": "crossref"}`)
    tex         the record's own text of `title` / `title-short` when it has inline TeX math
                (`{"title": "H$_2$O: ..."}`), for the BibTeX writers; absent otherwise

    Titles with math: `title` and `title-short` are CSL rich text (`H<sub>2</sub>O`, `Top-<i>p</i>`,
    see texmath.py), `custom.tex` keeps the TeX, the .bib writes the math as math, and RIS and
    Zotero write Unicode (`H₂O`). The CSL-JSON writer leaves `tex` out, so no `$` or backslash
    from math reaches it.
    """

    record_id: str
    record_path: str
    venue: str
    venue_key: str
    venue_note: str
    arxiv_id: str
    arxiv_class: str
    code_url: str
    code_type: str
    keywords: list[str]
    institutions: list[str]
    note_url: str
    provenance: dict[str, str]
    tex: dict[str, str]


# One paper as a CSL-JSON item (schema: tests/data/csl-data.json). normalize always sets
# id, citation-key, type, title, issued and custom; the rest only when known.
Item = TypedDict(
    "Item",
    {
        "id": str,
        "citation-key": str,
        "type": str,
        "title": str,
        "title-short": str,
        "author": list[Name],
        "issued": Date,
        "container-title": str,
        "collection-title": str,
        "event-title": str,
        "publisher": str,
        "page": str,
        "volume": str,
        "issue": str,
        "number": str,
        "DOI": str,
        "URL": str,
        "note": str,
        "keyword": str,
        "custom": Custom,
    },
    total=False,
)

# CSL item types refkit produces, one per venue kind.
TYPES = ("paper-conference", "article-journal", "article", "post-weblog", "software")


def tex(item: Item, var: str) -> str:
    """The TeX text of a text variable: the record's own when it had math, else the variable."""
    return item.get("custom", {}).get("tex", {}).get(var) or str(item.get(var, "") or "")


def plain(item: Item, var: str) -> str:
    """A text variable as plain Unicode text (math as `H₂O`), for RIS, Zotero and lookups."""
    return texmath.plain(tex(item, var))


def year(item: Item) -> int:
    """The item's year, 0 when unknown."""
    parts = item.get("issued", {}).get("date-parts") or [[0]]
    return int(parts[0][0] or 0)
