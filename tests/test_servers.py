"""The fake Crossref and arXiv servers behave like the real APIs (shapes, headers, limits, faults)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx2
import pytest
from habanero import Crossref, RequestError

from tests.servers.crossref import CrossrefServer

DATA = Path(__file__).parent / "data"
WORKS: list[dict[str, Any]] = json.loads((DATA / "enrich" / "crossref_works.json").read_text())
ENTRIES: list[dict[str, Any]] = json.loads((DATA / "enrich" / "arxiv_entries.json").read_text())
ATOM = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
SMP = "10.18653/v1/2023.acl-long.35"
SMP_TITLE = "Pruning Pre-trained Language Models Without Fine-Tuning"


# Tests that are not about the limits lift them, so their request counts never trip one.
ROOMY = {"polite": (1000, 1000, 100), "public": (1000, 1000, 100)}


# --- Crossref: shapes ---------------------------------------------------------------------
def test_single_work_envelope_through_habanero() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        got = Crossref(base_url=cr.url, mailto="me@example.org").works(ids=SMP.upper())
    assert set(got) == {"status", "message-type", "message-version", "message"}
    assert (got["status"], got["message-type"], got["message-version"]) == ("ok", "work", "1.0.0")
    assert got["message"]["DOI"] == SMP
    assert got["message"]["title"] == [SMP_TITLE]
    assert got["message"]["score"] == 1
    assert cr.requests[0].kind == "single" and cr.requests[0].status == 200


def test_url_encoded_doi_and_escaped_slashes() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        r = httpx2.get(f"{cr.url}/works/10.18653%2Fv1%2F2023.acl-long.35")
    assert r.status_code == 200
    assert '"DOI":"10.18653\\/v1\\/2023.acl-long.35"' in r.text  # Crossref escapes "/"
    assert r.json()["message"]["DOI"] == SMP


def test_unknown_doi_is_plain_text_404() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        r = httpx2.get(f"{cr.url}/works/10.1371/notarealdoi")
        client = Crossref(base_url=cr.url)
        with pytest.raises(httpx2.HTTPStatusError):
            client.works(ids="10.1371/notarealdoi")
        with pytest.warns(UserWarning):
            assert client.works(ids="10.48550/arXiv.2210.17323", warn=True) is None
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/plain"
    assert r.text == "Resource not found."
    assert r.headers["x-rate-limit-interval"] == "1s"


def test_list_envelope_relevance_and_score() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        got = Crossref(base_url=cr.url).works(query_bibliographic=SMP_TITLE, limit=5)
    assert got["message-type"] == "work-list"
    msg = got["message"]
    assert set(msg) == {"facets", "total-results", "items", "items-per-page", "query"}
    assert msg["items-per-page"] == 5 and len(msg["items"]) == 5
    assert msg["total-results"] > 5
    assert msg["query"] == {"start-index": 0, "search-terms": None}
    assert msg["items"][0]["DOI"] == SMP
    scores = [i["score"] for i in msg["items"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]


def test_select_drops_unselected_fields_and_score() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        client = Crossref(base_url=cr.url)
        plain = client.works(query="pruning", select=["DOI", "title"], limit=3)
        scored = client.works(query="pruning", select="DOI,title,score", limit=3)
    assert all(set(i) == {"DOI", "title"} for i in plain["message"]["items"])
    assert all(set(i) == {"DOI", "title", "score"} for i in scored["message"]["items"])
    assert plain["message"]["query"]["search-terms"] == "pruning"


def test_filters_type_prefix_dates_and_repeated_doi() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        c = Crossref(base_url=cr.url)
        acl = c.works(query="pruning", filter={"prefix": "10.18653", "from_pub_date": "2023"})
        dois = ",".join(f"doi:{d}" for d in (SMP, "10.1088/2634-4386/ac7c8a"))
        batch = httpx2.get(f"{cr.url}/works", params={"filter": dois}).json()
        chapters = c.works(filter={"type": "book-chapter", "until_pub_date": "2019-12"})
        none = c.works(query="pruning", filter={"from_pub_date": "2031"})
    items = acl["message"]["items"]
    assert items and all(i["prefix"] == "10.18653" for i in items)
    assert all(i["issued"]["date-parts"][0][0] >= 2023 for i in items)
    assert sorted(i["DOI"] for i in batch["message"]["items"]) == sorted(
        [SMP, "10.1088/2634-4386/ac7c8a"]
    )
    assert {i["type"] for i in chapters["message"]["items"]} == {"book-chapter"}
    assert none["message"]["total-results"] == 0 and none["message"]["items"] == []


def test_unknown_filter_is_a_json_validation_failure() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        with pytest.raises(RequestError) as err:
            # habanero sends relation_type as "relation-type", which Crossref rejects
            Crossref(base_url=cr.url).works(filter={"relation_type": "has-preprint"})
        r = httpx2.get(f"{cr.url}/works", params={"filter": "nosuch:1"})
        rows = httpx2.get(f"{cr.url}/works", params={"rows": "2000"})
        ok = httpx2.get(f"{cr.url}/works", params={"filter": "relation.type:has-preprint"})
    assert err.value.status_code == 400
    assert "relation-type" in str(err.value)
    body = r.json()
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert body["status"] == "failed" and body["message-type"] == "validation-failure"
    assert body["message"][0]["type"] == "filter-not-available"
    assert body["message"][0]["value"] == "nosuch"
    assert rows.status_code == 400 and rows.json()["message"][0]["type"] == "integer-not-valid"
    related = ok.json()["message"]["items"]
    assert related and all("has-preprint" in i["relation"] for i in related)


def test_searches_serve_the_labelled_list_after_filters() -> None:
    cases = json.loads((DATA / "matching_cases.json").read_text())
    case = next(c for c in cases if c["id"] == "posted_content_vs_vor-grain")
    searches = {case["record"]["title"]: case["candidates"]}
    with CrossrefServer(WORKS, searches=searches, limits=ROOMY) as cr:
        c = Crossref(base_url=cr.url)
        title = case["record"]["title"]
        every = c.works(query_bibliographic=f"{title} 2023", query_author="Yang")
        vor_only = c.works(query_bibliographic=title, filter={"type": "proceedings-article"})
    assert [i["DOI"] for i in every["message"]["items"]] == [w["DOI"] for w in case["candidates"]]
    assert [i["DOI"] for i in vor_only["message"]["items"]] == [case["expected_doi"]]


def test_agency_route() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        crossref = httpx2.get(f"{cr.url}/works/{SMP}/agency").json()
        datacite = httpx2.get(f"{cr.url}/works/10.48550/arxiv.2210.17323/agency").json()
    assert crossref["message"]["agency"]["id"] == "crossref"
    assert datacite["message"]["agency"]["id"] == "datacite"


# --- Crossref: pools, headers, limits -----------------------------------------------------
@pytest.mark.parametrize(
    ("pool", "mailto", "expected"),
    [
        ("polite", None, ("polite-single", "10", "3", "polite-array", "3")),
        ("public", None, ("public-single", "5", "1", "public-array", "1")),
        ("auto", "me@example.org", ("polite-single", "10", "3", "polite-array", "3")),
        ("auto", None, ("public-single", "5", "1", "public-array", "1")),
    ],
)
def test_pool_headers(pool: str, mailto: str | None, expected: tuple[str, ...]) -> None:
    with CrossrefServer(WORKS, pool=pool) as cr:
        c = Crossref(base_url=cr.url, mailto=mailto)
        single = httpx2.get(f"{cr.url}/works/{SMP}", headers=_ua(mailto))
        listing = httpx2.get(f"{cr.url}/works", params={"rows": "1"}, headers=_ua(mailto))
        c.works(ids=SMP)
    h1, h2 = single.headers, listing.headers
    got = (h1["x-api-pool"], h1["x-rate-limit-limit"], h1["x-concurrency-limit"])
    got += (h2["x-api-pool"], h2["x-rate-limit-limit"])
    assert got == expected
    assert h1["x-rate-limit-interval"] == h2["x-rate-limit-interval"] == "1s"


def _ua(mailto: str | None) -> dict[str, str]:
    return {"user-agent": f"refkit-test (mailto:{mailto})"} if mailto else {}


def test_mailto_parameter_selects_polite_and_plain_header_style() -> None:
    with CrossrefServer(WORKS, pool="auto", header_style="plain") as cr:
        r = httpx2.get(f"{cr.url}/works", params={"rows": "1", "mailto": "me@example.org"})
    assert (r.headers["x-api-pool"], r.headers["x-rate-limit-limit"]) == ("polite", "3")


def test_list_rate_over_limit_answers_429_and_counts_a_violation() -> None:
    with CrossrefServer(WORKS, pool="public") as cr:
        answers = [httpx2.get(f"{cr.url}/works", params={"rows": "1"}) for _ in range(3)]
    log = cr.requests
    assert answers[0].status_code == 200
    # public list limit is 1 per sliding second: a request within 1 s of an admitted one is 429
    expected = [200]
    admitted = [log[0].start]
    for entry in log[1:]:
        busy = any(entry.start - t < 1.0 for t in admitted)
        expected.append(429 if busy else 200)
        if not busy:
            admitted.append(entry.start)
    assert [a.status_code for a in answers] == expected
    assert cr.violations == expected.count(429) >= 1
    late = next(a for a in answers if a.status_code == 429)
    assert late.headers["content-type"] == "text/html"
    assert "429 Too Many Requests" in late.text and "retry-after" not in late.headers
    assert not any(e.injected for e in log)


def test_concurrency_over_limit_answers_429() -> None:
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def fetch(url: str) -> None:
        barrier.wait(timeout=10)
        statuses.append(httpx2.get(url, timeout=10).status_code)

    with CrossrefServer(WORKS, pool="public", latency=1.0) as cr:
        threads = [
            threading.Thread(target=fetch, args=(f"{cr.url}/works/{SMP}",)) for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
    assert sorted(statuses) == [200, 429, 429]
    assert cr.violations == 2 and cr.max_in_flight >= 2


def test_json_rate_limit_body_option() -> None:
    with CrossrefServer(WORKS, pool="public", rate_limit_body="json") as cr:
        answers = [httpx2.get(f"{cr.url}/works", params={"rows": "1"}) for _ in range(10)]
    late = next(a for a in answers if a.status_code == 429)
    assert late.headers["content-type"] == "application/json"
    assert late.json()["message-type"] == "rate-limit-exceeded"


@pytest.mark.parametrize(("body", "error"), [("html", httpx2.HTTPStatusError), ("json", TypeError)])
def test_habanero_sees_a_limit_429(body: str, error: type[Exception]) -> None:
    """HTML 429 -> HTTPStatusError; a JSON 429 whose message is a string -> habanero's TypeError."""
    with CrossrefServer(WORKS, pool="public", rate_limit_body=body) as cr:
        c = Crossref(base_url=cr.url)
        with pytest.raises(error):
            for _ in range(10):  # bounded: the 1/s list limit trips within these
                c.works(query="pruning", limit=1)
    assert cr.violations >= 1


def test_head_and_cursor_paging() -> None:
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        head = httpx2.head(f"{cr.url}/works/{SMP}")
        gone = httpx2.head(f"{cr.url}/works/10.1371/notarealdoi")
        pages = Crossref(base_url=cr.url).works(
            filter={"prefix": "10.5555"}, cursor="*", limit=10, cursor_max=100
        )
    assert (head.status_code, head.text, gone.status_code) == (200, "", 404)
    items = [i["DOI"] for page in pages for i in page["message"]["items"]]
    assert "next-cursor" in pages[0]["message"]
    expected = sorted(w["DOI"] for w in WORKS if w["prefix"] == "10.5555")
    assert sorted(items) == expected and len(items) == len(set(items)) > 10
