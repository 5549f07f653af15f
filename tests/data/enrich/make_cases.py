"""The labelled hard matching cases (tests/data/matching_cases.json) and the decoys they use.

Each case is chosen by hand below (record id, candidate list, label, reason); labels follow
notes/crossref.md section 3.3: precision first, null whenever the right work is not offered.
"""

from __future__ import annotations

import random
from typing import Any

import make_decoys as d
from make_works import Work

Record = dict[str, Any]
REG: dict[str, Work] = {}


def reg(work: Work) -> Work:
    """One object per DOI across all cases (later builds of the same DOI reuse the first)."""
    return REG.setdefault(work["DOI"], work)


def build_decoys(
    records: list[Record], authors: dict[str, list[str]], works: dict[str, Work]
) -> list[Work]:
    """Decoys that exist regardless of the cases: 10.5555 copies of every NeurIPS/ICML paper."""
    for rec in records:
        if rec.get("where") in ("NeurIPS", "ICML") and rec["authors"]:
            reg(d.pseudo_5555(rec, authors[rec["id"]]))
    return list(REG.values())


def build_cases(
    records: list[Record], authors: dict[str, list[str]], vors: dict[str, Work], decoys: list[Work]
) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in records}
    cases: list[dict[str, Any]] = []

    def add(kind: str, rid: str, cands: list[Work], expected: Work | None, why: str) -> None:
        rec = by_id[rid]
        rng = random.Random("score:" + rid + kind)
        score = rng.uniform(38.0, 62.0)
        ranked = []
        for i, w in enumerate(cands):
            related = w["title"][0].lower()[:12] == rec["title"].lower()[:12]
            if i > 0:
                score -= rng.uniform(1.5, 6.0) if related else rng.uniform(12.0, 20.0)
            ranked.append({**w, "score": round(score, 3)})
        cases.append(
            {
                "id": f"{kind}-{rid}",
                "kind": kind,
                "record": {
                    "title": rec["title"],
                    "authors": rec["authors"],
                    "year": rec["year"],
                    "venue": rec.get("where", ""),
                },
                "candidates": ranked,
                "expected_doi": expected["DOI"] if expected else None,
                "why": why,
            }
        )

    full = authors

    def filler(rid: str, n: int = 2) -> list[Work]:
        """Unrelated versions of record that a relevance search also returns (lower scores)."""
        pool = [w for r, w in sorted(vors.items()) if r != rid]
        return random.Random("filler:" + rid).sample(pool, n)

    # 1. true match at rank 1
    for rid in ("smp", "diffuser", "68I8KKBV", "TorchSparse"):
        add(
            "true_rank1",
            rid,
            [vors[rid], *filler(rid)],
            vors[rid],
            "Same title, the record's authors are a prefix/subset of the deposited list, year and type fit the venue.",
        )
    # 2. true match at rank 2-3 behind repository copies or a same-title item
    add(
        "true_behind_decoys",
        "XZBX1Z9G",
        [reg(d.ssrn(by_id["XZBX1Z9G"], full["XZBX1Z9G"])), vors["XZBX1Z9G"]],
        vors["XZBX1Z9G"],
        "Rank 1 is an SSRN copy (10.2139); the ACL proceedings article at rank 2 is the venue DOI.",
    )
    rec = by_id["SparseViT"]
    add(
        "true_behind_decoys",
        "SparseViT",
        [
            reg(d.zenodo(rec, full["SparseViT"])),
            reg(d.figshare(rec, full["SparseViT"])),
            vors["SparseViT"],
        ],
        vors["SparseViT"],
        "Zenodo and figshare copies outrank the IEEE CVPR paper; only the 10.1109 proceedings article is the venue DOI.",
    )
    add(
        "true_behind_decoys",
        "ComplementarySparsity",
        [
            reg(d.ssrn(by_id["ComplementarySparsity"], full["ComplementarySparsity"])),
            vors["ComplementarySparsity"],
        ],
        vors["ComplementarySparsity"],
        "SSRN copy first; the IOP journal article (the record's own URL DOI) is second.",
    )
    add(
        "true_behind_decoys",
        "2AL79IUH",
        [
            reg(d.same_title(by_id["2AL79IUH"], d.other_names(by_id["2AL79IUH"], 3), 2022)),
            vors["2AL79IUH"],
        ],
        vors["2AL79IUH"],
        "A 2022 Neurocomputing paper by other authors has the same short title; the CVPR 2020 paper with Elsen as first author is the match.",
    )
    # 3. markup in the true title
    for rid, what in (
        ("44KWQAWO", "inline MathML for N:M"),
        ("5JWFQDDP", "<scp>LLM</scp> small caps"),
        ("flash_llm", "&#8208; hyphen entities"),
        ("Z9R72EAT", "<i>DNN</i> with no spaces around the tags"),
    ):
        add(
            "markup_title",
            rid,
            [vors[rid], *filler(rid, 1)],
            vors[rid],
            f"The deposited title carries {what}; after stripping markup with space insertion and decoding entities it equals the record title.",
        )
    # 4. errata and corrections
    for rid, style in (("flap", "Correction to:"), ("68I8KKBV", "Erratum:")):
        err = reg(d.erratum(by_id[rid], full[rid], vors[rid], style))
        add(
            "erratum_decoy",
            rid,
            [err, vors[rid]],
            vors[rid],
            f"Rank 1 is the '{style}' notice (update-to the article); the corrected article at rank 2 is the match.",
        )
    for rid, style in (("gpfq", "Erratum:"), ("oBERT", "Correction to:")):
        add(
            "erratum_decoy",
            rid,
            [reg(d.erratum(by_id[rid], full[rid], None, style))],
            None,
            f"Only a '{style}' notice is offered; a correction is never the paper itself.",
        )
    # 5. ACM 10.5555 pseudo-DOIs
    for rid in ("movement_pruning", "flashattention", "spdy", "obd"):
        cand = REG[
            next(
                k
                for k, w in REG.items()
                if k.startswith("10.5555/") and w["title"] == [by_id[rid]["title"]]
            )
        ]
        add(
            "pseudo_doi_5555",
            rid,
            [cand, *filler(rid, 1)],
            None,
            "Exact title and authors, but 10.5555 is an ACM DL pseudo-DOI that does not resolve; NeurIPS/ICML have no Crossref DOI.",
        )
    # 6. SSRN / Zenodo / figshare copies
    for rid, maker in (
        ("LoSparse", d.ssrn),
        ("qlora", d.zenodo),
        ("awq", d.figshare),
        ("sparsegpt", d.ssrn),
    ):
        add(
            "repository_copy",
            rid,
            [reg(maker(by_id[rid], full[rid]))],
            None,
            "The only hit is a repository copy (SSRN/Zenodo/figshare), a different record that must not become the paper's DOI.",
        )
    # 7. same title by other authors
    for rid, year in (("PUHJMVCM", 2021), ("massive-activations", 2024), ("23LQ9SVH", 2023)):
        cand = reg(
            d.same_title(by_id[rid], d.other_names(by_id[rid], 4), year, "proceedings-article")
        )
        add(
            "same_title_other_authors",
            rid,
            [cand, *filler(rid, 1)],
            None,
            "Identical title and year, but no author family name in common: a different paper.",
        )
    # 8. posted-content when the version of record exists
    for rid in ("grain", "PowerInfer", "OpenVINO"):
        pre = reg(d.preprint(by_id[rid], full[rid], vors[rid]))
        add(
            "posted_content_vs_vor",
            rid,
            [pre, vors[rid]],
            vors[rid],
            "Rank 1 is a posted-content preprint (is-preprint-of the VoR); the version of record at rank 2 is the match.",
        )
    # 9. wrong year (a later journal extension, outside the +-1 window)
    for rid, gap in (("TextPruner", 4), ("simple", 3), ("lobs", 4)):
        rec = by_id[rid]
        add(
            "wrong_year",
            rid,
            [reg(d.same_title(rec, full[rid], rec["year"] + gap))],
            None,
            f"Same title and authors but published {gap} years after the record: an extended version, not this paper (year must be within +-1).",
        )
    # 10. wrong type
    rec = by_id["2AL79IUH"]
    add(
        "wrong_type",
        "2AL79IUH",
        [reg(d.same_title(rec, full["2AL79IUH"], 2021, "book-chapter")), vors["2AL79IUH"]],
        vors["2AL79IUH"],
        "Rank 1 is a book-chapter reprint; a CVPR record needs a proceedings-article, which is rank 2.",
    )
    for rid, kind in (("ZipLM", "journal-issue"), ("HMR7HKFV", "peer-review")):
        rec = by_id[rid]
        add(
            "wrong_type",
            rid,
            [reg(d.same_title(rec, full[rid], rec["year"], kind))],
            None,
            f"Same title, but type {kind} can never be the paper.",
        )
    add(
        "wrong_type",
        "OSSCAR",
        [reg(d.figshare(by_id["OSSCAR"], full["OSSCAR"]))],
        None,
        "Same title and authors, but a dataset (and ICML has no Crossref DOI).",
    )
    # 11. venues without Crossref DOIs: every candidate is a neighbour
    neighbours = {
        "gptq": ["Accurate Post-Training Quantization of Generative Transformers on Edge Devices"],
        "lora": [
            "LoRA: Low-rank adaptation of large language models for clinical text classification"
        ],
        "SliceGPT": [
            "Compressing Large Language Models by Deleting Rows and Columns: A Reproducibility Study"
        ],
        "streaming-llm": [
            "Attention Sinks in Efficient Streaming Language Models: An Empirical Analysis"
        ],
    }
    for rid, titles in neighbours.items():
        rec = by_id[rid]
        cands = [
            reg(
                d.titled(
                    rec,
                    t,
                    d.other_names(rec, 3),
                    rec["year"] + 1,
                    f"10.1016/j.neunet.{rec['year'] + 1}.10{d._n(t, 4)}",
                    "Neural Networks",
                )
            )
            for t in titles
        ]
        add(
            "no_crossref_venue",
            rid,
            cands + filler(rid, 1),
            None,
            f"{rec['where']} papers have no Crossref DOI; the hits only share words with the title.",
        )
    # 12. near-duplicate titles (a different paper)
    add(
        "near_duplicate",
        "PINS",
        [vors["smp"]],
        None,
        "Shares 'Pruning Pre-trained Language Models' and the venue year, but it is a different ACL paper with other authors.",
    )
    add(
        "near_duplicate",
        "PowerInfer-2",
        [vors["PowerInfer"]],
        None,
        "PowerInfer (SOSP) shares authors and most title words with PowerInfer-2, but it is the earlier, different system.",
    )
    rec = by_id["ADMM-pruning"]
    add(
        "near_duplicate",
        "ADMM-pruning",
        [
            reg(
                d.titled(
                    rec,
                    "Fast and Optimal Weight Update for Pruned Large Language Models",
                    ["Vladimír Boža", "Vladimír Macko"],
                    2025,
                    "10.1109/tnnls.2025.3551234",
                    "IEEE Transactions on Neural Networks and Learning Systems",
                )
            )
        ],
        None,
        "Same first author and one word different ('Optimal' vs 'Effective'): the follow-up paper, not this one.",
    )
    rec = by_id["flashattention2"]
    add(
        "near_duplicate",
        "flashattention2",
        [
            reg(
                d.titled(
                    rec,
                    "FlashAttention-3: Fast and Accurate Attention with Asynchrony and Low-precision",
                    ["Jay Shah", "Ganesh Bikshandi", "Tri Dao"],
                    2024,
                    "10.1109/sc41406.2024.00042",
                    "SC24: International Conference for High Performance Computing",
                )
            )
        ],
        None,
        "FlashAttention-3 shares the author Tri Dao and the name stem, but is a different paper.",
    )
    # 13. author-list mismatch (one common surname is not enough)
    for rid in ("DHIB73MC", "Compresso", "MeZO"):
        rec = by_id[rid]
        shared = rec["authors"][-1]
        cand = reg(
            d.same_title(
                rec,
                d.other_names(rec, 4, [d.EXTRA_NAMES[0].split()[0] + " " + shared.split()[-1]]),
                rec["year"],
                "proceedings-article",
            )
        )
        add(
            "author_mismatch",
            rid,
            [cand],
            None,
            f"Same title and year; the only overlap is the common family name {shared.split()[-1]!r} of a different person, under 50% of the authors.",
        )
    # 14. arXiv record -> its later published version
    for rid in ("L5D7520E", "ELILXDQG", "gpfqv2"):
        add(
            "arxiv_to_published",
            rid,
            [vors[rid], *filler(rid, 1)],
            vors[rid],
            "The arXiv record's journal version: same title and authors, published within +2 years, relation has-preprint points at the arXiv DOI.",
        )
    return cases
