"""Deciding whether a Crossref work is the record's paper: validate every candidate, prefer none.

The recipe follows Crossref's search-based matching with validation (SBMV) and the COMET
preprint matcher (see /work/shared/ref/notes/crossref.md, section 3): a candidate must pass every
hard check (title, authors, year, type, not a copy or a correction), then the weighted score
(title 2.0, authors 0.8, year 0.4) must reach ACCEPT, and no other passing candidate with a
different DOI may come within TIE of the best.

A remote work is normalized once when it arrives (`Candidate.of`: cleaned and folded title,
folded family names and initials, year, the ids its DOI and links name) and the record once
(`Wanted`); the checks read those. An identifier match (`ident`: the record's URL names the DOI,
or an IEEE document number the work's links carry) stands in for what the record lacks: no
authors or no year on either side is then no reason to doubt it, but the title must still pass.
A work with no year and no identifier passes only with a certain title and confirmed authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from .. import ids
from .markup import clean, fold

TITLE_MIN = 0.90  # title similarity below this rejects
ACCEPT = 0.85  # weighted score a winner needs
TIE = 0.03  # a second candidate this close to the best makes the match ambiguous
CERTAIN = 0.97  # title similarity that needs no author (or, with authors, no year) to confirm it
WEIGHTS = {"title": 2.0, "authors": 0.8, "year": 0.4}

# DOI prefixes that are never the paper itself (notes section 4).
COPIES = {
    "10.5555": "ACM pseudo-DOI (10.5555 does not resolve)",
    "10.2139": "SSRN copy",
    "10.5281": "Zenodo copy",
    "10.6084": "figshare copy",
    "10.48550": "arXiv DataCite DOI, not a Crossref version of record",
}
VERSIONS_OF_RECORD = ("journal-article", "proceedings-article", "book-chapter")
_NOTICE = re.compile(
    r"^(erratum|errata|correction|corrigendum|retraction|retracted|addendum|"
    r"reply to|response to|comment on|author correction|publisher correction)\b"
)


Person = tuple[str, str, str]  # (folded family, its last token, initial of the given name)


def person(family: str, given: str = "") -> Person:
    fam = fold(family)
    return fam, (fam.split() or [""])[-1], fold(given)[:1]


@dataclass(frozen=True)
class Wanted:
    """What the record says about its paper, folded for comparison (once, here)."""

    title: str
    names: tuple[str, ...]  # each author's full name as the record writes it, record order
    year: int
    types: tuple[str, ...] = VERSIONS_OF_RECORD  # Crossref types acceptable for the venue
    years: tuple[int, int] = (-1, 1)  # accepted offsets from the record's year
    folded: str = field(init=False, compare=False, repr=False)
    tokens: tuple[tuple[str, ...], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", fold(self.title))
        object.__setattr__(self, "tokens", tuple(tuple(fold(n).split()) for n in self.names))


@dataclass(frozen=True)
class Candidate:
    """A remote work normalized once on arrival; `work` is the raw Crossref message."""

    doi: str
    type: str
    title: str  # cleaned of markup
    folded: str
    folded_full: str  # title and subtitle, folded ("" without a subtitle)
    people: tuple[Person, ...]
    year: int
    notice: bool  # a correction, erratum, retraction... (update-to or the title says so)
    idents: frozenset[str]  # ids its DOI and links name: "doi:10...", "ieee:298572"
    work: dict[str, Any] = field(compare=False, repr=False)

    @classmethod
    def of(cls, work: dict[str, Any]) -> Candidate:
        doi = str(work.get("DOI", "")).lower()
        title = work_title(work)
        subtitle = clean(((work.get("subtitle") or [""]) + [""])[0])
        links = [str(x.get("URL", "")) for x in work.get("link") or [] if isinstance(x, dict)]
        primary = ((work.get("resource") or {}).get("primary") or {}).get("URL", "")
        found = ids.all_in([*links, str(primary), str(work.get("URL", ""))])
        return cls(
            doi=doi,
            type=str(work.get("type", "")),
            title=title,
            folded=fold(title),
            folded_full=fold(f"{title}: {subtitle}") if subtitle else "",
            people=tuple(person(f, g) for f, g in remote_people(work)),
            year=work_year(work),
            notice=bool(work.get("update-to") or _NOTICE.match(fold(title))),
            idents=frozenset({f"doi:{doi}"} | {str(i) for i in found}) if doi else frozenset(),
            work=work,
        )


@dataclass(frozen=True)
class Verdict:
    """One candidate judged: passes every hard check or not, its score and why."""

    doi: str
    ok: bool
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """The chosen DOI (or None), its score, the reason, and every candidate's verdict."""

    doi: str | None
    score: float
    reason: str
    verdicts: tuple[Verdict, ...] = ()


