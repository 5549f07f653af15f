"""The local sync state: a cache of refkit's objects in one library and what refkit last wrote.

Only an optimisation and the exact merge base: the library itself is the truth (refkit's objects
have derived keys and a marker line), so a lost or stale state costs reads, never duplicates.
The file holds no credentials.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_atomic

log = logging.getLogger("refkit.zotero")
VERSION = 1


@dataclass
class State:
    library_version: int = 0  # the library version all of `items`/`collections` were read at
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> last seen data
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)  # record id -> owned views
    pause_until: float = 0.0  # time.time() until which the server asked for no request


def path_for(state_dir: Path, base_url: str, library: str) -> Path:
    """One state file per server and library, e.g. `zotero-groups-123-1a2b3c4d.json`."""
    server = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:8]
    return state_dir / f"zotero-{library.replace('/', '-')}-{server}.json"


def load(path: Path | None) -> State:
    """The saved state; an empty one when there is none or it cannot be read (a warning)."""
    if path is None:
        return State()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')}")
        return State(
            int(data["library_version"]), data["items"], data["collections"], data["bases"],
            float(data.get("pause_until", 0.0)),
        )  # fmt: skip
    except FileNotFoundError:
        return State()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable sync state (%s); rebuilding it from the library", path, exc)
        return State()


def save(state: State, path: Path | None) -> None:
    if path is None:
        return
    data = {"version": VERSION, "library_version": state.library_version, "items": state.items,
            "collections": state.collections, "bases": state.bases,
            "pause_until": state.pause_until}  # fmt: skip
    write_atomic(path, json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n")


def save_pause(path: Path | None, until: float) -> None:
    """Record in the saved state until when (time.time()) the server asked for no request."""
    if path is not None:
        state = load(path)
        state.pause_until = until
        save(state, path)
