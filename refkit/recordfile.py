"""Writing record files: the reader's inverse (prototxt.py, fastread.py).

`render(fields)` writes a record in the list's own style, read from its newest records (2024):
the messages in schema order (paper, pub, code, note, keyword, cover), each as `name {` with
its fields indented two spaces, one field per line, strings in double quotes (UTF-8 as is;
`\\ " \\n \\t` escaped), integers and keyword names bare, a repeated field once per value, empty
strings written out (`abbr: ""`). `prototxt.parse(render(f)).fields == f` for every record
`render` accepts (tests/test_recordfile.py).

`set_values(text, message, values, path)` changes the values of fields already in a file and
keeps every other byte (comments, order, spacing, quote style, CR LF): what
`refkit outdated --write` does to `pub.where` and `pub.year`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from . import paper_pb2
from .errors import InputError

INDENT = "  "
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def quote(text: str) -> str:
    """A protobuf text-format string literal the fast reader takes: other control characters
    (which no record needs) become spaces."""
    text = _CONTROL.sub(" ", text)
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def render(fields: Mapping[str, Any], desc: Descriptor = paper_pb2.PaperInfo.DESCRIPTOR) -> str:
    """A record file's text from nested dicts (field -> value; list for repeated fields; dict
    for messages; enum values as names). Known fields come in schema order, others after them
    in the order given. Raises ValueError on a value its field cannot hold."""
    return "".join(_message(fields, desc, 0))


def _message(fields: Mapping[str, Any], desc: Descriptor | None, depth: int) -> list[str]:
    known = [fd.name for fd in desc.fields] if desc else []
    order = [n for n in known if n in fields] + [n for n in fields if n not in known]
    pad = INDENT * depth
    lines: list[str] = []
    for name in order:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a field name: {name!r}")
        fd = desc.fields_by_name.get(name) if desc else None
        value = fields[name]
        if isinstance(value, Mapping):
            sub = fd.message_type if fd is not None else None
            lines += [f"{pad}{name} {{\n", *_message(value, sub, depth + 1), f"{pad}}}\n"]
            continue
        for one in value if isinstance(value, list | tuple) else [value]:
            lines.append(f"{pad}{name}: {_scalar(one, fd)}\n")
    return lines


def _scalar(value: Any, fd: FieldDescriptor | None) -> str:
    if isinstance(value, bool):
        raise ValueError(f"no boolean fields in a record: {value!r}")
    if isinstance(value, int):
        if not -(2**31) <= value < 2**31:
            raise ValueError(f"{value} is out of int32 range")
        return str(value)
    if fd is not None and fd.type == FieldDescriptor.TYPE_ENUM or not isinstance(value, str):
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise ValueError(f"not a keyword name: {value!r}")
        return value
    return quote(value)


# --- editing a file in place ---------------------------------------------------------------
def _comments(text: str) -> list[tuple[int, int]]:
    """Spans of `# ...` comments (a `#` outside a quoted string, to the end of its line)."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        quote_ch = ""
        for i, ch in enumerate(line):
            if quote_ch:
                if ch == "\\":
                    continue
                if ch == quote_ch and (i == 0 or line[i - 1] != "\\"):
                    quote_ch = ""
            elif ch in "\"'":
                quote_ch = ch
            elif ch == "#":
                spans.append((pos + i, pos + len(line)))
                break
        pos += len(line)
    return spans


def _first(
    pattern: re.Pattern[str], text: str, comments: list[tuple[int, int]], start: int, end: int
) -> re.Match[str] | None:
    for m in pattern.finditer(text, start, end):
        if not any(a <= m.start() < b for a, b in comments):
            return m
    return None


def set_values(text: str, message: str, values: Mapping[str, str | int], path: Path) -> str:
    """`text` with the named fields of its top-level `message` set (strings keep their quote
    character, integers stay bare); every other byte is kept. InputError names what is missing."""
    comments = _comments(text)
    block = _first(
        re.compile(rf"(?m)^[ \t]*{message}[ \t]*:?[ \t]*([{{<])"), text, comments, 0, len(text)
    )
    if block is None:
        wanted = " and ".join(f"`{n}`" for n in values)
        raise InputError(f"{path}: no `{message} {{ ... }}` message; add one with {wanted}")
    end = text.find("}" if block.group(1) == "{" else ">", block.end())
    if end < 0:
        raise InputError(f"{path}: the `{message}` message is not closed")
    line = text.count("\n", 0, block.start()) + 1
    spans = []
    for name, value in values.items():
        if isinstance(value, int):
            m = _first(
                re.compile(rf"\b{name}[ \t]*:[ \t]*(-?\d+)"), text, comments, block.end(), end
            )
            new = str(value)
        else:
            m = _first(
                re.compile(rf"""\b{name}[ \t]*:[ \t]*(["'])((?:\\.|(?!\1).)*)\1"""),
                text,
                comments,
                block.end(),
                end,
            )
            if m is not None:
                new = value.replace("\\", "\\\\").replace(m.group(1), "\\" + m.group(1))
        if m is None:
            raise InputError(
                f"{path}:{line}: field {message}.{name} is missing; add it, then rerun"
            )
        group = 1 if isinstance(value, int) else 2
        spans.append((m.start(group), m.end(group), new))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text
