"""Paper identifiers in ids and URLs: one table of patterns, kept as data. Pure.

`parse(text)` reads one identifier a user types or a record's URL holds (`2210.17323v2`,
`arXiv:cs/0112017`, `doi.org/10...`, an OpenReview forum, an IEEE Xplore document, ...) and
returns what it names. Kinds, and the value each keeps:

    arxiv       versionless arXiv id            2210.17323, cs/0112017
    doi         DOI, lower case                 10.18653/v1/2023.acl-long.1
    acl         ACL Anthology id                2023.acl-long.1, P19-1001
    openreview  OpenReview note id              tcbBPnfwxS
    pmlr        PMLR volume/paper               v202/frantar23a
    neurips     NeurIPS proceedings hash        c8512d142a2d849725f31a9a7a361ab9 (or the old number)
    ieee        IEEE Xplore document number     298572
    cvf         CVF open-access paper file      Name_Title_CVPR_2023_paper
    mlsys       MLSys proceedings hash          4552cedd396a308320209f75f56a5ad5
    jmlr        JMLR volume/paper               v22/20-1233
    dblp        DBLP record key                 conf/iclr/FrantarAHA23

An id names one paper; a URL that names none (a project page, a repository) gives None. A DOI
anywhere in a URL's path (or a `doi=` parameter) names its paper, whatever the host.

`DERIVED` is the second table: the DOI an id implies (ACL Anthology's `10.18653/v1/<id>`,
arXiv's DataCite `10.48550/arXiv.<id>`), which a source must still confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

KINDS = (
    "arxiv", "doi", "acl", "openreview", "pmlr", "neurips", "ieee", "cvf", "mlsys", "jmlr", "dblp",
)  # fmt: skip

_NEW_ARXIV = r"(?:\d{4}\.\d{5}|(?:0[7-9]|1[0-4])\d{2}\.\d{4})"  # 5 digits from 1501 on
_OLD_ARXIV = r"[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7}"
ARXIV = rf"(?:{_NEW_ARXIV}|{_OLD_ARXIV})"
_V = r"(?:v\d+)?"
_DOI = r"10\.\d{4,9}/[^\s\"<>]+"
_DOI_IN_PATH = r"10\.\d{4,9}/[^\s\"<>?#]+"  # a DOI inside a URL ends at its query
_OTHER = r"(?!(?:github|gitlab|bitbucket)\.)[a-z0-9\-]+(?:\.[a-z0-9\-]+)+"  # not a code host
_DOI_PARAM = r"10\.\d{4,9}/[^\s\"<>?#&]+"  # ... and in a parameter, at the next one
_HOST = r"^(?:https?://)?(?:www\.)?"
_END = r"(?:[?#].*)?$"

# (kind, pattern): the first group is the value. Bare ids first, then URLs by host. Source of
# the URL shapes: each site's own paper pages (arXiv abs/pdf/html, doi.org, the ACM DL,
# Springer, Wiley, IEEE Xplore, ACL Anthology, CVF open access, OpenReview, PMLR, NeurIPS).
PATTERNS: tuple[tuple[str, str], ...] = (
    ("arxiv", rf"^(?:arxiv:\s*)?({ARXIV}){_V}$"),
    ("arxiv", rf"^(?:doi:\s*)?10\.48550/arxiv\.({ARXIV}){_V}$"),
    ("doi", rf"^(?:doi:\s*)?({_DOI})$"),
    (
        "arxiv",
        rf"{_HOST}(?:export\.)?arxiv\.org/(?:abs|pdf|html|format)/+({ARXIV}){_V}(?:\.pdf)?/?{_END}",
    ),
    ("arxiv", rf"{_HOST}doi\.org/10\.48550/arxiv\.({ARXIV}){_V}/?{_END}"),
    ("doi", rf"{_HOST}(?:dx\.)?doi\.org/({_DOI})"),
    ("doi", rf"{_HOST}dl\.acm\.org/doi/(?:abs/|full/|pdf/|epdf/|fullHtml/|book/)?({_DOI})"),
    ("doi", rf"{_HOST}link\.springer\.com/(?:content/pdf/|chapter/|article/|book/)?({_DOI})"),
    ("doi", rf"{_HOST}onlinelibrary\.wiley\.com/doi/(?:abs/|full/|pdf/|epdf/)?({_DOI})"),
    (
        "doi",
        rf"{_HOST}(?:journals\.)?(?:sagepub|tandfonline|science|pnas)\.(?:com|org)/doi/(?:abs/|full/|pdf/)?({_DOI})",
    ),
    ("doi", rf"{_HOST}ieeexplore\.ieee\.org/.*\bdoi=({_DOI})"),
    (
        "doi",
        rf"{_HOST}(?:bio|med)rxiv\.org/content/(10\.1101/(?:\d{{4}}\.\d\d\.\d\d\.)?\d+)(?:v\d+)?",
    ),
    ("ieee", rf"{_HOST}ieeexplore\.ieee\.org/(?:abstract/)?document/(\d+)/?{_END}"),
    (
        "ieee",
        rf"{_HOST}ieeexplore\.ieee\.org/(?:stamp/stamp|xpls/abs_all|xpls/icp|xpl/articleDetails)\.jsp\?(?:.*&)?arnumber=(\d+)",
    ),
    # IEEE's full-text links in Crossref records (`xplorestaging.ieee.org/ielx5/.../01203662.pdf?arnumber=1203662`)
    ("ieee", rf"{_HOST}[a-z.]*ieee\.org/\S*[?&]arnumber=(\d+)"),
    (
        "acl",
        rf"{_HOST}(?:aclanthology\.org|aclweb\.org/anthology)/(\d{{4}}\.[a-z0-9\-]+\.\d+|[A-Z]\d{{2}}-\d{{4}})(?:\.pdf)?/?{_END}",
    ),
    (
        "cvf",
        rf"{_HOST}openaccess\.thecvf\.com/content[/_][A-Za-z]+_?\d{{4}}\w*/(?:[\w\-]+/)?(?:html|papers)/(?:[\w\-]+/)?([\w\-]+_paper)\.(?:html|pdf){_END}",
    ),
    (
        "openreview",
        rf"{_HOST}openreview\.net/(?:forum|pdf|attachment)\?(?:.*&)?id=([A-Za-z0-9_\-]+)",
    ),
    (
        "pmlr",
        rf"{_HOST}proceedings\.mlr\.press/(v\d+)/([a-z0-9\-_]+?)(?:/[a-z0-9\-_]+)?(?:\.html|\.pdf)?/?{_END}",
    ),
    (
        "neurips",
        rf"{_HOST}(?:proceedings\.neurips\.cc|papers\.nips\.cc)/paper(?:_files/paper)?/\d{{4}}/(?:hash|file)/([0-9a-f]{{32}})-",
    ),
    (
        "neurips",
        rf"{_HOST}(?:proceedings\.neurips\.cc|papers\.nips\.cc)/paper/(\d+)-[a-z0-9\-]+(?:\.pdf)?/?{_END}",
    ),
    (
        "mlsys",
        rf"{_HOST}proceedings\.mlsys\.org/paper(?:_files/paper)?/\d{{4}}/(?:hash|file)/([0-9a-f]{{32}})-",
    ),
    (
        "jmlr",
        rf"{_HOST}(?:www\.)?jmlr\.(?:org|csail\.mit\.edu)/papers/v(?:olume)?(\d+)/([\w\-]+?)(?:/[\w\-.]+)?(?:\.html|\.pdf)?/?{_END}",
    ),
    (
        "dblp",
        rf"{_HOST}dblp\.(?:org|uni-trier\.de)/rec/(?:bibtex/)?((?:conf|journals|books|phd|series|reference)/[^/]+/[^./?#]+)",
    ),
    ("dblp", r"^((?:conf|journals)/[a-z0-9]+/[A-Za-z0-9\-_]+)$"),
    # last: a DOI anywhere in another host's path (iopscience, pubs.acs.org, journals.aps.org,
    # ...) or in a `doi=` parameter
    ("doi", rf"{_HOST}{_OTHER}/(?:[^?#\s]*/)?({_DOI_IN_PATH})"),
    ("doi", rf"{_HOST}{_OTHER}/[^?#\s]*\?(?:.*&)?doi=({_DOI_PARAM})"),
)

# kind -> the DOI an id of that kind implies (a source must confirm it; arXiv's is DataCite's)
DERIVED: dict[str, str] = {
    "acl": "10.18653/v1/{value}",
    "arxiv": "10.48550/arxiv.{value}",
}

_COMPILED = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in PATTERNS)


@dataclass(frozen=True)
class Ident:
    kind: str  # one of KINDS
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def parse(text: str) -> Ident | None:
    """What paper an id or URL names, or None (see the module docstring for the forms)."""
    text = text.strip()
    if "%2f" in text.lower():  # a DOI percent-encoded in a path
        text = unquote(text)
    for kind, pattern in _COMPILED:
        match = pattern.search(text)
        if match:
            return Ident(kind, _value(kind, match))
    return None


def _value(kind: str, match: re.Match[str]) -> str:
    if kind == "doi":
        return doi(match.group(1))
    if kind == "pmlr":
        return f"{match.group(1)}/{match.group(2)}"
    if kind == "jmlr":
        return f"v{match.group(1)}/{match.group(2)}"
    if kind in ("neurips", "mlsys"):
        return match.group(1).lower()
    if kind == "arxiv":
        value = match.group(1)
        if "/" not in value:
            return value
        archive, number = value.split("/")
        name, _, group = archive.partition(".")
        return f"{name.lower()}.{group.upper()}/{number}" if group else f"{name.lower()}/{number}"
    return match.group(1)


def derived_doi(ident: Ident | None) -> str:
    """The DOI an id implies (`DERIVED`), lower case, or "" when its kind implies none."""
    if ident is None:
        return ""
    if ident.kind == "doi":
        return ident.value
    template = DERIVED.get(ident.kind)
    return doi(template.format(value=ident.value)) if template else ""


def all_in(urls: list[str]) -> set[Ident]:
    """Every id the URLs name (a Crossref work's links, a DBLP record's electronic editions)."""
    return {i for i in map(parse, urls) if i is not None}


def doi(text: str) -> str:
    """A DOI as refkit compares it: percent-decoded, without trailing punctuation, lower case."""
    value = unquote(text.strip()).rstrip(".,;)/")
    for suffix in (".pdf", "/abstract", "/full", "/pdf"):
        value = value.removesuffix(suffix)
    return value.lower()


def arxiv(text: str) -> str:
    """The versionless arXiv id an id or URL names, or ""."""
    ident = parse(text)
    return ident.value if ident and ident.kind == "arxiv" else ""


def arxiv_year(arxiv_id: str) -> int:
    """The year an arXiv id was assigned (`2210.17323` -> 2022, `cs/0112017` -> 2001), or 0."""
    digits = arxiv_id.rsplit("/", 1)[-1]
    if not re.fullmatch(r"\d{4}\.\d{4,5}|\d{7}", digits):
        return 0
    yy = int(digits[:2])
    return (1900 if yy >= 91 else 2000) + yy
