"""The lock file: TOML that round-trips, sorted for small diffs, written only when it changes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _tomli_w(data: lock.Lock) -> str:
    """The lock as tomli_w writes it: what `lock.dumps` must give, byte for byte."""
    import tomli_w

    records = {rid: dict(sorted(data[rid].items())) for rid in sorted(data)}
    return (
        lock.dumps({}).split("\n", 1)[0]
        + "\n"
        + tomli_w.dumps({"version": lock.VERSION, "records": records})
    )


# Mostly the keys and strings a lock holds (written by dumps itself), some that need escapes.
_bare = st.text("abcXYZ019_-", min_size=1, max_size=8)
_text = st.one_of(
    _bare,
    st.text(st.characters(codec="utf-8", exclude_characters='"\\'), max_size=10),
    st.text(st.characters(codec="utf-8"), max_size=10),
)
_value = st.one_of(
    _text,
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.lists(_text, max_size=3),
    st.dictionaries(_text, st.one_of(_text, st.lists(st.dictionaries(_text, _text)))),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.one_of(_bare, _text), st.dictionaries(st.one_of(_bare, _text), _value, max_size=5)
    )
)
def test_dumps_writes_what_tomli_w_writes_and_round_trips(data: lock.Lock) -> None:
    """dumps writes plain tables itself (fast) and the rest through tomli_w: the text is the
    same either way, for any keys and values, and loads back."""
    text = lock.dumps(data)
    assert text == _tomli_w(data)
    assert tomllib.loads(text)["records"] == data


def test_dumps_of_the_committed_lock_is_the_committed_text() -> None:
    path = Path(__file__).resolve().parent.parent / "refkit.lock"
    assert lock.dumps(lock.load(path)) == path.read_text(encoding="utf-8")
