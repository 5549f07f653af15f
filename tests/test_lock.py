"""The lock file: TOML that round-trips, sorted for small diffs, written only when it changes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from refkit import lock
from refkit.errors import InputError


def test_round_trip_sorted_and_unchanged_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "refkit.lock"
    data = {
        "2024/b": {"key": "b2024x", "doi": "none"},
        "2023/a": {"key": "a2023y", "authors": ["A", "B"]},
    }
    assert lock.save(data, path) is True
    text = path.read_text()
    assert text.index('[records."2023/a"]') < text.index('[records."2024/b"]')
    assert text.index("doi =") < text.index('key = "b2024x"')
    assert tomllib.loads(text)["version"] == lock.VERSION
    assert lock.load(path) == data
    mtime = path.stat().st_mtime_ns
    assert lock.save(dict(reversed(list(data.items()))), path) is False
    assert path.stat().st_mtime_ns == mtime


def test_missing_file_is_an_empty_lock(tmp_path: Path) -> None:
    assert lock.load(tmp_path / "refkit.lock") == {}


@pytest.mark.parametrize("text", ["records = [", "records = 3\n"], ids=["syntax", "shape"])
def test_a_broken_lock_says_where_and_what_to_do(tmp_path: Path, text: str) -> None:
    path = tmp_path / "refkit.lock"
    path.write_text(text)
    with pytest.raises(InputError, match="refkit.lock: .*delete it to rebuild"):
        lock.load(path)


def test_lock_sits_beside_meta(tmp_path: Path) -> None:
    assert lock.path_for(tmp_path / "meta") == tmp_path.resolve() / "refkit.lock"
