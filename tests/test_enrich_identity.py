"""Issue #16 end to end: identity from URLs and undated Crossref works, on hard cases served by
the local Crossref and DBLP servers (tests/identity_cases.py), plus the server's undated rule."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from refkit.enrich import Enrichment, Options, enrich
from refkit.normalize import load_items
from tests import identity_cases as hc
from tests.servers.crossref import CrossrefServer


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Enrichment, dict, Path]:
    tmp = tmp_path_factory.mktemp("identity")
    result, counts = hc.run(tmp, enrich, Options, load_items)
    return result, counts, tmp


def test_precision_is_one_and_every_identity_case_is_found(cases) -> None:
    result, counts, _ = cases
    scored = hc.score(result.lock)
    print("\n" + "\n".join(f"{rid}: {outcome} ({why})" for rid, outcome, why in scored["rows"]))
    print({k: scored[k] for k in ("tp", "fp", "fn", "precision", "recall")}, counts)
    assert scored["fp"] == 0, scored["rows"]
    assert scored["fn"] == 0, scored["rows"]
    assert counts["violations"] == 0 and not result.not_enriched


def test_report_names_the_identity_path(cases) -> None:
    result, *_ = cases
    by = {line["id"]: line for line in result.report}
    assert by["1993/obs2"]["decided_by"] == (
        "IEEE Xplore document 298572 in the Crossref record's links"
    )
    assert by["2021/flows"]["decided_by"] == "doi in URL"
    assert by["2023/parsers"]["decided_by"] == "ACL Anthology id"
    assert by["2023/tome"]["decided_by"] == "search without the date filter (title, authors)"
    assert by["2022/tickets"]["decided_by"] == "search (title, authors, year)"
    assert by["2023/lora"]["decided_by"] == "dblp record conf/iclr/Vega23 (ee openreview:AbCdEf123)"
    assert by["2023/prunedvit"]["decided_by"] == (
        "DOI of the DBLP record conf/cvpr/Moss23 "
        "(ee cvf:Moss_Pruned_Vision_Transformers_at_the_Edge_CVPR_2023_paper)"
    )
    for rid in ("1994/arn", "2022/spikes", "2021/qattn", "2023/kernels", "2022/masks"):
        assert by[rid]["doi"] is None and by[rid]["decided_by"] is None, rid
    # the DBLP record its CVF id links stands; the DOI DBLP gives it is another paper's
    assert by["2023/depth"]["doi"] is None
    assert by["2023/depth"]["decided_by"] == (
        "dblp record conf/cvpr/Ruiz23 (ee cvf:Ruiz_Dense_Depth_from_Sparse_Events_CVPR_2023_paper)"
    )
    depth = [e for e in by["2023/depth"]["evidence"] if str(e.get("via", "")).startswith("DOI of")]
    assert depth[0]["result"] == "rejected"
    # the evidence says why the adversarial ones were refused
    spikes = [e for e in by["2022/spikes"]["evidence"] if e.get("via") == "doi in URL"]
    assert spikes[0]["result"] == "rejected" and "title" in spikes[0]["reasons"][0]
    arn = [c for e in by["1994/arn"]["evidence"] for c in e.get("candidates", [])]
    assert any("title" in r and not c["ok"] for c in arn for r in c["reasons"])
    qattn = [c for e in by["2021/qattn"]["evidence"] for c in e.get("candidates", [])]
    assert qattn and all(not c["ok"] for c in qattn)
    assert any("authors 0/2" in c["reasons"] for c in qattn)


def test_the_obs_record_takes_its_doi_not_pages(cases) -> None:
    """A record with no venue is written as @misc: the DOI applies, pages have no place."""
    result, *_ = cases
    obs = next(i for i in result.items if i["custom"]["record_id"] == "1993/obs2")
    assert obs["DOI"] == "10.1109/icnn.1993.298572" and "page" not in obs


def test_at_most_one_extra_search_and_a_warm_run_asks_nothing(cases) -> None:
    result, counts, tmp = cases
    searches = [
        [e for e in line["evidence"] if e.get("source") == "crossref" and "search" in e]
        for line in result.report
    ]
    for line, done in zip(result.report, searches, strict=True):
        assert len(done) <= 2, line["id"]
        if len(done) == 2:  # the second only after a dated search found nothing acceptable
            assert done[0]["dated"] and not done[1]["dated"]
            assert done[0]["result"] == "no candidate passed"
    assert counts["crossref searches"] == sum(len(d) for d in searches)
    # same cache, empty lock, the same (now stopped) servers: no request, the same lock
    crossref_url, arxiv_url, dblp_url = counts["urls"]
    items = load_items(tmp / "meta")
    opts = Options(crossref_url, arxiv_url, "ci@example.org", tmp / "cache")
    again = enrich(items, {}, replace(opts, urls={"s2": "off", "dblp": dblp_url}))
    assert again.requests == 0 and again.lock == result.lock


def test_server_leaves_undated_works_out_of_date_filters() -> None:
    """Like Crossref: a work with `issued: [[null]]` and no other date never passes a
    from/until-pub-date filter, and is found without one."""
    import httpx2

    undated = hc.WORKS[0]
    with CrossrefServer([undated]) as cr:
        q = {"query.bibliographic": "Optimal Brain Surgeon", "rows": "5"}
        dated = httpx2.get(
            f"{cr.url}/works", params={**q, "filter": "from-pub-date:1992,until-pub-date:1994"}
        )
        plain = httpx2.get(f"{cr.url}/works", params={**q, "filter": "prefix:10.1109"})
    assert json.loads(dated.text)["message"]["items"] == []
    assert [w["DOI"] for w in json.loads(plain.text)["message"]["items"]] == [undated["DOI"]]


def test_a_pin_made_before_the_identity_path_is_looked_up_again(cases) -> None:
    """The committed lock pinned the Optimal Brain Surgeon record with no source asked (no
    venue): its URL now names an IEEE document, so the next run with network asks Crossref;
    --frozen still exports from the lock as it is."""
    from refkit.enrich import basis

    result, counts, tmp = cases
    items = [i for i in load_items(tmp / "meta") if i["custom"]["record_id"] == "1993/obs2"]
    old = {"1993/obs2": {"key": "x", "doi": "none", "sources": [], "basis": basis(items[0])}}
    crossref_url, arxiv_url, dblp_url = counts["urls"]
    opts = replace(
        Options(crossref_url, arxiv_url, "ci@example.org", tmp / "cache"),
        urls={"s2": "off", "dblp": dblp_url},
    )
    again = enrich(items, old, opts)  # the warm cache answers: no request
    assert again.report[0]["lookup"] == "resolved"
    assert again.lock["1993/obs2"]["doi"] == "10.1109/icnn.1993.298572"
    frozen = enrich(items, old, replace(opts, mode="frozen"))
    assert frozen.lock == old and frozen.report[0]["lookup"] == "lock"
