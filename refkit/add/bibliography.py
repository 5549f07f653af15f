"""`refkit add --from FILE`: the papers of a bibliography file, each named by its identity.

`.bib` (bibtexparser 1.4, as enrichment reads DBLP), `.ris` (rispy), `.json` (CSL-JSON, as
Zotero and pandoc write it). Each entry gives the first of: a DOI that is not arXiv's, an arXiv
eprint (`eprint` + `archivePrefix = {arXiv}`, CSL `number: "arXiv:..."`), a URL ids.py reads,
an "arXiv:<id>" in the journal or note (Google Scholar's "arXiv preprint arXiv:2210.17323").
An entry with none of these is reported, never searched by title (identity only).
A file refkit cannot read as its format is an error with `path:line` per problem, and nothing
of it is added.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import ids
from ..errors import InputError

SUFFIXES = (".bib", ".ris", ".json")
_ARXIV_TEXT = re.compile(rf"arxiv[:\s]\s*({ids.ARXIV})(?:v\d+)?", re.IGNORECASE)
_BIB_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])\s*([^,\s]*)")
_RIS_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")


class BibliographyError(InputError):
    """A file that is not valid in its format: one `path:line: ...` problem per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    where: str  # "refs.bib:12 (frantar2023gptq)": how messages name the entry
    ident: str  # the id or URL to look up; "" when the entry names none


def read(path: Path) -> list[Entry]:
    """Every entry of a bibliography file, in file order."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: --from reads .bib (BibTeX), .ris (RIS) or .json (CSL-JSON)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8; save the file as UTF-8") from exc
    reader = {".bib": _bib, ".ris": _ris, ".json": _json}[suffix]
    return reader(path, text)


def identity(fields: dict[str, Any]) -> str:
    """The id or URL an entry names (see the module docstring), or ""."""
    doi = str(fields.get("doi") or "").strip()
    if doi and ids.parse(doi) and not ids.arxiv(doi):
        return doi
    eprint = str(fields.get("eprint") or fields.get("arxiv") or "").strip()
    prefix = str(fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if eprint and prefix == "arxiv" and ids.arxiv(eprint):
        return eprint
    for url in fields.get("urls") or [fields.get("url") or ""]:
        if ids.parse(str(url)):
            return str(url).strip()
    if doi and ids.parse(doi):
        return doi
    for name in ("number", "journal", "note", "howpublished", "secondary_title", "notes"):
        value = fields.get(name)
        m = _ARXIV_TEXT.search(
            " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
        )
        if m:
            return m.group(1)
    return ""


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _bib(path: Path, text: str) -> list[Entry]:
    import bibtexparser

    starts: list[tuple[int, str]] = []  # (line, key) of each entry bibtexparser should return
    problems = []
    for m in _BIB_START.finditer(text):
        if m.group(1).lower() in ("comment", "string", "preamble"):
            continue
        line, key = _line(text, m.start()), m.group(3)
        if not _closed(text, m.start(2)):
            problems.append(f"{path}:{line}: entry {key or '?'} is not closed (unbalanced braces)")
        elif not key:
            problems.append(f"{path}:{line}: entry without a citation key")
        starts.append((line, key))
    if problems:
        raise BibliographyError(problems)
    parser = bibtexparser.bparser.BibTexParser(common_strings=True)
    parser.ignore_nonstandard_types = False
    by_key = {e.get("ID", ""): e for e in bibtexparser.loads(text, parser).entries}
    missing = [
        f"{path}:{line}: entry {key} could not be read (a missing comma, quote or brace?)"
        for line, key in starts
        if key not in by_key
    ]
    if missing:
        raise BibliographyError(missing)
    return [Entry(f"{path}:{line} ({key})", identity(by_key[key])) for line, key in starts]


def _closed(text: str, start: int) -> bool:
    """Does the entry whose delimiter (`{` or `(`) is at `start` close before the next line
    that starts an entry?"""
    close = "}" if text[start] == "{" else ")"
    depth, i = 0, start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif ch == close and not depth:
            return True
        elif ch == "@" and text[i - 1] == "\n":
            return False
        i += 1
    return False


def _ris(path: Path, text: str) -> list[Entry]:
    import rispy

    starts: list[int] = []
    problems = []
    open_at = 0
    for n, line in enumerate(text.splitlines(), 1):
        tag = _RIS_TAG.match(line)
        if tag and tag.group(1) == "TY":
            if open_at:
                problems.append(f"{path}:{open_at}: entry has no ER line before the next TY")
            open_at = n
            starts.append(n)
        elif tag and tag.group(1) == "ER":
            if not open_at:
                problems.append(f"{path}:{n}: ER without a TY line before it")
            open_at = 0
        elif line.strip() and not open_at:
            problems.append(f"{path}:{n}: text outside an entry (entries run from TY  - to ER  - )")
    if open_at:
        problems.append(f"{path}:{open_at}: entry has no ER line (the file ends inside it)")
    if not starts and not problems:
        problems.append(f"{path}:1: no RIS entries (TY  - ... ER  - )")
    if problems:
        raise BibliographyError(problems)
    entries = rispy.loads(text)
    return [
        Entry(f"{path}:{line}", identity(entry))
        for line, entry in zip(starts, entries, strict=True)
    ]


def _json(path: Path, text: str) -> list[Entry]:
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BibliographyError(
            [f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"]
        ) from exc
    if isinstance(data, dict):
        data, offsets = [data], [0]
    elif isinstance(data, list):
        offsets, i = [], text.index("[") + 1
        for _ in data:
            while text[i] in " \t\r\n,":
                i += 1
            offsets.append(i)
            i = decoder.raw_decode(text, i)[1]
    else:
        raise BibliographyError([f"{path}:1: CSL-JSON is a list of items"])
    out, problems = [], []
    for item, offset in zip(data, offsets, strict=True):
        line = _line(text, offset)
        if not isinstance(item, dict):
            problems.append(f"{path}:{line}: not a CSL-JSON item (an object)")
            continue
        fields = {k.lower(): v for k, v in item.items()}
        out.append(Entry(f"{path}:{line} ({item.get('id', '?')})", identity(fields)))
    if problems:
        raise BibliographyError(problems)
    return out
