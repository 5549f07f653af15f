"""Benchmark `refkit sync zotero` against the local Zotero API server: requests and wall time.

Two tables: an unlimited server, and the paced server of issue #8 (4 requests/s per key, burst 4;
4 concurrent; `Backoff: 1` on every fifth answer), where the server's log is replayed for the
requests sent inside a Backoff/Retry-After pause (must be 0) and the most requests in flight.

Run: python bench/zotero.py [--synthetic N] [--paced-only]   (prints tables for the README)
"""

from __future__ import annotations

import argparse
import copy
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refkit.normalize import load_items  # noqa: E402
from refkit.zotero import SyncOptions, sync  # noqa: E402
from refkit.zotero import mapping as m  # noqa: E402
from tests.servers.zotero import PACED, ZoteroServer  # noqa: E402
from tests.servers.zotero_pacing import max_in_flight, pause_violations  # noqa: E402

KEY, GID = "b" * 24, 1


def synthetic(items: list, n: int) -> list:
    out = []
    for i in range(n):
        item = copy.deepcopy(items[i % len(items)])
        item["custom"]["record_id"] = f"synthetic/{i:05d}"
        item["title"] = f"{item['title']} #{i}"
        out.append(item)
    return out


def run(label: str, items: list, rows: list) -> None:
    with ZoteroServer() as zs, tempfile.TemporaryDirectory() as state:
        zs.add_group(GID)
        zs.add_key(KEY, user_id=1, libraries={f"groups/{GID}": "write"})
        opts = SyncOptions("group", GID, KEY, zs.url, state_dir=Path(state))
        objects = len(items) + sum(1 for i in items if m.code_attachment(i))
        phases = ("first sync", "unchanged re-sync", "unchanged re-sync", "re-sync, state lost")
        for phase in phases:
            if phase == "re-sync, state lost":
                for f in Path(state).rglob("*.json"):
                    f.unlink()
            start, t0 = len(zs.requests), time.perf_counter()
            result = sync(items, opts)
            wall = time.perf_counter() - t0
            log = zs.requests[start:]
            item_w = sum(1 for r in log if r.method != "GET" and r.path.endswith("/items"))
            coll_w = sum(1 for r in log if r.method != "GET" and r.path.endswith("/collections"))
            reads = sum(1 for r in log if r.method == "GET")
            expect = math.ceil(objects / 50) if phase == "first sync" else 0
            rows.append((label, phase, len(items), objects, len(log), reads, item_w, expect,
                         coll_w, f"{wall:.2f}", result.created, result.unchanged))  # fmt: skip


def run_paced(label: str, items: list, rows: list) -> None:
    with ZoteroServer(**PACED) as zs, tempfile.TemporaryDirectory() as state:
        zs.add_group(GID)
        zs.add_key(KEY, user_id=1, libraries={f"groups/{GID}": "write"})
        opts = SyncOptions("group", GID, KEY, zs.url, state_dir=Path(state))
        for phase in ("first sync", "unchanged re-sync"):
            start, t0 = len(zs.requests), time.perf_counter()
            result = sync(items, opts)
            wall = time.perf_counter() - t0
            log = zs.requests[start:]
            inside = len({id(r) for _, r in pause_violations(zs.requests) if r in log})
            rows.append((label, phase, len(items), len(log),
                         sum(1 for r in log if r.status == 429),
                         sum(1 for r in log if r.pause), inside,
                         max_in_flight(log), f"{wall:.2f}", result.created, result.unchanged))  # fmt: skip
        assert len(zs.library(f"groups/{GID}").items) == len(items) + sum(
            1 for i in items if m.code_attachment(i)
        )


def table(head: tuple, rows: list) -> None:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--paced-only", action="store_true")
    args = parser.parse_args()
    items = load_items(ROOT / "meta")
    many = synthetic(items, args.synthetic)
    if not args.paced_only:
        rows: list = []
        run("meta/ (real)", items, rows)
        run("synthetic", many, rows)
        table(("list", "phase", "records", "objects", "requests", "reads", "item writes",
               "ceil(objects/50)", "collection writes", "wall s", "created", "unchanged"), rows)  # fmt: skip
        print(
            "\nobjects = records + their 'Code' link attachments (written after their items, in full batches of 50).\n"
        )
    paced: list = []
    run_paced("meta/ (real)", items, paced)
    run_paced("synthetic", many, paced)
    table(("list (paced server)", "phase", "records", "requests", "429s", "answers asking a pause",
           "sent inside a pause", "max in flight", "wall s", "created", "unchanged"), paced)  # fmt: skip


if __name__ == "__main__":
    main()
