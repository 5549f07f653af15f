"""The pure planner and three-way merge: no server."""

from __future__ import annotations

import pytest

from refkit.zotero import mapping as m
from refkit.zotero.merge import merge
from refkit.zotero.plan import Remote, plan

LIB = "groups/1"
ITEM = {"id": "a2023x", "citation-key": "a2023x", "type": "paper-conference", "title": "X",
        "issued": {"date-parts": [[2023]]}, "container-title": "Proc", "event-title": "ICLR 2023",
        "author": [{"family": "A", "given": "B"}],
        "custom": {"record_id": "x", "venue_key": "ICLR", "keywords": ["k"], "code_url": ""}}  # fmt: skip


@pytest.mark.parametrize(
    ("base", "theirs", "ours", "force", "result", "conflicts"),
    [
        pytest.param({"t": "a"}, {"t": "a"}, {"t": "b"}, False, "b", [], id="ours-changed"),
        pytest.param({"t": "a"}, {"t": "m"}, {"t": "a"}, False, "m", [], id="theirs-changed"),
        pytest.param({"t": "a"}, {"t": "m"}, {"t": "b"}, False, "m", ["t"], id="both-conflict"),
        pytest.param({"t": "a"}, {"t": "m"}, {"t": "b"}, True, "b", [], id="both-forced"),
        pytest.param({"t": "a"}, {"t": "b"}, {"t": "b"}, False, "b", [], id="same-change"),
        pytest.param(None, {"t": "m"}, {"t": "b"}, False, "m", ["t"], id="unknown-base"),
    ],
)
def test_merge_fields(base, theirs, ours, force, result, conflicts) -> None:
    out = merge(base, theirs, ours, force=force)
    assert out.result["t"] == result and out.conflicts == conflicts


def test_merge_tags_keeps_members_and_removes_only_refkits() -> None:
    out = merge({"tags": ["old", "k"]}, {"tags": ["old", "k", "mine"]}, {"tags": ["k", "new"]})
    assert out.result["tags"] == ["k", "mine", "new"]
    out = merge(None, {"tags": ["old", "mine"]}, {"tags": ["new"]})
    assert out.result["tags"] == ["mine", "new", "old"]  # unknown base: never removes


def _remote_after_create(p) -> Remote:
    items = {w.data["key"]: {**w.data, "version": 5, "numChildren": 0} for w in p.writes}
    cols = {c["key"]: {**c, "version": 5} for c in p.collections}
    return Remote(version=5, items=items, collections=cols)


def test_create_then_nothing_to_do() -> None:
    p = plan([ITEM], Remote(), {}, library=LIB, root="refkit")
    assert [c["name"] for c in p.collections] == ["refkit", "ICLR"]
    assert [(w.kind, w.data["key"], w.data["version"]) for w in p.writes] == [
        ("create", m.item_key(LIB, "x"), 0)
    ]
    assert p.writes[0].data["collections"] == [m.collection_key(LIB, "refkit", "ICLR")]
    again = plan([ITEM], _remote_after_create(p), {}, library=LIB, root="refkit")
    assert again.writes == [] and again.collections == [] and again.unchanged == ["x"]


def test_member_edit_and_refkit_change_merge_into_one_partial_update() -> None:
    first = plan([ITEM], Remote(), {}, library=LIB, root="refkit")
    remote = _remote_after_create(first)
    data = remote.items[m.item_key(LIB, "x")]
    data["extra"] = "Mine: 1\n" + data["extra"]
    data["tags"] = [*data["tags"], {"tag": "mine"}]
    p = plan([{**ITEM, "title": "Y"}], remote, first.bases, library=LIB, root="refkit")
    (w,) = p.writes
    assert w.kind == "update" and w.data["version"] == 5 and w.data["title"] == "Y"
    assert "tags" not in w.data and w.data["extra"].startswith("Mine: 1\n")


def test_copy_of_a_refkit_item_is_not_refkits() -> None:
    first = plan([ITEM], Remote(), {}, library=LIB, root="refkit")
    remote = _remote_after_create(first)
    copy = {**remote.items[m.item_key(LIB, "x")], "key": "ZZZZZZZZ"}
    remote.items["ZZZZZZZZ"] = copy  # a member duplicated it in Zotero: same marker, other key
    p = plan([], remote, {}, library=LIB, root="refkit", prune=True)
    assert [d.key for d in p.deletes] == [m.item_key(LIB, "x")]


@pytest.mark.parametrize(
    ("items", "children"),
    [
        pytest.param(124, 89, id="the-list"),
        pytest.param(10_000, 7_200, id="synthetic"),
        pytest.param(49, 49, id="pairs-straddle"),
        pytest.param(3, 0, id="no-children"),
    ],
)
def test_writes_fill_batches_and_children_wait_for_their_parents(items: int, children: int) -> None:
    from refkit.zotero.apply import waves
    from refkit.zotero.plan import Write

    writes = []
    for n in range(items):
        writes.append(Write("create", f"r{n}", {"key": f"P{n}"}, None))
        if n < children:
            writes.append(
                Write("create", f"r{n}", {"key": f"C{n}", "parentItem": f"P{n}"}, None, child=True)
            )
    plan = waves(writes)
    batches = [b for wave in plan for b in wave]
    assert len(batches) == -(-len(writes) // 50)  # ceil: no half-empty batch but the last
    assert sorted(id(w) for b in batches for w in b) == sorted(id(w) for w in writes)
    done: set[str] = set()  # parents written by earlier waves
    for wave in plan:  # the batches of a wave run concurrently
        for batch in wave:
            mine = {w.record_id for w in batch if not w.child}
            assert all(w.record_id in done | mine for w in batch if w.child)
        done |= {w.record_id for batch in wave for w in batch if not w.child}
    assert len(plan) <= 3
