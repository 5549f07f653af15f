"""Published versions: which publication is the record's paper, from S2 hints and DBLP records.

Identity first. The record's own arXiv id, DOI or ACL id finds its S2 record; a DBLP key there
that is not the CoRR copy is an identifier link (the DBLP record may then carry another title:
GPTQ is "OPTQ" at ICLR 2023); so is a DBLP record whose electronic editions (`ee`) name the
id the record's URL names (OpenReview, PMLR, NeurIPS, MLSys, JMLR, CVF open access). Everything else comes from a DBLP search and must pass every check
(`check`): not the CoRR copy; not a workshop paper (nor, for a workshop record, the main
paper); the record's venue when it names one; the title (after markup and case, digits
equal: FlashAttention-2 is not FlashAttention), unless linked; the authors (the publication's
first author in the record, the record's first author first there, or two shared family
names); the year (the arXiv year to +2 for a preprint, the record's year +-1 for a venue).
Several passing publications: no answer, reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import ids, names
from ..model import Item, plain, year
from .markup import fold
from .routes import ML_VENUES, ROUTES, is_preprint

CSL_TYPE = {"conference": "paper-conference", "journal": "article-journal"}
_DIGITS = re.compile(r"\d+")
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([\w-]+)")
# URL ids DBLP's electronic editions carry: the record's own one links its DBLP record
EE_KINDS = ("openreview", "pmlr", "neurips", "cvf", "mlsys", "jmlr")


@dataclass(frozen=True)
class Wanted:
    title: str
    names: tuple[str, ...]  # record authors as written ("Given Family")
    years: tuple[int, int]  # inclusive
    label: str  # the record's venue key; "" for a preprint (any venue)
    openreview: str = ""  # the record's OpenReview id: a DBLP record linking it is the paper
    ident: str = ""  # the id its URL names ("pmlr:v202/frantar23a"): likewise
    folded: str = field(init=False, compare=False, repr=False)
    tokens: tuple[tuple[str, ...], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", fold(self.title))
        object.__setattr__(self, "tokens", tuple(tuple(fold(n).split()) for n in self.names))
        if self.openreview and not self.ident:
            object.__setattr__(self, "ident", f"openreview:{self.openreview}")


@dataclass(frozen=True)
class Decision:
    pub: dict[str, Any] | None
    reason: str
    verdicts: tuple[dict[str, Any], ...] = ()


def url_ident(item: Item) -> str:
    """The id of `EE_KINDS` the record's URL names ("openreview:tcbBPnfwxS"), or ""."""
    ident = ids.parse(item.get("URL", ""))
    return str(ident) if ident and ident.kind in EE_KINDS else ""


def needs(item: Item) -> bool:
    """Does the record want a published version (arXiv preprints), proceedings data (ML
    venues without Crossref DOIs), or has it a URL that DBLP's electronic editions name?"""
    c = item.get("custom", {})
    key = c.get("venue_key")
    return key in ML_VENUES or key == "arXiv" or (key not in ROUTES and bool(url_ident(item)))


def wanted(item: Item, arxiv_year: int = 0) -> Wanted:
    people = tuple(
        " ".join(p for p in (n.get("given", ""), n.get("family", "")) if p)
        for n in item.get("author", [])
        if "literal" not in n
    )
    label = item.get("custom", {}).get("venue_key", "")
    m = _OPENREVIEW.search(item.get("URL", ""))
    forum = m.group(1) if m else ""
    ident = url_ident(item)
    if is_preprint(item):
        start = arxiv_year or year(item)
        return Wanted(plain(item, "title"), people, (start, start + 2), "", forum, ident)
    if label not in ML_VENUES and ident:
        label = ""  # a venue DBLP's labels do not name: the id decides
    window = (year(item) - 1, year(item) + 1)
    return Wanted(plain(item, "title"), people, window, label, forum, ident)


def _digits(title: str) -> list[str]:
    return _DIGITS.findall(fold(title))


