"""Findings of `refkit check` and their three outputs: text (`path:line: error|warning:
message`), GitHub workflow commands (annotations on a pull request's diff) and JSON (`as_json`).
Pure."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("text", "github", "json")


@dataclass(frozen=True)
class Finding:
    path: str  # the record file as found ("meta/2024/x.prototxt")
    line: int  # 1-based line of the field concerned (1 when the file has none)
    severity: str  # "error" or "warning"
    code: str  # stable name of the check: see CODES
    message: str  # what is wrong and what to do
    column: int = 0  # 1-based, for parse errors; 0 when unknown
    related: str = ""  # "path:line" of the other record of a duplicate

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


CODES = {
    "parse": "error: the file is not valid text format (or not UTF-8)",
    "title": "error: the record has no title",
    "year": "error: the record has no year",
    "duplicate": "error: the same paper as another record",
    "year-before-arxiv": "error: the year is before the year of the record's arXiv id",
    "url": "error: a paper, code or note URL that is not an absolute http(s) URL",
    "venue": "warning: a venue label refkit's venue table lacks",
    "keyword": "warning: a keyword name refkit does not know",
    "outdated": "warning: a preprint whose published version the lock pins",
    "authors": "warning: an entry without authors",
}


@dataclass
class Result:
    findings: list[Finding]
    records: int  # paper records read (files that parsed)
    files: int  # record files found

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def as_json(result: Result) -> dict[str, object]:
    """The JSON shape (version 1): counts and one object per finding; `column` and `related`
    only when known."""
    return {
        "version": 1,
        "files": result.files,
        "records": result.records,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                **({"column": f.column} if f.column else {}),
                "severity": f.severity,
                "code": f.code,
                "message": f.message,
                **({"related": f.related} if f.related else {}),
            }
            for f in result.findings
        ],
    }


def render(result: Result, fmt: str, workspace: str | None = None) -> str:
    """The findings as `fmt` (text, github or json), one per line, ending with a newline."""
    if fmt == "json":
        return json.dumps(as_json(result), ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        lines: Iterable[str] = (github(f, workspace) for f in result.findings)
    else:
        lines = (f.text() for f in result.findings)
    return "".join(line + "\n" for line in lines)


def github(finding: Finding, workspace: str | None = None) -> str:
    """A GitHub workflow command (`::error file=...,line=...,title=...::message`): the file
    relative to the workspace (GITHUB_WORKSPACE) so the annotation lands on the PR's diff."""
    path = finding.path
    if workspace:
        with contextlib.suppress(ValueError):  # a list outside the workspace: as found
            path = Path(os.path.abspath(path)).relative_to(os.path.abspath(workspace)).as_posix()
    props = [("file", path), ("line", str(finding.line))]
    if finding.column:
        props.append(("col", str(finding.column)))
    props.append(("title", f"refkit check: {finding.code}"))
    joined = ",".join(f"{k}={_escape_property(v)}" for k, v in props)
    return f"::{finding.severity} {joined}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
