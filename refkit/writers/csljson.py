"""CSL-JSON output: the items as they are (the model is CSL-JSON), with stable key order.

`id` and `citation-key` are both the BibTeX key, so a document can switch between the .bib and
the .json without touching a citation. refkit's data stays under `custom` (the schema allows it):
the code repository is `custom.code_url`, the keywords are `keyword` (CSL's comma-separated
variable) and `custom.keywords`. Nothing is copied into `note`: CSL styles print `note` in the
bibliography, so "Code: <url>" would appear in every reference. A title with TeX math is CSL rich
text (`H<sub>2</sub>O`); its TeX (`custom.tex`, for the .bib) is left out.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Item
from .bibtex import key

FIRST = ("id", "citation-key", "type")
OMIT = ("tex",)  # custom keys the CSL-JSON leaves out


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def convert(item: Item) -> dict[str, Any]:
    """One item as a CSL-JSON object: id/citation-key/type first, then keys sorted."""
    k = key(item)
    out: dict[str, Any] = {"id": k, "citation-key": k, "type": item.get("type", "article")}
    for name in sorted(item):
        value = item[name]  # type: ignore[literal-required]
        if name == "custom":
            value = {k: v for k, v in value.items() if k not in OMIT}
        if name not in FIRST and value not in ("", None, [], {}):
            out[name] = _sorted(value)
    return out


def write(items: list[Item]) -> str:
    """A JSON array of the items sorted by key, UTF-8, two-space indent, trailing newline."""
    ordered = sorted(items, key=key)
    if not ordered:
        return "[]\n"
    # What json.dumps(list, indent=2) + "\n" writes, built with one join: dumping the whole list
    # holds a million small chunks, and each `+` on the result copies all of it (peak memory of
    # a 10,000-item export). JSON strings hold no raw newline, so indenting each line is exact.
    parts = [
        "  " + json.dumps(convert(i), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        for i in ordered
    ]
    parts[0] = "[\n" + parts[0]
    parts[-1] += "\n]\n"
    return ",\n".join(parts)
