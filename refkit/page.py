"""`exports/index.html`: one self-contained page to browse the list, pick papers and copy their
entries. Data, CSS (web/page.css) and script (web/page.js) are inline: no network, works from
`file://` and as a static site.

The page holds no writer of its own. For each format it embeds every item's entry as refkit's
writer prints it for that item alone, plus the text the writer puts before, between and after
entries (`Frame`). Entries are stored in the writers' order (sorted by citation key), so the
script only concatenates: head + the selected entries in stored order joined by sep + tail is
byte for byte what `refkit export --format F --key K1 --key K2 ...` prints. `render` checks that
claim on the whole list and refuses to write a page that breaks it.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from . import writers
from .errors import OutputError
from .model import Item, Name, plain, year
from .writers.bibtex import key


@dataclass(frozen=True)
class Frame:
    """How a writer surrounds its entries: `head + sep.join(entries) + tail`; `empty` for none."""

    writer: str  # the writer's name in `writers.FORMATS`
    head: str
    sep: str
    tail: str
    empty: str
    file: str  # the Download's file name
    mime: str
    label: str


# The page's format values (the CLI's --format names) -> how that writer joins entries.
FRAMES: dict[str, Frame] = {
    "bib": Frame("bibtex", "", "\n", "", "", "refkit-selection.bib", "application/x-bibtex", "BibTeX"),
    "biblatex": Frame(
        "biblatex", "", "\n", "", "", "refkit-selection.bib", "application/x-bibtex", "biblatex"
    ),
    "csl-json": Frame(
        "csl-json",
        "[\n",
        ",\n",
        "\n]\n",
        "[]\n",
        "refkit-selection.json",
        "application/vnd.citationstyles.csl+json",
        "CSL-JSON",
    ),
    "ris": Frame(
        "ris", "", "\r\n", "", "", "refkit-selection.ris", "application/x-research-info-systems", "RIS"
    ),
}  # fmt: skip
NO_VENUE = "Other"  # heading for items whose venue is empty
# Above this many bytes of entries (about 2,500 records) the page embeds them gzip-compressed:
# 10,000 records then fit in 30 MB. Below it the data is plain JSON, identical on every machine
# (gzip's bytes depend on the zlib build, which would make `export --all --check` flaky).
COMPRESS_OVER = 8_000_000


def entries(items: list[Item], fmt: str, whole: str | None = None) -> list[str]:
    """Each item's entry in format `fmt`, as the writer prints it for that item alone, minus the
    frame. `items` must be in the writers' order (sorted by key). `whole`: the writer's output
    for all of `items`, when the caller has it already."""
    frame = FRAMES[fmt]
    write = writers.get(frame.writer).write
    out = []
    for item in items:
        text = write([item])
        if not (text.startswith(frame.head) and text.endswith(frame.tail)):
            raise _broken(fmt, key(item))
        out.append(text[len(frame.head) : len(text) - len(frame.tail)])
    whole = write(items) if whole is None else whole
    joined = frame.head + frame.sep.join(out) + frame.tail if out else frame.empty
    if joined != whole or write([]) != frame.empty:
        raise _broken(fmt, "the whole list")
    return out


def _broken(fmt: str, where: str) -> OutputError:
    return OutputError(
        f"exports/index.html: the {fmt} writer's output for {where} is not its entries joined as "
        "refkit/page.py FRAMES says; update FRAMES to match the writer"
    )


def data(items: list[Item], wholes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the page's script needs: per format its frame and the entries in key order.
    `wholes`: writer name -> that writer's output for all of `items`, if already written."""
    return {
        "formats": {
            fmt: {
                "head": f.head,
                "sep": f.sep,
                "tail": f.tail,
                "empty": f.empty,
                "file": f.file,
                "mime": f.mime,
                "label": f.label,
                "entries": entries(items, fmt, (wholes or {}).get(f.writer)),
            }
            for fmt, f in FRAMES.items()
        }
    }


