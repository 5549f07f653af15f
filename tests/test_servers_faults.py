"""Injected faults of the fake servers: kinds, seeded reproducibility, not counted as violations."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer

WORKS = json.loads((Path(__file__).parent / "data" / "enrich" / "crossref_works.json").read_text())
ROOMY = {"polite": (1000, 1000, 100), "public": (1000, 1000, 100)}
SMP = "10.18653/v1/2023.acl-long.35"


def statuses(seed: int, n: int = 24) -> list[tuple[int, bool]]:
    with (
        CrossrefServer(
            WORKS, limits=ROOMY, fault_rate=0.5, faults=("429", "500", "malformed"), seed=seed
        ) as cr,
        httpx2.Client() as client,
    ):
        for _ in range(n):
            client.get(f"{cr.url}/works/{SMP}")
    return [(e.status, e.injected) for e in cr.requests]


def test_faults_are_reproducible_by_seed() -> None:
    first, again, other = statuses(7), statuses(7), statuses(8)
    assert first == again
    assert first != other
    injected = [s for s, inj in first if inj]
    assert 4 <= len(injected) <= 20  # about half of 24 at fault_rate 0.5
    assert {s for s, inj in first if not inj} == {200}


def test_injected_429_has_retry_after_and_is_no_violation() -> None:
    with CrossrefServer(WORKS, limits=ROOMY, fault_rate=1.0, faults=("429",)) as cr:
        r = httpx2.get(f"{cr.url}/works/{SMP}")
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert r.headers["x-api-pool"] == "polite-single"
    assert cr.violations == 0 and cr.requests[0].injected


def test_injected_500_is_html() -> None:
    with CrossrefServer(WORKS, limits=ROOMY, fault_rate=1.0, faults=("500",)) as cr:
        r = httpx2.get(f"{cr.url}/works/{SMP}")
    assert r.status_code == 500 and r.headers["content-type"] == "text/html"


def test_malformed_is_truncated_json_with_200() -> None:
    with CrossrefServer(WORKS, limits=ROOMY, fault_rate=1.0, faults=("malformed",)) as cr:
        r = httpx2.get(f"{cr.url}/works/{SMP}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.text.startswith('{"status":"ok"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)


def test_drop_closes_without_a_response() -> None:
    server = CrossrefServer(WORKS, limits=ROOMY, fault_rate=1.0, faults=("drop",))
    with server as cr, pytest.raises(httpx2.RemoteProtocolError):
        httpx2.get(f"{cr.url}/works/{SMP}")
    assert cr.requests[0].injected and cr.requests[0].status == 0


def test_timeout_outlasts_the_client_timeout() -> None:
    server = CrossrefServer(
        WORKS, limits=ROOMY, fault_rate=1.0, faults=("timeout",), timeout_seconds=3.0
    )
    with server as cr, pytest.raises(httpx2.ReadTimeout):
        httpx2.get(f"{cr.url}/works/{SMP}", timeout=0.3)


def test_arxiv_faults_and_unknown_kind() -> None:
    with ArxivServer([], min_interval=0.0, fault_rate=1.0, faults=("500",)) as ax:
        r = httpx2.get(ax.url, params={"id_list": "2210.17323"})
    assert r.status_code == 500 and ax.violations == 0
    with pytest.raises(ValueError, match="unknown fault"):
        CrossrefServer(WORKS, faults=("teapot",))