def work_year(work: dict[str, Any]) -> int:
    """The publication year of a Crossref work, 0 when it has none (`issued` can be [[null]])."""
    for key in ("issued", "published-print", "published-online", "published", "posted"):
        parts = (work.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return 0


def work_title(work: dict[str, Any]) -> str:
    """The work's first title, cleaned of markup."""
    titles = work.get("title") or [""]
    return clean(titles[0] if isinstance(titles, list) else str(titles))


def title_similarity(record: str, remote: str, subtitle: str = "") -> float:
    """0..1 similarity of two titles after folding (COMET mix of rapidfuzz scorers); the
    remote title joined with its subtitle counts too."""
    full = fold(f"{remote}: {subtitle}") if subtitle else ""
    return similarity(fold(record), fold(remote), full)


def similarity(a: str, *remote: str) -> float:
    """`title_similarity` of titles folded already (the best of the remote forms given)."""
    best = 0.0
    for b in set(remote):
        if not a or not b:
            continue
        if a == b:
            return 1.0
        mix = (
            0.4 * fuzz.token_set_ratio(a, b)
            + 0.4 * fuzz.token_sort_ratio(a, b)
            + 0.2 * fuzz.WRatio(a, b)
        ) / 100
        best = max(best, mix)
    return round(best, 4)


def _person_matches(name: str, family: str, given: str = "") -> bool:
    """Does a remote author (family, given) belong to a record name ("Given Family", any
    order)? The family name must match; a given name on both sides must share its initial
    (common family names alone do not identify a person: "Hao Li" is not "Changhao Li")."""
    return matches(tuple(fold(name).split()), person(family, given))


def matches(tokens: tuple[str, ...], who: Person) -> bool:
    """`_person_matches` of a record name's folded tokens and a remote `person`."""
    fam, last, initial = who
    if not tokens or not fam:
        return False
    fam_tokens = fam.split()
    same = fam in (tokens[-1], " ".join(tokens[-len(fam_tokens) :])) or set(fam_tokens) <= set(
        tokens
    )
    if not same and not (len(fam) > 3 and fuzz.ratio(tokens[-1], last) >= 90):
        return False
    rest = [t for t in tokens if t not in fam_tokens] or tokens[:-1]
    return not initial or not rest or any(t[0] == initial for t in rest)


def remote_people(work: dict[str, Any]) -> list[tuple[str, str]]:
    """(family, given) of a work's authors (organisations as (name, "")), in order."""
    out = []
    for a in work.get("author") or []:
        fam = a.get("family") or a.get("name") or ""
        if fam:
            out.append((clean(fam), clean(a.get("given", ""))))
    return out


def author_overlap(names: tuple[str, ...], people: list[tuple[str, str]]) -> int:
    """How many record authors appear among the remote authors."""
    return overlap(tuple(tuple(fold(n).split()) for n in names), tuple(person(*p) for p in people))


def overlap(tokens: tuple[tuple[str, ...], ...], people: tuple[Person, ...]) -> int:
    """`author_overlap` of folded record names and remote people."""
    return sum(1 for t in tokens if any(matches(t, p) for p in people))


def judge(wanted: Wanted, work: dict[str, Any] | Candidate, ident: str = "") -> Verdict:
    """Check one candidate against the record; every failed check is a reason. `ident`: an
    id the record names ("doi:10...", "ieee:298572"); a candidate carrying it is identified
    by it, one that does not is rejected."""
    cand = work if isinstance(work, Candidate) else Candidate.of(work)
    fails: list[str] = []
    notes: list[str] = []
    known = bool(ident) and ident in cand.idents
    if ident and not known:
        fails.append(f"does not carry the record's {ident}")
    elif known:
        notes.append(f"identified by {ident}")
    prefix = cand.doi.split("/", 1)[0]
    if prefix in COPIES:
        fails.append(COPIES[prefix])
    if cand.notice and not _NOTICE.match(wanted.folded):
        fails.append("a correction/erratum notice, not the paper")
    if cand.type not in wanted.types:
        fails.append(f"type {cand.type or '?'} not expected for this venue")

    tsim = similarity(wanted.folded, cand.folded, cand.folded_full)
    (notes if tsim >= TITLE_MIN else fails).append(f"title {tsim:.2f}")

    confirmed = False
    if wanted.names and cand.people:
        hit = overlap(wanted.tokens, cand.people)
        need = max(1, -(-min(len(wanted.names), len(cand.people)) // 2))
        asim = hit / len(wanted.names)
        confirmed = hit >= need
        (notes if confirmed else fails).append(f"authors {hit}/{len(wanted.names)}")
    elif known:
        asim = 1.0  # the identifier stands in for the authors one side lacks
        notes.append("authors unknown (the identifier stands in)")
    else:
        asim = 0.5  # unknown on one side: neutral, and the title must be near exact
        notes.append("authors unknown")
        if tsim < CERTAIN:
            fails.append("no authors to confirm a non-exact title")

    lo, hi = wanted.years
    if not cand.year:
        ysim = 1.0 if known else 0.5
        notes.append("year unknown" + (" (the identifier stands in)" if known else ""))
        if not known and not (confirmed and tsim >= CERTAIN):
            fails.append("no year: needs a certain title and the authors, or an identifier")
    else:
        gap = cand.year - wanted.year
        ysim = 1.0 if gap == 0 else 0.9 if abs(gap) == 1 else 0.8
        if not lo <= gap <= hi:
            fails.append(f"year {cand.year} outside {wanted.year}{lo:+d}..{hi:+d}")
            ysim = 0.0
        else:
            notes.append(f"year {cand.year}")
    total = sum(WEIGHTS.values())
    score = (WEIGHTS["title"] * tsim + WEIGHTS["authors"] * asim + WEIGHTS["year"] * ysim) / total
    ok = not fails and score >= ACCEPT
    if not fails and not ok:
        fails.append(f"score {score:.2f} < {ACCEPT}")
    return Verdict(doi=cand.doi, ok=ok, score=round(score, 4), reasons=tuple(fails + notes))


def decide(
    wanted: Wanted, works: list[dict[str, Any]] | list[Candidate], ident: str = ""
) -> Decision:
    """Pick the one candidate that passes clearly; a posted-content copy loses to a version
    of record; two close different winners mean no answer. `ident`: see `judge`."""
    cands = [w if isinstance(w, Candidate) else Candidate.of(w) for w in works]
    verdicts = [judge(wanted, c, ident) for c in cands]
    passing = [(v, c) for v, c in zip(verdicts, cands, strict=True) if v.ok]
    if any(c.type != "posted-content" for _, c in passing):
        demoted = {v.doi for v, c in passing if c.type == "posted-content"}
        verdicts = [
            Verdict(v.doi, False, v.score, ("posted-content while a version of record exists",))
            if v.doi in demoted
            else v
            for v in verdicts
        ]
        passing = [(v, c) for v, c in passing if v.doi not in demoted]
    if not passing:
        return Decision(None, 0.0, "no candidate passed", tuple(verdicts))
    ranked = sorted(passing, key=lambda p: -p[0].score)
    best = ranked[0][0]
    rivals = [v for v, _ in ranked[1:] if v.doi != best.doi and best.score - v.score <= TIE]
    if rivals:
        return Decision(
            None, best.score, f"ambiguous: {best.doi} vs {rivals[0].doi}", tuple(verdicts)
        )
    return Decision(best.doi, best.score, "validated", tuple(verdicts))
