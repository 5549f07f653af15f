"""The Zotero test server's limits, injected faults, hooks and thread safety (real pyzotero)."""

from __future__ import annotations

import threading
from typing import Any

import httpx2
import pytest
from pyzotero import zotero
from pyzotero import zotero_errors as ze

from tests.servers.zotero import RequestLog, ZoteroServer
from tests.servers.zotero_state import KEY_CHARS

GROUP = "groups/123"


def server(**kw: Any) -> ZoteroServer:
    zs = ZoteroServer(**kw)
    zs.add_group(123)
    zs.add_key("WKEY", user_id=7, libraries={GROUP: "write"})
    return zs


def client(zs: ZoteroServer) -> zotero.Zotero:
    zot = zotero.Zotero(123, "group", "WKEY", client=httpx2.Client(trust_env=False))
    zot.endpoint = zs.url
    return zot


def get(zs: ZoteroServer, path: str = "/groups/123/items") -> httpx2.Response:
    with httpx2.Client(trust_env=False) as http:
        return http.get(zs.url + path, headers={"Zotero-API-Key": "WKEY"})


def book(key: str) -> dict[str, Any]:
    return {"key": key, "version": 0, "itemType": "book", "title": key}


def statuses(seed: int) -> list[int]:
    with server(seed=seed, fault_rate=0.5, faults=("503", "429"), retry_after=0) as zs:
        for _ in range(20):
            get(zs)
        return [r.status for r in zs.requests]


def test_faults_are_reproducible_from_the_seed() -> None:
    first, again, other = statuses(5), statuses(5), statuses(6)
    assert first == again
    assert first != other
    assert {200, 503, 429} == set(first)


def test_injected_faults_leave_state_alone() -> None:
    with server(fault_rate=1.0, faults=("503",), retry_after=0) as zs:
        resp = get(zs)
        assert (resp.status_code, resp.headers["Retry-After"]) == (503, "0")
        with pytest.raises(ze.HTTPError, match="503"):  # pyzotero does not retry 503
            client(zs).create_items([book("AAAA2345")])
        assert zs.library(GROUP).items == {} and zs.writes == 0 and zs.reads == 0
        assert all(r.injected and r.fault == "503" for r in zs.requests)


def test_injected_429_is_retried_by_pyzotero_reads() -> None:
    with server(fault_rate=1.0, faults=("429",), retry_after=0) as zs:
        with pytest.raises(ze.TooManyRetriesError):
            client(zs).items()
        assert [r.status for r in zs.requests] == [429, 429, 429]


def test_drop_after_commit_applies_the_write_then_hangs_up() -> None:
    with server(fault_rate=1.0, faults=("drop_after_commit",)) as zs:
        zot = client(zs)
        assert zot.items() == []  # reads are never dropped
        with pytest.raises(httpx2.RemoteProtocolError):
            zot.create_items([book("AAAA2345")])
        assert set(zs.library(GROUP).items) == {"AAAA2345"}
        log = zs.requests[-1]
        assert (log.method, log.status, log.injected, log.fault) == (
            "POST",
            200,
            True,
            "drop_after_commit",
        )
        assert zs.writes == 1
        zs.fault_rate = 0.0
        token = {"Zotero-Write-Token": log.headers["Zotero-Write-Token"], "Zotero-API-Key": "WKEY"}
        with httpx2.Client(trust_env=False) as http:
            again = http.post(f"{zs.url}/groups/123/items", json=[book("BBBB2345")], headers=token)
        assert (again.status_code, again.text) == (412, "Write token already used")
        retry = zot.create_items([book("AAAA2345")])  # the idempotent retry: no duplicate
        assert retry["failed"]["0"]["code"] == 412
        assert zot.count_items() == 1


def test_rate_limit_gives_429_with_retry_after() -> None:
    with server(rate_limit=(0.001, 3)) as zs:
        codes = [get(zs).status_code for _ in range(3)]
        limited = get(zs)
        assert codes == [200, 200, 200]
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3000")
        assert (zs.requests[-1].fault, zs.requests[-1].injected, zs.reads) == ("rate", False, 3)


def test_concurrency_limit_gives_429() -> None:
    entered, release = threading.Event(), threading.Event()

    def hold_first(log: RequestLog) -> None:
        if not entered.is_set():
            entered.set()
            release.wait(timeout=10)

    with server(max_concurrency=1, concurrency_retry_after=(2, 2)) as zs:
        zs.on_request = hold_first
        results: list[int] = []
        first = threading.Thread(target=lambda: results.append(get(zs).status_code))
        first.start()
        assert entered.wait(timeout=10)
        second = get(zs)
        release.set()
        first.join(timeout=10)
        assert (second.status_code, second.headers["Retry-After"]) == (429, "2")
        assert results == [200]
        assert [r.fault for r in zs.requests] == ["", "concurrency"]


def test_backoff_header_on_every_response() -> None:
    with server(backoff=0) as zs:
        assert get(zs).headers["Backoff"] == "0"
        assert get(zs, "/groups/999/items").headers["Backoff"] == "0"


def test_member_edit_between_read_and_write() -> None:
    with server() as zs:
        key = zs.seed_item(GROUP, {"itemType": "book", "title": "Original"})
        zot = client(zs)
        item = zot.item(key)

        def edit_before_patch(log: RequestLog) -> None:
            if log.method == "PATCH" and zs.library(GROUP).items[key]["title"] == "Original":
                zs.edit_item(GROUP, key, {"title": "Edited in Zotero"})

        zs.on_request = edit_before_patch
        item["data"]["title"] = "Mine"
        with pytest.raises(ze.PreConditionFailedError):
            zot.update_item(item["data"])
        assert zs.library(GROUP).items[key]["title"] == "Edited in Zotero"


def test_parallel_writers_get_distinct_versions() -> None:
    keys = [f"AAAA{KEY_CHARS[i // 33]}{KEY_CHARS[i % 33]}22" for i in range(200)]

    def write(chunk: list[str]) -> None:
        client(zs).create_items([book(k) for k in chunk])

    with server(max_concurrency=4) as zs:
        threads = [threading.Thread(target=write, args=(keys[i::4][:50],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        lib = zs.library(GROUP)
        assert len(lib.items) == 200 and lib.version == 200
        assert sorted(i["version"] for i in lib.items.values()) == list(range(1, 201))


def test_update_collection_needs_the_data_dict() -> None:
    with server() as zs:
        key = zs.seed_collection(GROUP, "Venues")
        zot = client(zs)
        coll = zot.collection(key)
        with pytest.raises(ze.UnsupportedParamsError, match="Invalid property"):
            zot.update_collection(coll)
        coll["data"]["name"] = "Renamed"
        assert zot.update_collection(coll["data"])
        assert zs.library(GROUP).collections[key]["name"] == "Renamed"


def test_member_helpers_validate() -> None:
    with server() as zs:
        with pytest.raises(ValueError, match="Invalid property 'foo'"):
            zs.seed_item(GROUP, {"itemType": "book", "foo": 1})
        parent = zs.seed_collection(GROUP, "Top")
        child = zs.seed_collection(GROUP, "Sub", parent=parent)
        assert zs.library(GROUP).collections[child]["parentCollection"] == parent
        assert zs.library(GROUP).version == 2
