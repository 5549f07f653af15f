"""`refkit check`: what is wrong in a list, one finding per problem at the line of the field.

Reads the records and refkit.lock; never the network, never writes. Errors: a file that does not
parse or has no title (or year), the same paper twice (ids.py and dupes.py decide identity), a
year before the record's arXiv id was assigned, a paper/code/note URL that is not an absolute
http(s) URL (a note may also be a file name in the list's notes folder, FORMAT.md). Warnings: a
venue label or keyword refkit does not know, a preprint whose published version the lock pins
(as `refkit outdated`), an entry without authors. findings.py writes them out.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from . import dupes, ids, paper_pb2, prototxt, venues
from . import lock as lockfile
from .errors import InputError
from .findings import Finding, Result
from .model import Item
from .normalize import to_item
from .versions import outdated

KEYWORDS = frozenset(paper_pb2.Word.keys())
# The field whose line a duplicate is reported at, by the kind of key the two records share.
_DUPE_FIELD = {"title": "paper.title", "dblp": "paper.title"}


def check(meta_dir: Path, strict: bool = False) -> Result:
    """Every finding in the list under `meta_dir`, in file and line order; `strict` makes the
    warnings errors. Raises `InputError` when there is no list to check."""
    if not meta_dir.is_dir():
        raise InputError(
            f"{meta_dir}: no such directory; run refkit in the list's repository or pass --meta DIR"
        )
    rels = prototxt.files(meta_dir)
    if not rels:
        raise InputError(
            f"{meta_dir}: no *.prototxt records found; add records as meta/<year>/<id>.prototxt"
        )
    found: list[Finding] = []
    records: list[prototxt.Record] = []
    for rel in rels:
        path = meta_dir / rel
        try:
            rec = prototxt.read_one(path, rel)
        except InputError as exc:
            found.append(_unreadable(path, str(exc)))
            continue
        if rec is not None:
            records.append(rec)
    lock = lockfile.load(lockfile.path_for(meta_dir))
    items = [to_item(rec) for rec in records]
    for rec, item in zip(records, items, strict=True):
        found += _record(rec, item)
    found += _duplicates(records, items, lock)
    by_id = {rec.id: rec for rec in records}
    for o in outdated(items, lock):
        rec = by_id[o.record_id]
        found.append(
            _at(
                rec,
                "pub.where",
                "warning",
                "outdated",
                f"this preprint ({o.where} {o.year}) is published as {o.new_where} {o.new_year} "
                f"({o.evidence}); run `refkit outdated --write` to update pub.where and pub.year",
            )
        )
    if strict:
        found = [Finding(**{**f.__dict__, "severity": "error"}) for f in found]
    found.sort(key=lambda f: (f.path.split("/"), f.line, f.column, f.code))
    return Result(found, len(records), len(rels))


def _unreadable(path: Path, message: str) -> Finding:
    """A file `_read` rejected: its message is `path:line[:col]: what ...`."""
    m = re.match(r"(\d+)(?::(\d+))?: (.*)", message.removeprefix(f"{path}:"), re.DOTALL)
    line, column, text = (int(m[1]), int(m[2] or 0), m[3]) if m else (1, 0, message)
    code = "title" if "paper.title" in text else "year" if "pub.year is" in text else "parse"
    return Finding(str(path), line, "error", code, text, column)


def _line(rec: prototxt.Record, name: str) -> int:
    """The line of a field (else of its message, else 1), as `Record.at` finds it."""
    lines = rec.lines or prototxt.field_lines(rec.path)
    return lines.get(name) or lines.get(name.split(".")[0]) or 1


def _at(
    rec: prototxt.Record, name: str, severity: str, code: str, message: str, related: str = ""
) -> Finding:
    """A finding at the line of field `name` of a record."""
    return Finding(str(rec.path), _line(rec, name), severity, code, message, 0, related)


def _record(rec: prototxt.Record, item: Item) -> list[Finding]:
    """The checks that need one record alone."""
    out: list[Finding] = []
    aid = item["custom"].get("arxiv_id") or ids.arxiv(rec.url)
    assigned = ids.arxiv_year(aid) if aid else 0
    if assigned and rec.year < assigned:
        out.append(
            _at(
                rec,
                "pub.year",
                "error",
                "year-before-arxiv",
                f"pub.year is {rec.year}, before arXiv {aid} was assigned ({assigned}); set the "
                f"year the paper appeared ({assigned} or later), e.g. the conference's year",
            )
        )
    for name, url in (
        ("paper.url", rec.url),
        ("code.url", rec.code_url),
        ("note.url", rec.note_url),
    ):
        problem = url_problem(url, file_ok=name == "note.url")
        if problem:
            out.append(_at(rec, name, "error", "url", f"{name} {url.strip()!r} {problem}"))
    label = " ".join(rec.where.split())
    if venues.lookup(label)[0] is None:
        out.append(
            _at(
                rec,
                "pub.where",
                "warning",
                "venue",
                f"venue {label!r} is not in refkit's venue table (exported as a conference of "
                "that name); fix the label if it is a typo, else add the venue to refkit/venues.py",
            )
        )
    unknown = [k for k in dict.fromkeys(rec.keywords) if k not in KEYWORDS]
    lines = _keyword_lines(rec, unknown) if unknown else {}
    for word in unknown:
        out.append(
            Finding(
                str(rec.path),
                lines.get(word) or _line(rec, "keyword.words"),
                "warning",
                "keyword",
                f"keyword {word!r} is not one refkit knows (kept as written); fix its spelling "
                "if it is a typo, else add it to enum Word in refkit/paper.proto",
            )
        )
    if not item.get("author"):
        out.append(
            _at(
                rec,
                "paper",
                "warning",
                "authors",
                'the entry has no authors; add authors: "Given Family" lines inside paper { }',
            )
        )
    return out


def _keyword_lines(rec: prototxt.Record, words: list[str]) -> dict[str, int]:
    """The line each keyword stands on (read again: only for records with unknown keywords)."""
    try:
        text = rec.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    start = _line(rec, "keyword.words")
    out: dict[str, int] = {}
    for n, line in enumerate(text.split("\n")[start - 1 :], start):
        for word in words:
            if word not in out and re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", line):
                out[word] = n
    return out


def _duplicates(
    records: list[prototxt.Record], items: list[Item], lock: lockfile.Lock
) -> list[Finding]:
    """One error per record that is a paper an earlier record (in path order) already is: at
    the line of the field they share, naming the earliest record it shares a key with."""
    index = dupes.Index()
    by_id = {rec.id: rec for rec in records}
    order = {rid: n for n, rid in enumerate(by_id)}
    out: list[Finding] = []
    for rec, item in zip(records, items, strict=True):
        matches = index.add(rec.id, dupes.keys(item, dupes.pinned_dblp(lock, rec.id)))
        if not matches:
            continue
        m = min(matches, key=lambda m: order[m.record_id])
        other = by_id[m.record_id]
        name = _DUPE_FIELD.get(m.kind, "paper.url")
        where = f"{other.path}:{_line(other, name)}"
        out.append(
            _at(
                rec,
                name,
                "error",
                "duplicate",
                f"the same paper as {where} ({m.reason()}); keep one record (the published "
                "version), move anything only this one has into it, and delete the other file",
                where,
            )
        )
    return out


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_TYPO = re.compile(r"([A-Za-z]{2,7})(:?/+|:)")  # "htps://", "http//", "https:/", "http:"
_BAD_HOST = re.compile(r"[\s<>\"'`{}|\\^]")
_DOMAIN = re.compile(
    r"(?:www\.[^/]+|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|org|net|edu|gov|io|ai|cc|dev|co|uk|de|cn|fr|ch|jp))(?:/.*)?",
    re.IGNORECASE,
)
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
# The common case, decided at once: http(s), a plain host name (no port), no spaces.
_PLAIN_WEB = re.compile(r"https?://[A-Za-z0-9.\-]+(?:[/?#][^\s\x00-\x1f\x7f]*)?", re.I)
_NOT_WEB = "use an absolute http(s) URL (a record's links open in readers' browsers)"


def url_problem(url: str, file_ok: bool = False) -> str:
    """ "" when `url` is empty or an absolute http(s) URL (or, with `file_ok`, a relative file
    name such as a note's `note.md`); else what is wrong and what to do."""
    url = url.strip()
    if not url or _PLAIN_WEB.fullmatch(url):
        return ""
    if _SPACE.search(url):
        return "contains a space or control character; remove it or percent-encode it (%20)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "is not a valid URL (bad host or port); write it as https://host/path"
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if url[len(scheme) : len(scheme) + 3] != "://":
            return f"has a misspelt scheme; write {scheme + '://' + url[len(scheme) + 1 :].lstrip('/')!r}"
        host = parts.hostname or ""
        if not host or _BAD_HOST.search(host):
            return "has no valid host; write it as https://host/path"
        return ""
    typo = _TYPO.match(url)
    word = typo.group(1).lower() if typo else ""
    if typo and set(word) <= set("htps") and "p" in word and "t" in word:
        fixed = ("https" if "s" in word else "http") + "://" + url[typo.end() :]
        return f"has a misspelt scheme; write {fixed!r}"
    if _SCHEME.match(url) and scheme:
        return f"is a {scheme}: URL, not a web link; {_NOT_WEB}"
    if _DOMAIN.fullmatch(url):
        return f"has no scheme; write 'https://{url}'"
    if file_ok and _file_name(url):
        return ""
    if file_ok:
        return "is neither an absolute http(s) URL nor a file name in the list's notes folder; write the full address (https://host/path) or the note's file name (note.md)"
    return f"is not an absolute URL; {_NOT_WEB}, e.g. https://host/path"


def _file_name(url: str) -> bool:
    """A relative path inside a folder: no scheme, not absolute, no `..`, no `//`, no `\\`."""
    return not (
        url.startswith(("/", "\\", "~"))
        or "//" in url
        or "\\" in url
        or ".." in url.split("/")
        or ":" in url
    )
