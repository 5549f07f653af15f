"""The same paper twice: identity keys of an item and an index that finds items sharing one. Pure.

A paper's keys are its arXiv id (any form or version), its DOI, the ids its URL names (ACL
Anthology, OpenReview, PMLR, ...; see ids.py), its DBLP key when the lock pins one, and its title
with case, accents and punctuation folded. Two items that share any key are the same paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import ids
from .enrich.markup import fold
from .lock import Lock
from .model import Item, plain

# How each kind of key reads in a message.
LABELS = {
    "arxiv": "arXiv id",
    "doi": "DOI",
    "dblp": "DBLP key",
    "title": "title",
    **{kind: f"{kind} id" for kind in ids.KINDS if kind not in ("arxiv", "doi", "dblp")},
}
LABELS.update({"acl": "ACL Anthology id", "openreview": "OpenReview id", "ieee": "IEEE document"})


@dataclass(frozen=True)
class Match:
    """`record_id` (an indexed item, or the key it was indexed under) shares `kind`:`value`."""

    record_id: str
    kind: str
    value: str

    def reason(self) -> str:
        return f"same {LABELS.get(self.kind, self.kind)} {self.value}"


def keys(item: Item, dblp: str = "") -> list[tuple[str, str]]:
    """Every identity key of an item, most certain first, without repeats."""
    out: list[tuple[str, str]] = []
    custom = item.get("custom", {})
    if custom.get("arxiv_id"):
        out.append(("arxiv", ids.arxiv(custom["arxiv_id"]) or custom["arxiv_id"]))
    if item.get("DOI"):
        ident = ids.parse(str(item["DOI"]))
        out.append((ident.kind, ident.value) if ident else ("doi", ids.doi(str(item["DOI"]))))
    if item.get("URL"):
        ident = ids.parse(str(item["URL"]))
        if ident:
            out.append((ident.kind, ident.value))
    if dblp and not dblp.startswith("journals/corr/"):  # CoRR is the preprint, not the paper
        out.append(("dblp", dblp))
    title = fold(plain(item, "title")) if item.get("title") else ""
    if title:
        out.append(("title", title))
    return list(dict.fromkeys(out))


def pinned_dblp(lock: Lock, record_id: str) -> str:
    """The DBLP key the lock pins for a record's publication, or ""."""
    published = lock.get(record_id, {}).get("published")
    return str(published.get("dblp", "")) if isinstance(published, dict) else ""


class Index:
    """Items by identity key; `find` names the items a new paper's keys hit."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], list[str]] = {}

    def add(self, record_id: str, item_keys: Iterable[tuple[str, str]]) -> list[Match]:
        """Index an item; return what earlier items it matches (one Match per earlier item)."""
        item_keys = list(item_keys)
        found = self.find(item_keys)
        for key in item_keys:
            self._by_key.setdefault(key, []).append(record_id)
        return found

    def find(self, item_keys: Iterable[tuple[str, str]]) -> list[Match]:
        """One Match per indexed item sharing a key, the most certain key of each."""
        seen: dict[str, Match] = {}
        for kind, value in item_keys:
            for record_id in self._by_key.get((kind, value), ()):
                seen.setdefault(record_id, Match(record_id, kind, value))
        return list(seen.values())


def index(items: Iterable[Item], lock: Lock | None = None) -> Index:
    """An index of a list's items by record id."""
    idx = Index()
    for item in items:
        rid = item["custom"]["record_id"]
        idx.add(rid, keys(item, pinned_dblp(lock, rid) if lock else ""))
    return idx
