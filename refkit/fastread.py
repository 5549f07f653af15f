"""A fast reader for the shape record files have in practice; anything else goes to protobuf.

Record files are written one field per line: `name {`, `name: "string"`, `name: 123`,
`name: enum_name`, `}`, blank lines and `#` comments. protobuf's text-format parser is pure
Python and costs about 0.5 ms per file; this reader accepts only that line-per-field subset, for
which it gives what protobuf gives (tests/test_fastread.py compares the two file by file), at a
tenth of the cost. On anything outside the subset (several fields on a line, lists, other
escapes, a field given twice, a value of the wrong type, ...) it returns None and the caller
asks protobuf, which stays the judge of what is valid and says where it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

# One line: an optional field (name + string, integer, identifier or "{"), or "}"; then an
# optional comment. Strings: any character but '"', '\' and newline, or one of the escapes
# \" \' \\ \n \t (the ones whose meaning is the same in C, Python and protobuf).
_LINE = re.compile(
    r"[ \t]*(?:"
    r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*"  # 1: field name
    r"(?::[ \t]*(?:"
    r'("(?:[^"\\\n]|\\["\'\\nt])*")'  # 2: string
    r"|(-?(?:0|[1-9][0-9]{0,9}))"  # 3: integer (at most 10 digits)
    r"|([A-Za-z_][A-Za-z0-9_]*)"  # 4: identifier (enum value)
    r"|(\{))"  # 5: "name: {"
    r"|(\{))"  # 6: "name {"
    r"|(\}))?"  # 7: "}"
    r"[ \t\r]*(?:#.*)?"  # "\r": files saved with CR LF line ends
)
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}
INT32 = range(-(2**31), 2**31)


Groups = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]
# Short lines recur across a list (`pub {`, `  where: "arXiv"`, `  words: quantization`, `}`:
# three in four lines on a typical list): their splits are remembered, up to a bound.
_LINES: dict[str, Groups] = {}
_REMEMBER, _SHORT = 20_000, 40


def _split(line: str) -> Groups | None:
    m = _LINE.fullmatch(line)
    if m is None:
        return None
    groups: Groups = m.groups()  # type: ignore[assignment]
    if len(line) <= _SHORT:
        if len(_LINES) >= _REMEMBER:
            _LINES.clear()
        _LINES[line] = groups
    return groups


@dataclass
class Parsed:
    """A message as nested dicts (field name -> value, list for repeated fields, dict for
    messages; enum values as names), where known fields first stand, and the unknown names."""

    fields: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # "pub.year" -> 1-based line
    unknown: list[tuple[str, int]] = field(default_factory=list)  # ("field 'x'", line)


def unknown_value(path: str, value: str) -> str:
    """How an enum value refkit does not know is named in warnings (both readers)."""
    return f"keyword {value!r}" if path == "keyword.words" else f"{path} value {value!r}"


@dataclass(frozen=True)
class _Field:
    """What the reader needs of a field, looked up once per schema (descriptor calls are slow)."""

    kind: str  # "message", "string", "int32", "enum", or "other" (never in the subset)
    repeated: bool
    message: Descriptor | None
    enum_names: frozenset[str]


_KINDS = {
    FieldDescriptor.TYPE_MESSAGE: "message",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_ENUM: "enum",
}
_SCHEMAS: dict[str, dict[str, _Field]] = {}


def _schema(desc: Descriptor) -> dict[str, _Field]:
    schema = _SCHEMAS.get(desc.full_name)
    if schema is None:
        schema = _SCHEMAS[desc.full_name] = {
            fd.name: _Field(
                _KINDS.get(fd.type, "other"),
                fd.is_repeated,
                fd.message_type,
                frozenset(fd.enum_type.values_by_name) if fd.enum_type else frozenset(),
            )
            for fd in desc.fields
        }
    return schema


def parse(text: str, desc: Descriptor) -> Parsed | None:
    """The message in `text`, or None when `text` is outside the subset (ask protobuf)."""
    root: dict[str, Any] = {}
    out = Parsed(root)
    # (fields of the message, or None inside an unknown message; the dict being filled; "path.")
    top = _schema(desc)
    stack: list[tuple[dict[str, _Field] | None, dict[str, Any], str]] = [(top, root, "")]
    schema: dict[str, _Field] | None = top
    cur, prefix = root, ""
    for n, line in enumerate(text.split("\n"), 1):
        groups = _LINES.get(line)
        if groups is None:
            groups = _split(line)
            if groups is None:
                return None
        name, string, integer, ident, brace, brace2, close = groups
        if close:
            if len(stack) == 1:
                return None
            stack.pop()
            schema, cur, prefix = stack[-1]
            continue
        if name is None:
            continue
        opens = brace or brace2
        fd = schema.get(name) if schema is not None else None
        if fd is None:
            if schema is not None:
                out.unknown.append((f"field {prefix + name!r}", n))
            if opens:  # an unknown message: skipped to its "}"
                stack.append((None, {}, ""))
                schema, cur, prefix = stack[-1]
            continue
        path = prefix + name
        out.lines.setdefault(path, n)
        kind = fd.kind
        if kind == "message":
            if not opens or fd.repeated or name in cur or fd.message is None:
                return None
            child: dict[str, Any] = {}
            cur[name] = child
            stack.append((_schema(fd.message), child, path + "."))
            schema, cur, prefix = stack[-1]
            continue
        if opens:
            return None
        value: Any
        if kind == "string" and string is not None:
            value = string[1:-1]
            if "\\" in value:
                value = _ESCAPE.sub(lambda e: _UNESCAPED[e.group(1)], value)
        elif kind == "int32" and integer is not None:
            value = int(integer)
            if value not in INT32:
                return None
        elif kind == "enum" and ident is not None:
            value = ident
            if ident not in fd.enum_names:
                out.unknown.append((unknown_value(path, ident), n))
        else:
            return None
        if fd.repeated:
            cur.setdefault(name, []).append(value)
        elif name in cur:
            return None
        else:
            cur[name] = value
    return out if len(stack) == 1 else None
