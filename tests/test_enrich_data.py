"""The enrichment fixtures: shapes, coverage of meta/, and labels re-derived from the rules."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from habanero import Crossref
from rapidfuzz import fuzz

from tests.servers.crossref import CrossrefServer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
WORKS: list[dict[str, Any]] = json.loads((DATA / "enrich" / "crossref_works.json").read_text())
ENTRIES: list[dict[str, Any]] = json.loads((DATA / "enrich" / "arxiv_entries.json").read_text())
CASES: list[dict[str, Any]] = json.loads((DATA / "matching_cases.json").read_text())
NO_CROSSREF = {"ICLR", "ICLR oral", "ICML", "NeurIPS", "MLSys", "TMLR", "JMLR", "UAI"}
NOT_VENUE_DOI = ("10.5555/", "10.2139/", "10.5281/", "10.6084/")
KINDS = {
    "true_rank1", "true_behind_decoys", "markup_title", "erratum_decoy", "pseudo_doi_5555",
    "repository_copy", "same_title_other_authors", "posted_content_vs_vor", "wrong_year",
    "wrong_type", "no_crossref_venue", "near_duplicate", "author_mismatch",
}  # fmt: skip


def plain(text: str) -> str:
    """Markup stripped with space insertion, entities decoded, accents and punctuation dropped."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def year_of(work: dict[str, Any]) -> int | None:
    for field in ("published-print", "published-online", "published", "issued"):
        parts = (work.get(field) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def acceptable(record: dict[str, Any], cand: dict[str, Any]) -> bool:
    """notes/crossref.md 3.3, written independently of the generator."""
    if record["venue"] in NO_CROSSREF or cand["DOI"].startswith(NOT_VENUE_DOI):
        return False
    types = {"proceedings-article", "journal-article"} | (
        {"book-chapter"} if record["venue"] == "ECCV" else set()
    )
    if cand["type"] not in types:
        return False
    title = plain(cand["title"][0])
    if title.startswith(("correction", "erratum", "retraction")):
        return False
    if fuzz.ratio(title, plain(record["title"])) < 97:
        return False
    year, want = year_of(cand), record["year"]
    late = 2 if record["venue"] == "arXiv" else 1
    if year is None or not want - 1 <= year <= want + late:
        return False
    mine = {plain(a).split()[-1] for a in record["authors"]}
    theirs = {plain(a.get("family", a.get("name", ""))).split()[-1] for a in cand["author"]}
    shared = len(mine & theirs)
    return not (shared == 0 or min(len(mine), len(theirs)) >= 4 and shared < 0.5 * len(theirs))


def test_cases_count_kinds_and_shape() -> None:
    assert len(CASES) >= 45
    counts = {k: sum(c["kind"] == k for c in CASES) for k in KINDS}
    assert all(n >= 3 for n in counts.values()), counts
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert set(c) == {"id", "kind", "record", "candidates", "expected_doi", "why"}
        assert set(c["record"]) == {"title", "authors", "year", "venue"}
        dois = [w["DOI"] for w in c["candidates"]]
        assert c["expected_doi"] is None or c["expected_doi"] in dois
        scores = [w["score"] for w in c["candidates"]]
        assert scores == sorted(scores, reverse=True)


def test_labels_follow_the_acceptance_rules() -> None:
    for c in CASES:
        passing = [w["DOI"] for w in c["candidates"] if acceptable(c["record"], w)]
        derived = passing[0] if len(passing) == 1 else None
        assert derived == c["expected_doi"], (c["id"], passing)


def test_works_are_unique_and_hold_every_candidate() -> None:
    dois = [w["DOI"] for w in WORKS]
    assert len(dois) == len(set(dois))
    by_doi = {w["DOI"]: w for w in WORKS}
    for c in CASES:
        for cand in c["candidates"]:
            stored = {k: v for k, v in cand.items() if k != "score"}
            assert by_doi[cand["DOI"]] == stored, (c["id"], cand["DOI"])
    for w in WORKS:
        assert isinstance(w["title"], list) and isinstance(w["container-title"], list)
        assert w["URL"] == f"https://doi.org/{w['DOI']}" and w["prefix"] == w["DOI"].split("/")[0]
        assert all(a["sequence"] in ("first", "additional") for a in w["author"])


def test_every_arxiv_id_in_meta_has_one_entry() -> None:
    pattern = re.compile(r'url: "https?://arxiv\.org/(?:abs|pdf)/+(\d{4}\.\d{4,5})')
    in_meta = set()
    for path in (ROOT / "meta").glob("*/*.prototxt"):
        m = pattern.search(path.read_text())
        if m:
            in_meta.add(m.group(1))
    assert {e["id"] for e in ENTRIES} == in_meta
    assert len(ENTRIES) == len(in_meta) >= 90
    for e in ENTRIES:
        assert e["versions"] == sorted(e["versions"]) and e["authors"]
        assert e["primary_category"] in ("cs.LG", "cs.CL", "cs.CV")


def test_published_arxiv_entries_point_at_works_that_point_back() -> None:
    by_doi = {w["DOI"]: w for w in WORKS}
    linked = [e for e in ENTRIES if e.get("doi")]
    assert len(linked) >= 5
    for e in linked:
        vor = by_doi[e["doi"]]
        preprints = [r["id"] for r in vor["relation"].get("has-preprint", [])]
        assert f"10.48550/arxiv.{e['id']}" in preprints
        assert e["journal_ref"]


def test_every_version_of_record_is_fetchable_through_habanero() -> None:
    vors = [w for w in WORKS if not w["DOI"].startswith(NOT_VENUE_DOI)][:24]
    roomy = {"polite": (1000, 1000, 100)}
    with CrossrefServer(WORKS, limits=roomy) as cr:
        got = Crossref(base_url=cr.url, mailto="me@example.org").works(ids=[w["DOI"] for w in vors])
    assert [g["message"]["DOI"] for g in got] == [w["DOI"] for w in vors]
