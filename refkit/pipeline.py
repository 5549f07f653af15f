"""The pipeline export and sync share: read -> normalize -> enrich, with the list's lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import lock as lockfile
from . import report
from .enrich import Options, enrich
from .errors import RecordErrors
from .lock import Lock
from .model import Item, year
from .normalize import normalize
from .prototxt import read


@dataclass
class Loaded:
    items: list[Item]
    lock: Lock  # what to save as refkit.lock (unless --frozen)
    problems: list[str]  # bad records skipped with keep_going
    summary: list[str]  # one-line messages for the end of the run
    published: dict[str, str] = field(default_factory=dict)  # preprint id -> published version
    old_lock: Lock = field(default_factory=dict)  # refkit.lock as read (`export --all --check`)


def load(
    meta_dir: Path, options: Options, keep_going: bool = False, report_path: Path | None = None
) -> Loaded:
    """The list's items, enriched. Bad records raise `RecordErrors` unless `keep_going` (then
    they are skipped and keep their pins in the lock until they are fixed)."""
    records, problems = read(meta_dir, keep_going=keep_going)
    if not records:
        raise RecordErrors(problems)
    old = lockfile.load(lockfile.path_for(meta_dir))
    items, new = normalize(records, old)
    if problems:
        new = {**{rid: entry for rid, entry in old.items() if rid not in new}, **new}
    result = enrich(items, new, options)
    if report_path:
        report.write(report_path, result.report)
    published = {line["id"]: line["published"] for line in result.report if line.get("published")}
    return Loaded(result.items, result.lock, problems, result.summary, published, old)


def select(
    items: list[Item],
    venues: tuple[str, ...] = (),
    years: tuple[int, ...] = (),
    keywords: tuple[str, ...] = (),
    keys: tuple[str, ...] = (),
) -> list[Item]:
    """Filters combine with AND, the values of one filter with OR. A venue matches the label
    (`ICLR oral`) or the venue it names (`ICLR`), case-insensitively."""
    venue_set = {v.casefold() for v in venues}
    keyword_set = {k.casefold() for k in keywords}
    out = []
    for item in items:
        c = item["custom"]
        if venue_set and not venue_set & {c["venue"].casefold(), c["venue_key"].casefold()}:
            continue
        if years and year(item) not in years:
            continue
        if keyword_set and not keyword_set & {k.casefold() for k in c["keywords"]}:
            continue
        if keys and item["id"] not in keys:
            continue
        out.append(item)
    return out
