"""`exports/index.html`: one self-contained page to browse the list, pick papers and copy their
entries. Data, CSS (web/page.css) and script (web/page.js) are inline in web/page.html: no
network, works from `file://` and as a static site.

The page holds no writer of its own: it embeds each paper's entry per format as refkit's writer
prints it (pagedata.py), and the script only concatenates them.

Nothing a record says runs in a reader's browser: every record string is HTML-escaped text (in
element text and in attribute values), a link is made only from an absolute http(s) URL of
RFC 3986 characters (anything else is shown as text), the embedded data cannot end its
<script> element, and a Content-Security-Policy allows only the page's own inline script and
styles (by their SHA-256, computed here) and no network at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from html import escape
from importlib import resources
from urllib.parse import quote

from . import pagedata
from .model import Item, Name, plain, year
from .pagedata import FRAMES, Frame  # noqa: F401  (the page's formats; tests patch FRAMES)
from .writers.bibtex import key

NO_VENUE = "Other"  # heading for items whose venue is empty
# Above this many characters of entries (four formats; about 3,000 records) the page embeds them
# gzip-compressed: 10,000 records then fit in 30 MB. Below it the data is plain JSON, identical on every machine
# (gzip's bytes depend on the zlib build, which would make `export --all --check` flaky).
COMPRESS_OVER = 8_000_000
NOSCRIPT_CSS = "#controls, .cite { display: none; }"
# Record strings reach the page only as escaped text; links only to an http(s) URL with a host
# (an authority before any path), of the characters RFC 3986 allows (as the writers print URLs).
_WEB = re.compile(
    r"https?://[A-Za-z0-9\-._~!$&'()*+,;=:@%\[\]]+(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?",
    re.IGNORECASE,
)


def render(
    items: list[Item],
    published: Mapping[str, str] | None = None,
    compress: bool | None = None,
    wholes: Mapping[str, str] | None = None,
    cuts: Mapping[str, pagedata.Cut] | None = None,
) -> str:
    """The page for `items`. `published` maps a record id to its published version
    ("doi:10..." or a journal reference), for preprints that have one. `compress`: embed the
    entries gzip-compressed (default: when they are larger than COMPRESS_OVER). `wholes`:
    writer name -> its output for all of `items`; `cuts`: the entries already cut from them
    (exports.py has them; saves writing them again)."""
    ordered = sorted(items, key=key)  # the writers' order; rows point into it with data-i
    done = cuts if cuts is not None else pagedata.cuts(ordered, wholes)
    if compress is None:
        compress = pagedata.size(done) > COMPRESS_OVER
    blob, data_type = _data(done, compress)
    sections = _sections(ordered, published or {})
    web = resources.files("refkit") / "web"
    css = "\n" + (web / "page.css").read_text(encoding="utf-8")
    js = "\n" + (web / "page.js").read_text(encoding="utf-8")
    return (
        (web / "page.html")
        .read_text(encoding="utf-8")
        .format(
            csp=csp(js, [css, NOSCRIPT_CSS]),
            count=len(ordered),
            css=css,
            noscript_css=NOSCRIPT_CSS,
            js=js,
            data=blob,
            data_type=data_type,
            venues=_options(
                Counter(item["custom"].get("venue_key", "") for item in ordered), "venue"
            ),
            years=_options(Counter(str(year(i) or "") for i in ordered), "year"),
            keywords=_options(
                Counter(k for item in ordered for k in item["custom"].get("keywords", [])),
                "keyword",
            ),
            formats="".join(f'<option value="{f}">{v.label}</option>' for f, v in FRAMES.items()),
            sections=sections,
        )
    )


def _data(done: Mapping[str, pagedata.Cut], compress: bool) -> tuple[str, str]:
    """The embedded entries and their script element's type."""
    if compress:
        return base64.b64encode(pagedata.gzipped(done)).decode("ascii"), "application/gzip+base64"
    return pagedata.plain(done), "application/json"


def _sections(ordered: list[Item], published: Mapping[str, str]) -> str:
    """One section per venue (the empty venue last), rows by year, then title."""
    titles = [plain(item, "title") for item in ordered]
    years = [year(item) for item in ordered]
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(ordered):
        groups.setdefault(item["custom"].get("venue_key", ""), []).append(i)
    out = []
    for n, venue in enumerate(sorted(groups, key=lambda v: (v == "", v.casefold(), v))):
        group = sorted(groups[venue], key=lambda i: (years[i], titles[i].casefold()))
        rows = "".join([_row(ordered[i], i, titles[i], years[i], published) for i in group])
        out.append(
            f'<section data-venue="{_e(venue)}" aria-labelledby="v{n}">'
            f'<h2 id="v{n}">{_e(venue or NO_VENUE)} <span class="n">({len(group)})</span></h2>'
            f"<ol>{rows}</ol></section>"
        )
    return "".join(out)


