"""Generate the Semantic Scholar + DBLP scenario for published versions (tests only).

Run from the repository root: `python tests/data/scholar/make_scholar.py`. Deterministic (every
random choice is seeded by the record id). Writes `scenario.json` here; see README.md.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "tests" / "data" / "enrich"))

from make_data import read_record  # noqa: E402

Rec = dict[str, Any]
ENTRIES = {
    e["id"]: e for e in json.loads((ROOT / "tests/data/enrich/arxiv_entries.json").read_text())
}
WORKS = json.loads((ROOT / "tests/data/enrich/crossref_works.json").read_text())
ML = {"ICLR", "ICLR oral", "ICML", "NeurIPS", "MLSys", "UAI", "TMLR", "JMLR"}
S2_VENUE = {
    "ICLR": "International Conference on Learning Representations",
    "ICML": "International Conference on Machine Learning",
    "NeurIPS": "Neural Information Processing Systems",
    "MLSys": "Conference on Machine Learning and Systems",
    "UAI": "Conference on Uncertainty in Artificial Intelligence",
    "TMLR": "Trans. Mach. Learn. Res.",
    "JMLR": "Journal of machine learning research",
    "ACL": "Annual Meeting of the Association for Computational Linguistics",
    "EMNLP": "Conference on Empirical Methods in Natural Language Processing",
}
ORD = {2016: "Fourth", 2017: "Fifth", 2018: "Sixth", 2019: "Seventh", 2020: "Eighth", 2021: "Ninth",
       2022: "Tenth", 2023: "Eleventh", 2024: "Twelfth", 2025: "Thirteenth"}  # fmt: skip
ICML_VOLUME = {
    2017: "70",
    2018: "80",
    2019: "97",
    2020: "119",
    2021: "139",
    2022: "162",
    2023: "202",
}
PREFIX = {"ICLR": "conf/iclr", "ICML": "conf/icml", "NeurIPS": "conf/nips", "MLSys": "conf/mlsys",
          "UAI": "conf/uai", "TMLR": "journals/tmlr", "JMLR": "journals/jmlr", "ACL": "conf/acl",
          "EMNLP": "conf/emnlp"}  # fmt: skip


def rng(*parts: str) -> random.Random:
    return random.Random(":".join(parts))


def family(name: str) -> str:
    return name.split()[-1]


def dblp_key(venue: str, authors: list[str], year: int, salt: str = "") -> str:
    venue = venue.replace(" oral", "")
    letters = "".join(family(a)[0].upper() for a in authors[1:5])
    base = re.sub(r"[^A-Za-z]", "", family(authors[0]))
    return f"{PREFIX[venue]}/{base}{letters}{salt}{year % 100:02d}"


# venue-years with a real DBLP sample: the same proceedings data as the sample
REAL = {
    ("ICLR", 2023): {"booktitle": "The Eleventh International Conference on Learning Representations, {ICLR} 2023, Kigali, Rwanda, May 1-5, 2023", "publisher": "OpenReview.net"},
    ("ICLR", 2024): {"booktitle": "The Twelfth International Conference on Learning Representations, {ICLR} 2024, Vienna, Austria, May 7-11, 2024", "publisher": "OpenReview.net"},
    ("ICML", 2023): {"booktitle": "International Conference on Machine Learning, {ICML} 2023, 23-29 July 2023, Honolulu, Hawaii, {USA}",
                     "series": "Proceedings of Machine Learning Research", "volume": "202", "publisher": "{PMLR}"},
    ("ICML", 2024): {"booktitle": "Forty-first International Conference on Machine Learning, {ICML} 2024, Vienna, Austria, July 21-27, 2024", "publisher": "OpenReview.net"},
    ("NeurIPS", 2022): {"booktitle": "Advances in Neural Information Processing Systems 35: Annual Conference on Neural Information Processing Systems 2022, NeurIPS 2022, New Orleans, LA, USA, November 28 - December 9, 2022"},
}  # fmt: skip


def proceedings(venue: str, year: int) -> dict[str, str]:
    """Booktitle/journal, series, volume, publisher of a venue-year, in DBLP's style."""
    real = REAL.get((venue.replace(" oral", ""), year))
    if real:
        return dict(real)
    venue = venue.replace(" oral", "")
    if venue == "ICLR":
        return {"booktitle": f"The {ORD[year]} International Conference on Learning Representations, {{ICLR}} {year}, Virtual Event",
                "publisher": "OpenReview.net"}  # fmt: skip
    if venue == "ICML":
        out = {
            "booktitle": f"International Conference on Machine Learning, {{ICML}} {year}, Virtual Event"
        }
        if year in ICML_VOLUME:
            out.update(
                series="Proceedings of Machine Learning Research",
                volume=ICML_VOLUME[year],
                publisher="{PMLR}",
            )
        else:
            out["publisher"] = "OpenReview.net"
        return out
    if venue == "NeurIPS":
        return {"booktitle": f"Advances in Neural Information Processing Systems {year - 1987}: Annual Conference "
                f"on Neural Information Processing Systems {year}, NeurIPS {year}, Virtual"}  # fmt: skip
    if venue == "MLSys":
        return {
            "booktitle": f"Proceedings of the Sixth Conference on Machine Learning and Systems, MLSys {year}",
            "publisher": "mlsys.org",
        }
    if venue == "UAI":
        return {"booktitle": f"Uncertainty in Artificial Intelligence, {{UAI}} {year}", "series": "Proceedings of Machine Learning Research",
                "volume": "216", "publisher": "{PMLR}"}  # fmt: skip
    if venue == "TMLR":
        return {"journal": "Trans. Mach. Learn. Res.", "volume": str(year)}
    if venue == "JMLR":
        return {"journal": "J. Mach. Learn. Res.", "volume": str(year - 1999)}
    if venue in ("ACL", "EMNLP"):
        return {
            "booktitle": f"Proceedings of the {venue} {year}",
            "publisher": "Association for Computational Linguistics",
        }
    raise KeyError(venue)


