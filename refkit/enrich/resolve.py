"""Looking records up: cache first, then the network, arXiv in batches, Crossref in threads.

`Resolver.resolve(items)` returns, per record id, a `Resolution`: the values each source gave
(already validated against the record), the sources asked, the evidence for the report, and
whether every lookup finished (a record with a failed lookup is not locked; the next run
retries it).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rapidfuzz import fuzz
from tqdm import tqdm

from .. import texmath
from ..cache import Cache
from ..http import Blocked, Failed, Session, Unreachable
from ..model import Item, plain
from .arxiv import Arxiv
from .crossref import Crossref, NotFound
from .markup import clean, fold
from .match import decide, judge, title_similarity, work_title, work_year
from .scholar import Scholar, fill_proceedings

WORKERS = 8


@dataclass
class Resolution:
    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unreachable: bool = False

    @property
    def complete(self) -> bool:
        return not self.errors


def crossref_values(
    work: dict[str, Any], role: str, score: float, venue: str = ""
) -> dict[str, Any]:
    """What refkit keeps of a matched Crossref work (cleaned, lock-ready); of several
    container titles (a book series and the proceedings), the one closest to `venue`."""
    containers = [clean(c) for c in work.get("container-title") or []] or [""]
    container = max(containers, key=lambda c: fuzz.token_set_ratio(fold(c), fold(venue)))
    authors = []
    for a in work.get("author") or []:
        if a.get("family"):
            name = {"family": clean(a["family"])}
            if a.get("given"):
                name["given"] = clean(a["given"])
            authors.append(name)
        elif a.get("name"):
            authors.append({"literal": clean(a["name"])})
    values: dict[str, Any] = {
        "role": role,
        "DOI": str(work.get("DOI", "")).lower(),
        "title": work_title(work),
        "type": work.get("type", ""),
        "year": work_year(work),
        "score": score,
        "author": authors,
        "container-title": container,
        "page": str(work.get("page", "")).replace("--", "-"),
        "volume": str(work.get("volume", "")),
        "issue": str(work.get("issue", "")),
        "publisher": clean(work.get("publisher", "")),
    }
    return {k: v for k, v in values.items() if v not in ("", [], 0) or k == "score"}


class Resolver:
    """One run's lookups. `mode`: "normal", "refresh" (skip cache reads) or "offline"."""

    def __init__(
        self,
        session: Session,
        cache: Cache,
        arxiv: Arxiv,
        crossref: Crossref,
        mode: str,
        scholar: Scholar | None = None,
    ) -> None:
        self.session, self.cache, self.arxiv, self.crossref = session, cache, arxiv, crossref
        self.mode = mode
        self.scholar = scholar  # S2 and DBLP (published versions), when enabled
        # cache sources name the server too: answers of one server never stand in for another's
        self.source = {"arxiv": f"arxiv {arxiv.url}", "crossref": f"crossref {crossref.url}"}
        # offline with nothing cached (a first run): every Crossref lookup fails at its first
        # cache miss, so it fails before building its queries
        self.nothing_cached = mode == "offline" and cache.count() == 0

    def cached(self, source: str, key: str, fetch: Callable[[], str | None]) -> str | None:
        """A raw answer from the cache, else from `fetch` (stored, "not found" included)."""
        if self.mode != "refresh":
            hit = self.cache.get(self.source[source], key)
            if hit is not None:
                return hit.body if hit.found else None
        self.session.check(self.crossref.url if source == "crossref" else self.arxiv.url)
        try:
            body = fetch()
        except NotFound:
            body = None
        self.cache.put(self.source[source], key, body)
        return body

    def resolve(self, items: list[Item], progress: bool) -> dict[str, Resolution]:
        ids = [i["custom"]["arxiv_id"] for i in items if i.get("custom", {}).get("arxiv_id")]
        out: dict[str, Resolution] = {}
        if self.mode == "offline":  # the cache alone: no network wait to overlap, so no threads
            entries: Future = Future()
            entries.set_result(self.arxiv_entries(ids))
            return {item["custom"]["record_id"]: self.one(item, entries) for item in items}
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            entries = pool.submit(self.arxiv_entries, ids)
            papers = pool.submit(self.scholar.papers, items) if self.scholar else None
            order = sorted(items, key=lambda i: bool(i["custom"].get("arxiv_id")))
            jobs = {
                pool.submit(self.one, item, entries, papers): item["custom"]["record_id"]
                for item in order
            }
            bar = tqdm(total=len(jobs), disable=not progress, unit="record", desc="enrich")
            for job in as_completed(jobs):
                out[jobs[job]] = job.result()
                bar.update()
            bar.close()
        fill_proceedings(out.values())
        return out

    def arxiv_entries(self, ids: list[str]) -> dict[str, str | None | Exception]:
        """Raw entry per arXiv id (None: arXiv does not know it; an exception: lookup failed)."""
        out = self.cache.batched(
            self.source["arxiv"],
            ids,
            self.mode == "refresh",
            self.arxiv.batches,
            lambda batch: self.arxiv.fetch(self.session, batch),
            (Unreachable, Blocked, Failed, ValueError),
        )
        for aid in ids:  # ids no batch took: malformed
            out.setdefault(aid, ValueError(f"malformed arXiv id {aid!r}"))
        return out

    def one(self, item: Item, entries: Future, papers: Future | None = None) -> Resolution:
        res = Resolution()
        try:
            self._arxiv(item, entries, res)
            self._crossref(item, res)
            if self.scholar is not None and papers is not None:
                self.scholar.resolve(item, papers, res)
        except (Unreachable, Blocked, Failed) as exc:
            res.errors.append(str(exc))
            res.unreachable = isinstance(exc, Unreachable | Blocked)
        return res

    def _arxiv(self, item: Item, entries: Future, res: Resolution) -> None:
        aid = item["custom"].get("arxiv_id")
        if not aid:
            return
        res.asked.append("arxiv")
        raw = entries.result().get(aid)
        if isinstance(raw, Exception):
            if isinstance(raw, Unreachable | Blocked | Failed):
                raise raw
            raise Failed(f"arXiv: {raw}")
        if raw is None:
            res.evidence.append({"source": "arxiv", "id": aid, "result": "not found"})
            return
        values = {"id": aid, **self.arxiv.read(raw)}
        sim = title_similarity(plain(item, "title"), texmath.plain(values["title"]))
        ok = sim >= 0.8
        res.evidence.append(
            {
                "source": "arxiv",
                "id": aid,
                "result": "accepted" if ok else "rejected",
                "reasons": [f"title {sim:.2f}"] + ([] if ok else ["arXiv entry has another title"]),
            }
        )
        if ok:
            res.found["arxiv"] = values

    def _crossref(self, item: Item, res: Resolution) -> None:
        route = self.crossref.route(item)
        ax = res.found.get("arxiv", {})
        if not route or (route == "preprint" and ax.get("journal_ref") and not ax.get("doi")):
            return
        res.asked.append("crossref")
        if self.nothing_cached:
            self.session.check(self.crossref.url)
        wanted = self.crossref.wanted(item, route)
        role = "venue" if route == "venue" else "published"
        dois = [d for d in (self.crossref.derived_doi(item), ax.get("doi", "")) if d]
        for doi in dict.fromkeys(d.lower() for d in dois if not d.lower().startswith("10.48550/")):
            body = self.cached(
                "crossref", f"works/{doi}", partial(self.crossref.ask, self.session, doi=doi)
            )
            if body is None:
                res.evidence.append({"source": "crossref", "doi": doi, "result": "not found"})
                continue
            work = self.crossref.works(body)[0]
            verdict = judge(wanted, work)
            res.evidence.append(
                {
                    "source": "crossref",
                    "doi": doi,
                    "result": "accepted" if verdict.ok else "rejected",
                    "score": verdict.score,
                    "reasons": list(verdict.reasons),
                }
            )
            if verdict.ok:
                res.found["crossref"] = crossref_values(
                    work, role, verdict.score, item.get("container-title", "")
                )
                return
        if route == "preprint" and ax.get("doi"):
            return  # arXiv names the published version already
        params = self.crossref.search_params(item, route)
        key = self.crossref.search_key(params)
        body = self.cached("crossref", key, lambda: self.crossref.ask(self.session, search=params))
        works = self.crossref.works(body) if body else []
        decision = decide(wanted, works)
        res.evidence.append(
            {
                "source": "crossref",
                "search": params["query_bibliographic"],
                "result": decision.reason,
                "doi": decision.doi,
                "score": decision.score,
                "candidates": [
                    {"doi": v.doi, "ok": v.ok, "score": v.score, "reasons": list(v.reasons)}
                    for v in decision.verdicts
                ],
            }
        )
        if decision.doi:
            work = next(w for w in works if str(w.get("DOI", "")).lower() == decision.doi)
            res.found["crossref"] = crossref_values(
                work, role, decision.score, item.get("container-title", "")
            )
