"""A fake DBLP (`/search/publ/api`, `/rec/{key}.bib`) on 127.0.0.1.

Built from /work/shared/ref/scholar/README.md section 2 and its samples: the JSON search
envelope with strings everywhere, `hit` absent when nothing matched, `author` collapsing to an
object for one author (and `ee` to a string for one link), titles ending in `.` with `&apos;`
left in, CoRR records separate from the published ones (`type` "Informal and Other
Publications", key `journals/corr/abs-...`); BibTeX records in the column-16 layout (the real
sample files are served verbatim). Ranking: every query term must prefix a word of the title,
an author, the venue or the year; `@score` is the number of terms found in the title; ties by
year, then key, descending (so a CoRR copy of the same year ranks first).

Politeness (FAQ): at least `min_interval` seconds between two requests; a request sooner, or
one inside the `Retry-After` of an earlier 429, is answered 429 with the recorded HTML body and
`Retry-After: <retry_after>`, and counted (`violations`, `inside_retry_after`). `busy` answers
the first N requests 429 as well (an overloaded server), which the client must sit out.
"""

from __future__ import annotations

import html
import json
import re
import zlib
from collections.abc import Iterable
from typing import Any

from tests.servers.base import FAULTS, Request, Response
from tests.servers.paced import PacedServer

Record = dict[str, Any]
TOO_MANY = (  # samples/dblp/429__html_body__PARTIAL.txt, completed with a closing tag
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html>\n<head>\n'
    b"<title>429 Too Many Requests</title>\n</head>\n<body>\n<h1>Too Many Requests</h1>\n"
    b"<p>The vast number of requests from your side has\nled to a temporary block.</p>\n"
    b"</body></html>\n"
)
BIB_ORDER = (
    "author", "editor", "title", "booktitle", "journal", "series", "volume", "number", "pages",
    "publisher", "year", "url", "doi", "eprinttype", "eprint", "timestamp", "biburl", "bibsource",
)  # fmt: skip
_WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    return _WORD.findall(html.unescape(text).casefold())


def render_bib(rec: Record) -> str:
    """A DBLP BibTeX record (standard layout, `=` at column 16) from a record dict."""
    kind = "article" if rec["key"].startswith("journals/") else "inproceedings"
    fields: dict[str, str] = {
        "author": " and\n                  ".join(rec["authors"]),
        "title": rec["title"].rstrip("."),
        "year": rec["year"],
        "url": rec.get("bib_url", rec.get("ee", "")),
        "doi": rec.get("doi", ""),
        "timestamp": "Mon, 08 Jan 2024 00:00:00 +0100",
        "biburl": f"https://dblp.org/rec/{rec['key']}.bib",
        "bibsource": "dblp computer science bibliography, https://dblp.org",
    }
    for name in ("booktitle", "journal", "series", "volume", "number", "publisher"):
        if rec.get(name):
            fields[name] = rec[name]
    if rec.get("pages"):
        fields["pages"] = rec["pages"].replace("-", "--")
    if rec["key"].startswith("journals/corr/"):
        fields.update(journal="CoRR", volume=rec["volume"], eprinttype="arXiv")
        fields["eprint"] = rec["volume"].removeprefix("abs/")
    lines = [f"@{kind}{{DBLP:{rec['key']},"]
    lines += [f"  {k:<12} = {{{fields[k]}}}," for k in BIB_ORDER if fields.get(k)]
    return "\n".join(lines)[:-1] + "\n}\n"


