"""The response cache: round trips, "not found", and surviving kill -9 in the middle of a run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from refkit.cache import FILENAME, Cache
from refkit.enrich import Options, enrich
from refkit.normalize import load_items
from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer

DATA = Path("tests/data/enrich")
FAST = {"polite": (200, 100, 4)}  # limits the fake advertises: the client sizes itself from them


def test_round_trip_and_not_found(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.get("crossref", "works/10.1/x") is None
    cache.put("crossref", "works/10.1/x", '{"message": {}}')
    cache.put("crossref", "works/10.1/missing", None)
    cache.close()
    again = Cache(tmp_path)
    hit = again.get("crossref", "works/10.1/x")
    assert hit is not None and hit.found and hit.body == '{"message": {}}' and hit.fetched > 0
    miss = again.get("crossref", "works/10.1/missing")
    assert miss is not None and not miss.found
    assert again.get("arxiv", "works/10.1/x") is None  # the source is part of the key
    assert again.count() == 2
    mode = sqlite3.connect(tmp_path / FILENAME).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_no_directory_keeps_nothing() -> None:
    cache = Cache(None)
    cache.put("arxiv", "1", "x")
    assert cache.get("arxiv", "1") is None


def test_a_broken_cache_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not sqlite" * 100)
    from refkit.errors import OutputError

    with pytest.raises(OutputError, match="--cache-dir"):
        Cache(tmp_path)


CHILD = """
import sys
from pathlib import Path
from refkit.enrich import Options, enrich
from refkit.normalize import load_items
opts = Options(crossref_url=sys.argv[1], arxiv_url=sys.argv[2], mailto="ci@example.org",
               cache_dir=Path(sys.argv[3]), timeout=5.0, backoff=0.1)
enrich(load_items(Path("meta")), {}, opts)
print("finished")
"""


def _rows(path: Path) -> int:
    """Crossref answers in the cache file (read-only, while the child writes)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            sql = "SELECT COUNT(*) FROM responses WHERE source LIKE 'crossref %'"
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_kill_9_mid_run_then_rerun(tmp_path: Path) -> None:
    works = json.loads((DATA / "crossref_works.json").read_text())
    entries = json.loads((DATA / "arxiv_entries.json").read_text())
    with (
        CrossrefServer(works, latency=0.05, limits=FAST) as cr,
        ArxivServer(entries, min_interval=0.0) as ax,
    ):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, cr.url, ax.url, str(tmp_path)],
            env={**os.environ, "PYTHONPATH": os.getcwd()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(600):  # up to ~30 s: the cache fills a few answers in well under that
                if _rows(tmp_path / FILENAME) >= 10 or child.poll() is not None:
                    break
                time.sleep(0.05)
            assert child.poll() is None, "the child finished before it could be killed"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            out, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL and b"finished" not in out

        db = sqlite3.connect(tmp_path / FILENAME)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        cache = Cache(tmp_path)
        assert cache.count() >= 10
        cache.close()
        dois_before, searches_before = _crossref_keys(tmp_path)

        opts = Options(cr.url, ax.url, "ci@example.org", tmp_path, timeout=5.0, backoff=0.1)
        items = load_items(Path("meta"))
        # the rerun's requests: the server may log the killed child's last one after the kill
        rerun_at = time.monotonic()
        result = enrich(items, {}, opts)
        assert len(result.items) == len(items) == len(result.report)
        assert not result.not_enriched
        assert all(line["lookup"] == "resolved" for line in result.report)
        # nothing the killed run had cached is asked again; every search is asked once in all
        again = [r for r in cr.requests if r.start > rerun_at]
        singles = {
            unquote(r.path.removeprefix("/works/")).lower() for r in again if r.kind == "single"
        }
        assert not singles & dois_before
        _, searches_after = _crossref_keys(tmp_path)
        assert len([r for r in again if r.kind == "list"]) == searches_after - searches_before
        assert cr.violations == 0


def _crossref_keys(directory: Path) -> tuple[set[str], int]:
    """(DOIs fetched, number of searches) the cache holds for Crossref."""
    db = sqlite3.connect(directory / FILENAME)
    keys = [k for (k,) in db.execute("SELECT key FROM responses WHERE source LIKE 'crossref %'")]
    db.close()
    dois = {k.removeprefix("works/") for k in keys if k.startswith("works/")}
    return dois, len(keys) - len(dois)


def test_lookups_one_request_per_key_across_threads(tmp_path: Path) -> None:
    """The one cache path every source takes: two records asking the same thing at once wait
    for one request; "not found" is stored; refresh asks once more, then reads the cache."""
    import threading

    from refkit.cache import Lookups, NotFound
    from refkit.enrich.crossref import NotFound as CrossrefNotFound
    from refkit.enrich.dblp import NotFound as DblpNotFound

    assert issubclass(CrossrefNotFound, NotFound) and issubclass(DblpNotFound, NotFound)
    calls: list[str] = []
    gate = threading.Event()

    def fetch() -> str:
        calls.append("x")
        gate.wait(2)  # both threads are inside `get` before the answer arrives
        return "body"

    lookups = Lookups(Cache(tmp_path))
    got: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: got.append(lookups.get("s", "k", fetch))) for _ in range(2)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert got == ["body", "body"] and calls == ["x"]

    def missing() -> str:
        raise CrossrefNotFound("10.1/x")

    assert lookups.get("s", "gone", missing) is None
    assert lookups.cache.get("s", "gone") is not None  # the answer "not found" is kept
    fresh = Lookups(lookups.cache, refresh=True)
    assert fresh.get("s", "k", lambda: "new") == "new"
    assert fresh.get("s", "k", lambda: "never asked") == "new"
