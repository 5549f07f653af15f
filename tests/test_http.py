"""refkit.http.Session against scripted local servers: limits from headers, retries, 403, offline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from refkit.http import Blocked, Failed, Session, Unreachable, _seconds


@contextmanager
def scripted(answers: list[tuple[int, dict[str, str]]]) -> Iterator[tuple[str, list[float]]]:
    """A server answering the scripted (status, headers) in turn, then 200; yields its URL and
    the arrival times."""
    arrivals: list[float] = []
    script = list(answers)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            arrivals.append(time.monotonic())
            status, headers = script.pop(0) if script else (200, {})
            body = b'{"ok": true}'
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/x", arrivals
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/x"


def test_limits_follow_the_headers() -> None:
    headers = {"x-rate-limit-limit": "7", "x-rate-limit-interval": "2s", "x-concurrency-limit": "2"}
    with scripted([(200, headers)]) as (url, _):
        session = Session(timeout=2)
        session.configure(url, {"list": (1, 1.0)}, 1)
        assert session.get(url, kind="list").status_code == 200
        host = next(iter(session.hosts.values()))
        assert (host.budgets["list"].rate, host.budgets["list"].interval) == (7, 2.0)
        assert host.concurrency == 2


def test_retry_after_is_honoured_then_success() -> None:
    with scripted([(429, {"retry-after": "1"})]) as (url, arrivals):
        session = Session(timeout=2, backoff=0.01)
        assert session.get(url).status_code == 200
        assert session.requests == 2
        assert arrivals[1] - arrivals[0] >= 1.0  # waited as told, not the tiny backoff


def test_5xx_retries_are_bounded() -> None:
    with scripted([(500, {})] * 10) as (url, arrivals):
        session = Session(timeout=2, retries=3, backoff=0.01)
        with pytest.raises(Failed, match="HTTP 500 after 4 attempts"):
            session.get(url)
        assert len(arrivals) == 4


def test_403_stops_the_host() -> None:
    with scripted([(403, {})]) as (url, arrivals):
        session = Session(timeout=2)
        with pytest.raises(Blocked, match="403"):
            session.get(url)
        with pytest.raises(Blocked):
            session.get(url)
        assert len(arrivals) == 1


def test_unreachable_is_detected_once() -> None:
    url = closed_port()
    session = Session(timeout=2)
    with pytest.raises(Unreachable):
        session.get(url)
    with pytest.raises(Unreachable):
        session.get(url)
    assert session.requests == 1
    assert session.unreachable(url)


def test_offline_never_connects() -> None:
    with scripted([]) as (url, arrivals):
        session = Session(offline=True)
        with pytest.raises(Unreachable):
            session.get(url)
        assert arrivals == [] and session.requests == 0


def test_a_broken_body_is_retried() -> None:
    with scripted([]) as (url, arrivals):
        calls = []

        def valid(r: object) -> bool:
            calls.append(r)
            return len(calls) > 1

        session = Session(timeout=2, backoff=0.01)
        assert session.get(url, valid=valid).status_code == 200
        assert len(arrivals) == 2


def test_contact_address_is_a_parameter_and_in_the_user_agent() -> None:
    seen: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            seen["path"], seen["ua"] = self.path, self.headers.get("user-agent", "")
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = Session(mailto="me@lab.org", timeout=2)
        session.get(f"http://127.0.0.1:{server.server_address[1]}/works", contact=True)
    finally:
        server.shutdown()
        server.server_close()
    assert "mailto=me%40lab.org" in seen["path"]
    assert "mailto:me@lab.org" in seen["ua"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("2", 2.0), ("500ms", 0.5), ("1m", 60.0), ("", None), ("soon", None)],
)
def test_seconds(text: str, seconds: float | None) -> None:
    assert _seconds(text) == seconds
