"""ids.py: every id and URL form a list or a user writes names the right paper; dupes.py finds
the same paper under any of them."""

from __future__ import annotations

import pytest

from refkit import dupes, ids
from refkit.model import Item

CASES = [
    # arXiv: bare ids, versions, prefixes, old style, abs/pdf/html URLs with or without scheme
    ("2210.17323", "arxiv:2210.17323"),
    ("2210.17323v2", "arxiv:2210.17323"),
    ("arXiv:2210.17323", "arxiv:2210.17323"),
    ("0704.0001", "arxiv:0704.0001"),
    ("cs/0112017", "arxiv:cs/0112017"),
    ("arXiv: CS/0112017v1", "arxiv:cs/0112017"),
    ("math.GT/0309136", "arxiv:math.GT/0309136"),
    ("https://arxiv.org/abs/2210.17323v3", "arxiv:2210.17323"),
    ("arxiv.org/pdf/2210.17323.pdf", "arxiv:2210.17323"),
    ("http://arxiv.org/pdf/2210.17323v1", "arxiv:2210.17323"),
    ("https://arxiv.org/html/2210.17323v1/", "arxiv:2210.17323"),
    ("https://export.arxiv.org/abs/hep-th/9901001", "arxiv:hep-th/9901001"),
    ("https://doi.org/10.48550/arXiv.2210.17323", "arxiv:2210.17323"),
    ("10.48550/arXiv.2210.17323", "arxiv:2210.17323"),
    # DOIs: bare, doi.org, publishers' pages (lower case, trailing punctuation dropped)
    ("10.1145/3292500.3330701", "doi:10.1145/3292500.3330701"),
    ("doi:10.1162/TACL_a_00001", "doi:10.1162/tacl_a_00001"),
    ("https://doi.org/10.18653/v1/2023.acl-long.1", "doi:10.18653/v1/2023.acl-long.1"),
    ("http://dx.doi.org/10.1109/72.298224.", "doi:10.1109/72.298224"),
    ("https://dl.acm.org/doi/abs/10.1145/3292500.3330701", "doi:10.1145/3292500.3330701"),
    ("https://dl.acm.org/doi/pdf/10.1145/3292500.3330701", "doi:10.1145/3292500.3330701"),
    (
        "https://link.springer.com/chapter/10.1007/978-3-030-58452-8_13",
        "doi:10.1007/978-3-030-58452-8_13",
    ),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/aaai.12036", "doi:10.1002/aaai.12036"),
    ("https://doi.org/10.1007%2F978-3-030-58452-8_13", "doi:10.1007/978-3-030-58452-8_13"),
    # IEEE Xplore document numbers
    ("https://ieeexplore.ieee.org/document/298572", "ieee:298572"),
    ("https://ieeexplore.ieee.org/abstract/document/298572/", "ieee:298572"),
    ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=298572", "ieee:298572"),
    ("http://ieeexplore.ieee.org/xpls/abs_all.jsp?arnumber=298572", "ieee:298572"),
    # ACL Anthology, CVF, OpenReview, PMLR, NeurIPS, DBLP
    ("https://aclanthology.org/2023.acl-long.1/", "acl:2023.acl-long.1"),
    ("https://aclanthology.org/2023.findings-emnlp.12.pdf", "acl:2023.findings-emnlp.12"),
    ("https://aclanthology.org/P19-1001.pdf", "acl:P19-1001"),
    ("https://www.aclweb.org/anthology/P19-1001", "acl:P19-1001"),
    (
        "https://openaccess.thecvf.com/content/CVPR2023/html/Li_Foo_CVPR_2023_paper.html",
        "cvf:Li_Foo_CVPR_2023_paper",
    ),
    (
        "https://openaccess.thecvf.com/content/CVPR2023/papers/Li_Foo_CVPR_2023_paper.pdf",
        "cvf:Li_Foo_CVPR_2023_paper",
    ),
    (
        "http://openaccess.thecvf.com/content_cvpr_2018/html/Li_Foo_CVPR_2018_paper.html",
        "cvf:Li_Foo_CVPR_2018_paper",
    ),
    (
        "https://openaccess.thecvf.com/content/CVPR2023W/ECV/html/X_Y_CVPRW_2023_paper.html",
        "cvf:X_Y_CVPRW_2023_paper",
    ),
    ("https://openreview.net/forum?id=tcbBPnfwxS", "openreview:tcbBPnfwxS"),
    ("https://openreview.net/pdf?id=tcbBPnfwxS", "openreview:tcbBPnfwxS"),
    ("openreview.net/forum?id=tcbBPnfwxS&noteId=xyz", "openreview:tcbBPnfwxS"),
    ("https://proceedings.mlr.press/v202/frantar23a.html", "pmlr:v202/frantar23a"),
    ("http://proceedings.mlr.press/v202/frantar23a/frantar23a.pdf", "pmlr:v202/frantar23a"),
    (
        "https://proceedings.neurips.cc/paper_files/paper/2022/hash/"
        "C1e2faff6f588870935f114ebe04a3e5-Abstract-Conference.html",
        "neurips:c1e2faff6f588870935f114ebe04a3e5",
    ),
    (
        "https://papers.nips.cc/paper/2017/file/3f5ee243547dee91fbd053c1c4a845aa-Paper.pdf",
        "neurips:3f5ee243547dee91fbd053c1c4a845aa",
    ),
    ("https://papers.nips.cc/paper/7181-attention-is-all-you-need.pdf", "neurips:7181"),
    ("https://dblp.org/rec/conf/iclr/FrantarAHA23.html", "dblp:conf/iclr/FrantarAHA23"),
    ("conf/iclr/FrantarAHA23", "dblp:conf/iclr/FrantarAHA23"),
    # issue #16: arXiv with a doubled slash (a committed record has one)
    ("https://arxiv.org/abs//2306.11987", "arxiv:2306.11987"),
    # a DOI in any other publisher's path, or in a doi= parameter (ends at the query)
    (
        "https://iopscience.iop.org/article/10.1088/2634-4386/ac7c8a",
        "doi:10.1088/2634-4386/ac7c8a",
    ),
    (
        "https://iopscience.iop.org/article/10.1088/2634-4386/ac7c8a/pdf",
        "doi:10.1088/2634-4386/ac7c8a",
    ),
    (
        "https://journals.aps.org/prl/abstract/10.1103/PhysRevLett.80.1425",
        "doi:10.1103/physrevlett.80.1425",
    ),
    ("https://pubs.acs.org/doi/10.1021/acs.jcim.0c00001?ref=pdf", "doi:10.1021/acs.jcim.0c00001"),
    ("https://example.org/view.php?id=3&doi=10.1234/abc.5&lang=en", "doi:10.1234/abc.5"),
    (
        "https://www.biorxiv.org/content/10.1101/2023.05.10.540193v1.full.pdf",
        "doi:10.1101/2023.05.10.540193",
    ),
    # IEEE's full-text link in a Crossref record (the recorded IEEE work carries this form)
    (
        "http://xplorestaging.ieee.org/ielx5/8560/27094/01203662.pdf?arnumber=1203662",
        "ieee:1203662",
    ),
    ("http://ieeexplore.ieee.org/document/1203662/", "ieee:1203662"),
    # MLSys and JMLR proceedings pages (DBLP's electronic editions name the same ids)
    (
        "https://proceedings.mlsys.org/paper_files/paper/2023/file/"
        "4552cedd396a308320209f75f56a5ad5-Paper-mlsys2023.pdf",
        "mlsys:4552cedd396a308320209f75f56a5ad5",
    ),
    (
        "https://proceedings.mlsys.org/paper_files/paper/2023/hash/"
        "4552cedd396a308320209f75f56a5ad5-Abstract-mlsys2023.html",
        "mlsys:4552cedd396a308320209f75f56a5ad5",
    ),
    ("https://jmlr.csail.mit.edu/papers/volume22/20-1233/20-1233.pdf", "jmlr:v22/20-1233"),
    ("http://jmlr.org/papers/v22/20-1233.html", "jmlr:v22/20-1233"),
]

