"""The Crossref source through habanero: fetch a work by DOI, or search for a record's paper.

Searches only where a Crossref DOI can exist (routes.py: ROUTES by venue key, notes/crossref.md
section 4; a venue refkit does not know; the published version of an arXiv preprint). ICLR,
ICML, NeurIPS, MLSys, TMLR, JMLR, UAI, workshops without proceedings, blogs and software are
never searched; a DOI or IEEE document their URL names is still asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import habanero
import habanero.request
import habanero.request_class
import httpx2
from rapidfuzz import fuzz

from .. import cache, http
from ..http import Failed, Session
from ..model import Item, plain, year
from .markup import clean, fold
from .match import VERSIONS_OF_RECORD, Wanted, work_title, work_year
from .routes import PREPRINT_YEARS, ROUTES, crossref_ids
from .routes import route as _route

SOURCE = "crossref"
ROWS = 10


http.adopt(habanero.request, habanero.request_class)


class NotFound(cache.NotFound):
    """Crossref does not know this DOI (404)."""


@dataclass(frozen=True)
class Crossref:
    """Pure helpers around `ask`, the one function that touches the network."""

    url: str
    mailto: str | None = None
    timeout: float = 20.0

    def route(self, item: Item) -> str:
        """ "venue", "preprint", "any" or "" (routes.py)."""
        return _route(item)

    def wanted(self, item: Item, route: str) -> Wanted:
        people = [
            " ".join(
                p
                for p in (
                    n.get("given", ""),
                    n.get("non-dropping-particle", ""),
                    n.get("family", ""),
                )
                if p
            )
            for n in item.get("author", [])
            if "literal" not in n
        ]
        title = plain(item, "title")  # math as Unicode text, not CSL markup
        if route == "venue":
            types, _ = ROUTES[item["custom"]["venue_key"]]
            return Wanted(title, tuple(people), year(item), types)
        if route == "preprint":
            return Wanted(title, tuple(people), year(item), VERSIONS_OF_RECORD, PREPRINT_YEARS)
        return Wanted(title, tuple(people), year(item), VERSIONS_OF_RECORD)

    def derived_doi(self, item: Item) -> str:
        """The DOI the record's URL names or implies (ACL Anthology's `10.18653/v1/<id>`)."""
        return crossref_ids(item)[0]

    def search_params(
        self, item: Item, route: str, *, dated: bool = True, prefix: str = ""
    ) -> dict[str, Any]:
        """habanero `works()` arguments for a search of a record (`dated`: with the year
        window as a publication-date filter; `prefix`: a DOI prefix its identity implies)."""
        w = self.wanted(item, route)
        lo, hi = w.years
        filters: dict[str, Any] = {"type": list(w.types)}
        if dated and w.year:
            filters.update(from_pub_date=str(w.year + lo), until_pub_date=str(w.year + hi))
        prefix = prefix or (ROUTES[item["custom"]["venue_key"]][1] if route == "venue" else "")
        if prefix:
            filters["prefix"] = prefix
        params: dict[str, Any] = {
            "query_bibliographic": plain(item, "title"),
            "filter": filters,
            "limit": ROWS,
        }
        families = [n.get("family", "") for n in item.get("author", []) if n.get("family")]
        if families:
            params["query_author"] = " ".join(families[:3])
        return params

    def search_key(self, params: dict[str, Any]) -> str:
        """The cache key of a search: its parameters, canonical."""
        return "works?" + json.dumps(params, sort_keys=True, ensure_ascii=False)

    def works(self, body: str) -> list[dict[str, Any]]:
        """The works of a raw answer (a single work or a work list)."""
        message = json.loads(body).get("message", {})
        return list(message.get("items", [])) if "items" in message else [message]

    def ask(self, session: Session, *, doi: str = "", search: dict[str, Any] | None = None) -> str:
        """The raw JSON body of `/works/{doi}` or of a search; raises NotFound for an unknown
        DOI and http.Unreachable/Blocked/Failed when Crossref cannot answer."""
        cr = habanero.Crossref(base_url=self.url, mailto=self.mailto, timeout=self.timeout)
        kind = "single" if doi else "list"
        if doi:
            call = lambda: cr.works(ids=quote(doi, safe="/:;()"))  # noqa: E731
        else:
            call = lambda: cr.works(**(search or {}))  # noqa: E731
        try:
            http.through(session, kind, call)
        except httpx2.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                raise NotFound(doi) from exc
            raise Failed(f"Crossref answered HTTP {exc.response.status_code} for {doi}") from exc
        except (habanero.RequestError, RuntimeError, ValueError) as exc:
            raise Failed(f"Crossref request failed: {exc}") from exc
        return http.last_body()


def crossref_values(
    work: dict[str, Any], role: str, score: float, venue: str = "", via: str = ""
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
        "via": via,
    }
    return {k: v for k, v in values.items() if v not in ("", [], 0) or k == "score"}
