"""The registry of the published-version sources: one entry per source (DESIGN, "Sources as
data"). Options, politeness and the cache read it; nothing else names a source's URL or limits.

Crossref and arXiv predate the registry and keep their own options (`crossref_url`,
`arxiv_url`); a new source is its module plus one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    name: str  # short name: cache source, lock table, report
    url: str  # default base URL
    setting: str  # config.py setting of the base URL ("off" disables the source)
    budgets: dict[str, tuple[int, float]] = field(default_factory=dict)  # kind -> (rate, s)
    concurrency: int = 1
    key_setting: str = ""  # config.py setting of an API key, if the source takes one


REGISTRY: dict[str, Source] = {
    s.name: s
    for s in (
        # S2: keys get 1 request/s (release notes 2024); the keyless pool is shared and 429s
        Source(
            "s2",
            "https://api.semanticscholar.org/graph/v1",
            "s2_url",
            {"batch": (1, 1.0)},
            1,
            "s2_api_key",
        ),
        # DBLP FAQ: "at least one or two second between two consecutive requests"
        Source("dblp", "https://dblp.org", "dblp_url", {"single": (1, 1.0)}, 1),
    )
}
OFF = ("off", "none", "no", "false", "0")


def enabled(url: str | None) -> bool:
    return bool(url) and str(url).strip().lower() not in OFF
