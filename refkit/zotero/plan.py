"""The sync plan: what to create, update, move and delete so the library matches the list. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Item
from . import mapping as m
from .merge import merge

Kind = Literal["create", "update", "move"]


@dataclass
class Remote:
    """What refkit knows of the library: its version, refkit's items by key, all collections."""

    version: int = 0
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> item data
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> collection data


# record id -> {"item": owned view refkit last wrote, "code": the attachment's, or None}
Bases = dict[str, dict[str, Any]]


@dataclass
class Write:
    """One object to POST: `data` carries `key` and `version` (0 creates with that key)."""

    kind: Kind
    record_id: str
    data: dict[str, Any]
    base: dict[str, Any] | None  # the owned view to remember once the write succeeded
    child: bool = False  # the code attachment (written after its parent; see apply.waves)


@dataclass
class Delete:
    record_id: str
    key: str
    version: int
    reason: str


@dataclass
class Plan:
    library: str
    root: str
    collections: list[dict[str, Any]] = field(default_factory=list)  # collections to create
    writes: list[Write] = field(default_factory=list)
    deletes: list[Delete] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # record ids
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bases: Bases = field(default_factory=dict)  # the bases to keep for records not written

    def count(self, kind: Kind) -> int:
        return sum(1 for w in self.writes if w.kind == kind and not w.child)


def owned_collections(remote: Remote, library: str, root: str, known: set[str]) -> set[str]:
    """refkit's collections: its root and venue collections, found by their derived keys."""
    root_key = m.collection_key(library, root, None)
    owned = {root_key} | known
    for key, data in remote.collections.items():
        parent = data.get("parentCollection")
        if parent == root_key and key == m.collection_key(library, root, data.get("name", "")):
            owned.add(key)
    return owned


def plan(
    items: list[Item],
    remote: Remote,
    bases: Bases,
    *,
    library: str,
    root: str,
    prune: bool = False,
    force: bool = False,
    native: bool = True,
) -> Plan:
    """Plan the writes that make `remote` hold `items`, keeping every member's edit.

    `library` is "groups/<id>" or "users/<id>" (it seeds the object keys), `root` the name of the
    collection holding one collection per venue. Only objects with refkit's keys are touched.
    """
    out = Plan(library=library, root=root)
    root_key = m.collection_key(library, root, None)
    venues = sorted({m.collection_name(i) for i in items})
    wanted = {v: m.collection_key(library, root, v) for v in venues}
    if root_key not in remote.collections:
        out.collections.append(
            {"key": root_key, "version": 0, "name": root, "parentCollection": False}
        )
    for venue, key in wanted.items():
        if key not in remote.collections:
            out.collections.append(
                {"key": key, "version": 0, "name": venue, "parentCollection": root_key}
            )
    ours_colls = owned_collections(remote, library, root, {root_key, *wanted.values()})
    seen: set[str] = set()
    for item in items:
        rid = item["custom"]["record_id"]
        seen.add(rid)
        _plan_item(out, item, remote, bases.get(rid, {}), wanted, ours_colls, force, native)
    for key, data in sorted(remote.items.items()):
        mark = m.marker(data.get("extra", ""))
        if data.get("itemType") == "attachment" or not mark or mark[0] in seen:
            continue
        if m.item_key(library, mark[0]) != key:
            continue  # a member's copy of a refkit item: theirs
        own_child = m.code_key(library, mark[0]) in remote.items
        if not prune:
            out.notes.append(f"{mark[0]}: no longer in the list; kept (use --prune to delete it)")
        elif data.get("numChildren", 99) > own_child:
            out.notes.append(f"{mark[0]}: no longer in the list but has members' notes; kept")
        else:
            reason = "record removed from the list"
            out.deletes.append(Delete(mark[0], key, data["version"], reason))
    return out


def _plan_item(
    out: Plan,
    item: Item,
    remote: Remote,
    base: dict[str, Any],
    wanted: dict[str, str],
    ours_colls: set[str],
    force: bool,
    native: bool,
) -> None:
    rid = item["custom"]["record_id"]
    key = m.item_key(out.library, rid)
    ours = m.to_zotero(item, native=native)
    venue_coll = wanted[m.collection_name(item)]
    theirs_data = remote.items.get(key)
    if theirs_data is not None and theirs_data.get("deleted"):
        out.notes.append(f"{rid}: in the trash of the library; left there (restore it to sync it)")
        out.bases[rid] = base
        return
    if theirs_data is None:
        data = _create_data(ours, key, rid, m.digest(ours))
        data["collections"] = [venue_coll]
        write: Write | None = Write("create", rid, data, ours)
        item_base: dict[str, Any] = ours
    else:
        write, item_base = _plan_update(
            out, rid, key, ours, theirs_data, base, venue_coll, ours_colls, force
        )
    code = m.code_attachment(item)
    code_write, code_base = _plan_code(
        out, rid, key, code, remote.items.get(m.code_key(out.library, rid)), base
    )
    writes = [w for w in (write, code_write) if w]
    out.writes += writes
    if not writes:
        out.unchanged.append(rid)
    out.bases[rid] = {"item": item_base, "code": code_base}


