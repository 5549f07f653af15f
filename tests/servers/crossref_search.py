"""Crossref `/works` list semantics for the fake server: relevance, filters, select, validation."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

Work = dict[str, Any]

# habanero 2.9.2 `select.VALID_SELECTS` (what Crossref accepts on /works).
VALID_SELECTS = frozenset(
    [
        "DOI",
        "ISBN",
        "ISSN",
        "URL",
        "abstract",
        "accepted",
        "alternative-id",
        "approved",
        "archive",
        "article-number",
        "assertion",
        "author",
        "chair",
        "clinical-trial-number",
        "container-title",
        "content-created",
        "content-domain",
        "contributor",
        "created",
        "degree",
        "deposited",
        "editor",
        "event",
        "funder",
        "group-title",
        "indexed",
        "is-referenced-by-count",
        "issn-type",
        "issue",
        "issued",
        "license",
        "link",
        "member",
        "original-title",
        "page",
        "posted",
        "prefix",
        "published",
        "published-online",
        "published-print",
        "publisher",
        "publisher-location",
        "reference",
        "references-count",
        "relation",
        "resource",
        "score",
        "short-container-title",
        "short-title",
        "standards-body",
        "subject",
        "subtitle",
        "title",
        "translator",
        "type",
        "update-policy",
        "update-to",
        "updated-by",
        "volume",
    ]
)

# habanero 2.9.2 `works_filter_details` names as Crossref spells them (hyphens; a dot after the
# license/full-text/award/relation group, e.g. `relation.type`; `relation-type` is rejected).
_FILTERS_RAW = (
    "has_funder funder funder_doi_asserted_by location prefix member from_index_date "
    "until_index_date from_deposit_date until_deposit_date from_update_date until_update_date "
    "from_created_date until_created_date from_pub_date until_pub_date from_online_pub_date "
    "until_online_pub_date from_print_pub_date until_print_pub_date from_posted_date "
    "until_posted_date from_accepted_date until_accepted_date from_approved_date "
    "until_approved_date from_awarded_date until_awarded_date from_issued_date until_issued_date "
    "from_event_start_date until_event_start_date from_event_end_date until_event_end_date "
    "has_license license_url license_version license_delay has_full_text full_text_version "
    "full_text_type full_text_application has_references has_archive archive has_funder_doi "
    "has_ror_id has_alias has_prime_doi has_description has_award has_event has_update has_orcid "
    "has_authenticated_orcid orcid ror_id isbn issn type directory doi updates update_type "
    "is_update has_update_policy container_title category_name type_name award_number "
    "award_funder gte_award_amount lte_award_amount has_assertion assertion_group assertion "
    "has_affiliation alternative_id article_number group_title has_abstract "
    "has_clinical_trial_number clinical_trial_number content_domain has_content_domain "
    "has_domain_restriction has_relation relation_type relation_object relation_object_type "
    "public_references publisher_name affiliation"
)


def _crossref_filter_name(raw: str) -> str:
    for group in ("license_", "full_text_", "award_", "relation_"):
        if raw.startswith(group):
            return group[:-1].replace("_", "-") + "." + raw[len(group) :].replace("_", "-")
    return raw.replace("_", "-")


VALID_FILTERS = frozenset(_crossref_filter_name(n) for n in _FILTERS_RAW.split())

VALID_FIELD_QUERIES = frozenset(
    [
        "query.affiliation",
        "query.author",
        "query.bibliographic",
        "query.chair",
        "query.container-title",
        "query.contributor",
        "query.degree",
        "query.description",
        "query.editor",
        "query.event-acronym",
        "query.event-location",
        "query.event-name",
        "query.event-sponsor",
        "query.event-theme",
        "query.funder-name",
        "query.publisher-location",
        "query.publisher-name",
        "query.standards-body-acronym",
        "query.standards-body-name",
        "query.title",
        "query.translator",
    ]
)
OTHER_PARAMS = frozenset(
    [
        "query",
        "filter",
        "rows",
        "offset",
        "sample",
        "sort",
        "order",
        "facet",
        "select",
        "cursor",
        "mailto",
    ]
)
# pub-date: the published date (the earliest of print and online) or issued; a work with none
# of them is left out of every date-filtered query, as Crossref does (issue #16)
_DATE_FIELDS = {
    "pub": ("published-print", "published-online", "published", "issued"),
    "issued": ("issued",),
}
_DATE_FIELDS.update({k: (f"published-{k}",) for k in ("online", "print")})
_DATE_FIELDS.update({k: (k,) for k in ("posted", "accepted", "created")})
_DATE_FIELDS.update({"deposit": ("deposited",), "index": ("indexed",), "update": ("deposited",)})


def normalize(text: str) -> str:
    """Lower-case alphanumerics and single spaces, markup removed with space insertion."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def validation_error(kind: str, value: str, message: str) -> dict[str, Any]:
    """The body of a 400 answer, as Crossref shapes it."""
    return {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [{"type": kind, "value": value, "message": message}],
    }


