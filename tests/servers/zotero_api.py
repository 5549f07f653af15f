"""Routing, API keys, permissions and write tokens of the Zotero test server."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from tests.servers.zotero_reads import (
    read_collections,
    read_deleted,
    read_items,
    read_mapping,
)
from tests.servers.zotero_schema import Schema
from tests.servers.zotero_state import ApiError, ApiRequest, ApiResponse, Library, Tx
from tests.servers.zotero_writes import delete_many, delete_one, post_objects, write_one

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAPPINGS = {"itemTypes", "itemFields", "itemTypeFields", "itemTypeCreatorTypes", "creatorFields"}


@dataclass
class ApiKey:
    """An API key: its owner and per-library access ("read" or "write")."""

    key: str
    user_id: int
    libraries: dict[str, str]

    def level(self, lib: Library) -> str | None:
        found = self.libraries.get(lib.path)
        if found is None and lib.kind == "group":
            found = self.libraries.get("groups/all")
        return found


class ZoteroApi:
    """The API state and request handling, without HTTP. Callers hold the lock."""

    def __init__(self, schema_path: Path, seed: int, per_object_versions: bool) -> None:
        self.schema = Schema(schema_path)
        self.rng = random.Random(seed)
        self.counter = itertools.count(1)
        self.per_object = per_object_versions
        self.libraries: dict[str, Library] = {}
        self.usernames: dict[int, str] = {}
        self.keys: dict[str, ApiKey] = {}
        self.tokens: set[tuple[str, str]] = set()

    def tx(self, lib: Library) -> Tx:
        return Tx(lib, self.per_object, self.counter)

    # -- auth -----------------------------------------------------------------------------------

    def resolve_key(self, req: ApiRequest) -> str | None:
        """The request's API key (header, Bearer or ?key=); 400 on a mismatch, 403 if unknown."""
        header = req.header("Zotero-API-Key")
        auth = req.header("Authorization") or ""
        if auth.startswith("Bearer "):
            header = header or auth[len("Bearer ") :].strip()
        query = req.q("key")
        if header and query and header != query:
            raise ApiError(400, "Zotero-API-Key header and 'key' parameter differ")
        key = header or query
        if key and key not in self.keys:
            raise ApiError(403, "Invalid key")
        return key or None

    def key_json(self, key: ApiKey) -> dict[str, object]:
        access: dict[str, object] = {}
        own = key.libraries.get(f"users/{key.user_id}")
        if own:
            access["user"] = {
                "library": True,
                "files": True,
                "notes": True,
                "write": own == "write",
            }
        groups = {
            path.split("/", 1)[1]: {"library": True, "write": level == "write"}
            for path, level in key.libraries.items()
            if path.startswith("groups/")
        }
        if groups:
            access["groups"] = groups
        name = self.usernames.get(key.user_id, f"user{key.user_id}")
        return {"key": key.key, "userID": key.user_id, "username": name, "displayName": name,
                "access": access}  # fmt: skip

    # -- dispatch -------------------------------------------------------------------------------

    def handle(self, req: ApiRequest, key: str | None) -> ApiResponse:
        """Answer one request; ApiError becomes a plain-text error response."""
        try:
            resp = self._route(req, key)
        except ApiError as err:
            resp = ApiResponse.text(err.status, err.message, err.headers)
        token = req.header("Zotero-Write-Token")
        if token and key and req.method in WRITE_METHODS and 200 <= resp.status < 300:
            self.tokens.add((key, token))
        return resp

    def _check_token(self, req: ApiRequest, key: str | None) -> None:
        token = req.header("Zotero-Write-Token")
        if token is None or req.method not in WRITE_METHODS:
            return
        if not key:
            raise ApiError(400, "Write token cannot be used without an API key")
        if not 5 <= len(token) <= 32:
            raise ApiError(400, "Write token must be 5-32 characters in length")
        if (key, token) in self.tokens:
            raise ApiError(412, "Write token already used")

    def _route(self, req: ApiRequest, key: str | None) -> ApiResponse:
        parts = [p for p in req.path.split("/") if p]
        if req.method not in WRITE_METHODS | {"GET", "HEAD"}:
            raise ApiError(405, "Method not allowed")
        if req.header("Expect"):
            raise ApiError(417, "Expect header not supported")
        if parts[:1] == ["keys"] and len(parts) == 2 and req.method == "GET":
            return self._key_info(parts[1], key)
        if len(parts) == 1 and parts[0] in MAPPINGS and req.method == "GET":
            return read_mapping(self, req, parts[0])
        if parts == ["items", "new"] and req.method == "GET":
            return ApiResponse.json(self.schema.template(req.q("itemType") or ""))
        if len(parts) < 3 or parts[0] not in ("users", "groups"):
            raise ApiError(404, "Not found")
        lib = self.libraries.get(f"{parts[0]}/{parts[1]}")
        if lib is None:
            raise ApiError(404, f"{'Group' if parts[0] == 'groups' else 'User'} not found")
        self._check_access(req, key, lib)
        self._check_token(req, key)
        kind, rest = parts[2], parts[3:]
        if req.method in ("GET", "HEAD"):
            if kind == "items":
                return read_items(self, req, lib, rest)
            if kind == "collections":
                return read_collections(self, req, lib, rest)
            if kind == "deleted" and not rest:
                return read_deleted(self, req, lib)
            raise ApiError(404, "Not found")
        if kind not in ("items", "collections") or len(rest) > 1:
            raise ApiError(405 if kind in ("items", "collections") else 404, "Method not allowed")
        if req.method == "POST" and not rest:
            return post_objects(self, req, lib, kind)
        if req.method in ("PUT", "PATCH") and rest:
            return write_one(self, req, lib, kind, rest[0])
        if req.method == "DELETE":
            if rest:
                return delete_one(self, req, lib, kind, rest[0])
            return delete_many(self, req, lib, kind)
        raise ApiError(405, "Method not allowed")

    def _key_info(self, which: str, key: str | None) -> ApiResponse:
        if which == "current":
            if not key:
                raise ApiError(403, "No key provided")
            which = key
        found = self.keys.get(which)
        if found is None:
            raise ApiError(404, f"Key '{which}' not found")
        return ApiResponse.json(self.key_json(found))

    def _check_access(self, req: ApiRequest, key: str | None, lib: Library) -> None:
        level = self.keys[key].level(lib) if key else None
        if req.method in WRITE_METHODS:
            if not key:
                raise ApiError(403, "An API key is required for write requests")
            if level != "write":
                raise ApiError(403, "Write access denied")
        elif level is None:
            raise ApiError(403, "Forbidden")