def _create_data(owned: dict[str, Any], key: str, rid: str, dig: str) -> dict[str, Any]:
    data = {k: v for k, v in owned.items() if k not in ("tags", "extra")}
    data.update(key=key, version=0, tags=[{"tag": t} for t in owned["tags"]], relations={})
    data["extra"] = m.compose_extra(owned["extra"], rid, dig, "")
    return data


def _plan_update(
    out: Plan,
    rid: str,
    key: str,
    ours: dict[str, Any],
    theirs_data: dict[str, Any],
    state: dict[str, Any],
    venue_coll: str,
    ours_colls: set[str],
    force: bool,
) -> tuple[Write | None, dict[str, Any]]:
    """The update of an existing item (None when it already matches) and its new base."""
    theirs = m.owned_view(theirs_data)
    mark = m.marker(theirs_data.get("extra", ""))
    base = state.get("item")
    if not (base and mark and m.digest(base) == mark[1]):
        # No trusted local base: the remote item is its own base if the marker's digest says
        # nobody touched it since refkit wrote it; else the base is unknown.
        base = {**theirs, "tags": None} if mark and m.digest(theirs) == mark[1] else None
    result = merge(base, theirs, ours, force=force)
    out.conflicts += [
        f"{rid}: {f}: kept the member's {_short(theirs.get(f, ''))}, refkit has "
        f"{_short(ours.get(f, ''))} (--force to overwrite)"
        for f in result.conflicts
    ]
    colls = theirs_data.get("collections", [])
    new_colls = [c for c in colls if c not in ours_colls or c == venue_coll]
    if venue_coll not in new_colls:
        new_colls.append(venue_coll)
    moved = new_colls != colls
    if not result.changed and not moved:
        return None, result.base
    data: dict[str, Any] = {"key": key, "version": theirs_data["version"]}
    for name, value in result.changed.items():
        if name == "tags":
            kept = [t for t in theirs_data.get("tags", []) if t["tag"] in value]
            data["tags"] = kept + [{"tag": t} for t in value if t not in theirs["tags"]]
        elif name != "extra":
            data[name] = value
    if "itemType" in result.changed:  # clear refkit's fields the new type lacks
        old = m.FIELDS.get(theirs["itemType"], {})
        data.update({f: "" for f in old if f not in m.FIELDS[result.result["itemType"]]})
    if result.changed:
        data["extra"] = m.compose_extra(
            result.result["extra"], rid, m.digest(result.base), theirs_data.get("extra", "")
        )
    if moved:
        data["collections"] = new_colls
    return Write("move" if moved else "update", rid, data, result.base), result.base


def _plan_code(
    out: Plan,
    rid: str,
    parent: str,
    ours: dict[str, str] | None,
    theirs_data: dict[str, Any] | None,
    state: dict[str, Any],
) -> tuple[Write | None, dict[str, Any] | None]:
    """The "Code" attachment's write and new base. Without a base refkit's link wins: the
    attachment is refkit's (members keep their own links and notes as other children)."""
    key = m.code_key(out.library, rid)
    if theirs_data is not None and theirs_data.get("deleted"):
        return None, state.get("code")
    if ours is None:
        if theirs_data is not None:
            out.deletes.append(Delete(rid, key, theirs_data["version"], "code URL removed"))
        return None, None
    if theirs_data is None:
        data = {**ours, "key": key, "version": 0, "parentItem": parent, "tags": [],
                "relations": {}, "contentType": "", "charset": ""}  # fmt: skip
        return Write("create", rid, data, ours, child=True), ours
    theirs = {k: theirs_data.get(k, "") for k in ours}
    result = merge(state.get("code") or theirs, theirs, ours)
    out.conflicts += [f"{rid}: code link {f}: kept the member's value" for f in result.conflicts]
    code_base = {k: result.base[k] for k in ours}
    changed = {k: v for k, v in result.changed.items() if k != "tags"}
    if not changed:
        return None, code_base
    data = {"key": key, "version": theirs_data["version"], **changed}
    return Write("update", rid, data, code_base, child=True), code_base


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
