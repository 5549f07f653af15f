"""exports/index.html in a real browser (Debian's chromium through Playwright): what the page
copies and downloads is byte for byte what `refkit export --format F --key ...` prints.

The list under test is the committed one plus a record with accents, HTML specials and TeX math
in its title, an unknown keyword and no code. Outside CI a missing browser skips these tests;
with CI=true it fails them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from refkit import page as pagemod
from refkit.errors import OutputError
from refkit.normalize import load_items

from .cli import CLOSED, copy_list

FILES = {
    "bib": "refkit-selection.bib",
    "biblatex": "refkit-selection.bib",
    "csl-json": "refkit-selection.json",
    "ris": "refkit-selection.ris",
}
ODD = """paper {
  title: "\\u00dcber <script>alert(1)</script> & \\"Quotes\\": Sparse H$_2$O Attention"
  abbr: "\\u00dcberSparse"
  url: "https://arxiv.org/abs/2401.00001"
  authors: "Zo\\u00eb M\\u00fcller"
  authors: "Jos\\u00e9 \\u00d1\\u00fa\\u00f1ez"
}
pub {
  where: "NeurIPS"
  year: 2024
}
keyword {
  words: sparse_pruning
  words: brand_new_topic
}
"""


@dataclass
class Site:
    root: Path  # the list's copy: meta/, refkit.lock, exports/
    html: Path

    @property
    def url(self) -> str:
        return self.html.as_uri()


def run_cli(root: Path, *args: str) -> bytes:
    """What `refkit ARGS` prints on stdout, as bytes (RIS lines end in CR LF)."""
    env = {**os.environ, "REFKIT_CROSSREF_URL": CLOSED, "REFKIT_ARXIV_URL": CLOSED}
    cmd = [sys.executable, "-m", "refkit", *args]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@cache
def _cli_cached(root: str, fmt: str, keys: tuple[str, ...]) -> bytes:
    args = [a for k in keys for a in ("--key", k)]
    return run_cli(Path(root), "export", "--frozen", "--format", fmt, *args)


def cli(site: Site, fmt: str, keys: list[str]) -> bytes:
    """`refkit export --frozen --format FMT --key K1 --key K2 ...`, keys in the given order."""
    return _cli_cached(str(site.root), fmt, tuple(keys))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = copy_list(tmp_path_factory.mktemp("page"))
    (root / "meta" / "2024" / "uber.prototxt").write_text(ODD, encoding="utf-8")
    run_cli(root, "export", "--all", "--frozen")
    return Site(root, root / "exports" / "index.html")


@pytest.fixture
def errors() -> list[str]:
    return []


def watch(ctx: Any, errors: list[str]) -> None:
    """Collect the console's errors and warnings and uncaught exceptions of `ctx`'s pages."""
    ctx.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    ctx.on("weberror", lambda e: errors.append(str(e.error)))


@pytest.fixture
def context(browser: Any, errors: list[str]) -> Iterator[Any]:
    """A browser context whose pages must log no error or warning (checked at teardown)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    watch(ctx, errors)
    yield ctx
    ctx.close()
    assert not errors, f"browser console: {errors}"


@pytest.fixture
def page(context: Any, site: Site) -> Any:
    pg = context.new_page()
    pg.goto(site.url)
    return pg


def shown(pg: Any) -> list[str]:
    """The keys of the rows on screen, in page order."""
    return pg.eval_on_selector_all("li[data-key]:not([hidden])", "els => els.map(e => e.dataset.key)")  # fmt: skip


def checked(pg: Any) -> list[str]:
    return pg.eval_on_selector_all(
        "li[data-key]:has(input:checked)", "els => els.map(e => e.dataset.key)"
    )


def box(pg: Any, key: str) -> Any:
    return pg.locator(f'li[data-key="{key}"] input[type="checkbox"]')


def copied(pg: Any) -> bytes:
    """Press Copy and read the clipboard (emptied first, so stale text cannot pass)."""
    pg.evaluate("navigator.clipboard.writeText('')")
    pg.get_by_role("button", name="Copy", exact=True).click()
    pg.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Copied')")
    return pg.evaluate("navigator.clipboard.readText()").encode("utf-8")


def downloaded(pg: Any) -> tuple[str, bytes]:
    with pg.expect_download() as info:
        pg.get_by_role("button", name="Download").click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def check(pg: Any, site: Site, fmt: str, keys: list[str]) -> None:
    """Copy and Download in `fmt` give exactly the CLI's output for `keys`."""
    assert sorted(checked(pg)) == sorted(keys)
    pg.select_option('select[name="format"]', fmt)
    expected = cli(site, fmt, keys)
    assert copied(pg) == expected
    assert downloaded(pg) == (FILES[fmt], expected)


