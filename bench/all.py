"""`refkit export --all` benchmark: the whole exports/ folder (four formats, one .bib per venue,
the page) for a synthetic list (tests/synthetic.py), end to end through the CLI.

Run from the repository root: `python bench/all.py [--sizes 10000] [--repeat 3]`. Prints a table;
asserts nothing. Per size, on a fresh copy of the list with the network unreachable:

- first run: `export --all --offline`, no refkit.lock yet (the run pins every key);
- then the lock is completed as on a maintainer's machine (bench/export.py `complete_lock`:
  every record pinned as a finished lookup), and, best of `--repeat`:
- `export --all` with exports/ deleted first (every file written),
- `export --all` again (exports/ up to date: nothing written),
- `export --all --check` (exports/ up to date; exit 0).

Wall and CPU seconds and peak memory (the process's maximum resident set size, `wait4`).
Target (issue #15): 10,000 records <= 3 s and <= 250 MB for `export --all` and for
`export --all --check`.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import complete_lock, refkit_cmd  # noqa: E402
from bench.scale import run  # noqa: E402
from tests.synthetic import write_list  # noqa: E402

Row = tuple[float, float, float]  # wall s, CPU s, peak MB


def best(runs: list[Row]) -> Row:
    """The fastest run's wall time, the least CPU, the highest peak (the honest memory figure)."""
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def bench_size(n: int, repeat: int) -> dict[str, Row]:
    out: dict[str, Row] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_list(work, n, seed=7)
        env = {
            **os.environ,
            "REFKIT_CROSSREF_URL": "http://127.0.0.1:9",
            "REFKIT_ARXIV_URL": "http://127.0.0.1:9/q",
            "REFKIT_CACHE_DIR": str(work / "cache"),
        }
        cmd = [*refkit_cmd(), "export", "--all"]

        def once(*extra: str, fresh: bool = False) -> Row:
            if fresh:
                shutil.rmtree(work / "exports", ignore_errors=True)
            t, cpu, mb, code = run([*cmd, *extra], work, env)
            if code != 0:
                raise SystemExit(f"{' '.join([*cmd, *extra])} exited {code} in {work}")
            return t, cpu, mb

        out["export --all --offline, first run (no lock)"] = once("--offline")
        logging.disable(logging.WARNING)  # load_items' warnings about the synthetic list
        complete_lock(work / "meta")
        logging.disable(logging.NOTSET)
        once()  # the lock as `export --all` leaves it, so that --check finds it up to date
        rows = {
            "export --all (complete lock, no exports/ yet)": lambda: once(fresh=True),
            "export --all (complete lock, exports/ up to date)": lambda: once(),
            "export --all --check (up to date)": lambda: once("--check"),
        }
        for name, fn in rows.items():
            out[name] = best([fn() for _ in range(repeat)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"refkit export --all benchmark, python {sys.version.split()[0]}, best of {args.repeat}")
    print(f"  {'records':>8} {'run':<52} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}")
    for n in args.sizes:
        for name, (t, cpu, mb) in bench_size(n, args.repeat).items():
            print(f"  {n:>8,} {name:<52} {t:>7.2f} {cpu:>7.2f} {mb:>8.0f}", flush=True)
    print("  target: 10,000 records, export --all and export --all --check <= 3 s and <= 250 MB")


if __name__ == "__main__":
    main()
