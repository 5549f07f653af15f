"""The venue table: every venue label the list uses, to a CSL type and full container name.

Sources: the venues' own proceedings/journal pages (names as the publishers print them).
`{year}` in a name is filled with the record's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Venue:
    key: str  # the canonical label ("ICLR")
    type: str  # CSL item type
    container: str  # proceedings or journal title; "" where none applies
    event: str = ""  # conference acronym for event-title ("ICLR"); "" for journals


def _conf(key: str, container: str, event: str = "") -> Venue:
    return Venue(key, "paper-conference", container, event or key)


def _journal(key: str, container: str) -> Venue:
    return Venue(key, "article-journal", container)


TABLE: dict[str, Venue] = {
    v.key.casefold(): v
    for v in (
        _conf("ICLR", "International Conference on Learning Representations"),
        _conf("ICML", "International Conference on Machine Learning"),
        _conf("NeurIPS", "Advances in Neural Information Processing Systems"),
        _conf(
            "ACL",
            "Proceedings of the Annual Meeting of the Association for Computational Linguistics",
        ),
        _conf(
            "ACL Findings",
            "Findings of the Association for Computational Linguistics: ACL {year}",
            "ACL",
        ),
        _conf(
            "EMNLP",
            "Proceedings of the Conference on Empirical Methods in Natural Language Processing",
        ),
        _conf(
            "CVPR",
            "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        ),
        _conf(
            "CVPR workshop",
            "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops",
            "CVPRW",
        ),
        _conf("ICCV", "Proceedings of the IEEE/CVF International Conference on Computer Vision"),
        _conf(
            "ICCV workshop",
            "Proceedings of the IEEE/CVF International Conference on Computer Vision Workshops",
            "ICCVW",
        ),
        _conf("ECCV", "European Conference on Computer Vision"),
        _conf("AAAI", "Proceedings of the AAAI Conference on Artificial Intelligence"),
        _conf("MLSys", "Proceedings of Machine Learning and Systems"),
        _conf("UAI", "Conference on Uncertainty in Artificial Intelligence"),
        _conf("MICRO", "IEEE/ACM International Symposium on Microarchitecture"),
        _conf(
            "AutoML Workshop",
            "International Conference on Automated Machine Learning, Workshop Track",
            "AutoML",
        ),
        _journal("JMLR", "Journal of Machine Learning Research"),
        _journal("TACL", "Transactions of the Association for Computational Linguistics"),
        _journal("TMLR", "Transactions on Machine Learning Research"),
        _journal("VLDB", "Proceedings of the VLDB Endowment"),
        _journal("VLSI", "IEEE Transactions on Very Large Scale Integration (VLSI) Systems"),
        _journal(
            "Neuromorphic Computing and Engineering", "Neuromorphic Computing and Engineering"
        ),
        Venue("arXiv", "article", ""),
        Venue("Blog", "post-weblog", ""),
        Venue("github", "software", ""),
    )
}

# Words in a label that say how a paper was presented, not where: "ICLR oral" is ICLR.
STATUS_WORDS = ("oral", "spotlight", "poster", "best paper", "outstanding paper", "highlight")
_STATUS = re.compile(r"\s+(" + "|".join(STATUS_WORDS) + r")\s*$", re.IGNORECASE)

# A label with no venue: still a citable item, typed like a preprint without an archive.
NONE = Venue("", "article", "")


def lookup(label: str) -> tuple[Venue | None, str]:
    """The venue and the status note for a label; (None, note) when the label is not in the table."""
    label = " ".join(label.split())
    note = ""
    match = _STATUS.search(label)
    if match:
        note, label = match.group(1).lower(), label[: match.start()]
    if not label:
        return NONE, note
    return TABLE.get(label.casefold()), note


def unknown(label: str) -> Venue:
    """A label the table lacks: a conference of that name (normalize warns once)."""
    return Venue(label, "paper-conference", label, label)


def slug(key: str) -> str:
    """File-name form of a venue key ("ACL Findings" -> "acl-findings"; "" -> "no-venue")."""
    return re.sub(r"[^a-z0-9]+", "-", key.casefold()).strip("-") or "no-venue"
