"""The Zotero sink: `sync(items, options)` makes a Zotero library hold the list, safely and idempotently."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import ZoteroError
from ..model import Item
from . import mapping as m
from . import state as st
from .apply import apply, check
from .client import Client, Policy
from .plan import Plan, Remote, plan

log = logging.getLogger("refkit.zotero")
DEFAULT_URL = "https://api.zotero.org"
DEFAULT_ROOT = "refkit"
ROUNDS = 4  # read -> plan -> apply rounds; later rounds only redo what changed under refkit


@dataclass(frozen=True)
class SyncOptions:
    library_type: Literal["group", "user"]
    library_id: int
    api_key: str = field(repr=False)
    base_url: str = DEFAULT_URL  # REFKIT_ZOTERO_URL or the default
    root: str = DEFAULT_ROOT  # the root collection's name
    dry_run: bool = False
    prune: bool = False
    force: bool = False
    progress: bool = False
    state_dir: Path | None = None
    policy: Policy = field(default_factory=Policy)  # retry bounds (tests shorten them)


@dataclass
class SyncResult:
    plan: Plan  # the first plan (what --dry-run prints)
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    deleted: int = 0
    requests: int = 0
    writes: int = 0
    notes: list[str] = field(default_factory=list)


def sync(items: list[Item], options: SyncOptions) -> SyncResult:
    """Create, update and move refkit's items (and with `prune` delete removed ones) in the library.

    Raises ZoteroError before any write when the key cannot write the library.
    """
    library = f"{options.library_type}s/{options.library_id}"
    path = st.path_for(options.state_dir, options.base_url, library) if options.state_dir else None
    state = st.load(path)
    client = Client(
        options.library_type, options.library_id, options.api_key, options.base_url, options.policy
    )
    client.gate.pause(state.pause_until - time.time())  # one an earlier run was asked for
    try:
        access = client.access()
        if not access.get("library"):
            raise ZoteroError(
                f"the API key has no access to {library} at {options.base_url}: check the "
                f"{'group' if options.library_type == 'group' else 'user'} ID and the key's permissions"
            )
        if not access.get("write") and not options.dry_run:
            raise ZoteroError(
                f"the API key may read but not write {library}: create a key with write access "
                "at https://www.zotero.org/settings/keys and put it in ZOTERO_API_KEY"
            )
        result = _rounds(items, options, library, state, client, path)
    finally:
        client.close()
        if client.gate.remaining() > 0:  # so that the next run waits it out too
            st.save_pause(path, time.time() + client.gate.remaining())
    result.requests, result.writes = client.requests, client.writes
    return result


def _rounds(
    items: list[Item], options: SyncOptions, library: str, state: st.State, client: Client, path
) -> SyncResult:
    ids = [i["custom"]["record_id"] for i in items]
    result: SyncResult | None = None
    for _ in range(ROUNDS):
        remote = read(client, state, library, ids, scan=options.prune and not state.items)
        native = client.schema_version is None or client.schema_version >= 33
        p = plan(items, remote, state.bases, library=library, root=options.root,
                 prune=options.prune, force=options.force, native=native)  # fmt: skip
        if result is None:
            result = SyncResult(plan=p)
        result.conflicts, result.notes = p.conflicts, p.notes
        result.unchanged = len(p.unchanged)
        if options.dry_run:
            return result
        state.bases.update(p.bases)
        out = apply(p, client, state, progress=options.progress)
        st.save(state, path)
        result.created += out.created
        result.updated += out.updated
        result.moved += out.moved
        result.deleted += out.deleted
        check(out)
        if not out.retry:
            return result
    raise ZoteroError(
        f"{library} kept changing while refkit synced it ({ROUNDS} rounds); run the sync again"
    )


def read(client: Client, state: st.State, library: str, ids: list[str], *, scan: bool) -> Remote:
    """refkit's objects in the library, reading only what changed since `state` (updated in place).

    An unchanged library costs one request (304). `scan` also reads every other item, to find
    refkit items of removed records when there is no state (for --prune).
    """
    versions, version = client.item_versions(state.library_version or None)
    if versions is not None:
        derived = {k for rid in ids for k in (m.item_key(library, rid), m.code_key(library, rid))}
        derived |= set(state.items)
        wanted = derived | (set(versions) if scan else set())
        present = {k: v for k, v in versions.items() if k in wanted}
        stale = sorted(k for k, v in present.items() if state.items.get(k, {}).get("version") != v)
        fresh = client.items(stale) if stale else {}
        items = {k: state.items[k] for k in present if k not in fresh}
        items.update({k: d for k, d in fresh.items() if k in derived or _marked(library, k, d)})
        for k, d in fresh.items():  # the code links of refkit items found by their marker
            mark = m.marker(items.get(d.get("parentItem", ""), {}).get("extra", ""))
            if mark and k == m.code_key(library, mark[0]):
                items[k] = d
        state.items = items
        state.collections = client.collections()
        state.library_version = version
    return Remote(version=state.library_version, items=state.items, collections=state.collections)


def _marked(library: str, key: str, data: dict) -> bool:
    """Whether an item carries refkit's marker under the key refkit derives for it (not a copy)."""
    mark = m.marker(data.get("extra", ""))
    return bool(mark and m.item_key(library, mark[0]) == key)


def describe(p: Plan) -> list[str]:
    """The plan as text lines: one per collection, write, delete, conflict and note."""
    lines = [f"create collection {c['name']!r}" for c in p.collections]
    for w in p.writes:
        what = "code link of " if w.child else ""
        title = w.data.get("title") or w.data.get("url") or ""
        lines.append(
            f"{w.kind} {what}{w.record_id}" + (f": {title}" if title and not w.child else "")
        )
    lines += [f"delete {d.record_id} ({d.reason})" for d in p.deletes]
    lines += [f"conflict {c}" for c in p.conflicts]
    lines += [f"note {n}" for n in p.notes]
    lines.append(
        f"{p.count('create')} to create, {p.count('update')} to update, {p.count('move')} to move, "
        f"{len(p.unchanged)} unchanged, {len(p.deletes)} to delete, {len(p.conflicts)} conflicts"
    )
    return lines
