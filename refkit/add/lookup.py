"""Finding a paper by identity: arXiv ids from arXiv (one batched `id_list` call), DOIs and
ACL Anthology ids from Crossref (`/works/{doi}`), through enrichment's Resolver (its session,
limits and cache). Never a search: an id names the paper or nothing.

OpenReview, PMLR and NeurIPS ids have no identity lookup in those sources (Semantic Scholar
takes arXiv, DOI, ACL and corpus ids; DBLP's search is by words, and its records name those
URLs only in `ee`): their own landing pages are the source (landing.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .. import ids, venues
from ..enrich.arxiv import _FEED_OPEN, NS
from ..enrich.crossref import crossref_values
from ..enrich.markup import clean
from ..enrich.resolve import Resolver
from ..http import Blocked, Failed, Unreachable

ACCEPTED = (
    "an arXiv id or URL (2210.17323, arXiv:2210.17323v2, cs/0112017, arxiv.org/abs/... or "
    "/pdf/...), a DOI or doi.org URL, or an ACL Anthology, OpenReview, PMLR or NeurIPS "
    "proceedings URL"
)
LANDING = ("openreview", "pmlr", "neurips")  # looked up on their landing pages (landing.py)
# ACL Anthology: the venue an id names (new ids: `2024.acl-long.1`; old: a letter per venue).
_ACL_NEW = re.compile(r"\d{4}\.(findings-)?([a-z]+)[-.]")
_ACL_OLD = {"P": "ACL", "D": "EMNLP", "N": "NAACL", "E": "EACL", "Q": "TACL", "C": "COLING"}
_ACL_VENUES = {"acl": "ACL", "emnlp": "EMNLP", "naacl": "NAACL", "eacl": "EACL", "tacl": "TACL"}
_REPO = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[\w.\-]+/[\w.\-]+[^\s)\]}>,;\"']*"
)


@dataclass
class Found:
    """A paper as its own source describes it (before any published version is looked up)."""

    source: str  # "arxiv", "crossref", or the landing page's host kind ("openreview", ...)
    title: str
    authors: list[str]  # "Given Family", in order
    year: int
    where: str  # venue label ("arXiv" for a preprint)
    url: str  # the canonical paper URL
    arxiv_id: str = ""
    doi: str = ""
    code_url: str = ""
    notes: list[str] = field(default_factory=list)


def parse_input(text: str) -> tuple[ids.Ident | None, str]:
    """The identity an input names (an ACL Anthology id as its DOI: one paper, one identity),
    or None and one line saying why it names none refkit add can look up."""
    ident = ids.parse(text) if text.strip() else None
    if not text.strip():
        return (
            None,
            "names no DOI, arXiv id or paper URL (refkit add looks papers up by identity only)",
        )
    if ident is None:
        return None, f"not an id or URL refkit add knows; give {ACCEPTED}"
    if ident.kind not in ("arxiv", "doi", "acl", *LANDING):
        return None, f"refkit add does not look up {ident.kind} ids; give {ACCEPTED}"
    return (ids.Ident("doi", doi_of(ident)) if ident.kind == "acl" else ident), ""


def ident_keys(ident: ids.Ident) -> list[tuple[str, str]]:
    """The identity keys (dupes.py) an input names before any lookup."""
    acl = acl_id(ident.value) if ident.kind == "doi" else ""
    return [(ident.kind, ident.value)] + ([("acl", acl)] if acl else [])


def doi_of(ident: ids.Ident) -> str:
    """The DOI to ask Crossref for (an ACL Anthology id has `10.18653/v1/<id>`)."""
    return f"10.18653/v1/{ident.value}".lower() if ident.kind == "acl" else ident.value


def acl_venue(acl: str) -> str:
    """The venue label an ACL Anthology id names (`2023.findings-emnlp.1` -> EMNLP Findings)."""
    m = _ACL_NEW.match(acl)
    if m:
        venue = _ACL_VENUES.get(m.group(2), "")
        return f"{venue} Findings" if venue and m.group(1) else venue
    return _ACL_OLD.get(acl[:1].upper(), "")


def find(resolver: Resolver, idents: list[ids.Ident]) -> dict[ids.Ident, Found | str]:
    """Each arXiv, DOI or ACL id's paper, or a one-line reason it has none."""
    arxiv = [i.value for i in idents if i.kind == "arxiv"]
    others = [i for i in idents if i.kind in ("doi", "acl")]
    out: dict[ids.Ident, Found | str] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        entries = pool.submit(resolver.arxiv_entries, arxiv) if arxiv else None
        works = {i: pool.submit(_crossref, resolver, i) for i in others}
        if entries is not None:
            raw = entries.result()
            for ident in idents:
                if ident.kind == "arxiv":
                    out[ident] = _from_arxiv(ident.value, raw.get(ident.value), resolver.mode)
        for ident, job in works.items():
            out[ident] = job.result()
    return out


