"""Deciding whether a Crossref work is the record's paper: validate every candidate, prefer none.

The recipe follows Crossref's search-based matching with validation (SBMV) and the COMET
preprint matcher (see /work/shared/ref/notes/crossref.md, section 3): a candidate must pass every
hard check (title, authors, year, type, not a copy or a correction), then the weighted score
(title 2.0, authors 0.8, year 0.4) must reach ACCEPT, and no other passing candidate with a
different DOI may come within TIE of the best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from .markup import clean, fold

TITLE_MIN = 0.90  # title similarity below this rejects
ACCEPT = 0.85  # weighted score a winner needs
TIE = 0.03  # a second candidate this close to the best makes the match ambiguous
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


@dataclass(frozen=True)
class Wanted:
    """What the record says about its paper, folded for comparison."""

    title: str
    names: tuple[str, ...]  # each author's full name as the record writes it, record order
    year: int
    types: tuple[str, ...] = VERSIONS_OF_RECORD  # Crossref types acceptable for the venue
    years: tuple[int, int] = (-1, 1)  # accepted offsets from the record's year


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
    a = fold(record)
    best = 0.0
    for b in {fold(remote), fold(f"{remote}: {subtitle}") if subtitle else fold(remote)}:
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
    tokens = fold(name).split()
    fam = fold(family)
    if not tokens or not fam:
        return False
    fam_tokens = fam.split()
    same = fam in (tokens[-1], " ".join(tokens[-len(fam_tokens) :])) or set(fam_tokens) <= set(
        tokens
    )
    if not same and not (len(fam) > 3 and fuzz.ratio(tokens[-1], fam_tokens[-1]) >= 90):
        return False
    rest = [t for t in tokens if t not in fam_tokens] or tokens[:-1]
    initial = fold(given)[:1]
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
    return sum(1 for n in names if any(_person_matches(n, f, g) for f, g in people))


def judge(wanted: Wanted, work: dict[str, Any]) -> Verdict:
    """Check one candidate against the record; every failed check is a reason."""
    doi = str(work.get("DOI", "")).lower()
    fails: list[str] = []
    notes: list[str] = []
    prefix = doi.split("/", 1)[0]
    if prefix in COPIES:
        fails.append(COPIES[prefix])
    kind = work.get("type", "")
    notice = work.get("update-to") or _NOTICE.match(fold(work_title(work)))
    if notice and not _NOTICE.match(fold(wanted.title)):
        fails.append("a correction/erratum notice, not the paper")
    if kind not in wanted.types:
        fails.append(f"type {kind or '?'} not expected for this venue")

    subtitle = ((work.get("subtitle") or [""]) + [""])[0]
    tsim = title_similarity(wanted.title, work_title(work), clean(subtitle))
    (notes if tsim >= TITLE_MIN else fails).append(f"title {tsim:.2f}")

    fams = remote_people(work)
    if wanted.names and fams:
        hit = author_overlap(wanted.names, fams)
        need = max(1, -(-min(len(wanted.names), len(fams)) // 2))
        asim = hit / len(wanted.names)
        (notes if hit >= need else fails).append(f"authors {hit}/{len(wanted.names)}")
    else:
        asim = 0.5  # unknown on one side: neutral, and the title must be near exact
        notes.append("authors unknown")
        if tsim < 0.97:
            fails.append("no authors to confirm a non-exact title")

    wy = work_year(work)
    lo, hi = wanted.years
    if not wy:
        ysim = 0.5
        notes.append("year unknown")
    else:
        gap = wy - wanted.year
        ysim = 1.0 if gap == 0 else 0.9 if abs(gap) == 1 else 0.8
        if not lo <= gap <= hi:
            fails.append(f"year {wy} outside {wanted.year}{lo:+d}..{hi:+d}")
            ysim = 0.0
        else:
            notes.append(f"year {wy}")
    total = sum(WEIGHTS.values())
    score = (WEIGHTS["title"] * tsim + WEIGHTS["authors"] * asim + WEIGHTS["year"] * ysim) / total
    ok = not fails and score >= ACCEPT
    if not fails and not ok:
        fails.append(f"score {score:.2f} < {ACCEPT}")
    return Verdict(doi=doi, ok=ok, score=round(score, 4), reasons=tuple(fails + notes))


def decide(wanted: Wanted, works: list[dict[str, Any]]) -> Decision:
    """Pick the one candidate that passes clearly; a posted-content copy loses to a version
    of record; two close different winners mean no answer."""
    verdicts = [judge(wanted, w) for w in works]
    passing = [(v, w) for v, w in zip(verdicts, works, strict=True) if v.ok]
    if any(w.get("type") != "posted-content" for _, w in passing):
        demoted = {v.doi for v, w in passing if w.get("type") == "posted-content"}
        verdicts = [
            Verdict(v.doi, False, v.score, ("posted-content while a version of record exists",))
            if v.doi in demoted
            else v
            for v in verdicts
        ]
        passing = [(v, w) for v, w in passing if v.doi not in demoted]
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
