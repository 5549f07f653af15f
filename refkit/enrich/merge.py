"""`merge()`: the one place that decides which remote value enters an item.

Precedence (pinned by tests/test_merge.py):

| field                          | rule                                                          |
|--------------------------------|---------------------------------------------------------------|
| title, type, issued (year),    | the record's: the maintainer's word. A remote year or venue   |
| container-title, event-title   | that differs is reported as a conflict, never applied.        |
| author                         | the first source (in `order`) whose list agrees with the      |
|                                | record's authors in order (they are its first names, or a     |
|                                | subsequence starting at its first) replaces the list; a list  |
|                                | that disagrees is a conflict. No record authors: the first    |
|                                | source's list. Organisation authors are never replaced.       |
| DOI                            | Crossref's, when it matched the record's own venue version;   |
|                                | arXiv items keep their arXiv DOI.                             |
| page, volume, issue, publisher | Crossref's (venue version), only where the item has none      |
|                                | (and never on a record with no venue: it has no place for it). |
| custom.arxiv_class             | arXiv's primary category.                                     |
| custom.provenance              | every field changed above -> its source.                      |

A Crossref match with role "published" (the version of record of an arXiv preprint) and an
arXiv journal reference or DOI on a preprint only flag the record as published (`published`);
so does a `published` table (S2 + DBLP, see published.py). `--published` export applies it
(versions.py), never merge.

Venue records of ML venues (ICLR, ICML, NeurIPS, ...: no Crossref DOI) take DBLP's pages,
volume and publisher where they have none, and its proceedings title as that year printed it
(container-title): the same paper, so in every mode.

Complete author lists: when the record's own arXiv id fixes the paper (arXiv's entry), arXiv's
list also replaces a record list that is a subset in another order or with names cut short
("Christopher" for Christopher Ré, "T. Dettmers"), as long as every record name matches a
distinct arXiv name; each such change is in `completed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from ..model import Custom, Item, Name, year
from .markup import fold
from .published import describe
from .routes import is_preprint

FILL = ("page", "volume", "issue", "publisher")


@dataclass
class Merged:
    item: Item
    changed: dict[str, str] = field(default_factory=dict)  # field -> source
    conflicts: list[str] = field(default_factory=list)
    published: str = ""  # "doi:... (container)" or the journal reference, for preprints
    completed: str = ""  # why an author list was completed beyond the record's own names


def _key(name: Name) -> str:
    return fold(name.get("family", "") or name.get("literal", "")).split(" ")[-1]


def _same(a: Name, b: Name) -> bool:
    from rapidfuzz import fuzz  # here, not at the top: an export from the lock never needs it

    x, y = _key(a), _key(b)
    return bool(x) and (x == y or (len(x) > 3 and fuzz.ratio(x, y) >= 90))


def agrees(record: list[Name], remote: list[Name]) -> bool:
    """The record's authors appear in the remote list in the same order, first one first."""
    if not record or not remote or not _same(record[0], remote[0]):
        return False
    i = 0
    for name in remote:
        if i < len(record) and _same(record[i], name):
            i += 1
    return i == len(record)


