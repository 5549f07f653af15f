"""Page benchmark: exports/index.html for the list and for 10,000 synthetic records, in headless
Chromium (Debian's chromium through Playwright, as the tests run it).

Run from the repository root: `python bench/page.py [--repeat 3] [--sizes 125,10000]`. Prints a
table; asserts nothing. Targets (issue #10): file <= 30 MB at 10,000 records (<= 1 MB for the
list), first render <= 1.5 s, search <= 100 ms per keystroke.

first render: navigation start -> first contentful paint, and -> the script's `refkit-ready`
mark (filters and selection wired). keystroke: the key's event time -> the frame after the
list updated (requestAnimationFrame, then a task), typing "quantization" then deleting it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export import synthetic  # noqa: E402  (bench/export.py: clones of the real items)

from refkit import page  # noqa: E402
from refkit.enrich import Options  # noqa: E402
from refkit.pipeline import load  # noqa: E402
from tests.browser import chromium  # noqa: E402

WORD = "quantization"
PROBE = """() => {
  window.__lat = [];
  document.querySelector('input[type="search"]').addEventListener("keydown", (e) => {
    const t0 = e.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t0), 0));
  });
}"""


def first_render(browser: Any, url: str) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(url)
    pg.wait_for_function(
        "() => performance.getEntriesByName('refkit-ready').length > 0"
        " && performance.getEntriesByName('first-contentful-paint').length > 0"
    )
    fcp, ready = pg.evaluate(
        "[performance.getEntriesByName('first-contentful-paint')[0].startTime,"
        " performance.getEntriesByName('refkit-ready')[0].startTime]"
    )
    ctx.close()
    return fcp, ready


def keystrokes(browser: Any, url: str) -> tuple[list[float], int]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = ctx.new_page()
    pg.goto(url)
    pg.wait_for_function("() => performance.getEntriesByName('refkit-ready').length > 0")
    pg.evaluate(PROBE)
    pg.focus('input[type="search"]')
    keys = list(WORD) + ["Backspace"] * len(WORD)
    for n, key in enumerate(keys, 1):
        pg.keyboard.press(key)
        pg.wait_for_function(f"() => window.__lat.length >= {n}")
    lat: list[float] = pg.evaluate("window.__lat")
    shown = pg.locator("li[data-key]:not([hidden])").count()
    ctx.close()
    return lat, shown


def copy_all(browser: Any, url: str) -> tuple[float, int]:
    """Select all, then Copy in CSL-JSON (the largest format): click -> status says Copied."""
    ctx = browser.new_context()
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = ctx.new_page()
    pg.goto(url)
    pg.wait_for_function("() => performance.getEntriesByName('refkit-ready').length > 0")
    pg.click("#select-shown")  # ids, not roles: a role query walks 10,000 buttons
    pg.select_option('select[name="format"]', "csl-json")
    start = time.perf_counter()
    pg.click("#copy")
    pg.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Copied')")
    took = time.perf_counter() - start
    size = len(pg.evaluate("navigator.clipboard.readText()").encode())
    ctx.close()
    return took, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="125,10000")
    args = parser.parse_args()
    items = load(ROOT / "meta", Options(mode="frozen")).items
    print(f"refkit page benchmark: python {sys.version.split()[0]}, best of {args.repeat}")
    print(
        f"  {'records':>8} {'file MB':>8} {'data':>6} {'build s':>8} {'FCP ms':>7} "
        f"{'ready ms':>9} {'key ms med':>11} {'key ms max':>11} {'copy all s':>11}"
    )
    with chromium() as browser, tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            batch = items if n == len(items) else synthetic(items, n)
            start = time.perf_counter()
            html = page.render(batch)
            build = time.perf_counter() - start
            path = Path(tmp) / f"page-{n}.html"
            path.write_text(html, encoding="utf-8")
            url = path.as_uri()
            renders = [first_render(browser, url) for _ in range(args.repeat)]
            fcp = min(r[0] for r in renders)
            ready = min(r[1] for r in renders)
            lats = [keystrokes(browser, url) for _ in range(args.repeat)]
            best = min(lats, key=lambda r: max(r[0]))
            copy_s, copied = copy_all(browser, url)
            kind = "gzip" if 'type="application/gzip+base64"' in html else "json"
            print(
                f"  {n:>8,} {len(html.encode()) / 1e6:>8.2f} {kind:>6} {build:>8.2f} {fcp:>7.0f} "
                f"{ready:>9.0f} {statistics.median(best[0]):>11.1f} {max(best[0]):>11.1f} "
                f"{copy_s:>11.2f}   ({copied / 1e6:.1f} MB copied; {best[1]} rows shown after)"
            )
    print("  targets: file <= 30 MB (list <= 1 MB), first render <= 1500 ms, keystroke <= 100 ms")


if __name__ == "__main__":
    main()