def csp(script: str, styles: list[str]) -> str:
    """The page's Content-Security-Policy: nothing but its own inline script and styles (by
    hash), no network, no form submission, no <base>. Downloads (blob: URLs opened with
    `download`) and the clipboard need no source."""
    return (
        f"default-src 'none'; script-src {_sha256(script)}; "
        f"style-src {' '.join(_sha256(s) for s in styles)}; "
        "connect-src 'none'; img-src 'none'; form-action 'none'; base-uri 'none'"
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def web(url: str) -> str:
    """`url` if it is an absolute http(s) URL with an authority (the host), of RFC 3986
    characters only; else ""
    (`javascript:`, `data:`, relative, ` javascript:`, `java\tscript:`, `&#106;avascript:`)."""
    return url if _WEB.fullmatch(url) else ""


def doi_url(doi: str) -> str:
    """https://doi.org/ and the DOI, percent-encoded as a URL path ("" if that is not web)."""
    return web("https://doi.org/" + quote(doi, safe="/:;()._-~!$&'*+,=@")) if doi.strip() else ""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _options(counts: Counter[str], facet: str) -> str:
    if facet == "year":
        values = sorted(counts, key=lambda v: (v == "", -int(v or 0)))
    else:
        values = sorted(counts, key=lambda v: (v == "", v.casefold(), v))
    return "".join(
        f'<option value="{_e(v)}" data-label="{_e(v or _EMPTY[facet])}">'
        f"{_e(v or _EMPTY[facet])} ({counts[v]})</option>"
        for v in values
    )


_EMPTY = {"venue": NO_VENUE, "year": "no year", "keyword": "none"}


def _person(n: Name) -> str:
    if "literal" in n:
        return n["literal"]
    family = " ".join(x for x in (n.get("non-dropping-particle", ""), n.get("family", "")) if x)
    return " ".join(x for x in (n.get("given", ""), family, n.get("suffix", "")) if x)


def _row(item: Item, i: int, title: str, y: int, published: Mapping[str, str]) -> str:
    """One paper: checkbox, title (linked), short name, authors, venue and year, links, key.
    A URL that is not web (see `web`) is shown as text, never as a link."""
    c = item["custom"]
    k = _e(key(item))
    title = _e(title) or k
    url = item.get("URL", "")
    meta = [_e(" ".join(x for x in (c.get("venue", ""), str(y or "")) if x))]
    if web(url):
        head = f'<a id="t{i}" href="{_e(url)}">{title}</a>'
    else:
        head = f'<span id="t{i}">{title}</span>'
        if url:
            meta.append(f"link: {_e(url)}")
    short = plain(item, "title-short") if "title-short" in item else ""
    if short:
        head += f' <span class="s">{_e(short)}</span>'
    authors = ", ".join(_person(n) for n in item.get("author", []))
    code = c.get("code_url", "")
    if code:
        meta.append(f'<a href="{_e(code)}">code</a>' if web(code) else f"code: {_e(code)}")
    doi = doi_url(item.get("DOI", ""))
    if doi:
        meta.append(f'<a href="{_e(doi)}">DOI</a>')
    version = published.get(c.get("record_id", ""), "")
    link = doi_url(version[4:]) if version.startswith("doi:") else ""
    if link:
        meta.append(f'<a href="{_e(link)}">published version</a>')
    elif version:
        meta.append(f"published: {_e(version)}")
    meta.append(f"<code>{k}</code>")
    kws = c.get("keywords", [])
    tags = "".join(f"<span>{_e(w)}</span>" for w in kws)
    return (
        f'<li data-key="{k}" data-i="{i}" data-year="{y or ""}"'
        f' data-kw="{_e("|".join(kws))}">'
        f'<input type="checkbox" aria-labelledby="t{i}">'
        f'<div><p class="t">{head}</p><p class="a">{_e(authors)}</p>'
        f'<p class="m">{" · ".join(meta)}</p>'
        + (f'<p class="k">{tags}</p>' if tags else "")
        + f'</div><button type="button" class="cite" aria-label="Cite {k}">Cite</button></li>'
    )