def pages(venue: str, year: int, rid: str) -> str:
    r = rng("pages", rid)
    start = r.randint(100, 40000)
    if (
        venue == "ICML"
        and year in ICML_VOLUME
        or venue == "NeurIPS"
        and year <= 2021
        or venue in ("UAI", "ACL", "EMNLP")
    ):
        return f"{start}-{start + r.randint(8, 20)}"
    if venue == "JMLR":
        n = r.randint(1, 300)
        return f"{n}:1-{n}:{r.randint(20, 50)}"
    return ""


def dblp_record(
    label: str, year: int, title: str, authors: list[str], rid: str, salt: str = "", **extra: Any
) -> Rec:
    venue = label
    key = dblp_key(venue, authors, year, salt)
    proc = proceedings(venue, year)
    rec: Rec = {
        "key": key,
        "type": "Journal Articles"
        if key.startswith("journals/")
        else "Conference and Workshop Papers",
        "title": title.rstrip(".") + ".",
        "authors": authors,
        "venue": {
            "ICLR oral": "ICLR",
            "TMLR": "Trans. Mach. Learn. Res.",
            "JMLR": "J. Mach. Learn. Res.",
        }.get(venue, venue),
        "year": str(year),
        "ee": f"https://openreview.net/forum?id={hashlib.sha1(key.encode()).hexdigest()[:10]}",
        **proc,
    }
    p = pages(venue, year, rid)
    if p:
        rec["pages"] = p
    rec.update(extra)
    return rec


def corr(aid: str, title: str, authors: list[str], year: int) -> Rec:
    return {
        "key": f"journals/corr/abs-{aid.replace('.', '-')}",
        "type": "Informal and Other Publications",
        "title": title.rstrip(".") + ".",
        "authors": authors,
        "venue": "CoRR",
        "volume": f"abs/{aid}",
        "year": str(year),
        "doi": f"10.48550/ARXIV.{aid}",
        "ee": f"https://doi.org/10.48550/arXiv.{aid}",
    }


