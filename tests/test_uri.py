"""URLs as every format carries them: RFC 3986 characters only, idempotent; http(s) check."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refkit import uri


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://example.org/q%26a.pdf#page=2", "https://example.org/q%26a.pdf#page=2", id="kept"),
        pytest.param(" https://x.org/a b ", "https://x.org/a%20b", id="space"),
        pytest.param("https://x.org/a\\b", "https://x.org/a%5Cb", id="backslash"),
        pytest.param("https://x.org/{a}^|`<>\"", "https://x.org/%7Ba%7D%5E%7C%60%3C%3E%22", id="specials"),
        pytest.param("https://x.org/naïve/😀", "https://x.org/na%C3%AFve/%F0%9F%98%80", id="non-ascii"),
        pytest.param("https://x.org/50%-off", "https://x.org/50%25-off", id="bare-percent"),
        pytest.param("https://x.org/#a#b", "https://x.org/#a%23b", id="second-hash"),
        pytest.param("https://x.org/\x01\n", "https://x.org/%01", id="control"),
        pytest.param("https://github.com/a_b/c~d?x=1&y=$;'()*+,=@!", "https://github.com/a_b/c~d?x=1&y=$;'()*+,=@!", id="allowed"),
    ],
)  # fmt: skip
def test_encode(url: str, expected: str) -> None:
    assert uri.encode(url) == expected
    assert uri.encode(expected) == expected


@pytest.mark.parametrize(
    ("url", "web"),
    [("https://x.org", True), ("HTTP://x.org/a", True), ("ftp://x.org", False),
     ("x.org/a", False), ("file:///etc", False), ("http://", False), ("http://[::1", False)],
)  # fmt: skip
def test_is_web(url: str, web: bool) -> None:
    assert uri.is_web(url) is web


def test_fast_check_allows_exactly_the_rfc_3986_characters() -> None:
    """The regular expression that lets a clean URL skip encoding admits exactly ALLOWED."""
    for char in map(chr, range(0x3000)):
        assert bool(uri._CLEAN.fullmatch(char)) == (char in uri.ALLOWED), repr(char)


def _split_rule(url: str) -> bool:
    """is_web as urlsplit decides it (what its fast check must agree with)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


URL_PIECES = ["http", "HTTPS", "hTtP", "s", ":", "//", "/", "x.org", "K", "ſ", "é", "[", "]",
              "::1", "@", "%", "?", "#", " ", "\t", "\n", "\x00", "a", "1", "-", "~"]  # fmt: skip


@given(st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join))
def test_is_web_agrees_with_urlsplit(url: str) -> None:
    assert uri.is_web(url) == _split_rule(url)
    assert uri.is_web("https://" + url) == _split_rule("https://" + url)
