"""`refkit add` of OpenReview, PMLR and NeurIPS proceedings URLs (forum/pdf, .html/.pdf,
Abstract/Paper), as users run it, against the papers' landing pages (tests/servers/landing.py)
and the local arXiv, Crossref, Semantic Scholar and DBLP servers (tests/add_world.py).

The papers and pages: tests/landing_world.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from google.protobuf import text_format

from refkit import lock as locks
from refkit import paper_pb2
from tests.add_world import SPINQUANT
from tests.cli import CLOSED, ROOT, copy_list, refkit
from tests.landing_world import (
    HASH,
    NEURIPS,
    NEURIPS_PDF,
    PMLR,
    QUAROT,
    SPEC,
    SPIN_FORUM,
    SPIN_TITLE,
    env,
    pages,
    servers,
)
from tests.servers.landing import pmlr_page


def stem(identity: str) -> str:
    return base64.b32encode(hashlib.sha1(identity.encode()).digest()).decode()[:8]


def files(meta: Path) -> set[str]:
    return {p.relative_to(meta).as_posix() for p in meta.rglob("*.prototxt")}


def record(title: str, abbr: str, url: str, authors: list[str], where: str, year: int) -> str:
    people = "".join(f'  authors: "{a}"\n' for a in authors)
    return (
        f'paper {{\n  title: "{title}"\n  abbr: "{abbr}"\n  url: "{url}"\n{people}}}\n'
        f'pub {{\n  where: "{where}"\n  year: {year}\n}}\n'
        'code {\n  type: ""\n  url: ""\n}\nnote {\n  url: ""\n}\nkeyword {\n}\ncover {\n  url: ""\n}\n'
    )


# Checked by hand: the landing page's title and authors in order ("Family, Given" turned
# round), the canonical landing URL, the venue and year of DBLP's record whose `ee` names the
# page (ICLR 2025 for the OpenReview page, which names no venue; ICML 2023 and NeurIPS 2024).
GOLDEN = {
    "2025/SpinQuant": record(
        SPIN_TITLE,
        "SpinQuant",
        f"https://openreview.net/forum?id={SPIN_FORUM}",
        SPINQUANT["authors"],
        "ICLR",
        2025,
    ),
    f"2023/{stem('pmlr:v202/leviathan23a')}": record(
        SPEC["title"], "", PMLR, SPEC["authors"], "ICML", 2023
    ),
    "2024/QuaRot": record(QUAROT["title"], "QuaRot", NEURIPS, QUAROT["authors"], "NeurIPS", 2024),
}


@pytest.fixture(scope="module")
def added(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str], int, int]:
    """A list of one record (2023/gptq), its lock filled by a first export; then the three
    papers added by their landing URLs, the landing host busy at first (one 429)."""
    root = tmp_path_factory.mktemp("list")
    (root / "meta/2023").mkdir(parents=True)
    shutil.copy(ROOT / "meta/2023/gptq.prototxt", root / "meta/2023/gptq.prototxt")
    with servers(pages(), busy=1) as (w, ls):
        first = refkit(root, "export", "-o", "before.bib", **env(w, ls, root / "cache"))
        assert first.returncode == 0, first.stderr
        inputs = [f"https://openreview.net/forum?id={SPIN_FORUM}", PMLR, NEURIPS]
        out = refkit(root, "add", *inputs, **env(w, ls, root / "cache"))
        polite = w.violations() + ls.violations + ls.inside_retry_after
    return root, out, polite, len(ls.requests)


def test_each_landing_url_adds_a_record_in_the_lists_style(
    added: tuple[Path, subprocess.CompletedProcess[str], int, int],
) -> None:
    root, out, polite, asked = added
    assert out.returncode == 0, out.stderr
    assert polite == 0  # the busy host's 429 and Retry-After sat out, every limit kept
    assert asked == 4  # three pages, one of them twice (the 429)
    assert files(root / "meta") == {"2023/gptq.prototxt"} | {f"{r}.prototxt" for r in GOLDEN}
    for rid, text in GOLDEN.items():
        written = (root / "meta" / f"{rid}.prototxt").read_text(encoding="utf-8")
        assert written == text, rid
        text_format.Parse(written, paper_pb2.PaperInfo())  # the list's own schema
    err = out.stderr
    assert f"added meta/2023/{stem('pmlr:v202/leviathan23a')}.prototxt (ICML 2023)" in err
    assert (
        f"DBLP's record links openreview:{SPIN_FORUM}: ICLR 2025 (dblp conf/iclr/LiuZFSCKCTB25)"
        in err
    )
    assert "refkit: added 3, refused 0 already in the list, 0 failed" in err


def test_the_lookups_are_pinned_and_export_asks_nothing(
    added: tuple[Path, subprocess.CompletedProcess[str], int, int], tmp_path: Path
) -> None:
    root = added[0]
    lock = locks.load(root / "refkit.lock")
    assert lock["2024/QuaRot"]["dblp"]["key"] == "conf/nips/AshkboosMCLCJAHH24"
    assert lock["2024/QuaRot"]["dblp"]["via"] == f"ee neurips:{HASH}"
    with servers(pages()) as (w, ls):
        out = refkit(root, "export", "-f", "csl-json", "-o", "after.json", **env(w, ls, tmp_path))
        assert out.returncode == 0, out.stderr
        assert w.requests() + len(ls.requests) == 0  # from the lock alone
    csl = {i["title"]: i for i in json.loads((root / "after.json").read_text())}
    spec = csl[SPEC["title"]]
    assert (spec["type"], spec["page"], spec["volume"]) == (
        "paper-conference",
        "19274-19286",
        "202",
    )
    assert spec["URL"] == PMLR


def test_pdf_urls_name_the_landing_page(tmp_path: Path) -> None:
    """The pdf forms map to the same landing pages and records (OpenReview's older joined
    `citation_authors` list read the same); a second form of one paper is that paper."""
    root = copy_list(tmp_path)
    pdfs = [
        f"openreview.net/pdf?id={SPIN_FORUM}",
        "http://proceedings.mlr.press/v202/leviathan23a/leviathan23a.pdf",
        NEURIPS_PDF,
        f"https://openreview.net/forum?id={SPIN_FORUM}&noteId={SPIN_FORUM}",
    ]
    with servers(pages(joined=True)) as (w, ls):
        out = refkit(root, "add", "--dry-run", *pdfs, **env(w, ls, tmp_path / "cache"))
    assert out.returncode == 1  # the repeat is refused
    for rid, text in GOLDEN.items():
        assert f"# meta/{rid}.prototxt\n{text}" in out.stdout, rid
    assert f"refkit: error: {pdfs[3]}: the same paper as {pdfs[0]}" in out.stderr
    assert files(root / "meta") == files(ROOT / "meta")


def test_a_page_dblp_does_not_link_gives_no_venue(tmp_path: Path) -> None:
    """Precision first: DBLP's record has the page's title and authors, but its `ee` names
    another OpenReview id: not the page's paper; the page names no venue: nothing written."""
    root = copy_list(tmp_path)
    with servers(pages()) as (w, ls):
        out = refkit(
            root, "add", "https://openreview.net/forum?id=AnotherId01", **env(w, ls, tmp_path / "c")
        )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert (
        "refkit: error: https://openreview.net/forum?id=AnotherId01: the OpenReview page names no "
        "venue refkit knows, and no DBLP record links openreview:AnotherId01 (DBLP's "
        "conf/iclr/LiuZFSCKCTB25 was matched by words, not by its electronic editions;"
        in out.stderr
    )
    assert files(root / "meta") == files(ROOT / "meta")


