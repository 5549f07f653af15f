"""`refkit check` benchmark: synthetic lists in the newer format and the committed list, through
the CLI (start-up included).

Run from the repository root: `python bench/check.py [--sizes 10000 20000] [--repeat 5]`.
Prints a table; asserts nothing. The synthetic list (tests/synthetic.py) has findings of several
kinds: repeated titles (duplicates), entries without authors, unknown keywords. Target (issue #15):
10,000 records in at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import refkit_cmd  # noqa: E402
from bench.scale import run  # noqa: E402
from tests.synthetic import write_list  # noqa: E402

FORMATS = ("text", "github", "json")


def findings(cwd: Path) -> str:
    """The errors and warnings `refkit check` reports (its summary line)."""
    out = subprocess.run(
        [*refkit_cmd(), "check"], cwd=cwd, capture_output=True, text=True, check=False
    )
    line = out.stderr.strip().splitlines()[-1]
    return line.removeprefix("refkit: check: ").removesuffix("; fix the errors above")


def bench(cwd: Path, repeat: int) -> dict[str, tuple[float, float, float]]:
    """Per format: best wall s, best CPU s, highest peak MB."""
    out = {}
    for fmt in FORMATS:
        runs = [
            run([*refkit_cmd(), "check", "-f", fmt], cwd, dict(os.environ)) for _ in range(repeat)
        ]
        out[fmt] = (min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"refkit check benchmark, python {sys.version.split()[0]}, best of {args.repeat}")
    print(f"  {'list':<22} {'format':<7} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}  findings")
    lists: list[tuple[str, Path]] = [("committed (meta/)", ROOT)]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            write_list(Path(tmp) / str(n), n, seed=7)
            lists.append((f"synthetic {n:,}", Path(tmp) / str(n)))
        for name, cwd in lists:
            summary = findings(cwd)
            for fmt, (wall, cpu, mb) in bench(cwd, args.repeat).items():
                print(f"  {name:<22} {fmt:<7} {wall:>7.2f} {cpu:>7.2f} {mb:>8.0f}  {summary}")
    print("  target: 10,000 records <= 2 s")


if __name__ == "__main__":
    main()