@pytest.mark.parametrize("fmt", ["bib", "biblatex", "csl-json", "ris"])
def test_copy_and_download_are_the_clis_output(
    page: Any, site: Site, fmt: str, errors: list[str]
) -> None:
    page.fill('input[type="search"]', "quant")
    rows = shown(page)
    assert len(rows) >= 5
    box(page, rows[0]).click()
    box(page, rows[3]).click(modifiers=["Shift"])  # a range: rows 0..3
    picked = rows[:4]
    page.fill('input[type="search"]', "")
    page.select_option('select[name="venue"]', "arXiv")
    arxiv = [k for k in shown(page) if k not in picked]
    later, earlier = max(arxiv[:6]), min(arxiv[:6])
    box(page, later).click()  # clicked out of key order: the CLI sorts, so must the page
    box(page, earlier).click()
    picked += [later, earlier]
    assert page.locator("#count").text_content() == "6 selected"
    check(page, site, fmt, picked)
    assert b"@" in cli(site, "bib", picked) and not errors


def test_the_odd_record_survives_html_and_json(page: Any, site: Site, errors: list[str]) -> None:
    """Accents, `<script>`, quotes and TeX math: searchable without accents, shown as text (math
    as Unicode), and
    copied exactly (the data element is not cut short by a `</script>` in a title)."""
    page.fill('input[type="search"]', "zoe muller uber")
    (key,) = shown(page)
    title = page.locator(f'li[data-key="{key}"] .t a').text_content()
    # math is shown as Unicode text, as RIS and Zotero get it
    assert title == 'Über <script>alert(1)</script> & "Quotes": Sparse H₂O Attention'
    page.fill('input[type="search"]', "NUNEZ")
    assert shown(page) == [key]
    box(page, key).click()
    for fmt in FILES:
        check(page, site, fmt, [key])
    assert not errors


def test_select_all_shown_matches_the_clis_filters(page: Any, site: Site) -> None:
    """The page's venue/year/keyword filters pick what the CLI's --venue/--year/--keyword pick."""
    page.select_option('select[name="year"]', "2023")
    page.select_option('select[name="keyword"]', "quantization")
    keys = shown(page)
    assert keys and len(keys) < 40
    label = page.locator('select[name="keyword"] option[value="quantization"]').text_content()
    assert label == f"quantization ({len(keys)})"
    page.get_by_role("button", name="Select all shown").click()
    assert page.locator("#count").text_content() == f"{len(keys)} selected"
    args = ["--year", "2023", "--keyword", "quantization", "--format", "bib"]
    assert copied(page) == run_cli(site.root, "export", "--frozen", *args)
    page.select_option('select[name="year"]', "")
    page.select_option('select[name="keyword"]', "")
    page.select_option('select[name="venue"]', "ICLR")
    assert page.locator("#count").text_content() == f"{len(keys)} selected"  # kept when hidden
    page.get_by_role("button", name="Clear selection").click()
    page.get_by_role("button", name="Select all shown").click()
    args = ["--venue", "ICLR", "--format", "ris"]
    page.select_option('select[name="format"]', "ris")
    assert copied(page) == run_cli(site.root, "export", "--frozen", *args)


def test_the_fragment_reproduces_the_view(context: Any, page: Any, site: Site) -> None:
    page.fill('input[type="search"]', "sparse")
    page.select_option('select[name="sort"]', "title")
    page.select_option('select[name="format"]', "csl-json")
    rows = shown(page)
    box(page, rows[2]).click()
    box(page, rows[0]).click()
    page.wait_for_function("() => location.hash.includes('sel=')")  # written 250 ms after a change
    url = page.url
    assert "q=sparse" in url and "format=csl-json" in url and "sort=title" in url
    again = context.new_page()
    again.goto(url)
    assert shown(again) == rows  # same rows, same (title) order
    assert checked(again) == checked(page) and len(checked(again)) == 2
    assert again.input_value('select[name="format"]') == "csl-json"
    assert again.input_value('input[type="search"]') == "sparse"
    titles = again.eval_on_selector_all(
        'section[data-venue="arXiv"] li:not([hidden]) .t', "els => els.map(e => e.textContent)"
    )
    assert titles == sorted(titles, key=str.casefold) or len(titles) < 2
    # a link someone pasted: changing only the fragment re-applies it
    again.evaluate("location.hash = '#venue=ICML&sel=frantar2023gptq'")
    again.wait_for_function("() => document.querySelector('#count').textContent === '1 selected'")
    venues = again.eval_on_selector_all(
        "li[data-key]:not([hidden])", "els => els.map(e => e.closest('section').dataset.venue)"
    )
    assert venues and set(venues) == {"ICML"}
    assert checked(again) == ["frantar2023gptq"]
    assert again.input_value('select[name="venue"]') == "ICML"


