"""BibTeX and biblatex output: one writer, two dialects.

Entry types (item type -> bibtex / biblatex):
  paper-conference  @inproceedings (booktitle; biblatex also eventtitle)
  article-journal   @article (journal / journaltitle)
  article + arXiv   @misc with eprint, eprinttype = {arxiv}, primaryClass /
                    @online with eprint, eprinttype = {arxiv}, eprintclass
  article, no arXiv @misc with url (a record with no venue)
  post-weblog       @misc with howpublished = blog name / @online with organization
  software          @misc with howpublished = {GitHub repository} / @software
An authorless paper is @misc (howpublished = its venue) in both dialects: plainnat and IEEEtran
warn "empty author" for @inproceedings and @article, whatever else the entry has, and biblatex's
data model makes author mandatory there. A blog or preprint with no URL, DOI or eprint is @misc
in biblatex too (@online requires one).
The `bibtex` dialect is pure ASCII (accents as `{\\"u}`); `biblatex` is UTF-8. Both escape the
LaTeX specials (see latex.py) in every field except the URL-like ones (url, doi, eprint, verba),
which are written as RFC 3986 URLs (uri.py: a space, brace, backslash, `^` or non-ASCII
character percent-encoded) that `\\url` and biblatex's verbatim fields typeset as they are.
Extra fields that styles ignore travel with each entry: `keywords` (escaped: `kv\\_cache`),
`verba` (the code repository URL: biblatex's data model has no `code` field, and `verba` is its
verbatim field valid for every entry type, ignored by BibTeX styles), `annote` ("Code: <url>",
escaped: the field Zotero's BibTeX.js turns into a child note, which it does not do for
`verba`; biblatex's `annotation`, printed by neither BibTeX's nor biblatex's standard styles),
`shorttitle`;
`custom.venue_note` ("oral") becomes `note = {Oral presentation}`. Both dialects are clean under
`biber --validate-datamodel`: no `publisher` on @misc/@online/@software or biblatex's @article
(software's maker is `organization`).
Entries without any author get `key` (bibtex) / `label` (biblatex): styles label them by it.
"""

from __future__ import annotations

import re

from .. import uri
from ..errors import InputError
from ..model import Item, Name, tex, year
from . import latex

