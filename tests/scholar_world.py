"""The published-versions scenario as a running world: a copy of meta/ with the scenario's edits
and local Crossref, arXiv, Semantic Scholar and DBLP servers (tests/data/scholar/README.md)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from refkit.enrich import Options
from refkit.enrich import sources as registry
from tests.servers.arxiv import ArxivServer
from tests.servers.crossref import CrossrefServer
from tests.servers.dblp import DblpServer
from tests.servers.s2 import S2Server

ROOT = Path(__file__).resolve().parents[1]
SCENARIO: dict[str, Any] = json.loads(
    (ROOT / "tests/data/scholar/scenario.json").read_text("utf-8")
)
WORKS = json.loads((ROOT / "tests/data/enrich/crossref_works.json").read_text("utf-8"))
FAST_CROSSREF = {"polite": (200, 100, 4)}


def edit_record(text: str, change: dict[str, Any]) -> str:
    """A record file with `pub.where`, `pub.year` or the author lines replaced."""
    if "where" in change:
        text = re.sub(r'(\n  where: )"[^"]*"', lambda m: f'{m.group(1)}"{change["where"]}"', text)
    if "year" in change:
        text = re.sub(r"(\n  year: )\d+", lambda m: f"{m.group(1)}{change['year']}", text)
    if "authors" in change:
        lines = [ln for ln in text.split("\n") if not ln.startswith("  authors: ")]
        at = next(i for i, ln in enumerate(lines) if ln.startswith("  url: ")) + 1
        lines[at:at] = [
            f"  authors: {json.dumps(a, ensure_ascii=False)}" for a in change["authors"]
        ]
        text = "\n".join(lines)
    return text


def make_meta(tmp: Path) -> Path:
    """meta/ copied with the scenario's edits (the list before publication)."""
    meta = tmp / "meta"
    shutil.copytree(ROOT / "meta", meta)
    for rid, change in SCENARIO["edits"].items():
        path = meta / f"{rid}.prototxt"
        path.write_text(edit_record(path.read_text("utf-8"), change), "utf-8")
    return meta


@dataclass
class World:
    crossref: CrossrefServer
    arxiv: ArxivServer
    s2: S2Server
    dblp: DblpServer

    def options(self, cache: Path, **kw: Any) -> Options:
        base: dict[str, Any] = dict(
            mailto="ci@example.org",
            cache_dir=cache,
            timeout=3.0,
            backoff=0.05,
            urls={"s2": self.s2.url, "dblp": self.dblp.url},
            keys={"s2": "test-key"},
        )
        return Options(self.crossref.url, self.arxiv.url, **{**base, **kw})

    def env(self, cache: Path) -> dict[str, str]:
        return {
            "REFKIT_CROSSREF_URL": self.crossref.url,
            "REFKIT_ARXIV_URL": self.arxiv.url,
            "REFKIT_S2_URL": self.s2.url,
            "REFKIT_DBLP_URL": self.dblp.url,
            "REFKIT_S2_API_KEY": "test-key",
            "REFKIT_MAILTO": "ci@example.org",
            "REFKIT_CACHE_DIR": str(cache),
        }


@contextmanager
def world(
    *,
    dblp_interval: float = 0.02,
    s2_busy: int = 0,
    dblp_busy: int = 0,
    key: str | None = "test-key",
    fault_rate: float = 0.0,
) -> Iterator[World]:
    """The four servers. DBLP and S2 keep their real rules (429, Retry-After, 403, batch size);
    `dblp_interval` shortens DBLP's 1 s spacing so a test of 80 lookups stays short;
    `fault_rate` injects 429s, 500s, truncated bodies and dropped connections into both."""
    faults = {"fault_rate": fault_rate, "faults": ("429", "500", "malformed", "drop"), "seed": 7}
    with ExitStack() as stack:
        yield World(
            stack.enter_context(CrossrefServer(WORKS, limits=FAST_CROSSREF)),
            stack.enter_context(ArxivServer(SCENARIO["arxiv"], min_interval=0.0)),
            stack.enter_context(
                S2Server(SCENARIO["s2"], api_key=key, busy=s2_busy, key_rate=5, **faults)
            ),
            stack.enter_context(
                DblpServer(
                    SCENARIO["dblp"],
                    min_interval=dblp_interval,
                    busy=dblp_busy,
                    retry_after=1,
                    **faults,
                )
            ),
        )


def fast_dblp(monkeypatch: pytest.MonkeyPatch, spacing: float = 0.05) -> None:
    """The client's DBLP spacing shortened to `spacing` seconds (the server's to less)."""
    src = registry.REGISTRY["dblp"]
    monkeypatch.setitem(registry.REGISTRY, "dblp", replace(src, budgets={"single": (1, spacing)}))
