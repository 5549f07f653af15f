"""A fake Crossref REST API (`/works`, `/works/{doi}`) on 127.0.0.1 with the 2026 limits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from tests.servers.base import FAULTS, LocalServer, Request, Response
from tests.servers.crossref_search import (
    Work,
    apply_filters,
    normalize,
    query_text,
    relevance,
    select_fields,
    validate,
)

# (single-record requests per 1 s, list requests per 1 s, concurrency) per pool: Crossref from
# 21 Jul 2026 (notes/crossref.md section 1.1).
POOL_LIMITS: dict[str, tuple[int, int, int]] = {"polite": (10, 3, 3), "public": (5, 1, 1)}

RATE_LIMIT_HTML = (
    b"<html><body><h1>429 Too Many Requests</h1>\n"
    b"You have sent too many requests in a given amount of time.\n</body></html>"
)
RATE_LIMIT_JSON = {
    "status": "failed",
    "message-type": "rate-limit-exceeded",
    "message": "You have sent too many requests in a given amount of time.",
}
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "X-Requested-With, Accept, Accept-Encoding, Accept-Charset,"
    " Accept-Language, Accept-Ranges, Cache-Control",
    "access-control-expose-headers": "Link",
}


def dumps(payload: Any) -> bytes:
    """Compact JSON with `\\/` escaped slashes and ASCII escapes, as api.crossref.org writes it."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


