"""The Crossref source through habanero: fetch a work by DOI, or search for a record's paper.

Searches only where a Crossref DOI can exist (ROUTES, by venue key; notes/crossref.md section 4)
or to find the published version of an arXiv preprint. ICLR, ICML, NeurIPS, MLSys, TMLR, JMLR,
UAI, workshops without proceedings, blogs and software are never searched.
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

from .. import http, ids
from ..http import Failed, Session
from ..model import Item, plain, year
from .match import VERSIONS_OF_RECORD, Wanted

SOURCE = "crossref"
ROWS = 10

# venue key -> (Crossref types a version of record has, DOI prefix or "").
ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "ACL": (("proceedings-article",), "10.18653"),
    "ACL Findings": (("proceedings-article",), "10.18653"),
    "EMNLP": (("proceedings-article",), "10.18653"),
    "TACL": (("journal-article",), "10.1162"),
    "AAAI": (("proceedings-article", "journal-article"), "10.1609"),
    "CVPR": (("proceedings-article",), "10.1109"),
    "CVPR workshop": (("proceedings-article",), "10.1109"),
    "ICCV": (("proceedings-article",), "10.1109"),
    "ICCV workshop": (("proceedings-article",), "10.1109"),
    "ECCV": (("book-chapter", "proceedings-article"), "10.1007"),
    "MICRO": (("proceedings-article",), ""),
    "VLDB": (("journal-article",), "10.14778"),
    "VLSI": (("journal-article",), "10.1109"),
    "Neuromorphic Computing and Engineering": (("journal-article",), "10.1088"),
}
PREPRINT_YEARS = (-1, 3)  # a published version appears up to three years after the preprint

http.adopt(habanero.request, habanero.request_class)


class NotFound(Exception):
    """Crossref does not know this DOI (404)."""


@dataclass(frozen=True)
class Crossref:
    """Pure helpers around `ask`, the one function that touches the network."""

    url: str
    mailto: str | None = None
    timeout: float = 20.0

    def route(self, item: Item) -> str:
        """ "venue" (the record's own version can have a Crossref DOI), "preprint" (an arXiv
        record: look for its published version) or "" (never ask Crossref)."""
        custom = item.get("custom", {})
        if custom.get("venue_key", "") in ROUTES:
            return "venue"
        if item.get("type") == "article" and custom.get("arxiv_id"):
            return "preprint"
        return ""

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
        if route == "venue":
            types, _ = ROUTES[item["custom"]["venue_key"]]
            return Wanted(plain(item, "title"), tuple(people), year(item), types)
        title = plain(item, "title")  # math as Unicode text, not CSL markup
        return Wanted(title, tuple(people), year(item), VERSIONS_OF_RECORD, PREPRINT_YEARS)

    def derived_doi(self, item: Item) -> str:
        """A DOI the record implies: ACL Anthology's `10.18653/v1/<id>` from its URL, or the DOI
        a `doi.org` URL names (what `refkit add` writes for a paper it found by DOI)."""
        url = item.get("URL", "")
        if "doi.org/10." in url and "/10.48550/" not in url.lower():
            return ids.doi(url.split("doi.org/", 1)[1])
        if "aclanthology.org/" not in url:
            return ""
        ident = url.split("aclanthology.org/", 1)[1].strip("/").removesuffix(".pdf")
        return f"10.18653/v1/{ident}" if ident and "/" not in ident else ""

    def search_params(self, item: Item, route: str) -> dict[str, Any]:
        """habanero `works()` arguments for the one search of a record."""
        w = self.wanted(item, route)
        lo, hi = w.years
        filters: dict[str, Any] = {
            "type": list(w.types),
            "from_pub_date": str(w.year + lo),
            "until_pub_date": str(w.year + hi),
        }
        prefix = ROUTES[item["custom"]["venue_key"]][1] if route == "venue" else ""
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
