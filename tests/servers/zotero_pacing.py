"""Replaying the Zotero test server's request log: requests sent inside a pause, requests in flight."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from tests.servers.zotero import RequestLog


def pause_violations(log: list[RequestLog]) -> list[tuple[RequestLog, RequestLog]]:
    """(answer, request) pairs where `request` started inside the pause `answer` asked for.

    `answer` asked for `pause` seconds (Backoff, or Retry-After on 429/503) and had been written
    (`end`) before `request` arrived (`start`), and `request` arrived less than `pause` seconds
    after the answer started to go out (`answered`: a client may read it before `end` is
    stamped). A request that had already arrived unread on another connection when the answer
    was written (or on a connection still waiting to be accepted) was sent before the client
    could read the answer, and does not count.
    """
    starts: dict[int, list[float]] = defaultdict(list)  # per connection, sorted
    for r in sorted(log, key=lambda r: r.start):
        starts[r.conn].append(r.start)
    found = []
    for answer in (a for a in log if a.pause > 0 and a.end):
        for req in log:
            if not answer.end < req.start < answer.answered + answer.pause:
                continue
            on_conn = starts[req.conn]
            first_after = on_conn[bisect_right(on_conn, answer.end)] == req.start
            waiting = req.conn in answer.pending or (
                answer.backlog and req.accepted > answer.end and on_conn[0] == req.start
            )
            if not (first_after and waiting):
                found.append((answer, req))
    return found


def max_in_flight(log: list[RequestLog]) -> int:
    """The most requests the server held at once (from arrival until the answer was decided)."""
    events = sorted(
        [(r.start, 1) for r in log] + [(r.answered or r.end or r.start, -1) for r in log]
    )  # at equal times an answer (-1) sorts before an arrival (+1); a dropped request has none
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most