class CrossrefServer(LocalServer):
    """Serves `works` (Crossref `message` objects) like api.crossref.org.

    pool: "polite" | "public" | "auto" (auto: polite when the request has `mailto=` or
    `mailto:` in its User-Agent). searches: {normalized title: [works in rank order]} served
    for a list query whose query text (normalized) equals or starts with the key.
    header_style: "split" (Oct 2026: `x-api-pool: polite-single` / `polite-array`) or "plain"
    (June 2026: `polite`). rate_limit_body: "html" (the recorded 429 page) or "json".
    """

    def __init__(
        self,
        works: Iterable[Work] = (),
        *,
        pool: str = "polite",
        latency: float = 0.0,
        fault_rate: float = 0.0,
        faults: Iterable[str] = FAULTS,
        seed: int = 0,
        timeout_seconds: float = 6.0,
        searches: Mapping[str, list[Work]] | None = None,
        limits: Mapping[str, tuple[int, int, int]] | None = None,
        header_style: str = "split",
        rate_limit_body: str = "html",
    ) -> None:
        super().__init__(
            latency=latency,
            fault_rate=fault_rate,
            faults=faults,
            seed=seed,
            timeout_seconds=timeout_seconds,
        )
        if pool not in ("polite", "public", "auto"):
            raise ValueError(f"pool must be 'polite', 'public' or 'auto', not {pool!r}")
        self.pool = pool
        self.works: dict[str, Work] = {w["DOI"].lower(): w for w in works}
        self.searches = {normalize(k): v for k, v in (searches or {}).items()}
        self.limits = {**POOL_LIMITS, **(limits or {})}
        self.header_style = header_style
        self.rate_limit_body = rate_limit_body

    @property
    def url(self) -> str:
        """The base URL to give habanero (`Crossref(base_url=...)`)."""
        return self.base

    # --- limits and headers ---------------------------------------------------------------
    def pool_of(self, request: Request) -> str:
        if self.pool != "auto":
            return self.pool
        agent = request.headers.get("user-agent", "") + request.headers.get("x-user-agent", "")
        return "polite" if "mailto" in request.query or "mailto:" in agent else "public"

    def kind_of(self, request: Request) -> str:
        path = request.path.rstrip("/")
        return "list" if path in ("/works", "") else "single"

    def limit_of(self, request: Request, kind: str) -> tuple[int | None, int | None]:
        single, listing, conc = self.limits[self.pool_of(request)]
        return (single if kind == "single" else listing), conc

    def common_headers(self, request: Request, kind: str) -> dict[str, str]:
        pool = self.pool_of(request)
        rate, conc = self.limit_of(request, kind)
        name = f"{pool}-{'single' if kind == 'single' else 'array'}"
        return {
            **CORS,
            "x-api-pool": name if self.header_style == "split" else pool,
            "x-rate-limit-limit": str(rate),
            "x-rate-limit-interval": "1s",
            "x-concurrency-limit": str(conc),
        }

    def over_limit(self, request: Request, kind: str) -> Response:
        if self.rate_limit_body == "json":
            return Response(429, dumps(RATE_LIMIT_JSON), {"content-type": "application/json"})
        return Response(429, RATE_LIMIT_HTML, {"content-type": "text/html"})

    # --- routes ---------------------------------------------------------------------------
    def route(self, request: Request, kind: str) -> Response:
        path = request.path
        if path.rstrip("/") == "/works":
            return self._list(request.query)
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/") :])
            if doi.lower().endswith("/agency"):
                return self._agency(doi[: -len("/agency")])
            return self._single(doi)
        return _not_found()

    def _single(self, doi: str) -> Response:
        work = self.works.get(doi.lower().removeprefix("https://doi.org/"))
        if work is None:
            return _not_found()
        body = {"status": "ok", "message-type": "work", "message-version": "1.0.0"}
        return _json({**body, "message": {**work, "score": 1}})

    def _agency(self, doi: str) -> Response:
        low = doi.lower()
        if low in self.works:
            agency = {"id": "crossref", "label": "Crossref"}
        elif low.startswith("10.48550/") or low.startswith("10.5281/"):
            agency = {"id": "datacite", "label": "DataCite"}
        else:
            return _not_found()
        message = {"DOI": low, "agency": agency}
        head = {"status": "ok", "message-type": "work-agency", "message-version": "1.0.0"}
        return _json({**head, "message": message})

    def _list(self, query: dict[str, str]) -> Response:
        error = validate(query)
        if error is not None:
            return Response(400, dumps(error), {"content-type": "application/json"})
        text = query_text(query)
        ranked = self._ranked(query, text)
        ranked = apply_filters(ranked, query.get("filter", ""))
        rows = int(query.get("rows", "20"))
        offset = int(query.get("offset", "0"))
        cursor = query.get("cursor")
        if cursor is not None:  # deep paging: the token carries the next offset
            offset = 0 if cursor == "*" else int(cursor.removeprefix("DnF1ZXJ5"), 16)
        page = ranked[offset : offset + rows]
        select = query.get("select")
        items = [select_fields(w, select) if select else w for w in page]
        message = {
            "facets": {},
            "total-results": len(ranked),
            "items": items,
            "items-per-page": rows,
            "query": {"start-index": offset, "search-terms": query.get("query")},
        }
        if cursor is not None:
            message["next-cursor"] = f"DnF1ZXJ5{offset + rows:x}"
        head = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0"}
        return _json({**head, "message": message})

    def _ranked(self, query: dict[str, str], text: str) -> list[Work]:
        """Works in rank order with a `score`: a labelled search list, or token relevance."""
        title = normalize(query.get("query.bibliographic") or query.get("query.title") or text)
        keys = [k for k in self.searches if k and (title == k or title.startswith(k + " "))]
        if keys:
            chosen = self.searches[max(keys, key=len)]
            top = max([relevance(w, text) for w in chosen] + [40.0])
            return [
                {**w, "score": w.get("score", round(top - 2.5 * i, 3))}
                for i, w in enumerate(chosen)
            ]
        if not normalize(text):
            return [{**w, "score": 1.0} for w in self.works.values()]
        scored = [(relevance(w, text), w) for w in self.works.values()]
        scored = [(s, w) for s, w in scored if s > 0]
        scored.sort(key=lambda sw: (-sw[0], sw[1]["DOI"]))
        return [{**w, "score": s} for s, w in scored]


def _json(payload: dict[str, Any]) -> Response:
    return Response(200, dumps(payload), {"content-type": "application/json"})


def _not_found() -> Response:
    return Response(404, b"Resource not found.", {"content-type": "text/plain"})
