"""The arXiv source: batched `id_list` queries of the arXiv API (Atom), one entry per paper.

Gives the full author list, the first version's year, the primary category, and the DOI and
journal reference of the published version when the authors recorded them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from .. import names
from ..http import Session
from .markup import clean

SOURCE = "arxiv"
BATCH = 100  # ids per request
NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_FEED_OPEN = (
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
)
_ENTRY = re.compile(r"<entry>.*?</entry>", re.DOTALL)
_ID = re.compile(r"(?:abs/)?((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?$")


@dataclass(frozen=True)
class Arxiv:
    """Pure helpers around `fetch`, the one function that asks the network."""

    url: str

    def batches(self, ids: list[str]) -> list[list[str]]:
        """Well-formed ids, de-duplicated and sorted, in request-sized groups."""
        good = sorted({i for i in ids if _ID.fullmatch(i)})
        return [good[i : i + BATCH] for i in range(0, len(good), BATCH)]

    def params(self, ids: list[str]) -> dict[str, str]:
        return {"id_list": ",".join(ids), "max_results": str(len(ids))}

    def split(self, feed: str) -> dict[str, str]:
        """Raw `<entry>` texts of a feed by arXiv id (version dropped); raises ValueError on a
        broken feed or an arXiv error entry."""
        root = ET.fromstring(feed)  # raises ParseError (a ValueError) when truncated
        if root.tag != f"{{{NS['a']}}}feed":
            raise ValueError("not an Atom feed")
        out = {}
        for raw in _ENTRY.findall(feed):
            ident = ET.fromstring(_FEED_OPEN + raw + "</feed>").findtext("a:entry/a:id", "", NS)
            if "/api/errors" in ident:
                raise ValueError(f"arXiv error: {ident.rsplit('#', 1)[-1]}")
            m = _ID.search(ident.strip())
            if m:
                out[m.group(1)] = raw
        return out

    def read(self, raw: str) -> dict[str, Any]:
        """The values refkit uses from one raw entry (titles and names cleaned)."""
        e = ET.fromstring(_FEED_OPEN + raw + "</feed>").find("a:entry", NS)
        assert e is not None
        authors = [clean(n.text or "") for n in e.findall("a:author/a:name", NS)]
        values: dict[str, Any] = {
            "title": clean(e.findtext("a:title", "", NS)),
            "author": [names.parse(a) for a in authors if a],
            "year": int(e.findtext("a:published", "0", NS)[:4] or 0),
        }
        primary = e.find("arxiv:primary_category", NS)
        if primary is not None and primary.get("term"):
            values["arxiv_class"] = primary.get("term")
        doi = (e.findtext("arxiv:doi", "", NS) or "").strip().split()
        if doi:
            values["doi"] = doi[0].lower()
        ref = clean(e.findtext("arxiv:journal_ref", "", NS) or "")
        if ref:
            values["journal_ref"] = ref
        return values

    def fetch(self, session: Session, ids: list[str]) -> dict[str, str | None]:
        """Ask arXiv for one batch: raw entry per id, None for ids arXiv does not know."""
        r = session.get(self.url, params=self.params(ids), kind="list", valid=_feed_ok)
        if r.status_code != 200:
            raise ValueError(f"arXiv answered HTTP {r.status_code}")
        found = self.split(r.text)
        return {i: found.get(i) for i in ids}


def _feed_ok(r: Any) -> bool:
    try:
        ET.fromstring(r.text)
    except ET.ParseError:
        return False
    return True
