"""The exports in the tools users run: bibtex (plainnat, IEEEtran), biber/biblatex, pandoc citeproc."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from refkit.model import Item
from refkit.writers import FORMATS, latex
from tests.test_golden import TRICKY

TOOLS = ("pdflatex", "bibtex", "biber", "pdftotext", "pandoc")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
# Skipped on a developer machine without the tools; in CI (CI=true) a missing tool fails instead,
# so that a lost install step cannot turn these checks green by skipping them.
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"),
    reason=f"needs TeX Live, biber, poppler-utils and pandoc; missing: {MISSING}",
)

# No hyphenation and a wide page: words reach pdftotext whole.
PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[paperwidth=60cm,paperheight=200cm,margin=1cm]{geometry}
%s
\usepackage{url}
\usepackage{hyperref}
\hyphenpenalty=10000 \exhyphenpenalty=10000
\begin{document}
"""
STYLES = {
    "plainnat": (r"\usepackage[numbers]{natbib}", "plainnat"),
    "IEEEtran": ("", "IEEEtran"),
}


@dataclass
class Compiled:
    blg: str
    bbl: str
    log: str
    pdf: Path


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=120, errors="replace"
    )


def _latex(cwd: Path) -> str:
    proc = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd)
    log = (cwd / "doc.log").read_text(encoding="latin-1")
    assert proc.returncode == 0, f"pdflatex failed:\n{log[-3000:]}"
    return log


def compile_bibtex(tmp: Path, bib: str, style: str) -> Compiled:
    """doc.tex citing every entry of `bib` under `style`; pdflatex, bibtex, pdflatex x2."""
    package, bst = STYLES[style]
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "refs.bib").write_text(bib, encoding="utf-8")
    body = (
        f"\\nocite{{*}}\n\\bibliographystyle{{{bst}}}\n\\bibliography{{refs}}\n\\end{{document}}\n"
    )
    (tmp / "doc.tex").write_text(PREAMBLE % package + body, encoding="utf-8")
    _latex(tmp)
    proc = _run(["bibtex", "doc"], tmp)
    blg = (tmp / "doc.blg").read_text(encoding="latin-1")
    assert proc.returncode in (0, 1), f"bibtex failed ({proc.returncode}):\n{blg}"
    _latex(tmp)
    log = _latex(tmp)
    return Compiled(blg, (tmp / "doc.bbl").read_text(encoding="latin-1"), log, tmp / "doc.pdf")


def compile_biber(tmp: Path, bib: str) -> Compiled:
    """doc.tex with biblatex (backend=biber) citing every entry of `bib`; biber checks every
    entry against biblatex's data model (`--validate-datamodel`)."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "refs.bib").write_text(bib, encoding="utf-8")
    package = "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}"
    body = "\\nocite{*}\n\\printbibliography\n\\end{document}\n"
    (tmp / "doc.tex").write_text(PREAMBLE % package + body, encoding="utf-8")
    _latex(tmp)
    proc = _run(["biber", "--validate-datamodel", "doc"], tmp)
    blg = (tmp / "doc.blg").read_text(encoding="utf-8")
    assert proc.returncode == 0, f"biber failed:\n{blg}"
    _latex(tmp)
    log = _latex(tmp)
    return Compiled(blg, (tmp / "doc.bbl").read_text(encoding="utf-8"), log, tmp / "doc.pdf")


def bibtex_problems(blg: str) -> list[str]:
    """Warnings and errors in a bibtex .blg (an empty list means a clean run)."""
    lines = [ln for ln in blg.splitlines() if ln.startswith("Warning--")]
    lines += re.findall(r"\(There (?:was|were) \d+ (?:warnings?|error messages?)\)", blg)
    lines += [ln for ln in blg.splitlines() if "I was expecting" in ln or "---line" in ln]
    return lines


def biber_problems(blg: str, log: str) -> list[str]:
    """WARN/ERROR lines of biber and biblatex/undefined-citation warnings of LaTeX."""
    lines = [ln for ln in blg.splitlines() if re.search(r"> (WARN|ERROR) - ", ln)]
    lines += re.findall(r"Package biblatex Warning:.*", log)
    lines += re.findall(r"LaTeX Warning: .*undefined.*", log)
    return lines


def bbl_keys(bbl: str) -> set[str]:
    keys = re.findall(r"\\bibitem(?:\[(?:[^\[\]]|\{[^{}]*\})*\])?\{([^}]+)\}", bbl, re.DOTALL)
    return set(keys) | set(re.findall(r"\\entry\{([^}]+)\}", bbl))


def pdf_text(pdf: Path) -> str:
    """The PDF's text on one line, ligatures unfolded."""
    out = _run(["pdftotext", "-enc", "UTF-8", pdf.name, "-"], pdf.parent).stdout
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", out))


def expected_in_pdf(items: list[Item]) -> set[str]:
    """Words whose case must survive: title-shorts found in titles, and words latex protects."""
    words = set()
    for item in items:
        title, short = latex.clean(item["title"]), latex.clean(item.get("title-short", ""))
        if short and re.search(r"(?<!\w)" + re.escape(short) + r"(?!\w)", title):
            words.add(short)
        for word in title.split():
            core = word.strip(latex._TRIM)
            if core and latex.needs_protection(core) and core.isascii():
                words.add(core)
    return words


