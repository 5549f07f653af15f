"""Issue #8: no Zotero request inside a Backoff or Retry-After pause, and 4 requests in flight.

The server logs when each request arrived and when its answer went out; the checks replay
that log (tests/servers/zotero_pacing.py), so they judge any client the same way.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx2
import pytest

from refkit.errors import ZoteroError
from refkit.zotero import SyncOptions, gate, sync
from refkit.zotero.client import Client, Policy
from tests import test_cli_sync as cli
from tests.servers.zotero import PACED, RequestLog, ZoteroServer
from tests.servers.zotero_pacing import max_in_flight, pause_violations
from tests.test_zotero_sync import GID, ITEMS, KEY, LIB, OBJECTS, refkit_items, writes

POLICY = Policy(attempts=10, backoff=0.02, max_backoff=0.1, max_wait=5)


def paced(**kw: object) -> ZoteroServer:
    zs = ZoteroServer(**{**PACED, **kw})
    zs.add_group(GID)
    zs.add_key(KEY, user_id=7, libraries={LIB: "write"})
    return zs


def opts(zs: ZoteroServer, state: Path | None) -> SyncOptions:
    return SyncOptions("group", GID, KEY, zs.url, state_dir=state, policy=POLICY)


def test_paced_sync_waits_out_every_pause_and_ends_exactly_right(tmp_path: Path) -> None:
    # 4 requests/s (burst 4), 4 concurrent, Backoff: 1 on every fifth answer, and on top a
    # 429 or 503 with Retry-After: 1 on every seventh request (so some always happen).
    with paced(faults=("429", "503"), fault_every=7, retry_after=1) as zs:
        result = sync(ITEMS, opts(zs, tmp_path))
        log = list(zs.requests)
        assert result.created == 124 and len(zs.library(LIB).items) == OBJECTS
        assert {rid: d["title"] for rid, d in refkit_items(zs).items()} == {
            i["custom"]["record_id"]: i["title"] for i in ITEMS
        }
        refused = [r for r in log if r.status in (429, 503)]
        backoffs = [r for r in log if r.backoff]
        assert refused and backoffs and all(r.pause == 1 for r in refused + backoffs)
        assert pause_violations(log) == []
        assert max_in_flight(log) <= 4 and not any(r.fault == "concurrency" for r in log)
        for r in refused:  # each refused request was sent again, after its pause
            assert any(x.start >= r.answered + r.pause for x in log if x.path == r.path)
        zs.fault_every = 0
        start = len(zs.requests)
        assert sync(ITEMS, opts(zs, tmp_path)).unchanged == 124 and writes(zs, start) == []
        assert pause_violations(zs.requests) == []


def entry(conn: int, start: float, done: float = 0.0, **kw: Any) -> RequestLog:
    return RequestLog("GET", "/", {}, 200, conn=conn, start=start, answered=done, end=done, **kw)


def test_the_check_on_a_log_worked_out_by_hand() -> None:
    # The answer on connection 1 went out at 1.0 and asked for 1 s; connection 2 already had
    # a request waiting, and a new connection was waiting to be accepted.
    answer = entry(1, 0.0, 1.0, pause=1.0, pending=frozenset({2}), backlog=True)
    waiting = entry(2, 1.02, 1.03)  # had arrived before the answer: not a violation
    second = entry(2, 1.5, 1.6)  # sent on connection 2 after that: a violation
    same = entry(1, 1.5, 1.6)  # on the answer's own connection: a violation
    fresh = entry(3, 1.06, 1.07, accepted=1.05)  # the connection that waited to be accepted
    after = entry(4, 2.1, 2.2)  # after the pause
    log = [answer, waiting, second, same, fresh, after]
    assert pause_violations(log) == [(answer, second), (answer, same)]
    assert pause_violations([replace(answer, pending=frozenset(), backlog=False), waiting]) != []
    assert max_in_flight(log) == 2  # 1.5-1.6: `second` and `same`
    assert max_in_flight([entry(1, 0, 3), entry(2, 1, 2), entry(3, 1.5, 2.5), entry(4, 2, 3)]) == 3


def test_the_check_catches_a_client_that_ignores_the_pause() -> None:
    with paced(rate_limit=None) as zs, httpx2.Client(trust_env=False) as http:
        for _ in range(7):  # plain httpx2, one request after the other, no gate
            http.get(f"{zs.url}/{LIB}/items", headers={"Zotero-API-Key": KEY})
        log = list(zs.requests)
    assert [bool(r.pause) for r in log] == [False] * 4 + [True] + [False] * 2
    assert [(a.end, r.start) for a, r in pause_violations(log)] == [
        (log[4].end, log[5].start),
        (log[4].end, log[6].start),
    ]


def queued_behind_the_pool(zs: ZoteroServer, send: Callable[[], object]) -> None:
    """Three requests at once through two connections: the third waits for one to free up."""
    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(zs.requests) == 3


def test_a_request_queued_for_a_connection_waits_out_the_pause_of_the_answer_that_freed_it() -> (
    None
):
    # Every answer asks for a 1 s pause and takes 0.3 s: the third request gets a connection as
    # the first answer arrives, and must not go out then.
    limits = {"rate_limit": None, "max_concurrency": None, "backoff_every": 1, "latency": 0.3}
    with (
        paced(**limits) as zs,
        httpx2.Client(trust_env=False, limits=httpx2.Limits(max_connections=2)) as http,
    ):
        url = f"{zs.url}/{LIB}/items"
        queued_behind_the_pool(zs, lambda: http.get(url, headers={"Zotero-API-Key": KEY}))
        assert pause_violations(zs.requests)  # plain httpx2 sends it at once
    with paced(**limits) as zs:
        client = Client("group", GID, KEY, zs.url, replace(POLICY, workers=2))
        try:
            queued_behind_the_pool(zs, lambda: client.item_versions(None))
        finally:
            client.close()
        assert pause_violations(zs.requests) == [] and max_in_flight(zs.requests) == 2


def test_the_check_counts_requests_in_flight() -> None:
    with ZoteroServer(latency=0.3, max_concurrency=None) as zs:
        zs.add_group(GID)
        zs.add_key(KEY, user_id=7, libraries={LIB: "write"})
        ready = threading.Barrier(6)

        def get() -> None:
            with httpx2.Client(trust_env=False) as http:
                ready.wait()
                http.get(f"{zs.url}/{LIB}/items", headers={"Zotero-API-Key": KEY})

        threads = [threading.Thread(target=get) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert max_in_flight(zs.requests) == 6


def test_four_requests_really_are_in_flight(tmp_path: Path) -> None:
    items = []
    for n in range(400):
        item = copy.deepcopy(ITEMS[n % len(ITEMS)])
        item["custom"]["record_id"] = f"synthetic/{n:03d}"
        items.append(item)
    with ZoteroServer(latency=0.05, max_concurrency=4) as zs:
        zs.add_group(GID)
        zs.add_key(KEY, user_id=7, libraries={LIB: "write"})
        assert sync(items, opts(zs, tmp_path)).created == 400
        assert max_in_flight(zs.requests) == 4
        assert not any(r.status == 429 for r in zs.requests)


@pytest.mark.parametrize(
    "limits",
    [
        {"backoff": 3600, "backoff_every": 1},
        {"faults": ("429",), "fault_every": 1, "retry_after": 3600},
    ],
)
def test_a_pause_longer_than_the_maximum_stops_the_sync_with_advice(
    tmp_path: Path, limits: dict
) -> None:
    with paced(rate_limit=None, **limits) as zs:
        with pytest.raises(ZoteroError, match="wait 3600 s .*run the sync later"):
            sync(ITEMS, opts(zs, tmp_path))
        assert len(zs.requests) == 1 and zs.writes == 0  # nothing sent after that answer
    gate._UNTIL.pop(zs.url)  # a later test server may get this port: it must not inherit the pause


def test_the_next_run_waits_out_a_pause_the_last_run_was_asked_for(tmp_path: Path) -> None:
    with paced(rate_limit=None, backoff_every=3) as zs:  # a dry run reads 3 times
        dry = replace(opts(zs, tmp_path), dry_run=True)
        sync(ITEMS, dry)
        assert zs.requests[-1].pause == 1
        gate._UNTIL.pop(zs.url)  # what a new process knows: only the saved state
        sync(ITEMS, dry)
        assert len(zs.requests) == 6 and pause_violations(zs.requests) == []


def test_a_long_pause_stops_the_command_and_the_next_run_sends_nothing(tmp_path: Path) -> None:
    with ZoteroServer(backoff=3600) as zs:  # the first answer asks for an hour
        zs.add_group(cli.GID)
        zs.add_key(cli.KEY, user_id=7, libraries={cli.LIB: "write"})
        for _ in range(2):  # two processes: the second knows the pause from the saved state
            out = cli.run(zs, tmp_path, "--group", str(cli.GID))
            assert out.returncode != 0 and "Traceback" not in out.stderr
            assert re.search(
                r"Zotero asks refkit to wait 3[56]\d\d s .*run the sync later", out.stderr
            )
            assert len(zs.requests) == 1 and zs.writes == 0
