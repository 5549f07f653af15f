"""Citation keys: readable, unique across the list, and pinned in the lock so they never move.

Rule: first author's family name + year + first significant title word, ASCII, lower case
(`frantar2023gptq`). Without authors, the first institution or the record's short name stands in
for the name. A key already pinned in refkit.lock is kept as it is; a new record whose key is
taken gets the next free letter suffix (`...b`, `...c`).
"""

from __future__ import annotations

import re
import unicodedata

from .model import Name

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "for",
        "in",
        "to",
        "and",
        "with",
        "towards",
        "toward",
        "via",
        "is",
        "are",
        "do",
        "does",
        "be",
        "your",
        "you",
        "we",
        "our",
        "what",
        "how",
        "why",
        "when",
        "can",
        "all",
        "at",
        "by",
        "from",
        "into",
        "as",
        "its",
        "it",
        "not",
        "beyond",
        "through",
        "using",
    ]
)
# Letters NFKD does not decompose to ASCII.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "đ": "d",
        "Đ": "d",
        "œ": "oe",
        "þ": "th",
    }
)


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only ("Boža" -> "boza")."""
    if not text.isascii():  # ASCII text needs no decomposition (most title words)
        text = unicodedata.normalize("NFKD", text.translate(_FOLD))
        text = text.encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", text.lower())


def base(author: Name | None, fallback: str, year: int, title: str) -> str:
    """The key a record would get with no collisions."""
    if author:
        who = " ".join(
            filter(None, (author.get("non-dropping-particle"), author.get("family")))
        ) or author.get("literal", "")
    else:
        who = fallback
    word = next(
        (
            w
            for w in (
                ascii_fold(t) for t in re.split(r"[\s:/]+", title) if t.casefold() not in STOPWORDS
            )
            if w
        ),
        "",
    )
    return f"{ascii_fold(who) or 'anon'}{year}{word}"


def assign(wanted: dict[str, str], pinned: dict[str, str]) -> dict[str, str]:
    """Final keys per record id: pinned keys stay; others take `wanted`, suffixed when taken.

    Both maps are record id -> key. New records are handled in record-id order, so the result
    depends only on the inputs, never on file-system order.
    """
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for rid in sorted(pinned):
        if rid in wanted and pinned[rid] not in taken:
            keys[rid] = pinned[rid]
            taken.add(pinned[rid])
    for rid in sorted(wanted):
        if rid in keys:
            continue
        key, n = wanted[rid], 0
        while key in taken:
            n += 1
            key = f"{wanted[rid]}{_suffix(n)}"
        keys[rid] = key
        taken.add(key)
    return keys


def _suffix(n: int) -> str:
    """1 -> "b", 2 -> "c", ..., 25 -> "z", 26 -> "bb": the bare key is the implicit "a"."""
    letters = "bcdefghijklmnopqrstuvwxyz"
    return letters[(n - 1) % 25] * ((n - 1) // 25 + 1)
