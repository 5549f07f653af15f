"""Carrying out a plan: batched writes, per-object results, what needs a re-read and re-plan."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from ..errors import ZoteroError
from .client import BATCH, Client, Stale
from .plan import Plan, Write
from .state import State

log = logging.getLogger("refkit.zotero")
RETRY_CODES = {404, 409, 412}  # per-object failures a re-read fixes (stale version, gone object)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    moved: int = 0
    deleted: int = 0
    retry: bool = False  # something changed under refkit: read again and re-plan
    failed: list[str] = field(default_factory=list)


def waves(writes: list[Write], size: int = BATCH) -> list[list[list[Write]]]:
    """Writes packed into ceil(len/size) batches, in waves that run one after the other.

    Items come before attachments, so every batch is full but the last. A batch holding an
    attachment whose parent is written in another batch runs in a later wave than that batch:
    the batches of a wave run concurrently, and the server rejects a child whose parent does not
    exist yet. With items first, there are at most three waves.
    """
    ordered = [w for w in writes if not w.child] + [w for w in writes if w.child]
    chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    home = {w.record_id: n for n, chunk in enumerate(chunks) for w in chunk if not w.child}
    level: list[int] = []  # a batch runs in the wave after the batches holding its parents
    for n, chunk in enumerate(chunks):
        parents = {home[w.record_id] for w in chunk if w.child and home.get(w.record_id, n) != n}
        level.append(1 + max((level[p] for p in parents), default=-1))
    return [
        [c for c, lv in zip(chunks, level, strict=True) if lv == k]
        for k in range(max(level, default=-1) + 1)
    ]


def apply(plan: Plan, client: Client, state: State, *, progress: bool = False) -> Outcome:
    """Write the plan; `state` learns every object the server confirmed."""
    out = Outcome()
    _collections(plan, client, state, out)
    if out.failed:
        return out
    with tqdm(total=len(plan.writes), disable=not progress, unit="item", desc="Zotero") as bar:

        def post(batch: list[Write]) -> tuple[list[Write], dict[str, Any]]:
            report = client.post_items([w.data for w in batch])
            bar.update(len(batch))
            return batch, report

        for wave in waves(plan.writes):
            for batch, report in client.map(post, wave):
                _record(batch, report, state, out)
    if plan.deletes:
        if plan.writes or plan.collections:
            out.retry = True  # deletes need a library version read after refkit's own writes
        else:
            _deletes(plan, client, state, out)
    return out


def _collections(plan: Plan, client: Client, state: State, out: Outcome) -> None:
    for i in range(0, len(plan.collections), BATCH):
        chunk = [dict(c) for c in plan.collections[i : i + BATCH]]
        report = client.post_collections(chunk)
        for index, obj in (report.get("successful") or {}).items():
            state.collections[obj["key"]] = obj["data"]
            log.debug("created collection %s", chunk[int(index)]["name"])
        for index, fail in (report.get("failed") or {}).items():
            if fail.get("code") == 412:  # exists: an earlier, interrupted run created it
                out.retry = True
            else:
                name = chunk[int(index)]["name"]
                out.failed.append(f"collection {name!r}: {fail.get('code')} {fail.get('message')}")


def _record(batch: list[Write], report: dict[str, Any], state: State, out: Outcome) -> None:
    successful = report.get("successful") or {}
    unchanged = report.get("unchanged") or {}
    failed = report.get("failed") or {}
    for index, w in enumerate(batch):
        i = str(index)
        if i in successful or i in unchanged:
            if i in successful:
                obj = successful[i]
                state.items[obj["key"]] = {**obj["data"], "numChildren": _children(obj)}
            bases = state.bases.setdefault(w.record_id, {})
            bases["code" if w.child else "item"] = w.base
            if not w.child and i in successful:
                kind = {"create": "created", "update": "updated", "move": "moved"}[w.kind]
                setattr(out, kind, getattr(out, kind) + 1)
        elif i in failed and failed[i].get("code") in RETRY_CODES:
            log.info("%s: %s; re-reading it", w.record_id, failed[i].get("message"))
            out.retry = True
        else:
            fail = failed.get(i, {"code": "?", "message": "no result for this object"})
            out.failed.append(f"{w.record_id}: {fail.get('code')} {fail.get('message')}")


def _deletes(plan: Plan, client: Client, state: State, out: Outcome) -> None:
    version = state.library_version
    keys = [d.key for d in plan.deletes]
    for i in range(0, len(keys), BATCH):
        chunk = keys[i : i + BATCH]
        try:
            version = client.delete_items(chunk, version)
        except Stale:
            out.retry = True  # someone wrote meanwhile: re-read, re-check, try again
            return
        for key in chunk:
            state.items.pop(key, None)
        out.deleted += sum(
            1 for d in plan.deletes if d.key in chunk and d.reason != "code URL removed"
        )
    state.library_version = version


def _children(obj: dict[str, Any]) -> int:
    return int(obj.get("meta", {}).get("numChildren", 0))


def check(out: Outcome) -> None:
    """Raise when objects failed for a reason a retry does not fix (a mapping or server bug)."""
    if out.failed:
        raise ZoteroError(
            "Zotero rejected some objects (nothing else was lost):\n  " + "\n  ".join(out.failed)
        )
