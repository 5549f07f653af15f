"""The output formats: a small explicit registry of `Format(name, suffix, write)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from ..model import Item
from . import bibtex, csljson, ris


@dataclass(frozen=True)
class Format:
    """One output format: `write(items)` returns the whole file's text."""

    name: str
    suffix: str
    write: Callable[[list[Item]], str]


FORMATS: dict[str, Format] = {
    "bibtex": Format("bibtex", ".bib", bibtex.write_bibtex),
    "biblatex": Format("biblatex", ".bib", bibtex.write_biblatex),
    "csl-json": Format("csl-json", ".json", csljson.write),
    "ris": Format("ris", ".ris", ris.write),
}
ALIASES = {"bib": "bibtex", "csljson": "csl-json", "json": "csl-json"}
SUFFIXES = {".bib": "bibtex", ".json": "csl-json", ".ris": "ris"}


def get(name: str) -> Format:
    """The format called `name` (or an alias such as "bib")."""
    wanted = ALIASES.get(name.lower(), name.lower())
    if wanted not in FORMATS:
        valid = ", ".join(FORMATS)
        raise InputError(f"unknown format {name!r}; choose one of: {valid} (or 'bib' for bibtex)")
    return FORMATS[wanted]


def for_suffix(suffix: str) -> Format:
    """The format a file ending in `suffix` gets: .bib -> bibtex, .json -> csl-json, .ris."""
    wanted = SUFFIXES.get(suffix.lower())
    if wanted is None:
        valid = ", ".join(SUFFIXES)
        raise InputError(
            f"no format for file suffix {suffix!r}; use one of: {valid}, or pass the format by name"
        )
    return FORMATS[wanted]
