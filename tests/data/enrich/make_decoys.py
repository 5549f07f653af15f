"""Synthetic Crossref decoys: pseudo-DOIs, repository copies, errata, preprints, same titles."""

from __future__ import annotations

import random
from typing import Any

from make_works import EXTRA_NAMES, Work, base_work, date

Record = dict[str, Any]


def _n(seed: str, digits: int) -> int:
    return random.Random(seed).randint(10 ** (digits - 1), 10**digits - 1)


def other_names(rec: Record, count: int, keep: list[str] = ()) -> list[str]:
    """`count` author names not in the record (after the `keep` names)."""
    rng = random.Random("others:" + rec["id"] + str(count))
    families = {a.split()[-1] for a in rec["authors"]}
    pool = [n for n in EXTRA_NAMES if n.split()[-1] not in families and n not in keep]
    return list(keep) + rng.sample(pool, count)


def decoy(doi: str, title: str, names: list[str], rec: Record, kind: str, year: int) -> Work:
    work = base_work(doi, title, names, {**rec, "year": year, "institutions": []}, kind)
    work.update({"published": date([year]), "issued": date([year])})
    return work


def pseudo_5555(rec: Record, names: list[str]) -> Work:
    """An ACM DL `10.5555` pseudo-DOI for a NeurIPS/ICML paper (does not resolve)."""
    n = _n("5555:" + rec["id"], 6)
    neurips = rec.get("where") == "NeurIPS"
    w = decoy(
        f"10.5555/3{n}.3{n + 17}", rec["title"], names, rec, "proceedings-article", rec["year"]
    )
    nth = rec["year"] - 1986 if neurips else rec["year"] - 1983
    conf = "Neural Information Processing Systems" if neurips else "Machine Learning"
    w.update(
        {
            "publisher": "Curran Associates Inc.",
            "container-title": [f"Proceedings of the {nth}th International Conference on {conf}"],
            "publisher-location": "Red Hook, NY, USA",
            "page": f"{_n('p' + rec['id'], 3)}-{_n('p' + rec['id'], 3) + 12}",
        }
    )
    return w


def ssrn(rec: Record, names: list[str]) -> Work:
    n = _n("ssrn:" + rec["id"], 7)
    w = decoy(f"10.2139/ssrn.{n}", rec["title"], names, rec, "journal-article", rec["year"])
    w.update(
        {
            "publisher": "Elsevier BV",
            "member": "78",
            "container-title": ["SSRN Electronic Journal"],
            "ISSN": ["1556-5068"],
            "issn-type": [{"value": "1556-5068", "type": "electronic"}],
        }
    )
    return w


def zenodo(rec: Record, names: list[str]) -> Work:
    n = _n("zenodo:" + rec["id"], 8)
    w = decoy(f"10.5281/zenodo.{n}", rec["title"], names, rec, "other", rec["year"])
    w.update({"publisher": "Zenodo"})
    return w


def figshare(rec: Record, names: list[str], kind: str = "dataset") -> Work:
    n = _n("figshare:" + rec["id"], 8)
    w = decoy(f"10.6084/m9.figshare.{n}", rec["title"], names, rec, kind, rec["year"])
    w.update({"publisher": "figshare"})
    return w


def erratum(rec: Record, names: list[str], of: Work | None, style: str) -> Work:
    """ "Correction to: <title>" / "Erratum: <title>" with `update-to` the corrected work."""
    title = f"{style} {rec['title']}"
    year = rec["year"] + 1
    n = _n("err:" + rec["id"], 5)
    target = of["DOI"] if of else f"10.1007/s10994-0{rec['year'] % 100:02d}-0{n % 1000:03d}-x"
    if of is None:
        doi = f"10.1007/s10994-0{year % 100:02d}-0{n % 1000 + 1:03d}-y"
    elif target.startswith("10.1162/"):
        doi = f"10.1162/tacl_x_00{n % 1000:03d}"
    else:
        doi = target.rsplit(".", 1)[0] + f".{n + 20000}"
    w = decoy(doi, title, names, rec, "journal-article" if not of else of["type"], year)
    w.update(
        {
            "publisher": of["publisher"] if of else "Springer Science and Business Media LLC",
            "container-title": of["container-title"] if of else ["Machine Learning"],
            "page": "1",
            "update-to": [
                {
                    "updated": date([year, 3, 1]),
                    "DOI": target,
                    "type": "correction",
                    "label": "Correction",
                }
            ],
        }
    )
    return w


def preprint(rec: Record, names: list[str], vor: Work) -> Work:
    """A posted-content preprint (Research Square / TechRxiv) of an existing version of record."""
    ieee = vor["DOI"].startswith("10.1109/")
    n = _n("pre:" + rec["id"], 7)
    doi = f"10.36227/techrxiv.{n}" if ieee else f"10.21203/rs.3.rs-{n}/v1"
    w = decoy(doi, rec["title"], names, rec, "posted-content", rec["year"] - (0 if ieee else 1))
    w.update(
        {
            "subtype": "preprint",
            "publisher": "Institute of Electrical and Electronics Engineers (IEEE)"
            if ieee
            else "Research Square Platform LLC",
            "institution": [{"name": "TechRxiv" if ieee else "Research Square"}],
            "group-title": "Computing and Processing" if ieee else "In Review",
            "posted": date([rec["year"] - (0 if ieee else 1), 2, 14]),
            "relation": {
                "is-preprint-of": [{"id-type": "doi", "id": vor["DOI"], "asserted-by": "subject"}]
            },
        }
    )
    link = {"id-type": "doi", "id": doi, "asserted-by": "object"}
    vor.setdefault("relation", {}).setdefault("has-preprint", []).append(link)
    return w


def same_title(rec: Record, names: list[str], year: int, kind: str = "journal-article") -> Work:
    """A different work with the same title (another publisher, other or extended authors)."""
    n = _n("same:" + rec["id"] + kind, 6)
    prefixes = {
        "journal-article": ("10.1016/j.neucom.{y}.1{n}", "Neurocomputing", "Elsevier BV"),
        "book-chapter": ("10.1201/97810034{n}-{k}", "Efficient Deep Learning Systems", "CRC Press"),
        "journal-issue": ("10.1145/3{n}", "ACM SIGARCH Computer Architecture News", "ACM"),
        "peer-review": ("10.5194/ml-{y}-{n}-rc1", "", "Copernicus GmbH"),
        "proceedings-article": (
            "10.1088/1742-6596/{v}/1/0120{k}",
            "Journal of Physics: Conference Series",
            "IOP Publishing",
        ),
    }
    pattern, cont, publisher = prefixes[kind]
    doi = pattern.format(y=year, n=n, k=n % 90 + 10, v=2000 + n % 800)
    w = decoy(doi, rec["title"], names, rec, kind, year)
    w.update({"publisher": publisher, "container-title": [cont] if cont else []})
    return w


def titled(rec: Record, title: str, names: list[str], year: int, doi: str, cont: str) -> Work:
    """A different work with a similar title (near-duplicates, topical neighbours)."""
    w = decoy(
        doi,
        title,
        names,
        rec,
        "journal-article" if "10.1016" in doi else "proceedings-article",
        year,
    )
    w.update(
        {"publisher": "Elsevier BV" if "10.1016" in doi else "IEEE", "container-title": [cont]}
    )
    return w
