"""The local Zotero API server behaves like the real Web API v3 (checked with real pyzotero)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from pyzotero import zotero
from pyzotero import zotero_errors as ze

from tests.servers.zotero import ZoteroServer
from tests.servers.zotero_state import KEY_CHARS

GROUP = "groups/123"


@pytest.fixture
def zs() -> Iterator[ZoteroServer]:
    with ZoteroServer(seed=1) as server:
        server.add_group(123, name="Lab")
        server.add_group(456)
        server.add_user(7)
        server.add_key("WKEY", user_id=7, libraries={GROUP: "write", "users/7": "write"})
        server.add_key("RKEY", user_id=7, libraries={GROUP: "read"})
        yield server


def client(zs: ZoteroServer, key: str = "WKEY", group: int = 123) -> zotero.Zotero:
    zot = zotero.Zotero(group, "group", key, client=httpx2.Client(trust_env=False))
    zot.endpoint = zs.url
    return zot


def raw(zs: ZoteroServer, method: str, path: str, key: str | None = "WKEY", **kw: Any) -> Any:
    headers = {"Zotero-API-Version": "3", **kw.pop("headers", {})}
    if key:
        headers["Zotero-API-Key"] = key
    with httpx2.Client(trust_env=False) as http:
        return http.request(method, zs.url + path, headers=headers, **kw)


def article(key: str | None = None, version: int | None = 0, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"itemType": "journalArticle", "title": "A title", **fields}
    if key:
        item["key"] = key
    if version is not None and key:
        item["version"] = version
    return item


def test_create_with_client_keys_and_version_zero(zs: ZoteroServer) -> None:
    zot = client(zs)
    res = zot.create_items([article("AAAA2345"), article("BBBB2345", title="Second")])
    assert res["success"] == {"0": "AAAA2345", "1": "BBBB2345"}
    assert res["failed"] == {} and res["unchanged"] == {}
    # per-object version bumps (dataserver c97d2cfd): 1 then 2; the header has the final value
    assert [res["successful"][i]["version"] for i in "01"] == [1, 2]
    assert zot.request.headers["Last-Modified-Version"] == "2"
    obj = res["successful"]["1"]
    assert obj["data"]["title"] == "Second" and obj["data"]["abstractNote"] == ""
    assert obj["library"] == {
        "type": "group",
        "id": 123,
        "name": "Lab",
        "links": {"alternate": {"href": "https://www.zotero.org/groups/123", "type": "text/html"}},
    }
    assert obj["links"]["self"]["href"] == f"{zs.url}/groups/123/items/BBBB2345"
    assert zs.library(GROUP).version == 2 and set(zs.library(GROUP).items) == {
        "AAAA2345",
        "BBBB2345",
    }


def test_retried_create_is_per_object_412_not_a_duplicate(zs: ZoteroServer) -> None:
    zot = client(zs)
    payload = [article("AAAA2345"), article("BBBB2345")]
    zot.create_items(payload)
    again = zot.create_items(payload)
    assert again["success"] == {}
    assert again["failed"]["0"] == {
        "key": "AAAA2345",
        "code": 412,
        "message": "Item has been modified since specified version (expected 0, found 1)",
    }
    assert again["failed"]["1"]["code"] == 412
    assert zot.count_items() == 2 and zs.library(GROUP).version == 2


def test_stale_versions_give_412(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article("AAAA2345")])
    item = zot.item("AAAA2345")
    assert zs.edit_item(GROUP, "AAAA2345", {"title": "Member edit"}) == 2
    item["data"]["title"] = "Mine"
    with pytest.raises(ze.PreConditionFailedError, match="expected 1, found 2"):
        zot.update_item(item["data"])
    stale = zot.create_items([{"key": "AAAA2345", "version": 1, "title": "Mine"}])
    assert stale["failed"]["0"]["code"] == 412
    assert zs.library(GROUP).items["AAAA2345"]["title"] == "Member edit"


def test_keyed_batch_write_is_a_patch_and_detects_unchanged(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article("AAAA2345", DOI="10.1/x")])
    res = zot.create_items([{"key": "AAAA2345", "version": 1, "title": "New"}])
    data = res["successful"]["0"]["data"]
    assert data["title"] == "New" and data["DOI"] == "10.1/x" and data["version"] == 2
    same = zot.create_items([{"key": "AAAA2345", "version": 2, "title": "New"}])
    assert same["unchanged"] == {"0": "AAAA2345"} and same["successful"] == {}
    assert zs.library(GROUP).version == 2


def test_key_without_version_needs_a_header(zs: ZoteroServer) -> None:
    zot = client(zs)
    res = zot.create_items([article("AAAA2345", version=None)])
    assert res["failed"]["0"]["code"] == 428
    ok = zot.create_items([article("AAAA2345", version=None)], last_modified=0)
    assert ok["success"] == {"0": "AAAA2345"}
    missing = zot.create_items([article("CCCC2345", version=5)])
    assert missing["failed"]["0"]["code"] == 404


def test_library_precondition_fails_whole_request(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article("AAAA2345")])
    with pytest.raises(ze.PreConditionFailedError, match=r"Library has been modified"):
        zot.create_items([article("BBBB2345")], last_modified=0)
    assert set(zs.library(GROUP).items) == {"AAAA2345"}
    resp = raw(
        zs,
        "POST",
        "/groups/123/items",
        json=[article()],
        headers={"If-Unmodified-Since-Version": "x"},
    )
    assert resp.status_code == 400


def test_write_token_reuse_gives_412(zs: ZoteroServer) -> None:
    token = {"Zotero-Write-Token": "0123456789abcdef"}
    bad = raw(zs, "POST", "/groups/123/items", json=[{}] * 51, headers=token)
    assert bad.status_code == 413  # a failed request does not use up the token
    first = raw(zs, "POST", "/groups/123/items", json=[article()], headers=token)
    assert first.status_code == 200
    second = raw(zs, "POST", "/groups/123/items", json=[article()], headers=token)
    assert (second.status_code, second.text) == (412, "Write token already used")
    other_key = raw(zs, "POST", "/users/7/items", json=[article()], headers=token)
    assert other_key.status_code == 412  # remembered per API key, not per library
    short = raw(
        zs, "POST", "/groups/123/items", json=[article()], headers={"Zotero-Write-Token": "abc"}
    )
    assert short.status_code == 400
    assert len(zs.library(GROUP).items) == 1


def test_more_than_50_objects_is_413(zs: ZoteroServer) -> None:
    resp = raw(zs, "POST", "/groups/123/items", json=[article()] * 51)
    assert (resp.status_code, resp.text) == (413, "Cannot add more than 50 items at a time")
    assert "Last-Modified-Version" not in resp.headers
    assert raw(zs, "POST", "/groups/123/collections", json=[{"name": "c"}] * 51).status_code == 413
    assert raw(zs, "POST", "/groups/123/items", json={"itemType": "book"}).status_code == 400
    zot = client(zs)
    keys = [f"AAAA{KEY_CHARS[i // 33]}{KEY_CHARS[i % 33]}22" for i in range(60)]
    zot.update_items([article(k, version=0) for k in keys])  # pyzotero chunks by 50
    posts = [r for r in zs.requests if r.method == "POST"]
    assert [r.objects for r in posts[-2:]] == [50, 10]
    assert zot.count_items() == 60


def test_everything_follows_link_headers(zs: ZoteroServer) -> None:
    for i in range(230):
        zs.seed_item(GROUP, {"itemType": "book", "title": f"Book {i}"})
    zot = client(zs)
    first = zot.items()
    assert len(first) == 100 and zot.request.headers["Total-Results"] == "230"
    link = zot.request.headers["Link"]
    # only non-default parameters are repeated (format=json and locale=en-US are defaults)
    assert link == (
        f'<{zs.url}/groups/123/items?limit=100&start=100>; rel="next", '
        f'<{zs.url}/groups/123/items?limit=100&start=200>; rel="last", '
        '<https://www.zotero.org/groups/123/items>; rel="alternate"'
    )
    everything = zot.everything(zot.items())
    assert len({i["key"] for i in everything}) == 230
    gets = [r.query for r in zs.requests if r.path == "/groups/123/items"][-3:]
    assert [q.get("start", "0") for q in gets] == ["0", "100", "200"]
    assert gets[2] == {"start": "200", "limit": "100", "locale": "en-US"}
    # default sort is dateModified desc: the last seeded book comes first
    assert first[0]["data"]["title"] == "Book 229"
    assert len(raw(zs, "GET", "/groups/123/items").json()) == 25
    assert len(raw(zs, "GET", "/groups/123/items?limit=500").json()) == 100


def test_read_only_key_cannot_write(zs: ZoteroServer) -> None:
    zs.seed_item(GROUP, article())
    zot = client(zs, "RKEY")
    assert len(zot.items()) == 1
    with pytest.raises(ze.UserNotAuthorisedError, match="Write access denied"):
        zot.create_items([article()])
    with pytest.raises(ze.UserNotAuthorisedError):
        zot.delete_item({"key": next(iter(zs.library(GROUP).items)), "version": 1})
    assert zs.library(GROUP).version == 1 and len(zs.library(GROUP).items) == 1
    info = zot.key_info()
    assert info["access"] == {"groups": {"123": {"library": True, "write": False}}}


def test_access_to_other_libraries_is_denied(zs: ZoteroServer) -> None:
    with pytest.raises(ze.UserNotAuthorisedError, match="Forbidden"):
        client(zs, group=456).items()
    with pytest.raises(ze.UserNotAuthorisedError, match="Write access denied"):
        client(zs, group=456).create_items([article()])
    assert raw(zs, "GET", "/groups/123/items", key="NOPE").text == "Invalid key"
    assert raw(zs, "GET", "/groups/123/items", key=None).status_code == 403
    nokey = raw(zs, "POST", "/groups/123/items", key=None, json=[article()])
    assert nokey.text == "An API key is required for write requests"
    assert raw(zs, "GET", "/groups/123/items?key=WKEY", key=None).status_code == 200
    bearer = raw(zs, "GET", "/groups/123/items", key=None, headers={"Authorization": "Bearer WKEY"})
    assert bearer.status_code == 200
    assert (
        raw(zs, "GET", "/groups/123/items?key=RKEY").status_code == 400
    )  # header and query differ
    assert raw(zs, "GET", "/groups/999/items").status_code == 404


def test_key_info_and_headers(zs: ZoteroServer) -> None:
    zot = client(zs)
    info = zot.key_info()
    assert info["userID"] == 7 and info["key"] == "WKEY"
    assert info["access"]["groups"] == {"123": {"library": True, "write": True}}
    assert info["access"]["user"]["write"] is True
    resp = raw(zs, "GET", "/keys/current")
    assert resp.json() == info
    assert (
        resp.headers["Zotero-API-Version"] == "3" and resp.headers["Zotero-Schema-Version"] == "41"
    )
    assert raw(zs, "GET", "/keys/current", key=None).status_code == 403


def test_item_validation_against_schema(zs: ZoteroServer) -> None:
    zot = client(zs)
    res = zot.create_items(
        [
            article(proceedingsTitle="X"),
            article(foo="bar"),
            article(proceedingsTitle=""),  # an empty invalid field is accepted silently
            {"itemType": "nonsense", "title": "t"},
            article(creators=[{"creatorType": "programmer", "lastName": "L", "firstName": "F"}]),
            {
                "itemType": "computerProgram",
                "title": "t",
                "creators": [{"creatorType": "author", "name": "Org"}],
            },
            article(tags=["plain string"]),
            article(relations={"dc:relation": "http://example.org/x"}),
            article(creators=[{"creatorType": "author", "firstName": "Only"}]),
        ]
    )
    fail = {i: (f["code"], f["message"]) for i, f in res["failed"].items()}
    assert fail == {
        "0": (400, "'proceedingsTitle' is not a valid field for type 'journalArticle'"),
        "1": (400, "Invalid property 'foo'"),
        "3": (400, "'nonsense' is not a valid itemType"),
        "4": (400, "'programmer' is not a valid creator type for item type 'journalArticle'"),
        "6": (400, "Invalid tag object"),
        "7": (400, "'relations' values currently must be Zotero item URIs"),
        "8": (400, "'lastName' creator field must be set if 'firstName' is set"),
    }
    assert set(res["success"]) == {"2", "5"}
    assert "proceedingsTitle" not in res["successful"]["2"]["data"]
    assert zot.count_items() == 2  # failed objects leave nothing behind


def test_child_items_and_collections(zs: ZoteroServer) -> None:
    zot = client(zs)
    res = zot.create_collections(
        [
            {"name": "Venues", "key": "CCCC2345", "version": 0},
            {"name": "ICLR", "parentCollection": "CCCC2345"},
        ]
    )
    sub = res["successful"]["1"]
    assert sub["data"]["parentCollection"] == "CCCC2345"
    assert res["successful"]["0"]["data"]["parentCollection"] is False
    items = zot.create_items(
        [
            article("AAAA2345", collections=[sub["key"]]),
            {
                "itemType": "note",
                "note": "<p>n</p>",
                "parentItem": "AAAA2345",
                "collections": [sub["key"]],
            },
            {"itemType": "note", "note": "<p>n</p>", "parentItem": "AAAA2345"},
            article(collections=["ZZZZ2345"]),
            {
                "itemType": "attachment",
                "linkMode": "linked_url",
                "url": "https://x.org",
                "title": "x",
            },
        ]
    )
    assert items["failed"]["1"]["message"] == "Child items cannot be assigned to collections"
    assert items["failed"]["3"] == {
        "code": 409,
        "message": "Collection ZZZZ2345 not found",
        "data": {"collection": "ZZZZ2345"},
    }
    assert (
        items["failed"]["4"]["message"] == "Only file attachments and PDFs can be top-level items"
    )
    assert [i["key"] for i in zot.collection_items(sub["key"])] == ["AAAA2345"]
    assert zot.collection(sub["key"])["meta"] == {"numCollections": 0, "numItems": 1}
    assert zot.item("AAAA2345")["meta"]["numChildren"] == 1
    assert {c["data"]["name"] for c in zot.everything(zot.collections())} == {"Venues", "ICLR"}
    assert [c["key"] for c in zot.collections_top()] == ["CCCC2345"]
    # membership lives on the item: pyzotero's addto_collection PATCHes the collections array
    zot.addto_collection("CCCC2345", zot.item("AAAA2345"))
    assert zs.library(GROUP).items["AAAA2345"]["collections"] == [sub["key"], "CCCC2345"]
    coll = zot.collection(sub["key"])
    zot.delete_collection(coll)
    assert zs.library(GROUP).items["AAAA2345"]["collections"] == ["CCCC2345"]
    assert zot.collection_versions() == {"CCCC2345": 1}


def test_deletes_need_versions(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article(k) for k in ("AAAA2345", "BBBB2345", "CCCC2345", "DDDD2345")])
    assert raw(zs, "DELETE", "/groups/123/items/AAAA2345").status_code == 428
    stale = raw(
        zs, "DELETE", "/groups/123/items/DDDD2345", headers={"If-Unmodified-Since-Version": "3"}
    )
    assert (stale.status_code, stale.headers["Last-Modified-Version"]) == (412, "4")
    zot.delete_item(zot.item("AAAA2345"))
    # pyzotero uses the first item's version as the library version: 412 unless last_modified is given
    with pytest.raises(ze.PreConditionFailedError):
        zot.delete_item([zot.item("BBBB2345"), zot.item("CCCC2345")])
    zot.delete_item(
        [{"key": "BBBB2345"}, {"key": "CCCC2345"}, {"key": "QQQQ2345"}], last_modified=5
    )
    assert set(zs.library(GROUP).items) == {"DDDD2345"}
    assert zot.deleted(since=4) == {
        "collections": [],
        "items": ["AAAA2345", "BBBB2345", "CCCC2345"],
        "searches": [],
        "tags": [],
        "settings": [],
    }
    assert raw(zs, "GET", "/groups/123/deleted").status_code == 400
    many = ",".join(["AAAA2345"] * 51)
    resp = raw(
        zs,
        "DELETE",
        f"/groups/123/items?itemKey={many}",
        headers={"If-Unmodified-Since-Version": "6"},
    )
    assert resp.status_code == 413


def test_single_object_patch_rules(zs: ZoteroServer) -> None:
    zs.seed_item(GROUP, article("AAAA2345"))
    url = "/groups/123/items/AAAA2345"
    assert raw(zs, "PATCH", url, json={"title": "x"}).status_code == 428
    assert raw(zs, "PATCH", "/groups/123/items/BBBB2345", json={"title": "x"}).status_code == 404
    mismatch = raw(
        zs, "PATCH", url, json={"version": 1}, headers={"If-Unmodified-Since-Version": "0"}
    )
    assert mismatch.status_code == 400
    ok = raw(zs, "PATCH", url, json={"title": "x", "version": 1})
    assert (ok.status_code, ok.headers["Last-Modified-Version"]) == (204, "2")
    created = raw(
        zs, "PATCH", "/groups/123/items/BBBB2345", json={"itemType": "book", "version": 0}
    )
    assert created.status_code == 204 and "BBBB2345" in zs.library(GROUP).items
    put = raw(zs, "PUT", url, json={"itemType": "book", "title": "T", "version": 2})
    assert (put.status_code, put.text) == (400, "'tags' property not provided")


def test_if_modified_since_version_and_versions_format(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article("AAAA2345"), article("BBBB2345")])
    assert (
        raw(zs, "GET", "/groups/123/items", headers={"If-Modified-Since-Version": "2"}).status_code
        == 304
    )
    assert (
        raw(zs, "GET", "/groups/123/items", headers={"If-Modified-Since-Version": "1"}).status_code
        == 200
    )
    assert zot.item_versions() == {"AAAA2345": 1, "BBBB2345": 2}
    assert zot.item_versions(since=1) == {"BBBB2345": 2}
    assert zot.last_modified_version() == 2
    assert raw(zs, "GET", "/groups/123/collections?format=versions").json() == {}


def test_trash_hides_items(zs: ZoteroServer) -> None:
    zot = client(zs)
    zot.create_items([article("AAAA2345"), article("BBBB2345")])
    item = zot.item("AAAA2345")
    item["data"]["deleted"] = 1
    zot.update_item(item["data"])
    assert [i["key"] for i in zot.items()] == ["BBBB2345"]
    assert {i["key"] for i in zot.items(includeTrashed=1)} == {"AAAA2345", "BBBB2345"}
    assert [i["key"] for i in zot.trash()] == ["AAAA2345"]
    assert zot.item_versions() == {"BBBB2345": 2}  # pyzotero leaves out includeTrashed
    assert zot.item_versions(includeTrashed=1) == {"AAAA2345": 3, "BBBB2345": 2}


def test_per_request_version_mode() -> None:
    with ZoteroServer(per_object_versions=False) as zs:
        zs.add_group(1)
        zs.add_key("K", user_id=1, libraries={"groups/1": "write"})
        zot = client(zs, "K", group=1)
        res = zot.create_items([article("AAAA2345"), article("BBBB2345")])
        assert [res["successful"][i]["version"] for i in "01"] == [1, 1]
        assert zs.library("groups/1").version == 1
