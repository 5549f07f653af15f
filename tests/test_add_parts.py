"""The pure parts of `refkit add`: short names, code URLs, ACL venues, file names and what a
bibliography entry names (hand-checked cases)."""

from __future__ import annotations

import pytest

from refkit import ids
from refkit.add.bibliography import identity
from refkit.add.draft import abbr, file_stem
from refkit.add.landing import page_url, read, venue_of
from refkit.add.lookup import acl_venue, code_url


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", "GPTQ"),
        ("LoRA: Low-Rank Adaptation of Large Language Models", "LoRA"),
        ("LLM in a flash: Efficient Large Language Model Inference with Limited Memory", "LLM in a flash"),
        ("ReLU Strikes Back: Exploiting Activation Sparsity in Large Language Models", "ReLU Strikes Back"),
        ("L4Q: Parameter Efficient Quantization-Aware Training", "L4Q"),
        ("Q-Sparse: All Large Language Models can be Fully Sparsely-Activated", "Q-Sparse"),
        ("FlashAttention-2: Faster Attention with Better Parallelism", "FlashAttention-2"),
        ("Mission: Impossible Language Models", ""),  # a plain word is not a name
        ("Reinforcement Learning: A Survey", ""),
        ("The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits", ""),
        ("Dynamic Sparse No Training: Training-Free Fine-tuning for Sparse LLMs", ""),
        ("Fast and Effective Weight Update for Pruned Large Language Models", ""),  # no colon
        ("$\\infty$Bench: Extending Long Context Evaluation", ""),  # TeX math
        ("A Very Long Name With Many Words LLM: Something", ""),
    ],
)  # fmt: skip
def test_abbr(title: str, short: str) -> None:
    assert abbr(title) == short


def test_code_url_prefers_the_comment_and_trims_punctuation() -> None:
    assert code_url(
        ["ICML 2024. Code: https://github.com/Vahe1994/AQLM.", "see github.com/x/y"]
    ) == ("https://github.com/Vahe1994/AQLM")
    assert code_url(
        ["", "Code is at\n  https://github.com/microsoft/unilm/tree/master/bitnet)."]
    ) == ("https://github.com/microsoft/unilm/tree/master/bitnet")
    assert code_url(["(https://gitlab.com/a/b.git)"]) == "https://gitlab.com/a/b"
    assert code_url(["Project page: https://example.org/x", ""]) == ""


@pytest.mark.parametrize(
    ("acl", "venue"),
    [
        ("2024.acl-long.787", "ACL"),
        ("2023.findings-acl.573", "ACL Findings"),
        ("2023.emnlp-main.12", "EMNLP"),
        ("2023.findings-emnlp.1", "EMNLP Findings"),
        ("2024.naacl-long.3", "NAACL"),
        ("P19-1001", "ACL"),
        ("D19-1001", "EMNLP"),
        ("2024.wmt-1.1", ""),
    ],
)
def test_acl_venue(acl: str, venue: str) -> None:
    assert acl_venue(acl) == venue


def test_file_stem_is_file_safe_and_unique() -> None:
    assert file_stem("LLM in a flash", "x", set()) == "LLM-in-a-flash"
    assert file_stem("LoRA+", "x", {"lora"}) == "LoRA+"
    assert file_stem("GPTQ", "x", {"gptq", "gptq-2"}) == "GPTQ-3"
    stem = file_stem("", "arxiv:2401.06118", set())
    assert len(stem) == 8 and stem.isalnum() and stem.isupper() or stem.isdigit()
    assert file_stem("", "arxiv:2401.06118", set()) == stem  # reruns agree


