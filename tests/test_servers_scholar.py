"""The local Semantic Scholar and DBLP servers answer like the recorded samples."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx2

from tests.servers.dblp import DblpServer
from tests.servers.s2 import S2Server

SCENARIO = json.loads(Path("tests/data/scholar/scenario.json").read_text(encoding="utf-8"))
BIB = Path("tests/data/scholar/rec_bib/conf_iclr_FrantarAHA23.bib").read_text(encoding="utf-8")


def test_s2_batch_is_aligned_with_null_for_unknown_ids_and_filters_fields() -> None:
    with S2Server(SCENARIO["s2"], api_key="k", key_rate=100) as s2:
        ids = ["ARXIV:0000.00000", "arXiv:2210.17323v2", "DOI:10.48550/arxiv.2210.17323"]
        r = httpx2.post(f"{s2.url}/paper/batch", params={"fields": "externalIds,venue"},
                        json={"ids": ids}, headers={"x-api-key": "k"})  # fmt: skip
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        got = r.json()
        assert got[0] is None and got[1] == got[2]
        assert set(got[1]) == {"paperId", "externalIds", "venue"}
        assert got[1]["externalIds"]["DBLP"] == "conf/iclr/FrantarAHA23"
        bad = httpx2.post(f"{s2.url}/paper/batch", params={"fields": "doi"}, json={"ids": ids},
                          headers={"x-api-key": "k"})  # fmt: skip
        assert bad.status_code == 400 and bad.json() == {
            "error": "Unrecognized or unsupported fields: [doi]"
        }
        big = httpx2.post(
            f"{s2.url}/paper/batch", json={"ids": ["x"] * 501}, headers={"x-api-key": "k"}
        )
        assert big.status_code == 400 and "500" in big.json()["error"]
        wrong = httpx2.post(f"{s2.url}/paper/batch", json={"ids": ids}, headers={"x-api-key": "no"})
        assert wrong.status_code == 403 and wrong.json() == {"message": "Forbidden"}
        miss = httpx2.get(f"{s2.url}/paper/ARXIV:0000.00000")
        assert miss.status_code == 404 and miss.json() == {
            "error": "Paper with id ARXIV:0000.00000 not found"
        }


def test_s2_keyless_pool_answers_429_without_retry_after() -> None:
    with S2Server(SCENARIO["s2"], busy=1) as s2:
        r = httpx2.post(f"{s2.url}/paper/batch", json={"ids": []})
        assert r.status_code == 429 and "retry-after" not in r.headers
        assert r.json()["code"] == "429" and r.json()["message"].startswith("Too Many Requests.")
        time.sleep(1.1)
        assert httpx2.post(f"{s2.url}/paper/batch", json={"ids": []}).json() == []


def test_dblp_search_envelope_ranks_the_corr_copy_first_and_collapses_one_author() -> None:
    with DblpServer(SCENARIO["dblp"], min_interval=0.0) as dblp:
        q = "SparseGPT Massive Language Models Can be Accurately Pruned in One-Shot Frantar"
        res = httpx2.get(
            f"{dblp.url}/search/publ/api", params={"q": q, "format": "json", "h": "30"}
        ).json()
        hits = res["result"]["hits"]
        assert hits["@total"] == "2" and all(isinstance(v, str) for v in hits if v.startswith("@"))
        first, second = (h["info"] for h in hits["hit"])
        assert (
            first["key"].startswith("journals/corr/")
            and first["type"] == "Informal and Other Publications"
        )
        assert second["key"] == "conf/icml/FrantarA23" and second["volume"] == "202"
        assert second["title"].endswith(".") and second["year"] == "2023"
        none = httpx2.get(
            f"{dblp.url}/search/publ/api", params={"q": "zzzz qqqq", "format": "json"}
        ).json()
        assert none["result"]["hits"]["@total"] == "0" and "hit" not in none["result"]["hits"]
        solo = httpx2.get(
            f"{dblp.url}/search/publ/api",
            params={"q": "FlashAttention Partitioning 2024 Dao", "format": "json"},
        ).json()
        decoy = [
            h["info"] for h in solo["result"]["hits"]["hit"] if h["info"]["key"].endswith("D24")
        ]
        assert isinstance(decoy[0]["authors"]["author"], dict)  # one author: an object, not a list
        bib = httpx2.get(f"{dblp.url}/rec/conf/iclr/FrantarAHA23.bib")
        assert bib.status_code == 200 and bib.text == BIB  # the real record, verbatim
        assert httpx2.get(f"{dblp.url}/rec/conf/iclr/Nobody99.bib").status_code == 404


def test_dblp_answers_too_fast_requests_429_with_retry_after_and_counts_requests_inside_it() -> (
    None
):
    with DblpServer(SCENARIO["dblp"], min_interval=1.0, retry_after=1) as dblp:
        url = f"{dblp.url}/rec/conf/iclr/FrantarAHA23.bib"
        assert httpx2.get(url).status_code == 200
        r = httpx2.get(url)
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert r.text.startswith("<!DOCTYPE HTML") and "429 Too Many Requests" in r.text
        assert httpx2.get(url).status_code == 429 and dblp.inside_retry_after == 1
        time.sleep(1.2)
        assert httpx2.get(url).status_code == 200