def test_keyboard_alone_selects_and_copies(page: Any, site: Site) -> None:
    def focused() -> dict[str, str]:
        return page.evaluate(
            "(() => { const e = document.activeElement; return {tag: e.tagName, type: e.type"
            " || '', id: e.id, key: e.closest('li') ? e.closest('li').dataset.key : '',"
            " outline: getComputedStyle(e).outlineStyle}; })()"
        )

    def tab_to(test: Any, back: bool = False, limit: int = 80) -> dict[str, str]:
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if back else "Tab")
            now = focused()
            if test(now):
                return now
        raise AssertionError("focus never reached the control")

    tab_to(lambda f: f["type"] == "search")
    page.keyboard.type("gptq")
    first = tab_to(lambda f: f["type"] == "checkbox")
    assert first["outline"] != "none"  # visible focus
    page.keyboard.press("Space")
    tab_to(lambda f: f["id"] == "copy", back=True)
    page.evaluate("navigator.clipboard.writeText('')")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#status').textContent.startsWith('Copied')"
    )
    got = page.evaluate("navigator.clipboard.readText()").encode()
    assert got == cli(site, "bib", [first["key"]])


def test_cite_shows_one_entry(page: Any, site: Site) -> None:
    page.select_option('select[name="format"]', "biblatex")
    row = page.locator('li[data-key="frantar2023gptq"]')
    row.get_by_role("button", name="Cite").click()
    dialog = page.locator("dialog[open]")
    assert dialog.locator("pre").text_content().encode() == cli(site, "biblatex", ["frantar2023gptq"])  # fmt: skip
    page.keyboard.press("Escape")
    assert page.locator("dialog[open]").count() == 0
    assert page.evaluate("document.activeElement.closest('li').dataset.key") == "frantar2023gptq"


def test_console_errors_are_seen(browser: Any, site: Site) -> None:
    """The console check of every test can fail: an error and an exception are both caught."""
    ctx = browser.new_context()
    errors: list[str] = []
    watch(ctx, errors)
    pg = ctx.new_page()
    pg.goto(site.url)
    pg.evaluate("console.error('logged'); setTimeout(() => { throw new Error('thrown'); })")
    pg.wait_for_timeout(200)
    ctx.close()
    assert any("logged" in e for e in errors) and any("thrown" in e for e in errors), errors


def test_the_list_shows_without_javascript(browser: Any, site: Site) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(site.url)
    n = len(load_items(site.root / "meta"))
    assert pg.locator("li[data-key]:visible").count() == n == 125
    assert pg.locator("section h2").first.text_content() == "AAAI (2)"
    assert pg.locator('li[data-key="frantar2023gptq"] .t a').get_attribute("href")
    assert pg.locator("#controls").is_hidden() and pg.locator("button.cite").first.is_hidden()
    assert "need JavaScript" in pg.locator("p.warn").inner_text()
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_width_and_colour_schemes(browser: Any, site: Site, scheme: str) -> None:
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme=scheme)
    errors: list[str] = []
    watch(ctx, errors)
    pg = ctx.new_page()
    pg.goto(site.url + "#sel=frantar2023gptq")
    width = pg.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll at phone width: {width}"
    bg, fg = pg.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    assert _luminance(bg) != _luminance(fg)
    assert (_luminance(bg) < 0.2) == (scheme == "dark")
    assert _contrast(bg, fg) >= 7
    for sel in ("#copy", ".m", "a"):  # the Copy button, the muted line, links: WCAG AA
        back, front = pg.eval_on_selector(
            sel, "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
        )
        back = bg if back == "rgba(0, 0, 0, 0)" else back
        assert _contrast(back, front) >= 4.5, (sel, back, front)
    ctx.close()
    assert not errors


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_a_tampered_entry_is_caught(context: Any, site: Site, tmp_path: Path) -> None:
    """The comparison can fail: change one embedded entry and `check` must notice."""
    text = site.html.read_text(encoding="utf-8")
    start = text.index(">", text.index('id="refkit-data"')) + 1
    end = text.index("</script>", start)
    data = json.loads(text[start:end])
    i = int(re.findall(r'data-key="frantar2023gptq" data-i="(\d+)"', text)[0])
    entries = data["formats"]["bib"]["entries"]
    assert entries[i].startswith("@inproceedings{frantar2023gptq,")
    entries[i] = entries[i].replace("Accurate", "Accurrate", 1)  # one letter, one format
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    bad = tmp_path / "index.html"
    bad.write_text(text[:start] + blob + text[end:], encoding="utf-8")
    pg = context.new_page()
    pg.goto(bad.as_uri())
    box(pg, "frantar2023gptq").click()
    with pytest.raises(AssertionError):
        check(pg, site, "bib", ["frantar2023gptq"])
    check(pg, site, "ris", ["frantar2023gptq"])  # the other formats are untouched


