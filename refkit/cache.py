"""The on-disk cache of raw remote responses: SQLite (WAL), keyed by (source, key).

Only a speed-up: the committed lock holds the decisions. Each row is one raw payload (a Crossref
JSON body, one arXiv Atom entry) or a "not found" answer, with its fetch time. Transport errors
are never stored. Every write is its own transaction, so a killed process loses at most the
answer it was writing and the file stays usable.

`Lookups` is the one way every source goes through it: one answer per (source, key) and run,
two threads asking the same thing wait for one request (a lock per key), "not found" is an
answer (`NotFound`), and `refresh` skips the stored answer once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .errors import OutputError

log = logging.getLogger("refkit.cache")

FILENAME = "responses.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    found INTEGER NOT NULL,
    body TEXT NOT NULL,
    fetched REAL NOT NULL,
    PRIMARY KEY (source, key)
)
"""


@dataclass(frozen=True)
class Entry:
    """One cached answer: `found` False means the source said "not found"; `body` is raw."""

    found: bool
    body: str
    fetched: float


def default_dir() -> Path:
    """The user's cache directory for refkit (platformdirs)."""
    return Path(platformdirs.user_cache_dir("refkit"))


class NotFound(Exception):
    """The source does not know this key (an answer, cached like any other)."""


class Cache:
    """A thread-safe handle on the cache file; `Cache(None)` is a cache that keeps nothing."""

    def __init__(self, directory: Path | None, *, readonly: bool = False) -> None:
        self.path = directory / FILENAME if directory is not None else None
        self.readonly = readonly
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            if self._db is not None:
                self._db.close()
            raise OutputError(
                f"{self.path}: cannot use the cache ({exc}); delete the file or pass another "
                "--cache-dir"
            ) from exc
        except OSError as exc:
            raise OutputError(
                f"{self.path.parent}: cannot create the cache directory ({exc.strerror or exc});"
                " pass another --cache-dir"
            ) from exc

    def get(self, source: str, key: str) -> Entry | None:
        """The cached answer for (source, key), or None when never asked."""
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT found, body, fetched FROM responses WHERE source = ? AND key = ?",
                (source, key),
            ).fetchone()
        return Entry(bool(row[0]), row[1], row[2]) if row else None

    def put(self, source: str, key: str, body: str | None) -> None:
        """Store a raw answer; `body=None` stores "not found"."""
        if self._db is None or self.readonly:
            return
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                        (source, key, body is not None, body or "", time.time()),
                    )
            except sqlite3.DatabaseError as exc:  # a full disk must not stop an export
                log.warning("%s: cannot store %s %s in the cache (%s)", self.path, source, key, exc)

    def batched(
        self,
        source: str,
        keys: Iterable[str],
        refresh: bool,
        batches: Callable[[list[str]], list[list[str]]],
        fetch: Callable[[list[str]], dict[str, str | None]],
        errors: tuple[type[Exception], ...],
    ) -> dict[str, str | None | Exception]:
        """Raw answer per key of a source asked in batches (arXiv, S2): the cached one (unless
        `refresh`), else `fetch`'s for each of `batches(missing keys)`, stored ("not found" as
        None too). Every key of a batch that raised one of `errors` maps to that exception."""
        out: dict[str, str | None | Exception] = {}
        todo = []
        for key in sorted(set(keys)):
            hit = None if refresh else self.get(source, key)
            if hit is not None:
                out[key] = hit.body if hit.found else None
            else:
                todo.append(key)
        for batch in batches(todo):
            try:
                got = fetch(batch)
            except errors as exc:
                out.update(dict.fromkeys(batch, exc))
                continue
            for key, raw in got.items():
                self.put(source, key, raw)
                out[key] = raw
        return out

    def count(self) -> int:
        """How many answers the cache holds."""
        if self._db is None:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()
                self._db = None


class Lookups:
    """One run's road to a source's answers: the cache, else `fetch` (stored, "not found"
    included). `refresh`: the stored answer is skipped the first time a key is asked."""

    def __init__(self, cache: Cache, refresh: bool = False) -> None:
        self.cache, self.refresh = cache, refresh
        self._guard = threading.Lock()
        self._keys: dict[tuple[str, str], threading.Lock] = {}
        self._fetched: set[tuple[str, str]] = set()

    def get(self, source: str, key: str, fetch: Callable[[], str | None]) -> str | None:
        """The raw answer for `key` of `source` ("crossref https://api.crossref.org": a server's
        answers never stand in for another's); None when the source does not know it."""
        with self._guard:
            lock = self._keys.setdefault((source, key), threading.Lock())
        with lock:
            if not self.refresh or (source, key) in self._fetched:
                hit = self.cache.get(source, key)
                if hit is not None:
                    return hit.body if hit.found else None
            try:
                body = fetch()
            except NotFound:
                body = None
            self.cache.put(source, key, body)
            self._fetched.add((source, key))
            return body