def parse_bib(text: str) -> Rec:
    """The fields of one real DBLP BibTeX record (column-16 layout), braces kept."""
    key = re.search(r"\{DBLP:([^,]+),", text).group(1)  # type: ignore[union-attr]
    fields = dict(re.findall(r"^  (\w+)\s*= \{(.*?)\},?\n(?=  \w+\s*=|\})", text, re.S | re.M))
    fields = {k: " ".join(v.split()) for k, v in fields.items()}
    authors = [a.strip() for a in fields["author"].split(" and ")]
    return {"key": key, "fields": fields, "authors": authors}


def s2_paper(
    aid: str, title: str, authors: list[str], year: int, venue: str, dblp: str, **extra: Any
) -> Rec:
    """A merged S2 record: the venue named, but year, DOI and journal still the preprint's."""
    pid = hashlib.sha1(f"s2:{aid}".encode()).hexdigest()
    ext: Rec = {
        "ArXiv": aid,
        "DBLP": dblp,
        "DOI": f"10.48550/arXiv.{aid}",
        "CorpusId": int(pid[:7], 16),
    }
    ext.update(extra.pop("ext", {}))
    return {
        "paperId": pid,
        "externalIds": {k: v for k, v in ext.items() if v},
        "title": title,
        "venue": venue,
        "publicationVenue": None
        if venue in ("", "arXiv.org")
        else {
            "id": hashlib.sha1(venue.encode()).hexdigest()[:8],
            "name": venue,
            "type": "conference",
        },
        "year": year,
        "journal": {"name": "ArXiv", "volume": f"abs/{aid}"},
        "publicationTypes": ["JournalArticle", "Conference"]
        if venue not in ("", "arXiv.org")
        else ["JournalArticle"],
        "publicationDate": f"{year}-0{1 + int(aid[3]) % 9}-11",
        "authors": [
            {"authorId": str(int(hashlib.sha1(a.encode()).hexdigest()[:6], 16)), "name": a}
            for a in authors
        ],
        **extra,
    }


