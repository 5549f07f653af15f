"""Published versions: which publication is the record's paper, from S2 hints and DBLP records.

Identity first. The record's own arXiv id, DOI or ACL id finds its S2 record; a DBLP key there
that is not the CoRR copy is an identifier link (the DBLP record may then carry another title:
GPTQ is "OPTQ" at ICLR 2023); so is a DBLP record whose URL names the record's OpenReview id. Everything else comes from a DBLP search and must pass every check
(`check`): not the CoRR copy; not a workshop paper (nor, for a workshop record, the main
paper); the record's venue when it names one; the title (after markup and case, digits
equal: FlashAttention-2 is not FlashAttention), unless linked; the authors (the publication's
first author in the record, the record's first author first there, or two shared family
names); the year (the arXiv year to +2 for a preprint, the record's year +-1 for a venue).
Several passing publications: no answer, reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import names
from ..model import Item, plain, year
from .markup import fold

# Venue keys whose papers have no Crossref DOI: DBLP gives their pages, volume and proceedings.
ML_VENUES = ("ICLR", "ICML", "NeurIPS", "MLSys", "UAI", "TMLR", "JMLR")
CSL_TYPE = {"conference": "paper-conference", "journal": "article-journal"}
_DIGITS = re.compile(r"\d+")
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([\w-]+)")


@dataclass(frozen=True)
class Wanted:
    title: str
    names: tuple[str, ...]  # record authors as written ("Given Family")
    years: tuple[int, int]  # inclusive
    label: str  # the record's venue key; "" for a preprint (any venue)
    openreview: str = ""  # the record's OpenReview id: a DBLP record linking it is the paper


@dataclass(frozen=True)
class Decision:
    pub: dict[str, Any] | None
    reason: str
    verdicts: tuple[dict[str, Any], ...] = ()


def needs(item: Item) -> bool:
    """Does the record want a published version (arXiv preprints) or proceedings data (ML
    venues without Crossref DOIs)?"""
    c = item.get("custom", {})
    return c.get("venue_key") in ML_VENUES or c.get("venue_key") == "arXiv"


def wanted(item: Item, arxiv_year: int = 0) -> Wanted:
    people = tuple(
        " ".join(p for p in (n.get("given", ""), n.get("family", "")) if p)
        for n in item.get("author", [])
        if "literal" not in n
    )
    label = item.get("custom", {}).get("venue_key", "")
    m = _OPENREVIEW.search(item.get("URL", ""))
    forum = m.group(1) if m else ""
    if item.get("type") == "article":
        start = arxiv_year or year(item)
        return Wanted(plain(item, "title"), people, (start, start + 2), "", forum)
    return Wanted(plain(item, "title"), people, (year(item) - 1, year(item) + 1), label, forum)


def _digits(title: str) -> list[str]:
    return _DIGITS.findall(fold(title))


def _authors_ok(w: Wanted, authors: list[str]) -> tuple[bool, str]:
    from .match import _person_matches  # rapidfuzz: loaded only when a lookup is due

    people = [(p.get("family", ""), p.get("given", "")) for p in map(names.parse, authors)]
    people = [(f, g) for f, g in people if f]
    if not w.names or not people:
        return False, "authors unknown"
    shared = sum(1 for n in w.names if any(_person_matches(n, f, g) for f, g in people))
    first_there = any(_person_matches(n, *people[0]) for n in w.names)
    mine_first = any(_person_matches(w.names[0], f, g) for f, g in people[:1])
    ok = first_there or mine_first or shared >= 2
    return ok, f"authors {shared}/{len(w.names)} shared" + ("" if ok else " (first author absent)")


def check(w: Wanted, pub: dict[str, Any], linked: bool) -> tuple[bool, list[str]]:
    """Every hard check on one publication; the reasons say why it passed or failed."""
    from .match import TITLE_MIN, title_similarity  # rapidfuzz: only when a lookup is due

    fails: list[str] = []
    notes: list[str] = []
    kind = pub.get("kind", "")
    if kind == "corr":
        fails.append("CoRR copy: the preprint, not a publication")
    elif kind == "workshop":
        fails.append("workshop paper: never the main conference's")
    elif kind not in CSL_TYPE:
        fails.append(f"not a conference or journal paper ({kind})")
    if w.label and pub.get("label") != w.label:
        fails.append(
            f"venue {pub.get('label') or pub.get('venue', '?')} is not the record's {w.label}"
        )
    sim = title_similarity(w.title, pub.get("title", ""))
    if linked:
        notes.append(f"title {sim:.2f}" + ("" if sim >= TITLE_MIN else " (differs; linked by id)"))
    elif sim < TITLE_MIN:
        fails.append(f"title {sim:.2f}")
    elif _digits(w.title) != _digits(pub.get("title", "")):
        fails.append(f"title digits differ ({pub.get('title', '')!r})")
    else:
        notes.append(f"title {sim:.2f}")
    ok, why = _authors_ok(w, pub.get("author", []))
    (notes if ok else fails).append(why)
    lo, hi = w.years
    if not lo <= int(pub.get("year") or 0) <= hi:
        fails.append(f"year {pub.get('year')} outside {lo}..{hi}")
    return not fails, fails + notes


def decide(w: Wanted, pubs: list[dict[str, Any]], linked: bool) -> Decision:
    """The one publication that passes; none when none or several (different keys) pass."""
    verdicts = []
    passing: dict[str, dict[str, Any]] = {}
    for pub in pubs:
        m = _OPENREVIEW.search(pub.get("url", ""))
        same_forum = bool(w.openreview and m and m.group(1) == w.openreview)
        ok, reasons = check(w, pub, linked or same_forum)
        if same_forum:
            reasons.append(f"OpenReview id {w.openreview} links it")
        verdicts.append({"dblp": pub.get("key", ""), "ok": ok, "reasons": reasons})
        if ok:
            passing.setdefault(pub["key"], pub)
    if not passing:
        return Decision(None, "no candidate passed", tuple(verdicts))
    if len(passing) > 1:
        a, b = list(passing)[:2]
        return Decision(None, f"ambiguous: {a} vs {b}", tuple(verdicts))
    return Decision(next(iter(passing.values())), "validated", tuple(verdicts))


def from_dblp(pub: dict[str, Any], s2_paper: str = "") -> dict[str, Any]:
    """The lock table of a published version found in DBLP."""
    values = {
        "source": "dblp",
        "venue": pub.get("label") or pub.get("venue", ""),
        "year": pub.get("year", 0),
        "type": CSL_TYPE.get(pub.get("kind", ""), "paper-conference"),
        "doi": pub.get("doi") or "none",
        "dblp": pub.get("key", ""),
        "s2": s2_paper,
        "title": pub.get("title", ""),
        "container-title": pub.get("container", ""),
        "volume": pub.get("volume", ""),
        "page": pub.get("page", ""),
        "publisher": pub.get("publisher", ""),
        "URL": pub.get("url", ""),
    }
    return {k: values[k] for k in sorted(values) if values[k] not in ("", 0)}


def from_crossref(cr: dict[str, Any], label: str) -> dict[str, Any]:
    """The lock table of a published version found in Crossref (no DBLP record)."""
    values = {
        "source": "crossref",
        "venue": label or cr.get("container-title", ""),
        "year": cr.get("year", 0),
        "type": "article-journal" if cr.get("type") == "journal-article" else "paper-conference",
        "doi": cr.get("DOI") or "none",
        "title": cr.get("title", ""),
        "container-title": cr.get("container-title", ""),
        "volume": cr.get("volume", ""),
        "page": cr.get("page", ""),
        "publisher": cr.get("publisher", ""),
    }
    return {k: values[k] for k in sorted(values) if values[k] not in ("", 0)}


def describe(published: dict[str, Any]) -> str:
    """`ICLR 2023 (dblp conf/iclr/FrantarAHA23)` / `TACL 2024 (doi:10.1162/...)`."""
    where = f"{published.get('venue', '?')} {published.get('year', '?')}"
    if published.get("dblp"):
        return f"{where} (dblp {published['dblp']})"
    return f"{where} (doi:{published.get('doi')})"
