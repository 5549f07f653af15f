"""The local Crossref server answers in the shape of the real API's recorded answers
(tests/data/crossref-ref/, recorded from api.crossref.org in June 2026), checked field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.servers.crossref import CrossrefServer

REF = Path(__file__).parent / "data" / "crossref-ref"
WORKS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "enrich" / "crossref_works.json").read_text()
)
ROOMY = {"polite": (1000, 1000, 100)}
RECORDED_NAMES = (
    "body__works_doi__10.1109_icdcsw.2003.1203662__proceedings-article.json",
    "body__works_doi__10.1371_journal.pone.0033693__public-pool.json",
    "body__works_doi__10.1016_j.neurobiolaging.2010.03.024.json",
)
RECORDED_WORKS = [json.loads((REF / name).read_text())["message"] for name in RECORDED_NAMES] + [
    *json.loads((REF / "body__works_query_ecology_query.author_carl_boettiger.json").read_text())[
        "message"
    ]["items"]
]


def shape(value: Any) -> Any:
    """The JSON type of a value, with the shape of list elements and of nested objects' fields."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else "null"


# Fields crossref.md (section 2.2) documents but the recordings happen not to show.
DOCUMENTED = {"event": {"name": "str", "location": "str", "acronym": "str", "sponsor": ["str"]}}
# `relation` is keyed by relation type (has-preprint, is-preprint-of, ...), each a list like this.
RELATION = [{"id-type": "str", "id": "str", "asserted-by": "str"}]


def recorded_shapes() -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {k: [v] for k, v in DOCUMENTED.items()}
    for work in RECORDED_WORKS:
        for key, value in work.items():
            out.setdefault(key, []).append(shape(value))
    return out


def same_kind(ours: Any, theirs: Any) -> bool:
    """Ours matches a recorded shape: same JSON types, and object fields a subset of theirs."""
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and all(
            k in theirs and same_kind(v, theirs[k]) for k, v in ours.items()
        )
    if isinstance(theirs, list):
        return isinstance(ours, list) and (not ours or not theirs or same_kind(ours[0], theirs[0]))
    return ours == theirs or {ours, theirs} <= {"int", "float"} or "null" in (ours, theirs)


def test_envelopes_have_the_recorded_keys() -> None:
    real_work = json.loads((REF / RECORDED_NAMES[0]).read_text())
    real_list = json.loads((REF / "body__works_query_ecology_rows2.json").read_text())
    with CrossrefServer(WORKS, limits=ROOMY) as cr:
        work = httpx2.get(f"{cr.url}/works/{WORKS[0]['DOI']}").json()
        found = httpx2.get(f"{cr.url}/works", params={"query": "pruning", "rows": 2}).json()
    assert set(work) == set(real_work) and work["message-type"] == real_work["message-type"]
    assert set(found) == set(real_list) and found["message-type"] == real_list["message-type"]
    assert set(found["message"]) == set(real_list["message"])
    assert same_kind(shape(found["message"]["query"]), shape(real_list["message"]["query"]))


@pytest.mark.parametrize("work", WORKS, ids=[w["DOI"] for w in WORKS])
def test_every_served_work_has_fields_of_the_recorded_shapes(work: dict[str, Any]) -> None:
    recorded = recorded_shapes()
    common = {"DOI", "URL", "title", "author", "type", "publisher", "issued", "container-title"}
    assert common <= set(work) | {"author"}  # a few real works have no authors either
    for kind, links in work.get("relation", {}).items():
        assert kind.islower() and same_kind(shape(links), RELATION), kind
    for key, value in work.items():
        if key == "relation":
            continue
        if key not in recorded:
            continue  # fields the recordings lack (e.g. published-print) are checked below
        assert any(same_kind(shape(value), r) for r in recorded[key]), (key, shape(value))
    for key in ("issued", "published-print", "published-online", "published", "posted"):
        if key in work:  # [[2023, 7, 1]], or [[null]] as in the recorded IEEE work
            assert isinstance(work[key]["date-parts"], list)
            assert all(p is None or isinstance(p, int) for p in work[key]["date-parts"][0])
