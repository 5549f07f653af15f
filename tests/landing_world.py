"""Landing pages for `refkit add` tests and the benchmark: three papers' OpenReview, PMLR and
NeurIPS pages (tests/servers/landing.py) and their DBLP records, beside tests/add_world.py.

SpinQuant at ICLR 2025 (OpenReview forum ogO6DGE6FZ, in add_world's DBLP), "Fast Inference from
Transformers via Speculative Decoding" at ICML 2023 (PMLR v202/leviathan23a) and QuaRot at
NeurIPS 2024; titles, authors, venues and years checked by hand against the papers. QuaRot's
proceedings hash, the DBLP keys and the page numbers are invented.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.add_world import DBLP, SPINQUANT, World, world
from tests.servers.landing import LandingServer, neurips_page, openreview_page, pmlr_page

SPIN_FORUM = "ogO6DGE6FZ"
SPIN_TITLE = "SpinQuant: LLM Quantization with Learned Rotations"
SPEC = {
    "title": "Fast Inference from Transformers via Speculative Decoding",
    "authors": ["Yaniv Leviathan", "Matan Kalman", "Yossi Matias"],
}
QUAROT = {
    "title": "QuaRot: Outlier-Free 4-Bit Inference in Rotated LLMs",
    "authors": [
        "Saleh Ashkboos",
        "Amirkeivan Mohtashami",
        "Maximilian L. Croci",
        "Bo Li",
        "Pashmina Cameron",
        "Martin Jaggi",
        "Dan Alistarh",
        "Torsten Hoefler",
        "James Hensman",
    ],
}
HASH = hashlib.md5(QUAROT["title"].encode()).hexdigest()  # invented
NEURIPS = (
    f"https://proceedings.neurips.cc/paper_files/paper/2024/hash/{HASH}-Abstract-Conference.html"
)
NEURIPS_PDF = (
    f"https://proceedings.neurips.cc/paper_files/paper/2024/file/{HASH}-Paper-Conference.pdf"
)
PMLR = "https://proceedings.mlr.press/v202/leviathan23a.html"
DBLP_MORE = [
    {
        "key": "conf/icml/LeviathanKM23",
        "type": "Conference and Workshop Papers",
        "title": SPEC["title"] + ".",
        "authors": SPEC["authors"],
        "venue": "ICML",
        "year": "2023",
        "pages": "19274-19286",
        "ee": PMLR,
        "booktitle": "International Conference on Machine Learning, {ICML} 2023, 23-29 July "
        "2023, Honolulu, Hawaii, {USA}",
        "series": "Proceedings of Machine Learning Research",
        "volume": "202",
        "publisher": "{PMLR}",
    },
    {
        "key": "conf/nips/AshkboosMCLCJAHH24",
        "type": "Conference and Workshop Papers",
        "title": QUAROT["title"] + ".",
        "authors": QUAROT["authors"],
        "venue": "NeurIPS",
        "year": "2024",
        "ee": NEURIPS,
        "booktitle": "Advances in Neural Information Processing Systems 38: Annual Conference "
        "on Neural Information Processing Systems 2024, NeurIPS 2024, Vancouver, BC, Canada, "
        "December 10 - 15, 2024",
    },
]


def pages(spin_title: str = SPIN_TITLE, joined: bool = False) -> dict[str, str | int]:
    return {
        f"/forum?id={SPIN_FORUM}": openreview_page(
            SPIN_FORUM, spin_title, SPINQUANT["authors"], "2024/10/04", joined=joined
        ),
        "/v202/leviathan23a.html": pmlr_page(
            202,
            "leviathan23a",
            SPEC["title"],
            SPEC["authors"],
            "2023/07/03",
            "Proceedings of the 40th International Conference on Machine Learning",
            (19274, 19286),
        ),
        f"/paper_files/paper/2024/hash/{HASH}-Abstract-Conference.html": neurips_page(
            2024, HASH, QUAROT["title"], QUAROT["authors"], 37
        ),
        # a page naming another paper than the DBLP record whose title and authors it has
        "/forum?id=AnotherId01": openreview_page(
            "AnotherId01", SPIN_TITLE, SPINQUANT["authors"], "2024/10/04"
        ),
        "/forum?id=NoAuthors01": openreview_page("NoAuthors01", "A Paper", [], "2024/10/04"),
        "/forum?id=Gone0000001": 404,
    }


@contextmanager
def servers(landing: dict[str, str | int], **kw: Any) -> Iterator[tuple[World, LandingServer]]:
    with world(dblp=[*DBLP, *DBLP_MORE]) as w, LandingServer(landing, **kw) as ls:
        yield w, ls


def env(w: World, ls: LandingServer, cache: Path) -> dict[str, str]:
    return {
        **w.env(cache),
        "REFKIT_OPENREVIEW_URL": ls.url,
        "REFKIT_PMLR_URL": ls.url,
        "REFKIT_NEURIPS_URL": ls.url,
    }
