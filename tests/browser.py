"""Debian's chromium driven by Playwright, for the page's tests, its bench and its screenshots.

Playwright's own browser download cannot run here (only package registries are reachable), so
it drives the system browser (`apt-get install chromium`, see .ci/install). Each launch gets a
fresh temporary profile (Playwright's own --user-data-dir)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = os.environ.get("REFKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing() -> str:
    """Why the browser cannot run here, or "" when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not found (apt-get install chromium, or set REFKIT_CHROMIUM)"
    return ""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless chromium; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
