"""The CLI as users run it: selection, exports/ and --check, and bad input (one line, no traceback,
nothing half-written)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli import ROOT, copy_list, refkit


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return refkit(cwd, *args)


@pytest.fixture
def listdir(tmp_path: Path) -> Path:
    """A copy of the list (meta/ and its lock) that a test may change."""
    return copy_list(tmp_path)


def keys_of(bib: str) -> list[str]:
    return [line.split("{", 1)[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")]


def test_selection_filters_combine(listdir: Path) -> None:
    out = run("export", "--format", "bib", "--venue", "iclr", cwd=listdir)
    assert out.returncode == 0, out.stderr
    iclr = keys_of(out.stdout)
    assert len(iclr) == 18 and "frantar2023gptq" in iclr  # 17 ICLR + 1 "ICLR oral"
    out = run(
        "export", "--venue", "ICLR", "--year", "2023", "--keyword", "quantization", cwd=listdir
    )
    assert keys_of(out.stdout) and all("2023" in k for k in keys_of(out.stdout))
    assert set(keys_of(out.stdout)) < set(iclr)
    out = run("export", "--key", "frantar2023gptq", "--key", "lecun1989optimal", cwd=listdir)
    assert keys_of(out.stdout) == ["frantar2023gptq", "lecun1989optimal"]


def test_output_format_from_suffix_and_atomic_file(listdir: Path) -> None:
    for name, check in (
        ("refs.bib", lambda t: t.startswith("@")),
        ("refs.json", lambda t: len(json.loads(t)) == 124),
        ("refs.ris", lambda t: t.startswith("TY  -")),
    ):
        out = run("export", "-o", name, cwd=listdir)
        assert out.returncode == 0, out.stderr
        assert check((listdir / name).read_text(encoding="utf-8")), name
    assert not [p for p in listdir.iterdir() if p.name.startswith(".refs")]


def test_export_all_then_check(listdir: Path) -> None:
    assert run("export", "--all", cwd=listdir).returncode == 0
    files = sorted(
        p.relative_to(listdir / "exports").as_posix()
        for p in (listdir / "exports").rglob("*")
        if p.is_file()
    )
    assert {
        "papers.bib",
        "papers-biblatex.bib",
        "papers.json",
        "papers.ris",
        "by-venue/iclr.bib",
        "by-venue/no-venue.bib",
    } <= set(files)
    ok = run("export", "--all", "--check", cwd=listdir)
    assert ok.returncode == 0, ok.stderr
    before = {f: (listdir / "exports" / f).read_bytes() for f in files}
    assert run("export", "--all", cwd=listdir).returncode == 0
    assert before == {f: (listdir / "exports" / f).read_bytes() for f in files}  # byte-identical
    # a record changes: --check names the stale files and exits 1
    gptq = listdir / "meta/2023/gptq.prototxt"
    gptq.write_text(gptq.read_text().replace('where: "ICLR"', 'where: "ICML"'))
    (listdir / "exports/by-venue/left-over.bib").write_text("")
    stale = run("export", "--all", "--check", cwd=listdir)
    assert stale.returncode == 1
    for name in (
        "papers.bib",
        "papers.json",
        "by-venue/iclr.bib",
        "by-venue/icml.bib",
        "by-venue/left-over.bib",
    ):
        assert f"  {name}\n" in stale.stderr + "\n", stale.stderr
    assert "Traceback" not in stale.stderr
    assert run("export", "--all", cwd=listdir).returncode == 0
    assert not (listdir / "exports/by-venue/left-over.bib").exists()
    assert run("export", "--all", "--check", cwd=listdir).returncode == 0


def bad(listdir: Path, rel: str, content: str | bytes) -> None:
    path = listdir / "meta" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        pytest.param(
            lambda d: shutil.rmtree(d / "meta"),
            ("export",),
            "meta: no such directory",
            id="no-meta",
        ),
        pytest.param(
            lambda d: [p.unlink() for p in (d / "meta").rglob("*.prototxt")],
            ("export",),
            "no *.prototxt records",
            id="empty-list",
        ),
        pytest.param(
            lambda d: bad(d, "2024/t.prototxt", "pub { year: 2024 }\n"),
            ("export",),
            "2024/t.prototxt:1: paper.title is missing",
            id="no-title",
        ),
        pytest.param(
            lambda d: bad(d, "2024/t.prototxt", 'paper { title: "x" }\npub { year: 0 }\n'),
            ("export",),
            "2024/t.prototxt:2: pub.year is 0",
            id="year-0",
        ),
        pytest.param(
            lambda d: bad(d, "2024/t.prototxt", 'paper { title: "x" }\n'),
            ("export",),
            "2024/t.prototxt:1: pub.year is missing",
            id="year-absent",
        ),
        pytest.param(
            lambda d: bad(d, "2024/t.prototxt", b'paper { title: "\xff" }\npub { year: 2024 }\n'),
            ("export",),
            "2024/t.prototxt:1: not UTF-8",
            id="not-utf8",
        ),
        pytest.param(
            lambda d: bad(d, "2024/t.prototxt", "paper { title: 'x' \n"),
            ("export",),
            "2024/t.prototxt:2:1: not valid protobuf text format",
            id="syntax",
        ),
        pytest.param(
            lambda d: None,
            ("export", "--format", "docx"),
            "Invalid value for '-f' / '--format'",
            id="unknown-format",
        ),
        pytest.param(
            lambda d: None, ("export", "-o", "refs.docx"), "refs.docx", id="unknown-suffix"
        ),
        pytest.param(
            lambda d: None,
            ("export", "-o", "/proc/refkit-cannot/refs.bib"),
            "/proc/refkit-cannot/refs.bib: cannot write",
            id="unwritable",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    listdir: Path, setup, args: tuple[str, ...], expected: str
) -> None:  # noqa: ANN001
    setup(listdir)
    out = (
        run(*args, "-o", "out.bib", cwd=listdir)
        if "-o" not in args and "--format" not in args
        else run(*args, cwd=listdir)
    )
    assert out.returncode != 0
    assert expected in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert all(
        line.startswith(("refkit:", "Usage:", "Try ", "Error:", "  ")) or not line
        for line in out.stderr.splitlines()
    ), out.stderr
    assert not (listdir / "out.bib").exists()
    assert not [p for p in listdir.iterdir() if p.name.startswith(".out")]


def test_keep_going_exports_the_valid_records_and_exits_1(listdir: Path) -> None:
    bad(listdir, "2024/t.prototxt", "paper { title: }\n")
    bad(listdir, "2024/u.prototxt", 'paper { title: "x" }\n')
    out = run("export", "--keep-going", "-o", "out.bib", cwd=listdir)
    assert out.returncode == 1
    assert out.stderr.count("refkit: error:") == 2
    assert len(keys_of((listdir / "out.bib").read_text())) == 124


def test_keep_going_keeps_the_pins_of_records_that_failed_to_parse(listdir: Path) -> None:
    gptq = listdir / "meta/2023/gptq.prototxt"
    gptq.write_text(gptq.read_text().replace('title: "GPTQ', "title: GPTQ"))  # now invalid
    out = run("export", "--keep-going", "-o", "out.bib", cwd=listdir)
    assert out.returncode == 1 and "2023/gptq.prototxt:2:" in out.stderr
    lock = (listdir / "refkit.lock").read_text()
    assert '[records."2023/gptq"]\nkey = "frantar2023gptq"' in lock
