"""Enrichment: items + lock -> items with remote values, the updated lock and the evidence.

The lock decides; the cache only saves requests. A record the lock pins is enriched from the lock
alone; the others are looked up (cache, then network), and a lookup that finished is pinned.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..lock import Lock
from ..model import Item
from .merge import merge
from .published import needs
from .routes import asks_crossref, decided_by, is_preprint
from .sources import LANDING, PUBLISHED, enabled

if TYPE_CHECKING:  # the network side is imported only when something must be looked up
    from .resolve import Resolution, Resolver

log = logging.getLogger("refkit.enrich")

# For a field both sources give, the earlier source wins; the record beats both (see merge.py).
PRECEDENCE = ("crossref", "arxiv")
# Tables of the published-version sources merge reads too (dblp: proceedings data of venue
# records; published: the chosen published version of a preprint).
EXTRA = ("dblp", "published")

CROSSREF_URL = "https://api.crossref.org"
ARXIV_URL = "https://export.arxiv.org/api/query"
Mode = Literal["normal", "refresh", "frozen", "offline"]


@dataclass(frozen=True)
class Options:
    crossref_url: str = CROSSREF_URL
    arxiv_url: str = ARXIV_URL
    mailto: str | None = None
    cache_dir: Path | None = None  # None: the platformdirs user cache dir
    mode: Mode = "normal"
    progress: bool = False
    timeout: float = 20.0  # seconds per HTTP request (REFKIT_HTTP_TIMEOUT)
    retries: int = 5
    backoff: float = 1.0  # first retry delay in seconds; doubles each retry
    arxiv_spacing: float = 3.0  # seconds between arXiv calls (arXiv API terms of use)
    # base URL per registry source (sources.py); a source absent or "off" is not asked
    urls: Mapping[str, str] = field(default_factory=dict)
    keys: Mapping[str, str] = field(default_factory=dict)  # API key per registry source

    @classmethod
    def from_env(cls, **overrides: Any) -> Options:
        """Options from the environment (REFKIT_CROSSREF_URL, REFKIT_ARXIV_URL, REFKIT_MAILTO,
        REFKIT_CACHE_DIR, REFKIT_HTTP_TIMEOUT) or the config file (see config.py); keyword
        overrides that are not None win."""
        from .. import config
        from .sources import REGISTRY

        cache_dir = config.get("cache_dir")
        base = cls(
            crossref_url=config.get("crossref_url") or CROSSREF_URL,
            arxiv_url=config.get("arxiv_url") or ARXIV_URL,
            mailto=config.get("mailto"),
            cache_dir=Path(cache_dir) if cache_dir else None,
            timeout=float(config.get("http_timeout") or 20.0),
            urls={
                n: config.get(REGISTRY[n].setting) or REGISTRY[n].url for n in PUBLISHED + LANDING
            },
            keys={
                n: key
                for n, s in REGISTRY.items()
                if s.key_setting and (key := config.get(s.key_setting))
            },
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class Enrichment:
    items: list[Item]
    lock: Lock
    lock_changed: bool
    report: list[dict[str, Any]]
    summary: list[str]
    requests: int
    not_enriched: list[str] = field(default_factory=list)


def basis(item: Item) -> str:
    """A fingerprint of what the lookups depend on: a record edit makes its pin stale."""
    names = [[n.get("family", ""), n.get("literal", "")] for n in item.get("author", [])]
    c = item.get("custom", {})
    parts = [
        item.get("title", ""),
        names,
        item.get("issued"),
        c.get("venue_key"),
        c.get("arxiv_id"),
        item.get("URL"),
    ]
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def _session(options: Options) -> Any:
    """One run's HTTP session, every source's host set up from the registry."""
    from ..http import Session
    from .sources import REGISTRY

    session = Session(
        mailto=options.mailto,
        timeout=options.timeout,
        retries=options.retries,
        backoff=options.backoff,
        offline=options.mode == "offline",
    )
    urls = {"crossref": options.crossref_url, "arxiv": options.arxiv_url, **options.urls}
    for name, src in REGISTRY.items():
        url = urls.get(name, "")
        if enabled(url):
            budgets = src.budgets
            if name == "arxiv":
                budgets = {"list": (1, options.arxiv_spacing)}
            session.configure(url, budgets, src.concurrency, adaptive=src.adaptive)
    return session


def _scholar(options: Options, session: Any, cache: Any, mode: str, lookups: Any) -> Any:
    """The S2/DBLP lookups when either source is enabled, else None."""
    from .s2 import S2
    from .scholar import Scholar

    urls = {n: u.rstrip("/") for n, u in options.urls.items() if n in PUBLISHED and enabled(u)}
    if not urls:
        return None
    s2 = S2(urls["s2"], options.keys.get("s2")) if "s2" in urls else None
    return Scholar(session, cache, s2, urls.get("dblp"), mode, lookups)


def _pinned(
    entry: dict[str, Any], item: Item, mode: Mode, newer: frozenset[str] = frozenset()
) -> bool:
    """The lock decides for this record. `newer`: enabled published-version sources; a pin made
    before any of them was asked is stale for a record that needs one (so a lock filled before
    S2 and DBLP existed gets their data on the next run with network, not only on --refresh).
    Likewise a pin without Crossref for a record whose identity now asks it (a URL naming a
    DOI or an IEEE document, a venue refkit searches)."""
    if "doi" not in entry:
        return False
    if mode == "frozen":
        return True
    asked = set(entry.get("sources", []))
    stale = newer and needs(item) and not newer & asked
    stale = stale or ("crossref" not in asked and asks_crossref(item))
    return entry.get("basis") == basis(item) and not stale


def _entry(old: dict[str, Any], item: Item, res: Resolution, today: str) -> dict[str, Any]:
    """The lock table of a finished lookup (keeps normalize's `key`)."""
    cr = res.found.get("crossref", {})
    entry: dict[str, Any] = {k: v for k, v in old.items() if k == "key"}
    entry.update(
        doi=cr["DOI"] if cr.get("role") == "venue" and not is_preprint(item) else "none",
        date=today,
        basis=basis(item),
        sources=sorted(res.asked),
    )
    for source, values in res.found.items():
        entry[source] = {k: values[k] for k in sorted(values)}
    return entry


def enrich(
    items: list[Item], lock: Lock, options: Options, resolver: Resolver | None = None
) -> Enrichment:
    """Enrich items from the lock, the cache and the network (by `options.mode`); never prints
    and never writes the lock (only the cache). `resolver`: one from `open_resolver(options)`
    that the caller shares between calls (one session: one set of rate limits); else its own."""
    mode = options.mode
    lock = {rid: dict(v) for rid, v in lock.items()}
    newer = frozenset(n for n, u in options.urls.items() if n in PUBLISHED and enabled(u))
    held: dict[str, bool] = {}  # record id -> the lock decides (asked once: it hashes the basis)

    def pinned(item: Item) -> bool:
        rid = item["custom"]["record_id"]
        if rid not in held:
            held[rid] = _pinned(lock.get(rid, {}), item, mode, newer)
        return held[rid]

    todo = [] if mode == "frozen" else [i for i in items if mode == "refresh" or not pinned(i)]
    results: dict[str, Resolution] = {}
    requests = 0
    if todo and resolver is not None:
        before_requests = resolver.session.requests
        results = resolver.resolve(todo, options.progress)
        requests = resolver.session.requests - before_requests
    elif todo:
        if not options.mailto and mode != "offline":
            log.warning(
                "no contact address: Crossref's public pool (slower); set REFKIT_MAILTO to your e-mail"
            )
        with open_resolver(options) as own:
            try:
                results = own.resolve(todo, options.progress)
            finally:
                requests = own.session.requests

    today = date.today().isoformat()
    before = dict(lock)  # entries are replaced below, never changed in place
    out_items, report, published, missing, unreachable = [], [], [], [], 0
    nothing: list[str] = []
    completed: list[str] = []
    for item in items:
        rid = item["custom"]["record_id"]
        res = results.get(rid)
        line: dict[str, Any] = {"id": rid, "key": item.get("citation-key", "")}
        if res is not None and res.complete:
            lock[rid] = _entry(lock.get(rid, {}), item, res, today)
            line.update(lookup="resolved", sources=res.asked, evidence=res.evidence)
        elif res is not None:
            unreachable += res.unreachable
            missing.append(rid)
            line.update(
                lookup="failed", sources=res.asked, evidence=res.evidence, error=res.errors[0]
            )
        else:  # the lock entry is as it was when `todo` was chosen
            line.update(lookup="lock" if pinned(item) else "none")
        entry = lock.get(rid, {})
        if res is not None and not res.complete and not _pinned(entry, item, "frozen"):
            entry = {}
        if mode == "frozen" and "doi" not in entry:
            missing.append(rid)
        found = {s: entry[s] for s in PRECEDENCE + EXTRA if isinstance(entry.get(s), dict)}
        merged = merge(item, found, PRECEDENCE)
        out_items.append(merged.item)
        cr = found.get("crossref", {})
        doi = entry.get("doi") if entry.get("doi") not in (None, "none") else None
        line.update(
            doi=doi,
            decided_by=decided_by(entry),
            score=cr.get("score") if cr else None,
            resolved=entry.get("date"),
            changed=merged.changed,
            conflicts=merged.conflicts,
            published=merged.published or None,
        )
        if res is not None and res.complete and not res.asked:
            nothing.append(rid)
        if merged.completed:
            line["completed"] = merged.completed
            completed.append(rid)
        if merged.published:
            published.append(f"{rid} ({merged.published})")
        report.append(line)

    summary = []
    if published:
        summary.append(
            f"{len(published)} preprints have a published version: " + ", ".join(published)
        )
    if completed:
        summary.append(
            f"{len(completed)} author lists completed from arXiv (the record's own arXiv id; "
            "its names all match): " + ", ".join(completed)
        )
    if missing:
        why = {
            "frozen": "not in the lock (--frozen); run `refkit export` with network and commit refkit.lock",
            "offline": "not in the lock or the cache (--offline)",
        }.get(
            mode,
            "network unreachable" if unreachable else "lookups failed; the next run retries them",
        )
        if unreachable or mode == "offline":  # the one warning an offline run gives
            log.warning("%d records not enriched: %s", len(missing), why)
        else:
            summary.append(f"{len(missing)} records not enriched: {why}")
    if nothing:
        summary.append(
            f"{len(nothing)} records had nothing to look up by (no identifier in the URL, and "
            "not a paper or a venue without Crossref DOIs, DBLP or arXiv): " + ", ".join(nothing)
        )
    conflicts = sum(1 for r in report if r["conflicts"])
    if conflicts:
        summary.append(f"{conflicts} records differ from a source (kept the record; see --report)")
    return Enrichment(
        items=out_items,
        lock=lock,
        lock_changed=lock != before,
        report=report,
        summary=summary,
        requests=requests,
        not_enriched=missing,
    )


@contextmanager
def open_resolver(options: Options) -> Iterator[Resolver]:
    """A Resolver set up as `enrich` sets up its own (session limits, cache, sources), for
    callers that look papers up in several steps and pass it to `enrich` (`refkit add`)."""
    from ..cache import Cache, Lookups, default_dir
    from .arxiv import Arxiv
    from .crossref import Crossref
    from .resolve import Resolver

    mode = options.mode
    session = _session(options)
    cache = Cache(options.cache_dir or default_dir())
    run_mode = "offline" if mode == "offline" else "refresh" if mode == "refresh" else "normal"
    lookups = Lookups(cache, run_mode == "refresh")
    try:
        yield Resolver(
            session,
            cache,
            Arxiv(options.arxiv_url),
            Crossref(options.crossref_url, options.mailto, options.timeout),
            run_mode,
            _scholar(options, session, cache, run_mode, lookups),
            lookups,
        )
    finally:
        session.close()
        cache.close()


__all__ = ["Options", "Enrichment", "enrich", "open_resolver", "PRECEDENCE"]
