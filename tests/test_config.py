"""Settings: environment first, then the config file, then defaults; a broken file is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit import config
from refkit.enrich import Options
from refkit.errors import InputError


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file, and an environment without refkit's variables."""
    for env, _ in config.SETTINGS.values():
        monkeypatch.delenv(env, raising=False)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("REFKIT_CONFIG", str(path))
    config._file.cache_clear()
    yield path
    config._file.cache_clear()


def test_file_then_environment(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.write_text(
        '[crossref]\nmailto = "lab@example.org"\nurl = "http://127.0.0.1:1"\n[zotero]\napi_key = "abc"\n'
    )
    assert config.get("mailto") == "lab@example.org"
    assert config.get("zotero_api_key") == "abc"
    assert config.get("arxiv_url") is None
    opts = Options.from_env(mode="frozen")
    assert (opts.mailto, opts.crossref_url, opts.mode) == (
        "lab@example.org",
        "http://127.0.0.1:1",
        "frozen",
    )
    assert opts.arxiv_url == "https://export.arxiv.org/api/query"
    monkeypatch.setenv("REFKIT_MAILTO", "me@example.org")
    assert Options.from_env().mailto == "me@example.org"


def test_no_file_means_defaults(cfg: Path) -> None:
    assert config.get("mailto") is None
    assert Options.from_env().crossref_url == "https://api.crossref.org"


@pytest.mark.parametrize("text", ["[crossref\n", 'crossref = "x"\n'], ids=["syntax", "not-a-table"])
def test_broken_file_names_itself(cfg: Path, text: str) -> None:
    cfg.write_text(text)
    with pytest.raises(InputError, match=str(cfg)):
        config.get("mailto")
