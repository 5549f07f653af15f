"""enrich() end to end: real habanero and httpx2 against the local Crossref and arXiv servers."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path
from typing import Any

import pytest

from refkit import lock as locks
from refkit.enrich import Enrichment, Options, enrich
from refkit.enrich.markup import fold
from refkit.normalize import load_items
from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer

DATA = Path("tests/data/enrich")
WORKS = json.loads((DATA / "crossref_works.json").read_text(encoding="utf-8"))
ENTRIES = json.loads((DATA / "arxiv_entries.json").read_text(encoding="utf-8"))
ITEMS = load_items(Path("meta"))
FAST = {"polite": (200, 100, 4)}  # advertised by the fake; the client sizes itself from it
NO_SEARCH = {"ICLR", "ICML", "NeurIPS", "MLSys", "TMLR", "JMLR", "UAI", "AutoML Workshop"}


def options(cr: Any, ax: Any, cache: Path, **kw: Any) -> Options:
    base = dict(mailto="ci@example.org", cache_dir=cache, timeout=3.0, backoff=0.05)
    return Options(cr.url, ax.url, **{**base, **kw})


def closed_port() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Enrichment, Path, int, int]:
    """One cold run over the 124 records: (result, cache dir, crossref requests, violations,
    (crossref url, arxiv url))."""
    cache = tmp_path_factory.mktemp("cache")
    with CrossrefServer(WORKS, limits=FAST) as cr, ArxivServer(ENTRIES) as ax:
        result = enrich(ITEMS, {}, options(cr, ax, cache))
        return result, cache, len(cr.requests), cr.violations + ax.violations, (cr.url, ax.url)


def test_cold_run_enriches_every_record_within_the_limits(cold) -> None:
    result, _, crossref_requests, violations, _ = cold
    assert violations == 0
    assert [i["id"] for i in result.items] == [i["id"] for i in ITEMS]
    assert len(result.report) == len(ITEMS) and not result.not_enriched
    assert result.requests == crossref_requests + 1  # one arXiv batch for all 95 ids
    by_doi = {w["DOI"].lower(): w for w in WORKS}
    for item, line in zip(result.items, result.report, strict=True):
        venue = item["custom"]["venue_key"]
        if venue in NO_SEARCH:
            assert "crossref" not in line["sources"], item["id"]
        if line["doi"]:
            work = by_doi[line["doi"]]  # a real work of the server, with the record's title
            assert fold(work["title"][0]) == fold(item["title"]), item["id"]
            assert item["DOI"] == line["doi"] and item["custom"]["provenance"]["DOI"] == "crossref"
    assert sum(1 for line in result.report if line["doi"]) >= 15


def test_enriched_fields_and_report_lines(cold) -> None:
    result, *_ = cold
    lines = {line["id"]: line for line in result.report}
    # GPTQ (ICLR): never searched on Crossref; arXiv gives the full author list and category
    gptq = next(i for i in result.items if i["custom"]["record_id"].endswith("gptq"))
    entry = next(e for e in ENTRIES if e["id"] == "2210.17323")
    assert [f"{a['given']} {a['family']}" for a in gptq["author"]] == entry["authors"]
    assert gptq["custom"]["arxiv_class"] == entry["primary_category"]
    assert "DOI" not in gptq
    # an ACL record: derived 10.18653/v1/<anthology id>, confirmed by one single request
    smp = next(i for i in result.items if "2023.acl-long.35" in i.get("URL", ""))
    assert smp["DOI"] == "10.18653/v1/2023.acl-long.35" and smp["page"] == "1852-1865"
    for line in lines.values():
        assert {"sources", "doi", "score", "changed", "conflicts", "published"} <= set(line)
        json.dumps(line)
    assert any(s.startswith("5 preprints have a published version") for s in result.summary)


def test_warm_run_makes_no_requests(cold, tmp_path: Path) -> None:
    result, cache, *_ = cold
    dead = closed_port()
    # the lock alone: no cache, no network
    again = enrich(ITEMS, result.lock, Options(dead, dead, None, tmp_path, "normal"))
    assert again.requests == 0 and again.items == result.items and not again.lock_changed
    # an empty lock and the warm cache of the same (now stopped) servers: no request either
    crossref_url, arxiv_url = cold[-1]
    rebuilt = enrich(ITEMS, {}, Options(crossref_url, arxiv_url, None, cache, "normal"))
    assert rebuilt.requests == 0 and rebuilt.items == result.items
    assert locks.dumps(rebuilt.lock) == locks.dumps(result.lock)


def test_frozen_uses_only_the_lock(cold, tmp_path: Path) -> None:
    result, *_ = cold
    dead = closed_port()
    partial = {k: v for k, v in result.lock.items() if not k.endswith("gptq")}
    partial["2023/gptq"] = {"key": "frantar2023gptq"}
    frozen = enrich(ITEMS, partial, Options(dead, dead, None, tmp_path / "cold", "frozen"))
    assert frozen.requests == 0 and not frozen.lock_changed
    assert not (tmp_path / "cold").exists()  # not even a cache file
    assert frozen.not_enriched == ["2023/gptq"]
    assert any("1 records not enriched" in s and "--frozen" in s for s in frozen.summary)
    same = [a == b for a, b in zip(frozen.items, result.items, strict=True)]
    assert same.count(False) == 1


def test_normal_mode_looks_up_only_what_the_lock_lacks(cold, tmp_path: Path) -> None:
    result, *_ = cold
    lacking = ["2023/gptq", "2023/smp", "2024/flap"]
    lock = {k: v for k, v in result.lock.items() if k not in lacking}
    with CrossrefServer(WORKS, limits=FAST) as cr, ArxivServer(ENTRIES) as ax:
        again = enrich(ITEMS, lock, options(cr, ax, tmp_path))
        wanted = sorted(
            i["custom"]["arxiv_id"]
            for i in ITEMS
            if i["custom"]["record_id"] in lacking and i["custom"].get("arxiv_id")
        )
        assert [r.query["id_list"] for r in ax.requests] == [",".join(wanted)]
        assert len(cr.requests) <= 3
    assert sorted(r["id"] for r in again.report if r["lookup"] == "resolved") == sorted(lacking)
    assert locks.dumps(again.lock) == locks.dumps(result.lock) and again.items == result.items


def test_refresh_asks_again_and_a_remote_change_shows_in_the_lock(cold) -> None:
    result, cache, crossref_requests, *_ = cold
    changed = [dict(w) for w in WORKS]
    acl = next(w for w in changed if w["DOI"] == "10.18653/v1/2023.acl-long.35")
    acl["page"] = "1852-1866"
    with CrossrefServer(changed, limits=FAST) as cr, ArxivServer(ENTRIES) as ax:
        fresh = enrich(ITEMS, result.lock, options(cr, ax, cache, mode="refresh"))
        assert len(cr.requests) == crossref_requests and len(ax.requests) == 1
    assert fresh.lock_changed
    diff = [k for k in result.lock if result.lock[k] != fresh.lock[k]]
    assert diff == ["2023/smp"]
    assert fresh.lock["2023/smp"]["crossref"]["page"] == "1852-1866"


def test_a_record_edit_makes_its_pin_stale(cold, tmp_path: Path) -> None:
    result, cache, *_ = cold
    items = [dict(i) for i in ITEMS]
    target = next(i for i in items if i["custom"]["record_id"] == "2023/smp")
    target["title"] = target["title"] + " Revisited"
    dead = closed_port()
    again = enrich(items, result.lock, Options(dead, dead, None, tmp_path, "normal"))
    line = next(r for r in again.report if r["id"] == "2023/smp")
    assert line["lookup"] == "failed"  # tried again (network down), so not silently re-pinned
    assert again.lock["2023/smp"] == result.lock["2023/smp"]


def test_lock_text_is_deterministic(cold, tmp_path: Path) -> None:
    result, *_ = cold
    with CrossrefServer(WORKS, limits=FAST) as cr, ArxivServer(ENTRIES) as ax:
        second = enrich(ITEMS, {}, options(cr, ax, tmp_path))
    assert locks.dumps(second.lock) == locks.dumps(result.lock)
    text = locks.dumps(result.lock)
    assert 'doi = "10.18653/v1/2023.acl-long.35"' in text
    for rid, entry in result.lock.items():
        assert entry["doi"] == "none" or entry["crossref"]["DOI"] == entry["doi"], rid


def test_faults_lose_nothing_and_failed_lookups_are_retried(cold, tmp_path: Path) -> None:
    result, *_ = cold
    lock: dict = {}
    runs = []
    faults = dict(fault_rate=0.2, timeout_seconds=0.3)
    for seed in range(4):  # bounded: each run resolves what the last one could not
        with (
            CrossrefServer(WORKS, limits=FAST, seed=seed, **faults) as cr,
            ArxivServer(ENTRIES, min_interval=0.2, seed=seed, **faults) as ax,
        ):
            opts = options(cr, ax, tmp_path, retries=2, timeout=1.5, arxiv_spacing=0.25)
            out = enrich(ITEMS, lock, opts)
            injected = sum(r.injected for r in cr.requests + ax.requests)
            runs.append((out, cr.violations, ax.violations, injected))
        assert cr.violations == 0 and ax.violations == 0
        assert len(out.items) == len(ITEMS) and len(out.report) == len(ITEMS)
        for rid in out.not_enriched:
            before = lock.get(rid, {})
            assert out.lock.get(rid, {}) == before  # a failed lookup never pins "none"
        lock = out.lock
        if not out.not_enriched:
            break
    assert sum(r[3] for r in runs) > 0, "faults were injected"
    assert not runs[-1][0].not_enriched
    assert locks.dumps(lock) == locks.dumps(result.lock)
    assert runs[-1][0].items == result.items


def test_unreachable_network_finishes_with_one_warning(caplog, tmp_path: Path) -> None:
    dead = closed_port()
    caplog.set_level(logging.WARNING)
    out = enrich(ITEMS, {}, Options(dead, dead + "/api/query", "ci@example.org", tmp_path))
    assert len(out.items) == len(ITEMS)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    count = len(out.not_enriched)
    assert count >= 100
    assert f"{count} records not enriched: network unreachable" in warnings[0].getMessage()
    assert out.requests <= 2  # one refused connection per host, then none
    pinned = [rid for rid, e in out.lock.items() if "doi" in e]
    assert set(pinned).isdisjoint(out.not_enriched)  # only records that need no network


def test_no_contact_address_uses_the_public_pool_politely(caplog, tmp_path: Path) -> None:
    items = [i for i in ITEMS if i["custom"]["venue_key"] in ("ACL", "CVPR", "AAAI")]
    caplog.set_level(logging.WARNING)
    with CrossrefServer(WORKS, pool="auto") as cr, ArxivServer(ENTRIES) as ax:
        out = enrich(items, {}, options(cr, ax, tmp_path, mailto=None))
        assert cr.violations == 0 and cr.max_in_flight == 1
        assert all("mailto" not in r.query for r in cr.requests)
    assert sum("contact address" in r.getMessage() for r in caplog.records) == 1
    assert sum(1 for line in out.report if line["doi"]) >= 6


def test_polite_pool_limits_with_latency(tmp_path: Path) -> None:
    items = [i for i in ITEMS if i["custom"]["venue_key"] not in NO_SEARCH][:20]
    with CrossrefServer(WORKS, pool="auto", latency=0.1) as cr, ArxivServer(ENTRIES) as ax:
        out = enrich(items, {}, options(cr, ax, tmp_path))
        assert cr.violations == 0 and ax.violations == 0
        assert 1 < cr.max_in_flight <= 3  # the allowed concurrency is used, never exceeded
        assert all(r.query.get("mailto") == "ci@example.org" for r in cr.requests)
    assert not out.not_enriched


def test_cached_answers_belong_to_their_server(cold) -> None:
    """A cache filled from one server never answers for another (a test server's data must not
    leak into exports made against the real APIs)."""
    _, cache, *_ = cold
    other = closed_port()
    result = enrich(
        ITEMS, {}, Options(other, f"{other}/api/query", cache_dir=cache, mode="offline")
    )
    assert result.requests == 0
    assert len(result.not_enriched) > 90
    assert all("DOI" not in i or i["DOI"].startswith("10.48550/") for i in result.items)
