"""The committed `exports/` folder: the whole list in every format, one .bib per venue, and
`index.html`, the page to browse the list and copy entries (page.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from . import page, venues, writers
from .files import write_atomic
from .model import Item

BY_VENUE = "by-venue"
PAGE = "index.html"
# file name -> format name, for the whole list
WHOLE = {
    "papers.bib": "bibtex",
    "papers-biblatex.bib": "biblatex",
    "papers.json": "csl-json",
    "papers.ris": "ris",
}


def render(items: list[Item], published: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every file of `exports/`, as relative path -> text. `published`: record id -> the
    published version of a preprint, linked from the page."""
    files = {name: writers.get(fmt).write(items) for name, fmt in WHOLE.items()}
    files[PAGE] = page.render(items, published, wholes={WHOLE[n]: files[n] for n in WHOLE})
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[venues.slug(item["custom"]["venue_key"])].append(item)
    bibtex = writers.get("bibtex")
    for slug, group in sorted(groups.items()):
        files[f"{BY_VENUE}/{slug}.bib"] = bibtex.write(group)
    return files


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
