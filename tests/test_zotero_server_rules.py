"""More Web API rules of the Zotero test server: paging links, PUT, collections, search, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from pyzotero import zotero

from tests.servers.zotero import ZoteroServer

GROUP = "groups/123"


@pytest.fixture
def zs() -> Iterator[ZoteroServer]:
    with ZoteroServer() as server:
        server.add_group(123)
        server.add_key("WKEY", user_id=7, libraries={GROUP: "write"})
        yield server


def client(zs: ZoteroServer) -> zotero.Zotero:
    zot = zotero.Zotero(123, "group", "WKEY", client=httpx2.Client(trust_env=False))
    zot.endpoint = zs.url
    return zot


def call(zs: ZoteroServer, method: str, path: str, **kw: Any) -> httpx2.Response:
    headers = {"Zotero-API-Key": "WKEY", **kw.pop("headers", {})}
    with httpx2.Client(trust_env=False) as http:
        return http.request(method, zs.url + path, headers=headers, **kw)


def test_link_header_on_a_middle_page(zs: ZoteroServer) -> None:
    for i in range(12):
        zs.seed_item(GROUP, {"itemType": "book", "title": f"B{i}"})
    resp = call(zs, "GET", "/groups/123/items/top?limit=5&start=5&format=json&tag=-x")
    base = f"{zs.url}/groups/123/items/top?limit=5&tag=-x"
    # prev of start=5 is start=0, which (being the default) is left out, as in `first`
    assert resp.headers["Link"] == (
        f'<{base}>; rel="first", <{base}>; rel="prev", '
        f'<{base}&start=10>; rel="next", <{base}&start=10>; rel="last", '
        '<https://www.zotero.org/groups/123/items/top>; rel="alternate"'
    )
    assert resp.headers["Total-Results"] == "12" and len(resp.json()) == 5


def test_put_replaces_the_whole_item(zs: ZoteroServer) -> None:
    key = zs.seed_item(
        GROUP, {"itemType": "book", "title": "T", "ISBN": "123", "tags": [{"tag": "a"}]}
    )
    body = {"itemType": "book", "title": "New", "tags": [], "collections": [], "relations": {}}
    resp = call(
        zs,
        "PUT",
        f"/groups/123/items/{key}",
        json=body,
        headers={"If-Unmodified-Since-Version": "1"},
    )
    assert resp.status_code == 204
    item = zs.library(GROUP).items[key]
    assert (item["title"], item["ISBN"], item["tags"], item["version"]) == ("New", "", [], 2)
    same = call(zs, "PATCH", f"/groups/123/items/{key}", json={"title": "New", "version": 2})
    assert (same.status_code, same.headers["Last-Modified-Version"]) == (204, "2")  # no bump


def test_too_long_values_are_413_per_object(zs: ZoteroServer) -> None:
    res = client(zs).create_items(
        [
            {"itemType": "book", "title": "x" * 65536},
            {"itemType": "book", "title": "ok", "tags": [{"tag": "t" * 256}]},
            {"itemType": "book", "title": "fine"},
        ]
    )
    assert {i: f["code"] for i, f in res["failed"].items()} == {"0": 413, "1": 413}
    assert res["success"] == {"2": res["success"]["2"]} and zs.library(GROUP).version == 1


def test_collection_rules(zs: ZoteroServer) -> None:
    zot = client(zs)
    res = zot.create_collections(
        [
            {"name": "Dup"},
            {"name": "Dup"},  # names are not unique
            {"name": "Orphan", "parentCollection": "ZZZZ2345"},
            {"name": ""},
            {"name": "x", "color": "red"},
            {"name": "n" * 256},
        ]
    )
    assert set(res["success"]) == {"0", "1"}
    assert {i: (f["code"], f["message"]) for i, f in res["failed"].items()} == {
        "2": (409, "Parent collection ZZZZ2345 not found"),
        "3": (400, "Collection name cannot be empty"),
        "4": (400, "Invalid property 'color'"),
        "5": (413, f"Collection '{'n' * 50}…' too long"),
    }
    parent = res["success"]["0"]
    sub = zs.seed_collection(GROUP, "Sub", parent=parent)
    zot.delete_collection(zot.collection(parent))
    assert set(zs.library(GROUP).collections) == {res["success"]["1"]}
    assert sorted(zot.deleted(since=0)["collections"]) == sorted([parent, sub])


def test_children_go_with_their_parent(zs: ZoteroServer) -> None:
    parent = zs.seed_item(GROUP, {"itemType": "book", "title": "P"})
    zot = client(zs)
    res = zot.create_items([{"itemType": "note", "note": "<p>child</p>"}], parentid=parent)
    child = res["success"]["0"]
    assert [c["key"] for c in zot.children(parent)] == [child]
    assert [i["key"] for i in zot.top()] == [parent]
    orphan = zot.create_items([{"itemType": "note", "note": "x", "parentItem": "ZZZZ2345"}])
    assert orphan["failed"]["0"]["code"] == 409
    bad = zot.create_items([{"itemType": "book", "title": "b", "parentItem": parent}])
    assert bad["failed"]["0"]["message"] == "Child item must be note or attachment"
    zot.delete_item(zot.item(parent))
    assert zs.library(GROUP).items == {}
    assert sorted(zot.deleted(since=0)["items"]) == sorted([parent, child])


def test_quick_search_and_sort(zs: ZoteroServer) -> None:
    zs.seed_item(GROUP, {"itemType": "book", "title": "Alpha", "date": "2021"})
    zs.seed_item(
        GROUP,
        {
            "itemType": "book",
            "title": "Beta",
            "creators": [{"creatorType": "author", "name": "Frantar"}],
        },
    )
    zot = client(zs)
    assert [i["data"]["title"] for i in zot.items(q="frantar")] == ["Beta"]
    assert [i["data"]["title"] for i in zot.items(q="2021")] == ["Alpha"]
    assert [i["data"]["title"] for i in zot.items(sort="title", direction="asc")] == [
        "Alpha",
        "Beta",
    ]
    assert zot.items(q="frantar")[0]["meta"]["creatorSummary"] == "Frantar"


def test_single_object_304_and_key_lookup(zs: ZoteroServer) -> None:
    key = zs.seed_item(GROUP, {"itemType": "book", "title": "T"})
    zs.seed_item(GROUP, {"itemType": "book", "title": "U"})
    one = call(zs, "GET", f"/groups/123/items/{key}", headers={"If-Modified-Since-Version": "1"})
    assert one.status_code == 304  # the item is at version 1 although the library is at 2
    assert call(zs, "GET", f"/groups/123/items/{key}").headers["Last-Modified-Version"] == "1"
    assert call(zs, "GET", "/groups/123/items/ZZZZ2345").status_code == 404
    assert call(zs, "GET", "/keys/OTHER").text == "Key 'OTHER' not found"


def test_error_text_is_html_escaped(zs: ZoteroServer) -> None:
    res = client(zs).create_items([{"itemType": "book", "<b>": "x"}])
    assert res["failed"]["0"]["message"] == "Invalid property '&lt;b&gt;'"
    resp = call(zs, "GET", "/groups/123/items?sort=<x>")
    assert (resp.status_code, resp.text) == (400, "Invalid 'sort' value '&lt;x&gt;'")


def test_fault_500_and_unknown_fault_names() -> None:
    with ZoteroServer(fault_rate=1.0, faults=("500",)) as zs:
        zs.add_group(1)
        zs.add_key("K", user_id=1, libraries={"groups/1": "read"})
        resp = httpx2.get(zs.url + "/groups/1/items?key=K", trust_env=False)
        assert resp.status_code == 500 and zs.requests[0].injected
    with pytest.raises(ValueError, match="unknown faults"):
        ZoteroServer(faults=("timeout",))


def test_tag_and_type_filters(zs: ZoteroServer) -> None:
    zs.seed_item(GROUP, journal("AAAA2345", tags=[{"tag": "llm"}, {"tag": "quant"}]))
    zs.seed_item(GROUP, journal("BBBB2345", tags=[{"tag": "llm"}]))
    zs.seed_item(GROUP, {"key": "CCCC2345", "itemType": "book", "title": "b"})
    zot = client(zs)
    keys = lambda res: sorted(i["key"] for i in res)  # noqa: E731
    assert keys(zot.items(tag="llm")) == ["AAAA2345", "BBBB2345"]
    assert keys(zot.items(tag=["llm", "-quant"])) == ["BBBB2345"]
    assert keys(zot.items(tag="quant || nothing")) == ["AAAA2345"]
    assert keys(zot.items(itemType="book")) == ["CCCC2345"]
    assert keys(zot.items(itemType="-book")) == ["AAAA2345", "BBBB2345"]
    assert keys(zot.items(itemKey="AAAA2345,CCCC2345")) == ["AAAA2345", "CCCC2345"]


def test_item_template_and_fields(zs: ZoteroServer) -> None:
    zot = client(zs)
    tmpl = zot.item_template("conferencePaper")
    assert list(tmpl)[:3] == ["itemType", "title", "creators"]
    assert tmpl["creators"] == [{"creatorType": "author", "firstName": "", "lastName": ""}]
    assert tmpl["proceedingsTitle"] == "" and tmpl["relations"] == {}
    tmpl["title"] = "From template"
    assert zot.create_items([tmpl])["success"]  # the empty template creator is ignored
    assert {"field": "proceedingsTitle", "localized": "Proceedings Title"} in zot.item_fields()
    assert call(zs, "GET", "/items/new?itemType=bogus").status_code == 400


def journal(key: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "itemType": "journalArticle", "title": "A title", **fields}