def test_a_compressed_page_copies_the_same(context: Any, site: Site, tmp_path: Path) -> None:
    """Large lists embed the entries gzip+base64; the copied text is the same."""
    from refkit.enrich import Options
    from refkit.pipeline import load

    items = load(site.root / "meta", Options(mode="frozen")).items
    html = pagemod.render(items, compress=True)
    assert 'type="application/gzip+base64"' in html
    out = tmp_path / "index.html"
    out.write_text(html, encoding="utf-8")
    pg = context.new_page()
    pg.goto(out.as_uri())
    pg.fill('input[type="search"]', "sparse")
    keys = shown(pg)[:5]
    for k in keys:
        box(pg, k).click()
    for fmt in FILES:
        check(pg, site, fmt, keys)


# ---- without a browser


def test_the_page_is_self_contained_and_small(site: Site) -> None:
    text = site.html.read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", text)
    assert "@import" not in text and "url(" not in text and "fetch(" not in text
    assert len(text.encode()) <= 1_000_000
    n = len(load_items(site.root / "meta"))
    assert text.count("<li data-key=") == n
    for hook in ('<input type="search"', '<select name="format">', ">Download</button>"):
        assert hook in text
    assert re.findall(r'<select name="format">(.*?)</select>', text)[0].count("<option") == 4


def test_check_covers_the_page(site: Site, tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    run_cli(root, "export", "--all", "--frozen")
    page_file = root / "exports" / "index.html"
    page_file.write_text(page_file.read_text().replace("browse and cite", "x"), encoding="utf-8")
    env = {**os.environ, "REFKIT_CROSSREF_URL": CLOSED, "REFKIT_ARXIV_URL": CLOSED}
    cmd = [sys.executable, "-m", "refkit", "export", "--all", "--check"]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "index.html" in done.stderr


def test_render_refuses_a_frame_the_writer_does_not_use(monkeypatch: pytest.MonkeyPatch) -> None:
    items = load_items(Path(__file__).resolve().parent.parent / "meta")[:3]
    wrong = pagemod.Frame("ris", "", "\n", "", "", "x.ris", "text/plain", "RIS")  # not CR LF
    monkeypatch.setitem(pagemod.FRAMES, "ris", wrong)
    with pytest.raises(OutputError, match="ris writer's output for the whole list"):
        pagemod.render(items)


def test_rows_link_the_paper_code_doi_and_published_version() -> None:
    items = load_items(Path(__file__).resolve().parent.parent / "meta")
    gptq = next(i for i in items if i["id"] == "frantar2023gptq")
    rid = gptq["custom"]["record_id"]

    def row(html: str, key: str) -> str:
        found = re.search(rf'<li data-key="{key}".*?</li>', html)
        assert found, key
        return found.group(0)

    html = pagemod.render(items, {rid: "doi:10.5555/x.1"})
    one = row(html, "frantar2023gptq")
    assert '<a href="https://doi.org/10.5555/x.1">published version</a>' in one
    assert f'<a href="{gptq["custom"]["code_url"]}">code</a>' in one
    assert f'<a id="t{one.split("data-i=")[1].split(chr(34))[1]}" href="{gptq["URL"]}">' in one
    assert "published" not in row(html, next(i["id"] for i in items if i is not gptq))
    with_doi = [i for i in items if i.get("DOI")]
    assert with_doi
    for item in with_doi:
        assert f'href="https://doi.org/{item["DOI"]}">DOI</a>' in row(html, item["id"])
    ref = pagemod.render(items, {rid: "Proc. ICLR 2023 & more"})
    assert "published: Proc. ICLR 2023 &amp; more" in row(ref, "frantar2023gptq")


def test_the_page_is_readable_by_a_web_server(site: Site) -> None:
    """Written like any file (umask), not 0600 as a temporary file: a static server can read it."""
    mask = os.umask(0)
    os.umask(mask)
    assert site.html.stat().st_mode & 0o777 == 0o666 & ~mask
