"""Reading `meta/**/*.prototxt`: protobuf text files to plain `Record`s. All protobuf detail lives here.

The format moves (FORMAT.md): a field or message name refkit does not know is skipped, a keyword
name it does not know is kept, and each distinct unknown name gets one warning line for the whole
list (with a count and one example place; `-v` lists every place). A file with no record message
at all (search settings, a repository list) is not a paper record: skipped, with one summary line.
Syntax errors are reported with path:line:col, all files at once.

Most files take the fast reader (fastread.py); a file outside its subset takes protobuf's parser,
which stays the judge of what is valid.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from . import fastread, paper_pb2
from .errors import InputError, RecordErrors

if TYPE_CHECKING:  # imported where used: files the fast reader takes never need it
    from google.protobuf import text_format

log = logging.getLogger("refkit.prototxt")
SUFFIX = ".prototxt"


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
    keywords: tuple[str, ...] = ()  # as written, names refkit does not know included
    # "pub.year" -> line; filled when the file was read by the fast reader or the tolerant walk
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
    enums: dict[str, list[str]] = field(default_factory=dict)  # every enum value, in order


@dataclass
class Unknowns:
    """Unknown names across a list: name -> the places (file, line) using it."""

    places: dict[str, list[tuple[Path, int]]] = field(default_factory=dict)

    def add(self, path: Path, unknown: list[tuple[str, int]]) -> None:
        for name, line in dict(reversed(unknown)).items():  # once per file, at the first line
            self.places.setdefault(name, []).append((path, line))

    def warn(self) -> None:
        """One warning per distinct name (count, first place); every place at -v."""
        from .warn import grouped

        def what(name: str) -> str:
            return "kept as a keyword" if name.startswith("keyword ") else "skipped"

        grouped(
            log,
            {n: [f"{p}:{line}" for p, line in self.places[n]] for n in sorted(self.places)},
            lambda name, count, first: f"unknown {name} in {count} (e.g. {first}); {what(name)}",
            lambda name, place: f"{place}: unknown {name}; {what(name)}",
        )


def read(meta_dir: Path, keep_going: bool = False) -> tuple[list[Record], list[str]]:
    """Read every record under `meta_dir`, sorted by path, warning once per unknown name.

    Raises `RecordErrors` listing every bad file, unless `keep_going`, which returns the valid
    records and the problems instead.
    """
    if not meta_dir.is_dir():
        raise InputError(
            f"{meta_dir}: no such directory; run refkit in the list's repository or pass --meta DIR"
        )
    paths = _files(meta_dir)
    if not paths:
        raise InputError(
            f"{meta_dir}: no *.prototxt records found; add records as meta/<year>/<id>.prototxt"
        )
    records: list[Record] = []
    problems: list[str] = []
    skipped: list[Path] = []
    unknowns = Unknowns()
    for rel in paths:
        path = meta_dir / rel
        try:
            rec, unknown = _read(path, rel)
        except InputError as exc:
            problems.append(str(exc))
            continue
        if rec is None:
            skipped.append(path)
        else:
            records.append(rec)
            unknowns.add(path, unknown)
    if problems and not keep_going:
        raise RecordErrors(problems)
    unknowns.warn()
    _warn_skipped(skipped)
    return records, problems


def files(meta_dir: Path) -> list[str]:
    """Every record file under `meta_dir`, relative to it, in the order `read` reads them."""
    return _files(meta_dir)


def read_one(path: Path, rel: str) -> Record | None:
    """One file as `read` reads it, warning about nothing: its record, or None for a file that
    holds no record message. Raises `InputError` (`path:line[:col]: ...`) as `read` reports."""
    return _read(path, rel)[0]


def _files(meta_dir: Path) -> list[str]:
    """Every *.prototxt under `meta_dir`, relative to it ("2023/gptq.prototxt"), in path order
    (os.walk and strings: a third of the cost of rglob and Path objects on 10,000 files)."""
    top = os.fspath(meta_dir)
    out: list[str] = []
    for dirpath, _, filenames in os.walk(top):
        rel = os.path.relpath(dirpath, top)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out += [prefix + name for name in filenames if name.endswith(SUFFIX)]
    return sorted(out, key=lambda rel: rel.split("/"))


def _warn_skipped(skipped: list[Path]) -> None:
    if not skipped:
        return
    dirs = sorted({f"{p.parent}/" for p in skipped})
    n = len(skipped)
    what = (
        "files under {} are not paper records" if n != 1 else "file under {} is not a paper record"
    )
    log.warning("%d %s; skipped", n, what.format(", ".join(dirs)))
    for path in skipped:
        log.info("%s: no paper, pub, code, note, keyword or cover message; skipped", path)


DESCRIPTOR: Descriptor = paper_pb2.PaperInfo.DESCRIPTOR


class TextFormatError(Exception):
    """protobuf's verdict on a file that is not valid text format (line and column 1-based;
    0 when protobuf names none)."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(f"{line}:{column}: {reason}")
        self.line, self.column, self.reason = line, column, reason


def read_file(path: Path, meta_dir: Path) -> Record:
    """Parse one record file, warning once per unknown name; raises `InputError` saying what
    is wrong and where (a file with no record message included)."""
    rec, unknown = _read(path, path.relative_to(meta_dir).as_posix())
    if rec is None:
        raise InputError(f"{path}:1: not a paper record (no paper {{ }} message)")
    unknowns = Unknowns()
    unknowns.add(path, unknown)
    unknowns.warn()
    return rec


def parse(text: str) -> fastread.Parsed:
    """A file's message as nested dicts (see fastread.Parsed), by the fast reader when the
    file is in its subset, else by protobuf; raises `TextFormatError`."""
    return fastread.parse(text, DESCRIPTOR) or parse_protobuf(text)


