"""Published versions at export time: `--published` items and the `refkit outdated` list.

Both read the `published` table the lock pins per record (see enrich/published.py). Pure: no
network, no files.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from . import venues
from .enrich.published import describe
from .lock import Lock
from .model import Item, year

# published.type -> CSL type; a venue the table knows gives its own type.
TYPES = ("paper-conference", "article-journal")


def published_item(item: Item, pub: dict[str, Any]) -> Item:
    """An arXiv-labelled item as its publication: the venue's type, proceedings or journal
    title, year, DOI, volume, pages, publisher; the arXiv id stays (eprint, custom.arxiv_id)."""
    new = copy.deepcopy(item)
    label = str(pub.get("venue", ""))
    venue = venues.lookup(label)[0]
    pyear = int(pub.get("year") or year(item))
    kind = venue.type if venue and venue.type in TYPES else pub.get("type", "paper-conference")
    new["type"] = kind if kind in TYPES else "paper-conference"
    container = pub.get("container-title") or (venue.container.format(year=pyear) if venue else "")
    new["container-title"] = container or label
    for name in ("event-title", "number", "DOI", "publisher", "volume", "page", "issue"):
        new.pop(name, None)  # type: ignore[misc]
    if venue and venue.event and new["type"] == "paper-conference":
        new["event-title"] = f"{venue.event} {pyear}"
    new["issued"] = {"date-parts": [[pyear]]}
    if pub.get("doi") not in (None, "", "none"):
        new["DOI"] = str(pub["doi"])
    for name in ("volume", "page", "publisher"):
        if pub.get(name):
            new[name] = str(pub[name])  # type: ignore[literal-required]
    if pub.get("URL"):
        new["URL"] = str(pub["URL"])
    custom = new["custom"]
    custom["venue"] = label
    custom["venue_key"] = venue.key if venue else label
    custom["venue_note"] = ""
    prov = dict(custom.get("provenance", {}))
    prov["published"] = str(pub.get("source", ""))
    custom["provenance"] = dict(sorted(prov.items()))
    return new


def apply(items: list[Item], lock: Lock) -> list[Item]:
    """Every arXiv-labelled item whose published version the lock knows, as that publication."""
    out = []
    for item in items:
        pub = lock.get(item["custom"]["record_id"], {}).get("published")
        preprint = item.get("type") == "article" and item["custom"].get("venue_key") == "arXiv"
        out.append(published_item(item, pub) if preprint and isinstance(pub, dict) else item)
    return out


@dataclass(frozen=True)
class Outdated:
    record_id: str
    record_path: str
    where: str  # what the record says
    year: int
    new_where: str  # the publication's venue label
    new_year: int
    evidence: str

    def line(self) -> str:
        return (
            f"{self.record_id}: {self.where} {self.year} -> {self.new_where} {self.new_year} "
            f"({self.evidence})"
        )


def outdated(items: list[Item], lock: Lock) -> list[Outdated]:
    """Records whose published version (a venue refkit's table knows) differs from what the
    record says, in record-id order."""
    out = []
    for item in items:
        c = item["custom"]
        pub = lock.get(c["record_id"], {}).get("published")
        if not isinstance(pub, dict) or c.get("venue_key") != "arXiv":
            continue
        label = str(pub.get("venue", ""))
        venue = venues.lookup(label)[0]
        if venue is None or venue.key in ("", "arXiv"):
            continue  # a venue the list's table lacks: the maintainer decides (see --report)
        new_year = int(pub.get("year") or 0)
        if (venue.key, new_year) != (c["venue"], year(item)):
            evidence = describe(pub).split(" (", 1)[1].rstrip(")")
            out.append(
                Outdated(
                    c["record_id"],
                    c["record_path"],
                    c["venue"],
                    year(item),
                    venue.key,
                    new_year,
                    evidence,
                )
            )
    return sorted(out, key=lambda o: o.record_id)
