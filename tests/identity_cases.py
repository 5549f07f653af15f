"""Hard cases of issue #16 (identity from URLs, undated Crossref works), as records and as a
running world: the local Crossref and DBLP servers serve the works below, refkit enriches the
records, and `score` counts what it decided against the labels.

Every work is synthetic, in the recorded shapes (tests/data/crossref-ref, the IEEE item's
`link` and `resource`; DBLP hits with `ee` lists). Labels were set by hand from the rules of
notes/crossref.md section 3.3: the DOI (or DBLP key) when exactly one remote record is the
record's paper, else None. Adversarial cases: a DOI in a URL that belongs to another paper, an
IEEE document number whose Crossref work has another title, undated same-title works by other
authors or with nothing to confirm them, an OpenReview id that DBLP gives to another paper.

Runs against any refkit with `enrich(items, lock, Options)` (bench/identity.py measures the
code before #16 with it too).
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from tests.servers.crossref import CrossrefServer
from tests.servers.dblp import DblpServer

FAST = {"polite": (200, 100, 4)}


def work(
    doi: str,
    title: str,
    authors: list[str],
    year: int | None,
    kind: str = "proceedings-article",
    container: str = "",
    arnumber: str = "",
) -> dict[str, Any]:
    """A Crossref work message (no date at all when `year` is None, like IEEE's)."""
    people = [
        {
            "given": " ".join(a.split()[:-1]),
            "family": a.split()[-1],
            "sequence": s,
            "affiliation": [],
        }
        for a, s in zip(authors, ["first"] + ["additional"] * len(authors), strict=False)
    ]
    out: dict[str, Any] = {
        "DOI": doi,
        "URL": f"https://doi.org/{doi}",
        "title": [title],
        "author": people,
        "type": kind,
        "container-title": [container] if container else [],
        "prefix": doi.split("/")[0],
        "publisher": "IEEE" if doi.startswith("10.1109/") else "Publisher",
        "issued": {"date-parts": [[year]]} if year else {"date-parts": [[None]]},
        "resource": {"primary": {"URL": f"https://doi.org/{doi}"}},
    }
    if year:
        out["published"] = {"date-parts": [[year]]}
    if arnumber:
        out["link"] = [
            {
                "URL": f"http://xplorestaging.ieee.org/ielx7/1/2/0{arnumber}.pdf?arnumber={arnumber}",
                "content-type": "unspecified",
                "content-version": "vor",
                "intended-application": "similarity-checking",
            }
        ]
        out["resource"] = {"primary": {"URL": f"http://ieeexplore.ieee.org/document/{arnumber}/"}}
    return out


WORKS = [
    # 1: the 1993 Optimal Brain Surgeon shape: no authors, no date, the arnumber in its links
    work("10.1109/icnn.1993.298572", "Optimal Brain Surgeon and General Network Pruning", [], None,
         container="IEEE International Conference on Neural Networks", arnumber="298572"),
    # 2: an arnumber whose Crossref work has another title (adversarial)
    work("10.1109/icnn.1994.777001", "Adaptive Resonance in Cortical Maps", ["Ann Other"], 1994,
         arnumber="777001"),
    # 3: a DOI in a Springer URL, the record's own paper (unknown venue)
    work("10.1007/s10994-021-06001-7", "Pruning Recurrent Networks by Saliency Flows",
         ["Marta Rossi", "Jun Park"], 2021, "journal-article", "Machine Learning"),
    # 4: a DOI in a URL that belongs to another paper (adversarial)
    work("10.1088/2634-4386/ab0001", "Spiking Hardware for Event Cameras", ["Lee Wong"], 2022,
         "journal-article"),
    # 5: an undated proceedings work, the record's paper (CVPR workshop)
    work("10.1109/cvprw59228.2023.00401", "Token Merging for Efficient Segmentation",
         ["Ivo Berg", "Sara Lind"], None),
    # 6: an undated same-title work by other authors (adversarial)
    work("10.1109/iccvw54120.2021.00999", "Quantized Attention for Edge Vision",
         ["Hugo Moreau", "Lin Zhou"], None),
    # 7: an undated same-title work; the record has no authors and no identifier (adversarial)
    work("10.1109/cvprw59228.2023.00777", "Sparse Kernels on Mobile GPUs", ["Nina Falk"], None),
    # 8: an ACL Anthology DOI
    work("10.18653/v1/2023.acl-long.999", "Distilling Parsers into Tiny Transformers",
         ["Omar Haddad", "Yuki Sato"], 2023, container="Proceedings of ACL 2023"),
    # 9: a journal refkit's venue table lacks, found by a plain search
    work("10.1016/j.neunet.2022.01.005", "Lottery Tickets in Graph Networks",
         ["Pia Kunz", "Raj Iyer"], 2022, "journal-article", "Neural Networks"),
    # 10: the right DOI in the URL, but the work dated 2019 for a 2022 record (adversarial)
    work("10.1007/s00500-019-04001-2", "Evolving Masks for Sparse Training",
         ["Dana Cole"], 2019, "journal-article"),
    # 13: an undated IEEE work whose DOI DBLP gives for a CVF paper
    work("10.1109/cvpr52729.2023.01999", "Pruned Vision Transformers at the Edge",
         ["Kai Moss", "Ines Vidal"], None),
    # 14: the DOI DBLP gives for a CVF paper is another paper's in Crossref (adversarial)
    work("10.1109/cvpr52729.2023.02001", "Robust Stereo Matching in Fog", ["Bo Chen"], 2023),
]  # fmt: skip

DBLP = [
    # 11: an OpenReview id in DBLP's electronic editions (the record has no authors)
    {"key": "conf/iclr/Vega23", "type": "Conference and Workshop Papers",
     "title": "Low-Rank Adapters Revisited.", "authors": ["Carla Vega", "Tom Hale"],
     "venue": "ICLR", "year": "2023",
     "ee": ["https://openreview.net/forum?id=AbCdEf123", "https://openreview.net/pdf?id=AbCdEf123"]},
    # 12: the same title, another OpenReview id, other authors (adversarial)
    {"key": "conf/iclr/Nash23", "type": "Conference and Workshop Papers",
     "title": "Gradient Noise Revisited.", "authors": ["Eli Nash"], "venue": "ICLR",
     "year": "2023", "ee": ["https://openreview.net/forum?id=ZzZz999", "https://x.org/a"]},
    # 13, 14: CVPR papers whose electronic editions are the DOI and the CVF page
    {"key": "conf/cvpr/Moss23", "type": "Conference and Workshop Papers",
     "title": "Pruned Vision Transformers at the Edge.", "authors": ["Kai Moss", "Ines Vidal"],
     "venue": "CVPR", "year": "2023", "doi": "10.1109/CVPR52729.2023.01999",
     "ee": ["https://doi.org/10.1109/CVPR52729.2023.01999",
            "https://openaccess.thecvf.com/content/CVPR2023/html/Moss_Pruned_Vision_Transformers_at_the_Edge_CVPR_2023_paper.html"]},
    {"key": "conf/cvpr/Ruiz23", "type": "Conference and Workshop Papers",
     "title": "Dense Depth from Sparse Events.", "authors": ["Ana Ruiz"],
     "venue": "CVPR", "year": "2023", "doi": "10.1109/CVPR52729.2023.02001",
     "ee": ["https://doi.org/10.1109/CVPR52729.2023.02001",
            "https://openaccess.thecvf.com/content/CVPR2023/html/Ruiz_Dense_Depth_from_Sparse_Events_CVPR_2023_paper.html"]},
]  # fmt: skip

# (record id, record fields, expected DOI or DBLP key, what it exercises)
CASES: list[tuple[str, dict[str, Any], str | None, str]] = [
    ("1993/obs2", {"title": "Optimal Brain Surgeon and general network pruning", "year": 1993,
      "url": "https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=298572&tag=1"},
     "10.1109/icnn.1993.298572", "arnumber in the links of an undated work, no authors/venue"),
    ("1994/arn", {"title": "Sparse Coding of Layered Networks", "year": 1994,
      "url": "https://ieeexplore.ieee.org/document/777001"},
     None, "arnumber whose Crossref work has another title"),
    ("2021/flows", {"title": "Pruning Recurrent Networks by Saliency Flows", "year": 2021,
      "where": "Machine Learning Journal", "authors": ["Marta Rossi"],
      "url": "https://link.springer.com/article/10.1007/s10994-021-06001-7"},
     "10.1007/s10994-021-06001-7", "DOI in a publisher URL, unknown venue"),
    ("2022/spikes", {"title": "Neuromorphic Sparse Coding at Scale", "year": 2022,
      "where": "Neuromorphic Computing and Engineering", "authors": ["Ada Byrne"],
      "url": "https://iopscience.iop.org/article/10.1088/2634-4386/ab0001"},
     None, "DOI in the URL belongs to another paper"),
    ("2023/tome", {"title": "Token Merging for Efficient Segmentation", "year": 2023,
      "where": "CVPR Workshop", "authors": ["Ivo Berg", "Sara Lind"]},
     "10.1109/cvprw59228.2023.00401", "undated work, certain title and authors"),
    ("2021/qattn", {"title": "Quantized Attention for Edge Vision", "year": 2021,
      "where": "ICCV Workshop", "authors": ["Mei Tanaka", "Paul Roy"]},
     None, "undated same-title work by other authors"),
    ("2023/kernels", {"title": "Sparse Kernels on Mobile GPUs", "year": 2023,
      "where": "CVPR Workshop"},
     None, "undated same-title work, no authors and no identifier to confirm it"),
    ("2023/parsers", {"title": "Distilling Parsers into Tiny Transformers", "year": 2023,
      "where": "ACL", "authors": ["Omar Haddad"],
      "url": "https://aclanthology.org/2023.acl-long.999.pdf"},
     "10.18653/v1/2023.acl-long.999", "ACL Anthology id"),
    ("2022/tickets", {"title": "Lottery Tickets in Graph Networks", "year": 2022,
      "where": "Neural Networks", "authors": ["Pia Kunz", "Raj Iyer"]},
     "10.1016/j.neunet.2022.01.005", "a venue refkit does not know: searched anyway"),
    ("2022/masks", {"title": "Evolving Masks for Sparse Training", "year": 2022,
      "where": "Soft Computing", "authors": ["Dana Cole"],
      "url": "https://link.springer.com/article/10.1007/s00500-019-04001-2"},
     None, "the URL's DOI is dated three years off"),
    ("2023/lora", {"title": "Low-Rank Adapters Revisited", "year": 2023,
      "url": "https://openreview.net/forum?id=AbCdEf123"},
     "conf/iclr/Vega23", "OpenReview id in DBLP's ee, no authors"),
    ("2023/noise", {"title": "Gradient Noise Revisited", "year": 2023,
      "url": "https://openreview.net/forum?id=QqQq555"},
     None, "same title in DBLP under another OpenReview id"),
    ("2023/prunedvit", {"title": "Pruned Vision Transformers at the Edge", "year": 2023,
      "url": "https://openaccess.thecvf.com/content/CVPR2023/papers/Moss_Pruned_Vision_Transformers_at_the_Edge_CVPR_2023_paper.pdf"},
     "10.1109/cvpr52729.2023.01999", "CVF id in DBLP's ee, its DOI an undated Crossref work"),
    ("2023/depth", {"title": "Dense Depth from Sparse Events", "year": 2023,
      "url": "https://openaccess.thecvf.com/content/CVPR2023/papers/Ruiz_Dense_Depth_from_Sparse_Events_CVPR_2023_paper.pdf"},
     None, "CVF id in DBLP's ee, but its DOI is another paper's in Crossref"),
]  # fmt: skip
DBLP_CASES = ("2023/lora", "2023/noise")  # judged by the DBLP record linked, not a DOI


def prototxt(fields: dict[str, Any]) -> str:
    lines = ["paper {", f"  title: {json.dumps(fields['title'])}"]
    lines += [f"  url: {json.dumps(fields.get('url', ''))}"]
    lines += [f"  authors: {json.dumps(a)}" for a in fields.get("authors", [])]
    lines += ["}", "pub {", f"  where: {json.dumps(fields.get('where', ''))}"]
    lines += [f"  year: {fields['year']}", "}", ""]
    return "\n".join(lines)


def make_meta(tmp: Path) -> Path:
    meta = tmp / "meta"
    for rid, fields, *_ in CASES:
        path = meta / f"{rid}.prototxt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(prototxt(fields), "utf-8")
    return meta


def decided(rid: str, entry: dict[str, Any]) -> str | None:
    """What refkit decided for a record: its DOI (the DBLP key it linked for DBLP_CASES)."""
    if rid in DBLP_CASES:
        key = (entry.get("dblp") or {}).get("key") or (entry.get("published") or {}).get("dblp")
        return str(key) if key else None
    return str(entry["doi"]) if entry.get("doi") not in (None, "none") else None


def score(lock: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """tp, fp, fn, precision, recall and the per-case outcome."""
    tp = fp = fn = 0
    rows = []
    for rid, _, expected, why in CASES:
        got = decided(rid, lock.get(rid, {}))
        if got and got == expected:
            tp, outcome = tp + 1, "right"
        elif got:
            fp, outcome = fp + 1, f"WRONG ({got})"
        elif expected:
            fn, outcome = fn + 1, "missed"
        else:
            outcome = "none (right)"
        rows.append((rid, outcome, why))
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "rows": rows,
    }


def run(tmp: Path, enrich: Any, options: Any, load_items: Any) -> tuple[Any, dict[str, Any]]:
    """Enrich the cases against fresh servers; (the Enrichment, request counts)."""
    items = load_items(make_meta(tmp))
    with ExitStack() as stack:
        cr = stack.enter_context(CrossrefServer(WORKS, limits=FAST))
        db = stack.enter_context(DblpServer(DBLP, min_interval=0.0))
        dead = "http://127.0.0.1:9/api/query"  # no arXiv id among the cases
        opts = options(
            cr.url,
            dead,
            "ci@example.org",
            tmp / "cache",
            timeout=3.0,
            backoff=0.05,
            urls={"s2": "off", "dblp": db.url},
        )
        result = enrich(items, {}, opts)
        counts = {
            "crossref searches": sum(r.kind == "list" for r in cr.requests),
            "crossref DOI fetches": sum(r.kind == "single" for r in cr.requests),
            "dblp": len(db.requests),
            "violations": cr.violations + db.violations,
            "urls": (cr.url, dead, db.url),  # a warm run must name the same servers
        }
    return result, counts
