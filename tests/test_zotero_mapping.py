"""The CSL item -> Zotero mapping, checked against the real zotero-schema (v41)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refkit.normalize import load_items
from refkit.zotero import mapping as m

SCHEMA = json.loads((Path(__file__).parent / "data" / "zotero-schema.json").read_text())
TYPES = {t["itemType"]: t for t in SCHEMA["itemTypes"]}
ITEMS = load_items(Path(__file__).resolve().parents[1] / "meta")
# Properties every item may carry besides its type's fields (Zotero API JSON, not schema fields).
NON_FIELDS = {"itemType", "creators", "tags", "collections", "relations", "key", "version"}
ATTACHMENT_PROPS = {"linkMode", "parentItem", "contentType", "charset"}


def _violations(data: dict) -> list[str]:
    spec = TYPES[data["itemType"]]
    fields = {f["field"] for f in spec["fields"]}
    allowed = (
        fields | NON_FIELDS | (ATTACHMENT_PROPS if data["itemType"] == "attachment" else set())
    )
    bad = [f"field {k}" for k in data if k not in allowed]
    creator_types = {c["creatorType"] for c in spec["creatorTypes"]}
    bad += [f"creator {c['creatorType']}" for c in data.get("creators", [])
            if c["creatorType"] not in creator_types]  # fmt: skip
    return bad


def test_every_mapped_item_validates_against_the_schema() -> None:
    from refkit.zotero.plan import Remote, plan

    p = plan(ITEMS, Remote(), {}, library="groups/1", root="refkit")
    assert len([w for w in p.writes if not w.child]) == len(ITEMS) == 124
    problems = {w.record_id: _violations(w.data) for w in p.writes if _violations(w.data)}
    assert problems == {}


@pytest.mark.parametrize("csl_type", sorted(m.ITEM_TYPES))
def test_mapped_fields_exist_for_their_type(csl_type: str) -> None:
    itype = m.ITEM_TYPES[csl_type]
    assert itype in SCHEMA["csl"]["types"][csl_type]  # the schema's own CSL type map agrees
    fields = {f["field"] for f in TYPES[itype]["fields"]}
    assert set(m.FIELDS[itype]) <= fields
    assert "citationKey" in fields and "DOI" in fields  # v41: native, no Extra line needed
    primary = [c["creatorType"] for c in TYPES[itype]["creatorTypes"] if c.get("primary")]
    assert primary == [m.PRIMARY_CREATOR.get(itype, "author")]


def test_conference_paper_by_hand() -> None:
    gptq = next(i for i in ITEMS if i["title"].startswith("GPTQ:"))
    data = m.to_zotero(gptq)
    assert data["itemType"] == "conferencePaper"
    assert data["proceedingsTitle"] == "International Conference on Learning Representations"
    assert data["conferenceName"] == "ICLR 2023"
    assert data["date"] == "2023" and data["citationKey"] == "frantar2023gptq"
    assert data["url"] == "https://arxiv.org/abs/2210.17323"
    assert data["creators"][0] == {
        "creatorType": "author",
        "firstName": "Elias",
        "lastName": "Frantar",
    }
    assert data["tags"] == ["quantization"] and data["extra"] == "arXiv: 2210.17323"
    assert m.code_attachment(gptq)["url"] == "https://github.com/IST-DASLab/gptq"


def test_preprint_and_software() -> None:
    pre = next(i for i in ITEMS if i["type"] == "article" and i["custom"].get("arxiv_id"))
    data = m.to_zotero(pre)
    assert data["itemType"] == "preprint" and data["repository"] == "arXiv"
    assert data["archiveID"] == f"arXiv:{pre['custom']['arxiv_id']}"
    soft = next(i for i in ITEMS if i["type"] == "software")
    data = m.to_zotero(soft)
    assert (
        data["itemType"] == "computerProgram" and data["creators"][0]["creatorType"] == "programmer"
    )
    assert m.code_attachment(soft) is None or soft["custom"]["code_url"] != soft.get("URL")


def test_old_server_gets_extra_lines() -> None:
    gptq = next(i for i in ITEMS if i["title"].startswith("GPTQ:"))
    data = m.to_zotero(gptq, native=False)
    assert "citationKey" not in data
    assert "Citation Key: frantar2023gptq" in data["extra"].splitlines()


def test_names() -> None:
    assert m.creator({"family": "Maaten", "given": "Laurens", "non-dropping-particle": "van der"},
                     "author") == {"creatorType": "author", "firstName": "Laurens",
                                   "lastName": "van der Maaten"}  # fmt: skip
    assert m.creator({"literal": "NVIDIA"}, "programmer") == {
        "creatorType": "programmer",
        "name": "NVIDIA",
    }


def test_keys_are_valid_deterministic_and_distinct() -> None:
    keys = {m.item_key("groups/1", i["custom"]["record_id"]) for i in ITEMS}
    assert len(keys) == 124
    assert all(len(k) == 8 and set(k) <= set(m.KEY_ALPHABET) for k in keys)
    assert m.item_key("groups/1", "gptq") == m.item_key("groups/1", "gptq")
    assert m.item_key("groups/2", "gptq") != m.item_key("groups/1", "gptq")
    assert m.code_key("groups/1", "gptq") != m.item_key("groups/1", "gptq")


def test_extra_keeps_members_lines() -> None:
    extra = m.compose_extra(
        "arXiv: 1", "gptq", "abcd1234", "Read: yes\nrefkit-id: gptq 00000000\narXiv: 0"
    )
    assert extra.splitlines() == ["Read: yes", "refkit-id: gptq abcd1234", "arXiv: 1"]
    assert m.marker(extra) == ("gptq", "abcd1234")
    assert m.split_extra(extra)[1] == ["Read: yes"]


def test_unknown_keyword_names_become_tags(tmp_path: Path) -> None:
    """A keyword name newer than refkit's format is still the record's tag in Zotero."""
    from refkit.normalize import normalize
    from refkit.prototxt import read

    path = tmp_path / "meta/2025/x.prototxt"
    path.parent.mkdir(parents=True)
    path.write_text(
        'paper {\n  title: "Agents"\n}\npub {\n  year: 2025\n}\n'
        "keyword {\n  words: agents\n  words: quantization\n}\n",
        encoding="utf-8",
    )
    records, _ = read(tmp_path / "meta")
    items, _ = normalize(records, {})
    assert m.to_zotero(items[0])["tags"] == ["agents", "quantization"]
