"""The page never runs what a record says (issue #15): a list built from hostile records, opened
in a real browser (Debian's chromium through Playwright), runs nothing injected, links nothing
but http(s), and still searches, selects, copies and downloads.

Every payload calls `__pwned(n)` (a Playwright binding that records the call), sets a window
flag or opens a dialog if it runs; the page's console must stay empty (a Content-Security-Policy
refusal would be logged there, so an injected element the policy blocked fails the test too).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from refkit import exports, page, writers
from refkit.enrich import Options
from refkit.model import Item
from refkit.pipeline import load

from .cli import refkit

# Markup and script in every string field of a record.
MARKUP = [
    '<img src=x onerror="__pwned(1)">',
    "<script>__pwned(2)</script>",
    '"><svg onload=__pwned(3)>',
    "'><svg/onload=__pwned(4)>",
    "</script><script>__pwned(5)</script>",
    "<!--<script>__pwned(6)</script>-->",
    '<iframe srcdoc="<script>parent.__pwned(7)</script>"></iframe>',
    "</noscript><style>*{display:none}</style><img src=x onerror=__pwned(8)>",
    '<base href="https://evil.example/"><a href="javascript:__pwned(9)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:__pwned(10)">',
    "&lt;script&gt;__pwned(11)&lt;/script&gt; &#60;img src=x onerror=__pwned(12)&#62;",
    "${__pwned(13)} {{constructor.constructor('__pwned(14)')()}} `${window.__flag=1}`",
    "</textarea></title></style></dialog><img src=x onerror=alert(15)>",
    "\u2028\u2029<script>\u2028__pwned(16)\u2029</script>",
    '<form action="https://evil.example/"><input name=q autofocus onfocus=__pwned(17)></form>',
    "<svg><script>__pwned&#40;18&#41;</script></svg>",
]
# Paper and code URLs that must never become a link.
BAD_URLS = [
    "javascript:__pwned(20)",
    "JaVaScRiPt:__pwned(21)",
    " javascript:__pwned(22)",
    "java\tscript:__pwned(23)",
    "java\nscript:__pwned(24)",
    "data:text/html,<script>__pwned(25)</script>",
    "data:text/html;base64,PHNjcmlwdD5fX3B3bmVkKDI2KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(27)",
    "&#106;avascript:__pwned(28)",
    "javascript&colon;__pwned(29)",
    "\u0001javascript:__pwned(30)",
    "//evil.example/x",
    "evil.example/relative",
    "htps://example.org/typo",
    "https:javascript:__pwned(31)",
    "http://",
    "file:///etc/passwd",
    "blob:https://example.org/x",
]
KEY = "<script>__pwned`40`</script><img/src/onerror>"  # a hostile key pinned in refkit.lock
GOOD = 'https://example.org/a b/"onmouseover="__pwned(41)"<x>'  # a web URL: a link, encoded
# Long: 100,000 characters in one word, and many words with markup. (Not 20,000 such words:
# the writers' title bracing is quadratic in protected words and would take minutes.)
HUGE = "Huge " + "<i>" * 25_000 + " " + "<b>W</b> " * 800
# The template's elements: anything else in the DOM came from a record.
TAGS = set(
    [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "noscript",
        "body",
        "header",
        "h1",
        "small",
        "p",
        "code",
        "a",
        "form",
        "div",
        "label",
        "input",
        "select",
        "option",
        "span",
        "button",
        "main",
        "section",
        "h2",
        "ol",
        "li",
        "dialog",
        "pre",
        "script",
    ]
)
HEADER_LINKS = {"papers.bib", "papers-biblatex.bib", "papers.json", "papers.ris"}


def quote(text: str) -> str:
    """`text` as a protobuf text-format string (escapes for quotes, controls, U+2028/9)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 32 or c in "\u2028\u2029":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def record(title: str, url: str, code: str, text: str, year: int = 2024) -> str:
    return "\n".join(
        [
            "paper {",
            f"  title: {quote(title)}",
            f"  abbr: {quote(text[:60])}",
            f"  url: {quote(url)}",
            f"  authors: {quote('Ada ' + text)}",
            f"  authors: {quote(text + ' Lovelace')}",
            f"  institutions: {quote(text)}",
            "}",
            "pub {",
            f"  where: {quote(text)}",
            f"  year: {year}",
            "}",
            "code {",
            f"  type: {quote(text)}",
            f"  url: {quote(code)}",
            "}",
            "note {",
            f"  url: {quote(url)}",
            "}",
            "keyword {",
            "  words: quantization",
            "  words: brand_new_topic",
            "}",
            "",
        ]
    )


