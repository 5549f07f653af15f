"""The fake arXiv API answers like export.arxiv.org: Atom feed, ids, versions, errors, 429."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx2

from tests.servers.arxiv import ArxivServer

ENTRIES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "enrich" / "arxiv_entries.json").read_text()
)
NS = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
GPTQ = "2210.17323"


def feed(ax: ArxivServer, **params: str) -> ET.Element:
    r = httpx2.get(ax.url, params=params)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(r.content)


def ids(root: ET.Element) -> list[str]:
    return [e.findtext("a:id", namespaces=NS) or "" for e in root.findall("a:entry", NS)]


def test_id_list_in_order_with_opensearch_counts() -> None:
    wanted = [GPTQ, "2106.09685", "2306.00978"]
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        root = feed(ax, id_list=",".join(wanted), max_results="10")
    got = ids(root)
    assert [g.rsplit("/", 1)[1].split("v")[0] for g in got] == wanted
    assert all(g.startswith("http://arxiv.org/abs/") for g in got)
    assert root.findtext("os:totalResults", namespaces=NS) == "3"
    assert root.findtext("os:startIndex", namespaces=NS) == "0"
    assert root.findtext("os:itemsPerPage", namespaces=NS) == "10"
    assert root.findtext("a:title", namespaces=NS).startswith("arXiv Query: search_query=")


def test_entry_fields() -> None:
    source = next(e for e in ENTRIES if e["id"] == GPTQ)
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        entry = feed(ax, id_list=GPTQ).find("a:entry", NS)
    assert entry is not None
    latest = len(source["versions"])
    assert entry.findtext("a:id", namespaces=NS) == f"http://arxiv.org/abs/{GPTQ}v{latest}"
    assert entry.findtext("a:published", namespaces=NS) == source["versions"][0]
    assert entry.findtext("a:updated", namespaces=NS) == source["versions"][-1]
    title = " ".join((entry.findtext("a:title", namespaces=NS) or "").split())
    assert title == source["title"]  # the feed hard-wraps long titles
    summary = entry.findtext("a:summary", namespaces=NS) or ""
    assert " ".join(summary.split()) == source["summary"] and summary.startswith("  ")
    names = [a.findtext("a:name", namespaces=NS) for a in entry.findall("a:author", NS)]
    assert names == source["authors"]
    assert names[:2] == ["Elias Frantar", "Dan Alistarh"]  # the record's authors come first
    primary = entry.find("arxiv:primary_category", NS)
    assert primary is not None and primary.get("term") == source["primary_category"]
    links = {(ln.get("rel"), ln.get("title")): ln.get("href") for ln in entry.findall("a:link", NS)}
    assert links[("related", "pdf")] == f"https://arxiv.org/pdf/{GPTQ}v{latest}"
    assert links[("alternate", None)] == f"https://arxiv.org/abs/{GPTQ}v{latest}"


def test_published_version_has_doi_and_journal_ref() -> None:
    source = next(e for e in ENTRIES if e.get("doi"))
    with ArxivServer(ENTRIES, min_interval=0.0, https_ids=True) as ax:
        entry = feed(ax, id_list=source["id"]).find("a:entry", NS)
    assert entry is not None
    assert entry.findtext("arxiv:doi", namespaces=NS) == source["doi"]
    assert entry.findtext("arxiv:journal_ref", namespaces=NS) == source["journal_ref"]
    assert (entry.findtext("a:id", namespaces=NS) or "").startswith("https://arxiv.org/abs/")
    doi_links = [ln for ln in entry.findall("a:link", NS) if ln.get("title") == "doi"]
    assert doi_links[0].get("href") == "https://doi.org/" + source["doi"]


def test_versioned_and_unknown_ids() -> None:
    source = next(e for e in ENTRIES if len(e["versions"]) >= 2)
    aid = source["id"]
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        v1 = feed(ax, id_list=f"{aid}v1").find("a:entry", NS)
        missing = feed(ax, id_list=f"2201.99999,{aid}v99")
    assert v1 is not None
    assert v1.findtext("a:id", namespaces=NS) == f"http://arxiv.org/abs/{aid}v1"
    assert v1.findtext("a:updated", namespaces=NS) == source["versions"][0]
    assert ids(missing) == []  # well-formed unknown ids are left out
    assert missing.findtext("os:totalResults", namespaces=NS) == "0"


def test_malformed_id_gives_the_error_entry() -> None:
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        root = feed(ax, id_list="not-an-id")
    entry = root.find("a:entry", NS)
    assert entry is not None
    assert entry.findtext("a:id", namespaces=NS) == (
        "http://arxiv.org/api/errors#incorrect_id_format_for_not-an-id"
    )
    assert entry.findtext("a:title", namespaces=NS) == "Error"
    assert entry.findtext("a:summary", namespaces=NS) == "incorrect id format for not-an-id"
    assert root.findtext("os:totalResults", namespaces=NS) == "1"


def test_search_query_and_paging() -> None:
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        hit = feed(ax, search_query='ti:"Accurate Post-Training Quantization" AND au:Frantar')
        miss = feed(ax, search_query='ti:"Accurate Post-Training Quantization" AND au:Nobody')
        many = feed(ax, search_query="ti:pruning", max_results="3", start="2")
        bad = feed(ax, search_query="ti:(pruning")
    assert [i.split("/")[-1].split("v")[0] for i in ids(hit)] == [GPTQ]
    assert ids(miss) == []
    assert len(ids(many)) == 3 and int(many.findtext("os:totalResults", namespaces=NS)) > 5
    assert many.findtext("os:startIndex", namespaces=NS) == "2"
    assert bad.find("a:entry/a:title", NS).text == "Error"


def test_default_max_results_is_ten() -> None:
    twelve = [e["id"] for e in ENTRIES[:12]]
    with ArxivServer(ENTRIES, min_interval=0.0) as ax:
        root = feed(ax, id_list=",".join(twelve))
    assert len(ids(root)) == 10 and root.findtext("os:totalResults", namespaces=NS) == "12"


def test_requests_closer_than_min_interval_get_429() -> None:
    with ArxivServer(ENTRIES, min_interval=30.0) as ax:
        first = httpx2.get(ax.url, params={"id_list": GPTQ})
        second = httpx2.get(ax.url, params={"id_list": GPTQ})
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.headers["content-type"] == "text/plain" and second.text == "Rate exceeded."
    assert ax.violations == 1 and [e.status for e in ax.requests] == [200, 429]


def test_spaced_requests_pass() -> None:
    with ArxivServer(ENTRIES, min_interval=0.05) as ax:
        for _ in range(3):
            assert httpx2.get(ax.url, params={"id_list": GPTQ}).status_code == 200
            time.sleep(0.1)  # longer than min_interval
    assert ax.violations == 0
