"""A small threaded HTTP server on 127.0.0.1 for fake APIs: limits, faults, latency, request log."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

FAULTS = ("429", "500", "timeout", "malformed", "drop")


@dataclass
class RequestLog:
    """One request as the server saw it (times from `time.monotonic()`)."""

    method: str
    path: str
    query: dict[str, str]
    start: float
    end: float
    status: int
    kind: str
    injected: bool


@dataclass
class Response:
    """What a route answers: status, headers (lower-case names) and body bytes."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """A parsed request handed to a route."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""  # a POST's body


class LocalServer:
    """Base of the fake API servers: subclasses implement `kind_of`, `limit_of` and `route`.

    Per request, in this order: a seeded RNG decides whether a fault is injected (drawn for
    every request so the fault sequence depends only on arrival order); the limiter checks the
    in-flight concurrency (over all kinds) and the sliding 1 s window of the request's kind and
    answers `over_limit()` when exceeded (a violation); then the latency is waited; then the
    injected fault or the route's answer is sent.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        fault_rate: float = 0.0,
        faults: Iterable[str] = FAULTS,
        seed: int = 0,
        timeout_seconds: float = 6.0,
    ) -> None:
        self.latency = latency
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULTS}")
        self.timeout_seconds = timeout_seconds
        self.requests: list[RequestLog] = []
        self.violations = 0
        self.max_in_flight = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._windows: dict[str, deque[float]] = {}
        self._last_start: float | None = None
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- hooks for subclasses -------------------------------------------------------------
    def kind_of(self, request: Request) -> str:
        """The rate-limit bucket of a request ("single", "list", ...)."""
        return "single"

    def limit_of(self, request: Request, kind: str) -> tuple[int | None, int | None]:
        """(requests per 1 s window for `kind`, concurrency limit); None means unlimited."""
        return None, None

    def extra_check(self, request: Request, now: float) -> bool:
        """Another limit a subclass may apply (True = allowed); called under the lock."""
        return True

    def over_limit(self, request: Request, kind: str) -> Response:
        """The answer to a request over a limit."""
        return Response(429, b"Too Many Requests", {"content-type": "text/plain"})

    def common_headers(self, request: Request, kind: str) -> dict[str, str]:
        """Headers added to every answer (including errors and injected faults)."""
        return {}

    def route(self, request: Request, kind: str) -> Response:
        """The real answer to a request."""
        raise NotImplementedError

    def fault_response(self, fault: str, request: Request, kind: str) -> Response:
        """The answer for an injected "429", "500" or "malformed" fault."""
        if fault == "429":
            return Response(
                429,
                b"<html><body><h1>429 Too Many Requests</h1>\n"
                b"You have sent too many requests in a given amount of time.\n</body></html>",
                {"content-type": "text/html", "retry-after": "1"},
            )
        if fault == "500":
            return Response(
                500,
                b"<html><body><h1>500 Internal Server Error</h1>\n</body></html>",
                {"content-type": "text/html"},
            )
        good = self.route(request, kind)
        return Response(200, good.body[: max(1, len(good.body) // 2)], dict(good.headers))

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- the request pipeline -------------------------------------------------------------
    def _admit(self, request: Request, kind: str, now: float) -> tuple[bool, str | None]:
        """Draw the fault, check the limits, count in-flight; returns (allowed, fault)."""
        with self._lock:
            draw, pick = self._rng.random(), self._rng.randrange(max(1, len(self.faults)))
            fault = self.faults[pick] if self.faults and draw < self.fault_rate else None
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            rate, conc = self.limit_of(request, kind)
            window = self._windows.setdefault(kind, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            extra = self.extra_check(request, now)  # always called: it may record the request
            allowed = extra and (conc is None or self._in_flight <= conc)
            allowed = allowed and (rate is None or len(window) < rate)
            if allowed:
                window.append(now)
            else:
                self.violations += 1
            return allowed, fault

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _log(self, entry: RequestLog) -> None:
        with self._lock:
            self.requests.append(entry)


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve("HEAD")

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def _serve(self, method: str) -> None:
            start = time.monotonic()
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            size = int(headers.get("content-length") or 0)
            body = self.rfile.read(size) if method == "POST" and size > 0 else b""
            request = Request(method, parts.path, query, headers, body)
            kind = server.kind_of(request)
            allowed, fault = server._admit(request, kind, start)
            status, injected = 0, False
            try:
                if not allowed:
                    response = server.over_limit(request, kind)
                else:
                    if server.latency > 0:
                        server._stopping.wait(server.latency)
                    if fault in ("timeout", "drop"):
                        injected = True
                        if fault == "timeout":
                            server._stopping.wait(server.timeout_seconds)
                        self.close_connection = True
                        return
                    if fault is not None:
                        injected = True
                        response = server.fault_response(fault, request, kind)
                    else:
                        response = server.route(request, kind)
                status = response.status
                self._send(method, response, server.common_headers(request, kind))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                server._release()
                end = time.monotonic()
                log = RequestLog(method, parts.path, query, start, end, status, kind, injected)
                server._log(log)

        def _send(self, method: str, response: Response, common: dict[str, str]) -> None:
            self.send_response(response.status)
            merged = {**common, **response.headers}
            for name, value in merged.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(response.body)
            self.wfile.flush()

    return Handler
