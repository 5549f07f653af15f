"""A fake Semantic Scholar Graph API (`/graph/v1/paper/...`) on 127.0.0.1.

Built from /work/shared/ref/scholar/README.md sections 1 and 4 and its recorded samples:
`POST /paper/batch?fields=...` with `{"ids": [...]}` (at most 500; the answer is an array
aligned with the ids, `null` for an id S2 does not know), `GET /paper/{id}` (404
`{"error":"Paper with id X not found"}`), `fields` filtering (always `paperId`; an unknown field
is a 400), 403 `{"message":"Forbidden"}` for a wrong `x-api-key`, and 429 with the 2024 body and
no `Retry-After` (S2 never sends one). Papers are stored as S2 paper objects, so a test can serve
merged preprint/published records with the arXiv year, DOI and `journal: ArXiv` (section 1.7).

Limits: with the right key, one batch call per second ("1 RPS on all endpoints" for new keys);
without a key the shared pool answers 429 to the first `busy` requests (keyless batches "429
almost always") and allows `pool_rate` calls per second after that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from tests.servers.base import FAULTS, LocalServer, Request, Response

Paper = dict[str, Any]
MAX_BATCH = 500
FIELDS = {
    "paperId", "corpusId", "externalIds", "url", "title", "abstract", "venue",
    "publicationVenue", "year", "referenceCount", "citationCount", "influentialCitationCount",
    "isOpenAccess", "openAccessPdf", "fieldsOfStudy", "s2FieldsOfStudy", "publicationTypes",
    "publicationDate", "journal", "citationStyles", "authors", "citations", "references",
    "embedding", "tldr",
}  # fmt: skip
TOO_MANY = {  # samples/s2/429__body_2024.json
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
    "limits. https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
CLOUDFRONT = {"access-control-allow-origin": "*", "via": "1.1 fake.cloudfront.net (CloudFront)"}
_HEX = re.compile(r"[0-9a-f]{40}")
_VERSION = re.compile(r"v\d+$")


def _json(status: int, payload: Any, **headers: str) -> Response:
    body = json.dumps(payload).encode()
    return Response(status, body, {"content-type": "application/json", **headers})


class S2Server(LocalServer):
    """Serves `papers` (S2 paper objects with `paperId`, `externalIds`, ...)."""

    def __init__(
        self,
        papers: Iterable[Paper] = (),
        *,
        api_key: str | None = None,
        busy: int = 0,
        pool_rate: int = 1,
        key_rate: int = 1,
        latency: float = 0.0,
        fault_rate: float = 0.0,
        faults: Iterable[str] = FAULTS,
        seed: int = 0,
    ) -> None:
        super().__init__(latency=latency, fault_rate=fault_rate, faults=faults, seed=seed)
        self.papers: dict[str, Paper] = {}
        self.index: dict[str, str] = {}  # "ARXIV:2210.17323" / "DOI:..." / "ACL:..." -> paperId
        for p in papers:
            self.add(p)
        self.api_key = api_key
        self.busy = busy
        self.pool_rate = pool_rate
        self.key_rate = key_rate
        self.ids_asked: list[str] = []  # every id of every batch, in arrival order

    @property
    def url(self) -> str:
        return self.base + "/graph/v1"

    def add(self, paper: Paper) -> None:
        pid = paper["paperId"]
        self.papers[pid] = paper
        ext = paper.get("externalIds") or {}
        for name, prefix in (("ArXiv", "ARXIV"), ("DOI", "DOI"), ("ACL", "ACL")):
            if ext.get(name):
                self.index[f"{prefix}:{str(ext[name]).lower()}"] = pid
        if ext.get("CorpusId"):
            self.index[f"CORPUSID:{ext['CorpusId']}"] = pid

    def find(self, ident: str) -> Paper | None:
        """The paper an id form names (section 1.2), or None."""
        ident = ident.strip()
        if _HEX.fullmatch(ident):
            return self.papers.get(ident)
        prefix, sep, rest = ident.partition(":")
        if not sep or prefix.upper() not in ("ARXIV", "DOI", "ACL", "CORPUSID"):
            prefix, rest = ("DOI", ident) if ident.startswith("10.") else ("", "")
        prefix = prefix.upper()
        if prefix == "ARXIV":
            rest = _VERSION.sub("", rest)
        pid = self.index.get(f"{prefix}:{rest.lower()}")
        return self.papers.get(pid) if pid else None

    # --- limits ---------------------------------------------------------------------------
    def kind_of(self, request: Request) -> str:
        return "batch" if request.path.endswith(("/batch", "/search")) else "single"

    def limit_of(self, request: Request, kind: str) -> tuple[int | None, int | None]:
        key = request.headers.get("x-api-key")
        if key is not None and key != self.api_key:
            return None, None  # answered 403 before any limit
        if key is not None:
            return (self.key_rate if kind == "batch" else 10 * self.key_rate), None
        return self.pool_rate, None

    def over_limit(self, request: Request, kind: str) -> Response:
        return _json(429, TOO_MANY, **{"x-amzn-errortype": "TooManyRequestsException"})

    def common_headers(self, request: Request, kind: str) -> dict[str, str]:
        return dict(CLOUDFRONT)

    # --- routes ---------------------------------------------------------------------------
    def route(self, request: Request, kind: str) -> Response:
        key = request.headers.get("x-api-key")
        if key is not None and key != self.api_key:
            return _json(
                403, {"message": "Forbidden"}, **{"x-amzn-errortype": "ForbiddenException"}
            )
        if key is None and self.busy > 0:
            with self._lock:
                self.busy -= 1
            return self.over_limit(request, kind)
        fields = [f for f in request.query.get("fields", "").split(",") if f]
        unknown = [f for f in fields if f.split(".")[0] not in FIELDS]
        if unknown:
            return _json(
                400, {"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"}
            )
        path = request.path.removeprefix("/graph/v1")
        if path == "/paper/batch" and request.method == "POST":
            return self._batch(request, fields)
        if path.startswith("/paper/") and request.method == "GET":
            ident = path.removeprefix("/paper/")
            paper = self.find(ident)
            if paper is None:
                return _json(404, {"error": f"Paper with id {ident} not found"})
            return _json(200, self.shape(paper, fields))
        return _json(404, {"error": "Not Found"})

    def _batch(self, request: Request, fields: list[str]) -> Response:
        try:
            ids = json.loads(request.body or b"{}").get("ids")
        except (ValueError, AttributeError):
            ids = None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return _json(400, {"error": "Body must be a JSON object with a list of string `ids`"})
        if len(ids) > MAX_BATCH:
            return _json(400, {"error": f"Can only process {MAX_BATCH} paper ids at a time."})
        with self._lock:
            self.ids_asked.extend(ids)
        return _json(200, [self.shape(p, fields) if p else None for p in map(self.find, ids)])

    def shape(self, paper: Paper, fields: list[str]) -> Paper:
        """The paper with only `paperId` and the asked fields (`paperId` and `title` by default)."""
        wanted = {"paperId"} | (set(f.split(".")[0] for f in fields) if fields else {"title"})
        return {k: v for k, v in paper.items() if k in wanted}
