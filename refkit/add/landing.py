"""A paper's own landing page as a source: OpenReview forum pages, PMLR paper pages and NeurIPS
proceedings abstract pages, read from their Highwire Press `<meta name="citation_...">` tags.

`page_url` maps any URL of a paper (forum or pdf, `.html` or `.pdf`, `hash` or `file`) to its
landing page, the canonical URL the record keeps. `find` fetches the pages through the run's
session (the host's limits from the source registry, retries, `Retry-After`) and the response
cache (`Lookups`, "not found" included), and reads each into a `Found`: the title, the authors
in order, the year, and the venue the host names (NeurIPS; the PMLR volume's conference title,
matched exactly against refkit's venue table; OpenReview's only when the page names one). Every
value is untrusted text: entities decoded, markup removed, lengths capped. The page is the
identity; DBLP's record of it (found by enrichment when its `ee` names the same id) then gives
the venue and year of publication (`published_of`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .. import config, ids, names, venues
from ..cache import NotFound
from ..enrich.markup import clean, fold
from ..enrich.published import from_dblp
from ..enrich.sources import REGISTRY, enabled
from ..http import Blocked, Failed, Unreachable
from .lookup import Found

KINDS = ("openreview", "pmlr", "neurips")
HOST = {"openreview": "OpenReview", "pmlr": "PMLR", "neurips": "NeurIPS proceedings"}
_NEURIPS = re.compile(
    r"(?:proceedings\.neurips\.cc|papers\.nips\.cc)/paper(?:_files/paper)?/(\d{4})/(?:hash|file)/"
    r"([0-9a-f]{32})-(?:Abstract|Paper|Supplemental)((?:-[A-Za-z_]+)*)\.",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"^(?:proceedings of )?(?:the )?(?:\d+(?:st|nd|rd|th) )?")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
NO_PAGE = (
    "an old numbered NeurIPS URL names no proceedings page refkit can read; give its "
    "proceedings.neurips.cc .../hash/...-Abstract.html URL, or its arXiv id or DOI"
)
MAX_VALUE = 2000  # characters kept of one meta value (a title, a name)
MAX_AUTHORS = 500


@dataclass
class Page:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int = 0
    conference: str = ""  # citation_conference_title (or journal title: NeurIPS)


def page_url(ident: ids.Ident, text: str) -> str:
    """The landing page of the paper a URL names, or "" (NeurIPS's old numbered URLs)."""
    if ident.kind == "openreview":
        return f"https://openreview.net/forum?id={ident.value}"
    if ident.kind == "pmlr":
        return f"https://proceedings.mlr.press/{ident.value}.html"
    m = _NEURIPS.search(text)
    if ident.kind == "neurips" and m:
        year, digest, suffix = m.group(1), m.group(2).lower(), m.group(3)
        return (
            f"https://proceedings.neurips.cc/paper_files/paper/{year}/hash/"
            f"{digest}-Abstract{suffix}.html"
        )
    return ""


class _Meta(HTMLParser):
    """`<meta name=... content=...>` values by lower-cased name, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or self.count > 5000:
            return
        a = {k.lower(): v or "" for k, v in attrs}
        name = (a.get("name") or a.get("property") or "").strip().lower()
        if name.startswith("citation_"):
            self.count += 1
            self.values.setdefault(name, []).append(a.get("content", "")[:MAX_VALUE])


def read(html: str) -> Page:
    """The Highwire Press values of a landing page (plain text, markup removed)."""
    parser = _Meta()
    parser.feed(html)
    parser.close()
    v = parser.values

    def first(*keys: str) -> str:
        return next((clean(v[k][0]) for k in keys if v.get(k) and clean(v[k][0])), "")

    people = [_person(clean(a)) for a in v.get("citation_author", [])]
    for joined in [] if people else v.get("citation_authors", [])[:1]:  # OpenReview's older
        sep = ";" if ";" in joined else ","  # pages: one tag, the names joined
        people = [clean(a) for a in joined.split(sep)]
    date = first("citation_publication_date", "citation_date", "citation_online_date")
    year = _YEAR.search(date)
    return Page(
        title=first("citation_title"),
        authors=[p for p in people if p][:MAX_AUTHORS],
        year=int(year.group(0)) if year else 0,
        conference=first("citation_conference_title", "citation_journal_title"),
    )


def _person(name: str) -> str:
    """ "Family, Given" (PMLR, NeurIPS) as "Given Family"; other names as they are."""
    if name.count(",") != 1:
        return name
    parsed = names.parse(name)
    return " ".join(p for p in (parsed.get("given", ""), parsed.get("family", "")) if p) or name


def venue_of(conference: str) -> str:
    """refkit's venue key for a proceedings title ("Proceedings of the 41st International
    Conference on Machine Learning" -> ICML), exactly after case, ordinal and year; else ""."""
    text = _ORDINAL.sub("", " ".join(_YEAR.sub(" ", fold(conference)).split()))
    if not text:
        return ""
    for v in venues.VENUES:
        if v.type != "paper-conference":
            continue
        forms = (v.container.removeprefix("Proceedings of the "), v.name, v.key)
        if any(f and "{" not in f and fold(f) == text for f in forms):
            return v.key
    venue = venues.lookup(" ".join(_YEAR.sub(" ", conference).split()))[0]  # "ICLR 2024 poster"
    return venue.key if venue is not None and venue.key not in ("", "arXiv") else ""


def find(
    resolver: Any, pages: Mapping[ids.Ident, str], urls: Mapping[str, str]
) -> dict[ids.Ident, Found | str]:
    """Each landing page's paper, or a one-line reason it has none. `urls`: base URL per host
    (Options.urls; the registry's when absent, "off" disables)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = {i: pool.submit(_one, resolver, i, url, urls) for i, url in pages.items()}
        return {i: job.result() for i, job in jobs.items()}


def _one(resolver: Any, ident: ids.Ident, url: str, urls: Mapping[str, str]) -> Found | str:
    host = HOST[ident.kind]
    base = (urls.get(ident.kind) or REGISTRY[ident.kind].url).rstrip("/")
    if not enabled(base):
        env = config.SETTINGS[REGISTRY[ident.kind].setting][0]
        return f"{host} pages are not asked ({env} is off)"
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        body = resolver.lookups.get(
            f"{ident.kind} {base}", path, lambda: _fetch(resolver.session, base + path)
        )
    except (Unreachable, Blocked) as exc:
        if resolver.mode == "offline":
            return f"not in the cache, and --offline does not ask {host}"
        return f"{host} is not reachable ({exc})"
    except Failed as exc:
        return f"{host} lookup failed ({exc})"
    if body is None:
        return f"{host} has no page {url} (404)"
    page = read(body)
    if not page.title or not page.authors:
        missing = "title" if not page.title else "authors"
        return f"the {host} page {url} names no {missing} (citation_ meta tags)"
    held = _YEAR.search(page.conference)  # "ICLR 2025": the year it names, not the upload's
    m = _NEURIPS.search(url)
    year = int(held.group(0)) if held else page.year or (int(m.group(1)) if m else 0)
    where = "NeurIPS" if ident.kind == "neurips" else venue_of(page.conference)
    notes = []
    if page.conference and not where:
        notes.append(f"the page's venue {page.conference!r} is not in refkit's venue table")
    return Found(
        source=ident.kind,
        title=page.title,
        authors=page.authors,
        year=year,
        where=where,
        url=url,
        notes=notes,
    )


def _fetch(session: Any, url: str) -> str:
    parts = urlsplit(url)  # the query goes as params: a request's params replace the URL's
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    r = session.get(url.split("?", 1)[0], params=params, valid=lambda r: "<" in r.text)
    if r.status_code in (404, 410):
        raise NotFound(url)
    if r.status_code != 200:
        raise Failed(f"{urlsplit(url).netloc} answered HTTP {r.status_code}")
    return str(r.text)


def published_of(
    found: Found, ident: ids.Ident, entry: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """The publication DBLP gives for a landing page's paper (lock table `dblp` of the
    provisional record), only when its electronic editions name the page's own id; else None.
    The second value: one line saying why nothing can be written (no venue known), or ""."""
    db = entry.get("dblp") or {}
    linked = str(db.get("via", "")) == f"ee {ident}"
    if linked:
        return from_dblp(db), ""
    if found.where:
        return None, ""
    what = (
        f"DBLP's {db['key']} was matched by words, not by its electronic editions; " if db else ""
    )
    return None, (
        f"the {HOST[ident.kind]} page names no venue refkit knows, and no DBLP record links "
        f"{ident} ({what}precision first: no guess); add the paper by its arXiv id, or write "
        "pub.where by hand"
    )
