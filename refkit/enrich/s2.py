"""The Semantic Scholar source: one `POST /paper/batch` per 500 identifiers.

S2 finds candidates, never the final word: one record mixes the preprint and the published
paper (the venue is the conference while year, DOI and `journal: ArXiv` may be the preprint's,
and `externalIds.DBLP` may be the CoRR copy). refkit keeps only the identifiers and the venue
name (`hints`) and lets DBLP decide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import ids
from ..http import Blocked, Failed, Session
from ..model import Item

SOURCE = "s2"
BATCH = 500  # "Can only process 500 paper ids at a time."
FIELDS = "externalIds,title,venue,year,authors"
PREPRINT_VENUES = ("", "arxiv.org", "arxiv")


def ident(item: Item) -> str:
    """The S2 id of a record from its own identifiers: `ARXIV:`, `DOI:` or `ACL:` (from its
    arXiv id, DOI or any form its URL names them in); "" if none."""
    custom = item.get("custom", {})
    url = ids.parse(item.get("URL", ""))
    aid = custom.get("arxiv_id") or (url.value if url and url.kind == "arxiv" else "")
    if aid:
        return f"ARXIV:{aid}"
    doi = str(item.get("DOI", "")) or (url.value if url and url.kind == "doi" else "")
    if doi and not doi.lower().startswith("10.48550/"):
        return f"DOI:{doi.lower()}"
    if url and url.kind == "acl":
        return f"ACL:{url.value}"
    return ""


def is_corr(key: str) -> bool:
    return key.startswith("journals/corr/")


def hints(paper: dict[str, Any]) -> dict[str, Any]:
    """What refkit keeps of an S2 paper: its ids, venue and whether it names a publication."""
    ext = paper.get("externalIds") or {}
    dblp = str(ext.get("DBLP") or "")
    doi = str(ext.get("DOI") or "").lower()
    venue = str(paper.get("venue") or "")
    out: dict[str, Any] = {"paper": paper.get("paperId", ""), "venue": venue}
    if dblp:
        out["dblp"] = dblp
    if ext.get("ACL"):
        out["acl"] = str(ext["ACL"])
    if doi and not doi.startswith("10.48550/"):
        out["doi"] = doi
    out["published"] = bool(
        (dblp and not is_corr(dblp))
        or out.get("acl")
        or out.get("doi")
        or venue.strip().lower() not in PREPRINT_VENUES
    )
    return out


@dataclass(frozen=True)
class S2:
    """Pure helpers around `fetch`, the one function that asks the network."""

    url: str
    api_key: str | None = None

    def batches(self, ids: list[str]) -> list[list[str]]:
        good = sorted(set(i for i in ids if i))
        return [good[i : i + BATCH] for i in range(0, len(good), BATCH)]

    def fetch(self, session: Session, ids: list[str]) -> dict[str, str | None]:
        """One batch: the raw JSON of each paper by id, None for ids S2 does not know."""
        headers = {"x-api-key": self.api_key} if self.api_key else None
        try:
            r = session.get(
                f"{self.url}/paper/batch",
                params={"fields": FIELDS},
                headers=headers,
                kind="batch",
                method="POST",
                body={"ids": ids},
                valid=_json_list,
            )
        except Blocked as exc:
            raise Blocked(
                "Semantic Scholar answered 403: the API key is wrong; fix REFKIT_S2_API_KEY "
                "(or [s2] api_key in the config file) or remove it"
            ) from exc
        if r.status_code != 200:
            raise Failed(f"Semantic Scholar answered HTTP {r.status_code}: {r.text[:200]}")
        papers = r.json()
        if len(papers) != len(ids):
            raise Failed("Semantic Scholar's batch answer does not match the ids asked")
        return {
            i: (json.dumps(p) if p is not None else None) for i, p in zip(ids, papers, strict=True)
        }


def _json_list(r: Any) -> bool:
    try:
        return isinstance(r.json(), list)
    except ValueError:
        return False
