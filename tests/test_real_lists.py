"""Lists as users really have them (issue #7): a few hundred records in the newer format,
exported through the CLI as users run it. Every keyword survives in every format, the terminal
gets a handful of lines, non-paper files are skipped with one line, and real errors stay errors."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest
import rispy

from tests.cli import refkit
from tests.synthetic import NEW_KEYWORDS, Written, write_list

N = 435  # the size of the list in issue #7
OUTPUTS = {"bibtex": "refs.bib", "biblatex": "refs-biblatex.bib", "csl-json": "refs.json"}
OUTPUTS["ris"] = "refs.ris"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Written:
    return write_list(tmp_path_factory.mktemp("list"), N, seed=3)


@pytest.fixture
def listdir(synthetic: Written, tmp_path: Path) -> Path:
    shutil.copytree(synthetic.meta, tmp_path / "meta")
    return tmp_path


def _bib_keywords(text: str) -> list[tuple[str, ...]]:
    parser = bibtexparser.bparser.BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    entries = bibtexparser.loads(text, parser).entries
    return [tuple(sorted(re.split(r",\s*", e["keywords"].replace("\\_", "_")))) for e in entries]


def _keywords(fmt: str, text: str) -> list[tuple[str, ...]]:
    """Each entry's keywords, sorted, as the format's own reader sees them."""
    if fmt in ("bibtex", "biblatex"):
        return _bib_keywords(text)
    if fmt == "csl-json":
        items = json.loads(text)
        assert text == json.dumps(items, ensure_ascii=False, indent=2) + "\n"  # as json writes it
        assert all(i["keyword"] == ", ".join(i["custom"]["keywords"]) for i in items)
        return [tuple(sorted(i["custom"]["keywords"])) for i in items]
    return [tuple(sorted(e["keywords"])) for e in rispy.loads(text)]


def test_a_newer_format_list_exports_in_every_format_keeping_every_keyword(
    synthetic: Written, listdir: Path
) -> None:
    expected = Counter(tuple(sorted(words)) for words in synthetic.keywords.values())
    assert set(NEW_KEYWORDS) <= {w for ws in expected for w in ws}  # the list uses them
    for fmt, name in OUTPUTS.items():
        out = refkit(listdir, "export", "-f", fmt, "-o", name)
        assert out.returncode == 0, out.stderr
        lines = out.stderr.splitlines()
        assert len(lines) <= 25, out.stderr
        assert "Traceback" not in out.stderr
        text = (listdir / name).read_text(encoding="utf-8")
        assert Counter(_keywords(fmt, text)) == expected, fmt
    # the newer fields: one line each, with the count of records using them
    for field, count in synthetic.new_fields.items():
        hits = [ln for ln in lines if f"unknown field '{field}'" in ln]
        assert len(hits) == 1 and f" in {count} records (e.g. meta/" in hits[0], hits
    for word in NEW_KEYWORDS:
        hits = [ln for ln in lines if f"unknown keyword '{word}'" in ln]
        assert len(hits) == 1 and hits[0].endswith("; kept as a keyword"), hits


def test_non_paper_files_are_skipped_with_one_summary_line(listdir: Path) -> None:
    out = refkit(listdir, "export", "-f", "ris")
    assert out.returncode == 0, out.stderr
    skipped = [ln for ln in out.stderr.splitlines() if "not paper records" in ln]
    assert skipped == ["refkit: warning: 3 files under meta/search/ are not paper records; skipped"]
    assert "background_words" not in out.stderr and "repo_url" not in out.stderr


def test_verbose_lists_every_place(synthetic: Written, listdir: Path) -> None:
    out = refkit(listdir, "-v", "export", "-f", "ris")
    assert out.returncode == 0, out.stderr
    places = [ln for ln in out.stderr.splitlines() if "unknown field 'rating'; skipped" in ln]
    assert len(places) == synthetic.new_fields["rating"]
    assert all(re.match(r"refkit: info: meta/\d{4}/.+\.prototxt:\d+: ", p) for p in places)
    files = [ln for ln in out.stderr.splitlines() if "; skipped" in ln and "/search/" in ln]
    assert len(files) == 4  # the summary line and one line per file


def test_unknown_venue_labels_warn_once_per_label(listdir: Path) -> None:
    out = refkit(listdir, "export", "-f", "ris")
    venue_lines = [ln for ln in out.stderr.splitlines() if "not in refkit's venue table" in ln]
    labels = [re.search(r"venue '([^']+)'", ln).group(1) for ln in venue_lines]  # type: ignore[union-attr]
    assert len(labels) == len(set(labels))
    assert all(re.search(r", in \d+ records? \(e\.g\. meta/", ln) for ln in venue_lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'paper { abbr: "H2O" }\npub { year: 2024 }\nrating: 4\n',
            "meta/2024/bad.prototxt:1: paper.title is missing or empty",
            id="paper-without-title",
        ),
        pytest.param(
            'pub { where: "ICLR" year: 2024 }\nupdate_time: 1718000000\n',
            "meta/2024/bad.prototxt:1: paper.title is missing or empty",
            id="record-without-paper-block",
        ),
        pytest.param(
            'title: "H$_2$O"\nauthors: "Zhenyu Zhang"\n',
            "meta/2024/bad.prototxt:1: title outside paper { }",
            id="paper-fields-without-paper-block",
        ),
        pytest.param(
            'background_words: "large language model\nkey_words: "x"\n',
            "meta/2024/bad.prototxt:1:19: not valid protobuf text format",
            id="syntax-error-in-a-non-paper-file",
        ),
        pytest.param(
            'paper { title: "t" }\npub { year: 2024 }\nrating: : 4\n',
            "meta/2024/bad.prototxt:3:9: not valid protobuf text format",
            id="syntax-error-in-an-unknown-field",
        ),
    ],
)
def test_real_errors_stay_errors_with_path_and_line(
    listdir: Path, text: str, expected: str
) -> None:
    (listdir / "meta/2024/bad.prototxt").write_text(text, encoding="utf-8")
    out = refkit(listdir, "export", "-o", "refs.bib")
    assert out.returncode == 2  # bad input
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("refkit: error:")]
    assert len(errors) == 1 and expected in errors[0], out.stderr
    assert not (listdir / "refs.bib").exists()
