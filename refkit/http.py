"""HTTP politeness: the one place that knows rate-limit headers, concurrency, retries, backoff,
unreachable hosts and the contact address. Every request to Crossref and arXiv goes through a
`Session`.

Per host: a concurrency limit and sliding-window budgets per request kind ("single", "list"),
sized from `x-rate-limit-limit`, `x-rate-limit-interval` and `x-concurrency-limit` once a
response carries them (the starting numbers are Crossref's public pool). 429 and 5xx are retried
with bounded backoff (honouring `Retry-After`, shared by every thread on that host); 403 stops
the host; a refused connection marks the host unreachable once, so later calls fail at once.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx2

from .errors import NetworkError

log = logging.getLogger("refkit.http")

USER_AGENT = "refkit/{version}{contact}"  # Crossref reads a mailto: here for its polite pool
MARGIN = 0.1  # seconds added to every rate window: a request may reach the server late
SETTLE = 0.02  # seconds a concurrency slot stays taken after a response (server bookkeeping)
RETRY_STATUS = {429, 500, 502, 503, 504}


class Unreachable(NetworkError):
    """The host cannot be reached (refused, no route, offline mode): nothing was asked."""


class Blocked(NetworkError):
    """The host answered 403: it has blocked us; no more requests go there this run."""


class Failed(NetworkError):
    """The request kept failing (timeouts, 429, 5xx, broken answers) after every retry."""


@dataclass
class Budget:
    """At most `rate` request starts in any `interval` seconds (a sliding window)."""

    rate: int
    interval: float
    starts: deque[float] = field(default_factory=deque)

    def wait_time(self, now: float) -> float:
        span = self.interval + MARGIN
        while self.starts and self.starts[0] <= now - span:
            self.starts.popleft()
        return 0.0 if len(self.starts) < self.rate else self.starts[0] + span - now


@dataclass
class Host:
    """Limits and state of one host, shared by all threads."""

    budgets: dict[str, Budget]
    concurrency: int
    adaptive: bool = True  # resize from the rate-limit headers
    in_flight: int = 0
    cooldown_until: float = 0.0
    unreachable: bool = False
    blocked: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)


def _seconds(text: str) -> float | None:
    """`1s`, `1`, `500ms`, `1m` -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", text or "")
    if not m:
        return None
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value * 60 if m.group(2) == "m" else value