def write_hostile_list(root: Path) -> None:
    """meta/ with one record per payload (in every field; a bad paper and code URL each), a huge
    record, a record whose web URL carries quotes and markup, and a hostile pinned key."""
    meta = root / "meta" / "2024"
    meta.mkdir(parents=True)
    for i, text in enumerate(MARKUP):
        bad, code = BAD_URLS[i % len(BAD_URLS)], BAD_URLS[(i + 7) % len(BAD_URLS)]
        (meta / f"m{i:02d}.prototxt").write_text(
            record(f"Markup {i} {text}", bad, code, text), encoding="utf-8"
        )
    for i, url in enumerate(BAD_URLS):
        (meta / f"u{i:02d}.prototxt").write_text(
            record(f"Bad URL {i} <i>{url}</i>", url, url, f"url{i} {url}"), encoding="utf-8"
        )
    (meta / "huge.prototxt").write_text(
        record(HUGE, GOOD, "https://github.com/x/y", HUGE), encoding="utf-8"
    )
    (meta / "key.prototxt").write_text(
        record("Pinned key paper", GOOD, "", "plain"), encoding="utf-8"
    )
    (root / "refkit.lock").write_text(
        f'version = 1\n\n[records."2024/key"]\nkey = "{KEY}"\n', encoding="utf-8"
    )


@dataclass
class Built:
    root: Path
    items: list[Item]
    plain: Path  # exports/index.html as `refkit export --all` wrote it
    packed: Path  # the page with gzip-embedded entries, poisoned DOIs and published versions
    poisoned: list[Item]  # the items of `packed`


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile")
    write_hostile_list(root)
    done = refkit(root, "export", "--all", "--frozen")
    assert done.returncode == 0, done.stderr
    assert "are not http(s) URLs" in done.stderr  # normalize's warning still names them
    items = load(root / "meta", Options(mode="frozen")).items
    # What a poisoned Crossref answer or lock could add: DOIs and published versions.
    poisoned: list[Item] = []
    published = {}
    for n, item in enumerate(items):
        item = {**item}  # type: ignore[assignment]
        if n % 3 == 0:
            item["DOI"] = MARKUP[n % len(MARKUP)]
        rid = item["custom"]["record_id"]
        published[rid] = ("doi:" if n % 2 else "") + MARKUP[(n + 1) % len(MARKUP)]
        poisoned.append(item)
    packed = root / "packed.html"
    packed.write_text(page.render(poisoned, published, compress=True), encoding="utf-8")
    return Built(root, items, root / "exports" / "index.html", packed, poisoned)


@dataclass
class Watch:
    hits: list[Any]
    dialogs: list[str]
    console: list[str]


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, Watch]]:
    """A context whose pages record payload calls, dialogs and every console message."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    w = Watch([], [], [])
    ctx.expose_binding("__pwned", lambda source, n=None: w.hits.append(n))
    ctx.on("console", lambda m: w.console.append(f"{m.type}: {m.text}"))
    ctx.on("weberror", lambda e: w.console.append(f"uncaught: {e.error}"))

    def dialog(d: Any) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    ctx.on("dialog", dialog)
    yield ctx, w
    ctx.close()


def inert(pg: Any, w: Watch) -> None:
    """Nothing injected ran or exists: no call, flag, dialog, console line, foreign element,
    event-handler attribute, or link outside http(s) (but the header's four file links)."""
    pg.wait_for_timeout(300)  # let any onerror/onload/autofocus/refresh fire
    assert pg.evaluate("() => window.__flag") is None
    tags = set(pg.evaluate("() => [...document.querySelectorAll('*')].map(e => e.localName)"))
    assert tags <= TAGS, tags - TAGS
    handlers = pg.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
        ".filter(a => a.name.startsWith('on')).map(a => e.localName + ' ' + a.name))"
    )
    assert handlers == []
    hrefs = pg.evaluate(
        "() => [...document.querySelectorAll('[href],[src],[action],[formaction],[srcdoc]')]"
        ".map(e => e.getAttribute('href') ?? e.getAttribute('src') ?? '?')"
    )
    rows = [h for h in hrefs if h not in HEADER_LINKS]
    assert rows and all(re.match(r"https?://[^/?#]", h, re.IGNORECASE) for h in rows), rows
    protocols = pg.evaluate(
        "() => [...new Set([...document.querySelectorAll('li a')].map(a => a.protocol))]"
    )
    assert set(protocols) <= {"http:", "https:"}
    assert pg.evaluate("() => document.scripts.length") == 2
    assert (w.hits, w.dialogs, w.console) == ([], [], [])


