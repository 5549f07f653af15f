"""Papers the committed list does not have, served by the local arXiv, Crossref, S2 and DBLP
servers, for `refkit add` tests and the benchmark. Synthetic test data in the sources' real
shapes (tests/servers/README.md); titles, authors and ids are those of real papers, checked by
hand against the papers; S2 ids, DBLP keys, pages and times are invented.

- 2401.06118 (AQLM): arXiv preprint whose S2 record names its DBLP key; DBLP has it at ICML 2024.
  Its arXiv comment names the code repository.
- 2402.17764 (The Era of 1-bit LLMs): a preprint S2 knows only as a preprint; code URL in the
  abstract.
- cs/9605103 (Reinforcement Learning: A Survey): old-style id, unknown to S2, no publication in
  DBLP: recorded as arXiv 1996.
- 2405.16406 (SpinQuant): unknown to S2; DBLP's search finds it at ICLR 2025, its title in
  DBLP's capitals.
- 10.18653/v1/2024.acl-long.787 (Mission: Impossible Language Models): ACL 2024, by DOI or
  ACL Anthology URL through Crossref.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer
from tests.servers.dblp import DblpServer
from tests.servers.s2 import S2Server

ROOT = Path(__file__).resolve().parent.parent
S2_KEY = "add-tests"

AQLM = {
    "id": "2401.06118",
    "versions": ["2024-01-11T18:54:44Z", "2024-02-07T13:12:48Z", "2024-09-11T14:39:08Z"],
    "title": "Extreme Compression of Large Language Models via Additive Quantization",
    "summary": "The emergence of accurate open large language models (LLMs) has led to a race "
    "towards performant quantization techniques which can enable their execution on end-user "
    "devices. In this paper, we revisit the problem of extreme LLM compression.",
    "authors": [
        "Vage Egiazarian",
        "Andrei Panferov",
        "Denis Kuznedelev",
        "Elias Frantar",
        "Artem Babenko",
        "Dan Alistarh",
    ],
    "primary_category": "cs.LG",
    "categories": ["cs.LG", "cs.CL"],
    "comment": "ICML 2024. Code: https://github.com/Vahe1994/AQLM",
}
BITNET = {
    "id": "2402.17764",
    "versions": ["2024-02-27T18:56:19Z"],
    "title": "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits",
    "summary": "Recent research, such as BitNet, is paving the way for a new era of 1-bit Large "
    "Language Models (LLMs). Code is available at https://github.com/microsoft/unilm/tree/"
    "master/bitnet.",
    "authors": [
        "Shuming Ma",
        "Hongyu Wang",
        "Lingxiao Ma",
        "Lei Wang",
        "Wenhui Wang",
        "Shaohan Huang",
        "Li Dong",
        "Ruiping Wang",
        "Jilong Xue",
        "Furu Wei",
    ],
    "primary_category": "cs.CL",
    "categories": ["cs.CL", "cs.LG"],
    "comment": "Work in progress",
}
RL_SURVEY = {
    "id": "cs/9605103",
    "versions": ["1996-05-01T00:00:00Z"],
    "title": "Reinforcement Learning: A Survey",
    "summary": "This paper surveys the field of reinforcement learning from a computer-science "
    "perspective.",
    "authors": ["L. P. Kaelbling", "M. L. Littman", "A. W. Moore"],
    "primary_category": "cs.AI",
    "categories": ["cs.AI"],
    "journal_ref": "Journal of Artificial Intelligence Research, Vol 4, (1996), 237-285",
}
SPINQUANT = {
    "id": "2405.16406",
    "versions": ["2024-05-26T02:15:49Z", "2024-10-07T18:40:05Z"],
    "title": "SpinQuant: LLM quantization with learned rotations",
    "summary": "Post-training quantization (PTQ) techniques applied to weights, activations, and "
    "the KV cache greatly reduce memory usage, latency, and power consumption of Large Language "
    "Models (LLMs).",
    "authors": [
        "Zechun Liu",
        "Changsheng Zhao",
        "Igor Fedorov",
        "Bilge Soran",
        "Dhruv Choudhary",
        "Raghuraman Krishnamoorthi",
        "Vikas Chandra",
        "Yuandong Tian",
        "Tijmen Blankevoort",
    ],
    "primary_category": "cs.LG",
    "categories": ["cs.LG", "cs.AI", "cs.CL", "cs.CV"],
}
ENTRIES = [AQLM, BITNET, RL_SURVEY, SPINQUANT]

S2 = [
    {
        "paperId": "a" * 40,
        "externalIds": {
            "ArXiv": "2401.06118",
            "DBLP": "conf/icml/EgiazarianPKFBA24",
            "DOI": "10.48550/arXiv.2401.06118",
            "CorpusId": 266933421,
        },
        "title": AQLM["title"],
        "venue": "International Conference on Machine Learning",
        "year": 2024,
        "authors": [{"authorId": str(i), "name": n} for i, n in enumerate(AQLM["authors"])],
    },
    {
        "paperId": "b" * 40,
        "externalIds": {
            "ArXiv": "2402.17764",
            "DBLP": "journals/corr/abs-2402-17764",
            "DOI": "10.48550/arXiv.2402.17764",
            "CorpusId": 268041426,
        },
        "title": BITNET["title"],
        "venue": "arXiv.org",
        "year": 2024,
        "authors": [{"authorId": str(i), "name": n} for i, n in enumerate(BITNET["authors"])],
    },
]
DBLP = [
    {
        "key": "conf/icml/EgiazarianPKFBA24",
        "type": "Conference and Workshop Papers",
        "title": "Extreme Compression of Large Language Models via Additive Quantization.",
        "authors": AQLM["authors"],
        "venue": "ICML",
        "year": "2024",
        "ee": "https://openreview.net/forum?id=5mCaITRTmO",
        "booktitle": "Forty-first International Conference on Machine Learning, {ICML} 2024, "
        "Vienna, Austria, July 21-27, 2024",
        "publisher": "OpenReview.net",
    },
    {
        "key": "journals/corr/abs-2402-17764",
        "type": "Informal and Other Publications",
        "title": "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits.",
        "authors": BITNET["authors"],
        "venue": "CoRR",
        "year": "2024",
        "volume": "abs/2402.17764",
        "ee": "https://doi.org/10.48550/arXiv.2402.17764",
    },
]
DBLP.append(
    {
        "key": "conf/iclr/LiuZFSCKCTB25",
        "type": "Conference and Workshop Papers",
        "title": "SpinQuant: LLM Quantization with Learned Rotations.",
        "authors": SPINQUANT["authors"],
        "venue": "ICLR",
        "year": "2025",
        "ee": "https://openreview.net/forum?id=ogO6DGE6FZ",
        "booktitle": "The Thirteenth International Conference on Learning Representations, "
        "{ICLR} 2025, Singapore, April 24-28, 2025",
        "publisher": "OpenReview.net",
    }
)
IMPOSSIBLE_DOI = "10.18653/v1/2024.acl-long.787"
OBSCURE_DOI = "10.5555/obscure.2024.1"  # a journal refkit's venue table lacks


def crossref_works() -> list[dict[str, Any]]:
    """The Crossref works: the recorded ACL work reshaped into the ACL 2024 paper above."""
    base = json.loads((ROOT / "tests/data/enrich/crossref_works.json").read_text())
    acl = next(w for w in base if w["DOI"] == "10.18653/v1/2024.acl-long.397")
    work = copy.deepcopy(acl)
    people = [
        ("Julie", "Kallini"),
        ("Isabel", "Papadimitriou"),
        ("Richard", "Futrell"),
        ("Kyle", "Mahowald"),
        ("Christopher", "Potts"),
    ]
    work.update(
        DOI=IMPOSSIBLE_DOI,
        title=["Mission: Impossible Language Models"],
        author=[
            {
                "given": g,
                "family": f,
                "sequence": "first" if i == 0 else "additional",
                "affiliation": [],
            }
            for i, (g, f) in enumerate(people)
        ],
        page="14691-14714",
        URL=f"https://doi.org/{IMPOSSIBLE_DOI}",
        resource={"primary": {"URL": f"https://doi.org/{IMPOSSIBLE_DOI}"}},
        relation={},
    )
    other = copy.deepcopy(work)
    other.update(
        DOI=OBSCURE_DOI,
        type="journal-article",
        title=["Counting Sheep with Sparse Transformers"],
        **{"container-title": ["Transactions on Obscure Things"]},
    )
    return [*base, work, other]


@dataclass
class World:
    arxiv: ArxivServer
    crossref: CrossrefServer
    s2: S2Server
    dblp: DblpServer

    def env(self, cache: Path) -> dict[str, str]:
        """The environment that points refkit at these servers."""
        return {
            "REFKIT_ARXIV_URL": self.arxiv.url,
            "REFKIT_CROSSREF_URL": self.crossref.url,
            "REFKIT_S2_URL": self.s2.url,
            "REFKIT_S2_API_KEY": S2_KEY,
            "REFKIT_DBLP_URL": self.dblp.url,
            "REFKIT_MAILTO": "ci@example.org",
            "REFKIT_CACHE_DIR": os.fspath(cache),
            "REFKIT_HTTP_TIMEOUT": "5",
        }

    def requests(self) -> int:
        return sum(len(s.requests) for s in (self.arxiv, self.crossref, self.s2, self.dblp))

    def violations(self) -> int:
        return sum(s.violations for s in (self.arxiv, self.crossref, self.s2, self.dblp))


@contextmanager
def world(
    entries: list[dict[str, Any]] | None = None,
    works: list[dict[str, Any]] | None = None,
    s2: list[dict[str, Any]] | None = None,
    dblp: list[dict[str, Any]] | None = None,
    latency: float = 0.0,
    arxiv_interval: float = 0.2,
    dblp_interval: float = 0.05,
    s2_rate: int = 20,
) -> Iterator[World]:
    """The four servers (fast limits for tests unless given)."""
    with ExitStack() as stack:
        yield World(
            stack.enter_context(
                ArxivServer(
                    ENTRIES if entries is None else entries,
                    latency=latency,
                    min_interval=arxiv_interval,
                )
            ),
            stack.enter_context(
                CrossrefServer(
                    crossref_works() if works is None else works, pool="auto", latency=latency
                )
            ),
            stack.enter_context(
                S2Server(
                    S2 if s2 is None else s2, api_key=S2_KEY, latency=latency, key_rate=s2_rate
                )
            ),
            stack.enter_context(
                DblpServer(
                    DBLP if dblp is None else dblp, latency=latency, min_interval=dblp_interval
                )
            ),
        )
