"""Records to items: names, the venue table, arXiv ids from URLs, citation keys. Pure: no protobuf.

Titles with TeX math become CSL rich text, the TeX kept in `custom.tex` (texmath.py, model.py);
paper and code URLs are RFC 3986-encoded (uri.py), with one warning for all that are not http(s).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from . import keys, names, texmath, uri, venues
from . import lock as lockfile
from .lock import Lock
from .model import Custom, Item, Name
from .prototxt import Record

log = logging.getLogger("refkit.normalize")

# New-style (2210.17323, 0704.0001) and old-style (hep-th/9901001, math.GT/0309136) arXiv ids.
ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)


def arxiv_id(url: str) -> str:
    """The versionless arXiv id in an arXiv URL (abs, pdf, html, vN, .pdf), or ""."""
    match = ARXIV_URL.search(url.strip())
    return match.group(1) if match else ""


def normalize(records: list[Record], lock: Lock) -> tuple[list[Item], Lock]:
    """Items sorted by key, and the lock with every record's key pinned (a new dict)."""
    items = [_item(rec) for rec in records]
    _warn_unknown_venues(records)
    _warn_not_web(records)
    wanted = {it["custom"]["record_id"]: it["id"] for it in items}
    pinned = {rid: str(entry["key"]) for rid, entry in lock.items() if "key" in entry}
    final = keys.assign(wanted, pinned)
    new_lock: Lock = {rid: dict(entry) for rid, entry in lock.items() if rid in final}
    for it in items:
        rid = it["custom"]["record_id"]
        it["id"] = it["citation-key"] = final[rid]
        new_lock.setdefault(rid, {})["key"] = final[rid]
    return sorted(items, key=lambda it: it["id"]), new_lock


def load_items(meta_dir: Path) -> list[Item]:
    """Read and normalize a list with its lock, writing nothing (for tests, benches and tools)."""
    from .prototxt import read

    records, _ = read(meta_dir)
    return normalize(records, lockfile.load(lockfile.path_for(meta_dir)))[0]


def to_item(rec: Record) -> Item:
    """One record as an item, before keys are assigned and without warnings (`refkit check`)."""
    return _item(rec)


def _item(rec: Record) -> Item:
    venue, status = venues.lookup(rec.where)
    venue = venue or venues.unknown(" ".join(rec.where.split()))
    aid = arxiv_id(rec.url)
    authors = [names.parse(a) for raw in rec.authors for a in names.split_authors(raw)]
    institutions = [" ".join(i.split()) for i in rec.institutions if i.strip()]
    kind = venue.type if venue.key != "arXiv" or aid else "article"
    if kind == "software" and not authors and institutions:
        authors = [names.organisation(institutions[0])]
    title = " ".join(rec.title.split())
    short = " ".join(rec.abbr.split())
    item = Item(
        id="",
        type=kind,
        title=texmath.rich(title),
        issued={"date-parts": [[rec.year]]},
    )
    item["citation-key"] = ""
    if short:
        item["title-short"] = texmath.rich(short)
    if authors:
        item["author"] = authors
    url = f"https://arxiv.org/abs/{aid}" if aid else uri.encode(rec.url)
    if url:
        item["URL"] = url
    _place(item, venue, rec, aid, institutions)
    if rec.keywords:
        item["keyword"] = ", ".join(rec.keywords)
    item["custom"] = Custom(
        record_id=rec.id,
        record_path=rec.rel,
        venue=rec.where,
        venue_key=venue.key,
        venue_note=status,
        code_url=uri.encode(rec.code_url),
        code_type=rec.code_type.strip(),
        keywords=list(rec.keywords),
        institutions=institutions,
        note_url=rec.note_url.strip(),
    )
    if aid:
        item["custom"]["arxiv_id"] = aid
    tex = {
        var: text
        for var, text in (("title", title), ("title-short", short))
        if texmath.has_math(text)
    }
    if tex:
        item["custom"]["tex"] = tex
    first: Name | None = authors[0] if authors else None
    fallback = institutions[0] if institutions else texmath.plain(short)
    item["id"] = keys.base(first, fallback, rec.year, texmath.plain(title))
    return item


def _place(item: Item, venue: venues.Venue, rec: Record, aid: str, institutions: list[str]) -> None:
    """Where the paper appeared: container, event, publisher, number, DOI, by item type."""
    if venue.container:
        item["container-title"] = venue.container.format(year=rec.year)
    if venue.event:
        item["event-title"] = f"{venue.event} {rec.year}"
    if item["type"] == "article" and aid:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{aid}"
        item["DOI"] = f"10.48550/arXiv.{aid}"
    elif item["type"] == "post-weblog":
        # the blog is the record's institution, else the site's host: never an invented name
        site = institutions[0] if institutions else _host(rec.url).removeprefix("www.")
        if site:
            item["container-title"] = site
    elif item["type"] == "software":
        owner = _split(rec.url).path.strip("/").split("/")[0]
        if institutions or owner:
            item["publisher"] = institutions[0] if institutions else owner


def _split(url: str) -> SplitResult:
    try:
        return urlsplit(url.strip())
    except ValueError:  # a malformed URL (an unclosed "[" in the host) has no parts to read
        return urlsplit("")


def _host(url: str) -> str:
    try:
        return _split(url).hostname or ""
    except ValueError:  # a port that is not a number
        return ""


def _warn_not_web(records: list[Record]) -> None:
    """One warning for all paper and code URLs that are not http(s) (count and one example)."""
    bad = [
        (rec.at(field), url.strip())
        for rec in records
        for field, url in (("paper.url", rec.url), ("code.url", rec.code_url))
        if url.strip() and not uri.is_web(url)
    ]
    if bad:
        log.warning(
            "%d URL(s) are not http(s) URLs (e.g. %s: %r); exported as written (fix the record if it is a typo)",
            len(bad),
            *bad[0],
        )


def _warn_unknown_venues(records: list[Record]) -> None:
    """One warning per distinct unknown label (count, first place); every place at -v."""
    from .warn import grouped

    places: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    known: dict[str, bool] = {}  # a list has a few dozen labels
    for rec in records:
        label = " ".join(rec.where.split())
        if label not in known:
            known[label] = venues.lookup(label)[0] is not None
        if not known[label]:
            labels.setdefault(label.casefold(), label)
            places.setdefault(labels[label.casefold()], []).append(rec.at("pub.where"))
    grouped(
        log,
        places,
        lambda label, count, first: (
            f"venue {label!r} is not in refkit's venue table, in {count}"
            f" (e.g. {first}); exported as a conference of that name (add it to refkit/venues.py)"
        ),
        lambda label, place: f"{place}: venue {label!r} is not in refkit's venue table",
    )
