"""Where Zotero requests leave: the shared pause and the in-flight cap, checked as bytes go out.

Zotero asks clients to send nothing at all while a `Backoff` (on any response) or a `Retry-After`
(on 429 and 503) runs. The check sits in httpx2's network backend, at the first write of each
request, under the lock that also records every answer's pause; so no worker, reader, writer or
retry, and no request that waited for a pooled connection, can send after an answer that asked
for a pause was read. A request also waits while another connection holds an answer that has
arrived but is not recorded yet (it may announce a pause). What remains: Python may switch
threads between the last look and the send, so a request whose look came just before such an
answer arrived can leave just after it (bench/zotero.py counts these). The pool has `slots`
connections: `slots` requests can be in flight, and no more. The pause outlives the gate: the
next client of the same server in this process (the next sync) starts with it.
"""

from __future__ import annotations

import select
import ssl
import threading
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import httpcore2
import httpx2

from ..errors import ZoteroError

POLL = 0.05  # seconds between looks at a connection whose answer is on its way in
_UNTIL: dict[str, float] = {}  # server -> time.monotonic() before which nothing is sent


class Gate:
    """The pause and the connections shared by every worker of one Zotero client."""

    def __init__(self, slots: int, max_wait: float, where: str) -> None:
        self.slots, self.max_wait, self.where = slots, max_wait, where
        self._cond = threading.Condition()
        self._streams: set[_Stream] = set()
        self._mine = threading.local()  # the stream this thread's request went out on

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` from now (on top of any pause already running)."""
        with self._cond:
            self._extend(seconds)
            self._cond.notify_all()

    def remaining(self) -> float:
        """Seconds the pause still runs."""
        return max(0.0, _UNTIL.get(self.where, 0.0) - time.monotonic())

    def transport(self, url: str) -> httpx2.HTTPTransport:
        """An httpx2 transport for `url` (through the environment's proxy, if any)."""
        return _Transport(self, _proxy(url))

    # -- called from the network backend and the transport ------------------------------------
    def _send(self, stream: _Stream, buffer: bytes, timeout: float | None) -> int:
        """Send the first bytes of a request when the gate is open; the number of bytes sent."""
        sock = stream.socket()
        if sock is not None:  # settimeout gives up the GIL: not between the last look and send
            sock.settimeout(timeout)
        with self._cond:
            while True:
                wait = _UNTIL.get(self.where, 0.0) - time.monotonic()
                if wait > self.max_wait:
                    raise ZoteroError(
                        f"Zotero asks refkit to wait {wait:.0f} s ({self.where}); "
                        "run the sync later"
                    )
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                others = [s for s in self._streams if s is not stream and s.waiting]
                if not (any(s.answered for s in others) or _arrived(others)):
                    break
                self._cond.wait(POLL)  # until that answer is recorded
            # Right after the last look, and under the lock: no answer is recorded meanwhile.
            try:
                sent = sock.send(buffer) if sock is not None else 0
            except TimeoutError as exc:
                raise httpcore2.WriteTimeout(str(exc)) from exc
            except OSError as exc:
                raise httpcore2.WriteError(str(exc)) from exc
            if sock is None:
                stream.raw_write(buffer, timeout)
                sent = len(buffer)
            stream.waiting, stream.answered = True, False
            self._mine.stream = stream
            return sent

    def _answered(self, response: httpx2.Response | None) -> None:
        stream: _Stream | None = getattr(self._mine, "stream", None)
        self._mine.stream = None
        with self._cond:
            if stream is not None:
                stream.waiting = False
            if response is not None:
                self._extend(pause_of(response.status_code, response.headers))
            self._cond.notify_all()

    def _extend(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        _UNTIL[self.where] = max(_UNTIL.get(self.where, 0.0), until)

    def _open(self, stream: _Stream) -> _Stream:
        with self._cond:
            self._streams.add(stream)
        return stream

    def _close(self, stream: _Stream) -> None:
        with self._cond:
            self._streams.discard(stream)
            self._cond.notify_all()


def pause_of(status: int, headers: httpx2.Headers) -> float:
    """Seconds an answer asks the client to send nothing: `Backoff`, or `Retry-After` on 429/503."""
    wait = seconds(headers.get("backoff"))
    if status in (429, 503):
        wait = max(wait, seconds(headers.get("retry-after")))
    return wait


def seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


class _Stream(httpcore2.NetworkStream):
    """A connection: its first write of each request passes the gate."""

    def __init__(self, inner: httpcore2.NetworkStream, gate: Gate) -> None:
        self._inner, self._gate = inner, gate
        self.waiting = False  # a request went out; its answer has not been recorded
        self.answered = False  # ... and that answer has arrived
        self._tls = 0  # TLS layers: with two (TLS through a TLS proxy) httpcore2 must write

    def socket(self) -> Any:
        return self._inner.get_extra_info("socket") if self._tls < 2 else None

    def readable(self) -> bool:
        return bool(self._inner.get_extra_info("is_readable"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not self.waiting and buffer:  # a request's first bytes pass the gate
            buffer = buffer[self._gate._send(self, buffer, timeout) :]
        self._inner.write(buffer, timeout)

    def raw_write(self, buffer: bytes, timeout: float | None) -> None:
        self._inner.write(buffer, timeout)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self.waiting and not self.answered:
            self._arrived(timeout)
        return self._inner.read(max_bytes, timeout)

    def _arrived(self, timeout: float | None) -> None:
        """Wait until the answer arrives, then mark it, before taking any byte of it: from its
        arrival until it is recorded, other requests see it (readable, then `answered`)."""
        sock = self._inner.get_extra_info("socket")
        buffered = isinstance(sock, ssl.SSLSocket) and sock.pending()
        if sock is not None and not buffered and not _readable(sock, timeout):
            raise httpcore2.ReadTimeout(f"no answer in {timeout} s")
        with self._gate._cond:
            self.answered = True

    def close(self) -> None:
        self._gate._close(self)
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        self._inner = self._inner.start_tls(ssl_context, server_hostname, timeout)
        self._tls += 1
        self.waiting = self.answered = False  # a proxy's CONNECT was answered: the tunnel is up
        return self

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, gate: Gate, inner: httpcore2.NetworkBackend) -> None:
        self._gate, self._inner = gate, inner

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore2.NetworkStream:
        return self._gate._open(_Stream(self._inner.connect_tcp(*args, **kwargs), self._gate))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore2.NetworkStream:
        stream = self._inner.connect_unix_socket(*args, **kwargs)
        return self._gate._open(_Stream(stream, self._gate))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Transport(httpx2.HTTPTransport):
    def __init__(self, gate: Gate, proxy: str | None) -> None:
        n = gate.slots
        super().__init__(
            limits=httpx2.Limits(max_connections=n, max_keepalive_connections=n), proxy=proxy
        )
        self._gate = gate
        pool: Any = self._pool  # httpx2 takes no network backend: give its pool ours
        pool._network_backend = _Backend(gate, pool._network_backend)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = None
        try:
            response = super().handle_request(request)
            return response
        finally:
            self._gate._answered(response)


def _arrived(streams: list[_Stream]) -> bool:
    """Whether an answer has arrived on any of `streams`, in one look (one system call)."""
    socks = [s.socket() for s in streams]
    if not socks:
        return False
    if None in socks or not hasattr(select, "poll"):
        return any(s.readable() for s in streams)
    try:
        poller = select.poll()
        for sock in socks:
            poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # closed: its owner finds out
        return True


def _readable(sock: Any, timeout: float | None) -> bool:
    """Whether `sock` has bytes (or its end) to read within `timeout` seconds, taking none."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(None if timeout is None else timeout * 1000))
        return bool(select.select([sock], [], [], timeout)[0])
    except (OSError, ValueError):  # closed: the read says so
        return True


def _proxy(url: str) -> str | None:
    """The proxy the environment (HTTP(S)_PROXY, NO_PROXY) names for `url`, as httpx2 would."""
    parts = urlsplit(url)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)