def validate(query: dict[str, str]) -> dict[str, Any] | None:
    """A validation-failure body for bad parameters, or None when the query is valid."""
    for name in query:
        if name not in OTHER_PARAMS and name not in VALID_FIELD_QUERIES:
            return validation_error(
                "parameter-not-allowed", name, f"This route does not support {name}"
            )
    for name, _ in parse_filter(query.get("filter", "")):
        if name not in VALID_FILTERS:
            return validation_error(
                "filter-not-available",
                name,
                f"Filter {name} specified but there is no such filter for this route."
                f" Valid filters for this route are: {', '.join(sorted(VALID_FILTERS))}",
            )
    for name in ("rows", "offset"):
        value = query.get(name)
        limit = 1000 if name == "rows" else 10000
        if value is not None and (not value.isdigit() or int(value) > limit):
            return validation_error(
                "integer-not-valid",
                value,
                f"Integer specified as {value} but must be a positive integer less than or"
                f" equal to {limit}.",
            )
    for field in filter(None, query.get("select", "").split(",")):
        if field not in VALID_SELECTS:
            return validation_error(
                "select-not-available",
                field,
                f"Field {field} specified but there is no such field for this route."
                f" Valid fields for this route are: {', '.join(sorted(VALID_SELECTS))}",
            )
    return None


def parse_filter(text: str) -> list[tuple[str, str]]:
    """`type:a,prefix:b` -> [("type", "a"), ("prefix", "b")] (the value may hold colons)."""
    pairs = []
    for part in filter(None, text.split(",")):
        name, _, value = part.partition(":")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _date_of(work: Work, fields: tuple[str, ...]) -> tuple[int, ...] | None:
    """The earliest date among `fields` as a tuple, or None when no field has a year."""
    found = []
    for field in fields:
        parts = (work.get(field) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0] is not None:
            found.append(tuple(int(p) for p in parts[0]))
    return min(found) if found else None


def _bound(value: str, low: bool) -> tuple[int, ...]:
    nums = [int(p) for p in value.split("-") if p.isdigit()]
    pad = [1, 1] if low else [12, 31]
    return tuple(nums + pad[len(nums) - 1 :])


def _matches_one(work: Work, name: str, value: str) -> bool:
    low = value.lower()
    if name in ("type", "prefix", "member"):
        return str(work.get(name, "")).lower() == low
    if name == "doi":
        return str(work.get("DOI", "")).lower() == low.removeprefix("https://doi.org/")
    if name == "issn":
        return low in [i.lower() for i in work.get("ISSN", [])]
    if name == "container-title":
        return low in [normalize(t) for t in work.get("container-title", [])] or low in [
            t.lower() for t in work.get("container-title", [])
        ]
    if name in ("has-relation", "has-orcid", "has-abstract", "is-update"):
        key = {"has-relation": "relation", "has-orcid": "author", "has-abstract": "abstract"}
        if name == "has-orcid":
            present = any("ORCID" in a for a in work.get("author", []))
        elif name == "is-update":
            present = bool(work.get("update-to"))
        else:
            present = bool(work.get(key[name]))
        return present == (low in ("true", "1", "t"))
    if name == "relation.type":
        return low in (work.get("relation") or {})
    if name == "relation.object":
        ids = [r.get("id", "").lower() for rs in (work.get("relation") or {}).values() for r in rs]
        return low in ids
    m = re.fullmatch(r"(from|until)-(\w+?)(?:-pub)?-date", name)
    if m:
        date = _date_of(work, _DATE_FIELDS.get(m.group(2), (m.group(2),)))
        if date is None:
            return False
        date = date + (1,) * (3 - len(date))
        bound = _bound(value, low=m.group(1) == "from")
        return date >= bound if m.group(1) == "from" else date <= bound
    return True  # a valid filter this fake does not model: no restriction


def apply_filters(works: list[Work], text: str) -> list[Work]:
    """Keep works matching every filter key (a repeated key is ORed, different keys ANDed)."""
    groups: dict[str, list[str]] = {}
    for name, value in parse_filter(text):
        groups.setdefault(name, []).append(value)
    return [
        w for w in works if all(any(_matches_one(w, n, v) for v in vs) for n, vs in groups.items())
    ]


def _work_tokens(work: Work) -> set[str]:
    parts = list(work.get("title", [])) + list(work.get("subtitle", []))
    parts += list(work.get("container-title", []))
    for a in work.get("author", []):
        parts += [a.get("given", ""), a.get("family", ""), a.get("name", "")]
    year = _date_of(work, ("published-print", "published-online", "issued"))
    if year:
        parts.append(str(year[0]))
    return set(normalize(" ".join(parts)).split())


def query_text(query: dict[str, str]) -> str:
    """All free text of a query: `query` plus every `query.*` field."""
    return " ".join(v for k, v in query.items() if k == "query" or k.startswith("query."))


def relevance(work: Work, text: str) -> float:
    """Token overlap of the query with title, authors, container and year, scaled like ES.

    Like Crossref's score it grows with the query length (repeating the query raises it).
    """
    tokens = normalize(text).split()
    have = _work_tokens(work)
    hits = [t for t in tokens if t in have]
    return round(sum(4.0 + min(len(t), 8) * 0.5 for t in hits), 3)


def select_fields(work: Work, select: str) -> Work:
    """The work cut to the `select` fields (score only if selected)."""
    fields = [f for f in select.split(",") if f]
    return {f: work[f] for f in fields if f in work}
