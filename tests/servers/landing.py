"""Papers' landing pages on 127.0.0.1: OpenReview forum pages, PMLR paper pages and NeurIPS
proceedings abstract pages, with the Highwire Press `<meta name="citation_...">` tags each host
puts in its `<head>` (the shapes of the real pages: OpenReview's Next.js head, one
`citation_author` per author as "Given Family", or on its older pages one `citation_authors`
joined by "; "; PMLR's and NeurIPS's Jekyll/Django heads with "Family, Given" authors,
`citation_conference_title` or `citation_journal_title`, volume and pages).

`pages` maps "path?query" (as the host serves it: `/forum?id=X`, `/v235/name.html`,
`/paper_files/paper/2024/hash/H-Abstract-Conference.html`) to the HTML, or to a status code
(404, 410, 500) answered with an HTML error page. Politeness: at least `min_interval` seconds
between requests; a request sooner, or inside the `Retry-After` of an earlier 429, is answered
429 with `Retry-After` and counted (`violations`, `inside_retry_after`); `busy` answers the
first N requests 429 (an overloaded host), which the client must sit out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import urlencode

from tests.servers.base import Request, Response
from tests.servers.paced import PacedServer

_ERROR = (
    "<!DOCTYPE html><html><head><title>{code}</title></head><body><h1>{code}</h1></body></html>"
)


def _meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{html.escape(content, quote=True)}"/>'


def openreview_page(
    forum: str, title: str, authors: list[str], date: str, *, joined: bool = False, venue: str = ""
) -> str:
    """An OpenReview forum page's head (`joined`: the older one-tag author list)."""
    people = (
        [_meta("citation_authors", "; ".join(authors))]
        if joined
        else [_meta("citation_author", a) for a in authors]
    )
    tags = [
        _meta("citation_title", title),
        *people,
        _meta("citation_online_date", date),
        _meta("citation_pdf_url", f"https://openreview.net/pdf?id={forum}"),
        _meta("citation_abstract", "We study the problem."),
    ]
    if venue:
        tags.append(_meta("citation_conference_title", venue))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{html.escape(title)} | OpenReview</title>"
        f'<meta name="description" content="{html.escape(title)}"/>'
        f'<meta property="og:title" content="{html.escape(title)}"/>'
        + "".join(tags)
        + '<meta name="next-head-count" content="24"/><link rel="preload" href="/_next/static/css/'
        'a.css" as="style"/></head><body><div id="__next"><div class="forum-container">'
        f'<h2 class="citation_title">{html.escape(title)}</h2></div></div>'
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script>'
        "</body></html>"
    )


def _family_given(name: str) -> str:
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}" if given else name


def pmlr_page(
    volume: int,
    name: str,
    title: str,
    authors: list[str],
    date: str,
    conference: str,
    pages: tuple[int, int],
) -> str:
    """A PMLR paper page (proceedings.mlr.press/v{volume}/{name}.html)."""
    tags = [
        _meta("citation_publisher", "PMLR"),
        _meta("citation_title", title),
        *[_meta("citation_author", _family_given(a)) for a in authors],
        _meta("citation_publication_date", date),
        _meta("citation_conference_title", conference),
        _meta("citation_firstpage", str(pages[0])),
        _meta("citation_lastpage", str(pages[1])),
        _meta(
            "citation_pdf_url",
            f"https://raw.githubusercontent.com/mlresearch/v{volume}/main/assets/{name}/{name}.pdf",
        ),
        _meta("citation_volume", str(volume)),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{html.escape(title)}</title>\n"
        + "".join(f"  {t}\n" for t in tags)
        + '  <link rel="stylesheet" type="text/css" href="/css/pmlr.css">\n</head>\n<body>\n'
        f'<div id="content"><h1>{html.escape(title)}</h1></div>\n</body>\n</html>\n'
    )


def neurips_page(
    year: int, digest: str, title: str, authors: list[str], volume: int, suffix: str = "-Conference"
) -> str:
    """A NeurIPS proceedings abstract page (.../hash/{digest}-Abstract{suffix}.html)."""
    base = f"https://proceedings.neurips.cc/paper_files/paper/{year}"
    tags = [
        _meta("citation_title", title),
        *[_meta("citation_author", _family_given(a)) for a in authors],
        _meta("citation_journal_title", "Advances in Neural Information Processing Systems"),
        _meta("citation_volume", str(volume)),
        _meta("citation_firstpage", "100213"),
        _meta("citation_lastpage", "100240"),
        _meta("citation_pdf_url", f"{base}/file/{digest}-Paper{suffix}.pdf"),
        _meta("citation_publication_date", str(year)),
    ]
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n    <meta charset="utf-8">\n'
        f"    <title>{html.escape(title)}</title>\n"
        + "".join(f"    {t}\n" for t in tags)
        + '</head>\n<body>\n<div class="container-fluid"><div class="col">'
        f"<h4>{html.escape(title)}</h4></div></div>\n</body>\n</html>\n"
    )


class LandingServer(PacedServer):
    """Serves `pages` ("path?query" -> HTML or a status code)."""

    too_many = (_ERROR.format(code="429 Too Many Requests").encode(), "text/html")

    def __init__(
        self,
        pages: Mapping[str, str | int],
        *,
        min_interval: float = 0.0,
        retry_after: int = 1,
        busy: int = 0,
        latency: float = 0.0,
    ) -> None:
        super().__init__(
            min_interval=min_interval, retry_after=retry_after, busy=busy, latency=latency
        )
        self.pages = dict(pages)

    def route(self, request: Request, kind: str) -> Response:
        key = request.path + (f"?{urlencode(request.query)}" if request.query else "")
        page = self.pages.get(key, 404)
        if isinstance(page, int):
            code = f"{page} Error"
            return Response(page, _ERROR.format(code=code).encode(), {"content-type": "text/html"})
        return Response(200, page.encode(), {"content-type": "text/html; charset=utf-8"})
