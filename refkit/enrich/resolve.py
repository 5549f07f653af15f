"""Looking records up: cache first, then the network, arXiv in batches, Crossref in threads.

`Resolver.resolve(items)` returns, per record id, a `Resolution`: the values each source gave
(already validated against the record), the sources asked, the evidence for the report, and
whether every lookup finished (a record with a failed lookup is not locked; the next run
retries it).

Crossref, per record, in this order (each step only while nothing is accepted):
1. the DOI the record's URL names or implies (a publisher's page, ACL Anthology), fetched and
   judged as an identifier match ("doi in URL", "ACL Anthology id");
2. the DOI arXiv gives for the record's preprint;
3. one search (routes.py), with the year window as a date filter; a record whose URL names an
   IEEE Xplore document searches IEEE's prefix and takes only the work whose links carry it;
4. when that search found no acceptable candidate (not: an ambiguous one), the same search
   once more without the date filter: Crossref leaves undated works out of any date-filtered
   query, and many proceedings works have no date. The matcher still judges the year.
`via` in the values (and the lock) names the step that decided.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from .. import ids, texmath
from ..cache import Cache, Lookups
from ..http import Blocked, Failed, Session, Unreachable
from ..model import Item, plain
from .arxiv import Arxiv
from .crossref import Crossref, crossref_values
from .match import Candidate, Decision, decide, title_similarity
from .routes import IEEE_PREFIX, arxiv_of, crossref_ids, is_preprint
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
        lookups: Lookups | None = None,
    ) -> None:
        self.session, self.cache, self.arxiv, self.crossref = session, cache, arxiv, crossref
        self.mode = mode
        self.scholar = scholar  # S2 and DBLP (published versions), when enabled
        self.lookups = lookups or Lookups(cache, mode == "refresh")
        # cache sources name the server too: answers of one server never stand in for another's
        self.source = {"arxiv": f"arxiv {arxiv.url}", "crossref": f"crossref {crossref.url}"}
        # offline with nothing cached (a first run): every Crossref lookup fails at its first
        # cache miss, so it fails before building its queries
        self.nothing_cached = mode == "offline" and cache.count() == 0

    def _ask(self, key: str, *, doi: str = "", search: dict[str, Any] | None = None) -> str | None:
        """A Crossref answer through the one cache path (None: Crossref does not know it)."""

        def fetch() -> str:
            self.session.check(self.crossref.url)
            return self.crossref.ask(self.session, doi=doi, search=search)

        return self.lookups.get(self.source["crossref"], key, fetch)

    def work(self, doi: str) -> str | None:
        """Crossref's raw answer for one DOI, through the cache (None: Crossref does not know
        it); raises http.Unreachable/Blocked/Failed. For callers that start from a DOI."""
        return self._ask(f"works/{doi}", doi=doi)

    def resolve(self, items: list[Item], progress: bool) -> dict[str, Resolution]:
        ids = [a for a in map(arxiv_of, items) if a]
        out: dict[str, Resolution] = {}
        if self.mode == "offline":  # the cache alone: no network wait to overlap, so no threads
            entries: Future = Future()
            entries.set_result(self.arxiv_entries(ids))
            papers: Future | None = None
            if self.scholar:  # cached S2 and DBLP answers count offline as Crossref's do
                papers = Future()
                papers.set_result(self.scholar.papers(items))
            out = {item["custom"]["record_id"]: self.one(item, entries, papers) for item in items}
            fill_proceedings(out.values())
            return out
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
                self._dblp_doi(item, res)
        except (Unreachable, Blocked, Failed) as exc:
            res.errors.append(str(exc))
            res.unreachable = isinstance(exc, Unreachable | Blocked)
        return res

    def _arxiv(self, item: Item, entries: Future, res: Resolution) -> None:
        aid = arxiv_of(item)
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
        url_doi, arnumber = crossref_ids(item)
        identified = bool(url_doi or arnumber)
        if not (route or identified):
            return
        if route == "preprint" and ax.get("journal_ref") and not ax.get("doi") and not identified:
            return
        res.asked.append("crossref")
        if self.nothing_cached:
            self.session.check(self.crossref.url)
        wanted = self.crossref.wanted(item, route or "any")
        role = "published" if route == "preprint" else "venue"
        venue = item.get("container-title", "")
        url_kind = (ids.parse(item.get("URL", "")) or ids.Ident("doi", "")).kind
        dois = [(url_doi, "ACL Anthology id" if url_kind == "acl" else "doi in URL")]
        dois.append((str(ax.get("doi", "")).lower(), "arXiv's DOI"))
        seen: set[str] = set()
        for doi, via in dois:
            if not doi or doi in seen or doi.startswith("10.48550/"):
                continue
            seen.add(doi)
            ident = f"doi:{doi}" if via != "arXiv's DOI" else ""
            if self._fetch(wanted, doi, ident, via, role, venue, res):
                return
        if not route and not arnumber:
            return  # only an identifier to go on, and it did not hold
        if route == "preprint" and ax.get("doi"):
            return  # arXiv names the published version already
        ident = f"ieee:{arnumber}" if arnumber else ""
        prefix = IEEE_PREFIX if arnumber else ""
        dated = self.crossref.search_params(item, route or "any", prefix=prefix)
        decision, cands = self._search(wanted, dated, ident, res)
        via = f"IEEE Xplore document {arnumber} in the Crossref record's links" if arnumber else ""
        if decision.doi is None and not decision.reason.startswith("ambiguous"):
            undated = self.crossref.search_params(item, route or "any", dated=False, prefix=prefix)
            if undated != dated:  # one more search, without the date filter
                decision, cands = self._search(wanted, undated, ident, res)
                via = via or "search without the date filter (title, authors)"
        if decision.doi:
            cand = next(c for c in cands if c.doi == decision.doi)
            via = via or "search (title, authors, year)"
            res.found["crossref"] = crossref_values(cand.work, role, decision.score, venue, via)

    def _fetch(
        self, wanted: Any, doi: str, ident: str, via: str, role: str, venue: str, res: Resolution
    ) -> bool:
        """Fetch one DOI and judge its work (as an identifier match when `ident`); True when
        accepted (then in `res.found`)."""
        body = self._ask(f"works/{doi}", doi=doi)
        if body is None:
            res.evidence.append({"source": "crossref", "doi": doi, "result": "not found"})
            return False
        cand = Candidate.of(self.crossref.works(body)[0])
        decision = decide(wanted, [cand], ident)
        verdict = decision.verdicts[0]
        res.evidence.append(
            {
                "source": "crossref",
                "doi": doi,
                "via": via,
                "result": "accepted" if decision.doi else "rejected",
                "score": verdict.score,
                "reasons": list(verdict.reasons),
            }
        )
        if decision.doi:
            res.found["crossref"] = crossref_values(cand.work, role, verdict.score, venue, via)
        return bool(decision.doi)

    def _dblp_doi(self, item: Item, res: Resolution) -> None:
        """The DOI of the DBLP record the record's own URL id linked (a CVF paper's IEEE DOI,
        say), when Crossref gave none: fetched and judged as an identifier match."""
        db = res.found.get("dblp") or {}
        doi = str(db.get("doi", "")).lower()
        linked = str(db.get("via", "")).startswith("ee ")
        if "crossref" in res.found or not linked or not doi or doi.startswith("10.48550/"):
            return
        if is_preprint(item) or res.errors:
            return
        if "crossref" not in res.asked:
            res.asked.append("crossref")
        wanted = self.crossref.wanted(item, self.crossref.route(item) or "any")
        via = f"DOI of the DBLP record {db.get('key')} ({db['via']})"
        self._fetch(wanted, doi, f"doi:{doi}", via, "venue", item.get("container-title", ""), res)

    def _search(
        self, wanted: Any, params: dict[str, Any], ident: str, res: Resolution
    ) -> tuple[Decision, list[Candidate]]:
        """One search, its candidates normalized on arrival and judged; the evidence added."""
        key = self.crossref.search_key(params)
        body = self._ask(key, search=params)
        cands = [Candidate.of(w) for w in (self.crossref.works(body) if body else [])]
        decision = decide(wanted, cands, ident)
        res.evidence.append(
            {
                "source": "crossref",
                "search": params["query_bibliographic"],
                "dated": "from_pub_date" in params["filter"],
                "result": decision.reason,
                "doi": decision.doi,
                "score": decision.score,
                "candidates": [
                    {"doi": v.doi, "ok": v.ok, "score": v.score, "reasons": list(v.reasons)}
                    for v in decision.verdicts
                ],
            }
        )
        return decision, cands
