"""Looking published versions up: S2 in batches of 500, then at most one DBLP request a record.

Per record that `published.needs` one: the S2 paper of its own id (from the batch). A DBLP key
there that is not CoRR: that record (`/rec/{key}.bib`, linked). No S2 paper, or one that names
a publication (a venue, an ACL id, a DOI that is not arXiv's), or a venue-labelled record: one
DBLP search. An S2 paper that knows only the preprint: no DBLP request. Answers are cached
("not found" too), so a warm run asks nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from rapidfuzz import fuzz

from .. import venues
from ..cache import Cache, Lookups
from ..errors import NetworkError
from ..http import Failed, Session
from ..model import Item, plain
from . import dblp, published, s2
from .markup import fold
from .routes import is_preprint

Raw = dict[str, "str | None | Exception"]


class Scholar:
    """One run's S2 and DBLP lookups. `mode`: "normal", "refresh" or "offline"."""

    def __init__(
        self,
        session: Session,
        cache: Cache,
        s2_source: s2.S2 | None,
        dblp_url: str | None,
        mode: str,
        lookups: Lookups | None = None,
    ) -> None:
        self.session, self.cache, self.s2, self.dblp_url, self.mode = (
            session,
            cache,
            s2_source,
            dblp_url,
            mode,
        )
        self.lookups = lookups or Lookups(cache, mode == "refresh")
        self.source = {
            "s2": f"s2 {s2_source.url}" if s2_source else "s2",
            "dblp": f"dblp {dblp_url}",
        }

    # --- S2 ---------------------------------------------------------------------------------
    def papers(self, items: list[Item]) -> Raw:
        """Raw S2 paper per S2 id of the records that need one (None: S2 does not know it)."""
        if self.s2 is None:
            return {}
        s2_source = self.s2
        return self.cache.batched(
            self.source["s2"],
            {s2.ident(i) for i in items if published.needs(i)} - {""},
            self.mode == "refresh",
            s2_source.batches,
            lambda batch: s2_source.fetch(self.session, batch),
            (Exception,),  # any failure is handed to every record of the batch
        )

    # --- one record -------------------------------------------------------------------------
    def resolve(self, item: Item, papers: Future, res: Any) -> None:
        """Add `s2`, `dblp` and `published` to the record's Resolution (`res.found`)."""
        if not published.needs(item):
            return
        sid = s2.ident(item) if self.s2 else ""
        hint: dict[str, Any] | None = None
        if sid:
            res.asked.append("s2")
            raw = papers.result().get(sid)
            if isinstance(raw, NetworkError):
                raise raw
            if isinstance(raw, Exception):
                raise Failed(f"Semantic Scholar: {raw}")
            if raw is None:
                res.evidence.append({"source": "s2", "id": sid, "result": "not found"})
            else:
                hint = s2.hints(json.loads(raw))
                res.found["s2"] = {k: v for k, v in sorted(hint.items()) if k != "published"}
                res.evidence.append({"source": "s2", "id": sid, "result": "found", **hint})
        if not self.dblp_url:
            return
        preprint = is_preprint(item)
        key = (hint or {}).get("dblp", "")
        linked = bool(key) and not s2.is_corr(key)
        if linked:
            res.asked.append("dblp")
            body = self.lookups.get(
                self.source["dblp"],
                f"rec/{key}",
                lambda: dblp.ask(self.session, self.dblp_url or "", key=key),
            )
            pubs = [_read(dblp.read_bib, body, key)] if body else []
            where = f"rec {key} (S2's DBLP key)"
        elif hint is None or hint["published"] or not preprint:
            res.asked.append("dblp")
            first = next(
                (n.get("family", "") for n in item.get("author", []) if n.get("family")), ""
            )
            q = dblp.query(plain(item, "title"), first)
            body = self.lookups.get(
                self.source["dblp"],
                dblp.search_key(q),
                lambda: dblp.ask(self.session, self.dblp_url or "", q=q),
            )
            pubs = _read(dblp.read_search, body, q) if body else []
            where = f"search {q!r}"
        else:
            res.evidence.append(
                {"source": "dblp", "result": "not asked: S2 knows only the preprint"}
            )
            return
        arxiv_year = int((res.found.get("arxiv") or {}).get("year") or 0)
        want = published.wanted(item, arxiv_year)
        decision = published.decide(want, pubs, linked)
        res.evidence.append(
            {
                "source": "dblp",
                "asked": where,
                "result": decision.reason,
                "candidates": list(decision.verdicts),
            }
        )
        pub = decision.pub
        if pub is not None:
            by_id = bool(want.ident) and want.ident in published.edition_ids(pub)
            via = "s2" if linked else f"ee {want.ident}" if by_id else "search"
            res.found["dblp"] = {k: pub[k] for k in sorted(pub) if k not in ("author", "ee")}
            res.found["dblp"]["via"] = via
        if preprint:
            self._published(item, pub, hint, res)

    def _published(
        self, item: Item, pub: dict[str, Any] | None, hint: dict[str, Any] | None, res: Any
    ) -> None:
        cr = res.found.get("crossref") or {}
        cr = cr if cr.get("role") == "published" else {}
        if (
            pub is not None
            and cr
            and (
                (pub.get("doi") and pub["doi"] != cr.get("DOI"))
                or pub.get("year") != cr.get("year")
            )
        ):
            res.evidence.append(
                {
                    "source": "published",
                    "result": f"ambiguous: dblp {pub['key']} vs crossref doi:{cr['DOI']}",
                }
            )
            return
        paper = (hint or {}).get("paper", "")
        if pub is not None:
            values = published.from_dblp(pub, paper)
            if values["doi"] == "none" and cr:
                values["doi"] = cr["DOI"]
        elif cr:
            values = published.from_crossref(cr, _label(cr.get("container-title", "")))
        else:
            return
        res.found["published"] = values


def _read(parse: Callable[[str], Any], body: str, what: str) -> Any:
    """A parsed DBLP answer; a broken one fails the lookup (not pinned: the next run retries)."""
    try:
        return parse(body)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Failed(f"DBLP: unreadable answer for {what!r} ({exc})") from exc


def _label(container: str) -> str:
    """The venue key whose table name is this container (Crossref's), "" when none is close."""
    best, score = "", 0.0
    for v in venues.TABLE.values():
        if v.container:
            s = fuzz.token_set_ratio(fold(v.container.format(year="")), fold(container))
            if s > score:
                best, score = v.key, s
    return best if score >= 95 else ""


def fill_proceedings(resolutions: Any) -> None:
    """A DBLP search hit has no proceedings title; every paper of one venue-year shares it, so
    take it from a BibTeX record of the same venue and year fetched in this run."""
    found = [r.found for r in resolutions]
    seen: dict[tuple[Any, Any], set[str]] = {}
    for f in found:
        db = f.get("dblp") or {}
        if db.get("container") and db.get("label"):
            seen.setdefault((db["label"], db.get("year")), set()).add(db["container"])
    titles = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}  # two: no guess
    for f in found:
        for table in ("dblp", "published"):
            values = f.get(table)
            if not values or values.get("container-title" if table == "published" else "container"):
                continue
            label = values.get("label" if table == "dblp" else "venue")
            title = titles.get((label, values.get("year")))
            if title:
                values["container" if table == "dblp" else "container-title"] = title
