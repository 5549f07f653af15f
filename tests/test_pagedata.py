"""The page's entries cut from the writers' whole-list output (refkit/pagedata.py): the cut is
exactly what each writer prints for each paper alone, and a writer it does not fit is caught."""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
from pathlib import Path

import pytest

from refkit import exports, pagedata, writers
from refkit.errors import OutputError
from refkit.model import Item
from refkit.normalize import load_items
from refkit.writers.bibtex import key

from .synthetic import write_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> list[Item]:
    """The committed list and 600 synthetic records (math titles, blogs, unknown venues...)."""
    tmp = tmp_path_factory.mktemp("synthetic")
    write_list(tmp, 600, seed=3)
    logging.disable(logging.WARNING)
    try:
        both = load_items(ROOT / "meta") + load_items(tmp / "meta")
    finally:
        logging.disable(logging.NOTSET)
    return sorted(both, key=key)


@pytest.mark.parametrize("fmt", list(pagedata.FRAMES))
def test_every_cut_entry_is_the_writers_output_for_that_paper(items: list[Item], fmt: str) -> None:
    frame = pagedata.FRAMES[fmt]
    write = writers.get(frame.writer).write
    done = pagedata.cut(items, fmt)
    assert len(done) == len(items) > pagedata.SAMPLE  # the sampled check, not all of them
    for i, item in enumerate(items):  # here every one is compared
        assert frame.head + done.entry(i) + frame.tail == write([item]), key(item)
    # and any selection is its entries joined, as the page's script joins them
    picked = items[3::7]
    joined = frame.sep.join(done.entry(i) for i in range(3, len(items), 7))
    assert write(picked) == frame.head + joined + frame.tail


def test_a_frame_that_does_not_cut_falls_back_to_writing_each_paper(
    items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = pagedata.cut(items, "csl-json")
    wrong = dataclasses.replace(pagedata.FRAMES["csl-json"], start="  [")
    monkeypatch.setitem(pagedata.FRAMES, "csl-json", wrong)
    slow = pagedata.cut(items, "csl-json")  # no seam matches: written paper by paper
    assert slow.starts == fast.starts


def test_a_writer_whose_entries_depend_on_the_list_is_refused(
    items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries that cut cleanly (one per paper, each naming its key) but differ when a paper
    is written alone: the sample check refuses the page."""

    def numbered(batch: list[Item]) -> str:
        return "\r\n".join(
            f"TY  - GEN\r\nID  - {key(it)}\r\nN1  - {n}\r\nER  - \r\n"
            for n, it in enumerate(sorted(batch, key=key))
        )

    monkeypatch.setitem(writers.FORMATS, "ris", writers.Format("ris", ".ris", numbered))
    with pytest.raises(OutputError, match="ris writer's output"):
        pagedata.cut(items, "ris")


def test_the_data_is_the_json_of_the_entries(items: list[Item]) -> None:
    done = pagedata.cuts(items[:50])
    data = json.loads(pagedata.plain(done))["formats"]
    assert list(data) == list(pagedata.FRAMES)
    for fmt, c in done.items():
        assert data[fmt]["entries"] == [c.entry(i) for i in range(len(c))]
        assert data[fmt]["sep"] == pagedata.FRAMES[fmt].sep
    assert gzip.decompress(pagedata.gzipped(done)).decode() == "".join(pagedata.pieces(done))


def test_by_venue_files_are_the_bibtex_writers_output(items: list[Item]) -> None:
    files = exports.render(items)
    bibtex = writers.get("bibtex").write
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(exports._slug(item["custom"]["venue_key"]), []).append(item)
    for slug, group in groups.items():
        assert files[f"by-venue/{slug}.bib"] == bibtex(group), slug


def test_long_venue_names_get_short_distinct_file_names() -> None:
    a, b = "Workshop " + "x" * 300, "Workshop " + "x" * 299 + "y"
    assert exports._slug(a) != exports._slug(b)
    assert len(exports._slug(a)) == exports.SLUG_MAX
    assert exports._slug("ACL Findings") == "acl-findings"


@pytest.mark.parametrize("fmt", list(pagedata.FRAMES))
def test_the_writers_output_cuts_at_the_seams(items: list[Item], fmt: str) -> None:
    """The fast path holds for refkit's own writers (otherwise `export --all` silently writes
    every paper a second time): a change to a writer's layout must update FRAMES."""
    frame = pagedata.FRAMES[fmt]
    whole = writers.get(frame.writer).write(items)
    assert pagedata._seams(whole, frame, [key(i) for i in items]) is not None