def main() -> None:
    files = sorted((ROOT / "meta").glob("*/*.prototxt"))
    records = {f"{p.parent.name}/{p.stem}": read_record(p) for p in files}
    samples = [parse_bib(p.read_text()) for p in sorted((HERE / "rec_bib").glob("*.bib"))]
    dblp: list[Rec] = []
    s2: list[Rec] = []
    labels: dict[str, Rec] = {}
    edits: dict[str, Rec] = {}
    unknown_to_s2: set[str] = set()

    def fold(t: str) -> str:
        return " ".join(re.sub(r"[^0-9a-z]+", " ", re.sub(r"[{}]", "", t).casefold()).split())

    by_title = {fold(s["fields"]["title"]): s for s in samples}
    by_title[fold("GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers")] = next(
        s for s in samples if s["key"] == "conf/iclr/FrantarAHA23")  # fmt: skip

    # the trap edits of the scenario's copy of meta/ (the maintainer's state before publication)
    edits["2023/gptq"] = {
        "where": "arXiv",
        "year": 2022,
        "authors": ["Dan Alistarh", "Elias Frantar"],  # another order
    }  # published title differs: OPTQ (via S2's DBLP key)
    edits[
        "2023/sparsegpt"
    ] = {}  # already arXiv 2023; published ICML 2023 (search, CoRR ranked first)
    edits["2022/flashattention"] = {
        "authors": ["Christopher", "Tri Dao"]
    }  # given name only, other order
    edits["2023/spqr"] = {"authors": ["T. Dettmers"]}  # initials
    for rid in ("2023/omniquant", "2024/QA-LoRA", "2024/DSnoT", "2024/OSSCAR"):
        unknown_to_s2.add(rid)

    # real author lists where the real DBLP sample names them (the arXiv entries are synthetic)
    arxiv_over: dict[str, Rec] = {}

    pub_of_id: dict[str, Rec] = {}  # arXiv id -> the publication of a venue-labelled record
    order = sorted(records.items(), key=lambda kv: (kv[1].get("where") == "arXiv", kv[0]))
    for rid, rec in order:
        aid = rec["arxiv_id"]
        where = edits.get(rid, {}).get("where", rec.get("where", ""))
        year = edits.get(rid, {}).get("year", rec["year"])
        entry = ENTRIES.get(aid)
        sample = by_title.get(fold(rec["title"]))
        authors = sample["authors"] if sample else (entry["authors"] if entry else rec["authors"])
        if sample and entry:
            arxiv_over[aid] = {
                **entry,
                "authors": [re.sub(r"\{\\'\{e\}\}", "é", a) for a in authors],
            }
            authors = arxiv_over[aid]["authors"]
        ayear = int(entry["versions"][0][:4]) if entry else year
        r = rng("fate", rid)
        if aid and not any(d["key"].endswith(aid.replace(".", "-")) for d in dblp):
            dblp.append(corr(aid, entry["title"] if entry else rec["title"], authors, ayear))
        pub: Rec | None = None
        if sample:
            f = sample["fields"]
            venue = {
                "iclr": "ICLR",
                "icml": "ICML",
                "nips": "NeurIPS",
                "mlsys": "MLSys",
                "cvpr": "CVPR",
            }[sample["key"].split("/")[1]]
            bib = (HERE / "rec_bib" / (sample["key"].replace("/", "_") + ".bib")).read_text()
            pub = {
                "key": sample["key"], "type": "Conference and Workshop Papers",
                "title": re.sub(r"[{}]", "", f["title"]) + ".", "authors": sample["authors"], "venue": venue.replace("NeurIPS", "NeurIPS"),
                "year": f["year"], "ee": f["url"].replace("\\_", "_"), "bib": bib,
            }  # fmt: skip
            for name in ("volume", "pages", "doi"):
                if f.get(name):
                    pub[name] = f[name].replace("--", "-")
            pub["authors"] = [re.sub(r"\{\\'\{e\}\}", "é", a) for a in pub["authors"]]
        elif where in ML:
            pub = dblp_record(where, year, rec["title"], authors, rid)
        elif where == "arXiv" and aid and r.random() < 0.4:
            venue = r.choice(["ICML", "NeurIPS", "ICLR", "EMNLP", "ACL"])
            venue = "ICML" if venue == "ICML" and ayear + 1 > 2023 else venue
            pub = dblp_record(
                venue, min(ayear + r.choice([0, 1, 1]), 2024), rec["title"], authors, rid
            )
        work = next(
            (
                w
                for w in WORKS
                if any(
                    x["id"] == f"10.48550/arxiv.{aid}"
                    for x in w.get("relation", {}).get("has-preprint", [])
                )
            ),
            None,
        )
        if work is not None and aid and where == "arXiv":
            venue = {"10.1162": "TACL", "10.18653": "ACL", "10.1145": "ACM", "10.1137": "SIAM"}[
                work["prefix"]
            ]
            jkey = {
                "TACL": "journals/tacl",
                "ACL": "conf/acl",
                "ACM": "journals/tist" if "Trans" in work["container-title"][0] else "conf/sosp",
                "SIAM": "journals/simods",
            }[venue]
            wyear = work["issued"]["date-parts"][0][0]
            pub = {
                "key": f"{jkey}/{re.sub(r'[^A-Za-z]', '', family(authors[0]))}{wyear % 100}",
                "type": "Journal Articles" if jkey.startswith("journals/") else "Conference and Workshop Papers",
                "title": re.sub(r"<[^>]+>", "", work["title"][0]).replace("&#8208;", "-") + ".", "authors": authors,
                "venue": {"journals/tacl": "Trans. Assoc. Comput. Linguistics", "conf/acl": "ACL", "journals/tist": "ACM Trans. Intell. Syst. Technol.",
                          "conf/sosp": "SOSP", "journals/simods": "SIAM J. Math. Data Sci."}[jkey],
                "year": str(wyear), "doi": work["DOI"].upper(), "ee": f"https://doi.org/{work['DOI']}",
                "pages": work.get("page", ""), "volume": work.get("volume", ""),
                ("journal" if jkey.startswith("journals/") else "booktitle"): work["container-title"][-1],
            }  # fmt: skip
        shared = (
            where == "arXiv" and bool(aid) and aid in pub_of_id
        )  # the same paper as a venue record
        if shared:
            pub = pub_of_id[aid]
        if pub is not None and not shared:
            dblp.append({k: v for k, v in pub.items() if v != ""})
            if aid:
                pub_of_id.setdefault(aid, pub)
        linked = (
            pub is not None
            and (r.random() < 0.5 or rid == "2023/gptq")
            and rid not in ("2023/sparsegpt", "2023/flashattention2")
        )
        if (
            aid
            and rid not in unknown_to_s2
            and not any(x["externalIds"].get("ArXiv") == aid for x in s2)
        ):
            s2_venue = S2_VENUE.get(where.replace(" oral", ""), "") if where != "arXiv" else ""
            if pub is not None and not s2_venue:
                s2_venue = S2_VENUE.get(pub["venue"], pub["venue"])
            s2.append(s2_paper(aid, entry["title"] if entry else rec["title"], authors, ayear, s2_venue or "arXiv.org",
                               pub["key"] if linked and pub else f"journals/corr/abs-{aid.replace('.', '-')}"))  # fmt: skip
        label: Rec = {"where": where, "year": year}
        if pub is not None:
            label.update(
                dblp=pub["key"],
                venue_year=int(pub["year"]),
                volume=pub.get("volume", ""),
                pages=pub.get("pages", ""),
            )
            label["doi"] = pub.get("doi", "").lower()
        labels[rid] = label

    # --- traps on top ----------------------------------------------------------------------
    def s2_of(rid: str) -> Rec:
        return next(p for p in s2 if p["externalIds"].get("ArXiv") == records[rid]["arxiv_id"])

    def add_trap(rid: str, why: str, *recs: Rec, expect: str | None = "keep") -> None:
        dblp.extend(recs)
        labels[rid]["trap"] = why
        if expect != "keep":
            for k in ("dblp", "venue_year", "volume", "pages", "doi"):
                labels[rid].pop(k, None)
            if expect:
                labels[rid]["dblp"] = expect

    never = [
        rid
        for rid, lab in sorted(labels.items())
        if lab["where"] == "arXiv" and "dblp" not in lab and records[rid]["arxiv_id"]
    ]
    published = [
        rid
        for rid, lab in sorted(labels.items())
        if lab["where"] == "arXiv"
        and "dblp" in lab
        and rid not in edits
        and records[rid]["arxiv_id"]
    ]
    # same title, other authors, another year (never-published records)
    for rid in never[:3]:
        rec = records[rid]
        other = ["Maria Gonzalez", "Kenji Watanabe", "Ines Moreau"]
        add_trap(
            rid,
            "same title by other authors three years later (unknown to S2: DBLP is searched)",
            dblp_record("NeurIPS", rec["year"] + 3, rec["title"], other, rid, salt="X"),
        )
        s2.remove(s2_of(rid))
    # S2 names a conference venue but nothing was published (S2 wrong): DBLP has only CoRR
    for rid in never[3:5]:
        for p in s2:
            if p["externalIds"].get("ArXiv") == records[rid]["arxiv_id"]:
                p["venue"] = S2_VENUE["ICML"]
                p["publicationTypes"] = ["JournalArticle", "Conference"]
        labels[rid]["trap"] = "S2 names ICML, DBLP knows only the CoRR copy"
    # workshop paper only: not a publication
    rid = never[5]
    rec = records[rid]
    s2_of(rid)["venue"] = "ES-FoMo@ICML"
    add_trap(rid, "only a workshop paper exists", dblp_record("ICML", rec["year"], rec["title"], ENTRIES[rec["arxiv_id"]]["authors"], rid, salt="W",
             type="Conference and Workshop Papers", venue="ES-FoMo@ICML", booktitle=f"Workshop on Efficient Systems for Foundation Models, ES-FoMo@ICML {rec['year']}"))  # fmt: skip
    # workshop twin of a published paper: the main paper is the answer
    rid = published[0]
    rec = records[rid]
    add_trap(rid, "workshop twin a year earlier", dblp_record("NeurIPS", rec["year"], rec["title"], ENTRIES[rec["arxiv_id"]]["authors"], rid, salt="W",
             venue="ENLSP@NeurIPS", booktitle=f"Workshop on Efficient Natural Language and Speech Processing, ENLSP@NeurIPS {rec['year']}"))  # fmt: skip
    # a conference paper and its journal extension, both plausible: no answer
    rid = published[1]
    rec = records[rid]
    s2_of(rid)["externalIds"]["DBLP"] = f"journals/corr/abs-{rec['arxiv_id'].replace('.', '-')}"
    add_trap(rid, "conference paper and journal extension: ambiguous", dblp_record("JMLR", labels[rid]["venue_year"] + 1, rec["title"],
             ENTRIES[rec["arxiv_id"]]["authors"], rid, salt="J"), expect=None)  # fmt: skip
    # the published title differs and only a search could find it: unreachable, counted as a miss
    rid = published[2]
    for d in dblp:
        if d["key"] == labels[rid]["dblp"]:
            d["title"] = "Sparse Budgets Done Right: One Recipe for Every Layer."
    for p in s2:
        if p["externalIds"].get("ArXiv") == records[rid]["arxiv_id"]:
            p["externalIds"]["DBLP"] = (
                f"journals/corr/abs-{records[rid]['arxiv_id'].replace('.', '-')}"
            )
    labels[rid]["trap"] = "published under another title, no identifier link: unreachable (a miss)"
    # FlashAttention-2: a same-authors title without the digit must not be taken
    fa2 = records["2023/flashattention2"]
    add_trap("2023/flashattention2", "a title differing only in the digit (FlashAttention vs FlashAttention-2)",
             dblp_record("NeurIPS", 2024, fa2["title"].replace("FlashAttention-2", "FlashAttention"), ["Tri Dao"], "fa-decoy", salt="D"))  # fmt: skip
    # a venue-labelled NeurIPS record with a workshop twin the same year
    rid = next(
        r
        for r, lab in sorted(labels.items())
        if lab["where"] == "NeurIPS" and records[r]["arxiv_id"] and r not in edits
    )
    rec = records[rid]
    add_trap(rid, "venue-labelled NeurIPS record with a same-year workshop twin", dblp_record("NeurIPS", rec["year"], rec["title"], ENTRIES[rec["arxiv_id"]]["authors"],
             rid, salt="W", venue="WiML@NeurIPS", booktitle=f"Women in Machine Learning Workshop, WiML@NeurIPS {rec['year']}"))  # fmt: skip

    arxiv = [arxiv_over.get(e["id"], e) for e in ENTRIES.values()]
    out = {
        "edits": edits,
        "arxiv": sorted(arxiv, key=lambda e: e["id"]),
        "s2": s2,
        "dblp": sorted(dblp, key=lambda d: d["key"]),
        "labels": labels,
    }
    (HERE / "scenario.json").write_text(
        json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    pos = sum(1 for lab in labels.values() if lab["where"] == "arXiv" and "dblp" in lab)
    print(f"records {len(labels)}, arXiv-labelled published {pos}, s2 {len(s2)}, dblp {len(dblp)}, traps "
          f"{sum('trap' in lab for lab in labels.values())}")  # fmt: skip


if __name__ == "__main__":
    main()