@pytest.fixture(scope="module")
def full_list() -> list[Item]:
    from refkit.normalize import load_items

    return load_items(Path(__file__).resolve().parent.parent / "meta")


@pytest.fixture(scope="module")
def plainnat(full_list: list[Item], tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    bib = FORMATS["bibtex"].write(full_list)
    return compile_bibtex(tmp_path_factory.mktemp("plainnat"), bib, "plainnat")


def test_plainnat_full_list_clean(plainnat: Compiled, full_list: list[Item]) -> None:
    assert bibtex_problems(plainnat.blg) == []
    assert bbl_keys(plainnat.bbl) == {i["citation-key"] for i in full_list}


def test_ieeetran_full_list_clean(full_list: list[Item], tmp_path: Path) -> None:
    out = compile_bibtex(tmp_path, FORMATS["bibtex"].write(full_list), "IEEEtran")
    assert bibtex_problems(out.blg) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in full_list}


@pytest.mark.parametrize("dialect", ["biblatex", "bibtex"])
def test_biber_full_list_clean(dialect: str, full_list: list[Item], tmp_path: Path) -> None:
    """Both dialects in a biblatex project: 0 data-model warnings, pdflatex (T1) without errors."""
    out = compile_biber(tmp_path, FORMATS[dialect].write(full_list))
    assert biber_problems(out.blg, out.log) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in full_list}


# BibTeX's standard and natbib styles: bibtex alone (an .aux citing every entry) is enough to
# see their warnings, since they come from the .bst reading the entries.
MORE_STYLES = ("plain", "abbrv", "alpha", "unsrt", "apalike", "abbrvnat", "unsrtnat")


@pytest.mark.parametrize("style", MORE_STYLES)
def test_full_list_is_warning_free_under_other_styles(
    style: str, full_list: list[Item], tmp_path: Path
) -> None:
    (tmp_path / "refs.bib").write_text(FORMATS["bibtex"].write(full_list), encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        f"\\citation{{*}}\n\\bibdata{{refs}}\n\\bibstyle{{{style}}}\n"
    )
    proc = _run(["bibtex", "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert proc.returncode == 0, blg
    assert bibtex_problems(blg) == []
    assert len(bbl_keys((tmp_path / "doc.bbl").read_text(encoding="latin-1"))) == len(full_list)


@pytest.mark.parametrize("style", list(STYLES))
def test_tricky_items_compile_clean(style: str, tmp_path: Path) -> None:
    out = compile_bibtex(tmp_path, FORMATS["bibtex"].write(TRICKY), style)
    assert bibtex_problems(out.blg) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in TRICKY}
    text = pdf_text(out.pdf)
    for piece in ("Q&A", "W4A8KV4", "50%", "$5", "#kv_cache", "~ ^ \\ {GPUs}", "Boža", "naïve"):
        assert piece in text, piece
    assert "oral presentation" in text.lower()  # IEEEtran lowercases a note after a comma


def test_tricky_items_biblatex_clean(tmp_path: Path) -> None:
    out = compile_biber(tmp_path, FORMATS["biblatex"].write(TRICKY))
    assert biber_problems(out.blg, out.log) == []
    assert bbl_keys(out.bbl) == {i["citation-key"] for i in TRICKY}
    assert "arXiv: 2401.15024 [cs.LG]" in pdf_text(out.pdf)


def test_acronyms_keep_their_case_under_plainnat(plainnat: Compiled, full_list: list[Item]) -> None:
    words = expected_in_pdf(full_list)
    assert {"GPTQ", "LoRA", "FlashAttention-2", "SparseGPT", "N:M", "LLaMA"} <= words
    text = pdf_text(plainnat.pdf)
    assert sorted(w for w in words if w not in text) == []


def test_acronym_check_fails_without_protection(
    plainnat: Compiled, full_list: list[Item], tmp_path: Path
) -> None:
    """The same check against titles stripped of their protective braces must fail."""
    bib = FORMATS["bibtex"].write(full_list)
    bare = re.sub(
        r"^(  (?:title|shorttitle) = \{)(.*)(\},)$",
        lambda m: m[1] + m[2].replace("{", "").replace("}", "") + m[3],
        bib,
        flags=re.MULTILINE,
    )
    assert bare != bib
    text = pdf_text(compile_bibtex(tmp_path, bare, "plainnat").pdf)
    lost = {w for w in expected_in_pdf(full_list) if w not in text}
    assert {"GPTQ", "LoRA", "SparseGPT"} <= lost


def test_pandoc_citeproc_renders_every_item(full_list: list[Item], tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_text(FORMATS["csl-json"].write(full_list), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\n# References\n", encoding="utf-8")
    proc = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "html", "doc.md"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    ids = re.findall(r'id="ref-([^"]+)"', proc.stdout)
    assert sorted(ids) == sorted(i["citation-key"] for i in full_list)
    assert "FlashAttention-2" in proc.stdout
