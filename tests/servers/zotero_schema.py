"""Item validation and normalisation against zotero-schema's schema.json (as validateJSONItem)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.servers.zotero_state import KEY_RE, ApiError

RELATION_PREDICATES = {"owl:sameAs", "dc:replaces", "dc:relation"}
RELATION_URI = re.compile(r"^http://zotero\.org/(users|groups)/[0-9]+/items/[A-Z0-9]{8}$")
LINK_MODES = {"imported_file", "imported_url", "linked_file", "linked_url", "embedded_image"}
ATTACHMENT_PROPS = ("contentType", "charset", "filename", "md5", "mtime")
IGNORED_PROPS = {"key", "version", "itemKey", "itemVersion", "dateAdded", "dateModified"}
MAX_VALUE = 65535  # Zotero_Items::$maxDataValueLength
MAX_NAME = 255


def _bad(message: str, status: int = 400, **data: Any) -> ApiError:
    return ApiError(status, message, data=data or None)


class Schema:
    """Item types, their fields (in order) and creator types, read from schema.json."""

    def __init__(self, path: Path) -> None:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        self.version: int = raw["version"]
        self.fields: dict[str, list[str]] = {}
        self.creator_types: dict[str, list[str]] = {}  # primary first
        self.base_fields: set[str] = set()
        for entry in raw["itemTypes"]:
            name = entry["itemType"]
            self.fields[name] = [f["field"] for f in entry["fields"]]
            self.base_fields |= {f["baseField"] for f in entry["fields"] if "baseField" in f}
            types = entry["creatorTypes"]
            primary = [c["creatorType"] for c in types if c.get("primary")]
            self.creator_types[name] = primary + [
                c["creatorType"] for c in types if not c.get("primary")
            ]
        self.all_fields = {f for fs in self.fields.values() for f in fs} | self.base_fields
        self.localized: dict[str, dict[str, str]] = raw.get("locales", {}).get("en-US", {})
        self.all_creator_types = {c for cs in self.creator_types.values() for c in cs}

    def template(self, item_type: str) -> dict[str, Any]:
        """The `/items/new?itemType=` template: fields "", one empty primary creator."""
        if item_type not in self.fields or item_type in ("note", "attachment", "annotation"):
            if item_type == "note":
                return {"itemType": "note", "note": "", "tags": [], "collections": [],
                        "relations": {}}  # fmt: skip
            raise _bad(f"Invalid itemType '{item_type}'")
        out: dict[str, Any] = {"itemType": item_type}
        for i, name in enumerate(self.fields[item_type]):
            out[name] = ""
            if i == 0:
                primary = self.creator_types[item_type][0]
                out["creators"] = [{"creatorType": primary, "firstName": "", "lastName": ""}]
        return {**out, "tags": [], "collections": [], "relations": {}}

    # -- validation -----------------------------------------------------------------------------

    def check(self, obj: dict[str, Any], old: dict[str, Any] | None, group: bool) -> None:
        """Raise ApiError 400/413 like the dataserver's validateJSONItem for one object."""
        is_new = old is None
        item_type = obj.get("itemType", old["itemType"] if old else None)
        parent = obj.get("parentItem", old.get("parentItem") if old else None)
        if is_new and "itemType" not in obj:
            raise _bad("'itemType' property not provided")
        if item_type == "attachment" and is_new and "linkMode" not in obj:
            raise _bad("'linkMode' property not provided")
        for key, val in obj.items():
            self._check_prop(key, val, obj, old, item_type, parent, group)
        self._check_fields(obj, old, item_type)

    def _check_prop(
        self,
        key: str,
        val: Any,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
        item_type: str,
        parent: Any,
        group: bool,
    ) -> None:
        if key in IGNORED_PROPS or key in ("deleted", "inPublications"):
            return
        if key == "parentItem":
            if val not in (False, None, "") and not (isinstance(val, str) and KEY_RE.match(val)):
                raise _bad("'parentItem' must be a valid item key")
        elif key == "itemType":
            self._check_type(val, obj, old, parent)
        elif key == "tags":
            self._check_tags(val)
        elif key == "collections":
            if not isinstance(val, list):
                raise _bad("'collections' property must be an array")
            if parent and val:
                raise _bad("Child items cannot be assigned to collections")
            for k in val:
                if not isinstance(k, str) or not KEY_RE.match(k):
                    raise _bad(f"'{k}' is not a valid collection key")
        elif key == "relations":
            check_relations(val)
        elif key == "creators":
            self._check_creators(val, item_type, old is None)
        elif key == "note":
            if item_type not in ("note", "attachment"):
                raise _bad("'note' property is valid only for note and attachment items")
            if not isinstance(val, str):
                raise _bad("'note' must be a string")
        elif key in ("attachments", "notes"):
            raise _bad(f"'{key}' property is no longer supported")
        elif key == "linkMode":
            if val not in LINK_MODES:
                raise _bad(f"'{val}' is not a valid linkMode")
            if old is not None and old.get("linkMode") != val:
                raise _bad("Cannot change attachment linkMode")
        elif key in ATTACHMENT_PROPS:
            self._check_attachment_prop(key, val, obj, old, item_type, group)
        else:
            if key not in self.all_fields:
                raise _bad(f"Invalid property '{key}'")
            if isinstance(val, list | dict):
                raise _bad(f"Unexpected array for property '{key}'")

    def _check_type(self, val: Any, obj: dict[str, Any], old: Any, parent: Any) -> None:
        if not isinstance(val, str):
            raise _bad("'itemType' must be a string")
        if parent and val not in ("note", "attachment"):
            raise _bad("Child item must be note or attachment")
        if val == "attachment" and not parent:
            mode = obj.get("linkMode", old.get("linkMode") if old else None)
            pdf = obj.get("contentType") == "application/pdf"
            if mode == "linked_url" or (mode == "imported_url" and not pdf):
                raise _bad("Only file attachments and PDFs can be top-level items")
        if val not in self.fields or val == "annotation":
            raise _bad(f"'{val}' is not a valid itemType")
        if old is not None and old["itemType"] != val and "attachment" in (val, old["itemType"]):
            raise _bad("Cannot change type of attachment item")

    def _check_tags(self, val: Any) -> None:
        if not isinstance(val, list):
            raise _bad("'tags' property must be an array")
        for tag in val:
            if not isinstance(tag, dict) or not tag:
                raise _bad("Tag object is empty" if tag == {} else "Invalid tag object")
            for k, v in tag.items():
                if k == "tag":
                    if not isinstance(v, str | int | float) or isinstance(v, bool):
                        raise _bad("Invalid tag name")
                    if v == "":
                        raise _bad("Tag cannot be empty")
                    if len(str(v)) > MAX_NAME:
                        raise _bad(f"Tag '{str(v)[:50]}…' too long", 413, tag=str(v))
                elif k == "type":
                    if not isinstance(v, int) or isinstance(v, bool):
                        raise _bad(f"Invalid tag type '{v}'")
                else:
                    raise _bad(f"Invalid tag property '{k}'")
            if "tag" not in tag:
                raise _bad("Invalid tag name")

    def _check_creators(self, val: Any, item_type: str, is_new: bool) -> None:
        if not isinstance(val, list):
            raise _bad("'creators' property must be an array")
        valid = set(self.creator_types.get(item_type, ()))
        for creator in val:
            if not isinstance(creator, dict) or "creatorType" not in creator:
                raise _bad("creator object must contain 'creatorType'")
            names = [str(creator.get(k) or "").strip() for k in ("name", "firstName", "lastName")]
            if not any(names):
                if len(val) == 1 and is_new:
                    continue  # the template's single empty creator is ignored on create
                raise _bad("creator object must contain 'firstName'/'lastName' or 'name'")
            for k, v in creator.items():
                if k == "creatorType":
                    if v not in self.all_creator_types:
                        raise _bad(f"'{v}' is not a valid creator type")
                    if v not in valid and v != "author":  # 'author' is allowed in all types
                        msg = f"'{v}' is not a valid creator type for item type '{item_type}'"
                        raise _bad(msg)
                elif k in ("firstName", "lastName"):
                    other = "lastName" if k == "firstName" else "firstName"
                    if other not in creator:
                        raise _bad(f"'{other}' creator field must be set if '{k}' is set")
                    if "name" in creator:
                        raise _bad(f"'{k}' and 'name' creator fields are mutually exclusive")
                elif k != "name":
                    raise _bad(f"Invalid creator property '{k}'")
                if k != "creatorType" and len(str(v)) > MAX_NAME:
                    raise _bad(f"Creator value too long: '{str(v)[:50]}…'", 413, creator=v)

    def _check_attachment_prop(
        self, key: str, val: Any, obj: dict[str, Any], old: Any, item_type: str, group: bool
    ) -> None:
        if item_type != "attachment":
            raise _bad(f"'{key}' is valid only for attachment items")
        mode = obj.get("linkMode", old.get("linkMode") if old else "")
        if key in ("filename", "md5", "mtime") and not str(mode).startswith("imported_"):
            raise _bad(f"'{key}' is valid only for imported attachment items")
        current = old.get(key) if old else None
        if group and ((old and current != val) or (not old and val not in (None, ""))):
            raise _bad(f"Cannot change '{key}' directly in group library")

    def _check_fields(self, obj: dict[str, Any], old: Any, item_type: str) -> None:
        valid = set(self.fields.get(item_type, ()))
        merged = {**(old or {}), **obj}
        for key, val in merged.items():
            if key not in self.all_fields or key in ("note",):
                continue
            if key not in valid and val not in ("", None):
                raise _bad(f"'{key}' is not a valid field for type '{item_type}'")
            if isinstance(val, str) and len(val) > MAX_VALUE:
                raise _bad(f"Value for '{key}' too long", 413, field=key, value=val[:100])

    # -- normalisation --------------------------------------------------------------------------

    def build(self, obj: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        """The stored data for a validated object (PATCH semantics over `old`); no key/version."""
        merged = {**(old or {}), **obj}
        item_type = merged["itemType"]
        parent = merged.get("parentItem") or None
        out: dict[str, Any] = {}
        if parent:
            out["parentItem"] = parent
        out["itemType"] = item_type
        if item_type == "note":
            out["note"] = merged.get("note") or ""
        elif item_type == "attachment":
            out["linkMode"] = merged["linkMode"]
            for name in self.fields["attachment"]:
                out[name] = _text(merged.get(name))
            out["note"] = merged.get("note") or ""
            for name in ATTACHMENT_PROPS:
                if name in merged or name in ("contentType", "charset"):
                    out[name] = merged.get(name) if name == "mtime" else _text(merged.get(name))
        else:
            for i, name in enumerate(self.fields[item_type]):
                out[name] = _text(merged.get(name))
                if i == 0:
                    out["creators"] = _creators(merged.get("creators") or [])
        out["tags"] = [_tag(t) for t in merged.get("tags") or []]
        if not parent:
            out["collections"] = list(dict.fromkeys(merged.get("collections") or []))
        out["relations"] = dict(merged.get("relations") or {})
        if merged.get("deleted") not in (None, False, 0, "0", ""):
            out["deleted"] = 1
        return out


def check_relations(val: Any) -> None:
    """Relations: an object of allowed predicates to Zotero item URIs (or lists of them)."""
    if not isinstance(val, dict) and val != []:
        raise _bad("'relations' property must be an object")
    for predicate, obj in (val or {}).items():
        if predicate not in RELATION_PREDICATES:
            raise _bad(f"Unsupported predicate '{predicate}'")
        for uri in obj if isinstance(obj, list) else [obj]:
            if not isinstance(uri, str) or not RELATION_URI.match(uri):
                raise _bad("'relations' values currently must be Zotero item URIs")


def _text(val: Any) -> str:
    return "" if val is None else str(val)


def _creators(creators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in creators:
        if "name" in c:
            if str(c["name"]).strip():
                out.append({"creatorType": c["creatorType"], "name": str(c["name"])})
        elif str(c.get("firstName", "")).strip() or str(c.get("lastName", "")).strip():
            out.append(
                {
                    "creatorType": c["creatorType"],
                    "firstName": str(c.get("firstName", "")),
                    "lastName": str(c.get("lastName", "")),
                }
            )
    return out


def _tag(tag: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"tag": str(tag["tag"])}
    if tag.get("type"):
        out["type"] = int(tag["type"])
    return out
