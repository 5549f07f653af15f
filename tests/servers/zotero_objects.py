"""Saving and deleting one item or collection in a Library (for the API and the test helpers)."""

from __future__ import annotations

from typing import Any

from tests.servers.zotero_schema import Schema, check_relations
from tests.servers.zotero_state import KEY_RE, ApiError, Library, Tx, now_iso

COLLECTION_PROPS = {"key", "version", "name", "parentCollection", "relations", "deleted"}
_VOLATILE = ("key", "version", "dateAdded", "dateModified")


def check_version(
    obj: dict[str, Any], old: dict[str, Any] | None, header: bool, label: str
) -> None:
    """checkJSONObjectVersion for a keyed object in a batch write."""
    if "version" in obj:
        version = obj["version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise ApiError(400, "'version' must be an integer")
        if old is None:
            if version != 0:
                msg = f"{label} doesn't exist (expected version {version}; use 0 instead)"
                raise ApiError(404, msg)
        elif version == 0 or old["version"] > version:
            raise ApiError(412, modified_msg(label, version, old["version"]))
    elif not header:
        msg = (
            "Either If-Unmodified-Since-Version or 'version' property must be provided "
            "for 'key'-based writes"
        )
        raise ApiError(428, msg)


def modified_msg(label: str, expected: int, found: int) -> str:
    return f"{label} has been modified since specified version (expected {expected}, found {found})"


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k not in _VOLATILE}  # noqa: E731
    return strip(old) == strip(new)


def save_item(
    lib: Library, schema: Schema, tx: Tx, key: str, obj: dict[str, Any], old: Any, replace: bool
) -> tuple[dict[str, Any], bool]:
    """Validate and store one item; returns (stored data, changed). Raises ApiError."""
    schema.check(obj, old, lib.kind == "group")
    body = {k: v for k, v in obj.items() if k not in ("key", "version")}
    if replace and old is not None:
        # PUT: everything not sent is cleared (linkMode and parentItem stay).
        body = {"linkMode": old.get("linkMode"), "parentItem": old.get("parentItem"), **body}
        data = schema.build({k: v for k, v in body.items() if v is not None}, None)
    else:
        data = schema.build(body, old)
    for coll in data.get("collections", []):
        if coll not in lib.collections:
            raise ApiError(409, f"Collection {coll} not found", data={"collection": coll})
    parent = data.get("parentItem")
    if parent:
        if parent == key or parent not in lib.items:
            raise ApiError(409, f"Parent item {parent} not found", data={"parentItem": parent})
        if lib.items[parent].get("parentItem") or lib.items[parent]["itemType"] in (
            "note",
            "attachment",
        ):
            raise ApiError(400, f"Parent item {parent} cannot be a child item")
    if old is not None and _same(old, data):
        return old, False
    now = now_iso()
    added = old["dateAdded"] if old else str(obj.get("dateAdded") or now)
    stored = {"key": key, "version": tx.stamp(), **data, "dateAdded": added, "dateModified": now}
    lib.items[key] = stored
    lib.deleted["items"].pop(key, None)
    tx.touch(key)
    return stored, True


def save_collection(
    lib: Library, tx: Tx, key: str, obj: dict[str, Any], old: Any, replace: bool
) -> tuple[dict[str, Any], bool]:
    """Validate and store one collection; returns (stored data, changed). Raises ApiError."""
    for prop, val in obj.items():
        if prop not in COLLECTION_PROPS:
            raise ApiError(400, f"Invalid property '{prop}'")
        if prop == "relations":
            check_relations(val)
    if (old is None or replace) and "name" not in obj:
        raise ApiError(400, "'name' property not provided")
    name = obj.get("name", old["name"] if old else "")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Collection name cannot be empty")
    if len(name) > 255:
        raise ApiError(413, f"Collection '{name[:50]}…' too long", data={"value": name})
    parent = obj.get("parentCollection", old["parentCollection"] if old and not replace else False)
    parent = parent or False
    if parent is not False:
        if not isinstance(parent, str) or not KEY_RE.match(parent):
            raise ApiError(400, f"'{parent}' is not a valid collection key")
        if parent not in lib.collections or parent == key:
            raise ApiError(
                409, f"Parent collection {parent} not found", data={"collection": parent}
            )
        seen, walk = set(), parent
        while walk:
            if walk == key or walk in seen:
                raise ApiError(400, "Cannot move collection into its own descendant")
            seen.add(walk)
            walk = lib.collections[walk]["parentCollection"]
    base = {} if replace or old is None else old
    data: dict[str, Any] = {
        "name": name,
        "parentCollection": parent,
        "relations": dict(obj.get("relations", base.get("relations", {})) or {}),
    }
    deleted = obj.get("deleted", base.get("deleted"))
    if deleted not in (None, False, 0, "0", ""):
        data["deleted"] = 1
    if old is not None and _same(old, data):
        return old, False
    stored = {"key": key, "version": tx.stamp(), **data}
    lib.collections[key] = stored
    lib.deleted["collections"].pop(key, None)
    tx.touch(key)
    return stored, True


def delete_items(lib: Library, tx: Tx, keys: list[str]) -> int:
    """Delete items (and their children) permanently; one version for the request."""
    doomed = [k for k in keys if k in lib.items]
    doomed += [k for k, i in lib.items.items() if i.get("parentItem") in doomed]
    doomed = list(dict.fromkeys(doomed))
    if not doomed:
        return 0
    version = tx.stamp()
    for key in doomed:
        lib.items.pop(key, None)
        lib.seq.pop(key, None)
        lib.deleted["items"][key] = version
    return len(doomed)


def delete_collections(lib: Library, tx: Tx, keys: list[str]) -> int:
    """Delete collections and their descendants; items lose the membership (and are bumped)."""
    doomed = [k for k in keys if k in lib.collections]
    i = 0
    while i < len(doomed):
        doomed += [k for k, c in lib.collections.items() if c["parentCollection"] == doomed[i]]
        i += 1
    doomed = list(dict.fromkeys(doomed))
    if not doomed:
        return 0
    version = tx.stamp()
    for key in doomed:
        lib.collections.pop(key)
        lib.seq.pop(key, None)
        lib.deleted["collections"][key] = version
    gone = set(doomed)
    for item in lib.items.values():
        if gone & set(item.get("collections", ())):
            item["collections"] = [c for c in item["collections"] if c not in gone]
            item["version"] = version
            item["dateModified"] = now_iso()
            tx.touch(item["key"])
    return len(doomed)
