"""Synthetic Crossref versions of record for the meta/ records whose venue has Crossref DOIs."""

from __future__ import annotations

import random
from typing import Any

from make_venues import VENUE_KIND, date, venue_fields

Work = dict[str, Any]

EXTRA_NAMES = [
    "Wei Chen",
    "Yuxin Zhang",
    "Hao Li",
    "Jiahui Wang",
    "Mengzhou Xia",
    "Lucas Beyer",
    "Sarah Keller",
    "Daniel Weber",
    "Priya Raman",
    "Tomasz Nowak",
    "Elena Petrova",
    "Kai Sheng Tai",
    "Maria Garcia",
    "Jonas Fischer",
    "Aditi Sharma",
    "Oliver Brown",
    "Yuki Tanaka",
    "Min-Jun Kim",
    "Chen Liang",
    "Zhiqiang Shen",
    "Laura Rossi",
    "Ahmed Hassan",
    "Nina Kovac",
    "Rui Costa",
    "Sophie Martin",
    "Xiaoming Sun",
    "Ravi Kumar",
    "Anna Schmidt",
    "Jun Zhu",
    "Lei Wu",
    "Hannah Cohen",
    "Pablo Ortega",
]
PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "le", "la", "du"}

# Published versions of arXiv-labelled records: record id -> (venue kind, years after the record).
ARXIV_PUBLISHED = {
    "ELILXDQG": ("tist", 1),
    "L5D7520E": ("tacl", 1),
    "5JWFQDDP": ("acl2024", 0),
    "PowerInfer": ("sosp", 1),
    "gpfqv2": ("simods", 0),
}
# Titles as the publisher deposited them (JATS/MathML markup, entities, missing spaces).
MARKUP_TITLES = {
    "44KWQAWO": "An Algorithm–Hardware Co-Optimized Framework for Accelerating "
    '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>N</mml:mi>'
    "<mml:mo>:</mml:mo><mml:mi>M</mml:mi></mml:math> Sparse Transformers",
    "5JWFQDDP": "<scp>LLM</scp> in a flash: Efficient Large Language Model Inference with"
    " Limited Memory",
    "flash_llm": "Flash&#8208;LLM: Enabling Cost&#8208;Effective and Highly&#8208;Efficient Large"
    " Generative Model Inference with Unstructured Sparsity",
    "Z9R72EAT": "A Systematic<i>DNN</i>Weight Pruning Framework Using Alternating Direction"
    " Method of Multipliers",
}


def person(name: str, seq: str, affiliation: str = "") -> dict[str, Any]:
    """A Crossref author from "Given Family" (lower-case particles join the family name)."""
    parts = name.split()
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in PARTICLES:
        i -= 1
    out: dict[str, Any] = {"given": " ".join(parts[:i]), "family": " ".join(parts[i:])}
    if len(parts) == 1:
        out = {"family": parts[0]}
    out["sequence"] = seq
    out["affiliation"] = [{"name": affiliation}] if affiliation else []
    return out


def authors_of(names: list[str], institutions: list[str]) -> list[dict[str, Any]]:
    inst = institutions[0] if institutions else ""
    return [
        person(n, "first" if i == 0 else "additional", inst if i == 0 else "")
        for i, n in enumerate(names)
    ]


def base_work(doi: str, title: str, names: list[str], rec: dict[str, Any], kind: str) -> Work:
    """The fields every Crossref work in these fixtures has, in the recorded order."""
    rng = random.Random("work:" + doi)
    prefix = doi.split("/")[0]
    year = rec.get("year", 2023)
    return {
        "indexed": {"date-parts": [[2026, 3, rng.randint(1, 28)]], "version": "3.50.1"},
        "reference-count": rng.randint(20, 80),
        "publisher": "",
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "short-container-title": [],
        "DOI": doi,
        "type": kind,
        "created": date([year, rng.randint(1, 12), rng.randint(1, 28)]),
        "source": "Crossref",
        "is-referenced-by-count": rng.randint(0, 400),
        "title": [title],
        "prefix": prefix,
        "author": authors_of(names, rec.get("institutions", [])),
        "member": "",
        "container-title": [],
        "original-title": [],
        "language": "en",
        "deposited": date([year + 1, rng.randint(1, 12), rng.randint(1, 28)]),
        "resource": {"primary": {"URL": f"https://doi.org/{doi}"}},
        "subtitle": [],
        "short-title": [],
        "references-count": 0,
        "URL": f"https://doi.org/{doi}",
        "relation": {},
        "subject": [],
    }


def build_vor_works(
    records: list[dict[str, Any]], authors: dict[str, list[str]]
) -> dict[str, Work]:
    """record id -> its synthetic version of record (extra keys `journal_ref`, `_arxiv_doi`)."""
    out: dict[str, Work] = {}
    for rec in records:
        kind = VENUE_KIND.get(rec.get("where", ""))
        offset = 0
        if rec["id"] == "obs":
            kind = "icnn"
        if rec["id"] in ARXIV_PUBLISHED:
            kind, offset = ARXIV_PUBLISHED[rec["id"]]
        if kind is None:
            continue
        shifted = {**rec, "year": rec.get("year", 2023) + offset}
        fields = venue_fields(shifted, kind)
        title = MARKUP_TITLES.get(rec["id"], rec["title"])
        work = base_work(fields["DOI"], title, authors[rec["id"]], shifted, fields["type"])
        work.update(fields)
        if rec["arxiv_id"]:
            link = {
                "id-type": "doi",
                "id": f"10.48550/arxiv.{rec['arxiv_id']}",
                "asserted-by": "subject",
            }
            work["relation"] = {"has-preprint": [link]}
            # authors add the DOI to arXiv for the later publications and for one conference paper
            work["_arxiv_doi"] = rec["id"] in ARXIV_PUBLISHED or rec["id"] in (
                "SparseViT",
                "flash_llm",
            )
        out[rec["id"]] = work
    return out
