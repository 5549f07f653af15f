"""The registry of sources: one entry per source (DESIGN, "Sources as data"). Options,
politeness, the cache and the lock read it; nothing else names a source's URL or limits. A new
source is its module (one network call, pure helpers around it) plus one line here.

Crossref and arXiv keep their own option fields (`Options.crossref_url`, `.arxiv_url`) and are
always on; the published-version sources (`PUBLISHED`) and the landing-page hosts `refkit add`
reads (`LANDING`) can be turned off with "off".
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
    adaptive: bool = False  # resize the budgets from the answers' rate-limit headers


REGISTRY: dict[str, Source] = {
    s.name: s
    for s in (
        # Crossref: the public pool's numbers until the first answer's headers say more
        # (notes/crossref.md section 1.1: 5 single/s, 1 list/s, 1 in flight)
        Source(
            "crossref",
            "https://api.crossref.org",
            "crossref_url",
            {"single": (5, 1.0), "list": (1, 1.0)},
            1,
            adaptive=True,
        ),
        # arXiv API terms of use: one call every 3 s (Options.arxiv_spacing), one at a time
        Source("arxiv", "https://export.arxiv.org/api/query", "arxiv_url", {"list": (1, 3.0)}),
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
        # papers' own landing pages (`refkit add`, add/landing.py): one page a second per host
        Source("openreview", "https://openreview.net", "openreview_url", {"single": (1, 1.0)}),
        Source("pmlr", "https://proceedings.mlr.press", "pmlr_url", {"single": (1, 1.0)}),
        Source("neurips", "https://proceedings.neurips.cc", "neurips_url", {"single": (1, 1.0)}),
    )
}
PUBLISHED = ("s2", "dblp")  # the published-version sources (Options.urls, "off" allowed)
LANDING = ("openreview", "pmlr", "neurips")  # landing-page hosts (Options.urls, "off" allowed)
OFF = ("off", "none", "no", "false", "0")


def enabled(url: str | None) -> bool:
    return bool(url) and str(url).strip().lower() not in OFF
