"""URLs as every format can carry them: only the characters RFC 3986 allows, so `\\url` (url.sty,
hyperref, biblatex) typesets them and BibTeX's brace count holds.

Everything else (spaces, `\\ { } ^ | < > "` and backquote, control characters, non-ASCII) is
percent-encoded as UTF-8; an existing `%XX` stays, a `%` that starts no escape becomes `%25`, a
second `#` becomes `%23`. Encoding twice gives the same text.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote, urlsplit

ALLOWED = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_CLEAN = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*")  # ALLOWED as a regex: the fast check
# http(s), a host of ASCII characters without brackets, then printable ASCII: a URL urlsplit
# reads as http(s) with that host (no whitespace or controls for it to strip or drop; no IPv6
# brackets to check). Spelled without re.IGNORECASE, which lets [A-Za-z] match "K" (Kelvin).
_WEB = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9\-._~!$&'()*+,;=:@%]+(?:[/?#][!-~]*)?")


def encode(url: str) -> str:
    """`url` (outer whitespace stripped) with every character RFC 3986 does not allow encoded."""
    url = url.strip()
    if _CLEAN.fullmatch(url) and url.count("#") <= 1:
        return url
    out: list[str] = []
    fragment = False
    i = 0
    while i < len(url):
        char = url[i]
        if char == "%" and _ESCAPE.match(url, i):
            out.append(url[i : i + 3])
            i += 3
            continue
        if char == "#" and not fragment:
            fragment = True
            out.append(char)
        elif char in ALLOWED and char != "#":
            out.append(char)
        else:
            out.append(quote(char, safe="", errors="replace"))
        i += 1
    return "".join(out)


def is_web(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host."""
    if _WEB.fullmatch(url):
        return True  # what urlsplit says of it, without splitting (a fifth of the cost)
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