@pytest.mark.parametrize(
    ("fields", "ident"),
    [
        ({"doi": "10.18653/v1/2024.acl-long.787", "eprint": "2401.06118"}, "10.18653/v1/2024.acl-long.787"),
        ({"doi": "10.48550/arXiv.2401.06118", "eprint": "2401.06118"}, "2401.06118"),
        ({"eprint": "2401.06118", "archiveprefix": "arXiv"}, "2401.06118"),
        ({"eprint": "hep-th/9901001", "eprinttype": "arxiv"}, "hep-th/9901001"),
        ({"eprint": "123", "archiveprefix": "PubMed"}, ""),
        ({"url": "https://openreview.net/forum?id=abc"}, "https://openreview.net/forum?id=abc"),
        ({"urls": ["https://example.org", "http://arxiv.org/abs/2402.17764"]}, "http://arxiv.org/abs/2402.17764"),
        ({"journal": "arXiv preprint arXiv:2210.17323"}, "2210.17323"),
        ({"number": "arXiv:2210.17323v2"}, "2210.17323"),
        ({"doi": "10.48550/arXiv.2210.17323"}, "10.48550/arXiv.2210.17323"),
        ({"title": "Reinforcement Learning: An Introduction"}, ""),
    ],
)  # fmt: skip
def test_what_a_bibliography_entry_names(fields: dict[str, object], ident: str) -> None:
    assert identity(fields) == ident


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://openreview.net/pdf?id=ogO6DGE6FZ", "https://openreview.net/forum?id=ogO6DGE6FZ"),
        ("openreview.net/forum?id=ogO6DGE6FZ&noteId=x1", "https://openreview.net/forum?id=ogO6DGE6FZ"),
        ("http://proceedings.mlr.press/v119/kurtz20a/kurtz20a.pdf", "https://proceedings.mlr.press/v119/kurtz20a.html"),
        ("https://proceedings.mlr.press/v202/leviathan23a.html", "https://proceedings.mlr.press/v202/leviathan23a.html"),
        ("https://proceedings.neurips.cc/paper_files/paper/2022/file/c3ba4962c05c49636d4c6206a97e9c8a-Paper-Conference.pdf",
         "https://proceedings.neurips.cc/paper_files/paper/2022/hash/c3ba4962c05c49636d4c6206a97e9c8a-Abstract-Conference.html"),
        ("https://proceedings.neurips.cc/paper/2021/hash/6e8404c3b93a9527c8db241a1846599a-Abstract.html",
         "https://proceedings.neurips.cc/paper_files/paper/2021/hash/6e8404c3b93a9527c8db241a1846599a-Abstract.html"),
        ("https://papers.nips.cc/paper/7181-attention-is-all-you-need.pdf", ""),
    ],
)  # fmt: skip
def test_a_paper_url_maps_to_its_landing_page(url: str, page: str) -> None:
    ident = ids.parse(url)
    assert ident is not None and page_url(ident, url) == page


@pytest.mark.parametrize(
    ("conference", "venue"),
    [
        ("Proceedings of the 40th International Conference on Machine Learning", "ICML"),
        ("Proceedings of The 27th International Conference on Artificial Intelligence and Statistics", "AISTATS"),
        ("Advances in Neural Information Processing Systems", "NeurIPS"),
        ("ICLR 2024 poster", "ICLR"),
        ("Proceedings of the 1st Workshop on Efficient Systems", ""),  # not a guess
        ("Proceedings of Machine Learning Research", ""),
    ],
)  # fmt: skip
def test_a_proceedings_title_names_a_venue_only_exactly(conference: str, venue: str) -> None:
    assert venue_of(conference) == venue


def test_a_landing_page_head_is_read_as_text() -> None:
    head = (
        '<head><meta name="citation_title" content="&lt;i&gt;QuaRot&lt;/i&gt;: Outlier-Free"/>'
        '<meta name="citation_author" content="Croci, Maximilian L."/>'
        '<meta name="CITATION_AUTHOR" content="Bo Li"/>'
        '<meta name="citation_authors" content="Ignored Because; Per-Author Tags Exist"/>'
        '<meta name="citation_online_date" content="2024/10/04"/></head>'
    )
    page = read(head)
    assert (page.title, page.authors, page.year) == (
        "QuaRot: Outlier-Free",
        ["Maximilian L. Croci", "Bo Li"],
        2024,
    )
    joined = read('<meta name="citation_authors" content="Zechun Liu, Changsheng Zhao">')
    assert joined.authors == ["Zechun Liu", "Changsheng Zhao"]