NOT_PAPERS = [
    "https://github.com/IST-DASLab/gptq",
    "https://hazyresearch.stanford.edu/blog/2023-01-20-h3",
    "javascript:alert(1)",
    "https://arxiv.org/list/cs.LG/recent",
    "https://openreview.net/group?id=ICLR.cc/2024/Conference",
    "https://github.com/org/10.1234/x",  # a DOI-like path on a code host is not a paper
    "2210.1732",  # too short for an arXiv id
    "12345",
    "",
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_parse(text: str, expected: str) -> None:
    assert str(ids.parse(text)) == expected


@pytest.mark.parametrize("text", NOT_PAPERS)
def test_not_a_paper(text: str) -> None:
    assert ids.parse(text) is None


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://aclanthology.org/2023.acl-long.35.pdf", "10.18653/v1/2023.acl-long.35"),
        ("https://aclanthology.org/P19-1001", "10.18653/v1/p19-1001"),
        ("arXiv:2210.17323v2", "10.48550/arxiv.2210.17323"),
        ("https://dl.acm.org/doi/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://openreview.net/forum?id=tcbBPnfwxS", ""),  # no DOI: matched in DBLP instead
        ("https://ieeexplore.ieee.org/document/298572", ""),  # confirmed in Crossref's links
    ],
)
def test_derived_doi(text: str, doi: str) -> None:
    assert ids.derived_doi(ids.parse(text)) == doi


