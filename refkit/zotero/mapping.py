"""The mapping from a CSL item to Zotero item JSON (schema v41), refkit's object keys and markers.

Pure: no I/O. Field names come from zotero-schema `schema.json` (v41; `tests/data/zotero-schema.json`),
whose `csl` table maps CSL variables to base fields (container-title -> publicationTitle, which
conferencePaper calls proceedingsTitle and blogPost blogTitle; publisher -> repository/company;
number -> archiveID).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..model import Item, Name, plain

# CSL type -> Zotero item type (schema.json `csl.types`, inverted for the types refkit produces).
ITEM_TYPES = {
    "paper-conference": "conferencePaper",
    "article-journal": "journalArticle",
    "article": "preprint",
    "post-weblog": "blogPost",
    "software": "computerProgram",
}

# Per Zotero type: Zotero field <- CSL variable, for the fields refkit writes (all valid in v41).
_COMMON = {"title": "title", "shortTitle": "title-short", "date": "issued", "url": "URL",
           "DOI": "DOI", "citationKey": "citation-key"}  # fmt: skip
FIELDS: dict[str, dict[str, str]] = {
    "conferencePaper": {**_COMMON, "proceedingsTitle": "container-title",
                        "conferenceName": "event-title", "publisher": "publisher",
                        "volume": "volume", "issue": "issue", "pages": "page"},
    "journalArticle": {**_COMMON, "publicationTitle": "container-title", "publisher": "publisher",
                       "volume": "volume", "issue": "issue", "pages": "page"},
    "preprint": {**_COMMON, "repository": "publisher", "archiveID": "number"},
    "blogPost": {**_COMMON, "blogTitle": "container-title"},
    "computerProgram": {**_COMMON, "company": "publisher"},
}  # fmt: skip

# Every field refkit may own on an item, across its types (the merge compares these).
OWNED_FIELDS = tuple(sorted({f for fields in FIELDS.values() for f in fields}))

# Fields added to these types in schema v33 (Dec 2025). On an older server they go to Extra as
# `Label: value` lines, as Zotero itself stores fields a type lacks.
NEW_IN_V33 = {
    "conferencePaper": {"citationKey", "issue"},
    "journalArticle": {"citationKey", "publisher"},
    "preprint": {"citationKey"},
    "blogPost": {"citationKey", "DOI"},
    "computerProgram": {"citationKey", "DOI"},
}
EXTRA_LABELS = {"citationKey": "Citation Key", "DOI": "DOI", "issue": "Issue",
                "publisher": "Publisher"}  # fmt: skip

# Primary creator type per Zotero type (schema.json `creatorTypes[].primary`).
PRIMARY_CREATOR = {"computerProgram": "programmer"}

MARKER = "refkit-id"  # Extra line `refkit-id: <record id> <digest>` on every item refkit owns
CODE_TITLE = "Code"  # the linked-URL attachment holding the code repository URL
# Extra labels refkit owns on its items: its marker, the arXiv id, fields the type lacks.
OWNED_LABELS = (MARKER, "arXiv", *EXTRA_LABELS.values())
_LINE = re.compile(r"^([A-Za-z][A-Za-z -]*):\s*(.*)$")

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"  # Zotero object keys: 8 of these


def object_key(library: str, kind: str, name: str) -> str:
    """A deterministic Zotero object key: the same library, kind and name always give the same key.

    A retried create with `version: 0` then hits the existing object (412) instead of duplicating
    it, and a lost local state is rebuilt by reading these keys.
    """
    digest = int.from_bytes(hashlib.sha256(f"{library}\0{kind}\0{name}".encode()).digest(), "big")
    chars = []
    for _ in range(8):
        digest, rem = divmod(digest, len(KEY_ALPHABET))
        chars.append(KEY_ALPHABET[rem])
    return "".join(chars)


def item_key(library: str, record_id: str) -> str:
    return object_key(library, "item", record_id)


def code_key(library: str, record_id: str) -> str:
    return object_key(library, "code", record_id)


def collection_key(library: str, root: str, venue: str | None) -> str:
    """The key of the root collection (venue None) or of a venue collection under it."""
    return object_key(library, "collection", root if venue is None else f"{root}\0{venue}")


def collection_name(item: Item) -> str:
    """The venue collection an item belongs in."""
    custom = item.get("custom", {})
    return custom.get("venue_key") or custom.get("venue") or "No venue"


def _date(item: Item) -> str:
    parts = (item.get("issued", {}).get("date-parts") or [[]])[0]
    return "-".join(f"{int(p):02d}" if i else str(int(p)) for i, p in enumerate(parts) if p)


def creator(name: Name, creator_type: str) -> dict[str, str]:
    """A CSL name as a Zotero creator; the particle joins the last name (as Zotero's importer does)."""
    if "literal" in name:
        return {"creatorType": creator_type, "name": name["literal"]}
    last = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    first = ", ".join(p for p in (name.get("given", ""), name.get("suffix", "")) if p)
    return {"creatorType": creator_type, "firstName": first, "lastName": last}


def to_zotero(item: Item, *, native: bool = True) -> dict[str, Any]:
    """The Zotero data refkit owns for a CSL item: type, fields, creators, tags, Extra lines.

    `native` False targets a server older than schema v33: fields new in v33 go to Extra. Keys,
    versions and collections are the plan's business. The marker line is added by `mark`.
    """
    itype = ITEM_TYPES.get(item.get("type", ""), "preprint")
    fields: dict[str, str] = {}
    extra: list[str] = []
    for field, var in FIELDS[itype].items():
        if var == "issued":
            value = _date(item)
        elif var in ("title", "title-short"):
            value = plain(item, var)  # math as Unicode text (H₂O)
        else:
            value = str(item.get(var, "") or "")
        if not value:
            continue
        if not native and field in NEW_IN_V33[itype]:
            extra.append(f"{EXTRA_LABELS[field]}: {value}")
        else:
            fields[field] = value
    arxiv = item.get("custom", {}).get("arxiv_id", "")
    if arxiv and itype != "preprint":
        extra.append(f"arXiv: {arxiv}")
    ctype = PRIMARY_CREATOR.get(itype, "author")
    tags = sorted(set(item.get("custom", {}).get("keywords", [])))
    return {
        "itemType": itype,
        **fields,
        "creators": [creator(n, ctype) for n in item.get("author", [])],
        "tags": tags,  # names; `data()` turns them into Zotero tag objects
        "extra": "\n".join(extra),
    }


def code_attachment(item: Item) -> dict[str, str] | None:
    """The owned view of the "Code" linked-URL attachment, or None when there is no code URL.

    A software item whose URL already is the repository gets none.
    """
    url = item.get("custom", {}).get("code_url", "")
    if not url or url == item.get("URL"):
        return None
    return {"itemType": "attachment", "linkMode": "linked_url", "title": CODE_TITLE, "url": url}


def digest(owned: dict[str, Any]) -> str:
    """8 hex digits naming the owned scalar data (not tags: members add their own)."""
    view = {k: v for k, v in owned.items() if k != "tags"}
    text = json.dumps(view, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def split_extra(extra: str) -> tuple[list[str], list[str]]:
    """Extra's lines as (refkit's lines, everyone else's lines), each in order."""
    ours: list[str] = []
    theirs: list[str] = []
    for line in (extra or "").splitlines():
        match = _LINE.match(line.strip())
        (ours if match and match.group(1) in OWNED_LABELS else theirs).append(line)
    return ours, theirs


def marker(extra: str) -> tuple[str, str] | None:
    """(record id, digest) from an Extra's marker line, None when there is none."""
    for line in (extra or "").splitlines():
        match = _LINE.match(line.strip())
        if match and match.group(1) == MARKER:
            rid, _, dig = match.group(2).strip().partition(" ")
            return rid, dig.strip()
    return None


def owned_view(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a remote item's data refkit owns, in the same shape `to_zotero` returns.

    Missing fields read as "", creators keep only their name parts, tags are all the item's tag
    names (the merge tells refkit's from members'), Extra keeps refkit's lines minus the marker.
    """
    view: dict[str, Any] = {"itemType": data.get("itemType", "")}
    for field in FIELDS.get(data.get("itemType", ""), {}):
        if data.get(field):
            view[field] = data[field]
    view["creators"] = [
        {k: c[k] for k in ("creatorType", "name", "firstName", "lastName") if k in c}
        for c in data.get("creators", [])
    ]
    view["tags"] = sorted({t["tag"] for t in data.get("tags", [])})
    ours, _ = split_extra(data.get("extra", ""))
    view["extra"] = "\n".join(line for line in ours if not line.strip().startswith(MARKER + ":"))
    return view


def compose_extra(refkit_lines: str, record_id: str, dig: str, remote_extra: str) -> str:
    """Extra as written: members' lines kept in place, then refkit's marker and lines."""
    _, theirs = split_extra(remote_extra)
    lines = [*theirs, f"{MARKER}: {record_id} {dig}", *refkit_lines.splitlines()]
    return "\n".join(lines)
