"""In-memory Zotero libraries for the test server: objects, versions, delete log, API JSON."""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

KEY_CHARS = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
DELETE_KINDS = ("collections", "items", "searches", "tags", "settings")


class ApiError(Exception):
    """An error answer: HTTP status, plain-text message, optional data for `failed` entries."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.data = data
        self.headers = headers or {}


@dataclass
class ApiRequest:
    """One parsed HTTP request as the API layer sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any  # email.message.Message: case-insensitive .get()
    body: bytes
    base: str  # "http://127.0.0.1:PORT", for absolute links

    @classmethod
    def parse_query(cls, raw: str) -> dict[str, list[str]]:
        return parse_qs(raw, keep_blank_values=True)

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class ApiResponse:
    """An answer: status, body bytes and extra headers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> ApiResponse:
        body = json.dumps(obj, ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def text(cls, status: int, message: str, headers: dict[str, str] | None = None) -> ApiResponse:
        # The dataserver HTML-escapes error bodies (htmlspecialchars, ENT_COMPAT style).
        body = html.escape(message, quote=False).replace('"', "&quot;").encode()
        return cls(status, body, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})})

    @classmethod
    def empty(cls, status: int, headers: dict[str, str] | None = None) -> ApiResponse:
        return cls(status, b"", dict(headers or {}))


def now_iso() -> str:
    """The current UTC time in the API's ISO 8601 form."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key(rng: random.Random, taken: set[str] | dict[str, Any]) -> str:
    """A fresh 8-character object key not in `taken`."""
    while True:
        key = "".join(rng.choice(KEY_CHARS) for _ in range(8))
        if key not in taken:
            return key


@dataclass
class Library:
    """One group or user library: its version counter, objects and delete log."""

    kind: str  # "group" | "user"
    id: int
    name: str
    version: int = 0
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: {} for kind in DELETE_KINDS}
    )
    seq: dict[str, int] = field(default_factory=dict)  # modification order, for sorting

    @property
    def path(self) -> str:
        return f"{self.kind}s/{self.id}"

    def library_json(self) -> dict[str, Any]:
        web = (
            f"https://www.zotero.org/{self.path}"
            if self.kind == "group"
            else (f"https://www.zotero.org/{self.name}")
        )
        return {
            "type": self.kind,
            "id": self.id,
            "name": self.name,
            "links": {"alternate": {"href": web, "type": "text/html"}},
        }


class Tx:
    """Version stamping for one write request: one bump per object or one per request."""

    def __init__(self, lib: Library, per_object: bool, counter: Any) -> None:
        self.lib = lib
        self.per_object = per_object
        self.counter = counter
        self.bumped = False

    def stamp(self) -> int:
        if self.per_object or not self.bumped:
            self.lib.version += 1
            self.bumped = True
        return self.lib.version

    def touch(self, key: str) -> None:
        self.lib.seq[key] = next(self.counter)


def _links(base: str, lib: Library, kind: str, key: str) -> dict[str, Any]:
    web = lib.library_json()["links"]["alternate"]["href"]
    return {
        "self": {"href": f"{base}/{lib.path}/{kind}/{key}", "type": "application/json"},
        "alternate": {"href": f"{web}/{kind}/{key}", "type": "text/html"},
    }


def _creator_summary(creators: list[dict[str, Any]]) -> str | None:
    names = [c.get("lastName") or c.get("name") or "" for c in creators]
    names = [n for n in names if n]
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def item_json(base: str, lib: Library, data: dict[str, Any]) -> dict[str, Any]:
    """The full API object for an item: key, version, library, links, meta, data."""
    key = data["key"]
    meta: dict[str, Any] = {}
    summary = _creator_summary(data.get("creators") or [])
    if summary:
        meta["creatorSummary"] = summary
    match = re.match(r"^(\d{4})(-\d{2})?(-\d{2})?", data.get("date") or "")
    if match:
        meta["parsedDate"] = match.group(0)
    if "parentItem" not in data and data["itemType"] not in ("note", "attachment", "annotation"):
        children = [i for i in lib.items.values() if i.get("parentItem") == key]
        meta["numChildren"] = len([c for c in children if not c.get("deleted")])
    return {
        "key": key,
        "version": data["version"],
        "library": lib.library_json(),
        "links": _links(base, lib, "items", key),
        "meta": meta,
        "data": dict(data),
    }


def collection_json(base: str, lib: Library, data: dict[str, Any]) -> dict[str, Any]:
    """The full API object for a collection, with meta.numCollections and meta.numItems."""
    key = data["key"]
    num_colls = sum(1 for c in lib.collections.values() if c["parentCollection"] == key)
    num_items = sum(
        1 for i in lib.items.values() if key in i.get("collections", ()) and not i.get("deleted")
    )
    return {
        "key": key,
        "version": data["version"],
        "library": lib.library_json(),
        "links": _links(base, lib, "collections", key),
        "meta": {"numCollections": num_colls, "numItems": num_items},
        "data": dict(data),
    }
