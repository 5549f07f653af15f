"""Export benchmark: the list end to end, 10k synthetic items per format, and start-up time.

Run from the repository root: `python bench/export.py [--repeat 5]`. Prints tables; asserts
nothing. Targets: the list in all four formats <= 1 s in total including start-up; 10,000
items <= 5 s per format, growing linearly; `refkit --help` <= 0.3 s.
"""

from __future__ import annotations

import argparse
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


def refkit_cmd() -> list[str] | None:
    """How to run the CLI: the installed script, else `python -m refkit.cli`; None if absent."""
    if (ROOT / "refkit" / "cli.py").exists():
        exe = shutil.which("refkit")
        return [exe] if exe else [sys.executable, "-m", "refkit.cli"]
    return None


def synthetic(base: list[Item], n: int) -> list[Item]:
    """`n` items cloned from the real ones, each with its own key and a varied title."""
    out: list[Item] = []
    for i in range(n):
        item = dict(base[i % len(base)])
        key = f"{item['id']}x{i:05d}"
        item.update({"id": key, "citation-key": key, "title": f"{item['title']} ({i})"})
        out.append(item)  # type: ignore[arg-type]
    return out


def bench_list(items: list[Item], repeat: int) -> None:
    print("\n(a) the 125-record list, all four formats")
    cmd = refkit_cmd()
    if cmd is None:
        # TODO(lead): refkit/cli.py is not there yet; this times load_items + the writers in
        # process instead of `refkit export` through a subprocess (start-up not included).
        total = timed(
            lambda: [f.write(load_items(ROOT / "meta")) for f in FORMATS.values()], repeat
        )
        print(f"  in-process load + 4 writers (CLI missing; TODO): {total * 1000:8.1f} ms")
        return
    with tempfile.TemporaryDirectory() as tmp:
        times = {}
        for name, fmt in FORMATS.items():
            out = Path(tmp) / f"refs-{name}{fmt.suffix}"
            argv = cmd + ["export", "--meta", str(ROOT / "meta"), "-f", name, "-o", str(out)]
            times[name] = timed(
                lambda a=argv: subprocess.run(a, check=True, capture_output=True), repeat
            )
        for name, t in times.items():
            print(f"  refkit export --format {name:<9} {t * 1000:8.1f} ms")
        print(
            f"  total (4 processes, start-up included) {sum(times.values()) * 1000:8.1f} ms  target <= 1000"
        )


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
    cmd = refkit_cmd()
    if cmd is None:
        # TODO(lead): no CLI yet; import time of the writers package as a stand-in.
        argv = [sys.executable, "-c", "import refkit.writers"]
        label = "python -c 'import refkit.writers' (CLI missing; TODO)"
    else:
        argv = cmd + ["--help"]
        label = " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))
    t = timed(
        lambda: subprocess.run(argv, check=True, capture_output=True, cwd=ROOT), max(repeat, 5)
    )
    print(f"  {label}: {t * 1000:.1f} ms (best of {max(repeat, 5)})  target <= 300")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = load_items(ROOT / "meta")
    print(f"refkit export benchmark: {len(items)} records, python {sys.version.split()[0]}")
    bench_list(items, args.repeat)
    bench_scaling(items, args.repeat)
    bench_startup(args.repeat)


if __name__ == "__main__":
    main()
