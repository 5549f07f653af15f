"""The Zotero Web API client: pyzotero, wrapped where it falls short (retries, backoff, batches, 412).

pyzotero 1.16 stays the client; this module adds what it lacks (notes: shared/ref/notes/zotero.md §2):
every request goes through one httpx2 client whose transport (`gate.py`) holds every request back,
at the moment it is sent, while a `Backoff` or `Retry-After` runs, and lets `workers` (4) requests
be in flight and no more; 429, 5xx and dropped connections are retried with bounded backoff
(pyzotero's `create_items` raises JSONDecodeError on a 429 and never retries a 503); writes are
capped at 50 objects; deletes carry the library version (pyzotero would send the first item's);
each worker has its own `Zotero` instance (pyzotero keeps per-request state on the instance). The
API key only ever travels in the Authorization header: refkit reads `/keys/current`, never
pyzotero's `key_info()`, which puts the key in the URL (and so in httpx's request log).
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
from pyzotero import zotero
from pyzotero import zotero_errors as ze

from ..errors import ZoteroError
from .gate import Gate, pause_of

log = logging.getLogger("refkit.zotero")
T = TypeVar("T")
BATCH = 50  # objects per write request (the API's limit)
RETRYABLE = {429, 500, 502, 503, 504}


class Stale(Exception):
    """A whole write was refused with 412: the library changed; re-read and re-plan."""


@dataclass(frozen=True)
class Policy:
    """Retry bounds: attempts per request, exponential backoff, the longest wait refkit accepts."""

    attempts: int = 6
    backoff: float = 1.0  # first wait without a Retry-After; doubles per attempt
    max_backoff: float = 60.0
    max_wait: float = 600.0  # a longer Retry-After/Backoff aborts the sync with advice
    timeout: float = 60.0
    workers: int = 4


class Client:
    """One library of the Zotero Web API (`library_type` "group" or "user")."""

    def __init__(
        self,
        library_type: str,
        library_id: int,
        api_key: str,
        base_url: str,
        policy: Policy | None = None,
    ) -> None:
        self.library_type, self.library_id = library_type, library_id
        self.library = f"{library_type}s/{library_id}"
        self.base_url = base_url.rstrip("/")
        self.policy = policy or Policy()
        self.requests = self.writes = 0
        self.schema_version: int | None = None
        self._api_key = api_key
        self._lock = threading.Lock()
        self._local = threading.local()
        self.gate = Gate(self.policy.workers, self.policy.max_wait, self.base_url)
        self._http = httpx2.Client(
            timeout=self.policy.timeout,
            follow_redirects=True,
            transport=self.gate.transport(self.base_url),
            trust_env=False,  # the transport already goes through the environment's proxy
            event_hooks={"response": [self._on_response]},
        )
        self._pool = ThreadPoolExecutor(self.policy.workers, thread_name_prefix="refkit-zotero")

    def close(self) -> None:
        self._pool.shutdown()
        self._http.close()

    # -- plumbing --------------------------------------------------------------------------
    def _on_response(self, response: httpx2.Response) -> None:
        method = response.request.method
        with self._lock:
            self.requests += 1
            self.writes += method != "GET"
            schema = response.headers.get("zotero-schema-version")
            if schema and schema.isdigit():
                self.schema_version = int(schema)
        log.debug("%s %s -> %s", method, response.request.url.path, response.status_code)

    def _zot(self) -> zotero.Zotero:
        zot = getattr(self._local, "zot", None)
        if zot is None:
            zot = zotero.Zotero(
                self.library_id, self.library_type, self._api_key, client=self._http
            )
            zot.endpoint = self.base_url
            zot._set_backoff = _no_backoff  # type: ignore[method-assign]  # the gate pauses
            self._local.zot = zot
        return zot

    def call(self, what: str, fn: Callable[[zotero.Zotero], T]) -> T:
        """Run `fn(zot)` with retries: 429/5xx/dropped connections wait and retry, 412 -> Stale."""
        for attempt in range(self.policy.attempts):
            zot = self._zot()
            zot.request, zot.url_params, zot.links = None, None, None
            try:
                result = fn(zot)
                status = zot.request.status_code if zot.request is not None else 200
                if status not in RETRYABLE:
                    return result
                error: str = f"HTTP {status}"
            except ze.PreConditionFailedError as exc:
                raise Stale(what) from exc
            except ze.UserNotAuthorisedError as exc:
                raise ZoteroError(
                    f"Zotero refused {what} in {self.library} (HTTP 403): check that the key in "
                    "ZOTERO_API_KEY may read and write this library"
                ) from exc
            except (httpx2.TransportError, json.JSONDecodeError, ze.PyZoteroError) as exc:
                status = zot.request.status_code if zot.request is not None else 0
                if status and status not in RETRYABLE:
                    raise ZoteroError(f"Zotero failed {what} in {self.library}: HTTP {status}: "
                                      f"{_body(zot.request)}") from exc  # fmt: skip
                error = f"HTTP {status}" if status else type(exc).__name__
            resp = zot.request
            hint = pause_of(resp.status_code, resp.headers) if resp is not None else 0.0
            delay = min(self.policy.backoff * 2**attempt, self.policy.max_backoff)
            delay *= random.uniform(0.5, 1.0)
            log.info("%s: %s, retrying in %.1f s", what, error, hint or delay)
            if not hint:  # the gate already pauses for the server's hint
                self.gate.pause(delay)
        raise ZoteroError(
            f"Zotero kept failing {what} in {self.library} after {self.policy.attempts} attempts; "
            "run the sync again later (it resumes safely)"
        )

    def map(self, fn: Callable[[T], Any], args: Iterable[T]) -> list[Any]:
        """Run `fn` over `args` with at most `workers` requests in flight, results in order."""
        return list(self._pool.map(fn, list(args)))

    # -- reads -----------------------------------------------------------------------------
    def access(self) -> dict[str, Any]:
        """The key's access (`/keys/current`): {"library": bool, "write": bool} for this library."""

        def get(zot: zotero.Zotero) -> dict[str, Any]:
            return zot._retrieve_data("/keys/current").json()

        info = self.call("the key check", get)
        acc = info.get("access", {})
        if self.library_type == "user":
            ok = str(info.get("userID")) == str(self.library_id)
            return acc.get("user", {}) if ok else {}
        groups = acc.get("groups", {})
        return groups.get(str(self.library_id)) or groups.get("all") or {}

    def item_versions(self, since_library: int | None) -> tuple[dict[str, int] | None, int]:
        """{key: version} of every item (trash included) and the library version; None when
        the library has not changed since `since_library` (one 304)."""

        def get(zot: zotero.Zotero) -> tuple[dict[str, int] | None, int]:
            headers = {}
            if since_library:
                headers["If-Modified-Since-Version"] = str(since_library)
            url = f"{self.base_url}/{self.library}/items"
            params = {"format": "versions", "includeTrashed": "1"}
            resp = zot._send("GET", url, params=params, headers=headers)
            zot.request = resp
            version = int(resp.headers.get("last-modified-version", since_library or 0))
            if resp.status_code == 304:
                return None, version
            zot._post_check(resp)
            return resp.json(), version

        return self.call("reading item versions", get)

    def collections(self) -> dict[str, dict[str, Any]]:
        """Every collection's data, by key."""
        found = self.call("reading collections", lambda z: z.everything(z.collections()))
        return {c["key"]: c["data"] for c in found}

    def items(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The data of the items with these keys (trash included), 50 keys per request."""

        def get(chunk: list[str]) -> list[dict[str, Any]]:
            return self.call(
                "reading items",
                lambda z: z.items(itemKey=",".join(chunk), includeTrashed=1, limit=BATCH),
            )

        chunks = [keys[i : i + BATCH] for i in range(0, len(keys), BATCH)]
        return {
            o["key"]: {**o["data"], "numChildren": o.get("meta", {}).get("numChildren", 0)}
            for found in self.map(get, chunks)
            for o in found
        }

    # -- writes ----------------------------------------------------------------------------
    def post_items(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST up to 50 keyed objects (creates with version 0, updates with their version);
        returns the server's per-object report."""
        assert len(objects) <= BATCH
        return self.call("writing items", lambda z: z.create_items(objects))

    def post_collections(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        assert len(objects) <= BATCH
        return self.call("writing collections", lambda z: z.create_collections(objects))

    def delete_items(self, keys: list[str], library_version: int) -> int:
        """Delete up to 50 items if the library is still at `library_version` (else Stale);
        returns the new library version."""
        assert len(keys) <= BATCH
        payload = [{"key": k} for k in keys]

        def delete(zot: zotero.Zotero) -> int:
            zot.delete_item(payload, last_modified=library_version)
            headers = zot.request.headers if zot.request is not None else {}
            return int(headers.get("last-modified-version", library_version))

        return self.call("deleting items", delete)


def _no_backoff(duration: str | float) -> None:
    """pyzotero's own backoff (a per-instance sleep) is off: the gate pauses every worker."""


def _body(resp: httpx2.Response | None) -> str:
    return "" if resp is None else resp.text.strip()[:300]
