"""Benchmark enrichment of the 125-record list against the local fake servers; prints a table.

Cold run (empty cache and lock) with 100 ms latency and Crossref's polite-pool limits (10 single
requests/s, 3 list requests/s, 3 in flight; arXiv one call per 3 s; Semantic Scholar one batch
call per second with a key; DBLP one request per second, one at a time), a warm run (same cache,
empty lock) and a run from the lock alone, and a naive client for comparison: plain habanero,
one search per record, sequential, no throttling.

Lower bound the limits set for the cold run, from the requests it actually needed
(L list, S single, A arXiv calls, B S2 batch calls, D DBLP requests, latency d = 0.1 s,
Crossref concurrency c = 3):

    T_min = d + max(L / 3, S / 10, 3 * (A - 1), d * (L + S) / c,
                    B * d + (B - 1) * 1 + (D - 1) * max(1, d) + d)

(the first d: nothing is known about the limits before the first answer; DBLP lookups wait for
the S2 batch, whose answer names the DBLP keys, then go one per second). The S2 + DBLP data is
the published-versions scenario (tests/data/scholar). Run from the repository root:
`python bench/enrich.py`.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import habanero  # noqa: E402
import httpx2  # noqa: E402

from refkit.enrich import Options, enrich  # noqa: E402
from refkit.normalize import load_items  # noqa: E402
from tests.servers.arxiv import ArxivServer  # noqa: E402
from tests.servers.crossref import CrossrefServer  # noqa: E402
from tests.servers.dblp import DblpServer  # noqa: E402
from tests.servers.s2 import S2Server  # noqa: E402

DATA = Path("tests/data/enrich")
LATENCY = 0.1


def main() -> None:
    works = json.loads((DATA / "crossref_works.json").read_text())
    entries = json.loads((DATA / "arxiv_entries.json").read_text())
    scholar = json.loads(Path("tests/data/scholar/scenario.json").read_text())
    items = load_items(Path("meta"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        with (
            CrossrefServer(works, pool="auto", latency=LATENCY) as cr,
            ArxivServer(entries, latency=LATENCY) as ax,
            S2Server(scholar["s2"], api_key="bench", latency=LATENCY) as s2,
            DblpServer(scholar["dblp"], latency=LATENCY) as db,
        ):
            urls = {"s2": s2.url, "dblp": db.url}
            opts = Options(
                cr.url,
                ax.url,
                "bench@example.org",
                cache,
                timeout=10.0,
                urls=urls,
                keys={"s2": "bench"},
            )
            t = time.perf_counter()
            cold = enrich(items, {}, opts)
            cold_s = time.perf_counter() - t
            lists = sum(r.kind == "list" for r in cr.requests)
            singles = sum(r.kind == "single" for r in cr.requests)
            calls = len(ax.requests)
            batches, dblps = len(s2.requests), len(db.requests)
            scholar_s = batches * LATENCY + (batches - 1) + (dblps - 1) * max(1, LATENCY) + LATENCY
            bound = LATENCY + max(
                lists / 3,
                singles / 10,
                3 * (calls - 1),
                LATENCY * (lists + singles) / 3,
                scholar_s,
            )
            violations = cr.violations + ax.violations + s2.violations + db.violations
            rows.append(("cold", cold_s, cold.requests, violations, cr.max_in_flight))
            n = len(cr.requests) + len(s2.requests) + len(db.requests)
            t = time.perf_counter()
            warm = enrich(items, {}, opts)
            rows.append(("warm (cache)", time.perf_counter() - t, warm.requests, 0, 0))
            t = time.perf_counter()
            pinned = enrich(items, cold.lock, opts)
            rows.append(("from lock", time.perf_counter() - t, pinned.requests, 0, 0))
            assert len(cr.requests) + len(s2.requests) + len(db.requests) == n, "warm runs asked"

        with CrossrefServer(works, pool="auto", latency=LATENCY) as cr:
            naive = habanero.Crossref(base_url=cr.url, mailto="bench@example.org")
            failures = 0
            t = time.perf_counter()
            for item in items:
                try:
                    naive.works(query_bibliographic=item["title"], limit=10)
                except (httpx2.HTTPStatusError, habanero.RequestError, RuntimeError, TypeError):
                    failures += 1
            naive_s = time.perf_counter() - t
            rows.append(("naive habanero", naive_s, len(cr.requests), cr.violations, 1))

    print(f"records: {len(items)}; cold run needed {lists} list + {singles} single Crossref")
    print(
        f"requests, {calls} arXiv call(s), {batches} S2 batch call(s) and {dblps} DBLP requests: "
        f"{(lists + singles + calls + batches + dblps) / len(items):.2f} per record"
    )
    print(f"lower bound T_min = {bound:.2f} s; cold / T_min = {cold_s / bound:.2f}")
    print()
    print(f"{'run':<16} {'seconds':>8} {'requests':>9} {'violations':>11} {'max in flight':>14}")
    for name, secs, reqs, viol, conc in rows:
        print(f"{name:<16} {secs:>8.2f} {reqs:>9} {viol:>11} {conc:>14}")
    print(f"\nnaive client: {failures} of {len(items)} searches failed (429 over the list limit)")


if __name__ == "__main__":
    main()
