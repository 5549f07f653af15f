"""Benchmark `refkit add` (the CLI, start-up included) against the local arXiv, Crossref, Semantic
Scholar and DBLP servers with 100 ms latency and the real limits: arXiv one call per 3 s, S2 one
batch call per second (with a key), DBLP one request per second, Crossref's polite pool (10
single/s, 3 searches/s, 3 in flight). Each run works on a fresh copy of the committed list with
an empty cache.

1. One `add` (an arXiv id whose published version S2 and DBLP name; a DOI; a PMLR URL: its
   landing page, one page a second, then DBLP), `--repeat` runs each, 3.5 s apart (arXiv's
   limit counts calls from every client).
2. `--from` a 100-entry .bib of synthetic papers (tests/add_world.py shapes): 70 arXiv ids (60
   eprint fields, 10 URLs) of which 30 have a publication S2 links to DBLP, 20 S2 knows only as
   preprints, 10 S2 does not know but DBLP's search finds, 10 nobody publishes; and 30 ACL
   papers (20 DOIs, 10 ACL Anthology URLs). The lower bound the limits set, from the requests the
   run needed (L searches, S DOI fetches, A arXiv calls, B S2 batches, D DBLP requests, latency
   d, Crossref concurrency c = 3):

       T_min = d + max(L/3, S/10, 3(A-1), d(L+S)/c, B*d + (B-1)*1 + (D-1)*max(1, d) + d)

   (as bench/enrich.py: DBLP waits for the S2 batch, whose answer names the DBLP keys, then goes
   one request a second). Target: the run within 1.2 x T_min.

Run from the repository root: `python bench/add.py [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.add_world import AQLM, DBLP, ENTRIES, S2, crossref_works, world  # noqa: E402
from tests.landing_world import DBLP_MORE, PMLR, pages  # noqa: E402
from tests.landing_world import env as landing_env  # noqa: E402
from tests.servers.landing import LandingServer  # noqa: E402

LATENCY = 0.1
ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "sparse",
    "quantized",
    "efficient",
    "adaptive",
    "structured",
    "dynamic",
    "scalable",
    "robust",
    "latent",
    "optimal",
    "fast",
    "low-rank",
    "pruning",
    "attention",
    "decoding",
    "memory",
    "kernels",
    "transformers",
    "experts",
    "inference",
    "training",
    "compression",
    "distillation",
    "activations",
    "weights",
    "caches",
    "tokens",
    "layers",
    "heads",
    "gradients",
    "outliers",
    "rotations",
    "mixtures",
    "budgets",
    "schedules",
    "calibration",
    "search",
    "sampling",
    "retrieval",
    "alignment",
]
GIVEN = [
    "Ada",
    "Bo",
    "Chen",
    "Dana",
    "Eli",
    "Fei",
    "Gil",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lena",
    "Min",
    "Nora",
    "Omar",
    "Pia",
    "Quan",
    "Rui",
]
FAMILY = [
    "Abe",
    "Brandt",
    "Costa",
    "Diaz",
    "Ekman",
    "Fujita",
    "Gomez",
    "Horvat",
    "Ito",
    "Jensen",
    "Kowal",
    "Lund",
    "Moreau",
    "Novak",
]


def _paper(rng: random.Random, i: int) -> tuple[str, list[str]]:
    words = rng.sample(WORDS, 6)
    title = f"{words[0].capitalize()} {' '.join(words[1:4])} for {' '.join(words[4:])} v{i}"
    authors = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{i}" for _ in range(rng.randint(2, 6))]
    return title, authors


def synthetic() -> tuple[list[dict[str, Any]], ...]:
    """arXiv entries, S2 papers, DBLP records, Crossref works and .bib entries (100)."""
    rng = random.Random(14)
    entries, s2, dblp, bib = [], [], [], []
    works = crossref_works()
    acl_base = next(w for w in works if w["DOI"] == "10.18653/v1/2024.acl-long.397")
    for i in range(70):
        aid = f"2406.{10000 + i:05d}"
        title, authors = _paper(rng, i)
        entries.append(
            {
                "id": aid,
                "versions": ["2024-06-03T12:00:00Z"],
                "title": title,
                "summary": f"We study {title.lower()}.",
                "authors": authors,
                "primary_category": "cs.LG",
            }
        )
        venue, key = ("ICML", "icml") if i % 3 == 0 else ("NeurIPS", "nips")
        dkey = f"conf/{key}/{authors[0].split()[-1]}{i}25"
        published = {
            "key": dkey,
            "type": "Conference and Workshop Papers",
            "title": title + ".",
            "authors": authors,
            "venue": venue,
            "year": "2025",
        }
        ext = {"ArXiv": aid, "DOI": f"10.48550/arXiv.{aid}"}
        if i < 30:  # S2 links the publication's DBLP key
            s2.append(
                {
                    "paperId": f"{i:040x}",
                    "externalIds": {**ext, "DBLP": dkey},
                    "title": title,
                    "venue": venue,
                    "year": 2024,
                }
            )
            dblp.append(published)
        elif i < 50:  # S2 knows only the preprint
            corr = f"journals/corr/abs-2406-{10000 + i:05d}"
            s2.append(
                {
                    "paperId": f"{i:040x}",
                    "externalIds": {**ext, "DBLP": corr},
                    "title": title,
                    "venue": "arXiv.org",
                    "year": 2024,
                }
            )
        elif i < 60:  # unknown to S2; DBLP's search finds the publication
            dblp.append(published)
        field = (
            f"eprint = {{{aid}}},\n  archivePrefix = {{arXiv}}"
            if i < 60
            else f"url = {{https://arxiv.org/abs/{aid}v1}}"
        )
        bib.append(f"@article{{p{i},\n  title = {{{title}}},\n  {field},\n}}\n")
    for i in range(30):
        title, authors = _paper(rng, 100 + i)
        acl = f"2024.acl-long.{900 + i}"
        work = copy.deepcopy(acl_base)
        work.update(
            DOI=f"10.18653/v1/{acl}",
            title=[title],
            author=[
                {
                    "given": a.split()[0],
                    "family": a.split()[1],
                    "sequence": "additional",
                    "affiliation": [],
                }
                for a in authors
            ],
            relation={},
        )
        works.append(work)
        field = (
            f"doi = {{10.18653/v1/{acl}}}"
            if i < 20
            else f"url = {{https://aclanthology.org/{acl}.pdf}}"
        )
        bib.append(f"@inproceedings{{a{i},\n  title = {{{title}}},\n  {field},\n}}\n")
    return entries, s2, dblp, works, bib


def _run(
    list_dir: Path, env: dict[str, str], *args: str
) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "refkit", "add", *args],
        cwd=list_dir,
        env=env,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t, out


def _fresh(tmp: Path, n: int) -> Path:
    root = tmp / f"list{n}"
    shutil.copytree(ROOT / "meta", root / "meta")
    shutil.copy(ROOT / "refkit.lock", root / "refkit.lock")
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    entries, s2, dblp, works, bib = synthetic()
    limits = dict(latency=LATENCY, arxiv_interval=3.0, dblp_interval=1.0, s2_rate=1)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"one add, {repeat} runs each (fresh list copy and empty cache per run; 3.5 s apart)")
        with (
            world(
                [*ENTRIES, *entries], works, [*S2, *s2], [*DBLP, *DBLP_MORE, *dblp], **limits
            ) as w,
            LandingServer(pages(), latency=LATENCY, min_interval=1.0) as ls,
        ):
            for label, arg in (
                ("arXiv id (published at ICML)", AQLM["id"]),
                ("DOI (ACL)", "10.18653/v1/2024.acl-long.787"),
                ("PMLR URL (ICML: page, DBLP)", PMLR),
            ):
                times = []
                for _n in range(repeat):
                    root = _fresh(tmp, len(list(tmp.iterdir())))
                    env = {**os.environ, **landing_env(w, ls, tmp / f"cache{time.monotonic_ns()}")}
                    secs, out = _run(root, env, arg)
                    assert out.returncode == 0, out.stderr
                    times.append(secs)
                    time.sleep(3.5)
                print(
                    f"  {label:<30} median {statistics.median(times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})"
                )
            print(f"  limit violations: {w.violations() + ls.violations}")

        with world([*ENTRIES, *entries], works, [*S2, *s2], [*DBLP, *dblp], **limits) as w:
            root = _fresh(tmp, 999)
            (root / "refs.bib").write_text("\n".join(bib), encoding="utf-8")
            env = {**os.environ, **w.env(tmp / "cache-from")}
            secs, out = _run(root, env, "--from", "refs.bib")
            assert out.returncode == 0, out.stderr[-3000:]
            lists = sum(r.kind == "list" for r in w.crossref.requests)
            singles = sum(r.kind == "single" for r in w.crossref.requests)
            calls, batches, dblps = len(w.arxiv.requests), len(w.s2.requests), len(w.dblp.requests)
            scholar_s = batches * LATENCY + (batches - 1) + (dblps - 1) * max(1, LATENCY) + LATENCY
            bound = LATENCY + max(
                lists / 3, singles / 10, 3 * (calls - 1), LATENCY * (lists + singles) / 3, scholar_s
            )
            added = out.stderr.count(": added meta/")
            print(f"\n--from a {len(bib)}-entry .bib: {added} records added in {secs:.2f} s")
            print(
                f"  requests: {lists} Crossref searches, {singles} DOI fetches, {calls} arXiv call(s), "
                f"{batches} S2 batch call(s), {dblps} DBLP requests; limit violations: {w.violations()}"
            )
            print(f"  T_min = {bound:.2f} s; run / T_min = {secs / bound:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
