"""Synthetic paper lists in the newer format, shared by the tests and bench/.

`write_list(dest, n, seed)` writes `dest/meta/` with `n` paper records of every kind a real,
living list has (FORMAT.md, issue #7): newer top-level fields (`update_time`, a Unix timestamp;
`rating`, 1-5; a nested `baseline { method: ... }` message), keyword names refkit does not know,
TeX math in titles, non-ASCII file names, venue labels outside the table (systems, database,
NLP, workshops, "<X> Findings"), blogs on lab, university and forum hosts, and non-paper files
(search settings, a repository list) under `meta/search/`. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

KNOWN_KEYWORDS = (
    "sparse_pruning",
    "quantization",
    "survey",
    "low_rank",
    "fusion",
    "tool",
    "kv_cache",
    "training",
    "structure_design",
    "sampling",
    "working",
)
NEW_KEYWORDS = ("agents", "long_context", "speculative_decoding", "moe", "distillation")
NEW_FIELDS = ("update_time", "rating", "baseline")  # top-level fields FORMAT.md does not list

MATH_TITLES = (
    "H$_2$O: Heavy-Hitter Oracle for Efficient Generative Inference",
    "Radial Attention: $O(n\\log n)$ Sparse Attention with Energy Decay",
    "$\\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens",
    "L$^3$: Large Lookup Layers",
    "Top-$p$ Sampling Revisited",
)
KNOWN_VENUES = ("ICLR", "ICML", "NeurIPS", "ACL", "ACL Findings", "CVPR", "AAAI", "ICLR oral")
NEW_VENUES = (
    "OSDI",
    "SOSP",
    "SIGMOD",
    "NAACL",
    "COLING",
    "ICML workshop",
    "NeurIPS workshop",
    "EMNLP Findings",
    "NAACL Findings",
    "ISCA",
)
BLOG_URLS = (
    "https://blog.{w}lab.com/posts/{w}-{i}",
    "https://{w}.stanford.edu/blog/{w}-{i}.html",
    "https://discuss.{w}.org/t/{w}-notes/{i}",
)
GIVEN = ("Elias", "Dan", "Ada", "Vladimír", "Zoë", "Jörg", "Łukasz", "Chen", "Priya", "José")
FAMILY = (
    "Frantar",
    "Alistarh",
    "Lovelace",
    "Boža",
    "Müller",
    "van Aken",
    "Nguyen",
    "Kowalski",
    "Zhang",
    "Le Cun",
    "García",
    "O'Neil",
    "Sato",
    "Ivanov",
    "Okafor",
    "Dubois",
    "Rossi",
    "Andersen",
    "Kim",
    "Patel",
)
WORDS = [
    "sparse",
    "fast",
    "efficient",
    "quantized",
    "low-rank",
    "adaptive",
    "scalable",
    "robust",
    "structured",
    "dynamic",
    "speculative",
    "streaming",
    "compressed",
    "distilled",
    "mixed-precision",
    "lossless",
    "outlier-aware",
    "memory-efficient",
    "hardware-aware",
    "training-free",
    "one-shot",
]
NOUNS = [
    "attention",
    "transformers",
    "inference",
    "pruning",
    "decoding",
    "caching",
    "serving",
    "kernels",
    "experts",
    "tokens",
    "layers",
    "activations",
    "weights",
    "gradients",
    "optimizers",
    "models",
    "retrieval",
    "agents",
]
INSTITUTIONS = ("IST Austria", "ETH Zürich", "Université de Montréal", "NVIDIA", "Tsinghua")
CODE_URLS = ("https://github.com/lab/{w}_{i}", "https://github.com/org/{w}-{i}", "")

SEARCH = """\
# search settings for the list's crawler: not a paper record
background_words: "large language model"
background_words: "LLM"
key_words: "sparsity"
key_words: "quantization"
key_words: "KV cache"
exclude_words: "survey"
exclude_words: "position paper"
"""
REPOS = """\
repo_url: "https://github.com/IST-DASLab/gptq"
repo_url: "https://github.com/mit-han-lab/llm-awq"
repo_url: "https://github.com/FMInference/H2O"
"""


@dataclass
class Written:
    """What `write_list` wrote, for tests to check the exports against."""

    meta: Path
    records: int = 0
    keywords: dict[str, list[str]] = field(default_factory=dict)  # record id -> keywords
    non_paper: list[Path] = field(default_factory=list)
    new_fields: dict[str, int] = field(default_factory=dict)  # unknown field -> records using it


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _record(rng: random.Random, i: int, out: Written) -> tuple[str, str]:
    """(file stem, text) of record number `i`."""
    year = 2019 + i % 8
    kind = rng.random()
    w = rng.choice(WORDS).replace("-", "")
    if i % 17 == 0:
        title = MATH_TITLES[(i // 17) % len(MATH_TITLES)]
    else:
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(NOUNS)} for {rng.choice(WORDS)} {rng.choice(NOUNS)} ({i})"
    authors = [
        f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.choice((0, 1, 2, 2, 3)))
    ]
    if authors and rng.random() < 0.2:
        authors = [", ".join(authors)]  # several authors in one string, as real lists have
    url = f"https://arxiv.org/abs/{year % 100:02d}{(i % 12) + 1:02d}.{10000 + i:05d}"
    if kind < 0.35:
        where = "arXiv"
    elif kind < 0.70:
        where = rng.choice(KNOWN_VENUES)
        url = f"https://openreview.net/forum?id={w}{i}"
    elif kind < 0.85:
        where = rng.choice(NEW_VENUES)
        url = f"https://example.org/{w}/{i}.pdf"
    elif kind < 0.95:
        where = "Blog"
        url = rng.choice(BLOG_URLS).format(w=w, i=i)
    else:
        where = ""
    lines = ["paper {", f"  title: {_quote(title)}"]
    if rng.random() < 0.3:
        lines.append(f"  abbr: {_quote(title.split(':')[0][:20])}")
    lines.append(f"  url: {_quote(url)}")
    lines += [f"  authors: {_quote(a)}" for a in authors]
    if rng.random() < 0.4:
        lines.append(f"  institutions: {_quote(rng.choice(INSTITUTIONS))}")
    lines += ["}", "pub {", f"  where: {_quote(where)}", f"  year: {year}", "}"]
    lines += [
        "code {",
        '  type: "Pytorch"',
        f"  url: {_quote(rng.choice(CODE_URLS).format(w=w, i=i))}",
        "}",
    ]
    words = rng.sample(KNOWN_KEYWORDS, rng.choice((1, 1, 2)))
    if rng.random() < 0.5:
        words.append(rng.choice(NEW_KEYWORDS))
    lines += ["keyword {", *(f"  words: {k}" for k in words), "}"]
    if rng.random() < 0.9:  # the newer top-level fields, on most records
        lines.append(f"update_time: {1_600_000_000 + i * 3_600}")
        lines.append(f"rating: {1 + i % 5}")
        fields = ["update_time", "rating"]
        if rng.random() < 0.5:
            lines += ["baseline {", '  method: "GPTQ"', '  method: "AWQ"', "}"]
            fields.append("baseline")
        for name in fields:
            out.new_fields[name] = out.new_fields.get(name, 0) + 1
    stem = f"Bóža-fast-{i}" if i % 23 == 0 else f"{w}-{i}"
    out.keywords[f"{year}/{stem}"] = words
    return f"{year}/{stem}", "\n".join(lines) + "\n"


def write_list(dest: Path, n: int, seed: int = 0) -> Written:
    """Write `dest/meta/` with `n` paper records and three non-paper files; no lock."""
    rng = random.Random(seed)
    meta = dest / "meta"
    out = Written(meta)
    for i in range(n):
        stem, text = _record(rng, i, out)
        path = meta / f"{stem}.prototxt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out.records += 1
    for name, text in (("crawler", SEARCH), ("crawler-2025", SEARCH), ("repos", REPOS)):
        path = meta / "search" / f"{name}.prototxt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out.non_paper.append(path)
    return out
