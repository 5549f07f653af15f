"""Scale benchmark: synthetic lists in the newer format, end to end through the CLI.

Run from the repository root: `python bench/scale.py [--sizes 10000 20000] [--repeat 3]`.
Prints a table; asserts nothing. Each run is a first run: a fresh copy of the list with no
refkit.lock (so the run pins every key), an empty cache directory, network unreachable and
`--offline`. Then a second run of the same process with the lock the first one wrote. Peak
memory is the child's maximum resident set size (`wait4`).

Targets (issue #7): 10,000 records <= 2 s and <= 200 MB per format on the first run; 20,000
records <= 2.2 x the 10,000 time.
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

from bench.export import refkit_cmd  # noqa: E402
from tests.synthetic import write_list  # noqa: E402

FORMATS = ("bibtex", "biblatex", "csl-json", "ris")
SUFFIX = {"bibtex": ".bib", "biblatex": ".bib", "csl-json": ".json", "ris": ".ris"}


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one process. CPU time is the
    steadier number on a machine shared with other jobs."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


Row = tuple[float, float, float, float]  # first run: wall s, CPU s, peak MB; second run: wall s


def bench_size(n: int, repeat: int, extra: list[str]) -> dict[str, Row]:
    """Per format: the best first run (wall, CPU), the highest peak MB, the best second run."""
    out: dict[str, Row] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        write_list(src, n, seed=7)
        env = {
            **os.environ,
            "REFKIT_CROSSREF_URL": "http://127.0.0.1:9",
            "REFKIT_ARXIV_URL": "http://127.0.0.1:9/q",
        }
        for fmt in FORMATS:
            firsts: list[tuple[float, float, float]] = []
            seconds: list[float] = []
            for r in range(repeat):
                work = Path(tmp) / f"{fmt}-{r}"
                shutil.copytree(src / "meta", work / "meta")
                env["REFKIT_CACHE_DIR"] = str(work / "cache")
                argv = [*refkit_cmd(), "export", "--offline", *extra, "-f", fmt]
                argv += ["-o", f"out{SUFFIX[fmt]}"]
                t, cpu, mb, code = run(argv, work, env)
                if code != 0 and not (code == 1 and "--keep-going" in extra):
                    raise SystemExit(f"{' '.join(argv)} exited {code} in {work}")
                firsts.append((t, cpu, mb))
                seconds.append(run(argv, work, env)[0])  # the lock is there now
                shutil.rmtree(work)
            out[fmt] = (
                min(t for t, _, _ in firsts),
                min(c for _, c, _ in firsts),
                max(m for _, _, m in firsts),
                min(seconds),
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep-going", action="store_true", help="for refkit versions that reject non-paper files"
    )
    args = parser.parse_args()
    extra = ["--keep-going"] if args.keep_going else []
    print(f"refkit scale benchmark, python {sys.version.split()[0]}, best of {args.repeat}")
    print(
        f"  {'records':>8} {'format':<10} {'first run s':>12} {'CPU s':>7} {'peak MB':>9}"
        f" {'second run s':>13}"
    )
    results = {}
    for n in args.sizes:
        results[n] = bench_size(n, args.repeat, extra)
        for fmt, (t, cpu, mb, t2) in results[n].items():
            print(f"  {n:>8,} {fmt:<10} {t:>12.2f} {cpu:>7.2f} {mb:>9.0f} {t2:>13.2f}", flush=True)
    if len(args.sizes) > 1:
        a, b = args.sizes[0], args.sizes[-1]
        for fmt in FORMATS:
            wall = results[b][fmt][0] / results[a][fmt][0]
            cpu = results[b][fmt][1] / results[a][fmt][1]
            print(f"  {fmt:<10} {b:,} / {a:,} first run: {wall:.2f}x wall, {cpu:.2f}x CPU")
    print("  targets: 10,000 first run <= 2 s and <= 200 MB per format; 20,000 <= 2.2x 10,000")


if __name__ == "__main__":
    main()
