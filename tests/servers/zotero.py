"""A local Zotero Web API v3 server on 127.0.0.1 for tests and benchmarks, used via pyzotero."""

from __future__ import annotations

import json
import math
import random
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.servers.zotero_api import WRITE_METHODS, ApiKey, ZoteroApi
from tests.servers.zotero_objects import delete_items, save_collection, save_item
from tests.servers.zotero_state import ApiError, ApiRequest, ApiResponse, Library, new_key

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "zotero-schema.json"
FAULTS = ("503", "429", "drop_after_commit")
KNOWN_FAULTS = (*FAULTS, "500")
# The limits of issue #8: 4 requests/s per key (burst 4), 4 concurrent, `Backoff: 1` on every
# fifth response: `ZoteroServer(**PACED)`.
PACED: dict[str, Any] = {
    "rate_limit": (4.0, 4.0),
    "max_concurrency": 4,
    "concurrency_retry_after": (1, 1),
    "backoff": 1,
    "backoff_every": 5,
}


@dataclass
class RequestLog:
    """One request as the server saw it. `status` is 0 until answered (e.g. inside on_request)."""

    method: str
    path: str
    query: dict[str, str]
    status: int = 0
    injected: bool = False
    objects: int = 0  # objects in a write body (or keys in a multi-object DELETE)
    fault: str = ""  # "503", "429", "drop_after_commit", "rate", "concurrency" or ""
    key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Timing (time.monotonic()): `start` when the request line arrived, `answered` when the
    # answer was decided (the request stops counting as in flight), `end` when it was written.
    start: float = 0.0
    answered: float = 0.0
    end: float = 0.0
    conn: int = 0  # the connection (numbered from 1 in accept order)
    accepted: float = 0.0  # when that connection was accepted
    backoff: float = 0.0  # the answer's Backoff header
    pause: float = 0.0  # seconds the answer asks for: Backoff, or Retry-After on 429/503
    # Connections whose next request had already arrived, unread, when this answer was written
    # (sent before the client could read it), and whether unaccepted connections were waiting.
    pending: frozenset[int] = frozenset()
    backlog: bool = False


@dataclass(eq=False)
class _Conn:
    number: int
    sock: socket.socket
    accepted: float
    busy: bool = False  # a request of it has arrived and is not answered yet
    started: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Http
    conn: _Conn
    bucket: str | None = None

    def setup(self) -> None:
        super().setup()
        self.conn = self.server.owner._conns[self.connection]

    def finish(self) -> None:
        super().finish()
        self.server.owner._forget(self.connection)

    def handle_one_request(self) -> None:
        # Wait for the next request before reading it, so that the arrival is stamped while
        # its bytes are still unread (see RequestLog.pending).
        if not self.server.owner._arrive(self.conn):
            self.close_connection = True
            return
        super().handle_one_request()

    def _any(self) -> None:
        self.server.owner._serve(self)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Http(ThreadingHTTPServer):
    daemon_threads = True
    owner: ZoteroServer

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        self.owner._accept(sock)
        return sock, addr