def _unreachable(source: str, exc: Exception, mode: str) -> str:
    if mode == "offline":
        return f"not in the cache, and --offline does not ask {source}"
    return f"{source} is not reachable ({exc})"


def _from_arxiv(aid: str, raw: str | None | Exception, mode: str) -> Found | str:
    if isinstance(raw, Unreachable | Blocked):
        return _unreachable("arXiv", raw, mode)
    if isinstance(raw, Exception):
        return f"arXiv lookup failed ({raw})"
    if raw is None:
        return f"arXiv does not know {aid}"
    e = ET.fromstring(_FEED_OPEN + raw + "</feed>").find("a:entry", NS)
    assert e is not None
    authors = [clean(n.text or "") for n in e.findall("a:author/a:name", NS)]
    doi = (e.findtext("arxiv:doi", "", NS) or "").strip().split()
    texts = [e.findtext("arxiv:comment", "", NS) or "", e.findtext("a:summary", "", NS) or ""]
    return Found(
        source="arxiv",
        title=clean(e.findtext("a:title", "", NS)),
        authors=[a for a in authors if a],
        year=int((e.findtext("a:published", "", NS) or "0")[:4] or 0) or ids.arxiv_year(aid),
        where="arXiv",
        url=f"https://arxiv.org/abs/{aid}",
        arxiv_id=aid,
        doi=doi[0].lower() if doi else "",
        code_url=code_url(texts),
    )


def code_url(texts: list[str]) -> str:
    """The first GitHub or GitLab repository URL the texts name (comment first), or ""."""
    for text in texts:
        m = _REPO.search(" ".join(text.split()))
        if m:
            return m.group(0).rstrip(".").removesuffix(".git").rstrip("/")
    return ""


def _crossref(resolver: Resolver, ident: ids.Ident) -> Found | str:
    doi = doi_of(ident)
    try:
        body = resolver.work(doi)
    except (Unreachable, Blocked) as exc:
        return _unreachable("Crossref", exc, resolver.mode)
    except Failed as exc:
        return f"Crossref lookup failed ({exc})"
    if body is None:
        return f"Crossref does not know the DOI {doi} (it does not resolve)"
    work: dict[str, Any] = resolver.crossref.works(body)[0]
    values = crossref_values(work, "venue", 1.0)
    people = [
        " ".join(p for p in (a.get("given", ""), a.get("family", "")) if p) or a.get("literal", "")
        for a in values.get("author", [])
    ]
    acl = acl_id(doi)
    where = acl_venue(acl) if acl else ""
    if not where:
        from ..enrich.scholar import _label

        where = _label(values.get("container-title", "")) or values.get("container-title", "")
    notes = []
    if not venues.lookup(where)[0]:
        notes.append(
            f"venue {where!r} is not in refkit's venue table; recorded as it is (add it to "
            "refkit/venues.py, or edit pub.where)"
        )
    return Found(
        source="crossref",
        title=values.get("title", ""),
        authors=[p for p in people if p],
        year=int(values.get("year") or 0),
        where=where,
        url=f"https://aclanthology.org/{acl}/" if acl else f"https://doi.org/{doi}",
        doi=doi,
        notes=notes,
    )


def acl_id(doi: str) -> str:
    """The ACL Anthology id of an ACL DOI (DOIs are compared lower case; old ids are upper)."""
    prefix = "10.18653/v1/"
    acl = doi[len(prefix) :] if doi.startswith(prefix) else ""
    return acl.upper() if re.fullmatch(r"[a-z]\d{2}-\d{4}", acl) else acl
