"""A found paper as a record in the list's style: fields, short name, file name. Pure.

Where and when: the published version's venue (refkit's venue table) and year when enrichment
found one (the published-version rules of enrich/published.py), else the paper's own (`arXiv`
and the year of its first version). The title is the published one when it is the same title
(similarity >= enrichment's TITLE_MIN: case, punctuation); a renamed publication (GPTQ at ICLR is
"OPTQ") keeps the preprint's title, and the run says so.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .. import venues
from .lookup import Found

_NAMEISH = re.compile(r"[A-Z].*[A-Z]|[A-Za-z].*\d|\d.*[A-Za-z]")  # GPTQ, LoRA, L4Q, 2:4
_UNSAFE = re.compile(r"[^A-Za-z0-9._+\-]+")
TITLE_MIN = 0.90  # enrich/match.py: below this, two titles are different titles


@dataclass
class Draft:
    fields: dict[str, Any]
    year: int
    abbr: str
    notes: list[str] = field(default_factory=list)  # what the run should tell the user


def abbr(title: str) -> str:
    """The short name a title starts with ("GPTQ: Accurate ..." -> "GPTQ"), or "": the text
    before the first colon, at most five words, whose first word is name-like (two capitals or
    letters with digits: GPTQ, LoRA, L4Q, Q-Sparse; "LLM in a flash", "ReLU Strikes Back"), never
    with TeX math. A plain word ("Mission: Impossible ...") is not a short name."""
    head, sep, _ = title.partition(":")
    head = " ".join(head.split())
    words = head.split()
    if not sep or not words or len(words) > 5 or len(head) > 40 or "$" in head:
        return ""
    return head if _NAMEISH.search(words[0]) else ""


def draft(found: Found, published: dict[str, Any] | None, keywords: list[str]) -> Draft:
    """The record's fields (nested dicts for recordfile.render) in the list's block order."""
    notes = list(found.notes)
    title, where, year = found.title, found.where, found.year
    if published:
        label = str(published.get("venue", ""))
        venue = venues.lookup(label)[0]
        described = f"{label} {published.get('year', '?')}"
        if venue is not None and venue.key not in ("", "arXiv") and published.get("year"):
            where, year = venue.key, int(published["year"])
            new_title = str(published.get("title") or "")
            if new_title and new_title != title:
                from ..enrich.match import title_similarity

                if title_similarity(title, new_title) >= TITLE_MIN:
                    title = new_title
                else:
                    notes.append(f"published as {new_title!r}; kept the {found.source} title")
        else:
            notes.append(
                f"published in {described}, a venue refkit's table lacks; recorded as {where}"
            )
    short = abbr(title)
    fields: dict[str, Any] = {
        "paper": {"title": title, "abbr": short, "url": found.url, "authors": found.authors},
        "pub": {"where": where, "year": year},
        "code": {"type": "", "url": found.code_url},
        "note": {"url": ""},
        "keyword": {"words": list(keywords)} if keywords else {},
        "cover": {"url": ""},
    }
    if not found.authors:
        del fields["paper"]["authors"]
    return Draft(fields, year, short, notes)


def file_stem(short: str, identity: str, taken: set[str]) -> str:
    """The record's file name without suffix: its short name made file-safe, else an 8-character
    id like the list's editor gives (derived from the paper's identity, so reruns agree); made
    unique against `taken` (lower-cased stems of every record in the list) with -2, -3, ..."""
    base = _UNSAFE.sub("-", short).strip("-.")[:60]
    if not base:
        digest = hashlib.sha1(identity.encode()).digest()
        base = base64.b32encode(digest).decode()[:8]
    stem, n = base, 2
    while stem.lower() in taken:
        stem, n = f"{base}-{n}", n + 1
    return stem
