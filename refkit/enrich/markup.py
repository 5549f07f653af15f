"""Cleaning text from remote sources: JATS/HTML/MathML markup and entities to plain text."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from html.parser import HTMLParser

# Tags whose edges never separate words: H<sub>2</sub>O is "H2O", not "H 2 O".
_TIGHT = {"sub", "sup", "inf"}
# Tags that always separate words (block-ish or line breaks).
_BREAK = {"br", "p", "div", "title", "jats:p", "jats:title", "jats:sec", "li"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


def _local(tag: str) -> str:
    """`jats:italic` -> `italic`, `mml:mi` -> `mi`."""
    return tag.rsplit(":", 1)[-1].lower()


class _Text(HTMLParser):
    """Collects text; marks tag edges so spacing can be decided once the neighbours are known."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.math = 0

    def _edge(self, tag: str) -> None:
        name = _local(tag)
        if self.math or name in _TIGHT:
            return
        self.parts.append("\x00" if tag.lower() in _BREAK or name in _BREAK else "\x01")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if _local(tag) == "math":
            self._edge("span")
            self.math += 1
            return
        self._edge(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._edge(tag)

    def handle_endtag(self, tag: str) -> None:
        if _local(tag) == "math":
            self.math = max(0, self.math - 1)
            self._edge("span")
            return
        self._edge(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data.strip() if self.math else data)


def _join(parts: list[str]) -> str:
    """Resolve edge marks: a break is a space; an inline edge is a space only between two words."""
    out = "".join(parts)
    out = out.replace("\x00", " ")
    out = re.sub(r"(?<=\w)\x01+(?=\w)", " ", out)
    return out.replace("\x01", "")


def _entities(text: str) -> str:
    """Decode entities, including title-cased ones Crossref sometimes has (`&Amp;`)."""

    def lower(m: re.Match[str]) -> str:
        known = html.unescape(m.group(0)) != m.group(0)
        return m.group(0) if known else f"&{m.group(1).lower()};"

    for _ in range(3):  # Crossref deposits are sometimes escaped twice (`&amp;amp;`)
        decoded = html.unescape(_ENTITY.sub(lower, text))
        if decoded == text:
            break
        text = decoded
    return text


@functools.lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """Plain text of a remote title or name: markup stripped with correct spacing, entities
    decoded (twice-escaped ones too), Unicode NFC, whitespace collapsed."""
    if not text:
        return ""
    text = _entities(text)
    if "<" in text:
        parser = _Text()
        parser.feed(text.replace("<![CDATA[", "").replace("]]>", ""))
        parser.close()
        text = _join(parser.parts)
        text = _entities(text)
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A comparison key: clean, accents removed, case folded, punctuation to spaces."""
    text = unicodedata.normalize("NFKD", clean(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()
