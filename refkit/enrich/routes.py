"""Which lookups a record's identity allows (pure, no network, light to import).

`route(item)`: how Crossref is asked. "venue": the record's venue has Crossref DOIs (ROUTES:
searched with its types and prefix); "preprint": an arXiv record, whose published version may
have one; "any": a venue refkit's table lacks, or none, with a title: one search with the types
of a version of record; "": never (ICLR, ICML, NeurIPS, MLSys, TMLR, JMLR, UAI and their
workshops have no Crossref DOIs; blogs and software are not papers). Apart from the route, a
record's URL may name a DOI, imply one (ACL Anthology) or name an IEEE Xplore document: those
are asked whatever the venue (`crossref_ids`). `decided_by` names, from a lock entry, the path
that decided (the report's `decided_by`).
"""

from __future__ import annotations

from typing import Any

from .. import ids
from ..model import Item

# venue key -> (Crossref types a version of record has, DOI prefix or "").
ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "ACL": (("proceedings-article",), "10.18653"),
    "ACL Findings": (("proceedings-article",), "10.18653"),
    "EMNLP": (("proceedings-article",), "10.18653"),
    "TACL": (("journal-article",), "10.1162"),
    "AAAI": (("proceedings-article", "journal-article"), "10.1609"),
    "CVPR": (("proceedings-article",), "10.1109"),
    "CVPR workshop": (("proceedings-article",), "10.1109"),
    "ICCV": (("proceedings-article",), "10.1109"),
    "ICCV workshop": (("proceedings-article",), "10.1109"),
    "ECCV": (("book-chapter", "proceedings-article"), "10.1007"),
    "MICRO": (("proceedings-article",), ""),
    "VLDB": (("journal-article",), "10.14778"),
    "VLSI": (("journal-article",), "10.1109"),
    "Neuromorphic Computing and Engineering": (("journal-article",), "10.1088"),
}
PREPRINT_YEARS = (-1, 3)  # a published version appears up to three years after the preprint
# Venue keys whose papers have no Crossref DOI (DBLP gives their proceedings data).
ML_VENUES = ("ICLR", "ICML", "NeurIPS", "MLSys", "UAI", "TMLR", "JMLR")
NO_CROSSREF = (*ML_VENUES, "AutoML Workshop")  # ... nor AutoML's (PMLR)
NOT_PAPERS = ("software", "post-weblog", "post", "webpage", "dataset")
IEEE_PREFIX = "10.1109"  # the prefix searched for a record whose URL names an IEEE document


def is_preprint(item: Item) -> bool:
    """An arXiv preprint (by its venue or its own arXiv id), not just any `article` item."""
    custom = item.get("custom", {})
    return item.get("type") == "article" and (
        custom.get("venue_key") == "arXiv" or bool(custom.get("arxiv_id"))
    )


def no_crossref(venue_key: str) -> bool:
    """A venue whose papers have no Crossref DOIs (nor its workshops')."""
    return venue_key in NO_CROSSREF or venue_key.removesuffix(" workshop") in ML_VENUES


def route(item: Item) -> str:
    """ "venue", "preprint", "any" or "" (see the module docstring)."""
    key = item.get("custom", {}).get("venue_key", "")
    if key in ROUTES:
        return "venue"
    if is_preprint(item):
        return "preprint"
    if no_crossref(key) or item.get("type") in NOT_PAPERS or not item.get("title"):
        return ""
    return "any"


def url_ident(item: Item) -> ids.Ident | None:
    return ids.parse(item.get("URL", ""))


def crossref_ids(item: Item) -> tuple[str, str]:
    """(DOI the record's URL names or implies, IEEE document number it names); "" for none.
    An arXiv DOI is DataCite's, never Crossref's."""
    ident = url_ident(item)
    doi = ids.derived_doi(ident) if ident and ident.kind != "arxiv" else ""
    return doi, ident.value if ident and ident.kind == "ieee" else ""


def asks_crossref(item: Item) -> bool:
    """Does a finished lookup of this record always ask Crossref (a pin without it is stale)?"""
    return route(item) in ("venue", "any") or any(crossref_ids(item))


def arxiv_of(item: Item) -> str:
    """The record's arXiv id: normalize's, else any form its URL names (`abs//2306.11987`,
    `doi.org/10.48550/arXiv...`)."""
    aid = item.get("custom", {}).get("arxiv_id", "")
    if aid:
        return str(aid)
    ident = ids.parse(item.get("URL", ""))
    return ident.value if ident and ident.kind == "arxiv" else ""


def decided_by(entry: dict[str, Any]) -> str | None:
    """The identity path that decided the record's DOI (or its published version): "doi in
    URL", "ACL Anthology id", "arXiv's DOI", "IEEE Xplore document N in the Crossref record's
    links", "search (...)", "search without the date filter (...)", "published: dblp (ee
    openreview:...)", "dblp record conf/... (ee cvf:...)"."""
    cr = entry.get("crossref") or {}
    if entry.get("doi") not in (None, "none") and cr:
        return str(cr.get("via") or "search (title, authors, year)")  # pinned before #16
    pub = entry.get("published") or {}
    if pub:
        db = entry.get("dblp") or {}
        how = {"s2": "S2's DBLP key", "search": "search"}.get(db.get("via", ""), db.get("via"))
        return f"published: {pub.get('source')}" + (f" ({how})" if how else "")
    if cr.get("role") == "published":
        return f"published: crossref {cr.get('via') or 'search'}"
    db = entry.get("dblp") or {}
    if db.get("key"):
        return f"dblp record {db['key']} ({db.get('via', 'search')})"
    return None
