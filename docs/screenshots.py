"""Screenshots of exports/index.html for the README, taken with the tests' browser (Debian's
chromium through Playwright): desktop in light mode with a search and a selection, and a phone's
width in dark mode.

Run from the repository root after `refkit export --all`: `python docs/screenshots.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402

PAGE = ROOT / "exports" / "index.html"


def main() -> None:
    url = PAGE.as_uri()
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1280, "height": 860}, color_scheme="light")
        pg = ctx.new_page()
        picked = "frantar2023gptq,shao2023omniquant,hooper2024kvquant"
        pg.goto(f"{url}#q=quant&keyword=quantization&sel={picked}")
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(ROOT / "docs" / "page-desktop.png"))
        ctx.close()
        ctx = browser.new_context(
            viewport={"width": 390, "height": 844}, color_scheme="dark", device_scale_factor=2
        )
        pg = ctx.new_page()
        pg.goto(url + "#venue=ICLR&sel=frantar2023gptq")
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(ROOT / "docs" / "page-phone.png"))
        ctx.close()
    print("wrote docs/page-desktop.png and docs/page-phone.png")


if __name__ == "__main__":
    main()