class DblpServer(PacedServer):
    """Serves `records`: dicts with key, type, title (ending in "."), authors, venue, year
    (strings) and optional volume, pages, doi, ee (str or list), booktitle, series, publisher,
    and `bib` (the verbatim BibTeX; rendered by `render_bib` when absent)."""

    too_many = (TOO_MANY, "text/html; charset=iso-8859-1")

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        min_interval: float = 1.0,
        retry_after: int = 2,
        busy: int = 0,
        latency: float = 0.0,
        fault_rate: float = 0.0,
        faults: Iterable[str] = FAULTS,
        seed: int = 0,
    ) -> None:
        super().__init__(
            min_interval=min_interval,
            retry_after=retry_after,
            busy=busy,
            latency=latency,
            fault_rate=fault_rate,
            faults=faults,
            seed=seed,
        )
        self.records: dict[str, Record] = {r["key"]: r for r in records}

    def route(self, request: Request, kind: str) -> Response:
        if request.path == "/search/publ/api":
            return self._search(request.query)
        m = re.fullmatch(r"/rec/(.+)\.bib", request.path)
        if m:
            rec = self.records.get(m.group(1))
            if rec is None:
                return Response(404, b"<html><body>Error 404: Not Found</body></html>",
                                {"content-type": "text/html"})  # fmt: skip
            body = rec.get("bib") or render_bib(rec)
            return Response(200, body.encode(), {"content-type": "application/x-bibtex; charset=utf-8"})  # fmt: skip
        return Response(404, b"<html><body>Error 404: Not Found</body></html>", {"content-type": "text/html"})  # fmt: skip

    def _search(self, q: dict[str, str]) -> Response:
        if q.get("format", "xml") != "json":
            return Response(400, b"only format=json in this fake", {"content-type": "text/plain"})
        terms = words(q.get("q", ""))
        try:
            size = min(int(q.get("h", "30")), 1000)
            first = int(q.get("f", "0"))
        except ValueError:
            return Response(400, b"bad h or f", {"content-type": "text/plain"})
        scored = []
        for rec in self.records.values():
            title = words(rec["title"])
            other = (
                [w for a in rec["authors"] for w in words(a)] + words(rec["venue"]) + [rec["year"]]
            )
            if terms and all(any(w.startswith(t) for w in title + other) for t in terms):
                score = sum(any(w.startswith(t) for w in title) for t in terms)
                scored.append((score, rec["year"], rec["key"], rec))
        scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
        page = scored[first : first + size]
        hits: dict[str, Any] = {
            "@total": str(len(scored)),
            "@computed": str(min(len(scored), 100)),
            "@sent": str(len(page)),
            "@first": str(first),
        }
        if page:
            hits["hit"] = [self._hit(score, rec) for score, _, _, rec in page]
        result = {
            "result": {
                "query": " ".join(f"{t}*" for t in terms),
                "status": {"@code": "200", "text": "OK"},
                "time": {"@unit": "msecs", "text": "12.34"},
                "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
                "hits": hits,
            }
        }
        body = json.dumps(result, ensure_ascii=False).encode()
        return Response(200, body, {"content-type": "application/json; charset=utf-8"})

    def _hit(self, score: int, rec: Record) -> dict[str, Any]:
        ident = str(zlib.crc32(rec["key"].encode()) % 10_000_000)
        pids = [zlib.crc32(a.encode()) for a in rec["authors"]]
        people = [
            {"@pid": f"{p % 300}/{p % 9000}", "text": a}
            for p, a in zip(pids, rec["authors"], strict=True)
        ]
        info: dict[str, Any] = {"authors": {"author": people[0] if len(people) == 1 else people}}
        info["title"] = rec["title"].replace("'", "&apos;")
        info["venue"] = rec["venue"]
        for name in ("volume", "number", "pages"):
            if rec.get(name):
                info[name] = rec[name]
        info.update(year=rec["year"], type=rec["type"], access="open", key=rec["key"])
        if rec.get("doi"):
            info["doi"] = rec["doi"]
        ee = rec.get("ee")
        if ee:
            info["ee"] = ee[0] if isinstance(ee, list) and len(ee) == 1 else ee
        info["url"] = f"https://dblp.org/rec/{rec['key']}"
        return {"@score": str(score), "@id": ident, "info": info, "url": f"URL#{ident}"}
