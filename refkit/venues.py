"""The venue table: every venue label the list uses, to a CSL type and full container name.

Sources: the venues' own proceedings/journal pages (names as the publishers print them).
`{year}` in a name is filled with the record's year. Beyond the table (and ALIASES: NIPS, PVLDB,
USENIX ATC, ...), a label "<venue> workshop" (or "workshop at <venue>") of a conference in the
table is a workshop of it ("Conference on Empirical Methods in Natural Language Processing
Workshops"), and "<venue> Findings" (or "Findings of <venue>") is its Findings volume: for ACL
Anthology venues "Findings of the Association for Computational Linguistics: EMNLP <year>",
as the Anthology names them.
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
    name: str = ""  # the conference's name where the container is not it (NeurIPS), for workshops


def _conf(key: str, container: str, event: str = "", name: str = "") -> Venue:
    return Venue(key, "paper-conference", container, event or key, name)


def _journal(key: str, container: str) -> Venue:
    return Venue(key, "article-journal", container)


_ACL = "Proceedings of the Annual Meeting of the Association for Computational Linguistics"
_CVPR = "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition"
_ICCV = "Proceedings of the IEEE/CVF International Conference on Computer Vision"

VENUES: tuple[Venue, ...] = (
    # machine learning and AI
    _conf("ICLR", "International Conference on Learning Representations"),
    _conf("ICML", "International Conference on Machine Learning"),
    _conf(
        "NeurIPS",
        "Advances in Neural Information Processing Systems",
        name="Conference on Neural Information Processing Systems",
    ),
    _conf("AISTATS", "International Conference on Artificial Intelligence and Statistics"),
    _conf("COLT", "Conference on Learning Theory"),
    _conf("UAI", "Conference on Uncertainty in Artificial Intelligence"),
    _conf("CoLLAs", "Conference on Lifelong Learning Agents"),
    _conf("COLM", "Conference on Language Modeling"),
    _conf("CoRL", "Conference on Robot Learning"),
    _conf("AAAI", "Proceedings of the AAAI Conference on Artificial Intelligence"),
    _conf("IJCAI", "Proceedings of the International Joint Conference on Artificial Intelligence"),
    _conf(
        "MLSys",
        "Proceedings of Machine Learning and Systems",
        name="Conference on Machine Learning and Systems",
    ),
    _conf(
        "AutoML Workshop",
        "International Conference on Automated Machine Learning, Workshop Track",
        "AutoML",
    ),
    # natural language and speech
    _conf("ACL", _ACL),
    _conf(
        "ACL Findings",
        "Findings of the Association for Computational Linguistics: ACL {year}",
        "ACL",
    ),
    _conf(
        "EMNLP", "Proceedings of the Conference on Empirical Methods in Natural Language Processing"
    ),
    _conf(
        "NAACL",
        "Proceedings of the Conference of the North American Chapter of the Association for Computational Linguistics: Human Language Technologies",
    ),
    _conf(
        "EACL",
        "Proceedings of the Conference of the European Chapter of the Association for Computational Linguistics",
    ),
    _conf(
        "AACL",
        "Proceedings of the Conference of the Asia-Pacific Chapter of the Association for Computational Linguistics and the International Joint Conference on Natural Language Processing",
    ),
    _conf("COLING", "Proceedings of the International Conference on Computational Linguistics"),
    _conf("CoNLL", "Proceedings of the Conference on Computational Natural Language Learning"),
    _conf("Interspeech", "Proceedings of Interspeech"),
    _conf("ICASSP", "IEEE International Conference on Acoustics, Speech and Signal Processing"),
    # vision
    _conf("CVPR", _CVPR),
    _conf("CVPR workshop", _CVPR + " Workshops", "CVPRW"),
    _conf("ICCV", _ICCV),
    _conf("ICCV workshop", _ICCV + " Workshops", "ICCVW"),
    _conf("ECCV", "European Conference on Computer Vision"),
    _conf(
        "WACV", "Proceedings of the IEEE/CVF Winter Conference on Applications of Computer Vision"
    ),
    _conf("BMVC", "Proceedings of the British Machine Vision Conference"),
    _conf("ACCV", "Proceedings of the Asian Conference on Computer Vision"),
    # data, web and retrieval
    _conf("KDD", "Proceedings of the ACM SIGKDD Conference on Knowledge Discovery and Data Mining"),
    _conf("SIGMOD", "Proceedings of the ACM SIGMOD International Conference on Management of Data"),
    _conf("ICDE", "Proceedings of the IEEE International Conference on Data Engineering"),
    _conf("WWW", "Proceedings of the ACM Web Conference"),
    _conf(
        "SIGIR",
        "Proceedings of the International ACM SIGIR Conference on Research and Development in Information Retrieval",
    ),
    _conf(
        "CIKM",
        "Proceedings of the ACM International Conference on Information and Knowledge Management",
    ),
    _conf("WSDM", "Proceedings of the ACM International Conference on Web Search and Data Mining"),
    _conf("ICDM", "Proceedings of the IEEE International Conference on Data Mining"),
    # systems
    _conf(
        "OSDI", "Proceedings of the USENIX Symposium on Operating Systems Design and Implementation"
    ),
    _conf("SOSP", "Proceedings of the ACM Symposium on Operating Systems Principles"),
    _conf("EuroSys", "Proceedings of the European Conference on Computer Systems"),
    _conf("ATC", "Proceedings of the USENIX Annual Technical Conference", "USENIX ATC"),
    _conf(
        "NSDI", "Proceedings of the USENIX Symposium on Networked Systems Design and Implementation"
    ),
    _conf("FAST", "Proceedings of the USENIX Conference on File and Storage Technologies"),
    _conf("SIGCOMM", "Proceedings of the ACM SIGCOMM Conference"),
    _conf("SoCC", "Proceedings of the ACM Symposium on Cloud Computing"),
    _conf(
        "PPoPP",
        "Proceedings of the ACM SIGPLAN Symposium on Principles and Practice of Parallel Programming",
    ),
    _conf(
        "PLDI",
        "Proceedings of the ACM SIGPLAN Conference on Programming Language Design and Implementation",
    ),
    _conf(
        "CGO",
        "Proceedings of the IEEE/ACM International Symposium on Code Generation and Optimization",
    ),
    _conf(
        "SC",
        "Proceedings of the International Conference for High Performance Computing, Networking, Storage and Analysis",
    ),
    _conf("ICS", "Proceedings of the ACM International Conference on Supercomputing"),
    _conf(
        "IPDPS",
        "Proceedings of the IEEE International Parallel and Distributed Processing Symposium",
    ),
    # architecture and design automation
    _conf(
        "ASPLOS",
        "Proceedings of the ACM International Conference on Architectural Support for Programming Languages and Operating Systems",
    ),
    _conf("ISCA", "Proceedings of the ACM/IEEE International Symposium on Computer Architecture"),
    _conf("MICRO", "IEEE/ACM International Symposium on Microarchitecture"),
    _conf(
        "HPCA",
        "Proceedings of the IEEE International Symposium on High-Performance Computer Architecture",
    ),
    _conf("DAC", "Proceedings of the ACM/IEEE Design Automation Conference"),
    _conf("ICCAD", "Proceedings of the IEEE/ACM International Conference on Computer-Aided Design"),
    _conf("DATE", "Proceedings of the Design, Automation and Test in Europe Conference"),
    _conf(
        "FPGA",
        "Proceedings of the ACM/SIGDA International Symposium on Field-Programmable Gate Arrays",
    ),
    _conf("ISSCC", "IEEE International Solid-State Circuits Conference"),
    # journals
    _journal("JMLR", "Journal of Machine Learning Research"),
    _journal("TMLR", "Transactions on Machine Learning Research"),
    _journal("TACL", "Transactions of the Association for Computational Linguistics"),
    _journal("TPAMI", "IEEE Transactions on Pattern Analysis and Machine Intelligence"),
    _journal("IJCV", "International Journal of Computer Vision"),
    _journal("TKDE", "IEEE Transactions on Knowledge and Data Engineering"),
    _journal("TNNLS", "IEEE Transactions on Neural Networks and Learning Systems"),
    _journal("TIP", "IEEE Transactions on Image Processing"),
    _journal("TPDS", "IEEE Transactions on Parallel and Distributed Systems"),
    _journal(
        "TCAD", "IEEE Transactions on Computer-Aided Design of Integrated Circuits and Systems"
    ),
    _journal("JSSC", "IEEE Journal of Solid-State Circuits"),
    _journal("IEEE Micro", "IEEE Micro"),
    _journal("CACM", "Communications of the ACM"),
    _journal("Computational Linguistics", "Computational Linguistics"),
    _journal("Neural Computation", "Neural Computation"),
    _journal("Nature", "Nature"),
    _journal("Nature Machine Intelligence", "Nature Machine Intelligence"),
    _journal("Science", "Science"),
    _journal("VLDB", "Proceedings of the VLDB Endowment"),
    _journal("VLSI", "IEEE Transactions on Very Large Scale Integration (VLSI) Systems"),
    _journal("Neuromorphic Computing and Engineering", "Neuromorphic Computing and Engineering"),
    Venue("arXiv", "article", ""),
    Venue("Blog", "post-weblog", ""),
    Venue("github", "software", ""),
)
TABLE: dict[str, Venue] = {v.key.casefold(): v for v in VENUES}
# Other spellings of a label -> the table's key.
ALIASES = {
    "nips": "NeurIPS", "pvldb": "VLDB", "usenix atc": "ATC", "thewebconf": "WWW",
    "the web conference": "WWW", "sigkdd": "KDD", "colla": "CoLLAs", "ieee tpami": "TPAMI",
    "pami": "TPAMI", "ieee micro": "IEEE Micro", "isscc": "ISSCC",
}  # fmt: skip
# Venues whose Findings the ACL Anthology publishes ("Findings of the ACL: EMNLP 2023").
ACL_FAMILY = frozenset(("ACL", "EMNLP", "NAACL", "EACL", "AACL", "COLING", "CoNLL"))
_WORKSHOP = re.compile(
    r"^(?:(?P<before>.+?)\s+workshops?|workshops?\s+(?:at|@)\s+(?P<after>.+))$", re.I
)
_FINDINGS = re.compile(
    r"^(?:(?P<before>.+?)\s+findings|findings\s+(?:of\s+(?:the\s+)?)?(?P<after>.+))$", re.I
)

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
    return _find(label), note


def _find(label: str) -> Venue | None:
    """A label in the table (or an alias), or a workshop or Findings of a venue in it."""
    venue = _exact(label)
    if venue:
        return venue
    match = _WORKSHOP.match(label)
    base = _exact(match.group("before") or match.group("after")) if match else None
    if base and base.type == "paper-conference":
        name = base.name or base.container.removeprefix("Proceedings of the ")
        return _conf(f"{base.key} workshop", f"{name} Workshops", f"{base.event} Workshop")
    match = _FINDINGS.match(label)
    base = _exact(match.group("before") or match.group("after")) if match else None
    if base and base.type == "paper-conference":
        if base.key in ACL_FAMILY:
            container = (
                f"Findings of the Association for Computational Linguistics: {base.key} {{year}}"
            )
        else:
            container = "Findings of the " + (
                base.name or base.container.removeprefix("Proceedings of the ")
            )
        return _conf(f"{base.key} Findings", container, base.event)
    return None


def _exact(label: str) -> Venue | None:
    folded = " ".join(label.split()).casefold()
    return TABLE.get(folded) or TABLE.get(ALIASES.get(folded, "").casefold())


def unknown(label: str) -> Venue:
    """A label the table lacks: a conference of that name (normalize warns once)."""
    container = label.replace("{", "{{").replace("}", "}}")  # a name, not a `{year}` template
    return Venue(label, "paper-conference", container, label)


def slug(key: str) -> str:
    """File-name form of a venue key ("ACL Findings" -> "acl-findings"; "" -> "no-venue")."""
    return re.sub(r"[^a-z0-9]+", "-", key.casefold()).strip("-") or "no-venue"
