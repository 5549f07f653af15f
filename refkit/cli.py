"""The command line: wires read -> normalize -> enrich -> write | sync. The only module that
prints or exits. Heavy modules are imported inside commands to keep `refkit --help` fast."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .pipeline import Loaded

log = logging.getLogger("refkit")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"refkit: {record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("refkit")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="refkit")
@click.option("-v", "--verbose", is_flag=True, help="Log every step (never secrets).")
def cli(verbose: bool) -> None:
    """refkit: a paper list (meta/**/*.prototxt) as BibTeX, biblatex, CSL-JSON and RIS,
    enriched from Crossref, arXiv, Semantic Scholar and DBLP, and synced into a Zotero group."""
    _setup_logging(verbose)


FORMAT_NAMES = ["bib", "bibtex", "biblatex", "csl-json", "ris"]
meta_option = click.option(
    "--meta",
    "meta_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("meta"),
    show_default=True,
    help="The list's records directory.",
)


def enrich_options(command: Callable[..., None]) -> Callable[..., None]:
    """The enrichment options export and sync share."""
    options = [
        click.option(
            "--refresh", is_flag=True, help="Look every record up again (ignore pins and cache)."
        ),
        click.option(
            "--frozen",
            is_flag=True,
            help="Use only refkit.lock: no network, no cache, lock untouched (CI).",
        ),
        click.option(
            "--offline", is_flag=True, help="Never touch the network: lock and cache only."
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Response cache (default: the user cache dir; REFKIT_CACHE_DIR).",
        ),
        click.option(
            "--report",
            "report_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write one JSON line per record: sources, DOI, score, reasons, changes, conflicts.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@meta_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES, case_sensitive=False),
    help="Output format (default: from the -o suffix, else bib).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE (atomically) instead of stdout.",
)
@click.option("--venue", multiple=True, help="Only this venue (case-insensitive; repeatable).")
@click.option("--year", multiple=True, type=int, help="Only this year (repeatable).")
@click.option("--keyword", multiple=True, help="Only records with this keyword (repeatable).")
@click.option("--key", multiple=True, help="Only this citation key (repeatable).")
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Regenerate exports/ (every format, one .bib per venue, and the index.html page).",
)
@click.option("--check", is_flag=True, help="With --all: write nothing; exit 1 naming stale files.")
@click.option(
    "--exports",
    "exports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The exports folder (default: exports/ beside meta/).",
)
@click.option(
    "--keep-going", is_flag=True, help="Export the valid records when some are bad, then exit 1."
)
@click.option(
    "--published/--as-recorded",
    "published",
    default=None,
    help="Export arXiv-labelled records whose published version is known as that publication "
    "(default: [export] published in the config file, else --as-recorded).",
)
@enrich_options
def export(
    meta_dir: Path,
    fmt: str | None,
    output: Path | None,
    venue: tuple[str, ...],
    year: tuple[int, ...],
    keyword: tuple[str, ...],
    key: tuple[str, ...],
    all_: bool,
    check: bool,
    exports_dir: Path | None,
    keep_going: bool,
    published: bool | None,
    refresh: bool,
    frozen: bool,
    offline: bool,
    cache_dir: Path | None,
    report_path: Path | None,
) -> None:
    """Export the list (or a selection) as BibTeX, biblatex, CSL-JSON or RIS, enriched from
    refkit.lock, the cache and (for records the lock lacks) Crossref and arXiv."""
    from . import lock as lockfile
    from . import writers
    from .errors import InputError
    from .files import write_atomic
    from .pipeline import select

    if check and not all_:
        raise click.UsageError("--check goes with --all")
    if all_ and (output or fmt or venue or year or keyword or key):
        raise click.UsageError(
            "--all writes every format for the whole list; drop -o/--format and the filters"
        )
    frozen = frozen or check  # --check compares with what the lock alone produces
    mode = _mode(refresh, frozen, offline)
    loaded = _load(meta_dir, keep_going, mode, cache_dir, report_path)
    items, new_lock = loaded.items, loaded.lock
    if _published(published):
        from .versions import apply

        items = apply(items, new_lock)
    lock_path = lockfile.path_for(meta_dir)
    if all_:
        from . import exports  # and the page: only --all writes them

        root = exports_dir or meta_dir.resolve().parent / "exports"
        files = exports.render(items, loaded.published)
        if check:
            stale = exports.stale(root, files)
            if loaded.old_lock != new_lock:
                stale.append(lock_path.name)
            if stale:
                raise _stale_error(root, stale)
            click.echo(
                f"refkit: exports/ is up to date ({len(files)} files, {len(items)} records)",
                err=True,
            )
            return
        if not frozen:
            lockfile.save(new_lock, lock_path)
        changed = exports.write(root, files)
        click.echo(
            f"refkit: wrote {len(changed)} of {len(files)} files in {root} ({len(items)} records)",
            err=True,
        )
    else:
        if not frozen:
            lockfile.save(new_lock, lock_path)
        chosen = select(items, venue, year, keyword, key)
        if fmt:
            writer = writers.get("bibtex" if fmt == "bib" else fmt)
        elif output:
            try:
                writer = writers.for_suffix(output.suffix)
            except InputError as exc:
                raise InputError(f"{output}: {exc} (--format NAME)") from exc
        else:
            writer = writers.get("bibtex")
        text = writer.write(chosen)
        if output:
            write_atomic(output, text)
            click.echo(f"refkit: wrote {len(chosen)} records to {output}", err=True)
        else:
            click.echo(text, nl=False)
    if loaded.problems:
        raise _Exit(1, f"{len(loaded.problems)} bad record(s) skipped; fix them and rerun")


def _published(flag: bool | None) -> bool:
    """--published/--as-recorded, else `[export] published` in the config file."""
    if flag is not None:
        return flag
    from . import config

    value = (config.get("export_published") or "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        from .errors import InputError

        raise InputError(f"[export] published = {value!r} in {config.path()}: use true or false")
    return value in ("true", "1", "yes")


@cli.command()
@meta_option
@click.option("--check", is_flag=True, help="Exit 1 when any record is outdated (for CI).")
@click.option("--write", is_flag=True, help="Set pub.where and pub.year in those record files.")
@enrich_options
def outdated(
    meta_dir: Path,
    check: bool,
    write: bool,
    refresh: bool,
    frozen: bool,
    offline: bool,
    cache_dir: Path | None,
    report_path: Path | None,
) -> None:
    """List the arXiv-labelled records whose published version (pinned in refkit.lock, looked
    up like export does) differs from what the record says, one line each with the evidence."""
    from . import lock as lockfile
    from . import outdated as rewriter
    from .versions import outdated as find

    if check and write:
        raise click.UsageError("--check and --write exclude each other")
    mode = _mode(refresh, frozen, offline)
    loaded = _load(meta_dir, False, mode, cache_dir, report_path)
    if not frozen:
        lockfile.save(loaded.lock, lockfile.path_for(meta_dir))
    found = find(loaded.items, loaded.lock)
    for o in found:
        click.echo(o.line())
    if write:
        changed = [
            o for o in found if rewriter.write(meta_dir / o.record_path, o.new_where, o.new_year)
        ]
        click.echo(
            f"refkit: updated pub.where and pub.year in {len(changed)} record file(s); review "
            "the diff and commit",
            err=True,
        )
    elif check and found:
        raise _Exit(
            1,
            f"{len(found)} record(s) have a published version they do not say; run `refkit outdated --write`",
        )
    elif not found:
        click.echo("refkit: no record is outdated", err=True)


@cli.command()
@meta_option
@click.argument("papers", nargs=-1)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Add every entry of a bibliography: .bib, .ris or .json (CSL-JSON).",
)
@click.option("--keyword", multiple=True, help="A keyword of the new record(s) (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print the record(s); write nothing.")
@click.option("--offline", is_flag=True, help="Never touch the network: the cache only.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Response cache (default: the user cache dir; REFKIT_CACHE_DIR).",
)
def add(
    meta_dir: Path,
    papers: tuple[str, ...],
    from_file: Path | None,
    keyword: tuple[str, ...],
    dry_run: bool,
    offline: bool,
    cache_dir: Path | None,
) -> None:
    """Add papers by arXiv id, DOI or URL (arXiv, doi.org, ACL Anthology, OpenReview, PMLR,
    NeurIPS) as meta/<year>/<name>.prototxt in the list's style, looked up like export does
    and pinned in refkit.lock. A paper the list has is refused (exit 1)."""
    from .add import run
    from .add.bibliography import BibliographyError, read
    from .enrich import Options

    inputs = [(p, p) for p in papers]
    if from_file is not None:
        try:
            inputs += [(e.where, e.ident) for e in read(from_file)]
        except BibliographyError as exc:
            for problem in exc.problems:
                click.echo(f"refkit: error: {problem}", err=True)
            raise _Exit(2, f"{from_file}: not read; fix it and rerun (nothing added)") from exc
    if not inputs:
        raise click.UsageError("give arXiv ids, DOIs or URLs, or --from FILE")
    mode = "offline" if offline else "normal"
    options = Options.from_env(mode=mode, cache_dir=cache_dir)
    result = run(inputs, meta_dir, options, list(keyword), dry_run)
    for o in result.outcomes:
        if dry_run and o.text:
            click.echo(f"# {o.path}\n{o.text}")
        prefix = "" if o.status == "added" else "error: "
        click.echo(f"refkit: {prefix}{o.label}: {o.message}", err=True)
    for note in result.notes:
        click.echo(f"refkit: {note}", err=True)
    if not result.ok:
        raise _Exit(1, result.summary(dry_run))
    if len(result.outcomes) > 1:
        click.echo(f"refkit: {result.summary(dry_run)}", err=True)


@cli.command()
@meta_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),  # findings.FORMATS
    default="text",
    show_default=True,
    help="text: path:line: error|warning: message; github: workflow commands that annotate a "
    "pull request; json: one object for tools.",
)
@click.option("--strict", is_flag=True, help="Warnings are errors too (exit 1).")
def check(meta_dir: Path, fmt: str, strict: bool) -> None:
    """Check the list: the same paper twice, years before the arXiv id, URLs that are not
    http(s), files that do not parse (errors, exit 1); unknown venues and keywords, published
    preprints, entries without authors (warnings). Reads the records and refkit.lock only."""
    import os

    from .check import check as run_check
    from .findings import render

    result = run_check(meta_dir, strict)
    click.echo(render(result, fmt, os.environ.get("GITHUB_WORKSPACE")), nl=False)
    summary = f"{result.errors} error(s), {result.warnings} warning(s) in {result.records} records"
    if result.errors:
        raise _Exit(1, f"check: {summary}; fix the errors above")
    click.echo(f"refkit: check: {summary}", err=True)


def _mode(refresh: bool, frozen: bool, offline: bool) -> str:
    modes = [m for m, on in (("refresh", refresh), ("frozen", frozen), ("offline", offline)) if on]
    if len(modes) > 1:
        raise click.UsageError("--refresh, --frozen and --offline exclude each other")
    return modes[0] if modes else "normal"


def _load(
    meta_dir: Path,
    keep_going: bool,
    mode: str,
    cache_dir: Path | None,
    report_path: Path | None,
) -> Loaded:
    """The pipeline, with its problems and summary printed."""
    from .enrich import Options
    from .pipeline import load

    options = Options.from_env(mode=mode, cache_dir=cache_dir, progress=sys.stderr.isatty())
    loaded = load(meta_dir, options, keep_going, report_path)
    for problem in loaded.problems:
        click.echo(f"refkit: error: {problem}", err=True)
    for line in loaded.summary:
        click.echo(f"refkit: {line}", err=True)
    return loaded


@cli.group()
def sync() -> None:
    """Push the list into a reference manager."""


@sync.command("zotero")
@meta_option
@click.option("--group", "group_id", type=int, help="The Zotero group library's ID.")
@click.option(
    "--user", "user_id", type=int, help="A Zotero user library's ID (instead of --group)."
)
@click.option(
    "--root",
    default="refkit",
    show_default=True,
    help="Name of the root collection (one sub-collection per venue).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the plan (create, update, move, delete, conflicts); write nothing.",
)
@click.option("--prune", is_flag=True, help="Delete refkit's items whose record was removed.")
@click.option("--force", is_flag=True, help="Overwrite fields that group members changed.")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where refkit remembers what it wrote (default: the user cache dir; a cache, never the key).",
)
@enrich_options
def sync_zotero(
    meta_dir: Path,
    group_id: int | None,
    user_id: int | None,
    root: str,
    dry_run: bool,
    prune: bool,
    force: bool,
    state_dir: Path | None,
    refresh: bool,
    frozen: bool,
    offline: bool,
    cache_dir: Path | None,
    report_path: Path | None,
) -> None:
    """Sync the list into a Zotero library: one collection per venue, idempotent, and never
    touching what refkit did not create. The API key comes from ZOTERO_API_KEY or the config file."""

    from platformdirs import user_cache_dir

    from . import config
    from .errors import InputError
    from .zotero import DEFAULT_URL, SyncOptions, describe
    from .zotero import sync as run_sync

    if (group_id is None) == (user_id is None):
        raise InputError("give exactly one of --group ID or --user ID")
    api_key = config.get("zotero_api_key") or ""
    if not api_key:
        raise InputError(
            "set ZOTERO_API_KEY (or api_key under [zotero] in the config file) to a Zotero API key with write access (https://www.zotero.org/settings/keys)"
        )
    from . import lock as lockfile

    mode = _mode(refresh, frozen, offline)
    loaded = _load(meta_dir, False, mode, cache_dir, report_path)
    items, new_lock = loaded.items, loaded.lock
    if not frozen and not dry_run:
        lockfile.save(new_lock, lockfile.path_for(meta_dir))
    options = SyncOptions(
        library_type="group" if group_id is not None else "user",
        library_id=group_id if group_id is not None else user_id,  # type: ignore[arg-type]
        api_key=api_key,
        base_url=config.get("zotero_url") or DEFAULT_URL,
        root=root,
        dry_run=dry_run,
        prune=prune,
        force=force,
        progress=sys.stderr.isatty(),
        state_dir=state_dir
        or Path(config.get("zotero_state_dir") or Path(user_cache_dir("refkit")) / "zotero"),
    )
    result = run_sync(items, options)
    if dry_run:
        for line in describe(result.plan):
            click.echo(line)
    for line in result.conflicts:
        click.echo(f"refkit: conflict: {line}", err=True)
    for line in result.notes:
        click.echo(f"refkit: note: {line}", err=True)
    click.echo(
        f"refkit: zotero: {result.created} created, {result.updated} updated, {result.moved} moved, "
        f"{result.unchanged} unchanged, {len(result.conflicts)} conflicts, {result.deleted} deleted "
        f"({result.requests} requests, {result.writes} writes){' [dry run]' if dry_run else ''}",
        err=True,
    )


class _Exit(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _stale_error(root: Path, stale: list[str]) -> _Exit:
    lines = "\n".join(f"  {name}" for name in stale)
    return _Exit(1, f"{root} is stale; run `refkit export --all` and commit:\n{lines}")


def main() -> None:
    """Entry point: runs the CLI and turns refkit's errors into one-line messages and exit codes."""
    import gc

    from .errors import RecordErrors, RefkitError

    # A one-shot batch whose data (records, items, lock) has no reference cycles: collect
    # rarely, or the collector rescans a 10,000-record heap dozens of times (a tenth of a run).
    gc.set_threshold(100_000, 50, 100)
    try:
        cli.main(standalone_mode=False)
    except RecordErrors as exc:
        for problem in exc.problems:
            click.echo(f"refkit: error: {problem}", err=True)
        click.echo(
            f"refkit: {len(exc.problems)} bad record(s); nothing written (--keep-going exports the rest)",
            err=True,
        )
        sys.exit(exc.exit_code)
    except RefkitError as exc:
        click.echo(f"refkit: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except _Exit as exc:
        click.echo(f"refkit: {exc}", err=True)
        sys.exit(exc.code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("refkit: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("refkit: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