def test_markup_in_the_page_title_is_text(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    hostile = "<i>SpinQuant</i>: LLM Quantization with <b>Learned</b> Rotations"
    with servers(pages(spin_title=hostile)) as (w, ls):
        out = refkit(root, "add", "--dry-run", f"https://openreview.net/forum?id={SPIN_FORUM}",
                     **env(w, ls, tmp_path / "c"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f'  title: "{SPIN_TITLE}"\n' in out.stdout  # the markup dropped, the words kept


def test_failures_get_one_line_each_and_no_file(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    cases = {
        "https://openreview.net/forum?id=Gone0000001": "OpenReview has no page https://openreview.net/forum?id=Gone0000001 (404)",
        "https://openreview.net/forum?id=NoAuthors01": "the OpenReview page https://openreview.net/forum?id=NoAuthors01 names no authors",
        "https://papers.nips.cc/paper/7181-attention-is-all-you-need.pdf": "an old numbered NeurIPS URL names no proceedings page",
    }  # fmt: skip
    with servers(pages()) as (w, ls):
        out = refkit(root, "add", *cases, **env(w, ls, tmp_path / "c"))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("refkit: error:")]
    assert len(errors) == len(cases)
    for (given, why), line in zip(cases.items(), errors, strict=True):
        assert line.startswith(f"refkit: error: {given}: {why}"), line
    down = refkit(root, "add", PMLR, **{**w.env(tmp_path / "c2"), "REFKIT_PMLR_URL": CLOSED})
    assert down.returncode == 1 and "Traceback" not in down.stderr
    assert f"refkit: error: {PMLR}: PMLR is not reachable" in down.stderr
    assert files(root / "meta") == files(ROOT / "meta")


def test_duplicates_by_landing_id_are_refused_before_any_lookup(tmp_path: Path) -> None:
    """The list has Deja Vu by its OpenReview forum URL, Kurtz et al. by a PMLR pdf URL and a
    NeurIPS 2021 paper by its Abstract URL: each other form of them is refused unasked."""
    root = copy_list(tmp_path)
    dup = {
        "https://openreview.net/pdf?id=wIPIhHd00i": "meta/2023/dejavu.prototxt (same OpenReview id wIPIhHd00i)",
        "https://proceedings.mlr.press/v119/kurtz20a.html": "(same pmlr id v119/kurtz20a)",
        "https://proceedings.neurips.cc/paper_files/paper/2021/file/6e8404c3b93a9527c8db241a1846599a-Paper.pdf":
            "(same neurips id 6e8404c3b93a9527c8db241a1846599a)",
    }  # fmt: skip
    with servers(pages()) as (w, ls):
        out = refkit(root, "add", *dup, **env(w, ls, tmp_path / "c"))
        assert w.requests() + len(ls.requests) == 0
    assert out.returncode == 1
    for given, why in dup.items():
        line = next(
            ln for ln in out.stderr.splitlines() if ln.startswith(f"refkit: error: {given}:")
        )
        assert "already in the list: meta/" in line and why in line, line
    assert "added 0, refused 3 already in the list, 0 failed" in out.stderr
    assert files(root / "meta") == files(ROOT / "meta")


def test_a_paper_the_list_has_by_its_arxiv_url_is_refused_by_title(tmp_path: Path) -> None:
    """The list has SqueezeLLM by its arXiv URL; its PMLR page (ICML 2024) is that paper by
    its folded title, found on the page before any published-version lookup."""
    root = copy_list(tmp_path)
    authors = ["Sehoon Kim", "Coleman Hooper", "Amir Gholami", "Zhen Dong", "Xiuyu Li",
               "Sheng Shen", "Michael W. Mahoney", "Kurt Keutzer"]  # fmt: skip
    page = pmlr_page(
        235,
        "kim24f",
        "SqueezeLLM: Dense-and-Sparse Quantization",
        authors,
        "2024/07/08",
        "Proceedings of the 41st International Conference on Machine Learning",
        (23901, 23923),
    )
    url = "https://proceedings.mlr.press/v235/kim24f/kim24f.pdf"
    with servers({"/v235/kim24f.html": page}) as (w, ls):
        out = refkit(root, "add", url, **env(w, ls, tmp_path / "c"))
        assert (len(ls.requests), w.requests()) == (1, 0)  # the page only
    assert out.returncode == 1
    assert (
        f"refkit: error: {url}: already in the list: meta/2024/SqueezeLLM.prototxt "
        "(same title squeezellm dense and sparse quantization); nothing written" in out.stderr
    )
    assert files(root / "meta") == files(ROOT / "meta")
