"""The maintainer's round trip through the CLI: `refkit export --all` with the (local) network
fills the lock; then, with no network at all, `--check` and `--frozen` reproduce the same exports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from refkit import lock as locks
from tests.cli import CLOSED, ROOT, copy_list, refkit
from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer

DATA = ROOT / "tests/data/enrich"
WORKS = json.loads((DATA / "crossref_works.json").read_text(encoding="utf-8"))
ENTRIES = json.loads((DATA / "arxiv_entries.json").read_text(encoding="utf-8"))
FAST = {"polite": (200, 100, 4)}


def run(
    cwd: Path, *args: str, crossref: str = CLOSED, arxiv: str = CLOSED
) -> subprocess.CompletedProcess[str]:
    return refkit(
        cwd,
        *args,
        REFKIT_CROSSREF_URL=crossref,
        REFKIT_ARXIV_URL=arxiv,
        REFKIT_MAILTO="ci@example.org",
        REFKIT_HTTP_TIMEOUT="3",
    )


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the list whose lock was filled by one export against the local servers."""
    root = copy_list(tmp_path_factory.mktemp("list"))
    with CrossrefServer(WORKS, limits=FAST) as cr, ArxivServer(ENTRIES, min_interval=0.2) as ax:
        out = run(
            root, "export", "--all", "--report", "report.jsonl", crossref=cr.url, arxiv=ax.url
        )
        assert out.returncode == 0, out.stderr
        assert cr.violations == 0 and ax.violations == 0
    (root / "stderr.txt").write_text(out.stderr)
    return root


def test_the_lock_pins_every_record_with_its_evidence(filled: Path) -> None:
    lock = locks.load(filled / "refkit.lock")
    assert len(lock) == 124 and all("doi" in entry and "key" in entry for entry in lock.values())
    assert lock["2023/gptq"]["key"] == "frantar2023gptq"  # keys survive enrichment
    dois = {rid: e["doi"] for rid, e in lock.items() if e["doi"] != "none"}
    assert len(dois) >= 15 and all(d.startswith("10.") for d in dois.values())
    report = [json.loads(line) for line in (filled / "report.jsonl").read_text().splitlines()]
    assert len(report) == 124 and {line["lookup"] for line in report} <= {"resolved", "lock"}
    assert "have a published version" in (filled / "stderr.txt").read_text()


def test_enriched_values_reach_every_format(filled: Path) -> None:
    exports = filled / "exports"
    bib = (exports / "papers.bib").read_text()
    csl = {i["id"]: i for i in json.loads((exports / "papers.json").read_text())}
    ris = (exports / "papers.ris").read_text()
    lock = locks.load(filled / "refkit.lock")
    acl = next(e for e in lock.values() if e["doi"].startswith("10.18653/"))
    item = csl[acl["key"]]
    assert item["DOI"] == acl["doi"] and "page" in item
    assert f"doi = {{{acl['doi']}}}" in bib and f"DO  - {acl['doi']}" in ris
    gptq = csl["frantar2023gptq"]  # the record lists two authors; arXiv has them all, in order
    entry = next(e for e in ENTRIES if e["id"] == "2210.17323")
    assert [f"{a['given']} {a['family']}" for a in gptq["author"]] == entry["authors"]
    assert len(entry["authors"]) > 2


def test_offline_check_and_frozen_reproduce_the_exports(filled: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (filled / "exports").rglob("*") if p.is_file()}
    check = run(filled, "export", "--all", "--check")
    assert check.returncode == 0, check.stderr
    again = run(filled, "export", "--all")  # default mode, network unreachable: the lock decides
    assert again.returncode == 0, again.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert "not enriched" not in again.stderr  # nothing left to look up
    frozen = run(filled, "export", "--frozen", "-o", str(tmp_path / "x.json"))
    assert frozen.returncode == 0, frozen.stderr
    assert json.loads((tmp_path / "x.json").read_text()) == json.loads(
        (filled / "exports/papers.json").read_text()
    )
