"""A fake arXiv API (`/api/query`, Atom 1.0) on 127.0.0.1 with arXiv's one-request-per-3-s rule."""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from tests.servers.arxiv_query import matches, parse_query, score
from tests.servers.base import FAULTS, LocalServer, Request, Response

Entry = dict[str, Any]

NEW_ID = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?")
OLD_ID = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?")
ATOM = "application/atom+xml; charset=utf-8"
RATE_EXCEEDED = b"Rate exceeded."


def split_id(text: str) -> tuple[str, int | None] | None:
    """`2210.17323v2` -> ("2210.17323", 2); None when the id is malformed."""
    m = NEW_ID.fullmatch(text) or OLD_ID.fullmatch(text)
    if m is None:
        return None
    return m.group(1), int(m.group(2)) if m.group(2) else None


class ArxivServer(LocalServer):
    """Serves `entries` (dicts, see tests/data/enrich/README.md) as export.arxiv.org does.

    Entry dict: id (no version), versions (ISO times of v1..vN), title, summary, authors
    (names), primary_category, categories, and optional comment, journal_ref, doi.
    Requests closer than `min_interval` seconds to the previous request (or concurrent with
    another) are answered 429 `Rate exceeded.` (text/plain) and counted as violations.
    """

    def __init__(
        self,
        entries: Iterable[Entry] = (),
        *,
        latency: float = 0.0,
        min_interval: float = 3.0,
        fault_rate: float = 0.0,
        faults: Iterable[str] = FAULTS,
        seed: int = 0,
        timeout_seconds: float = 6.0,
        https_ids: bool = False,
    ) -> None:
        super().__init__(
            latency=latency,
            fault_rate=fault_rate,
            faults=faults,
            seed=seed,
            timeout_seconds=timeout_seconds,
        )
        self.entries: dict[str, Entry] = {e["id"]: e for e in entries}
        self.min_interval = min_interval
        self.https_ids = https_ids
        self._previous: float | None = None

    @property
    def url(self) -> str:
        return self.base + "/api/query"

    def kind_of(self, request: Request) -> str:
        return "list"

    def limit_of(self, request: Request, kind: str) -> tuple[int | None, int | None]:
        return None, 1

    def extra_check(self, request: Request, now: float) -> bool:
        previous, self._previous = self._previous, now
        return previous is None or now - previous >= self.min_interval

    def over_limit(self, request: Request, kind: str) -> Response:
        return Response(429, RATE_EXCEEDED, {"content-type": "text/plain"})

    def route(self, request: Request, kind: str) -> Response:
        if request.path.rstrip("/") != "/api/query":
            return Response(404, b"Not Found", {"content-type": "text/plain"})
        q = request.query
        ids = [i.strip() for i in q.get("id_list", "").split(",") if i.strip()]
        search = q.get("search_query", "")
        try:
            start = int(q.get("start", "0"))
            size = int(q.get("max_results", "10"))
        except ValueError:
            return self._error(q, "start_and_max_results_must_be_integers", "invalid paging")
        for raw in ids:
            if split_id(raw) is None:
                return self._error(
                    q, f"incorrect_id_format_for_{raw}", f"incorrect id format for {raw}"
                )
        found = self._by_ids(ids) if ids else []
        if search:
            tree = parse_query(search)
            if tree is None:
                return self._error(q, "malformed_query", f"Invalid query string: '{search}'")
            pool = found if ids else [(e, None) for e in self.entries.values()]
            found = [(e, v) for e, v in pool if matches(tree, e)]
            if not ids:
                found.sort(key=lambda ev: (-score(tree, ev[0]), ev[0]["id"]))
        page = found[start : start + size]
        body = self._feed(q, len(found), start, size, [self._entry(e, v) for e, v in page])
        return Response(200, body, {"content-type": ATOM})

    def _by_ids(self, ids: list[str]) -> list[tuple[Entry, int | None]]:
        out = []
        for raw in ids:
            base, version = split_id(raw) or (raw, None)
            entry = self.entries.get(base)
            if entry is not None and (version is None or version <= len(entry["versions"])):
                out.append((entry, version))
        return out

    # --- Atom rendering -------------------------------------------------------------------
    def _feed(
        self, q: dict[str, str], total: int, start: int, size: int, entries: list[str]
    ) -> bytes:
        title = (
            f"arXiv Query: search_query={q.get('search_query', '')}&id_list={q.get('id_list', '')}"
            f"&start={start}&max_results={size}"
        )
        link = (
            f"https://arxiv.org/api/query?search_query={q.get('search_query', '')}&start={start}"
            f"&max_results={size}&id_list={q.get('id_list', '')}"
        )
        digest = hashlib.sha1(title.encode()).hexdigest()[:27]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        head = (
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
            ' xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <id>https://arxiv.org/api/{digest}</id>\n"
            f"  <title>{escape(title)}</title>\n"
            f"  <updated>{now}</updated>\n"
            f'  <link href={quoteattr(link)} type="application/atom+xml"/>\n'
            f"  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
            f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        )
        return (head + "".join(entries) + "</feed>\n").encode()

    def _entry(self, e: Entry, version: int | None) -> str:
        versions = e["versions"]
        v = version or len(versions)
        vid = f"{e['id']}v{v}"
        scheme = "https" if self.https_ids else "http"
        title = "\n  ".join(textwrap.wrap(e["title"], 76)) or e["title"]
        summary = "\n".join(textwrap.wrap(e["summary"], 79))
        lines = [
            "  <entry>",
            f"    <id>{scheme}://arxiv.org/abs/{vid}</id>",
            f"    <title>{escape(title)}</title>",
            f"    <updated>{versions[v - 1]}</updated>",
            f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
            f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf"'
            ' title="pdf"/>',
        ]
        if e.get("doi"):
            href = quoteattr("https://doi.org/" + e["doi"])
            lines.append(f'    <link href={href} rel="related" title="doi"/>')
        lines.append(f"    <summary>  {escape(summary)}\n</summary>")
        for cat in e.get("categories") or [e["primary_category"]]:
            lines.append(f'    <category term="{cat}" scheme="http://arxiv.org/schemas/atom"/>')
        lines.append(f"    <published>{versions[0]}</published>")
        if e.get("comment"):
            lines.append(f"    <arxiv:comment>{escape(e['comment'])}</arxiv:comment>")
        if e.get("journal_ref"):
            lines.append(f"    <arxiv:journal_ref>{escape(e['journal_ref'])}</arxiv:journal_ref>")
        lines.append(f'    <arxiv:primary_category term="{e["primary_category"]}"/>')
        if e.get("doi"):
            lines.append(f"    <arxiv:doi>{escape(e['doi'])}</arxiv:doi>")
        for name in e["authors"]:
            lines.append(f"    <author>\n      <name>{escape(name)}</name>\n    </author>")
        lines.append("  </entry>\n")
        return "\n".join(lines)

    def _error(self, q: dict[str, str], anchor: str, summary: str) -> Response:
        """arXiv's error feed: HTTP 200, totalResults 1, one entry titled `Error`."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entry = (
            "  <entry>\n"
            f"    <id>http://arxiv.org/api/errors#{escape(anchor)}</id>\n"
            "    <title>Error</title>\n"
            f"    <summary>{escape(summary)}</summary>\n"
            f"    <updated>{now}</updated>\n"
            f'    <link href="http://arxiv.org/api/errors#{escape(anchor)}" rel="alternate"'
            ' type="text/html"/>\n'
            "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
            "  </entry>\n"
        )
        return Response(200, self._feed(q, 1, 0, 1, [entry]), {"content-type": ATOM})
