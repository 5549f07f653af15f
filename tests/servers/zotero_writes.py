"""Write requests of the Zotero test server: batch POST, single PUT/PATCH, DELETE."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from tests.servers.zotero_objects import (
    check_version,
    delete_collections,
    delete_items,
    modified_msg,
    save_collection,
    save_item,
)
from tests.servers.zotero_state import (
    KEY_RE,
    ApiError,
    ApiRequest,
    ApiResponse,
    Library,
    collection_json,
    item_json,
    new_key,
)

if TYPE_CHECKING:
    from tests.servers.zotero_api import ZoteroApi

MAX_WRITE = 50
LABEL = {"items": "Item", "collections": "Collection"}


def _lmv(version: int) -> dict[str, str]:
    return {"Last-Modified-Version": str(version)}


def header_version(req: ApiRequest) -> int | None:
    """If-Unmodified-Since-Version as an int (400 when not numeric)."""
    raw = req.header("If-Unmodified-Since-Version")
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise ApiError(400, "Invalid If-Unmodified-Since-Version value")
    return int(raw)


def check_library_version(req: ApiRequest, lib: Library) -> int | None:
    """Whole-request 412 when the library changed since the client's version."""
    version = header_version(req)
    if version is not None and lib.version > version:
        found = lib.version
        msg = (
            f"Library has been modified since specified version (expected {version}, found {found})"
        )
        raise ApiError(412, msg, headers=_lmv(lib.version))
    return version


def _body_json(req: ApiRequest) -> Any:
    if not req.body.strip():
        raise ApiError(
            400, "POST data not provided" if req.method == "POST" else "No data provided"
        )
    try:
        return json.loads(req.body)
    except ValueError as exc:
        raise ApiError(400, f"Invalid JSON: {exc}") from None


def post_objects(api: ZoteroApi, req: ApiRequest, lib: Library, kind: str) -> ApiResponse:
    """POST /items or /collections: up to 50 objects, each created or updated on its own."""
    objects = _body_json(req)
    if not isinstance(objects, list):
        raise ApiError(400, "Uploaded data must be a JSON array")
    if len(objects) > MAX_WRITE:
        raise ApiError(413, f"Cannot add more than {MAX_WRITE} {kind} at a time")
    has_header = check_library_version(req, lib) is not None
    tx = api.tx(lib)
    result: dict[str, dict[str, Any]] = {
        "successful": {},
        "success": {},
        "unchanged": {},
        "failed": {},
    }
    for i, obj in enumerate(objects):
        idx = str(i)
        key = obj.get("key") if isinstance(obj, dict) else None
        try:
            data, changed = _post_one(api, lib, tx, kind, obj, has_header)
        except ApiError as err:
            entry: dict[str, Any] = {"code": err.status, "message": html.escape(err.message, False)}
            if key is not None:
                entry = {"key": key, **entry}
            if err.data:
                entry["data"] = err.data
            result["failed"][idx] = entry
            continue
        if changed:
            render = item_json if kind == "items" else collection_json
            result["successful"][idx] = render(req.base, lib, data)
            result["success"][idx] = data["key"]
        else:
            result["unchanged"][idx] = data["key"]
    return ApiResponse.json(result, headers=_lmv(lib.version))


def _post_one(
    api: ZoteroApi, lib: Library, tx: Any, kind: str, obj: Any, has_header: bool
) -> tuple[dict[str, Any], bool]:
    store = lib.items if kind == "items" else lib.collections
    if not isinstance(obj, dict):
        raise ApiError(400, f"Invalid value '{obj}'; expected JSON {kind[:-1]} object")
    key = obj.get("key")
    if key is None:
        key, old = new_key(api.rng, store), None
    else:
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise ApiError(400, f"'{key}' is not a valid {kind[:-1]} key")
        old = store.get(key)
        check_version(obj, old, has_header, LABEL[kind])
    if kind == "items":
        return save_item(lib, api.schema, tx, key, obj, old, replace=False)
    return save_collection(lib, tx, key, obj, old, replace=False)


