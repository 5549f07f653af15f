"""`refkit add`: new papers from arXiv ids, DOIs and paper URLs, as records in the list's style.

Per input: parse it (ids.py); refuse a paper the list has (dupes.py: arXiv id, DOI, ACL or other
URL id, DBLP key, folded title), before and after the lookup; find it by identity (lookup.py:
arXiv, Crossref; landing.py: an OpenReview, PMLR or NeurIPS paper's own page); ask enrichment
for its published version (S2, DBLP, Crossref, with the published-version rules); write
`meta/<year>/<name>.prototxt` (draft.py, recordfile.py), never over a file; then pin the new
records' lookups in refkit.lock, so the next export asks nothing. One session (one set of
rate limits) and the response cache serve all three steps.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dupes, ids, paper_pb2
from .. import lock as lockfile
from ..enrich import Options, enrich, open_resolver
from ..enrich.markup import fold
from ..enrich.published import describe
from ..enrich.resolve import Resolution
from ..errors import InputError
from ..files import write_new
from ..model import Item
from ..normalize import normalize
from ..prototxt import SUFFIX, Record, _read, read
from ..recordfile import render
from . import landing
from .draft import Draft, draft, file_stem
from .lookup import Found, find, ident_keys, parse_input

_KEYWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Outcome:
    label: str  # the input as given, or "refs.bib:12 (key)"
    status: str = "pending"  # "added", "duplicate" or "failed"
    message: str = ""  # one line
    text: str = ""  # the record file's text (added)
    path: Path | None = None


@dataclass
class Result:
    outcomes: list[Outcome]
    notes: list[str] = field(default_factory=list)  # warnings and remarks, one line each
    pinned: int = 0
    requests: int = 0

    @property
    def ok(self) -> bool:
        return all(o.status == "added" for o in self.outcomes)

    def summary(self, dry_run: bool) -> str:
        count = {s: sum(o.status == s for o in self.outcomes) for s in ("added", "duplicate")}
        failed = len(self.outcomes) - count["added"] - count["duplicate"]
        verb = "would add" if dry_run else "added"
        return (
            f"{verb} {count['added']}, refused {count['duplicate']} already in the list, "
            f"{failed} failed"
        )


@dataclass
class _List:
    """What the run knows of the list: its records, lock, identity index and names."""

    meta_dir: Path
    records: list[Record]
    lock: lockfile.Lock
    index: dupes.Index
    where: dict[str, str]  # record id -> its file, for messages
    taken: set[str]  # lower-cased file stems in use
    mine: dict[str, str] = field(default_factory=dict)  # added in this run: id -> input
    problems: list[str] = field(default_factory=list)  # bad record files


def run(
    inputs: list[tuple[str, str]],
    meta_dir: Path,
    options: Options,
    keywords: list[str],
    dry_run: bool = False,
) -> Result:
    """Add each (label, id or URL) input; `label` names it in messages."""
    bad = [k for k in keywords if not _KEYWORD.fullmatch(k)]
    if bad:
        raise InputError(f"--keyword {bad[0]!r}: keyword names are letters, digits and _")
    the = _load(meta_dir)
    result = Result([Outcome(label) for label, _ in inputs])
    result.notes += _keyword_warnings(keywords, the)
    if the.problems:
        result.notes.append(
            f"warning: {len(the.problems)} bad record file(s) not compared for duplicates "
            f"(e.g. {the.problems[0]}); `refkit export` lists them"
        )
    todo: dict[ids.Ident, Outcome] = {}
    pages: dict[ids.Ident, str] = {}  # landing pages (OpenReview, PMLR, NeurIPS)
    for outcome, (_, text) in zip(result.outcomes, inputs, strict=True):
        ident, why = parse_input(text)
        if ident is not None and ident.kind in landing.KINDS:
            pages.setdefault(ident, landing.page_url(ident, text))
            if not pages[ident]:
                ident, why = None, landing.NO_PAGE
        if ident is None:
            outcome.status, outcome.message = "failed", why
            continue
        match = the.index.find(ident_keys(ident))
        if match:
            _duplicate(outcome, match[0], the)
        elif ident in todo:
            outcome.status, outcome.message = "duplicate", f"the same paper as {todo[ident].label}"
        else:
            todo[ident] = outcome
    if not todo:
        return result
    with open_resolver(options) as resolver:
        drafts = _look_up(todo, pages, the, keywords, options, resolver)
        written: dict[str, Outcome] = {}
        for ident, (d, keys) in drafts.items():
            rid = _place(todo[ident], str(ident), d, keys, the, dry_run)
            if rid and not dry_run:
                written[rid] = todo[ident]
            if rid:
                result.notes += [f"{todo[ident].label}: {note}" for note in d.notes]
        if written:
            result.pinned = _pin(meta_dir, the.records, the.lock, written, options, resolver)
        result.requests = resolver.session.requests
    return result


def _load(meta_dir: Path) -> _List:
    records, problems = _records(meta_dir)
    old_lock = lockfile.load(lockfile.path_for(meta_dir))
    items, keyed = normalize(records, old_lock)
    return _List(
        meta_dir,
        records,
        old_lock,
        dupes.index(items, keyed),
        {rec.id: f"{meta_dir}/{rec.rel}" for rec in records},
        {Path(rec.rel).stem.lower() for rec in records},
        problems=problems,
    )


def _keyword_warnings(keywords: list[str], the: _List) -> list[str]:
    used = {k for rec in the.records for k in rec.keywords}
    schema = paper_pb2.Word.keys()
    out = []
    for k in keywords:
        if k not in used:
            why = (
                ""
                if k in schema
                else " nor in refkit/paper.proto (protobuf's parser rejects it until the schema has it)"
            )
            out.append(f"warning: keyword {k!r} is not used by any record in {the.meta_dir}{why}")
    return out


def _look_up(
    todo: dict[ids.Ident, Outcome],
    pages: dict[ids.Ident, str],
    the: _List,
    keywords: list[str],
    options: Options,
    resolver: Any,
) -> dict[ids.Ident, tuple[Draft, list[tuple[str, str]]]]:
    """Drafts in input order. arXiv ids and DOIs go side by side: the published-version lookups
    of the arXiv papers (S2, then DBLP one request a second) need not wait for Crossref."""

    def group(idents: list[ids.Ident]) -> dict[ids.Ident, tuple[Draft, list[tuple[str, str]]]]:
        mine = {i: pages[i] for i in idents if i.kind in landing.KINDS}
        found = find(resolver, [i for i in idents if i not in mine])
        if mine:
            found.update(landing.find(resolver, mine, options.urls))
        return _drafts(found, todo, the, keywords, options, resolver)

    groups = [[i for i in todo if i.kind == "arxiv"], [i for i in todo if i.kind != "arxiv"]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(group, idents) for idents in groups if idents]
        done = {ident: d for job in jobs for ident, d in job.result().items()}
    return {ident: done[ident] for ident in todo if ident in done}


def _place(
    outcome: Outcome,
    identity: str,
    d: Draft,
    keys: list[tuple[str, str]],
    the: _List,
    dry_run: bool,
) -> str:
    """Write one record (unless a duplicate, or `dry_run`); its record id, or ""."""
    match = the.index.find(keys)
    if match:
        _duplicate(outcome, match[0], the)
        return ""
    outcome.text = render(d.fields)
    while True:
        stem = file_stem(d.abbr, identity, the.taken)
        rid = f"{d.year}/{stem}"
        outcome.path = the.meta_dir / f"{rid}{SUFFIX}"
        the.taken.add(stem.lower())
        if dry_run or write_new(outcome.path, outcome.text):  # never over a file
            break
    the.index.add(rid, keys)
    the.mine[rid] = outcome.label
    outcome.status = "added"
    verb = "would add" if dry_run else "added"
    outcome.message = f"{verb} {outcome.path} ({d.fields['pub']['where']} {d.year})"
    return rid


def _records(meta_dir: Path) -> tuple[list[Record], list[str]]:
    """The list's records and its bad files (skipped: they cannot be compared)."""
    try:
        return read(meta_dir, keep_going=True)
    except InputError:
        if meta_dir.is_dir():  # a list with no record yet
            return [], []
        raise


