"""merge(): the precedence table between the record and each source, one row per rule."""

from __future__ import annotations

from typing import Any

import pytest

from refkit.enrich import PRECEDENCE
from refkit.enrich.merge import agrees, merge

ORDER = PRECEDENCE


def conf(**kw: Any) -> dict[str, Any]:
    """A conference item as normalize makes it (CVPR, two authors, 2023)."""
    item = {
        "id": "2023/x",
        "type": "paper-conference",
        "title": "Sparse Things",
        "author": [{"family": "Chen", "given": "Xuanyao"}, {"family": "Han", "given": "Song"}],
        "issued": {"date-parts": [[2023]]},
        "container-title": "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        "custom": {"record_id": "2023/x", "venue_key": "CVPR", "arxiv_id": "2303.1"},
    }
    item.update(kw)
    return item


def preprint(**kw: Any) -> dict[str, Any]:
    item = conf(type="article", DOI="10.48550/arXiv.2303.1", publisher="arXiv", **kw)
    del item["container-title"]
    item["custom"]["venue_key"] = "arXiv"
    return item


FULL = [
    {"family": "Chen", "given": "Xuanyao"},
    {"family": "Liu", "given": "Zhijian"},
    {"family": "Tang", "given": "Haotian"},
    {"family": "Han", "given": "Song"},
]
CR = {
    "role": "venue",
    "DOI": "10.1109/cvpr.2023.1",
    "year": 2023,
    "author": FULL,
    "page": "2061-2070",
    "publisher": "IEEE",
    "container-title": "2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
}
AX = {"author": FULL, "year": 2023, "arxiv_class": "cs.CV"}

# (item, found, expected field values, expected changed fields, conflict substrings, published)
ROWS = [
    pytest.param(
        conf(),
        {"crossref": CR},
        {"DOI": "10.1109/cvpr.2023.1", "page": "2061-2070", "publisher": "IEEE", "author": FULL},
        {"DOI", "page", "publisher", "author"},
        [],
        "",
        id="venue-match-fills-doi-pages-publisher-and-authors",
    ),
    pytest.param(
        conf(),
        {"crossref": {**CR, "year": 2022}},
        {"issued": {"date-parts": [[2023]]}},
        {"DOI", "page", "publisher", "author"},
        ["year: record 2023, crossref 2022"],
        "",
        id="remote-year-reported-not-applied",
    ),
    pytest.param(
        conf(),
        {"crossref": {**CR, "container-title": "Journal of Plant Ecology"}},
        {"container-title": conf()["container-title"]},
        {"DOI", "page", "publisher", "author"},
        ["venue: record"],
        "",
        id="remote-venue-reported-not-applied",
    ),
    pytest.param(
        conf(page="1-2"),
        {"crossref": CR},
        {"page": "1-2"},
        {"DOI", "publisher", "author"},
        [],
        "",
        id="existing-page-kept",
    ),
    pytest.param(
        conf(),
        {"crossref": {**CR, "author": list(reversed(FULL))}},
        {"author": conf()["author"]},
        {"DOI", "page", "publisher"},
        ["author: record lists Chen, Han"],
        "",
        id="authors-in-another-order-not-applied",
    ),
    pytest.param(
        conf(),
        {"crossref": {**CR, "author": []}, "arxiv": AX},
        {"author": FULL},
        {"DOI", "page", "publisher", "author", "custom.arxiv_class"},
        [],
        "",
        id="arxiv-authors-when-crossref-has-none",
    ),
    pytest.param(
        conf(),
        {"crossref": {**CR, "author": FULL[:1] + FULL[3:]}, "arxiv": AX},
        {"author": FULL[:1] + FULL[3:]},
        {"DOI", "page", "publisher", "custom.arxiv_class"},
        [],
        "",
        id="crossref-wins-over-arxiv-when-both-agree",
    ),
    pytest.param(
        conf(author=[]),
        {"arxiv": AX},
        {"author": FULL},
        {"author", "custom.arxiv_class"},
        [],
        "",
        id="no-record-authors-take-the-source-list",
    ),
    pytest.param(
        conf(author=[{"literal": "NVIDIA"}]),
        {"arxiv": AX},
        {"author": [{"literal": "NVIDIA"}]},
        {"custom.arxiv_class"},
        [],
        "",
        id="organisation-author-never-replaced",
    ),
    pytest.param(
        conf(),
        {"arxiv": {**AX, "doi": "10.1109/tpami.2024.9"}},
        {"DOI": None},
        {"author", "custom.arxiv_class"},
        ["arXiv lists a published version doi:10.1109/tpami.2024.9"],
        "",
        id="arxiv-doi-on-a-venue-record-is-reported-only",
    ),
    pytest.param(
        preprint(),
        {"crossref": {**CR, "role": "published"}, "arxiv": AX},
        {"DOI": "10.48550/arXiv.2303.1", "author": FULL, "publisher": "arXiv"},
        {"author", "custom.arxiv_class"},
        [],
        "doi:10.1109/cvpr.2023.1",
        id="preprint-published-version-flagged-not-merged",
    ),
    pytest.param(
        preprint(),
        {"arxiv": {**AX, "journal_ref": "Nature 600 (2024) 1-5"}},
        {"author": FULL},
        {"author", "custom.arxiv_class"},
        [],
        "Nature 600 (2024) 1-5",
        id="preprint-journal-ref-flagged",
    ),
    pytest.param(
        preprint(),
        {"arxiv": {**AX, "year": 2022}},
        {"issued": {"date-parts": [[2023]]}},
        {"author", "custom.arxiv_class"},
        ["year: record 2023, arxiv 2022"],
        "",
        id="preprint-first-version-year-reported",
    ),
    pytest.param(
        conf(),
        {},
        {"author": conf()["author"], "DOI": None},
        set(),
        [],
        "",
        id="nothing-found-nothing-changed",
    ),
]


@pytest.mark.parametrize(("item", "found", "fields", "changed", "conflicts", "published"), ROWS)
def test_merge(item, found, fields, changed, conflicts, published) -> None:
    before = repr(item)
    out = merge(item, found, ORDER)
    assert repr(item) == before, "merge must not change its input"
    for name, value in fields.items():
        assert out.item.get(name) == value, name
    assert set(out.changed) == changed
    for want in conflicts:
        assert any(want in c for c in out.conflicts), out.conflicts
    if not conflicts:
        assert out.conflicts == []
    assert out.published == published
    prov = out.item["custom"].get("provenance", {})
    assert prov == {k.removeprefix("custom."): v for k, v in out.changed.items()}


@pytest.mark.parametrize(
    ("record", "remote", "ok"),
    [
        pytest.param(["Chen", "Han"], ["Chen", "Liu", "Han"], True, id="subsequence"),
        pytest.param(["Chen", "Liu"], ["Chen", "Liu", "Han"], True, id="prefix"),
        pytest.param(["Han", "Chen"], ["Chen", "Liu", "Han"], False, id="other-order"),
        pytest.param(["Liu"], ["Chen", "Liu"], False, id="not-first"),
        pytest.param(["Müller"], ["Muller", "X"], True, id="accents"),
        pytest.param(["Chen", "Zhu"], ["Chen", "Liu"], False, id="missing"),
    ],
)
def test_agrees(record: list[str], remote: list[str], ok: bool) -> None:
    assert agrees([{"family": f} for f in record], [{"family": f} for f in remote]) is ok
