"""A host that asks one request per `min_interval` and answers a request sooner, or one inside
the `Retry-After` of an earlier 429, with 429 and `Retry-After` (DBLP, papers' landing pages).

Counts `violations` (LocalServer) and `inside_retry_after`; `busy` answers the first N requests
429 as an overloaded host does, which the client must sit out (not counted as its fault).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.servers.base import LocalServer, Request, Response


class PacedServer(LocalServer):
    """A LocalServer paced by `min_interval`; `too_many` gives the 429's body and type."""

    too_many: tuple[bytes, str] = (b"Too Many Requests", "text/plain")

    def __init__(self, *, min_interval: float, retry_after: int, busy: int, **server: Any) -> None:
        super().__init__(**server)
        self.min_interval = min_interval
        self.retry_after = retry_after
        self.busy = busy
        self.inside_retry_after = 0
        self._previous: float | None = None
        self._blocked_until = 0.0
        self._guard = threading.Lock()

    @property
    def url(self) -> str:
        return self.base

    def limit_of(self, request: Request, kind: str) -> tuple[int | None, int | None]:
        return None, 1

    def extra_check(self, request: Request, now: float) -> bool:
        previous, self._previous = self._previous, now
        if now < self._blocked_until:
            self.inside_retry_after += 1
            return False
        if self.busy > 0:
            self.busy -= 1
            self.violations -= 1  # the host's own state, not the client's fault
            return False
        return previous is None or now - previous >= self.min_interval

    def over_limit(self, request: Request, kind: str) -> Response:
        with self._guard:
            self._blocked_until = max(self._blocked_until, time.monotonic() + self.retry_after)
        body, content_type = self.too_many
        return Response(
            429, body, {"content-type": content_type, "retry-after": str(self.retry_after)}
        )