def copied(pg: Any) -> str:
    pg.evaluate("navigator.clipboard.writeText('')")
    pg.click("#copy")
    pg.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Copied')")
    return str(pg.evaluate("navigator.clipboard.readText()"))


def by_key(items: list[Item], keys: list[str]) -> list[Item]:
    return [i for i in items if i["id"] in keys]


def works(pg: Any, items: list[Item], w: Watch) -> None:
    """Search, select, copy (all formats), Cite and Download on the hostile rows."""
    n = len(items)
    assert pg.locator("li[data-key]").count() == n
    pg.fill('input[type="search"]', "svg onload")  # a payload's text is searchable text
    shown = pg.eval_on_selector_all(
        "li[data-key]:not([hidden])", "els => els.map(e => e.dataset.key)"
    )
    assert 0 < len(shown) < n
    pg.click("#select-shown")
    for fmt, name in (("bib", "bibtex"), ("biblatex", "biblatex"), ("csl-json", "csl-json")):
        pg.select_option('select[name="format"]', fmt)
        assert copied(pg) == writers.get(name).write(by_key(items, shown))
    pg.fill('input[type="search"]', "")
    pg.click("#select-shown")
    pg.select_option('select[name="format"]', "ris")
    with pg.expect_download() as info:
        pg.click("#download")  # a blob: URL with `download`, under the page's CSP
    assert Path(info.value.path()).read_bytes() == writers.get("ris").write(items).encode()
    pg.select_option('select[name="format"]', "bib")
    pg.locator(f'li[data-key="{KEY}"] button.cite').click()  # the attribute holds it as text
    assert pg.locator("dialog pre").text_content() == writers.get("bibtex").write(
        by_key(items, [KEY])
    )
    pg.keyboard.press("Escape")
    inert(pg, w)


def test_the_list_as_exported_runs_nothing(watched: tuple[Any, Watch], built: Built) -> None:
    ctx, w = watched
    pg = ctx.new_page()
    pg.goto(built.plain.as_uri())
    inert(pg, w)
    works(pg, built.items, w)
    # the pinned key, the huge title and the encoded web URL arrive as text and as a link
    assert pg.locator(f'li[data-key="{KEY}"] code').text_content() == KEY
    huge = pg.locator("li", has_text="Huge <i><i>").first
    assert huge.locator(".t a").get_attribute("href") == (
        "https://example.org/a%20b/%22onmouseover=%22__pwned(41)%22%3Cx%3E"
    )


def test_the_packed_page_with_poisoned_dois_runs_nothing(
    watched: tuple[Any, Watch], built: Built
) -> None:
    """gzip-embedded entries (DecompressionStream under the CSP), DOIs and published versions
    that hold markup: links go to https://doi.org/ with the DOI percent-encoded, or are text."""
    ctx, w = watched
    pg = ctx.new_page()
    pg.goto(built.packed.as_uri())
    inert(pg, w)
    works(pg, built.poisoned, w)
    assert pg.locator("li a", has_text="published version").count() > 0
    assert pg.locator("li", has_text="published: <").count() > 0


