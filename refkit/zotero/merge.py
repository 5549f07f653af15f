"""The three-way merge of one Zotero item: base (what refkit last wrote), theirs (remote), ours (new)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNKNOWN: Any = object()  # a base value refkit cannot know (lost state, edited item)


@dataclass
class Merge:
    """The merged owned view, what to write, and what a member changed that refkit also changed."""

    result: dict[str, Any]  # the owned view after the write
    changed: dict[str, Any]  # field -> value to send (subset of result)
    base: dict[str, Any]  # the new base: what refkit will have last written
    conflicts: list[str] = field(default_factory=list)


def merge(
    base: dict[str, Any] | None,
    theirs: dict[str, Any],
    ours: dict[str, Any],
    *,
    force: bool = False,
) -> Merge:
    """Merge owned views field by field; `base` None means unknown (every difference conflicts).

    A field only refkit changed takes ours; one only a member changed keeps theirs; one both changed
    to different values keeps theirs and is reported, unless `force`. `tags` merge as sets: refkit
    adds its new tags and removes only the tags it wrote before and no longer has; with an unknown
    base it never removes. The new base keeps the old base value wherever theirs was kept, so a
    member's edit stays theirs on later runs and a conflict is reported until someone resolves it.
    """
    out = Merge(result={}, changed={}, base={})
    for key in sorted((set(theirs) | set(ours)) - {"tags"}):
        t, o = theirs.get(key, ""), ours.get(key, "")
        b = UNKNOWN if base is None else base.get(key, "")
        if t == o:
            value, new_base = t, o
        elif b is not UNKNOWN and t == b:
            value, new_base = o, o
        elif b is not UNKNOWN and o == b:
            value, new_base = t, b
        elif force:
            value, new_base = o, o
        else:
            out.conflicts.append(key)
            value, new_base = t, (o if b is UNKNOWN else b)
        out.result[key] = value
        out.base[key] = new_base
        if value != t:
            out.changed[key] = value
    t_tags, o_tags = set(theirs.get("tags", [])), set(ours.get("tags", []))
    b_tags = None if base is None or base.get("tags") is None else set(base["tags"])
    tags = t_tags | o_tags if b_tags is None else (t_tags - (b_tags - o_tags)) | (o_tags - b_tags)
    out.result["tags"] = sorted(tags)
    out.base["tags"] = sorted(o_tags)
    if tags != t_tags:
        out.changed["tags"] = sorted(tags)
    return out
