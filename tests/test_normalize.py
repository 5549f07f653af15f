"""normalize: names, venues, arXiv ids, keys (readable, unique, stable), the item contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit import keys, names, venues
from refkit.normalize import arxiv_id, load_items, normalize
from refkit.prototxt import Record

META = Path(__file__).resolve().parent.parent / "meta"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Elias Frantar", {"family": "Frantar", "given": "Elias"}, id="plain"),
        pytest.param("William J. Dally", {"family": "Dally", "given": "William J."}, id="initial"),
        pytest.param("Yann Le Cun", {"family": "Le Cun", "given": "Yann"}, id="capital-particle"),
        pytest.param("Christopher De Sa", {"family": "De Sa", "given": "Christopher"}, id="de-sa"),
        pytest.param(
            "Betty van Aken",
            {"family": "Aken", "given": "Betty", "non-dropping-particle": "van"},
            id="van",
        ),
        pytest.param(
            "Jan van der Berg",
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
            id="van-der",
        ),
        pytest.param(
            "Marcelo Gennari do Nascimento",
            {"family": "Nascimento", "given": "Marcelo Gennari", "non-dropping-particle": "do"},
            id="do",
        ),
        pytest.param(
            "Martin Luther King Jr.",
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
            id="suffix",
        ),
        pytest.param(
            "Martin Luther King, Jr.",
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
            id="comma-suffix",
        ),
        pytest.param(
            "Le Cun, Yann", {"family": "Le Cun", "given": "Yann"}, id="family-comma-given"
        ),
        pytest.param(
            "Vladimír  Boža ", {"family": "Boža", "given": "Vladimír"}, id="accents-spaces"
        ),
        pytest.param("Christopher", {"family": "Christopher"}, id="one-word"),
    ],
)
def test_names(raw: str, expected: dict) -> None:
    assert names.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "Chao Fang, Aojun Zhou, Zhongfeng Wang",
            ["Chao Fang", "Aojun Zhou", "Zhongfeng Wang"],
            id="list",
        ),
        pytest.param("Le Cun, Yann", ["Le Cun, Yann"], id="family-given"),
        pytest.param("Martin Luther King, Jr.", ["Martin Luther King, Jr."], id="suffix"),
        pytest.param("  ", [], id="blank"),
    ],
)
def test_author_lists_in_one_string(raw: str, expected: list[str]) -> None:
    assert names.split_authors(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://arxiv.org/abs/2210.17323", "2210.17323", id="abs"),
        pytest.param("https://arxiv.org/pdf/2210.17323.pdf", "2210.17323", id="pdf-suffix"),
        pytest.param("http://arxiv.org/abs/2303.11525v3", "2303.11525", id="version"),
        pytest.param("https://arxiv.org/pdf/2306.11695v2.pdf", "2306.11695", id="pdf-version"),
        pytest.param("https://arxiv.org/pdf/2306.11695v2", "2306.11695", id="pdf-no-suffix"),
        pytest.param("https://arxiv.org/abs/1510.00149/", "1510.00149", id="slash"),
        pytest.param("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", id="old-style"),
        pytest.param("https://export.arxiv.org/abs/0704.0001", "0704.0001", id="export-host"),
        pytest.param("https://openreview.net/forum?id=abc", "", id="not-arxiv"),
        pytest.param("https://github.com/arxiv.org/abs/1", "", id="lookalike"),
    ],
)
def test_arxiv_ids(url: str, expected: str) -> None:
    assert arxiv_id(url) == expected


def test_every_venue_label_in_the_list_is_in_the_table() -> None:
    labels = {it["custom"]["venue"] for it in load_items(META)}
    for label in labels:
        venue, _ = venues.lookup(label)
        assert venue is not None, label


@pytest.mark.parametrize(
    ("label", "key", "kind", "note"),
    [
        pytest.param("ICLR oral", "ICLR", "paper-conference", "oral", id="status-word"),
        pytest.param("neurips", "NeurIPS", "paper-conference", "", id="case"),
        pytest.param("ACL Findings", "ACL Findings", "paper-conference", "", id="findings"),
        pytest.param("TMLR", "TMLR", "article-journal", "", id="journal"),
        pytest.param("arXiv", "arXiv", "article", "", id="preprint"),
        pytest.param("", "", "article", "", id="empty"),
    ],
)
def test_venue_lookup(label: str, key: str, kind: str, note: str) -> None:
    venue, status = venues.lookup(label)
    assert venue is not None and (venue.key, venue.type, status) == (key, kind, note)


def rec(
    rid: str,
    title: str,
    authors: tuple[str, ...] = ("Elias Frantar",),
    year: int = 2023,
    where: str = "ICLR",
    **kw: object,
) -> Record:
    return Record(
        path=Path(f"meta/{rid}.prototxt"),
        rel=f"{rid}.prototxt",
        id=rid,
        title=title,
        authors=authors,
        year=year,
        where=where,
        **kw,
    )  # type: ignore[arg-type]


def test_item_contract_for_known_records() -> None:
    items = {it["custom"]["record_id"]: it for it in load_items(META)}
    gptq = items["2023/gptq"]
    assert gptq["id"] == gptq["citation-key"] == "frantar2023gptq"
    assert gptq["type"] == "paper-conference"
    assert gptq["container-title"] == "International Conference on Learning Representations"
    assert gptq["event-title"] == "ICLR 2023"
    assert gptq["URL"] == "https://arxiv.org/abs/2210.17323"
    assert gptq["custom"]["arxiv_id"] == "2210.17323" and "DOI" not in gptq
    findings = [it for it in items.values() if it["custom"]["venue"] == "ACL Findings"]
    assert findings and all(
        it["container-title"].endswith(f"ACL {it['issued']['date-parts'][0][0]}") for it in findings
    )
    oral = next(it for it in items.values() if it["custom"]["venue"] == "ICLR oral")
    assert oral["custom"]["venue_key"] == "ICLR" and oral["custom"]["venue_note"] == "oral"
    ft = items["2023/fastertransfomer"]
    assert ft["type"] == "software" and ft["author"] == [{"literal": "NVIDIA"}]
    obs = items["1993/obs"]
    assert obs["type"] == "article" and "author" not in obs and obs["id"] == "obs1993optimal"
    fang = next(it for it in items.values() if it["custom"]["venue"] == "VLSI")
    assert [a["family"] for a in fang["author"]] == ["Fang", "Zhou", "Wang"]
    for it in items.values():
        if it["custom"]["venue"] == "arXiv" and "arxiv_id" in it["custom"]:
            aid = it["custom"]["arxiv_id"]
            assert it["DOI"] == f"10.48550/arXiv.{aid}" and it["number"] == f"arXiv:{aid}"
        assert all(v != "" for k, v in it.items() if k != "custom"), it["id"]


def test_keys_are_readable_ascii_and_unique() -> None:
    items = load_items(META)
    ids = [it["id"] for it in items]
    assert len(set(ids)) == 124
    assert all(k.isascii() and k == k.lower() and k.isalnum() for k in ids)
    assert ids == sorted(ids)
    by_record = {it["custom"]["record_id"]: it["id"] for it in items}
    assert by_record["1989/obd"] == "lecun1989optimal"
    assert by_record["2023/gptq"] == "frantar2023gptq"
    assert (
        by_record["2022/2EQV34KV"] == "samar2022creating"
    )  # random-id record: key from its content


@pytest.mark.parametrize(
    ("author", "fallback", "title", "expected"),
    [
        pytest.param(
            {"family": "Boža", "given": "V"}, "", "Fast and Optimal", "boza2024fast", id="accent"
        ),
        pytest.param(
            {"family": "Aken", "non-dropping-particle": "van"},
            "",
            "The Art of It",
            "vanaken2024art",
            id="particle-stopword",
        ),
        pytest.param(None, "NVIDIA", "FasterTransformer", "nvidia2024fastertransformer", id="org"),
        pytest.param(None, "", "On the Q-Sparse Trick", "anon2024qsparse", id="nothing"),
        pytest.param({"literal": "Meta AI"}, "", "LLaMA: Open", "metaai2024llama", id="literal"),
    ],
)
def test_key_base(author: dict | None, fallback: str, title: str, expected: str) -> None:
    assert keys.base(author, fallback, 2024, title) == expected  # type: ignore[arg-type]


def test_collisions_get_suffixes_and_existing_keys_never_move() -> None:
    first = [rec("2023/b", "GPTQ: one"), rec("2023/c", "GPTQ: two")]
    items, lock = normalize(first, {})
    assert [it["id"] for it in items] == ["frantar2023gptq", "frantar2023gptqb"]
    # a new record that sorts first and collides: the pinned keys stay, the new one is suffixed
    second = [rec("2023/a", "GPTQ: zero"), *first]
    items2, lock2 = normalize(second, lock)
    got = {it["custom"]["record_id"]: it["id"] for it in items2}
    assert got == {
        "2023/b": "frantar2023gptq",
        "2023/c": "frantar2023gptqb",
        "2023/a": "frantar2023gptqc",
    }
    # removing a record frees nothing already assigned; editing another record's title moves nothing
    third = [rec("2023/a", "GPTQ: zero"), rec("2023/c", "Renamed entirely")]
    items3, _ = normalize(third, lock2)
    assert {it["custom"]["record_id"]: it["id"] for it in items3} == {
        "2023/a": "frantar2023gptqc",
        "2023/c": "frantar2023gptqb",
    }
    # without the lock the rule alone is deterministic
    assert [it["id"] for it in normalize(list(reversed(second)), {})[0]] == [
        it["id"] for it in normalize(second, {})[0]
    ]


def test_normalize_does_not_mutate_the_lock() -> None:
    lock = {"2023/b": {"key": "x2023y", "doi": "none"}, "gone/z": {"key": "zz"}}
    items, new = normalize([rec("2023/b", "GPTQ")], lock)
    assert items[0]["id"] == "x2023y"
    assert new == {"2023/b": {"key": "x2023y", "doi": "none"}}
    assert lock == {"2023/b": {"key": "x2023y", "doi": "none"}, "gone/z": {"key": "zz"}}


def test_a_venue_label_the_table_lacks_exports_as_a_conference_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    records = [rec("2025/a", "Alpha", where="SoCal NLP"), rec("2025/b", "Beta", where="socal nlp")]
    with caplog.at_level("WARNING", logger="refkit"):
        items, _ = normalize(records, {})
    assert [m for m in caplog.messages if "SoCal" in m] == [
        "venue 'SoCal NLP' is not in refkit's venue table, in 2 records (e.g. meta/2025/a.prototxt:1); "
        "exported as a conference of that name (add it to refkit/venues.py)"
    ]
    assert {it["type"] for it in items} == {"paper-conference"}
    assert items[0]["container-title"] == "SoCal NLP"
    assert items[0]["event-title"] == "SoCal NLP 2023"
