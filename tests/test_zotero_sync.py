"""`refkit sync zotero` end to end: real pyzotero against the local Zotero API server."""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from refkit.errors import ZoteroError
from refkit.normalize import load_items
from refkit.zotero import SyncOptions, describe, sync
from refkit.zotero import mapping as m
from refkit.zotero.client import Policy
from tests.servers.zotero import ZoteroServer

ITEMS = load_items(Path(__file__).resolve().parents[1] / "meta")
KEY, READ_KEY = "k" * 24, "r" * 24
LIB, GID = "groups/123", 123
FAST = Policy(attempts=10, backoff=0.02, max_backoff=0.1, max_wait=5)
OBJECTS = len(ITEMS) + sum(1 for i in ITEMS if m.code_attachment(i))


@pytest.fixture
def zs() -> Iterator[ZoteroServer]:
    with ZoteroServer(retry_after=0) as server:
        server.add_group(GID)
        server.add_user(7)
        server.add_key(KEY, user_id=7, libraries={LIB: "write"})
        server.add_key(READ_KEY, user_id=7, libraries={LIB: "read"})
        yield server


def opts(zs: ZoteroServer, state: Path | None, **kw: object) -> SyncOptions:
    return SyncOptions("group", GID, KEY, zs.url, state_dir=state, policy=FAST, **kw)


def writes(zs: ZoteroServer, start: int = 0) -> list:
    return [r for r in zs.requests[start:] if r.method != "GET" and not r.injected]


def reads(zs: ZoteroServer, start: int = 0) -> list:
    return [r for r in zs.requests[start:] if r.method == "GET"]


def refkit_items(zs: ZoteroServer) -> dict[str, dict]:
    """record id -> item, checking there is exactly one item per marker (no duplicates)."""
    found: dict[str, dict] = {}
    for key, data in zs.library(LIB).items.items():
        mark = m.marker(data.get("extra", ""))
        if mark:
            assert mark[0] not in found, f"duplicate item for {mark[0]}"
            assert key == m.item_key(LIB, mark[0])
            found[mark[0]] = data
    return found


def edited(rid: str, **changes: object) -> list:
    items = copy.deepcopy(ITEMS)
    for item in items:
        if item["custom"]["record_id"] == rid:
            item.update(changes)  # type: ignore[typeddict-item]
    return items


RID = next(i["custom"]["record_id"] for i in ITEMS if i["title"].startswith("GPTQ:"))


def test_first_sync_creates_everything_in_venue_collections(
    zs: ZoteroServer, tmp_path: Path
) -> None:
    result = sync(ITEMS, opts(zs, tmp_path))
    assert (result.created, result.updated, result.unchanged) == (124, 0, 0)
    lib = zs.library(LIB)
    assert len(refkit_items(zs)) == 124 and len(lib.items) == OBJECTS
    item_posts = [r for r in writes(zs) if r.path.endswith("/items")]
    assert len(item_posts) == math.ceil(OBJECTS / 50) and max(r.objects for r in item_posts) <= 50
    assert len([r for r in writes(zs) if r.path.endswith("/collections")]) == 1
    root = [k for k, c in lib.collections.items() if c["name"] == "refkit"]
    venues = {
        c["name"]: k for k, c in lib.collections.items() if c.get("parentCollection") == root[0]
    }
    assert len(root) == 1 and len(venues) == len({m.collection_name(i) for i in ITEMS})
    gptq = refkit_items(zs)[RID]
    assert gptq["collections"] == [venues["ICLR"]] and gptq["itemType"] == "conferencePaper"
    code = lib.items[m.code_key(LIB, RID)]
    assert code["parentItem"] == m.item_key(LIB, RID) and code["url"].endswith("IST-DASLab/gptq")