class ZoteroServer:
    """The API on a background thread: libraries, keys, limits, faults and a request log."""

    def __init__(
        self,
        schema_path: Path = SCHEMA,
        *,
        fault_rate: float = 0.0,
        fault_every: int = 0,
        faults: tuple[str, ...] = FAULTS,
        seed: int = 0,
        rate_limit: tuple[float, float] | None = None,
        max_concurrency: int | None = 5,
        concurrency_retry_after: tuple[int, int] = (1, 30),
        retry_after: int = 1,
        backoff: int | None = None,
        backoff_every: int = 1,
        latency: float = 0.0,
        per_object_versions: bool = True,
    ) -> None:
        unknown = set(faults) - set(KNOWN_FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; choose from {KNOWN_FAULTS}")
        self.api = ZoteroApi(Path(schema_path), seed, per_object_versions)
        self.fault_rate = fault_rate
        self.fault_every = fault_every  # > 0: a fault on every n-th request instead of at random
        self._drawn = 0
        self.faults = tuple(faults)
        self.rate_limit = rate_limit
        self.max_concurrency = max_concurrency
        self.concurrency_retry_after = concurrency_retry_after
        self.retry_after = retry_after
        self.backoff = backoff
        self.backoff_every = backoff_every  # `Backoff: backoff` on every n-th response
        self.latency = latency
        self.on_request: Callable[[RequestLog], None] | None = None
        self.requests: list[RequestLog] = []
        self.writes = 0
        self.reads = 0
        self._lock = threading.RLock()  # library state
        self._meta = threading.Lock()  # counters, buckets, fault RNG, log
        self._fault_rng = random.Random(seed)
        self._limit_rng = random.Random(seed + 1)
        self._in_flight: dict[str, int] = {}
        self._conns: dict[socket.socket, _Conn] = {}  # open connections
        self._accepted = 0
        self._answers = 0
        self._stopping = False
        self._buckets: dict[str, tuple[float, float]] = {}
        self._http = _Http(("127.0.0.1", 0), _Handler)
        self._http.owner = self
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ZoteroServer:
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        self._http.shutdown()
        self._http.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> ZoteroServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- setup and member actions (as another group member in Zotero) ----------------------------

    def add_group(self, group_id: int, name: str = "Group") -> Library:
        with self._lock:
            return self.api.libraries.setdefault(
                f"groups/{group_id}", Library("group", group_id, name)
            )

    def add_user(self, user_id: int, username: str | None = None) -> Library:
        with self._lock:
            name = username or f"user{user_id}"
            self.api.usernames[user_id] = name
            return self.api.libraries.setdefault(f"users/{user_id}", Library("user", user_id, name))

    def add_key(self, key: str, *, user_id: int, libraries: dict[str, str]) -> None:
        for path, level in libraries.items():
            if level not in ("read", "write"):
                raise ValueError(f"access for {path} must be 'read' or 'write', not {level!r}")
            if path.startswith("users/") and path != f"users/{user_id}":
                raise ValueError(f"a key of user {user_id} cannot open {path}")
        with self._lock:
            self.api.keys[key] = ApiKey(key, user_id, dict(libraries))

    def library(self, lib: str) -> Library:
        return self.api.libraries[lib.strip("/")]

    def seed_item(self, lib: str, data: dict[str, Any]) -> str:
        """Create an item as another member would (validated; bumps versions). Returns its key."""
        with self._lock:
            library = self.library(lib)
            key = data.get("key") or new_key(self.api.rng, library.items)
            body = {k: v for k, v in data.items() if k not in ("key", "version")}
            self._member(
                library,
                lambda tx: save_item(library, self.api.schema, tx, key, body, None, False),
            )
            return key

    def seed_collection(self, lib: str, name: str, parent: str | None = None) -> str:
        with self._lock:
            library = self.library(lib)
            key = new_key(self.api.rng, library.collections)
            body = {"name": name, "parentCollection": parent or False}
            self._member(library, lambda tx: save_collection(library, tx, key, body, None, False))
            return key

    def edit_item(self, lib: str, key: str, changes: dict[str, Any]) -> int:
        """Edit an item as a member in Zotero (PATCH semantics). Returns the item's new version."""
        with self._lock:
            library = self.library(lib)
            old = library.items[key]
            body = {k: v for k, v in changes.items() if k not in ("key", "version")}
            data, _ = self._member(
                library, lambda tx: save_item(library, self.api.schema, tx, key, body, old, False)
            )
            return int(data["version"])

    def delete_item(self, lib: str, key: str) -> None:
        """Delete an item (and its children) as a member would."""
        with self._lock:
            library = self.library(lib)
            delete_items(library, self.api.tx(library), [key])

    def _member(self, library: Library, action: Callable[[Any], Any]) -> Any:
        try:
            return action(self.api.tx(library))
        except ApiError as err:
            raise ValueError(f"{err.status} {err.message}") from None

    # -- HTTP -----------------------------------------------------------------------------------

    def _serve(self, h: _Handler) -> None:
        split = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = ApiRequest(
            h.command, split.path, ApiRequest.parse_query(split.query), h.headers, body, self.url
        )
        log = RequestLog(
            h.command,
            split.path,
            {k: v[0] for k, v in req.query.items()},
            objects=_count_objects(req),
            headers=dict(h.headers.items()),
            body=body,
            start=h.conn.started,
            conn=h.conn.number,
            accepted=h.conn.accepted,
        )
        with self._meta:
            self.requests.append(log)
        try:
            with self._lock:
                log.key = self.api.resolve_key(req)
        except ApiError as err:
            self._finish(h, log, ApiResponse.text(err.status, err.message))
            return
        bucket = log.key or h.client_address[0]
        with self._meta:
            self._in_flight[bucket] = self._in_flight.get(bucket, 0) + 1
            crowded = self.max_concurrency is not None and (
                self._in_flight[bucket] > self.max_concurrency
            )
        h.bucket = bucket
        try:
            if self.on_request is not None:
                try:
                    self.on_request(log)
                except Exception as exc:  # a broken test hook: say so in a 500
                    self._finish(h, log, ApiResponse.text(500, f"on_request failed: {exc!r}"))
                    return
            if self.latency:
                time.sleep(self.latency)
            resp = self._limit(bucket, crowded, log) or self._inject(log)
            if resp is None:
                with self._lock:
                    try:
                        resp = self.api.handle(req, log.key)
                    except Exception as exc:  # a server bug: answer 500 rather than hang up
                        resp = ApiResponse.text(500, f"Test server error: {exc!r}")
                with self._meta:
                    if h.command in WRITE_METHODS:
                        self.writes += 1
                    else:
                        self.reads += 1
                if log.fault == "drop_after_commit":
                    log.status = resp.status
                    h.close_connection = True  # committed, but the client never hears back
                    return
            self._finish(h, log, resp)
        finally:
            self._release(h)

    def _limit(self, bucket: str, crowded: bool, log: RequestLog) -> ApiResponse | None:
        if self.rate_limit is not None:
            rate, burst = self.rate_limit
            now = time.monotonic()
            with self._meta:
                tokens, last = self._buckets.get(bucket, (burst, now))
                tokens = min(burst, tokens + (now - last) * rate)
                ok = tokens >= 1
                self._buckets[bucket] = (tokens - 1 if ok else tokens, now)
            if not ok:
                log.fault = "rate"
                wait = max(1, math.ceil(burst / rate))
                return ApiResponse.text(429, "Too many requests", {"Retry-After": str(wait)})
        if crowded:
            log.fault = "concurrency"
            with self._meta:
                wait = self._limit_rng.randint(*self.concurrency_retry_after)
            return ApiResponse.text(429, "Too many concurrent requests", {"Retry-After": str(wait)})
        return None

    def _inject(self, log: RequestLog) -> ApiResponse | None:
        if (self.fault_rate <= 0 and self.fault_every <= 0) or not self.faults:
            return None
        with self._meta:
            draw, pick = self._fault_rng.random(), self._fault_rng.randrange(len(self.faults))
            self._drawn += 1
            hit = (
                self._drawn % self.fault_every == 0
                if self.fault_every > 0
                else draw < self.fault_rate
            )
        if not hit:
            return None
        fault = self.faults[pick]
        if fault == "drop_after_commit" and log.method not in WRITE_METHODS:
            return None
        log.fault, log.injected = fault, True
        if fault == "503":
            msg = "Service unavailable"
            return ApiResponse.text(503, msg, {"Retry-After": str(self.retry_after)})
        if fault == "429":
            msg = "Too many requests"
            return ApiResponse.text(429, msg, {"Retry-After": str(self.retry_after)})
        if fault == "500":
            return ApiResponse.text(500, "An error occurred")
        return None  # drop_after_commit: handled after the write is applied

    def _finish(self, h: _Handler, log: RequestLog, resp: ApiResponse) -> None:
        log.status = resp.status
        headers = {"Zotero-API-Version": "3", "Zotero-Schema-Version": str(self.api.schema.version)}
        with self._meta:
            self._answers += 1
            if self.backoff is not None and self._answers % self.backoff_every == 0:
                headers["Backoff"] = str(self.backoff)
        headers.update(resp.headers)
        if resp.status >= 400 and resp.status != 412:
            headers.pop("Last-Modified-Version", None)
        log.backoff = log.pause = _seconds(headers.get("Backoff"))
        if resp.status in (429, 503):
            log.pause = max(log.pause, _seconds(headers.get("Retry-After")))
        self._release(h)  # answered: no longer in flight, before the client can see it
        with self._meta:  # from now on the client may send the connection's next request
            log.answered, h.conn.busy = time.monotonic(), False
        h.send_response(resp.status)
        for name, value in headers.items():
            h.send_header(name, value)
        if resp.status not in (204, 304):
            h.send_header("Content-Length", str(len(resp.body)))
        h.end_headers()
        if resp.status not in (204, 304) and h.command != "HEAD":
            h.wfile.write(resp.body)
        self._written(h.conn, log)

    # -- connections and timing -----------------------------------------------------------------

    def _accept(self, sock: socket.socket) -> None:
        with self._meta:
            self._accepted += 1
            self._conns[sock] = _Conn(self._accepted, sock, time.monotonic())

    def _forget(self, sock: socket.socket) -> None:
        with self._meta:
            self._conns.pop(sock, None)

    def _arrive(self, conn: _Conn) -> bool:
        """Wait until the connection's next request arrives (False: closed or stopping)."""
        while not self._stopping:
            try:
                ready, _, _ = select.select([conn.sock], [], [], 0.05)
            except (OSError, ValueError):
                return False
            if ready:
                with self._meta:
                    conn.busy, conn.started = True, time.monotonic()
                return True
        return False

    def _written(self, conn: _Conn, log: RequestLog) -> None:
        """Stamp the end of an answer and which other requests were already waiting unread."""
        with self._meta:
            log.end = time.monotonic()
            idle = [c.sock for c in self._conns.values() if c is not conn and not c.busy]
            idle = [s for s in idle if s.fileno() >= 0]
            try:
                ready, _, _ = select.select([*idle, self._http.socket], [], [], 0)
            except (OSError, ValueError):  # a connection closed meanwhile: no request on it
                ready = []
            log.pending = frozenset(self._conns[s].number for s in ready if s in self._conns)
            log.backlog = self._http.socket in ready

    def _release(self, h: _Handler) -> None:
        if h.bucket is not None:
            with self._meta:
                self._in_flight[h.bucket] -= 1
            h.bucket = None


def _seconds(value: str | None) -> float:
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0


def _count_objects(req: ApiRequest) -> int:
    if req.method == "DELETE":
        raw = req.q("itemKey") or req.q("collectionKey") or ""
        return len([k for k in raw.split(",") if k]) or (1 if req.path.count("/") > 3 else 0)
    if req.method in ("POST", "PUT", "PATCH") and req.body:
        try:
            data = json.loads(req.body)
        except ValueError:
            return 0
        return len(data) if isinstance(data, list) else 1
    return 0
