"""Matching Crossref candidates to records: the labelled set, markup cleaning, name checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refkit.enrich.crossref import PREPRINT_YEARS, ROUTES
from refkit.enrich.markup import clean, fold
from refkit.enrich.match import VERSIONS_OF_RECORD, Wanted, decide, judge, title_similarity

CASES = json.loads(Path("tests/data/matching_cases.json").read_text(encoding="utf-8"))


def wanted_for(record: dict) -> Wanted | None:
    """What the enricher would ask for this record (None: the venue is never searched)."""
    venue = record["venue"]
    args = (record["title"], tuple(record["authors"]), record["year"])
    if venue in ROUTES:
        return Wanted(*args, ROUTES[venue][0])
    if venue == "arXiv":
        return Wanted(*args, VERSIONS_OF_RECORD, PREPRINT_YEARS)
    return None


def test_labelled_set_precision_is_one_and_every_decision_is_explained() -> None:
    assert len(CASES) >= 45
    tp = fp = fn = 0
    wrong = []
    for case in CASES:
        wanted = wanted_for(case["record"])
        decision = decide(wanted, case["candidates"]) if wanted else None
        got = decision.doi if decision else None
        expected = (case["expected_doi"] or "").lower() or None
        if decision is not None:
            assert decision.reason
            assert len(decision.verdicts) == len(case["candidates"])
            assert all(v.reasons for v in decision.verdicts)
        if got and got == expected:
            tp += 1
        elif got:
            fp += 1
            wrong.append((case["id"], got, expected))
        elif expected:
            fn += 1
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"\nmatching: {len(CASES)} cases, tp={tp} fp={fp} fn={fn}, precision 1.0, recall {recall:.3f}"
    )
    assert fp == 0, wrong
    assert tp > 0


@pytest.mark.parametrize(
    "kind",
    sorted({c["kind"] for c in CASES if c["expected_doi"] is None and wanted_for(c["record"])}),
)
def test_decoy_kinds_are_rejected_with_a_reason(kind: str) -> None:
    for case in (c for c in CASES if c["kind"] == kind and c["expected_doi"] is None):
        wanted = wanted_for(case["record"])
        if wanted is None:
            continue  # a venue refkit never searches: no request, no answer
        decision = decide(wanted, case["candidates"])
        assert decision.doi is None, case["id"]
        assert all(not v.ok for v in decision.verdicts) or decision.reason.startswith("ambiguous")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("an<scp>R</scp>package", "an R package", id="scp-without-spaces"),
        pytest.param("H<sub>2</sub>O splitting", "H2O splitting", id="sub-stays-tight"),
        pytest.param("<i>k</i>-means", "k-means", id="italic-before-hyphen"),
        pytest.param(
            'The <mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:msub>'
            "<mml:mi>L</mml:mi><mml:mn>0</mml:mn></mml:msub></mml:math> norm",
            "The L0 norm",
            id="mathml",
        ),
        pytest.param("Tom &amp; Jerry", "Tom & Jerry", id="entity"),
        pytest.param("Tom &Amp; Jerry", "Tom & Jerry", id="title-cased-entity"),
        pytest.param("Tom &amp;amp; Jerry", "Tom & Jerry", id="escaped-twice"),
        pytest.param("<jats:title>Deep</jats:title><jats:p>Nets</jats:p>", "Deep Nets", id="jats"),
        pytest.param("  GPTQ:\n  Accurate  ", "GPTQ: Accurate", id="whitespace"),
        pytest.param("3 &lt; 4", "3 < 4", id="escaped-less-than"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_fold_drops_accents_case_and_punctuation() -> None:
    assert fold("Régis: <i>Naïve</i> BERT-Style!") == "regis naive bert style"


def test_title_similarity_uses_the_subtitle() -> None:
    record = "Movement Pruning: Adaptive Sparsity by Fine-Tuning"
    assert title_similarity(record, "Movement Pruning", "Adaptive Sparsity by Fine-Tuning") == 1.0
    assert title_similarity(record, "Magnitude Pruning Revisited") < 0.9


def _work(**kw: object) -> dict:
    base = {
        "DOI": "10.1109/x.1",
        "type": "proceedings-article",
        "title": ["Sparse Training at Scale"],
        "author": [{"given": "Changhao", "family": "Li"}, {"given": "Jianfei", "family": "Chen"}],
        "issued": {"date-parts": [[2023]]},
    }
    return {**base, **kw}


RECORD = Wanted("Sparse Training at Scale", ("Changhao Li", "Jianfei Chen"), 2023)


@pytest.mark.parametrize(
    ("work", "ok", "reason"),
    [
        pytest.param(_work(), True, "title 1.00", id="exact"),
        pytest.param(
            _work(author=[{"given": "Hao", "family": "Li"}, {"given": "Wei", "family": "Chen"}]),
            False,
            "authors 0/2",
            id="common-family-names-other-people",
        ),
        pytest.param(_work(DOI="10.5555/3045118.3045358"), False, "ACM pseudo-DOI", id="10.5555"),
        pytest.param(_work(DOI="10.2139/ssrn.4242424"), False, "SSRN copy", id="ssrn"),
        pytest.param(_work(type="posted-content"), False, "type posted-content", id="type"),
        pytest.param(_work(issued={"date-parts": [[2019]]}), False, "year 2019", id="year"),
        pytest.param(
            _work(title=["Erratum: Sparse Training at Scale"]), False, "correction", id="erratum"
        ),
        pytest.param(_work(issued={"date-parts": [[None]]}), True, "year unknown", id="null-year"),
        pytest.param(_work(author=[]), True, "authors unknown", id="no-authors-exact-title"),
    ],
)
def test_judge(work: dict, ok: bool, reason: str) -> None:
    verdict = judge(RECORD, work)
    assert verdict.ok is ok
    assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_two_close_winners_are_ambiguous() -> None:
    a, b = _work(DOI="10.1109/x.1"), _work(DOI="10.1109/x.2")
    decision = decide(RECORD, [a, b])
    assert decision.doi is None and decision.reason.startswith("ambiguous")


def test_posted_content_loses_to_the_version_of_record() -> None:
    wanted = Wanted(RECORD.title, RECORD.names, 2023, ("posted-content", "journal-article"))
    preprint = _work(DOI="10.21203/rs.3.rs-1", type="posted-content")
    vor = _work(DOI="10.1016/j.x.2023.1", type="journal-article")
    decision = decide(wanted, [preprint, vor])
    assert decision.doi == "10.1016/j.x.2023.1"
    assert decide(wanted, [preprint]).doi == "10.21203/rs.3.rs-1"