def test_served_over_http_runs_nothing(watched: tuple[Any, Watch], built: Built) -> None:
    """As GitHub Pages serves it (a local server on 127.0.0.1): same policy, nothing fetched
    but the page itself."""
    handler = functools.partial(_Quiet, directory=str(built.plain.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ctx, w = watched
        pg = ctx.new_page()
        requested: list[str] = []
        pg.on("request", lambda r: requested.append(r.url))
        url = f"http://127.0.0.1:{server.server_port}/index.html"
        pg.goto(url)
        inert(pg, w)
        works(pg, built.items, w)
        asked = [u for u in requested if not u.startswith("blob:") and "favicon" not in u]
        assert asked == [url]  # (a browser's own favicon request is not the page's)
    finally:
        server.shutdown()
        thread.join()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_policy_is_enforced(watched: tuple[Any, Watch], built: Built, tmp_path: Path) -> None:
    """The check can fail: a script added to the page without its hash is refused (and the
    refusal is logged), and an injected link would be seen."""
    ctx, w = watched
    text = built.plain.read_text(encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(
        text.replace(
            "<main", '<a href="javascript:__pwned(99)">x</a><script>__pwned(98)</script><main', 1
        ),
        encoding="utf-8",
    )
    pg = ctx.new_page()
    pg.goto(bad.as_uri())
    pg.wait_for_timeout(300)
    assert w.hits == [] and any("Content Security Policy" in c for c in w.console), w.console
    with pytest.raises(AssertionError):
        inert(pg, Watch([], [], []))


# ---- without a browser


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.texts:
            self._in = tag
            self.texts[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.texts[self._in][-1] += data


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("which", ["plain", "packed"])
def test_the_html_links_only_the_web_and_pins_its_code(built: Built, which: str) -> None:
    text = getattr(built, which).read_text(encoding="utf-8")
    parsed = Elements()
    parsed.feed(text)
    assert {t for t, _ in parsed.tags} <= TAGS
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = attrs.get(name)
            if value is not None:
                assert value in HEADER_LINKS or page.web(value) == value, (tag, name, value)
                assert re.match(r"https?://", value) or value in HEADER_LINKS
    (meta,) = [a for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"]
    policy = dict(d.strip().split(" ", 1) for d in str(meta["content"]).split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'none'"
    assert policy["form-action"] == "'none'" and policy["base-uri"] == "'none'"
    data, code = parsed.texts["script"]
    assert policy["script-src"] == _sha(code)  # only the page's own script, by hash
    styles = parsed.texts["style"]  # the page's style and the <noscript> one
    assert len(styles) == 2 and policy["style-src"] == " ".join(_sha(s) for s in styles)
    assert text.index("Content-Security-Policy") < text.index("<style")
    if which == "plain":  # JSON that cannot end its element, and holds every entry
        assert "<" not in data and "\u2028" not in data and "\u2029" not in data
        formats = json.loads(data)["formats"]
        assert "".join(formats["bib"]["entries"]).count("@") >= len(built.items)
        assert "</script>" in "".join(formats["csl-json"]["entries"])  # the payload, as data
    assert len(re.findall(r"<script\b", text)) == 2


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://arxiv.org/abs/2210.17323", True),
        ("HTTP://EXAMPLE.ORG/x?a=1&b=2#f", True),
        ("https://example.org", True),
        ("https://[::1]:8080/p", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        (" https://example.org", False),  # refkit's URLs are stripped and encoded before
        ("https://example.org/a b", False),
        ('https://example.org/"><x', False),
        ("https:/example.org", False),
        ("https://", False),
        ("https:javascript:alert(1)", False),
        ("//example.org/x", False),
        ("/relative", False),
        ("data:text/html,x", False),
        ("ftp://example.org/f", False),
        ("&#104;ttps://example.org", False),
        ("https://example.org/\u2028", False),
        ("", False),
    ],
)
def test_web_urls(url: str, link: bool) -> None:
    assert (page.web(url) == url != "") is link


def test_doi_links_are_encoded() -> None:
    assert page.doi_url("10.48550/arXiv.2210.17323") == "https://doi.org/10.48550/arXiv.2210.17323"
    assert page.doi_url('10.1/x"><svg onload=1>#?') == (
        "https://doi.org/10.1/x%22%3E%3Csvg%20onload=1%3E%23%3F"
    )
    assert page.doi_url("") == page.doi_url("  ") == ""


def test_exports_of_the_hostile_list_are_complete(built: Built) -> None:
    """Every record is a row and an entry: nothing dropped to make the page safe."""
    files = exports.render(built.items)
    html = files["index.html"]
    assert html.count("<li data-key=") == len(built.items) == len(MARKUP) + len(BAD_URLS) + 2
    assert files["papers.bib"].count("\n@") + 1 == len(built.items)
    venue_files = [f for f in files if f.startswith("by-venue/")]
    assert venue_files and max(map(len, venue_files)) <= len("by-venue/.bib") + exports.SLUG_MAX


def test_the_script_builds_no_html() -> None:
    """page.js puts text into the page only as text: no HTML or code from strings."""
    from importlib import resources

    js = (resources.files("refkit") / "web" / "page.js").read_text(encoding="utf-8")
    sinks = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
             "Function(", "setAttribute", "srcdoc", "createContextualFragment", "DOMParser"]  # fmt: skip
    assert [s for s in sinks if s in js] == []
    # the one URL the script makes is the Download's blob: URL
    assert re.findall(r"\.href = ([^;]+);", js) == ["URL.createObjectURL(blob)"]