def people_of(pub: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """A publication's authors as `match.person`s (parsed and folded once, on arrival)."""
    from .match import person  # rapidfuzz: loaded only when a lookup is due

    parsed = [
        (p.get("family", ""), p.get("given", "")) for p in map(names.parse, pub.get("author", []))
    ]
    return tuple(person(f, g) for f, g in parsed if f)


def _authors_ok(
    w: Wanted, people: tuple[tuple[str, str, str], ...], linked: bool
) -> tuple[bool, str]:
    from .match import matches

    if not w.names and linked:
        return True, "authors unknown (the identifier stands in)"
    if not w.names or not people:
        return False, "authors unknown"
    shared = sum(1 for t in w.tokens if any(matches(t, p) for p in people))
    first_there = any(matches(t, people[0]) for t in w.tokens)
    mine_first = matches(w.tokens[0], people[0])
    ok = first_there or mine_first or shared >= 2
    return ok, f"authors {shared}/{len(w.names)} shared" + ("" if ok else " (first author absent)")


def check(
    w: Wanted,
    pub: dict[str, Any],
    linked: bool,
    people: tuple[tuple[str, str, str], ...] | None = None,
) -> tuple[bool, list[str]]:
    """Every hard check on one publication; the reasons say why it passed or failed.
    `people`: its `people_of`, when the caller has it already."""
    from .match import TITLE_MIN, similarity  # rapidfuzz: only when a lookup is due

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
    sim = similarity(w.folded, fold(pub.get("title", "")))
    if linked:
        notes.append(f"title {sim:.2f}" + ("" if sim >= TITLE_MIN else " (differs; linked by id)"))
    elif sim < TITLE_MIN:
        fails.append(f"title {sim:.2f}")
    elif _digits(w.title) != _digits(pub.get("title", "")):
        fails.append(f"title digits differ ({pub.get('title', '')!r})")
    else:
        notes.append(f"title {sim:.2f}")
    ok, why = _authors_ok(w, people_of(pub) if people is None else people, linked)
    (notes if ok else fails).append(why)
    lo, hi = w.years
    if not lo <= int(pub.get("year") or 0) <= hi:
        fails.append(f"year {pub.get('year')} outside {lo}..{hi}")
    return not fails, fails + notes


def decide(w: Wanted, pubs: list[dict[str, Any]], linked: bool) -> Decision:
    """The one publication that passes; none when none or several (different keys) pass."""
    verdicts = []
    passing: dict[str, dict[str, Any]] = {}
    # A PMLR, NeurIPS, CVF, MLSys or JMLR page belongs to one publication: a record of another
    # page is another paper. Not OpenReview: a paper keeps the forum of an earlier submission.
    kind = (
        w.ident.split(":", 1)[0] + ":" if w.ident and not w.ident.startswith("openreview:") else ""
    )
    for pub in pubs:
        editions = edition_ids(pub) if w.ident else set()
        same = w.ident in editions
        other = sorted(i for i in editions if kind and i.startswith(kind) and i != w.ident)
        ok, reasons = check(w, pub, linked or same, people_of(pub))
        if same:
            reasons.append(f"{w.ident} in its electronic editions links it")
        elif other and not linked:
            ok = False
            reasons.insert(
                0, f"its electronic editions name {other[0]}, not the record's {w.ident}"
            )
        verdicts.append({"dblp": pub.get("key", ""), "ok": ok, "reasons": reasons})
        if ok:
            passing.setdefault(pub["key"], pub)
    if not passing:
        return Decision(None, "no candidate passed", tuple(verdicts))
    if len(passing) > 1:
        a, b = list(passing)[:2]
        return Decision(None, f"ambiguous: {a} vs {b}", tuple(verdicts))
    return Decision(next(iter(passing.values())), "validated", tuple(verdicts))


def edition_ids(pub: dict[str, Any]) -> set[str]:
    """The ids a DBLP publication's URL and electronic editions (`ee`) name."""
    return {str(i) for i in ids.all_in([pub.get("url", ""), *pub.get("ee", [])])}


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
