"""The published-version rules one by one: DBLP parsing of the real samples, the checks, the
decision, S2 hints and batching, and the complete-author-list rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refkit.enrich import dblp, s2
from refkit.enrich.merge import covers, merge
from refkit.enrich.published import Wanted, check, decide
from refkit.model import Item, Name
from refkit.names import parse

SAMPLES = Path("tests/data/scholar/rec_bib")


def bib(key: str) -> dict:
    return dblp.read_bib((SAMPLES / (key.replace("/", "_") + ".bib")).read_text(encoding="utf-8"))


def test_real_dblp_records_are_read_with_their_proceedings_data() -> None:
    optq = bib("conf/iclr/FrantarAHA23")
    assert optq["title"] == "OPTQ: Accurate Quantization for Generative Pre-trained Transformers"
    assert optq["label"] == "ICLR" and optq["kind"] == "conference" and optq["year"] == 2023
    assert optq["container"] == (
        "The Eleventh International Conference on Learning Representations, ICLR 2023, "
        "Kigali, Rwanda, May 1-5, 2023"
    )
    sparse = bib("conf/icml/FrantarA23")
    assert (sparse["volume"], sparse["page"], sparse["publisher"]) == ("202", "10323-10337", "PMLR")
    assert sparse["series"] == "Proceedings of Machine Learning Research"
    fa = bib("conf/nips/DaoFERR22")
    assert fa["volume"] == "35" and "page" not in fa  # NeurIPS: the volume is in the booktitle
    assert fa["author"][-1] == "Christopher Ré"
    assert fa["url"].startswith("http://papers.nips.cc/paper_files/")
    homonyms = bib("conf/iclr/ShaoC0XZLZ00024")
    assert all(not a[-1].isdigit() for a in homonyms["author"])
    assert bib("conf/mlsys/0001JNGAKS020")["label"] == "MLSys"


def test_search_hits_corr_workshop_and_single_author_shapes() -> None:
    body = json.dumps(
        {"result": {"hits": {"@total": "2", "hit": [
            {"info": {"authors": {"author": {"@pid": "1/2", "text": "Tri Dao 0001"}},
                      "title": "FlashAttention&apos;s Twin.", "venue": "CoRR", "volume": "abs/2307.08691",
                      "year": "2023", "type": "Informal and Other Publications", "key": "journals/corr/abs-2307-08691",
                      "ee": ["https://doi.org/10.48550/arXiv.2307.08691", "https://arxiv.org/abs/2307.08691"]}},
            {"info": {"authors": {"author": [{"text": "A B"}, {"text": "C D"}]}, "title": "T.",
                      "venue": "ES-FoMo@ICML", "year": "2023", "type": "Conference and Workshop Papers",
                      "key": "conf/icml/BD23"}},
        ]}}}
    )  # fmt: skip
    corr, workshop = dblp.read_search(body)
    assert corr["kind"] == "corr" and corr["author"] == ["Tri Dao"]
    assert corr["title"] == "FlashAttention's Twin" and corr["url"].startswith("https://doi.org/")
    assert workshop["kind"] == "workshop" and workshop["label"] == "ICML"
    assert dblp.read_search('{"result": {"hits": {"@total": "0"}}}') == []


def pub(**kw: object) -> dict:
    base = {"key": "conf/iclr/X23", "label": "ICLR", "kind": "conference", "year": 2023,
            "title": "FlashAttention-2: Faster Attention with Better Parallelism",
            "author": ["Tri Dao", "Another Person"]}  # fmt: skip
    return {**base, **kw}


PREPRINT = Wanted(
    "FlashAttention-2: Faster Attention with Better Parallelism", ("Tri Dao",), (2023, 2025), ""
)


@pytest.mark.parametrize(
    "change, linked, ok, reason",
    [
        ({}, False, True, "title 1.00"),
        ({"kind": "corr"}, False, False, "CoRR copy"),
        ({"kind": "workshop"}, False, False, "workshop paper"),
        (
            {"title": "FlashAttention: Faster Attention with Better Parallelism"},
            False,
            False,
            "digits differ",
        ),
        ({"title": "A Different Title Altogether"}, False, False, "title 0."),
        ({"title": "A Different Title Altogether"}, True, True, "linked by id"),
        ({"author": ["Maria Gonzalez", "Kenji Watanabe"]}, False, False, "first author absent"),
        ({"year": 2026}, False, False, "outside 2023..2025"),
        ({"year": 2022}, False, False, "outside"),
    ],
)
def test_check(change: dict, linked: bool, ok: bool, reason: str) -> None:
    passed, reasons = check(PREPRINT, pub(**change), linked)
    assert passed is ok and any(reason in r for r in reasons), reasons


def test_venue_record_takes_only_its_own_venue_and_several_passing_mean_no_answer() -> None:
    venue = Wanted(PREPRINT.title, ("Tri Dao",), (2022, 2024), "NeurIPS")
    assert not check(venue, pub(), False)[0]  # an ICLR paper is not the NeurIPS record's
    assert check(venue, pub(label="NeurIPS", key="conf/nips/X23"), False)[0]
    two = decide(
        PREPRINT,
        [pub(), pub(key="journals/jmlr/X24", kind="journal", label="JMLR", year=2024)],
        False,
    )
    assert two.pub is None and two.reason.startswith(
        "ambiguous: conf/iclr/X23 vs journals/jmlr/X24"
    )
    same = decide(PREPRINT, [pub(), pub()], False)
    assert same.pub is not None and same.reason == "validated"


def test_an_openreview_id_links_a_differently_titled_record() -> None:
    forum = Wanted("Old Title of the Paper", ("Tri Dao",), (2023, 2025), "ICLR", "abcXYZ12")
    other = pub(
        title="A Renamed Camera-Ready Title", url="https://openreview.net/forum?id=abcXYZ12"
    )
    assert decide(forum, [other], False).pub == other
    elsewhere = {**other, "url": "https://openreview.net/forum?id=zzz"}
    assert decide(forum, [elsewhere], False).pub is None


def test_a_same_titled_record_whose_editions_name_another_id_of_that_kind_is_another_paper() -> (
    None
):
    """Title, authors and year pass, but DBLP's electronic editions name another PMLR page than
    the record's URL: not the record's paper (precision first). Linked by S2, it still is."""
    page = Wanted(PREPRINT.title, ("Tri Dao",), (2022, 2024), "ICML", ident="pmlr:v202/dao23a")
    hit = pub(key="conf/icml/X23", label="ICML")
    assert decide(page, [hit], False).pub == hit  # no edition names a PMLR page: words decide
    mine = {**hit, "ee": ["https://proceedings.mlr.press/v202/dao23a.html"]}
    assert decide(page, [mine], False).pub == mine
    theirs = {**hit, "ee": ["https://proceedings.mlr.press/v202/smith23b.html"]}
    verdict = decide(page, [theirs], False)
    assert verdict.pub is None
    assert (
        "name pmlr:v202/smith23b, not the record's pmlr:v202/dao23a"
        in verdict.verdicts[0]["reasons"][0]
    )
    assert decide(page, [theirs], True).pub == theirs
    # a paper keeps the OpenReview forum of an earlier submission: another forum is no veto
    forum = Wanted(PREPRINT.title, ("Tri Dao",), (2022, 2024), "ICML", ident="openreview:abc")
    elsewhere = {**hit, "ee": ["https://openreview.net/forum?id=xyz"]}
    assert decide(forum, [elsewhere], False).pub == elsewhere


def test_s2_hints_never_trust_a_corr_key_or_the_arxiv_venue() -> None:
    mixed = {"paperId": "p", "venue": "Neural Information Processing Systems",
             "externalIds": {"DBLP": "journals/corr/VaswaniSPUJGKP17", "DOI": "10.48550/arXiv.1706.03762"}}  # fmt: skip
    h = s2.hints(mixed)
    assert h["published"] and "doi" not in h and s2.is_corr(h["dblp"])
    only = s2.hints({"paperId": "q", "venue": "arXiv.org", "externalIds": {"ArXiv": "1"}})
    assert not only["published"]
    assert len(s2.S2("u").batches([f"ARXIV:{i}" for i in range(1001)])) == 3  # ceil(1001/500)
    item = Item(title="t", URL="https://aclanthology.org/2023.acl-long.35.pdf", custom={})  # type: ignore[typeddict-item]
    assert s2.ident(item) == "ACL:2023.acl-long.35"


def names(*raw: str) -> list[Name]:
    return [parse(r) for r in raw]


@pytest.mark.parametrize(
    "record, ok",
    [
        (["Christopher", "Tri Dao"], True),  # a given name only, another order
        (["T. Dettmers", "Luke Zettlemoyer"], True),  # initials
        (["Christopher Re"], True),  # accents
        (["Dan Alistarh", "Elias Frantar"], False),  # a name the source lacks
        (["Tri Dao", "Tri Dao"], False),  # two record names cannot share one source name
        (["Chris"], False),  # a cut given name is not the given name
    ],
)
def test_covers(record: list[str], ok: bool) -> None:
    source = names("Tri Dao", "Tim Dettmers", "Luke Zettlemoyer", "Christopher Ré")
    assert covers(names(*record), source) is ok


def test_merge_completes_only_from_arxiv_and_reports_it() -> None:
    item = Item(title="t", type="paper-conference", author=names("Christopher", "Tri Dao"),
                issued={"date-parts": [[2022]]}, custom={"venue_key": "NeurIPS"})  # type: ignore[typeddict-item]  # fmt: skip
    full = [dict(n) for n in names("Tri Dao", "Daniel Y. Fu", "Christopher Ré")]
    done = merge(item, {"arxiv": {"author": full}}, ("crossref", "arxiv"))
    assert done.item["author"] == full and "completed" in done.completed
    kept = merge(item, {"crossref": {"role": "venue", "author": full}}, ("crossref", "arxiv"))
    assert (
        kept.item["author"] == item["author"] and kept.conflicts
    )  # a search match is not identity
