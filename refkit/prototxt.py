"""Reading `meta/**/*.prototxt`: protobuf text files to plain `Record`s. All protobuf detail lives here.

The format moves (FORMAT.md): a field, message or keyword name refkit does not know is skipped
with one warning per name and file. Syntax errors are reported with path:line:col, all files at once.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import text_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from . import paper_pb2
from .errors import InputError, RecordErrors

log = logging.getLogger("refkit.prototxt")


@dataclass(frozen=True)
class Record:
    """One paper record as written, with where each field stands (for error messages)."""

    path: Path  # the file as found
    rel: str  # the file relative to the list directory, e.g. "2023/gptq.prototxt"
    id: str  # the file's path under meta/ without suffix ("2023/gptq"): unique, permanent
    title: str = ""
    abbr: str = ""
    url: str = ""
    authors: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    where: str = ""
    year: int = 0
    code_type: str = ""
    code_url: str = ""
    note_url: str = ""
    keywords: tuple[str, ...] = ()
    # "pub.year" -> line; filled only when the file needed the tolerant walk (see `at`)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def at(self, name: str) -> str:
        """`path:line` of a field (the line of its message, or 1), for messages."""
        lines = self.lines or field_lines(self.path)
        line = lines.get(name) or lines.get(name.split(".")[0]) or 1
        return f"{self.path}:{line}"


@dataclass
class _Scan:
    """What a pre-pass over one file found: unknown names to skip, and known fields' lines."""

    # spans to overwrite: (line0, col0, line1, col1, replacement) with 0-based lines and columns
    blanks: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (name, line)
    lines: dict[str, int] = field(default_factory=dict)


def read(meta_dir: Path, keep_going: bool = False) -> tuple[list[Record], list[str]]:
    """Read every record under `meta_dir`, sorted by path.

    Raises `RecordErrors` listing every bad file, unless `keep_going`, which returns the valid
    records and the problems instead.
    """
    if not meta_dir.is_dir():
        raise InputError(
            f"{meta_dir}: no such directory; run refkit in the list's repository or pass --meta DIR"
        )
    paths = sorted(meta_dir.rglob("*.prototxt"))
    if not paths:
        raise InputError(
            f"{meta_dir}: no *.prototxt records found; add records as meta/<year>/<id>.prototxt"
        )
    records: list[Record] = []
    problems: list[str] = []
    for path in paths:
        try:
            records.append(read_file(path, meta_dir))
        except InputError as exc:
            problems.append(str(exc))
    if problems and not keep_going:
        raise RecordErrors(problems)
    bad = {p.split(":", 1)[0] for p in problems}
    return [r for r in records if str(r.path) not in bad], problems