def _token_match(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return a == b or (len(a) > 3 and fuzz.ratio(a, b) >= 90)


def _covers_one(mine: Name, theirs: Name) -> bool:
    """A record name matches a source name: the same family name with compatible given names
    (initials allowed), or a record name of one word that is the source's first given name."""
    fam = fold(mine.get("family", "")).split()
    given = fold(mine.get("given", "")).replace(".", " ").split()
    their_fam = fold(theirs.get("family", "")).split()
    their_given = fold(theirs.get("given", "")).replace(".", " ").split()
    if not fam or not their_fam:
        return False
    if _token_match(fam[-1], their_fam[-1]):
        if not given or not their_given:
            return True
        return all(any(t.startswith(g) or g.startswith(t) for t in their_given) for g in given)
    return not given and len(fam) == 1 and bool(their_given) and fam[0] == their_given[0]


def covers(record: list[Name], remote: list[Name]) -> bool:
    """Every record name matches a distinct remote name (any order)."""
    used: set[int] = set()
    for mine in record:
        hit = next(
            (i for i, t in enumerate(remote) if i not in used and _covers_one(mine, t)), None
        )
        if hit is None:
            return False
        used.add(hit)
    return bool(record) and len(remote) >= len(record)


def _show(names: list[Name]) -> str:
    return ", ".join(n.get("family", "") or n.get("literal", "") for n in names[:4]) + (
        ", ..." if len(names) > 4 else ""
    )


def merge(item: Item, found: dict[str, dict[str, Any]], order: tuple[str, ...]) -> Merged:
    """The item with remote values applied by the rules above; the input is not changed."""
    if not found:  # nothing to apply (no lookup yet): the item as it is
        return Merged(item)
    # A shallow copy: merge only sets top-level fields and `custom` keys, never changes a
    # nested value in place (a deep copy of every item was a tenth of a 10,000-record export).
    out = Merged(cast(Item, dict(item)))
    new = out.item
    custom = new["custom"] = cast(Custom, dict(item.get("custom", {})))
    preprint = is_preprint(new)
    venue = {}
    cr = found.get("crossref") or {}
    if cr.get("role") == "venue" and not preprint:
        venue = cr

    def take(name: str, value: Any, source: str) -> None:
        if value in (None, "", []) or new.get(name) == value:
            return
        new[name] = value  # type: ignore[literal-required]
        out.changed[name] = source

    if venue.get("DOI"):
        take("DOI", venue["DOI"], "crossref")
    # a record with no venue (type `article`, written as @misc) has no place for pages etc.
    for name in FILL if new.get("type") != "article" else ():
        if venue.get(name) and not new.get(name):
            take(name, venue[name], "crossref")

    record = list(item.get("author", []))
    if not any("literal" in n for n in record):
        for source in order:
            remote: list[Name] = [Name(**n) for n in (found.get(source) or {}).get("author", [])]
            if source == "crossref" and not venue:
                continue
            if not remote:
                continue
            if not record or agrees(record, remote):
                take("author", remote, source)
                break
            if source == "arxiv" and covers(record, remote):  # identity by the record's own id
                take("author", remote, source)
                out.completed = (
                    f"author: record lists {_show(record)}; arxiv (by the record's arXiv id) "
                    f"lists {_show(remote)}: completed"
                )
                break
            out.conflicts.append(
                f"author: record lists {_show(record)}; {source} lists {_show(remote)} (kept record)"
            )

    ax = found.get("arxiv") or {}
    if ax.get("arxiv_class") and custom.get("arxiv_class") != ax["arxiv_class"]:
        custom["arxiv_class"] = ax["arxiv_class"]
        out.changed["custom.arxiv_class"] = "arxiv"

    mine = year(item)
    for source, values, label in (
        ("crossref", venue, "venue"),
        ("arxiv", ax if preprint else {}, ""),
    ):
        their = int(values.get("year") or 0)
        if their and their != mine:
            out.conflicts.append(f"year: record {mine}, {source} {their} (kept record)")
        if label and values.get("container-title") and new.get("container-title"):
            from rapidfuzz import fuzz

            a, b = fold(values["container-title"]), fold(new["container-title"])
            if fuzz.token_set_ratio(a, b) < 70:
                out.conflicts.append(
                    f"venue: record {new['container-title']!r}, crossref "
                    f"{values['container-title']!r} (kept record)"
                )
    if not preprint and ax.get("doi") and ax["doi"] != str(new.get("DOI", "")).lower():
        out.conflicts.append(
            f"venue: arXiv lists a published version doi:{ax['doi']} (kept record's venue)"
        )

    db = found.get("dblp") or {}
    if not preprint and db and db.get("label") == custom.get("venue_key"):
        for name, value in (("page", db.get("page")), ("volume", db.get("volume"))):
            if value and not new.get(name):
                take(name, value, "dblp")
        if db.get("publisher") and not new.get("publisher"):
            take("publisher", db["publisher"], "dblp")
        take("container-title", db.get("container", ""), "dblp")

    pub = found.get("published") or {}
    if preprint and pub:
        out.published = describe(pub)
    elif preprint:
        if cr.get("role") == "published" and cr.get("DOI"):
            out.published = f"doi:{cr['DOI']}"
        elif ax.get("doi") or ax.get("journal_ref"):
            out.published = f"doi:{ax['doi']}" if ax.get("doi") else ax["journal_ref"]
    if out.changed:
        prov = dict(custom.get("provenance", {}))
        prov.update({k.removeprefix("custom."): v for k, v in out.changed.items()})
        custom["provenance"] = dict(sorted(prov.items()))
    return out
