"""The DBLP source: a record by key (`/rec/{key}.bib`) or a search (`/search/publ/api`).

Both are read into the same plain dict (a "publication"): key, label (refkit's venue key when
DBLP's key names a venue refkit knows), kind, title, authors, year, container (the proceedings
or journal title as that year printed it; only BibTeX records carry it), volume, page,
publisher, series, doi, url. CoRR records (`journals/corr/...`) are the preprint, never a
publication; workshop papers are never the main conference's.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text

from .. import cache
from ..http import Failed, Session
from .markup import clean
from .s2 import is_corr

SOURCE = "dblp"
HITS = 30

# DBLP key prefix -> refkit venue key (refkit/venues.py).
LABELS = {
    "conf/iclr": "ICLR", "conf/icml": "ICML", "conf/nips": "NeurIPS", "conf/mlsys": "MLSys",
    "conf/uai": "UAI", "journals/tmlr": "TMLR", "journals/jmlr": "JMLR", "conf/acl": "ACL",
    "conf/emnlp": "EMNLP", "conf/cvpr": "CVPR", "conf/iccv": "ICCV", "conf/eccv": "ECCV",
    "conf/aaai": "AAAI", "journals/tacl": "TACL", "journals/pvldb": "VLDB",
    "conf/micro": "MICRO", "journals/tvlsi": "VLSI",
}  # fmt: skip
_WORKSHOP = re.compile(r"workshop|@", re.IGNORECASE)
_NUMBER = re.compile(r"\s+\d{4}$")  # DBLP's homonym number: "Wei Chen 0001"
_latex = LatexNodes2Text()


class NotFound(cache.NotFound):
    """DBLP does not know this key (404)."""


def label_of(key: str, venue: str, container: str = "") -> str:
    """refkit's venue key for a DBLP record, "" when refkit has none for it."""
    label = LABELS.get("/".join(key.split("/")[:2]), "")
    if label in ("ACL", "EMNLP") and "findings" in f"{venue} {container}".lower():
        return "ACL Findings" if label == "ACL" else ""
    return label


def kind_of(key: str, venue: str, container: str, dblp_type: str = "") -> str:
    """corr, workshop, journal or conference."""
    if is_corr(key) or venue == "CoRR" or dblp_type == "Informal and Other Publications":
        return "corr"
    if _WORKSHOP.search(venue) or _WORKSHOP.search(container):
        return "workshop"
    if key.startswith("journals/") or dblp_type == "Journal Articles":
        return "journal"
    return "conference"


def _neurips_volume(label: str, container: str, year: int) -> str:
    """NeurIPS prints its volume in the proceedings title ("... Systems 35: ..."); DBLP has
    no volume field for it. Volume n is the year 1987 + n (NeurIPS 1 = 1988)."""
    if label != "NeurIPS":
        return ""
    m = re.search(r"Information Processing Systems (\d+)", container)
    return m.group(1) if m else (str(year - 1987) if year > 1987 else "")


def _text(value: str) -> str:
    return clean(_latex.latex_to_text(value.replace("\\_", "_"))) if value else ""


def _publication(
    key: str, info: dict[str, str], authors: list[str], dblp_type: str = ""
) -> dict[str, Any]:
    container = info.get("container", "")
    year = int(info.get("year") or 0)
    label = label_of(key, info.get("venue", ""), container)
    pub = {
        "key": key,
        "label": label,
        "kind": kind_of(key, info.get("venue", ""), container, dblp_type),
        "title": info.get("title", "").rstrip("."),
        "author": [_NUMBER.sub("", a) for a in authors],
        "year": year,
        "venue": info.get("venue", ""),
        "container": container,
        "volume": info.get("volume", "") or _neurips_volume(label, container, year),
        "page": info.get("pages", "").replace("--", "-"),
        "publisher": info.get("publisher", ""),
        "series": info.get("series", ""),
        "doi": info.get("doi", "").lower(),
        "url": info.get("url", ""),
    }
    return {k: v for k, v in pub.items() if v not in ("", [], 0) or k in ("key", "year")}


def read_bib(text: str) -> dict[str, Any]:
    """A DBLP BibTeX record as a publication; raises ValueError when it is not one."""
    parser = bibtexparser.bparser.BibTexParser(common_strings=True)
    parser.ignore_nonstandard_types = False
    entries = bibtexparser.loads(text, parser).entries
    if not entries or not entries[0].get("ID", "").startswith("DBLP:"):
        raise ValueError("not a DBLP BibTeX record")
    e = entries[0]
    key = e["ID"].removeprefix("DBLP:")
    info = {name: _text(" ".join(e.get(name, "").split())) for name in e}
    info["pages"] = "".join(e.get("pages", "").split())  # "10323--10337": no LaTeX en dash
    info["container"] = info.get("booktitle") or info.get("journal", "")
    info["venue"] = info.get("journal", "") if e["ENTRYTYPE"] == "article" else ""
    authors = [_text(a.strip()) for a in " ".join(e.get("author", "").split()).split(" and ")]
    return _publication(key, info, [a for a in authors if a])


def read_search(body: str) -> list[dict[str, Any]]:
    """The hits of a search answer as publications, in DBLP's rank order."""
    hits = (json.loads(body).get("result") or {}).get("hits") or {}
    raw = hits.get("hit") or []
    out = []
    for hit in raw if isinstance(raw, list) else [raw]:
        info = {k: v for k, v in (hit.get("info") or {}).items() if isinstance(v, str)}
        venue = hit.get("info", {}).get("venue", "")
        info["venue"] = venue if isinstance(venue, str) else "@".join(venue)
        info["title"] = clean(info.get("title", ""))
        ee = hit.get("info", {}).get("ee")
        ees = [ee] if isinstance(ee, str) else [str(e) for e in ee or []]
        info["url"] = (ees or [""])[0]
        people = (hit.get("info", {}).get("authors") or {}).get("author") or []
        people = people if isinstance(people, list) else [people]
        names = [clean(p["text"] if isinstance(p, dict) else str(p)) for p in people]
        pub = _publication(info.get("key", ""), info, names, info.get("type", ""))
        if len(ees) > 1:
            pub["ee"] = ees  # every electronic edition (ids matched in published.py)
        out.append(pub)
    return out


def query(title: str, family: str) -> str:
    """The search text: the title's words and the first author's family name (a title alone
    can rank the paper outside the first hundred hits)."""
    words = re.findall(r"\w+", f"{title} {family}")
    return " ".join(words)


def search_key(q: str) -> str:
    return f"search?q={q}&h={HITS}"


def ask(session: Session, url: str, *, key: str = "", q: str = "") -> str:
    """The raw body of `/rec/{key}.bib` or of a search; NotFound for an unknown key."""
    if key:
        r = session.get(
            f"{url}/rec/{quote(key)}.bib", valid=lambda r: r.text.lstrip().startswith("@")
        )
    else:
        r = session.get(
            f"{url}/search/publ/api",
            params={"q": q, "format": "json", "h": str(HITS)},
            valid=_json,
        )
    if r.status_code == 404 and key:
        raise NotFound(key)
    if r.status_code != 200:
        raise Failed(f"DBLP answered HTTP {r.status_code} for {key or q!r}")
    return r.text


def _json(r: Any) -> bool:
    try:
        r.json()
    except ValueError:
        return False
    return True
