"""Export benchmark: the list end to end, 10k synthetic items per format, and start-up time.

Run from the repository root: `python bench/export.py [--repeat 5]`. Prints tables; asserts
nothing. Targets: the list in all four formats <= 0.5 s in total including start-up, with a
complete lock; 10,000 items <= 5 s per format (writer only), growing linearly; `refkit --help`
<= 0.15 s. The 10,000-record first run end to end is bench/scale.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refkit.model import Item  # noqa: E402
from refkit.normalize import load_items  # noqa: E402
from refkit.writers import FORMATS  # noqa: E402

SIZES = (2_500, 5_000, 10_000)


def best(seconds: list[float]) -> float:
    return min(seconds)


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return best(runs)


def refkit_cmd() -> list[str]:
    """How to run the CLI: the console script beside this Python (not a pyenv shim, which adds
    its own start-up), else `python -m refkit`."""
    exe = Path(sys.executable).parent / "refkit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "refkit"]


def synthetic(base: list[Item], n: int) -> list[Item]:
    """`n` items cloned from the real ones, each with its own key and a varied title."""
    out: list[Item] = []
    for i in range(n):
        item = dict(base[i % len(base)])
        key = f"{item['id']}x{i:05d}"
        item.update({"id": key, "citation-key": key, "title": f"{item['title']} ({i})"})
        out.append(item)  # type: ignore[arg-type]
    return out


def complete_lock(meta: Path) -> None:
    """Pin every record the committed lock has not looked up yet as a finished lookup that
    found nothing (what a run with network access pins for such a record): the lock is then
    complete, as on a maintainer's machine, and an export makes no lookup at all."""
    from datetime import date

    from refkit import lock as lockfile
    from refkit.enrich import basis
    from refkit.enrich.published import needs
    from refkit.enrich.routes import asks_crossref
    from refkit.enrich.sources import PUBLISHED

    path = lockfile.path_for(meta)
    lock = lockfile.load(path)
    today = date.today().isoformat()
    for item in load_items(meta):
        entry = lock[item["custom"]["record_id"]]
        asked = list(PUBLISHED) if needs(item) else []  # the published-version sources
        asked = sorted(asked + (["crossref"] if asks_crossref(item) else []))
        if "doi" not in entry or not set(entry.get("sources", [])) >= set(asked):
            entry.update(doi="none", basis=basis(item), date=today, sources=asked)
    lockfile.save(lock, path)


def bench_list(repeat: int) -> None:
    """End to end through the CLI on a copy of the list (meta/ and refkit.lock)."""
    print("\n(a) the 125-record list, all four formats, start-up included")
    cmd = refkit_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "meta", Path(tmp) / "meta")
        shutil.copy(ROOT / "refkit.lock", Path(tmp) / "refkit.lock")
        complete = Path(tmp) / "complete"
        shutil.copytree(ROOT / "meta", complete / "meta")
        shutil.copy(ROOT / "refkit.lock", complete / "refkit.lock")
        complete_lock(complete / "meta")
        # No network here: a closed port makes the default mode's lookups fail at once.
        env = {
            **os.environ,
            "REFKIT_CROSSREF_URL": "http://127.0.0.1:9",
            "REFKIT_ARXIV_URL": "http://127.0.0.1:9/q",
        }

        def run(*args: str, cwd: Path = Path(tmp)) -> float:
            argv = [*cmd, *args]
            return timed(
                lambda: subprocess.run(argv, check=True, capture_output=True, cwd=cwd, env=env),
                repeat,
            )

        each = {n: run("export", "-f", n, "-o", f"refs-{n}{f.suffix}", cwd=complete)
                for n, f in FORMATS.items()}  # fmt: skip
        rows = [(f"refkit export -f {name} (complete lock)", t) for name, t in each.items()]
        rows.append(("  sum of the 4 processes above (complete lock)", sum(each.values())))
        rows += [
            (
                "refkit export --all --frozen (one process: 4 formats + by-venue)",
                run("export", "--all", "--frozen"),
            ),
            (
                "refkit export --all (default mode; 103 lookups fail offline)",
                run("export", "--all"),
            ),
        ]
        for mode in ("--frozen", "--offline"):
            each = {
                n: run("export", mode, "-f", n, "-o", f"refs-{n}{f.suffix}")
                for n, f in FORMATS.items()
            }
            rows += [(f"refkit export {mode} -f {name}", t) for name, t in each.items()]
            rows.append((f"  sum of the 4 {mode} processes above", sum(each.values())))
        for label, t in rows:
            print(f"  {label:<66} {t * 1000:7.1f} ms")
        print("  target: the list in all four formats with a complete lock <= 500 ms")


def bench_scaling(items: list[Item], repeat: int) -> None:
    print(f"\n(b) synthetic lists, writer only (best of {repeat}), ms")
    print(f"  {'format':<10}" + "".join(f"{n:>10,}" for n in SIZES) + f"{'us/item@10k':>13}")
    lists = {n: synthetic(items, n) for n in SIZES}
    for name, fmt in FORMATS.items():
        row = {n: timed(lambda lst=lists[n], w=fmt.write: w(lst), repeat) for n in SIZES}
        cells = "".join(f"{row[n] * 1000:>10.1f}" for n in SIZES)
        print(f"  {name:<10}{cells}{row[SIZES[-1]] / SIZES[-1] * 1e6:>13.1f}")
    print("  target: 10,000 <= 5000 ms per format; columns should double with the size")


def bench_startup(repeat: int) -> None:
    print("\n(c) start-up")
    argv = [*refkit_cmd(), "--help"]
    label = " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))
    t = timed(
        lambda: subprocess.run(argv, check=True, capture_output=True, cwd=ROOT), max(repeat, 5)
    )
    print(f"  {label}: {t * 1000:.1f} ms (best of {max(repeat, 5)})  target <= 150")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = load_items(ROOT / "meta")
    print(f"refkit export benchmark: {len(items)} records, python {sys.version.split()[0]}")
    bench_list(args.repeat)
    bench_scaling(items, args.repeat)
    bench_startup(args.repeat)


if __name__ == "__main__":
    main()
