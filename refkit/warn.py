"""Aggregated warnings: one line per distinct thing across a list, however many records share it.

`grouped` is the one helper behind "unknown field X in 12 records (e.g. path:line)" (prototxt)
and "venue X is not in refkit's venue table, in 3 records (e.g. ...)" (normalize): a warning per
name with its count and first place, and every place at -v (INFO).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence


def records(count: int) -> str:
    """`1 record`, `3 records`."""
    return f"{count} record{'s' if count != 1 else ''}"


def grouped(
    log: logging.Logger,
    places: Mapping[str, Sequence[str]],
    summary: Callable[[str, str, str], str],
    detail: Callable[[str, str], str],
) -> None:
    """For each name (in the mapping's order): `summary(name, "N records", first place)` as a
    warning, then `detail(name, place)` for every place at INFO."""
    for name, where in places.items():
        if not where:
            continue
        log.warning("%s", summary(name, records(len(where)), where[0]))
        if log.isEnabledFor(logging.INFO):
            for place in where:
                log.info("%s", detail(name, place))