class Session:
    """One run's HTTP client. `get` throttles, retries and raises Unreachable/Blocked/Failed."""

    def __init__(
        self,
        *,
        mailto: str | None = None,
        timeout: float = 20.0,
        retries: int = 5,
        backoff: float = 1.0,
        offline: bool = False,
    ) -> None:
        self.mailto = mailto
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.offline = offline
        self.requests = 0
        self.hosts: dict[str, Host] = {}
        self._lock = threading.Lock()
        self._warned_pool = False
        self._client: httpx2.Client | None = None  # made on the first request (TLS setup is slow)

    def _http(self) -> httpx2.Client:
        with self._lock:
            if self._client is None:
                from . import __version__

                contact = f" (mailto:{self.mailto})" if self.mailto else ""
                self._client = httpx2.Client(
                    timeout=self.timeout,
                    limits=httpx2.Limits(max_connections=16, max_keepalive_connections=16),
                    headers={"User-Agent": USER_AGENT.format(version=__version__, contact=contact)},
                )
            return self._client

    def configure(
        self,
        url: str,
        budgets: dict[str, tuple[int, float]],
        concurrency: int,
        *,
        adaptive: bool = True,
    ) -> None:
        """Set a host's starting limits: {kind: (rate, interval seconds)}, concurrency."""
        self.hosts[_host(url)] = Host(
            {k: Budget(r, i) for k, (r, i) in budgets.items()}, concurrency, adaptive
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def unreachable(self, url: str) -> bool:
        host = self.hosts.get(_host(url))
        return self.offline or bool(host and (host.unreachable or host.blocked))

    def check(self, url: str) -> None:
        """Raise at once what `get` would raise before asking: offline, a host found
        unreachable, a host that answered 403 (spares building a request that cannot go)."""
        host = self.hosts.get(_host(url))
        if self.offline or (host and host.unreachable):
            raise Unreachable(f"{_host(url)}: not reachable (offline)")
        if host and host.blocked:
            raise Blocked(f"{_host(url)}: answered 403 Forbidden earlier in this run")

    def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        kind: str = "single",
        contact: bool = False,
        valid: Callable[[httpx2.Response], bool] | None = None,
        method: str = "GET",
        body: Any = None,
    ) -> httpx2.Response:
        """GET (or `method` with a JSON `body`) with the host's limits; returns any final
        answer that is not 403/429/5xx.

        `contact` adds `mailto=` (Crossref's recommended form); `valid` checks a 200's body,
        and a broken body is retried like a 5xx."""
        name = _host(url)
        host = self.hosts.setdefault(name, Host({kind: Budget(1, 1.0)}, 1))
        params = dict(params or {})
        if contact and self.mailto:
            params["mailto"] = self.mailto
        problem = "no attempt"
        for attempt in range(self.retries + 1):
            self.check(url)
            client = self._http()  # before taking a start: the first one builds TLS state
            self._acquire(host, kind)
            delay = 0.0
            try:
                if host.unreachable or host.blocked:  # found out while this thread waited
                    raise (Unreachable if host.unreachable else Blocked)(f"{name}: not reachable")
                with self._lock:
                    self.requests += 1
                r = client.request(method, url, params=params, headers=headers, json=body)
                r.read()
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
                with host.cond:
                    host.unreachable = True
                    host.cond.notify_all()
                raise Unreachable(f"{name}: cannot connect ({exc})") from exc
            except httpx2.HTTPError as exc:  # read timeouts, dropped connections
                problem = f"{type(exc).__name__}: {exc}"
            else:
                self._learn(host, kind, r)
                if r.status_code == 403:
                    host.blocked = True
                    raise Blocked(
                        f"{name}: 403 Forbidden; the service has blocked this client. Stop, "
                        "check the contact address (REFKIT_MAILTO) and contact the service"
                    )
                if r.status_code not in RETRY_STATUS and (
                    r.status_code != 200 or valid is None or valid(r)
                ):
                    return r
                problem = f"HTTP {r.status_code}" if r.status_code != 200 else "broken body"
                if r.status_code == 429:
                    delay = _seconds(r.headers.get("retry-after", "")) or 0.0
            finally:
                self._release(host)
            wait = max(delay, self.backoff * 2**attempt * random.uniform(0.5, 1.0))
            if attempt < self.retries:
                with host.cond:
                    host.cooldown_until = max(host.cooldown_until, time.monotonic() + wait)
                log.debug("%s: %s, retrying in %.1fs", url, problem, wait)
        raise Failed(f"{name}: {problem} after {self.retries + 1} attempts")

    # --- limits -------------------------------------------------------------------------
    def _acquire(self, host: Host, kind: str) -> None:
        budget = host.budgets.setdefault(kind, Budget(1, 1.0))
        with host.cond:
            while True:
                if host.unreachable or host.blocked:
                    host.in_flight += 1  # the caller releases; it raises before sending
                    return
                now = time.monotonic()
                wait = max(host.cooldown_until - now, budget.wait_time(now))
                if host.in_flight < host.concurrency and wait <= 0:
                    host.in_flight += 1
                    budget.starts.append(now)
                    return
                host.cond.wait(timeout=wait if wait > 0 else None)

    def _release(self, host: Host) -> None:
        time.sleep(SETTLE)
        with host.cond:
            host.in_flight -= 1
            host.cond.notify_all()

    def _learn(self, host: Host, kind: str, r: httpx2.Response) -> None:
        """Resize the host's limits from the rate-limit headers of an answer."""
        pool = r.headers.get("x-api-pool", "")
        if self.mailto and pool.startswith("public") and not self._warned_pool:
            self._warned_pool = True
            log.warning("%s serves the public pool although a contact address is set", r.url.host)
        if not host.adaptive:
            return
        rate = r.headers.get("x-rate-limit-limit", "")
        interval = _seconds(r.headers.get("x-rate-limit-interval", ""))
        conc = r.headers.get("x-concurrency-limit", "")
        with host.cond:
            if rate.isdigit() and int(rate) > 0 and interval:
                budget = host.budgets[kind]
                budget.rate, budget.interval = int(rate), interval
            if conc.isdigit() and int(conc) > 0:
                host.concurrency = int(conc)
            host.cond.notify_all()


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- habanero ---------------------------------------------------------------------------
# habanero 2.9.2 calls the module-level `httpx2.get` and hides the response: no headers, no
# retries, no mailto parameter. Its request module's `httpx2` name is pointed at this stand-in,
# which sends habanero's requests through the calling thread's Session (outside `through`,
# it is plain httpx2). habanero still builds, validates and parses every Crossref request.
_current = threading.local()


class _HabaneroHttp:
    """Stands in for the httpx2 module inside habanero."""

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx2, name)

    def get(
        self, url: str, params: Any = None, headers: Any = None, timeout: Any = None
    ) -> httpx2.Response:
        session: Session | None = getattr(_current, "session", None)
        if session is None:
            return httpx2.get(url, params=params, headers=headers, timeout=timeout)
        r = session.get(
            url, params=params, headers=headers, kind=_current.kind, contact=True, valid=_json
        )
        _current.body = r.text
        return r


def _json(r: httpx2.Response) -> bool:
    try:
        r.json()
    except ValueError:
        return not r.headers.get("content-type", "").startswith("application/json")
    return True


def adopt(*modules: ModuleType) -> None:
    """Route the given habanero modules' HTTP through `through()` (idempotent)."""
    for module in modules:
        module.httpx2 = _HabaneroHttp()  # type: ignore[attr-defined]


def through(session: Session, kind: str, call: Callable[[], Any]) -> Any:
    """Run a habanero call with its requests sent by `session` as `kind` requests."""
    _current.session, _current.kind, _current.body = session, kind, ""
    try:
        return call()
    finally:
        _current.session = None


def last_body() -> str:
    """The raw text of the last answer habanero got in this thread (inside `through`)."""
    return getattr(_current, "body", "")