NOTES = {"oral": "Oral presentation", "spotlight": "Spotlight presentation", "poster": "Poster"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
BAD_KEY = re.compile(r"[\s,{}()\"#%'=~\\]")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_DASHES = re.compile(r"[-\u2010-\u2015]+")
_QUOTES = re.compile(r"[`']+")
_PLAIN_PART = re.compile(r"(?:[^\W_]|[ .'-])*")  # letters, digits, spaces, . ' -
_RANGE = re.compile(r"\s*[-\u2010-\u2015]+\s*")  # a page range's dash, however written
# A name part that `_part` writes as it is: ASCII words of letters, digits and dots, one space,
# hyphen or apostrophe apart (nothing to clean, escape, fold or shorten).
_SIMPLE_PART = re.compile(r"[A-Za-z0-9.]+(?:[ '-][A-Za-z0-9.]+)*")

# Fields in output order; a field is written only when it has a value.
ORDER = (
    "author", "title", "shorttitle", "booktitle", "eventtitle", "journal", "journaltitle",
    "howpublished", "organization", "publisher", "volume", "number", "pages", "year", "month",
    "date", "doi", "eprint", "eprinttype", "primaryclass", "eprintclass", "url",
    "note", "key", "label", "keywords", "verba", "annote",
)  # fmt: skip
# Field names as written (BibTeX is case-insensitive; these are the customary spellings).
SPELLING = {"primaryclass": "primaryClass"}
# Fields written as URLs: every character RFC 3986 does not allow is percent-encoded (uri.py).
URLS = {"doi", "url", "verba", "eprint"}


def entry_type(item: Item, dialect: str) -> str:
    """The entry type for `item` in `dialect` ("bibtex" or "biblatex")."""
    kind = item.get("type", "")
    custom = item.get("custom", {})
    biblatex = dialect == "biblatex"
    if kind in ("paper-conference", "article-journal") and item.get("author"):
        return "inproceedings" if kind == "paper-conference" else "article"
    if kind == "post-weblog" or (kind == "article" and custom.get("arxiv_id")):
        # biblatex's @online needs a url, doi or eprint; without one the entry is @misc
        online = item.get("URL") or item.get("DOI") or custom.get("arxiv_id")
        return "online" if biblatex and online else "misc"
    if kind == "software":
        return "software" if biblatex else "misc"
    return "misc"


def key(item: Item) -> str:
    """The citation key: `citation-key`, else `id`; refuses keys BibTeX cannot read."""
    k = item.get("citation-key") or item.get("id", "")
    if not k or BAD_KEY.search(k):
        where = item.get("custom", {}).get("record_path", "?")
        raise InputError(
            f"{where}: citation key {k!r} is empty or has characters BibTeX cannot read ( ,{{}}()\"#%'=~\\); fix the key rules or the record"
        )
    return k


def name(n: Name, ascii_only: bool) -> str:
    """One name as BibTeX reads it: `von Last, Jr, First`; organisations in braces.

    Malformed names must still compile under biber, whose name parser is stricter than BibTeX's:
    a comma inside a part is written as U+201A (the low quote that looks like one), since biber
    refuses a name with more than two commas, braced or not; dashes are one hyphen and quotes
    one apostrophe (no `{}` splitting a TeX ligature); and a part with anything but letters,
    digits, spaces and `.'-` is one `{\\relax ...}` group, of which biber makes a clean initial
    (its initials of `a{–}-b`, `` `{}` `` or `{\\textasciicircum{}}` end in a stray `}`).
    """
    if "literal" in n:
        return _part(n["literal"], ascii_only, whole=True)
    family = " ".join(x for x in (n.get("non-dropping-particle", ""), n.get("family", "")) if x)
    given, suffix = n.get("given", ""), n.get("suffix", "")
    if not latex.clean(family):
        family, given = given, ""
    if not latex.clean(family):
        return "{Anonymous}"
    parts = [_part(x, ascii_only) for x in (family, suffix, given)]
    out = [parts[0]]
    if parts[1]:
        out.append(parts[1])
    if parts[2] or len(out) > 1:
        out.append(parts[2])
    return ", ".join(out)


def _part(raw: str, ascii_only: bool, whole: bool = False) -> str:
    """One name part (`whole`: an organisation, always one group) as LaTeX."""
    if not raw:
        return ""
    if len(raw) <= latex.LABEL_LIMIT and _SIMPLE_PART.fullmatch(raw):  # what `_any_part` gives
        return "{" + raw + "}" if whole or _AND.search(raw) else raw
    return _any_part(raw, ascii_only, whole)


def _any_part(raw: str, ascii_only: bool, whole: bool) -> str:
    raw = latex.clean(_QUOTES.sub("'", _DASHES.sub("-", raw.replace(",", "\u201a"))))
    text = latex.bounded(raw, ascii_only)
    if not text:
        return ""
    if not _PLAIN_PART.fullmatch(raw):
        return "{\\relax " + text + "}"
    return "{" + text + "}" if whole or _AND.search(text) else text


def fields(item: Item, dialect: str) -> dict[str, str]:
    """The entry's fields (LaTeX text, unordered) for `dialect`."""
    ascii_only = dialect == "bibtex"
    biblatex = not ascii_only
    custom = item.get("custom", {})
    kind = entry_type(item, dialect)

    def text(value: str) -> str:
        return latex.escape(value, ascii_only)

    f: dict[str, str] = {}
    if item.get("author"):
        f["author"] = " and ".join(name(n, ascii_only) for n in item["author"])
    else:
        # BibTeX styles sort and label by `key`; biblatex's fallback label is `label`
        label = tex(item, "title-short") or tex(item, "title")
        f["label" if biblatex else "key"] = latex.bounded(label, ascii_only, math=True)
    short = tex(item, "title-short")
    f["title"] = latex.title(tex(item, "title"), short, ascii_only)
    if short:
        f["shorttitle"] = latex.title(short, short, ascii_only)
    container = text(item.get("container-title", ""))
    if kind == "inproceedings":
        f["booktitle"] = container
        if biblatex:
            f["eventtitle"] = text(item.get("event-title", ""))
    elif kind == "article":
        f["journaltitle" if biblatex else "journal"] = container
    elif kind == "online":
        f["organization"] = container  # the blog
    elif item.get("type") == "software":
        if not biblatex:
            f["howpublished"] = "GitHub repository" if "github.com/" in item.get("URL", "") else ""
    else:
        f["howpublished"] = container  # the blog, or the venue of an authorless paper
    if kind == "inproceedings" or (kind == "article" and not biblatex):
        f["publisher"] = text(item.get("publisher", ""))  # biblatex's @article has none
    elif item.get("type") == "software":  # biblatex has no publisher for @misc and @software
        f["organization"] = text(item.get("publisher", ""))
    f["volume"] = text(item.get("volume", ""))
    # BibTeX styles refuse volume and number together in @inproceedings (AAAI: volume 38, issue 1)
    both = kind == "inproceedings" and ascii_only and item.get("volume")
    f["number"] = "" if both else text(item.get("issue", ""))
    f["pages"] = "--".join(text(p) for p in _RANGE.split(item.get("page", "")) if p.strip())
    _date(item, f, biblatex)
    f["doi"] = item.get("DOI", "")
    arxiv = custom.get("arxiv_id", "")
    if arxiv:
        f["eprint"] = arxiv
        f["eprinttype"] = "arxiv"  # Zotero's BibTeX.js reads `eprint` only with `eprinttype`
        # not archivePrefix too: biber reads it as eprinttype and flags the pair as invalid
        f["primaryclass" if ascii_only else "eprintclass"] = text(custom.get("arxiv_class", ""))
    f["url"] = item.get("URL", "")
    notes = [text(item.get("note", ""))]
    venue_note = latex.clean(custom.get("venue_note", ""))
    if venue_note:
        notes.append(text(NOTES.get(venue_note.lower(), venue_note[:1].upper() + venue_note[1:])))
    f["note"] = ". ".join(n for n in notes if n)
    f["keywords"] = ", ".join(text(w) for w in custom.get("keywords", []) if latex.clean(w))
    f["verba"] = custom.get("code_url", "")
    if custom.get("code_url"):  # a child note in Zotero; no BibTeX or biblatex style prints it
        f["annote"] = text("Code: " + uri.encode(latex.clean(custom["code_url"])))
    return {k: v for k, v in f.items() if v}


def _date(item: Item, f: dict[str, str], biblatex: bool) -> None:
    parts = (item.get("issued", {}).get("date-parts") or [[]])[0]
    if not year(item):
        return
    if biblatex:
        f["date"] = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts) if p)
    else:
        f["year"] = f"{year(item):04d}"  # natbib parses a label year by its first four characters
        if len(parts) > 1 and parts[1] and 1 <= int(parts[1]) <= 12:
            f["month"] = MONTHS[int(parts[1]) - 1]