def test_all_in_reads_every_link() -> None:
    links = [
        "https://doi.org/10.1109/CVPR42600.2020.01464",
        "https://openaccess.thecvf.com/content_CVPR_2020/html/Elsen_Fast_Sparse_ConvNets_CVPR_2020_paper.html",
        "https://github.com/x/y",
    ]
    assert {str(i) for i in ids.all_in(links)} == {
        "doi:10.1109/cvpr42600.2020.01464",
        "cvf:Elsen_Fast_Sparse_ConvNets_CVPR_2020_paper",
    }


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [
        ("2210.17323", 2022),
        ("0704.0001", 2007),
        ("cs/0112017", 2001),
        ("hep-th/9901001", 1999),
        ("x", 0),
    ],
)
def test_arxiv_year(arxiv_id: str, year: int) -> None:
    assert ids.arxiv_year(arxiv_id) == year


def _item(rid: str, title: str, url: str = "", arxiv: str = "", doi: str = "") -> Item:
    item: Item = {"title": title, "URL": url, "custom": {"record_id": rid}}
    if arxiv:
        item["custom"]["arxiv_id"] = arxiv
    if doi:
        item["DOI"] = doi
    return item


def test_index_finds_the_same_paper_under_any_form() -> None:
    idx = dupes.Index()
    gptq = _item("2023/gptq", "GPTQ: Accurate Post-Training Quantization", arxiv="2210.17323")
    acl = _item("2023/acl", "Some ACL Paper", url="https://aclanthology.org/2023.acl-long.1/")
    assert idx.add("2023/gptq", dupes.keys(gptq)) == []
    assert idx.add("2023/acl", dupes.keys(acl)) == []
    # the pdf URL with a version: same arXiv id
    again = _item("2024/gptq", "Another title", url="http://arxiv.org/pdf/2210.17323v2.pdf")
    again["custom"]["arxiv_id"] = "2210.17323"
    assert [m.reason() for m in idx.find(dupes.keys(again))] == ["same arXiv id 2210.17323"]
    # the title with other case, accents and punctuation
    title = _item("x", "gptq -- accurate post-training quantizatión!")
    assert [m.record_id for m in idx.find(dupes.keys(title))] == ["2023/gptq"]
    # the ACL DOI names the ACL Anthology paper only through the same id: not matched
    doi = _item("y", "Other", doi="10.18653/v1/2023.acl-long.1")
    assert idx.find(dupes.keys(doi)) == []
    assert [m.kind for m in idx.find(dupes.keys(_item("z", "Z", url=acl["URL"])))] == ["acl"]
    # a different paper matches nothing
    assert idx.find(dupes.keys(_item("w", "GPTQ: Accurate Quantization"))) == []


def test_corr_dblp_key_is_not_an_identity() -> None:
    item = _item("a", "T")
    assert ("dblp", "journals/corr/abs-2210-17323") not in dupes.keys(
        item, "journals/corr/abs-2210-17323"
    )
    assert ("dblp", "conf/iclr/FrantarAHA23") in dupes.keys(item, "conf/iclr/FrantarAHA23")