def _duplicate(outcome: Outcome, match: dupes.Match, the: _List) -> None:
    outcome.status = "duplicate"
    if match.record_id in the.mine:
        outcome.message = f"the same paper as {the.mine[match.record_id]} ({match.reason()})"
        return
    place = the.where.get(match.record_id, match.record_id)
    outcome.message = f"already in the list: {place} ({match.reason()}); nothing written"


def _provisional(found: Found, rid: str) -> Record:
    """The paper as its own source describes it, as a record (for enrichment)."""
    return Record(
        path=Path(f"{rid}{SUFFIX}"),
        rel=f"{rid}{SUFFIX}",
        id=rid,
        title=found.title,
        url=found.url,
        authors=tuple(found.authors),
        where=found.where,
        year=found.year,
    )


def _drafts(
    found: dict[ids.Ident, Found | str],
    todo: dict[ids.Ident, Outcome],
    the: _List,
    keywords: list[str],
    options: Options,
    resolver: Any,
) -> dict[ids.Ident, tuple[Draft, list[tuple[str, str]]]]:
    """Each found paper's draft record and identity keys, after enrichment's published-version
    lookup; inputs that fail or turn out to be in the list are marked so."""
    provisional: dict[str, tuple[ids.Ident, Found]] = {}
    for n, (ident, f) in enumerate(found.items()):
        outcome = todo[ident]
        if isinstance(f, str):
            outcome.status, outcome.message = "failed", f"{f}; nothing written"
        elif not f.title:
            outcome.status, outcome.message = "failed", "the source gives no title; nothing written"
        else:
            provisional[f"add-{n}"] = (ident, f)
    if not provisional:
        return {}
    items, _ = normalize([_provisional(f, r) for r, (_, f) in provisional.items()], {})
    by_rid = {i["custom"]["record_id"]: i for i in items}
    early = {}
    for rid, (ident, f) in provisional.items():
        keys = _keys(by_rid[rid], f, None)
        match = the.index.find(keys)
        if match:
            _duplicate(todo[ident], match[0], the)
        else:
            early[rid] = by_rid[rid]
    warm = _warm_dblp(resolver, list(early.values()))
    done = enrich(list(early.values()), {}, options, resolver)
    if warm is not None:
        warm.join()
    report = {line["id"]: line for line in done.report}
    out = {}
    for rid, item in early.items():
        ident, f = provisional[rid]
        if rid in done.not_enriched:
            error = report[rid].get("error", "a lookup failed")
            todo[ident].status = "failed"
            todo[ident].message = (
                f"could not check for a published version ({error}); nothing written; "
                "rerun when the sources answer"
            )
            continue
        pub = done.lock.get(rid, {}).get("published")
        if ident.kind in landing.KINDS:  # its DBLP record, when DBLP links the page's own id
            pub, why = landing.published_of(f, ident, done.lock.get(rid, {}))
            if why:
                todo[ident].status, todo[ident].message = "failed", f"{why}; nothing written"
                continue
        d = draft(f, pub if isinstance(pub, dict) else None, keywords)
        if isinstance(pub, dict) and ident.kind in landing.KINDS:
            d.notes.append(f"DBLP's record links {ident}: {describe(pub)}")
        elif isinstance(pub, dict) and d.fields["pub"]["where"] != f.where:
            d.notes.append(f"published version: {describe(pub)}")
        out[ident] = (d, _keys(item, f, pub if isinstance(pub, dict) else None))
    return out