def _value(field: str, value: str) -> str:
    if field == "month":
        return value  # a BibTeX month macro, unbraced
    if field in URLS:
        value = uri.encode(latex.clean(value))
    return "{" + value + "}"


def entry(item: Item, dialect: str) -> str:
    """One entry as text, fields in ORDER."""
    f = fields(item, dialect)
    lines = [f"@{entry_type(item, dialect)}{{{key(item)},"]
    lines += [f"  {SPELLING.get(k, k)} = {_value(k, f[k])}," for k in ORDER if k in f]
    return "\n".join(lines) + "\n}\n"


def write(items: list[Item], dialect: str = "bibtex") -> str:
    """The whole .bib file: entries sorted by key, one blank line apart, trailing newline."""
    if dialect not in ("bibtex", "biblatex"):
        raise InputError(f"unknown BibTeX dialect {dialect!r}; use 'bibtex' or 'biblatex'")
    ordered = sorted(items, key=key)
    text = "\n".join(entry(item, dialect) for item in ordered)
    latex.warn_missing()
    return text


def write_bibtex(items: list[Item]) -> str:
    """BibTeX (ASCII) for `items`."""
    return write(items, "bibtex")


def write_biblatex(items: list[Item]) -> str:
    """biblatex (UTF-8) for `items`."""
    return write(items, "biblatex")
