"""Golden files: hand-written tricky items, exported by every format, compared byte for byte.

Regenerate with `REFKIT_REGEN_GOLDEN=1 pytest tests/test_golden.py`, then read the diff by hand.
The items are written here in the contract's shape, so they do not move when normalize evolves.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from refkit.model import Item
from refkit.writers import FORMATS

GOLDEN = Path(__file__).parent / "golden"


def _custom(record: str, **extra: object) -> dict:
    base = {
        "record_id": record,
        "record_path": f"{record}.prototxt",
        "venue": "",
        "venue_key": "",
        "venue_note": "",
        "code_url": "",
        "code_type": "",
        "keywords": [],
        "institutions": [],
        "note_url": "",
    }
    base.update(extra)
    return base


TRICKY: list[Item] = [
    # arXiv-only; the record's URL was https://arxiv.org/pdf/2401.15024v2.pdf
    {
        "id": "ashkboos2024slicegpt",
        "citation-key": "ashkboos2024slicegpt",
        "type": "article",
        "title": "SliceGPT: Compress Large Language Models by Deleting Rows and Columns",
        "title-short": "SliceGPT",
        "author": [
            {"family": "Ashkboos", "given": "Saleh"},
            {"family": "Nascimento", "given": "Marcelo Gennari", "non-dropping-particle": "do"},
        ],
        "issued": {"date-parts": [[2024]]},
        "publisher": "arXiv",
        "number": "arXiv:2401.15024",
        "DOI": "10.48550/arXiv.2401.15024",
        "URL": "https://arxiv.org/abs/2401.15024",
        "keyword": "sparse_pruning, low_rank",
        "custom": _custom(
            "2024/SliceGPT",
            venue="arXiv",
            venue_key="arXiv",
            arxiv_id="2401.15024",
            arxiv_class="cs.LG",
            code_url="https://github.com/microsoft/TransformerCompression",
            keywords=["sparse_pruning", "low_rank"],
        ),
    },
    # ICLR oral
    {
        "id": "mirzadeh2024relu",
        "citation-key": "mirzadeh2024relu",
        "type": "paper-conference",
        "title": "ReLU Strikes Back: Exploiting Activation Sparsity in Large Language Models",
        "title-short": "ReLU Strikes Back",
        "author": [
            {"family": "Mirzadeh", "given": "Iman"},
            {"family": "Farajtabar", "given": "Mehrdad"},
        ],
        "issued": {"date-parts": [[2024]]},
        "container-title": "International Conference on Learning Representations",
        "event-title": "ICLR 2024",
        "URL": "https://arxiv.org/abs/2310.04564",
        "keyword": "sparse_pruning",
        "custom": _custom(
            "2024/relu-strikes-back",
            venue="ICLR oral",
            venue_key="ICLR",
            venue_note="oral",
            arxiv_id="2310.04564",
            keywords=["sparse_pruning"],
        ),
    },
    # accents, particles, a suffix
    {
        "id": "boza2024fast",
        "citation-key": "boza2024fast",
        "type": "article-journal",
        "title": "Fast and Effective Weight Update for Pruned Large Language Models",
        "author": [
            {"family": "Boža", "given": "Vladimír"},
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
            {"family": "Kagy", "given": "Jean-François", "suffix": "Jr."},
            {"family": "Le Cun", "given": "Yann"},
        ],
        "issued": {"date-parts": [[2024, 7]]},
        "container-title": "Transactions on Machine Learning Research",
        "volume": "2024",
        "page": "1-23",
        "URL": "https://openreview.net/forum?id=1hcpXd9Jir",
        "keyword": "sparse_pruning",
        "custom": _custom(
            "2024/fast-update", venue="TMLR", venue_key="TMLR", keywords=["sparse_pruning"]
        ),
    },
    # an organisation among the authors
    {
        "id": "bigscience2023bloom",
        "citation-key": "bigscience2023bloom",
        "type": "paper-conference",
        "title": "BLOOM: A 176B-Parameter Open-Access Multilingual Language Model",
        "title-short": "BLOOM",
        "author": [{"literal": "BigScience Workshop"}, {"family": "Scao", "given": "Teven Le"}],
        "issued": {"date-parts": [[2023]]},
        "container-title": "Advances in Neural Information Processing Systems",
        "event-title": "NeurIPS 2023",
        "URL": "https://proceedings.neurips.cc/paper/2023/hash/abc.html",
        "keyword": "tool",
        "custom": _custom("2023/bloom", venue="NeurIPS", venue_key="NeurIPS", keywords=["tool"]),
    },
    # no author, no venue
    {
        "id": "obs1993optimal",
        "citation-key": "obs1993optimal",
        "type": "article",
        "title": "Optimal Brain Surgeon and general network pruning",
        "title-short": "OBS",
        "issued": {"date-parts": [[1993]]},
        "URL": "https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=298572&tag=1",
        "keyword": "sparse_pruning",
        "custom": _custom("1993/obs", keywords=["sparse_pruning"], code_type="None"),
    },
    # the blog
    {
        "id": "samar2022creating",
        "citation-key": "samar2022creating",
        "type": "post-weblog",
        "title": "Creating Sparse GPT-3 Models with Iterative Pruning",
        "author": [{"family": "Samar", "given": "Anshul"}],
        "issued": {"date-parts": [[2022]]},
        "container-title": "Cerebras Blog",
        "URL": "https://www.cerebras.net/blog/creating-sparse-gpt-3-models-with-iterative-pruning",
        "keyword": "sparse_pruning",
        "custom": _custom(
            "2022/2EQV34KV", venue="Blog", venue_key="Blog", keywords=["sparse_pruning"]
        ),
    },
    # the github one
    {
        "id": "nvidia2023fastertransformer",
        "citation-key": "nvidia2023fastertransformer",
        "type": "software",
        "title": "FasterTransformer",
        "title-short": "FT",
        "author": [{"literal": "NVIDIA"}],
        "issued": {"date-parts": [[2023]]},
        "publisher": "NVIDIA",
        "URL": "https://github.com/NVIDIA/FasterTransformer",
        "keyword": "tool",
        "custom": _custom(
            "2023/fastertransfomer",
            venue="github",
            venue_key="github",
            code_url="https://github.com/NVIDIA/FasterTransformer",
            code_type="Pytorch",
            keywords=["tool"],
            institutions=["NVIDIA"],
        ),
    },
    # ACL Findings
    {
        "id": "ren2023pruning",
        "citation-key": "ren2023pruning",
        "type": "paper-conference",
        "title": "Pruning Pre-trained Language Models with Principled Importance and Self-regularization",
        "title-short": "PINS",
        "author": [{"family": "Ren", "given": "Siyu"}, {"family": "Zhu", "given": "Kenny Q."}],
        "issued": {"date-parts": [[2023]]},
        "container-title": "Findings of the Association for Computational Linguistics: ACL 2023",
        "event-title": "ACL 2023",
        "publisher": "Association for Computational Linguistics",
        "page": "8995--9008",
        "DOI": "10.18653/v1/2023.findings-acl.573",
        "URL": "https://aclanthology.org/2023.findings-acl.573/",
        "keyword": "sparse_pruning",
        "custom": _custom(
            "2023/PINS",
            venue="ACL Findings",
            venue_key="ACL Findings",
            code_url="https://github.com/drsy/pins",
            keywords=["sparse_pruning"],
        ),
    },
    # LaTeX specials, digits with capitals, a URL with % and #
    {
        "id": "zhang2024qa",
        "citation-key": "zhang2024qa",
        "type": "paper-conference",
        "title": "Q&A on W4A8KV4: 50% Faster OPT-175B via N:M #kv_cache with $5 ~ ^ \\ {GPUs} naïve",
        "author": [{"family": "Zhang", "given": "Wei"}],
        "issued": {"date-parts": [[2024, 5, 17]]},
        "container-title": "Conference on Machine Learning and Systems",
        "event-title": "MLSys 2024",
        "URL": "https://example.org/papers/q%26a.pdf#page=2",
        "keyword": "quantization, kv_cache",
        "custom": _custom(
            "2024/qa",
            venue="MLSys",
            venue_key="MLSys",
            keywords=["quantization", "kv_cache"],
            code_url="https://example.org/code?x=1&y=%7E#top",
        ),
    },
]

FILES = {
    "bibtex": "tricky.bib",
    "biblatex": "tricky-biblatex.bib",
    "csl-json": "tricky.json",
    "ris": "tricky.ris",
}


@pytest.mark.parametrize("name", list(FORMATS), ids=list(FORMATS))
def test_golden(name: str) -> None:
    path = GOLDEN / FILES[name]
    produced = FORMATS[name].write(TRICKY).encode("utf-8")
    if os.environ.get("REFKIT_REGEN_GOLDEN") == "1":
        path.write_bytes(produced)
    assert path.exists(), f"{path} missing: run REFKIT_REGEN_GOLDEN=1 pytest tests/test_golden.py"
    assert produced == path.read_bytes(), f"{name} output differs from {path}"
