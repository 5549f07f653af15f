"""The newer-format synthetic list (issue #7) in the clients users run: the CLI's four exports of
a few hundred records (math titles, new venues and keywords, blogs, non-ASCII file names) through
bibtex (plainnat, IEEEtran), biber --validate-datamodel on both dialects, pandoc citeproc, the
CSL-JSON schema and rispy: every entry present, 0 errors, 0 warnings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import rispy

from tests.cli import refkit
from tests.synthetic import Written, write_list
from tests.test_compile import (
    _run,
    bbl_keys,
    biber_problems,
    bibtex_problems,
    compile_biber,
    compile_bibtex,
    pytestmark,  # noqa: F401  (skipped without TeX tools, failing in CI)
)

N = 300
SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text(encoding="utf-8"))
FILES = {"bibtex": "refs.bib", "biblatex": "refs-biblatex.bib", "csl-json": "refs.json"}
FILES["ris"] = "refs.ris"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The synthetic list exported by the CLI in every format, as text."""
    written: Written = write_list(tmp_path_factory.mktemp("list"), N, seed=11)
    root = written.meta.parent
    out = {}
    for fmt, name in FILES.items():
        done = refkit(root, "export", "-f", fmt, "-o", name)
        assert done.returncode == 0, done.stderr
        out[fmt] = (root / name).read_bytes().decode("utf-8")
    return out


def _keys(bib: str) -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),", bib, re.M))


@pytest.mark.parametrize("style", ["plainnat", "IEEEtran"])
def test_bibtex_styles_clean(style: str, exported: dict[str, str], tmp_path: Path) -> None:
    bib = exported["bibtex"]
    done = compile_bibtex(tmp_path, bib, style)
    assert bibtex_problems(done.blg) == []
    assert bbl_keys(done.bbl) == _keys(bib) and len(_keys(bib)) == N


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_biber_validates_both_dialects(fmt: str, exported: dict[str, str], tmp_path: Path) -> None:
    bib = exported[fmt]
    done = compile_biber(tmp_path, bib)
    assert biber_problems(done.blg, done.log) == []
    assert bbl_keys(done.bbl) == _keys(bib)


def test_csl_schema_and_pandoc(exported: dict[str, str], tmp_path: Path) -> None:
    data = json.loads(exported["csl-json"])
    jsonschema.validate(data, SCHEMA)
    assert len(data) == N
    (tmp_path / "refs.json").write_text(exported["csl-json"], encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\n# References\n", encoding="utf-8")
    proc = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "html", "doc.md"], tmp_path
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert sorted(re.findall(r'id="ref-([^"]+)"', proc.stdout)) == sorted(i["id"] for i in data)
    assert "$" not in proc.stdout and "\\" not in proc.stdout


def test_ris_reads_back_without_tex(exported: dict[str, str]) -> None:
    records = rispy.loads(exported["ris"])
    assert len(records) == N
    titles = [r.get("title") or r.get("primary_title") for r in records]
    assert all(titles)
    assert not [t for t in titles if "$" in t or "\\" in t]
