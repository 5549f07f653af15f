"""The enrichment report: one JSON line per record (sources asked, DOI, score, reasons, changes,
conflicts, published version), written by `refkit export --report FILE.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import write_atomic


def dumps(lines: list[dict[str, Any]]) -> str:
    """The report as JSON Lines, records in the order given, keys sorted."""
    return "".join(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n" for line in lines)


def write(path: Path, lines: list[dict[str, Any]]) -> None:
    """Write the report atomically."""
    write_atomic(path, dumps(lines))
