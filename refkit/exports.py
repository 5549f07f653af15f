"""The committed `exports/` folder: the whole list in every format, one .bib per venue, and
`index.html`, the page to browse the list and copy entries (page.py)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from . import page, venues, writers
from .files import write_atomic
from .model import Item
from .writers import latex
from .writers.bibtex import key

BY_VENUE = "by-venue"
PAGE = "index.html"
SLUG_MAX = 80  # characters of a by-venue file name before ".bib" (file systems allow 255 bytes)
# file name -> format name, for the whole list
WHOLE = {
    "papers.bib": "bibtex",
    "papers-biblatex.bib": "biblatex",
    "papers.json": "csl-json",
    "papers.ris": "ris",
}


def render(items: list[Item], published: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every file of `exports/`, as relative path -> text. `published`: record id -> the
    published version of a preprint, linked from the page.

    Each writer runs once, over the whole list: the page's entries are cut from that text
    (pagedata.py, which checks the cut), and each venue's .bib is its papers' BibTeX entries
    from it, as the writer joins them (`bibtex.write(group)`, checked on a sample the same way)."""
    ordered = sorted(items, key=key)
    with latex.sharing_titles():  # the two BibTeX dialects write an ASCII title alike
        files = {name: writers.get(fmt).write(ordered) for name, fmt in WHOLE.items()}
    cuts = page.pagedata.cuts(ordered, {WHOLE[n]: files[n] for n in WHOLE})
    files[PAGE] = page.render(ordered, published, cuts=cuts)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(ordered):
        groups[_slug(item["custom"]["venue_key"])].append(i)
    bib, frame = cuts["bib"], page.FRAMES["bib"]
    for slug, group in sorted(groups.items()):
        text = frame.sep.join([bib.entry(i) for i in group])
        files[f"{BY_VENUE}/{slug}.bib"] = frame.head + text + frame.tail
    return files


def _slug(venue: str) -> str:
    """The venue's .bib file name: venues.slug, shortened (with a hash of the venue, so two
    long names stay apart) where a record's venue label is too long for a file name."""
    name = venues.slug(venue)
    if len(name) <= SLUG_MAX:
        return name
    digest = hashlib.sha256(venue.encode("utf-8")).hexdigest()[:10]
    return f"{name[: SLUG_MAX - 11].rstrip('-')}-{digest}"


def stale(root: Path, files: dict[str, str]) -> list[str]:
    """Paths under `root` that differ from `files`, are missing, or are left over in by-venue/."""
    out = []
    for rel, text in sorted(files.items()):
        path = root / rel
        try:
            same = path.read_bytes() == text.encode("utf-8")  # bytes: RIS lines end in CRLF
        except FileNotFoundError:
            same = False
        if not same:
            out.append(rel)
    out.extend(rel for rel in _leftovers(root, files))
    return out


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write the changed files (each atomically), delete leftovers; returns what changed."""
    changed = stale(root, files)
    for rel in changed:
        if rel in files:
            write_atomic(root / rel, files[rel])
        else:
            (root / rel).unlink()
    return changed


def _leftovers(root: Path, files: dict[str, str]) -> list[str]:
    folder = root / BY_VENUE
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root).as_posix()
        for p in folder.glob("*.bib")
        if p.relative_to(root).as_posix() not in files
    )