def _warm_dblp(resolver: Any, items: list[Item]) -> threading.Thread | None:
    """Ask DBLP, in the background, what enrichment will ask it (the same Scholar code, the same
    cache path): enrichment asks each record's Crossref searches first, and DBLP, one request a
    second, would wait for them. Its answers are thrown away; enrichment reads them from the
    cache and reports any failure itself."""
    scholar = resolver.scholar
    if scholar is None or not scholar.dblp_url or resolver.mode == "offline":
        return None
    papers: Future = Future()
    papers.set_result(scholar.papers(items))  # the S2 batch: enrichment reads it from the cache

    def run() -> None:
        for item in items:
            try:
                scholar.resolve(item, papers, Resolution())
            except Exception:  # a warm-up: enrichment asks again and reports
                continue

    thread = threading.Thread(target=run, name="refkit-add-dblp", daemon=True)
    thread.start()
    return thread


def _keys(item: Item, found: Found, pub: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The identity keys of a new paper: its own, and its published version's."""
    keys = dupes.keys(item)
    if found.doi:
        keys.append(("doi", found.doi.lower()))
    if pub:
        if pub.get("dblp"):
            keys.append(("dblp", str(pub["dblp"])))
        if pub.get("doi") not in (None, "", "none"):
            keys.append(("doi", str(pub["doi"]).lower()))
        if pub.get("title"):
            keys.append(("title", fold(str(pub["title"]))))
    return list(dict.fromkeys(keys))


def _pin(
    meta_dir: Path,
    records: list[Record],
    old_lock: lockfile.Lock,
    written: dict[str, Outcome],
    options: Options,
    resolver: Any,
) -> int:
    """Look the written records up as export will (the cache answers) and pin them in the lock;
    returns how many were pinned. Only their tables are added: the rest of the lock is kept."""
    read_back = [_read(meta_dir / f"{rid}{SUFFIX}", f"{rid}{SUFFIX}")[0] for rid in written]
    new = [rec for rec in read_back if rec is not None]
    items, keyed = normalize(records + new, old_lock)
    mine = [i for i in items if i["custom"]["record_id"] in written]
    done = enrich(mine, {rid: keyed[rid] for rid in written}, options, resolver)
    lock = dict(old_lock)
    for rid in written:
        lock[rid] = done.lock.get(rid, keyed[rid])
    lockfile.save(lock, lockfile.path_for(meta_dir))
    return sum(1 for rid in written if rid not in done.not_enriched)
