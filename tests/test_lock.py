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


def _read_both(text: str) -> tuple[lock.Lock | None, lock.Lock | str]:
    """(the fast reader's answer, tomllib's records or its error)."""
    try:
        records = tomllib.loads(text).get("records", {})
    except tomllib.TOMLDecodeError as exc:
        records = f"error: {exc}"
    return lock._fast(text), records


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.one_of(_bare, _text), st.dictionaries(st.one_of(_bare, _text), _value, max_size=5)
    )
)
def test_the_fast_reader_reads_what_tomllib_reads(data: lock.Lock) -> None:
    """Wherever the fast reader answers, tomllib reads the same records; it answers for every
    lock of plain strings, integers and lists of plain strings (most of a real lock)."""
    text = lock.dumps(data)
    fast, slow = _read_both(text)
    assert slow == data
    assert fast is None or fast == slow
    plain = all(
        type(v) is int
        or (type(v) is str and lock._PLAIN.fullmatch(v))
        or (type(v) is list and all(type(x) is str and lock._PLAIN.fullmatch(x) for x in v))
        for entry in data.values()
        for v in entry.values()
    ) and all(lock._PLAIN.fullmatch(r) for r in data)
    keys_bare = all(lock._BARE.fullmatch(k) for entry in data.values() for k in entry)
    if plain and keys_bare and data:  # (an empty lock is `records = {}`: tomllib reads it)
        assert fast == data


_EDITS = [
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace(' = "', '="', 1),
    lambda t: t.replace('key = "', 'key = "a\\tb', 1),
    lambda t: t.replace("\n[", "\n[ ", 1),
    lambda t: t + t.split("\n\n", 1)[1],  # every table twice
    lambda t: t.replace('key = "', 'key = "x"\nkey = "', 1),  # a field twice
    lambda t: t.replace("version = 1", "version = 01"),
    lambda t: t.replace("version = 1", "other = 1"),
    lambda t: t.replace("version = 1", "records = 1"),
    lambda t: t.replace('key = "', 'key = 007\nold = "', 1),
    lambda t: t.replace('key = "', 'key = 9223372036854775808\nold = "', 1),
    lambda t: t.replace('key = "', 'key = -0\nold = "', 1),
    lambda t: t.replace('key = "', 'key = +1\nold = "', 1),
    lambda t: t.replace('key = "', 'key = 1_000\nold = "', 1),
    lambda t: t.replace('key = "', 'key = true\nold = "', 1),
    lambda t: t.replace('key = "', "key = 'literal'\nold = \"", 1),
    lambda t: t.replace('key = "', 'key = [\n    "a",\n    "b"\n]\nold = "', 1),  # no comma
    lambda t: t.replace('key = "', 'key = [\n    "a",\n\n]\nold = "', 1),
    lambda t: t.replace('key = "', 'key = [\nold = "', 1),  # never closed
    lambda t: t.replace('key = "', '# a comment\nkey = "', 1),
    lambda t: t.replace('key = "', '# bad \x01 comment\nkey = "', 1),
    lambda t: t.replace('key = "', 'key = "" # trailing\nold = "', 1),
    lambda t: t.replace("[records.", "[records.x.", 1),
    lambda t: t.replace("[records.", "[records]\n[records.", 1),
    lambda t: t.replace('key = "', 'key = "\x7f"\nold = "', 1),
    lambda t: t.replace('key = "', 'ké = "x"\nkey = "', 1),
    lambda t: t.replace('[records."', "[records.", 1),
]


@pytest.mark.parametrize("edit", range(len(_EDITS)))
def test_the_fast_reader_gives_way_on_anything_else(edit: int) -> None:
    """Hand-edited locks: the fast reader answers as tomllib does, or leaves it to tomllib
    (whose error the user then sees)."""
    path = Path(__file__).resolve().parent.parent / "refkit.lock"
    text = _EDITS[edit](path.read_text(encoding="utf-8"))
    fast, slow = _read_both(text)
    assert fast is None or fast == slow, (fast is None, str(slow)[:200])


def test_the_committed_lock_takes_the_fast_reader() -> None:
    path = Path(__file__).resolve().parent.parent / "refkit.lock"
    fast, slow = _read_both(path.read_text(encoding="utf-8"))
    assert fast is not None and fast == slow and len(fast) > 100
