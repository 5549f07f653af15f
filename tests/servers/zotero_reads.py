"""Read requests of the Zotero test server: filters, sorting, pagination, Link headers, versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.servers.zotero_state import (
    ApiError,
    ApiRequest,
    ApiResponse,
    Library,
    collection_json,
    item_json,
)

if TYPE_CHECKING:
    from tests.servers.zotero_api import ZoteroApi

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_KEYS = 50
DEFAULTS = {"format": "json", "limit": "25", "start": "0", "locale": "en-US",
            "sort": "dateModified", "direction": "desc", "includeTrashed": "0"}  # fmt: skip
NOT_IN_LINKS = {"start", "key", "v"}


def _int(req: ApiRequest, name: str, default: int) -> int:
    raw = req.q(name)
    if raw in (None, ""):
        return default
    if not raw.lstrip("-").isdigit():
        raise ApiError(400, f"Invalid '{name}' value '{raw}'")
    return int(raw)


def not_modified(req: ApiRequest, version: int) -> ApiResponse | None:
    """304 when If-Modified-Since-Version is not older than `version`."""
    raw = req.header("If-Modified-Since-Version")
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise ApiError(400, "Invalid If-Modified-Since-Version value")
    if version <= int(raw):
        return ApiResponse.empty(304, {"Last-Modified-Version": str(version)})
    return None


def _tag_match(tags: set[str], specs: list[str]) -> bool:
    # tag=a&tag=b is AND; "a || b" is OR; a leading "-" negates (r"\-" is a literal hyphen).
    for spec in specs:
        negate = spec.startswith("-")
        spec = spec[1:] if negate else spec.removeprefix("\\")
        hit = any(v.strip() in tags for v in spec.split(" || "))
        if hit == negate:
            return False
    return True


def _type_match(item_type: str, spec: str | None) -> bool:
    if not spec:
        return True
    negate = spec.startswith("-")
    values = (spec[1:] if negate else spec).split(" || ")
    return (item_type in values) != negate


def _quick(data: dict[str, Any], q: str, everything: bool) -> bool:
    q = q.lower()
    texts = [str(data.get("title", "")), str(data.get("note", ""))]
    texts += [" ".join(str(c.get(k, "")) for k in ("firstName", "lastName", "name")).strip()
              for c in data.get("creators", [])]  # fmt: skip
    if everything:
        texts += [str(v) for v in data.values() if isinstance(v, str)]
    return any(q in t.lower() for t in texts) or str(data.get("date", ""))[:4] == q


def filter_items(
    req: ApiRequest, lib: Library, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Apply includeTrashed, itemKey, since, tag, itemType and q like the dataserver."""
    trashed = req.q("includeTrashed", "0") not in ("0", "false", "")
    keys = req.q("itemKey")
    key_set = set(keys.split(",")) if keys else None
    if key_set and len(key_set) > MAX_KEYS:
        raise ApiError(400, f"Cannot specify more than {MAX_KEYS} keys")
    since = _int(req, "since", 0)
    tags = req.query.get("tag", [])
    q = req.q("q")
    everything = req.q("qmode") == "everything"
    out = []
    for data in items:
        if data.get("deleted") and not trashed:
            continue
        if key_set is not None and data["key"] not in key_set:
            continue
        if data["version"] <= since:
            continue
        if tags and not _tag_match({t["tag"] for t in data.get("tags", [])}, tags):
            continue
        if not _type_match(data["itemType"], req.q("itemType")):
            continue
        if q and not _quick(data, q, everything):
            continue
        out.append(data)
    return out


