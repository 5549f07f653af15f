"""Records of the kinds real lists hold (TeX math in titles, blogs, new venues, URLs with specials,
code URLs with `_`), read from prototxt files and checked by the real clients: bibtex (plainnat,
IEEEtran), biber --validate-datamodel on both dialects, pdflatex with T1, pandoc citeproc, the CSL
schema, rispy and the Zotero mapping. 0 errors, 0 warnings."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import jsonschema
import pytest
import rispy

from refkit.model import Item
from refkit.normalize import load_items
from refkit.writers import FORMATS
from refkit.zotero.mapping import to_zotero
from tests.test_compile import (
    Compiled,
    _run,
    bbl_keys,
    biber_problems,
    bibtex_problems,
    compile_biber,
    compile_bibtex,
    pdf_text,
    pytestmark,  # noqa: F401  (skips without TeX, fails in CI)
)
from tests.test_roundtrip import parse

SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text(encoding="utf-8"))

# record id -> fields. Strings are written into prototxt with protobuf's escaping.
RECORDS: dict[str, dict[str, object]] = {
    "2023/h2o": dict(
        title="H$_2$O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
        abbr="H$_2$O", url="https://arxiv.org/abs/2306.14048", where="NeurIPS",
        authors=["Zhenyu Zhang", "Ying Sheng"], code="https://github.com/FMInference/H2O_kv_cache",
    ),
    "2025/radial": dict(
        title=r"Radial Attention: $O(n\log n)$ Sparse Attention with Energy Decay", where="arXiv",
        url="https://arxiv.org/pdf/2506.19852v1", authors=["Xingyang Li"],
    ),
    "2024/infbench": dict(
        title=r"$\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens", abbr=r"$\infty$Bench",
        where="ACL", url="https://aclanthology.org/2024.acl-long.814/", authors=["Xinrong Zhang"],
    ),
    "2024/l3": dict(
        title="L$^3$: Large Lookup Layers", where="ICML workshop", authors=["Albert Tseng"],
        url="https://openreview.net/forum?id=abc_def",
    ),
    "2024/topp": dict(
        title="Calibrated Top-$p$ Sampling for Language Models", where="EMNLP Findings",
        authors=["Ana Lima"], url="https://aclanthology.org/2024.findings-emnlp.1/",
    ),
    "2024/dollars": dict(
        title="Training a GPT for $5 and $10 \\$ on 1% of the data", where="COLING", authors=["Bo Li"],
        url="https://example.org/gpt",
    ),
    "2024/shi": dict(
        title="Inside Sparse Kernels", where="Blog", url="https://blog.shi-labs.com/posts/sparse",
        institutions=["SHI Labs"], authors=["Ali Hassani"],
    ),
    "2023/alpaca": dict(
        title="Alpaca: A Strong, Replicable Instruction-Following Model", where="Blog",
        url="https://crfm.stanford.edu/2023/03/13/alpaca.html", authors=["Rohan Taori"],
    ),
    "2024/discuss": dict(
        title="Notes on KV cache eviction", where="Blog", url="https://discuss.vllm.org/t/kv/12",
    ),
    "2024/specials": dict(
        title="URLs With Every Special", where="OSDI", authors=["Jörg Müller"],
        url="https://example.org/a b/{c}^d\\e|f`g<h>\"i/ü😀?q=50%&r=1#x#y",
        code="https://github.com/some_org/kv_cache_tool#read_me",
    ),
    "2024/ftp": dict(title="Mirror Only", where="SIGMOD", url="ftp://files.example.org/p.pdf",
                     authors=["Vladimír Boža"]),
    "2024/pami": dict(title="A Survey of Pruning", where="TPAMI", authors=["Kim Lee"],
                      url="https://ieeexplore.ieee.org/document/1"),
    "2024/kdd": dict(title="Graphs at Scale", where="KDD oral", authors=["Ada Byron"]),
    "2024/isca": dict(title="A 4-bit Accelerator", where="ISCA", authors=["Ann Chen"]),
    "2024/naacl": dict(title="Short Answers", where="Findings of NAACL", authors=["Al Gore"]),
    "2024/pvldb": dict(title="Vector Search", where="PVLDB", authors=["Eve Adams"]),
    "2024/neuripsw": dict(title="Efficient $k$-NN Caches", where="NeurIPS workshop",
                          authors=["Cy Twombly"], code="https://github.com/x/knn_cache"),
    "2024/tool": dict(title="vLLM_tools", where="github", url="https://github.com/vllm-project/vllm_tools",
                      institutions=["UC Berkeley"], code="https://github.com/vllm-project/vllm_tools"),
    "2023/nobody": dict(title=r"Sub-$\sqrt{n}$ Regret: a Note", where="COLT", abbr="Sub-$\\sqrt{n}$"),
}  # fmt: skip
MATH = ("2023/h2o", "2025/radial", "2024/infbench", "2024/l3", "2024/topp", "2024/neuripsw",
        "2023/nobody")  # fmt: skip


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_record(meta: Path, rid: str, fields: dict[str, object]) -> None:
    paper = [f"  title: {_q(str(fields['title']))}"]
    for name in ("abbr", "url"):
        if name in fields:
            paper.append(f"  {name}: {_q(str(fields[name]))}")
    for name in ("authors", "institutions"):
        paper += [f"  {name}: {_q(v)}" for v in fields.get(name, [])]  # type: ignore[attr-defined]
    text = "paper {\n" + "\n".join(paper) + "\n}\n"
    text += f"pub {{\n  where: {_q(str(fields['where']))}\n  year: {rid[:4]}\n}}\n"
    if "code" in fields:
        text += f'code {{\n  type: "Pytorch"\n  url: {_q(str(fields["code"]))}\n}}\n'
    text += "keyword {\n  words: kv_cache\n  words: sparse_pruning\n}\n"
    path = meta / f"{rid}.prototxt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Item], list[str]]:
    meta = tmp_path_factory.mktemp("kinds") / "meta"
    for rid, fields in RECORDS.items():
        write_record(meta, rid, fields)
    handler = _Collect()
    logging.getLogger("refkit").addHandler(handler)
    try:
        items = load_items(meta)
    finally:
        logging.getLogger("refkit").removeHandler(handler)
    return items, handler.messages


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def items(loaded: tuple[list[Item], list[str]]) -> list[Item]:
    return loaded[0]


def by_record(items: list[Item]) -> dict[str, Item]:
    return {it["custom"]["record_id"]: it for it in items}


def test_one_warning_only_for_the_ftp_url(loaded: tuple[list[Item], list[str]]) -> None:
    items, messages = loaded
    assert len(items) == len(RECORDS)
    assert len(messages) == 1, messages
    assert messages[0].startswith("1 URL(s) are not http(s) URLs (e.g. ")
    assert "2024/ftp.prototxt" in messages[0] and "ftp://files.example.org/p.pdf" in messages[0]


@pytest.mark.parametrize("style", ["plainnat", "IEEEtran"])
def test_bibtex_styles_clean(style: str, items: list[Item], tmp_path: Path) -> None:
    out = compile_bibtex(tmp_path, FORMATS["bibtex"].write(items), style)
    assert bibtex_problems(out.blg) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in items}
    _math_printed_as_math(out)
    text = pdf_text(out.pdf)
    assert "kv_cache_tool" not in text and "Code:" not in text  # verba, annote: not printed


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_biber_clean_both_dialects(dialect: str, items: list[Item], tmp_path: Path) -> None:
    out = compile_biber(tmp_path, FORMATS[dialect].write(items))
    assert biber_problems(out.blg, out.log) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in items}
    _math_printed_as_math(out)
    text = pdf_text(out.pdf)
    assert "kv_cache_tool" not in text and "Code:" not in text  # verba, annote: printed by no style


def _math_printed_as_math(out: Compiled) -> None:
    text = pdf_text(out.pdf)
    for shown in ("O(n log n)", "∞Bench", "Top-p", "Training a GPT for $5 and $10 \\$ on 1% of"):
        assert shown.casefold() in text.casefold(), shown
    assert re.search(r"H2 ?O: Heavy", text) and re.search(r"L3 ?: Large", text), text
    assert not re.search(r"H\$|\$_|\$\^|\\infty|\\log|\\sqrt", text)
    assert "√" in text or "p n" in text  # \sqrt{n}: the radical is in a math font pdftotext may map
    _subscript_sits_lower(out.pdf)


def _subscript_sits_lower(pdf: Path) -> None:
    """In the PDF, the 2 of H₂O is a word of its own, smaller than the H and below its baseline."""
    html = _run(["pdftotext", "-bbox", pdf.name, "-"], pdf.parent).stdout
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html
    )
    boxes = [(float(y0), float(y1), word) for y0, y1, word in words]
    pairs = [
        (a, b) for a, b in zip(boxes, boxes[1:], strict=False) if a[2].endswith("H") and b[2] == "2"
    ]
    assert pairs, "no subscript 2 after an H in the PDF"
    for (h0, h1, _), (s0, s1, _) in pairs:
        assert s1 - s0 < h1 - h0 and s1 > h1


def test_pandoc_citeproc_renders_rich_text(items: list[Item], tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_text(FORMATS["csl-json"].write(items), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\n# References\n", encoding="utf-8")
    proc = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "html", "doc.md"], tmp_path
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert sorted(re.findall(r'id="ref-([^"]+)"', proc.stdout)) == sorted(i["id"] for i in items)
    html = re.sub(r'<span(?:\s+class="nocase")?>|</span>', "", proc.stdout).replace("\n", " ")
    for piece in ("H<sub>2</sub>O", "L<sup>3</sup>", "∞Bench", "Top-<em>p</em>", "log <em>n</em>"):
        assert piece in html, piece
    assert not re.search(r"\$_|\\infty|\\log", html)


def test_csl_json_schema_and_no_tex(items: list[Item]) -> None:
    data = json.loads(FORMATS["csl-json"].write(items))
    jsonschema.validate(data, SCHEMA)
    text = json.dumps(data, ensure_ascii=False)
    math_ids = {by_record(items)[rid]["id"] for rid in MATH}
    for entry in data:
        if entry["id"] in math_ids:
            dumped = json.dumps(entry, ensure_ascii=False)
            assert "$" not in dumped and "\\\\" not in dumped, dumped
    assert 'H<span class=\\"nocase\\"><sub>2</sub></span>O: Heavy-Hitter Oracle' in text


def test_ris_and_zotero_plain_unicode(items: list[Item]) -> None:
    records = {r["id"]: r for r in rispy.loads(FORMATS["ris"].write(items))}
    assert len(records) == len(items)
    got = by_record(items)
    expected = {
        "2023/h2o": "H₂O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
        "2025/radial": "Radial Attention: O(n log n) Sparse Attention with Energy Decay",
        "2024/infbench": "∞Bench: Extending Long Context Evaluation Beyond 100K Tokens",
        "2024/l3": "L³: Large Lookup Layers",
        "2024/topp": "Calibrated Top-p Sampling for Language Models",
        "2024/neuripsw": "Efficient k-NN Caches",
        "2023/nobody": "Sub-√n Regret: a Note",
    }  # fmt: skip
    for rid, title in expected.items():
        item = got[rid]
        assert records[item["id"]]["title"] == title
        assert to_zotero(item)["title"] == title
    assert records[got["2023/h2o"]["id"]]["short_title"] == "H₂O"
    assert to_zotero(got["2024/infbench"])["shortTitle"] == "∞Bench"
    assert records[got["2024/dollars"]["id"]]["title"] == RECORDS["2024/dollars"]["title"]


def test_keys_have_no_math_junk(items: list[Item]) -> None:
    keys = {rid: it["id"] for rid, it in by_record(items).items()}
    assert keys["2023/h2o"] == "zhang2023h2o"
    assert keys["2024/infbench"] == "zhang2024bench"
    assert keys["2024/l3"] == "tseng2024l3"
    assert keys["2023/nobody"] == "subn2023subn"


def test_blogs_name_the_institution_or_host_in_all_formats(items: list[Item]) -> None:
    got = by_record(items)
    expected = {"2024/shi": "SHI Labs", "2023/alpaca": "crfm.stanford.edu",
                "2024/discuss": "discuss.vllm.org"}  # fmt: skip
    bib = {e["ID"]: e for e in parse(FORMATS["bibtex"].write(items))}
    biblatex = {e["ID"]: e for e in parse(FORMATS["biblatex"].write(items))}
    ris = {r["id"]: r for r in rispy.loads(FORMATS["ris"].write(items))}
    csl = {e["id"]: e for e in json.loads(FORMATS["csl-json"].write(items))}
    for rid, name in expected.items():
        key = got[rid]["id"]
        assert csl[key]["container-title"] == name
        assert bib[key]["howpublished"] == name
        assert biblatex[key]["organization"] == name
        assert ris[key]["secondary_title"] == name


def test_new_venues(items: list[Item]) -> None:
    got = by_record(items)
    assert got["2024/topp"]["container-title"] == (
        "Findings of the Association for Computational Linguistics: EMNLP 2024"
    )
    assert (
        got["2024/l3"]["container-title"]
        == "International Conference on Machine Learning Workshops"
    )
    assert got["2024/pami"]["type"] == "article-journal"
    assert got["2024/pvldb"]["custom"]["venue_key"] == "VLDB"
    assert got["2024/kdd"]["custom"]["venue_note"] == "oral"


def test_urls_and_code_urls(items: list[Item]) -> None:
    got = by_record(items)
    url = got["2024/specials"]["URL"]
    assert url == (
        "https://example.org/a%20b/%7Bc%7D%5Ed%5Ce%7Cf%60g%3Ch%3E%22i/%C3%BC%F0%9F%98%80"
        "?q=50%25&r=1#x%23y"
    )
    for dialect in ("bibtex", "biblatex"):
        text = FORMATS[dialect].write(items)
        assert f"url = {{{url}}}" in text
        assert "verba = {https://github.com/some_org/kv_cache_tool#read_me}" in text
        assert "keywords = {kv\\_cache, sparse\\_pruning}" in text


def test_lookups_use_the_unicode_title(items: list[Item]) -> None:
    """Crossref is searched with the title as text (H₂O), not CSL markup or TeX."""
    from refkit.enrich.crossref import Crossref

    radial = by_record(items)["2025/radial"]
    params = Crossref(url="http://127.0.0.1:9").search_params(radial, "preprint")
    assert params["query_bibliographic"] == RECORDS_TEXT["2025/radial"]


RECORDS_TEXT = {"2025/radial": "Radial Attention: O(n log n) Sparse Attention with Energy Decay"}