def test_unchanged_resync_makes_no_write(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    for _ in range(2):
        start = len(zs.requests)
        result = sync(ITEMS, opts(zs, tmp_path))
        assert writes(zs, start) == [] and len(reads(zs, start)) <= 3
        assert result.unchanged == 124 and result.created == result.updated == 0


def test_one_changed_record_is_one_item_write(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    start = len(zs.requests)
    result = sync(edited(RID, title="GPTQ: a new title"), opts(zs, tmp_path))
    assert [(r.method, r.objects) for r in writes(zs, start)] == [("POST", 1)]
    assert result.updated == 1 and result.unchanged == 123
    assert refkit_items(zs)[RID]["title"] == "GPTQ: a new title"


@pytest.mark.parametrize("fault", ["503", "429", "drop_after_commit"])
def test_faults_converge_without_duplicates_or_losses(tmp_path: Path, fault: str) -> None:
    with ZoteroServer(fault_rate=0.1, faults=(fault,), seed=7, retry_after=0) as zs:
        zs.add_group(GID)
        zs.add_key(KEY, user_id=7, libraries={LIB: "write"})
        for run in range(3):  # a run may give up; reruns converge
            try:
                sync(ITEMS, opts(zs, tmp_path / str(run % 2)))
            except ZoteroError:
                continue
        zs.fault_rate = 0
        start = len(zs.requests)
        result = sync(ITEMS, opts(zs, tmp_path / "fresh"))
        assert writes(zs, start) == [] and result.unchanged == 124
        assert len(refkit_items(zs)) == 124 and len(zs.library(LIB).items) == OBJECTS
        assert any(r.injected for r in zs.requests)


def test_member_edit_between_plan_and_apply_is_kept(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    key = m.item_key(LIB, RID)

    def member(req: object) -> None:
        if req.method == "POST" and req.path.endswith("/items") and zs.on_request:
            zs.on_request = None
            item = zs.library(LIB).items[key]
            zs.edit_item(LIB, key, {"tags": [*item["tags"], {"tag": "mine"}],
                                    "extra": "Read: yes\n" + item["extra"], "abstractNote": "A."})  # fmt: skip

    zs.on_request = member
    result = sync(edited(RID, title="GPTQ: retitled"), opts(zs, tmp_path))
    item = zs.library(LIB).items[key]
    assert item["title"] == "GPTQ: retitled" and item["abstractNote"] == "A."
    assert {t["tag"] for t in item["tags"]} == {"quantization", "mine"}
    assert item["extra"].splitlines()[0] == "Read: yes" and result.conflicts == []


def test_conflict_keeps_member_value_unless_forced(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    key = m.item_key(LIB, RID)
    zs.edit_item(LIB, key, {"title": "GPTQ (member's title)"})
    result = sync(edited(RID, title="GPTQ: refkit's title"), opts(zs, tmp_path))
    assert len(result.conflicts) == 1 and "title" in result.conflicts[0]
    assert zs.library(LIB).items[key]["title"] == "GPTQ (member's title)"
    sync(edited(RID, title="GPTQ: refkit's title"), opts(zs, tmp_path, force=True))
    assert zs.library(LIB).items[key]["title"] == "GPTQ: refkit's title"


def test_member_edit_without_refkit_change_survives(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    key = m.item_key(LIB, RID)
    zs.edit_item(LIB, key, {"title": "Member title", "tags": [{"tag": "x"}]})
    start = len(zs.requests)
    result = sync(ITEMS, opts(zs, None))  # no local state either
    assert writes(zs, start) == [] or result.conflicts  # never silently overwritten
    assert zs.library(LIB).items[key]["title"] == "Member title"


def test_read_only_key_fails_before_any_write(zs: ZoteroServer, tmp_path: Path) -> None:
    with pytest.raises(ZoteroError, match="not write"):
        sync(ITEMS, replace(opts(zs, tmp_path), api_key=READ_KEY))
    with pytest.raises(ZoteroError, match="no access"):
        sync(ITEMS, replace(opts(zs, tmp_path), library_id=999))
    assert writes(zs) == [] and zs.writes == 0


def test_other_members_objects_are_untouched(zs: ZoteroServer, tmp_path: Path) -> None:
    theirs = zs.seed_collection(LIB, "refkit")  # same name as refkit's root: still theirs
    sub = zs.seed_collection(LIB, "ICLR", parent=theirs)
    mine = zs.seed_item(LIB, {"itemType": "book", "title": "A book", "collections": [sub],
                              "extra": "refkit-id: nothing 00000000", "tags": [], "creators": []})  # fmt: skip
    before = copy.deepcopy((zs.library(LIB).items[mine], zs.library(LIB).collections))
    sync(ITEMS, opts(zs, tmp_path, prune=True))
    sync(edited(RID, title="changed"), opts(zs, None, prune=True))
    lib = zs.library(LIB)
    assert lib.items[mine] == before[0]
    assert all(lib.collections[k] == v for k, v in before[1].items())


def test_dry_run_writes_nothing(zs: ZoteroServer, tmp_path: Path) -> None:
    result = sync(ITEMS, opts(zs, tmp_path, dry_run=True))
    assert writes(zs) == [] and zs.library(LIB).items == {}
    lines = describe(result.plan)
    assert lines[-1].startswith("124 to create") and "create collection 'refkit'" in lines


def test_lost_state_makes_no_duplicates(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path / "a"))
    start = len(zs.requests)
    result = sync(ITEMS, opts(zs, tmp_path / "b"))
    assert writes(zs, start) == [] and result.unchanged == 124
    result = sync(edited(RID, title="GPTQ: after losing state"), opts(zs, None))
    assert result.updated == 1 and result.conflicts == []
    assert len(refkit_items(zs)) == 124 and len(zs.library(LIB).items) == OBJECTS


def test_venue_move_moves_collection(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    items = copy.deepcopy(ITEMS)
    item = next(i for i in items if i["custom"]["record_id"] == RID)
    item["custom"]["venue_key"] = "ICML"
    item["container-title"] = "International Conference on Machine Learning"
    result = sync(items, opts(zs, tmp_path))
    lib = zs.library(LIB)
    names = [lib.collections[k]["name"] for k in lib.items[m.item_key(LIB, RID)]["collections"]]
    assert result.moved == 1 and names == ["ICML"]


def test_prune_deletes_only_with_the_flag(zs: ZoteroServer, tmp_path: Path) -> None:
    sync(ITEMS, opts(zs, tmp_path))
    rest = [i for i in ITEMS if i["custom"]["record_id"] != RID]
    result = sync(rest, opts(zs, tmp_path))
    assert result.deleted == 0 and m.item_key(LIB, RID) in zs.library(LIB).items
    result = sync(rest, opts(zs, None, prune=True))  # found by its marker, without state
    assert result.deleted == 1 and m.item_key(LIB, RID) not in zs.library(LIB).items
    assert m.code_key(LIB, RID) not in zs.library(LIB).items


def test_key_is_never_logged_or_stored(zs: ZoteroServer, tmp_path: Path, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "S3cr3tK3yV4lu3XYZ12345a"
    zs.add_key(secret, user_id=7, libraries={LIB: "write"})
    zs.fault_rate, zs.faults = 0.2, ("503", "429")
    sync(ITEMS, replace(opts(zs, tmp_path), api_key=secret))
    with pytest.raises(ZoteroError) as err:
        sync(ITEMS, replace(opts(zs, tmp_path), api_key=secret, library_id=999))
    out = capsys.readouterr()
    files = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert files and caplog.text
    for text in (caplog.text, out.out, out.err, files, str(err.value), repr(opts(zs, None))):
        assert secret not in text
