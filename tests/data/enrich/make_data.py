"""Generate the synthetic Crossref works, arXiv entries and labelled cases from meta/ (tests only).

Run from the repository root: `python tests/data/enrich/make_data.py`. Deterministic: every
pseudo-random choice is seeded by the record id, so the output only changes with meta/.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))

from make_cases import build_cases, build_decoys  # noqa: E402
from make_works import EXTRA_NAMES, build_vor_works  # noqa: E402

Record = dict[str, Any]
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/+(\d{4}\.\d{4,5})(v\d+)?(?:\.pdf)?", re.I)


def read_record(path: Path) -> Record:
    """A prototxt record as a flat dict (title, url, authors, where, year, institutions)."""
    rec: Record = {"id": path.stem, "authors": [], "institutions": [], "keywords": []}
    block = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.endswith("{"):
            block = line[:-1].strip()
            continue
        if line == "}":
            block = ""
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        text = json.loads(value) if value.startswith('"') else value
        if block == "paper" and key in ("authors", "institutions"):
            rec[key] += [a.strip() for a in text.split(",")] if key == "authors" else [text]
        elif block == "paper" and key in ("title", "url", "abbr"):
            rec[key] = text
        elif block == "pub" and key == "where":
            rec["where"] = text
        elif block == "pub" and key == "year":
            rec["year"] = int(text)
        elif block == "keyword" and key == "words":
            rec["keywords"].append(text)
    rec["authors"] = [a for a in rec["authors"] if a]
    m = ARXIV_URL.search(rec.get("url", ""))
    rec["arxiv_id"] = m.group(1) if m else ""
    rec["arxiv_version"] = int(m.group(2)[1:]) if m and m.group(2) else 0
    return rec


def read_records(meta: Path) -> list[Record]:
    return sorted((read_record(p) for p in meta.glob("*/*.prototxt")), key=lambda r: r["id"])


def full_authors(rec: Record) -> list[str]:
    """The record's authors, extended with plausible extra ones when it lists only 1-3."""
    rng = random.Random("authors:" + rec["id"])
    names = list(rec["authors"])
    if 0 < len(names) <= 3:
        pool = [n for n in EXTRA_NAMES if n not in names]
        extra = rng.sample(pool, rng.randint(1, 4))
        names = names + extra
    return names


def category(rec: Record) -> str:
    title = rec.get("title", "").lower()
    if re.search(r"vision|image|convnet|point cloud|vit\b", title):
        return "cs.CV"
    if re.search(r"language|llm|bert|nlp|text|llama|context", title):
        return "cs.CL"
    return "cs.LG"


def summary(rec: Record) -> str:
    """A synthetic abstract: three plain sentences built from the title."""
    rng = random.Random("summary:" + rec["id"])
    name, _, rest = rec["title"].partition(":")
    if rest and len(name.split()) <= 3:
        head = f"{name.strip()}, which addresses {rest.strip()[0].lower() + rest.strip()[1:]}"
    else:
        head = "a method for " + rec["title"][0].lower() + rec["title"][1:]
    opener = rng.choice(
        [
            "Large neural networks are costly to train and to deploy.",
            "Modern deep learning models keep growing, and so does the cost of running them.",
            "Efficient inference has become a central concern for deployed models.",
        ]
    )
    method = f"We present {head.rstrip('.')}, and study it on standard benchmarks."
    result = rng.choice(
        [
            "Our experiments show consistent speedups with little or no loss in accuracy.",
            "The method matches dense baselines while using a fraction of the compute.",
            "Code and models are publicly available.",
        ]
    )
    return f"{opener} {method} {result}"


def arxiv_entry(rec: Record, authors: list[str], vor: dict[str, Any] | None) -> dict[str, Any]:
    """One arXiv entry dict (the form tests/servers/arxiv.py renders)."""
    rng = random.Random("arxiv:" + rec["id"])
    aid = rec["arxiv_id"]
    year, month = 2000 + int(aid[:2]), int(aid[2:4])
    count = max(rec["arxiv_version"], rng.randint(1, 3))
    stamps, y, m = [], year, month
    for _ in range(count):
        day, hh, mm, ss = (
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
        )
        stamps.append(f"{y:04d}-{m:02d}-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z")
        m += rng.randint(1, 5)
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    primary = category(rec)
    cats = [primary] + [c for c in ("cs.LG", "cs.AI") if c != primary][: rng.randint(0, 2)]
    entry: dict[str, Any] = {
        "id": aid,
        "versions": stamps,
        "title": rec["title"],
        "summary": summary(rec),
        "authors": authors,
        "primary_category": primary,
        "categories": cats,
    }
    venue = rec.get("where", "")
    if venue and venue not in ("arXiv", "Blog", "github"):
        entry["comment"] = f"Accepted at {venue} {rec['year']}"
    if vor is not None:
        entry["doi"] = vor["DOI"]
        entry["journal_ref"] = vor["journal_ref"]
    return entry


def main() -> None:
    records = read_records(ROOT / "meta")
    authors = {r["id"]: full_authors(r) for r in records}
    vors = build_vor_works(records, authors)  # record id -> work (with a private journal_ref)
    entries: dict[str, dict[str, Any]] = {}
    for rec in records:
        if rec["arxiv_id"] and rec["arxiv_id"] not in entries:
            vor = vors.get(rec["id"])
            link = vor if vor is not None and vor.get("_arxiv_doi") else None
            entries[rec["arxiv_id"]] = arxiv_entry(rec, authors[rec["id"]], link)
    works = [
        {k: v for k, v in w.items() if not k.startswith("_") and k != "journal_ref"}
        for w in vors.values()
    ]
    decoys = build_decoys(records, authors, {w["DOI"]: w for w in works})
    cases = build_cases(records, authors, {r: w for r, w in zip(vors, works, strict=False)}, decoys)
    known = {w["DOI"] for w in works} | {w["DOI"] for w in decoys}
    for case in cases:
        for cand in case["candidates"]:
            if cand["DOI"] not in known:
                known.add(cand["DOI"])
                decoys.append({k: v for k, v in cand.items() if k != "score"})
    decoy_dois = {d["DOI"] for d in decoys}
    all_works = works + [d for d in decoys if d["DOI"] not in {w["DOI"] for w in works}]
    write(HERE / "crossref_works.json", all_works)
    write(HERE / "arxiv_entries.json", sorted(entries.values(), key=lambda e: e["id"]))
    write(ROOT / "tests" / "data" / "matching_cases.json", cases)
    kinds: dict[str, int] = {}
    for c in cases:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    print(f"works: {len(works)} versions of record, {len(decoy_dois)} decoys")
    print(f"arXiv entries: {len(entries)}; cases: {len(cases)} {kinds}")


def write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
