"""Published versions end to end: the scenario's traps, precision and recall, proceedings data
for venue records, complete author lists, and the requests S2 and DBLP see."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from refkit import names
from refkit.enrich import Enrichment, enrich
from refkit.ids import arxiv
from refkit.normalize import load_items
from tests.scholar_world import SCENARIO, fast_dblp, make_meta, world

LABELS: dict[str, dict[str, Any]] = SCENARIO["labels"]
ARXIV = {e["id"]: e for e in SCENARIO["arxiv"]}


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    mp = pytest.MonkeyPatch()
    fast_dblp(mp)
    tmp = tmp_path_factory.mktemp("published")
    items = load_items(make_meta(tmp))
    try:
        with world() as w:
            result = enrich(items, {}, w.options(tmp / "cache"))
            warm = enrich(items, {}, w.options(tmp / "cache"))
            offline = enrich(items, {}, w.options(tmp / "cache", mode="offline"))
            return {
                "offline": offline,
                "items": items,
                "result": result,
                "warm": warm,
                "s2": list(w.s2.requests),
                "s2_ids": list(w.s2.ids_asked),
                "dblp": list(w.dblp.requests),
                "violations": w.dblp.violations + w.s2.violations,
                "inside": w.dblp.inside_retry_after,
            }
    finally:
        mp.undo()


def full(name: Any) -> str:
    parts = (name.get("given", ""), name.get("non-dropping-particle", ""), name.get("family", ""))
    return " ".join(p for p in parts if p)


def predicted(entry: dict[str, Any]) -> str | None:
    pub = entry.get("published") or {}
    return pub.get("dblp") or (pub.get("doi") if pub.get("doi") not in (None, "none") else None)


def test_published_versions_precision_one_and_recall_at_least_095(cold) -> None:
    result: Enrichment = cold["result"]
    assert not result.not_enriched
    tp = fp = positives = 0
    wrong = []
    for rid, label in LABELS.items():
        if label["where"] != "arXiv":
            continue
        truth = label.get("dblp")
        guess = predicted(result.lock[rid])
        positives += bool(truth)
        if guess and guess in (truth, label.get("doi")):
            tp += 1
        elif guess:
            fp += 1
            wrong.append((rid, guess, truth))
    precision, recall = tp / max(1, tp + fp), tp / positives
    print(f"published versions: tp {tp}, fp {fp}, positives {positives}; "
          f"precision {precision:.3f}, recall {recall:.3f}")  # fmt: skip
    assert positives >= 25 and not wrong and precision == 1.0
    assert recall >= 0.95


@pytest.mark.parametrize(
    "rid, expected",
    [
        ("2023/gptq", "conf/iclr/FrantarAHA23"),  # published title OPTQ, via S2's DBLP key
        ("2023/sparsegpt", "conf/icml/FrantarA23"),  # search; the CoRR copy ranks first
        ("2023/flashattention2", "conf/iclr/Dao24"),  # a digit-less twin title is rejected
        ("2022/oBERT", None),  # conference paper and journal extension: ambiguous
        ("2023/SquareHead", None),  # only a workshop paper
        ("2023/QuIP", None),  # S2 names ICML, DBLP has only the CoRR copy
        ("2021/ITZS3TU3", None),  # same title by other authors, three years later
    ],
)
def test_traps(cold, rid: str, expected: str | None) -> None:
    entry = cold["result"].lock[rid]
    assert predicted(entry) == expected, entry.get("published")
    line = next(r for r in cold["result"].report if r["id"] == rid)
    results = [e["result"] for e in line["evidence"] if e["source"] == "dblp"]
    if rid == "2022/oBERT":
        assert results and results[0].startswith("ambiguous:")  # reported, not guessed


def test_gptq_published_version_is_pinned_with_the_year_s_proceedings(cold) -> None:
    pub = cold["result"].lock["2023/gptq"]["published"]
    assert pub["venue"] == "ICLR" and pub["year"] == 2023 and pub["doi"] == "none"
    assert pub["container-title"] == (
        "The Eleventh International Conference on Learning Representations, ICLR 2023, "
        "Kigali, Rwanda, May 1-5, 2023"
    )
    assert pub["title"] == "OPTQ: Accurate Quantization for Generative Pre-trained Transformers"
    assert pub["publisher"] == "OpenReview.net" and pub["s2"]
    assert any(
        "gptq (ICLR 2023 (dblp conf/iclr/FrantarAHA23))" in s for s in cold["result"].summary
    )


def test_pages_and_volume_for_icml_and_neurips_records(cold) -> None:
    items = {i["custom"]["record_id"]: i for i in cold["result"].items}
    have = got = 0
    for rid, label in LABELS.items():
        has = label.get("pages") or label.get("volume") or label["where"] == "NeurIPS"
        if label["where"] not in ("ICML", "NeurIPS") or not has:
            continue  # ICML 2024: DBLP has neither (its records point at OpenReview)
        have += 1
        item = items[rid]
        want = (label.get("pages") or "", label.get("volume") or "")
        if label["where"] == "NeurIPS" and not want[1]:
            want = (want[0], str(label["venue_year"] - 1987))  # in the proceedings title
        if (item.get("page", ""), item.get("volume", "")) == want:
            got += 1
        else:
            assert not item.get("page") and not item.get("volume"), (rid, item.get("page"), want)
    print(f"ICML/NeurIPS records with pages or volume: {got} of {have}")
    assert have >= 14 and got / have >= 0.95
    smooth = items["2023/sparsegpt"]  # preprint: its record is not changed
    assert "page" not in smooth
    fa = items["2022/flashattention"]  # NeurIPS 2022: volume from the proceedings title
    assert fa["volume"] == "35" and fa["container-title"].startswith(
        "Advances in Neural Information Processing Systems 35: Annual Conference"
    )


def test_full_author_lists_for_every_record_whose_identity_is_certain(cold) -> None:
    result: Enrichment = cold["result"]
    lines = {r["id"]: r for r in result.report}
    checked = 0
    for item in result.items:
        aid = item["custom"].get("arxiv_id")
        line = lines[item["custom"]["record_id"]]
        ok = any(e["source"] == "arxiv" and e["result"] == "accepted" for e in line["evidence"])
        if not aid or not ok or any("literal" in n for n in item.get("author", [])):
            continue
        want = [full(names.parse(a)) for a in ARXIV[aid]["authors"]]
        assert [full(n) for n in item["author"]] == want, item["custom"]["record_id"]
        checked += 1
    assert checked >= 80
    fa = lines["2022/flashattention"]
    assert "completed" in fa and "Christopher" in fa["completed"]
    assert "completed" in lines["2023/gptq"]  # another order
    # the third, 2023/Sparse-IFT, left the list (issue #15: it was 2024/Sparse-IFT's preprint)
    assert any(s.startswith("2 author lists completed") for s in result.summary), result.summary


def test_requests_s2_one_batch_dblp_at_most_one_per_record_no_repeats(cold) -> None:
    needing = [i for i in cold["items"] if i["custom"].get("venue_key") in
               ("ICLR", "ICML", "NeurIPS", "MLSys", "UAI", "TMLR", "JMLR") or i["type"] == "article"]  # fmt: skip
    # the record's arXiv id, or one its URL names in a form normalize leaves alone (abs//...)
    aids = [i["custom"].get("arxiv_id") or arxiv(i.get("URL", "")) for i in needing]
    ids = {f"ARXIV:{a}" for a in aids if a}
    assert len(cold["s2"]) == math.ceil(len(ids) / 500) == 1
    assert sorted(cold["s2_ids"]) == sorted(ids)  # each id once
    dblp = [(r.path, tuple(sorted(r.query.items()))) for r in cold["dblp"]]
    assert len(dblp) == len(set(dblp)) and len(dblp) <= len(needing)
    print(f"DBLP requests: {len(dblp)} for {len(needing)} records needing a published version")
    assert cold["violations"] == 0 and cold["inside"] == 0
    assert cold["warm"].requests == 0 and cold["warm"].items == cold["result"].items


def test_offline_reads_the_cached_s2_and_dblp_answers(cold) -> None:
    """--offline with a warm cache and no lock pins what the online run pinned: the published
    versions and proceedings data come from the cached S2 and DBLP answers."""
    offline: Enrichment = cold["offline"]
    assert offline.requests == 0 and not offline.not_enriched
    assert offline.items == cold["result"].items
    published = {rid: e.get("published") for rid, e in cold["result"].lock.items()}
    assert sum(1 for p in published.values() if p) >= 25
    assert {rid: e.get("published") for rid, e in offline.lock.items()} == published


def test_dblp_429_retry_after_is_sat_out_and_s2_keyless_429s_are_backed_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_dblp(monkeypatch, spacing=0.3)
    items = [i for i in load_items(make_meta(tmp_path)) if i["custom"]["record_id"] in
             ("2023/gptq", "2023/sparsegpt", "2023/flashattention2", "2022/flashattention")]  # fmt: skip
    with world(dblp_interval=0.2, s2_busy=2, dblp_busy=1, key=None) as w:
        result = enrich(items, {}, w.options(tmp_path / "c", keys={}))
        assert not result.not_enriched
        assert predicted(result.lock["2023/gptq"]) == "conf/iclr/FrantarAHA23"
        assert w.dblp.inside_retry_after == 0 and w.dblp.violations == 0
        statuses = [r.status for r in w.s2.requests]
        assert statuses == [429, 429, 200]  # keyless pool busy twice, then answered


def test_faults_never_give_a_wrong_answer_and_the_next_run_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_dblp(monkeypatch)
    wanted = ("2023/gptq", "2023/sparsegpt", "2023/flashattention2", "2022/oBERT", "2023/QuIP",
              "2021/ITZS3TU3", "2023/SquareHead", "2022/flashattention", "2023/spqr")  # fmt: skip
    items = [i for i in load_items(make_meta(tmp_path)) if i["custom"]["record_id"] in wanted]
    lock: dict[str, Any] = {}
    runs = 0
    with world(fault_rate=0.3) as w:
        while runs < 6:
            runs += 1
            result = enrich(items, lock, w.options(tmp_path / "c", retries=2))
            lock = result.lock
            for rid in wanted:  # whatever is pinned is right
                if "doi" in lock.get(rid, {}) and LABELS[rid]["where"] == "arXiv":
                    assert predicted(lock[rid]) == LABELS[rid].get("dblp"), rid
            if not result.not_enriched:
                break
        assert sum(r.injected for r in w.s2.requests + w.dblp.requests) > 0
    assert not result.not_enriched, runs  # retried lookups finish within a few runs


def test_a_wrong_s2_key_stops_s2_with_a_message_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_dblp(monkeypatch)
    items = [i for i in load_items(make_meta(tmp_path)) if i["custom"]["record_id"] == "2023/gptq"]
    with world() as w:
        result = enrich(items, {}, w.options(tmp_path / "c", keys={"s2": "wrong"}))
        assert [r.status for r in w.s2.requests] == [403]  # asked once, never again
    assert result.not_enriched == ["2023/gptq"] and "2023/gptq" not in result.lock
    assert "REFKIT_S2_API_KEY" in result.report[0]["error"]


def test_a_pin_from_before_s2_and_dblp_is_looked_up_again_except_when_frozen(
    cold, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_dblp(monkeypatch)
    old = {rid: dict(e) for rid, e in cold["result"].lock.items()}
    for rid in ("2023/sparsegpt", "2022/flashattention"):
        for table in ("s2", "dblp", "published"):
            old[rid].pop(table, None)
        old[rid]["sources"] = [s for s in old[rid]["sources"] if s not in ("s2", "dblp")]
    with world() as w:
        frozen = enrich(cold["items"], old, w.options(tmp_path / "c", mode="frozen"))
        assert frozen.requests == 0 and "dblp" not in frozen.lock["2022/flashattention"]
        again = enrich(cold["items"], old, w.options(tmp_path / "c"))
        assert len(w.s2.requests) == 1 and sorted(w.s2.ids_asked) == [
            "ARXIV:2205.14135",
            "ARXIV:2301.00774",
        ]
    assert again.lock == cold["result"].lock