def parse_protobuf(text: str) -> fastread.Parsed:
    """The same as `parse`, always by protobuf's parser (with the walk over unknown names)."""
    from google.protobuf import text_format

    try:
        msg, scan = _parse(text)
    except text_format.ParseError as exc:
        reason = str(exc).split(" : ", 1)[-1]
        raise TextFormatError(exc.GetLine() or 0, exc.GetColumn() or 0, reason) from exc
    return fastread.Parsed(_as_fields(msg, scan.enums, ""), scan.lines, scan.unknown)


def _read(path: Path, rel: str) -> tuple[Record | None, list[tuple[str, int]]]:
    """The record in one file (`rel`: its path under meta/, with "/") and its unknown names;
    None for a file that holds no record message."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from exc
    try:
        parsed = parse(text)
    except TextFormatError as exc:
        where = f"{exc.line}:{exc.column}" if exc.line else "1"
        raise InputError(f"{path}:{where}: not valid protobuf text format: {exc.reason}") from exc
    f = parsed.fields
    if not f:
        _check_not_a_lost_paper(path, parsed.unknown)
        return None, []
    paper, pub, code = f.get("paper", {}), f.get("pub", {}), f.get("code", {})
    rec = Record(
        path=path,
        rel=rel,
        id=rel.removesuffix(SUFFIX),
        title=paper.get("title", ""),
        abbr=paper.get("abbr", ""),
        url=paper.get("url", ""),
        authors=tuple(paper.get("authors", ())),
        institutions=tuple(paper.get("institutions", ())),
        where=pub.get("where", ""),
        year=pub.get("year", 0),
        code_type=code.get("type", ""),
        code_url=code.get("url", ""),
        note_url=f.get("note", {}).get("url", ""),
        keywords=tuple(f.get("keyword", {}).get("words", ())),
        lines=parsed.lines,
    )
    _check(rec, "year" in pub)
    return rec, parsed.unknown


def _as_fields(msg: Any, enums: dict[str, list[str]], prefix: str) -> dict[str, Any]:
    """A protobuf message as fastread's nested dicts; enum values the walk saw (unknown names
    included, in order) come from `enums`."""
    out: dict[str, Any] = {}
    for fd, value in msg.ListFields():
        path = prefix + fd.name
        repeated = fd.is_repeated
        if fd.type == FieldDescriptor.TYPE_MESSAGE:
            out[fd.name] = _as_fields(value, enums, path + ".")
        elif fd.type == FieldDescriptor.TYPE_ENUM:
            by_number = fd.enum_type.values_by_number
            out[fd.name] = [by_number[v].name for v in value] if repeated else by_number[value].name
        else:
            out[fd.name] = list(value) if repeated else value
    for fd in msg.DESCRIPTOR.fields:
        if fd.type == FieldDescriptor.TYPE_ENUM and prefix + fd.name in enums:
            names = enums[prefix + fd.name]
            out[fd.name] = names if fd.is_repeated else names[-1]
    return out


def _parse(text: str) -> tuple[paper_pb2.PaperInfo, _Scan]:
    """Parse a record with protobuf. A file in the format refkit knows takes protobuf's parser
    alone; only when that fails does the walk over the file find the unknown names to skip."""
    from google.protobuf import text_format

    try:
        msg = text_format.Parse(text, paper_pb2.PaperInfo())
    except text_format.ParseError:
        return _parse_tolerant(text)
    return msg, _Scan()


def _parse_tolerant(text: str) -> tuple[paper_pb2.PaperInfo, _Scan]:
    from google.protobuf import text_format

    scan = _Scan()
    tok = text_format.Tokenizer(text.split("\n"))
    _scan_message(tok, DESCRIPTOR, "", scan, None)
    return text_format.Parse(_blank(text, scan.blanks), paper_pb2.PaperInfo()), scan


@functools.cache
def field_lines(path: Path) -> dict[str, int]:
    """Where each known field of a record file first stands ("pub.year" -> line)."""
    from google.protobuf import text_format

    try:
        return _parse_tolerant(path.read_text(encoding="utf-8"))[1].lines
    except (OSError, UnicodeDecodeError, text_format.ParseError):
        return {}


PAPER_FIELDS = {f"field {fd.name!r}": fd.name for fd in paper_pb2.Paper.DESCRIPTOR.fields}


def _check_not_a_lost_paper(path: Path, unknown: list[tuple[str, int]]) -> None:
    """A file with no record message but a paper's fields at the top (`title: ...` without
    `paper { }` around it) is a record written wrong, not a settings file: an error."""
    for name, line in unknown:
        if name in PAPER_FIELDS:
            raise InputError(
                f"{path}:{line}: {PAPER_FIELDS[name]} outside paper {{ }}; put the paper's fields inside paper {{ ... }}"
            )


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
    """An enum value or list. Every value is noted in order (names refkit does not know
    included: a keyword is kept); unknown names are blanked for protobuf (the whole field when
    any is unknown, rewritten with the known ones)."""
    values: list[tuple[str, int]] = []
    listed = tok.TryConsume("[")
    while True:
        line = _pos(tok)[0] + 1
        values.append((tok.ConsumeIdentifierOrNumber(), line))
        if not listed or tok.TryConsume("]"):
            break
        tok.Consume(",")
    by_number = fd.enum_type.values_by_number
    scan.enums.setdefault(path, []).extend(
        by_number[int(v)].name if v.isdigit() and int(v) in by_number else v for v, _ in values
    )
    unknown = [
        (v, ln) for v, ln in values if not v.isdigit() and v not in fd.enum_type.values_by_name
    ]
    if unknown:
        scan.unknown.extend((fastread.unknown_value(path, v), ln) for v, ln in unknown)
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
