"""Every test runs without the user's config file, cache or Zotero state: each gets its own. The
browser fixture serves the page's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from refkit import config

from .browser import chromium, missing


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("refkit-home")
    monkeypatch.setenv("REFKIT_CONFIG", str(home / "config.toml"))  # absent: defaults
    monkeypatch.setenv("REFKIT_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("REFKIT_STATE_DIR", str(home / "state"))
    monkeypatch.setenv("REFKIT_S2_URL", "off")  # tests that want S2 or DBLP start a local one
    monkeypatch.setenv("REFKIT_DBLP_URL", "off")
    monkeypatch.delenv("REFKIT_S2_API_KEY", raising=False)
    monkeypatch.delenv("REFKIT_MAILTO", raising=False)
    monkeypatch.delenv("ZOTERO_API_KEY", raising=False)
    config._file.cache_clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one per test module (the page's tests); skipped
    without it, except in CI (CI=true), where a missing browser fails."""
    why = missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the page's browser tests must run in CI: {why}")
        pytest.skip(why)
    with chromium() as b:
        yield b