def write_one(api: ZoteroApi, req: ApiRequest, lib: Library, kind: str, key: str) -> ApiResponse:
    """PUT (full) or PATCH (partial) /items/{key} or /collections/{key}: 204 on success."""
    obj = _body_json(req)
    if not isinstance(obj, dict):
        raise ApiError(400, "Uploaded data must be a JSON object")
    store = lib.items if kind == "items" else lib.collections
    label = LABEL[kind]
    header = header_version(req)
    body_version = obj.get("version")
    if header is not None and body_version is not None and header != body_version:
        raise ApiError(400, "If-Unmodified-Since-Version and 'version' property do not match")
    if obj.get("key") not in (None, key):
        raise ApiError(
            409, f"{label} key provided in JSON does not match URL ('{obj['key']}' != '{key}')"
        )
    version = header if header is not None else body_version
    old = store.get(key)
    if version is None:
        if old is None and req.method == "PATCH":
            msg = (
                f"{label} doesn't exist (to create, use If-Unmodified-Since-Version: 0, "
                "JSON 'version' 0, or PUT method)"
            )
            raise ApiError(404, msg)
        if old is not None:
            msg = (
                "Either If-Unmodified-Since-Version or object version property must be "
                "provided for single-object writes"
            )
            raise ApiError(428, msg)
    elif old is None and version != 0:
        raise ApiError(404, f"{label} doesn't exist (expected version {version}; use 0 instead)")
    elif old is not None and (version == 0 or old["version"] > version):
        raise ApiError(
            412, modified_msg(label, version, old["version"]), headers=_lmv(old["version"])
        )
    replace = req.method == "PUT"
    if replace and kind == "items":
        required = ["itemType", "tags", "relations"]
        if not (old or obj).get("parentItem"):
            required.append("collections")
        for prop in required:
            if prop not in obj:
                raise ApiError(400, f"'{prop}' property not provided")
    tx = api.tx(lib)
    if kind == "items":
        data, _ = save_item(lib, api.schema, tx, key, obj, old, replace)
    else:
        data, _ = save_collection(lib, tx, key, obj, old, replace)
    return ApiResponse.empty(204, _lmv(data["version"]))


def delete_one(api: ZoteroApi, req: ApiRequest, lib: Library, kind: str, key: str) -> ApiResponse:
    """DELETE /items/{key}: the object's version is required in If-Unmodified-Since-Version."""
    version = header_version(req)
    if version is None:
        raise ApiError(428, "If-Unmodified-Since-Version must be provided for delete requests")
    store = lib.items if kind == "items" else lib.collections
    old = store.get(key)
    if old is None:
        raise ApiError(404, f"{LABEL[kind]} not found")
    if old["version"] > version:
        msg = modified_msg(LABEL[kind], version, old["version"])
        raise ApiError(412, msg, headers=_lmv(old["version"]))
    remove = delete_items if kind == "items" else delete_collections
    remove(lib, api.tx(lib), [key])
    return ApiResponse.empty(204, _lmv(lib.version))


def delete_many(api: ZoteroApi, req: ApiRequest, lib: Library, kind: str) -> ApiResponse:
    """DELETE /items?itemKey=A,B: <= 50 keys, library version required, unknown keys skipped."""
    param = "itemKey" if kind == "items" else "collectionKey"
    raw = req.q(param)
    if not raw:
        raise ApiError(400, f"'{param}' not provided")
    keys = [k for k in raw.split(",") if k]
    if len(keys) > MAX_WRITE:
        raise ApiError(413, f"Cannot delete more than {MAX_WRITE} {kind} at a time")
    if header_version(req) is None:
        raise ApiError(428, "If-Unmodified-Since-Version must be provided for delete requests")
    check_library_version(req, lib)
    remove = delete_items if kind == "items" else delete_collections
    remove(lib, api.tx(lib), keys)
    return ApiResponse.empty(204, _lmv(lib.version))