def filter_collections(req: ApiRequest, objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    trashed = req.q("includeTrashed", "0") not in ("0", "false", "")
    keys = req.q("collectionKey")
    key_set = set(keys.split(",")) if keys else None
    since = _int(req, "since", 0)
    return [
        c
        for c in objs
        if (trashed or not c.get("deleted"))
        and (key_set is None or c["key"] in key_set)
        and c["version"] > since
    ]


def _sorted(req: ApiRequest, lib: Library, objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sort = req.q("sort", "dateModified")
    if sort in ("dateModified", "dateAdded"):
        key: Callable[[dict[str, Any]], Any] = lambda d: (  # noqa: E731
            d.get(sort, ""),
            lib.seq.get(d["key"], 0),
        )
        default_dir = "desc"
    elif sort in ("title", "date", "itemType"):
        key = lambda d: (str(d.get(sort) or d.get("name") or "").lower(), d["key"])  # noqa: E731
        default_dir = "asc"
    else:
        raise ApiError(400, f"Invalid 'sort' value '{sort}'")
    direction = req.q("direction", default_dir)
    return sorted(objs, key=key, reverse=direction == "desc")


def _links(req: ApiRequest, lib: Library, start: int, limit: int, total: int) -> str:
    params = [
        (k, v)
        for k, values in req.query.items()
        for v in values
        if k not in NOT_IN_LINKS and DEFAULTS.get(k) != v
    ]
    base = f"{req.base}{req.path}"

    def url(at: int) -> str:
        query = params + ([("start", str(at))] if at else [])
        return base + ("?" + urlencode(query) if query else "")

    parts = []
    if start > 0:
        parts += [f'<{url(0)}>; rel="first"', f'<{url(max(0, start - limit))}>; rel="prev"']
    if start + limit < total:
        last = (total - 1) // limit * limit
        parts += [f'<{url(start + limit)}>; rel="next"', f'<{url(last)}>; rel="last"']
    web = lib.library_json()["links"]["alternate"]["href"]
    kind = req.path.split("/", 3)[3] if req.path.count("/") >= 3 else ""
    parts.append(f'<{web}/{kind}>; rel="alternate"')
    return ", ".join(parts)


def respond_list(
    req: ApiRequest, lib: Library, objs: list[dict[str, Any]], kind: str
) -> ApiResponse:
    """Sort, page and render a multi-object answer in the requested format."""
    headers = {"Last-Modified-Version": str(lib.version)}
    fmt = req.q("format", "json")
    if fmt == "versions":
        return ApiResponse.json({d["key"]: d["version"] for d in objs} or {}, headers=headers)
    objs = _sorted(req, lib, objs)
    if fmt == "keys":
        body = "".join(d["key"] + "\n" for d in objs).encode()
        return ApiResponse(200, body, {"Content-Type": "text/plain", **headers})
    if fmt != "json":
        raise ApiError(400, f"Invalid 'format' value '{fmt}'")
    limit = _int(req, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT
    limit = max(1, min(limit, MAX_LIMIT))
    start = max(0, _int(req, "start", 0))
    render = item_json if kind == "items" else collection_json
    page = [render(req.base, lib, d) for d in objs[start : start + limit]]
    headers["Total-Results"] = str(len(objs))
    headers["Link"] = _links(req, lib, start, limit, len(objs))
    return ApiResponse.json(page, headers=headers)


def read_items(api: ZoteroApi, req: ApiRequest, lib: Library, rest: list[str]) -> ApiResponse:
    """GET {lib}/items[/top|/trash|/KEY[/children]]."""
    if rest and rest[0] not in ("top", "trash"):
        data = lib.items.get(rest[0])
        if data is None:
            raise ApiError(404, "Item not found")
        if len(rest) == 2 and rest[1] == "children":
            kids = [i for i in lib.items.values() if i.get("parentItem") == rest[0]]
            return _multi(req, lib, filter_items(req, lib, kids), "items")
        if len(rest) > 1:
            raise ApiError(404, "Not found")
        cached = not_modified(req, data["version"])
        if cached:
            return cached
        body = item_json(req.base, lib, data)
        return ApiResponse.json(body, headers={"Last-Modified-Version": str(data["version"])})
    items = list(lib.items.values())
    if rest == ["top"]:
        items = [i for i in items if not i.get("parentItem")]
    if rest == ["trash"]:
        items = [i for i in items if i.get("deleted")]
        req.query["includeTrashed"] = ["1"]
    return _multi(req, lib, filter_items(req, lib, items), "items")


def _multi(req: ApiRequest, lib: Library, objs: list[dict[str, Any]], kind: str) -> ApiResponse:
    return not_modified(req, lib.version) or respond_list(req, lib, objs, kind)


def read_collections(api: ZoteroApi, req: ApiRequest, lib: Library, rest: list[str]) -> ApiResponse:
    """GET {lib}/collections[/top|/KEY[/collections|/items[/top]]]."""
    colls = list(lib.collections.values())
    if not rest:
        return _multi(req, lib, filter_collections(req, colls), "collections")
    if rest == ["top"]:
        tops = [c for c in colls if c["parentCollection"] is False]
        return _multi(req, lib, filter_collections(req, tops), "collections")
    data = lib.collections.get(rest[0])
    if data is None:
        raise ApiError(404, "Collection not found")
    if len(rest) == 1:
        cached = not_modified(req, data["version"])
        if cached:
            return cached
        body = collection_json(req.base, lib, data)
        return ApiResponse.json(body, headers={"Last-Modified-Version": str(data["version"])})
    if rest[1:] == ["collections"]:
        subs = [c for c in colls if c["parentCollection"] == rest[0]]
        return _multi(req, lib, filter_collections(req, subs), "collections")
    if rest[1:] in (["items"], ["items", "top"]):
        members = [i for i in lib.items.values() if rest[0] in i.get("collections", ())]
        return _multi(req, lib, filter_items(req, lib, members), "items")
    raise ApiError(404, "Not found")


def read_deleted(api: ZoteroApi, req: ApiRequest, lib: Library) -> ApiResponse:
    """GET {lib}/deleted?since=N: keys deleted after version N."""
    if req.q("since") in (None, ""):
        raise ApiError(400, "'since' parameter must be provided")
    since = _int(req, "since", 0)
    body = {kind: [k for k, v in log.items() if v > since] for kind, log in lib.deleted.items()}
    return not_modified(req, lib.version) or ApiResponse.json(
        body, headers={"Last-Modified-Version": str(lib.version)}
    )


def read_mapping(api: ZoteroApi, req: ApiRequest, name: str) -> ApiResponse:
    """GET /itemTypes, /itemFields, /itemTypeFields, /itemTypeCreatorTypes, /creatorFields."""
    schema = api.schema
    loc = schema.localized
    if name == "itemTypes":
        names = [t for t in schema.fields if t not in ("note", "attachment", "annotation")]
        return ApiResponse.json(
            [{"itemType": t, "localized": loc["itemTypes"].get(t, t)} for t in names]
        )
    if name == "itemFields":
        names = sorted(schema.all_fields)
        return ApiResponse.json([{"field": f, "localized": loc["fields"].get(f, f)} for f in names])
    if name == "creatorFields":
        rows = [("firstName", "First"), ("lastName", "Last"), ("name", "Name")]
        return ApiResponse.json([{"field": f, "localized": n} for f, n in rows])
    item_type = req.q("itemType")
    if item_type not in schema.fields:
        raise ApiError(400, f"Invalid item type '{item_type}'")
    if name == "itemTypeFields":
        names = schema.fields[item_type]
        return ApiResponse.json([{"field": f, "localized": loc["fields"].get(f, f)} for f in names])
    names = schema.creator_types[item_type]
    return ApiResponse.json(
        [{"creatorType": c, "localized": loc["creatorTypes"].get(c, c)} for c in names]
    )