def render(
    items: list[Item],
    published: Mapping[str, str] | None = None,
    compress: bool | None = None,
    wholes: Mapping[str, str] | None = None,
) -> str:
    """The page for `items`. `published` maps a record id to its published version
    ("doi:10..." or a journal reference), for preprints that have one. `compress`: embed the
    entries gzip-compressed (default: when they are larger than COMPRESS_OVER). `wholes`: writer
    name -> its output for all of `items` (exports.py has them; saves writing them twice)."""
    ordered = sorted(items, key=key)  # the writers' order; rows point into it with data-i
    blob = json.dumps(data(ordered, wholes), ensure_ascii=False, separators=(",", ":"))
    if compress is None:
        compress = len(blob) > COMPRESS_OVER
    if compress:
        packed = gzip.compress(blob.encode("utf-8"), compresslevel=6, mtime=0)
        blob, data_type = base64.b64encode(packed).decode("ascii"), "application/gzip+base64"
    else:  # never `</script>` inside the script element
        blob, data_type = blob.replace("<", "\\u003c"), "application/json"
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(ordered):
        groups.setdefault(item["custom"].get("venue_key", ""), []).append(i)
    venue_names = sorted(groups, key=lambda v: (v == "", v.casefold(), v))
    sections = []
    for n, venue in enumerate(venue_names):
        group = sorted(groups[venue], key=lambda i: (year(ordered[i]), _fold(ordered[i])))
        rows = "".join(_row(ordered[i], i, published or {}) for i in group)
        name = _e(venue or NO_VENUE)
        sections.append(
            f'<section data-venue="{_e(venue)}" aria-labelledby="v{n}">'
            f'<h2 id="v{n}">{name} <span class="n">({len(group)})</span></h2>'
            f"<ol>{rows}</ol></section>"
        )
    web = resources.files("refkit") / "web"
    return TEMPLATE.format(
        count=len(ordered),
        css=(web / "page.css").read_text(encoding="utf-8"),
        js=(web / "page.js").read_text(encoding="utf-8"),
        data=blob,
        data_type=data_type,
        venues=_options(Counter(item["custom"].get("venue_key", "") for item in ordered), "venue"),
        years=_options(Counter(str(year(i) or "") for i in ordered), "year"),
        keywords=_options(
            Counter(k for item in ordered for k in item["custom"].get("keywords", [])), "keyword"
        ),
        formats="".join(f'<option value="{f}">{v.label}</option>' for f, v in FRAMES.items()),
        sections="".join(sections),
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _fold(item: Item) -> str:
    return plain(item, "title").casefold()


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


def _row(item: Item, i: int, published: Mapping[str, str]) -> str:
    """One paper: checkbox, title (linked), short name, authors, venue and year, links, key."""
    c = item["custom"]
    k = _e(key(item))
    title = _e(plain(item, "title") or k)
    url = item.get("URL", "")
    head = (
        f'<a id="t{i}" href="{_e(url)}">{title}</a>' if url else f'<span id="t{i}">{title}</span>'
    )
    short = plain(item, "title-short")
    if short:
        head += f' <span class="s">{_e(short)}</span>'
    authors = ", ".join(_person(n) for n in item.get("author", []))
    meta = [_e(" ".join(x for x in (c.get("venue", ""), str(year(item) or "")) if x))]
    if c.get("code_url"):
        meta.append(f'<a href="{_e(c["code_url"])}">code</a>')
    if item.get("DOI"):
        meta.append(f'<a href="https://doi.org/{_e(item["DOI"])}">DOI</a>')
    version = published.get(c.get("record_id", ""), "")
    if version.startswith("doi:"):
        meta.append(f'<a href="https://doi.org/{_e(version[4:])}">published version</a>')
    elif version:
        meta.append(f"published: {_e(version)}")
    meta.append(f"<code>{k}</code>")
    kws = c.get("keywords", [])
    tags = "".join(f"<span>{_e(w)}</span>" for w in kws)
    return (
        f'<li data-key="{k}" data-i="{i}" data-year="{year(item) or ""}"'
        f' data-kw="{_e("|".join(kws))}">'
        f'<input type="checkbox" aria-labelledby="t{i}">'
        f'<div><p class="t">{head}</p><p class="a">{_e(authors)}</p>'
        f'<p class="m">{" · ".join(meta)}</p>'
        + (f'<p class="k">{tags}</p>' if tags else "")
        + f'</div><button type="button" class="cite" aria-label="Cite {k}">Cite</button></li>'
    )


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="refkit">
<title>Papers: browse and cite</title>
<style>
{css}</style>
<noscript><style>#controls, .cite {{ display: none; }}</style></noscript>
</head>
<body>
<header>
<h1>Papers <small>browse and cite</small></h1>
<p>{count} papers. Pick papers, then copy or download their entries, exactly as
<code>refkit export</code> writes them. The whole list:
<a href="papers.bib">BibTeX</a>, <a href="papers-biblatex.bib">biblatex</a>,
<a href="papers.json">CSL-JSON</a>, <a href="papers.ris">RIS</a>.</p>
<noscript><p class="warn">Search, selection and copying need JavaScript; the whole list is below.</p></noscript>
</header>
<form id="controls" role="search" aria-label="Find and cite papers">
<div class="find">
<label class="q">Search <input type="search" name="q" placeholder="title, author, short name, key" autocomplete="off" spellcheck="false"></label>
<label>Venue <select name="venue"><option value="" data-label="All venues">All venues</option>{venues}</select></label>
<label>Year <select name="year"><option value="" data-label="All years">All years</option>{years}</select></label>
<label>Keyword <select name="keyword"><option value="" data-label="All keywords">All keywords</option>{keywords}</select></label>
<label>Sort <select name="sort"><option value="">Venue, then year</option><option value="year-desc">Venue, newest first</option><option value="title">Venue, then title</option></select></label>
</div>
<div class="cite-bar">
<p id="shown" role="status">{count} papers shown</p>
<button type="button" id="select-shown">Select all shown</button>
<button type="button" id="clear" disabled>Clear selection</button>
<span id="count" aria-live="polite">0 selected</span>
<label>Format <select name="format">{formats}</select></label>
<button type="button" id="copy" disabled>Copy</button>
<button type="button" id="download" disabled>Download</button>
<span id="status" role="status" aria-live="polite"></span>
</div>
</form>
<main id="list">
{sections}
<p id="none" hidden>No paper matches. Clear the search or a filter.</p>
</main>
<dialog id="cite-dialog" aria-labelledby="cite-title">
<h2 id="cite-title">Cite</h2>
<pre tabindex="0"></pre>
<p><button type="button" id="cite-copy">Copy</button> <button type="button" id="cite-close">Close</button> <span id="cite-status" role="status"></span></p>
</dialog>
<script type="{data_type}" id="refkit-data">{data}</script>
<script>
{js}</script>
</body>
</html>
"""