def read_file(path: Path, meta_dir: Path) -> Record:
    """Parse one record file; raises `InputError` saying what is wrong and where."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from exc
    try:
        msg, scan = _parse(text)
    except text_format.ParseError as exc:
        where = f"{exc.GetLine()}:{exc.GetColumn()}" if exc.GetLine() else "1"
        reason = str(exc).split(" : ", 1)[-1]
        raise InputError(f"{path}:{where}: not valid protobuf text format: {reason}") from exc
    for name, line in dict(scan.unknown).items():
        log.warning("%s:%d: unknown %s skipped (written for a newer refkit?)", path, line, name)
    rec = Record(
        path=path,
        rel=path.relative_to(meta_dir).as_posix(),
        id=path.relative_to(meta_dir).with_suffix("").as_posix(),
        title=msg.paper.title,
        abbr=msg.paper.abbr,
        url=msg.paper.url,
        authors=tuple(msg.paper.authors),
        institutions=tuple(msg.paper.institutions),
        where=msg.pub.where,
        year=msg.pub.year,
        code_type=msg.code.type,
        code_url=msg.code.url,
        note_url=msg.note.url,
        keywords=tuple(paper_pb2.Word.Name(w) for w in msg.keyword.words),
        lines=scan.lines,
    )
    _check(rec, msg.pub.HasField("year"))
    return rec


def _parse(text: str) -> tuple[paper_pb2.PaperInfo, _Scan]:
    """Parse a record. A file in the format refkit knows takes protobuf's parser alone; only
    when that fails does the walk over the file find the unknown names to skip."""
    try:
        msg = text_format.Parse(text, paper_pb2.PaperInfo())
    except text_format.ParseError:
        return _parse_tolerant(text)
    return msg, _Scan()


def _parse_tolerant(text: str) -> tuple[paper_pb2.PaperInfo, _Scan]:
    scan = _Scan()
    tok = text_format.Tokenizer(text.split("\n"))
    _scan_message(tok, paper_pb2.PaperInfo.DESCRIPTOR, "", scan, None)
    return text_format.Parse(_blank(text, scan.blanks), paper_pb2.PaperInfo()), scan


@functools.cache
def field_lines(path: Path) -> dict[str, int]:
    """Where each known field of a record file first stands ("pub.year" -> line)."""
    try:
        return _parse_tolerant(path.read_text(encoding="utf-8"))[1].lines
    except (OSError, UnicodeDecodeError, text_format.ParseError):
        return {}


def _check(rec: Record, has_year: bool) -> None:
    if not rec.title.strip():
        raise InputError(
            f'{rec.at("paper.title")}: paper.title is missing or empty; add title: "..." inside paper {{ }}'
        )
    if rec.year <= 0:
        state = f"{rec.year}" if has_year else "missing"
        raise InputError(
            f"{rec.at('pub.year')}: pub.year is {state}; set the publication year, e.g. pub {{ year: 2024 }}"
        )


def _pos(tok: text_format.Tokenizer) -> tuple[int, int]:
    return (
        tok._line,
        tok._column,
    )  # the current token's start (0-based); the Tokenizer keeps no public one


def _scan_message(
    tok: text_format.Tokenizer, desc: Descriptor | None, prefix: str, scan: _Scan, close: str | None
) -> None:
    """Walk one message body; record unknown names (to blank out) and the lines of known fields."""
    while True:
        if close is not None and tok.TryConsume(close):
            return
        if tok.AtEnd():
            if close is not None:
                raise tok.ParseError(f'Expected "{close}".')
            return
        start = _pos(tok)
        if tok.TryConsume("["):  # an extension or Any name: never part of refkit's format
            name = tok.token
            while not tok.TryConsume("]"):
                tok.NextToken()
            fd = None
        else:
            name = tok.ConsumeIdentifierOrNumber()
            fd = desc.fields_by_name.get(name) if desc is not None else None
        path = f"{prefix}{name}"
        if fd is None:
            _skip_value(tok)
            if desc is not None:
                scan.unknown.append((f"field {path!r}", start[0] + 1))
                scan.blanks.append((*start, *_pos(tok), ""))
        elif fd.type == FieldDescriptor.TYPE_MESSAGE:
            scan.lines.setdefault(path, start[0] + 1)
            tok.TryConsume(":")
            closing = "}" if tok.TryConsume("{") else ">" if tok.TryConsume("<") else None
            if closing is None:
                raise tok.ParseError('Expected "{".')
            _scan_message(tok, fd.message_type, f"{path}.", scan, closing)
        else:
            scan.lines.setdefault(path, start[0] + 1)
            tok.Consume(":")
            if fd.enum_type is not None:
                _scan_enum(tok, fd, path, start, scan)
            else:
                _skip_scalars(tok)
        tok.TryConsume(",") or tok.TryConsume(";")


def _scan_enum(
    tok: text_format.Tokenizer, fd: FieldDescriptor, path: str, start: tuple[int, int], scan: _Scan
) -> None:
    """An enum value or list: unknown names are skipped (the whole field when any is unknown)."""
    values: list[tuple[str, int]] = []
    listed = tok.TryConsume("[")
    while True:
        line = _pos(tok)[0] + 1
        values.append((tok.ConsumeIdentifierOrNumber(), line))
        if not listed or tok.TryConsume("]"):
            break
        tok.Consume(",")
    unknown = [
        (v, ln) for v, ln in values if not v.isdigit() and v not in fd.enum_type.values_by_name
    ]
    if unknown:
        scan.unknown.extend((f"{path} value {v!r}", ln) for v, ln in unknown)
        known = [v for v, _ in values if (v, _) not in unknown]
        keep = f"{fd.name}: [{', '.join(known)}]" if listed and known else ""
        scan.blanks.append(
            (*start, *_pos(tok), keep)
        )  # the kept text is never longer than the span


def _skip_scalars(tok: text_format.Tokenizer) -> None:
    if tok.TryConsume("["):
        while not tok.TryConsume("]"):
            _skip_scalar(tok)
            tok.TryConsume(",")
    else:
        _skip_scalar(tok)


def _skip_scalar(tok: text_format.Tokenizer) -> None:
    if tok.AtEnd():
        raise tok.ParseError("Expected a value.")
    if tok.token[:1] in ("'", '"'):
        tok.ConsumeString()  # also joins adjacent string literals
        return
    tok.TryConsume("-")
    if tok.token in ("{", "}", "<", ">", "[", "]", ":", ",", ";"):
        raise tok.ParseError(f"Expected a value, found {tok.token!r}.")
    tok.NextToken()


def _skip_value(tok: text_format.Tokenizer) -> None:
    """Skip an unknown field's value: a scalar, a list, or a nested message of unknown fields."""
    colon = tok.TryConsume(":")
    for opening, closing in (("{", "}"), ("<", ">")):
        if tok.TryConsume(opening):
            _scan_message(tok, None, "", _Scan(), closing)
            return
    if not colon:
        raise tok.ParseError('Expected ":" or "{".')
    if tok.token == "[":
        tok.NextToken()
        while not tok.TryConsume("]"):
            if tok.TryConsume("{") or tok.TryConsume("<"):
                _scan_message(tok, None, "", _Scan(), "}" if tok.token else ">")
            else:
                _skip_scalar(tok)
            tok.TryConsume(",")
        return
    _skip_scalar(tok)


def _blank(text: str, blanks: list[tuple[int, int, int, int, str]]) -> str:
    """Overwrite each span with its replacement padded by spaces (newlines kept), so that
    protobuf's own errors keep their line and column."""
    if not blanks:
        return text
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    chars = list(text)
    for l0, c0, l1, c1, keep in blanks:
        a = starts[l0] + c0
        b = starts[l1] + c1 if l1 < len(starts) else len(text)
        for i in range(a, min(b, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
        chars[a : a + len(keep)] = list(keep)
    return "".join(chars)
