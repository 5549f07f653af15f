"""The venue table: labels of the main ML, NLP, vision, data, systems and architecture venues,
their workshops and Findings, each to a CSL type and the full proceedings or journal name."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from refkit import venues
from refkit.normalize import normalize
from refkit.prototxt import Record

CONF, JOUR = "paper-conference", "article-journal"

# label -> (key, type, container with {year} filled for 2024). Names as the publishers print them.
CASES = {
    "EMNLP": ("EMNLP", CONF, "Proceedings of the Conference on Empirical Methods in Natural Language Processing"),
    "NAACL": ("NAACL", CONF, "Proceedings of the Conference of the North American Chapter of the Association for Computational Linguistics: Human Language Technologies"),
    "EACL": ("EACL", CONF, "Proceedings of the Conference of the European Chapter of the Association for Computational Linguistics"),
    "COLING": ("COLING", CONF, "Proceedings of the International Conference on Computational Linguistics"),
    "KDD": ("KDD", CONF, "Proceedings of the ACM SIGKDD Conference on Knowledge Discovery and Data Mining"),
    "SIGMOD": ("SIGMOD", CONF, "Proceedings of the ACM SIGMOD International Conference on Management of Data"),
    "VLDB": ("VLDB", JOUR, "Proceedings of the VLDB Endowment"),
    "PVLDB": ("VLDB", JOUR, "Proceedings of the VLDB Endowment"),
    "ICDE": ("ICDE", CONF, "Proceedings of the IEEE International Conference on Data Engineering"),
    "OSDI": ("OSDI", CONF, "Proceedings of the USENIX Symposium on Operating Systems Design and Implementation"),
    "SOSP": ("SOSP", CONF, "Proceedings of the ACM Symposium on Operating Systems Principles"),
    "EuroSys": ("EuroSys", CONF, "Proceedings of the European Conference on Computer Systems"),
    "ATC": ("ATC", CONF, "Proceedings of the USENIX Annual Technical Conference"),
    "USENIX ATC": ("ATC", CONF, "Proceedings of the USENIX Annual Technical Conference"),
    "NSDI": ("NSDI", CONF, "Proceedings of the USENIX Symposium on Networked Systems Design and Implementation"),
    "ASPLOS": ("ASPLOS", CONF, "Proceedings of the ACM International Conference on Architectural Support for Programming Languages and Operating Systems"),
    "ISCA": ("ISCA", CONF, "Proceedings of the ACM/IEEE International Symposium on Computer Architecture"),
    "MICRO": ("MICRO", CONF, "IEEE/ACM International Symposium on Microarchitecture"),
    "HPCA": ("HPCA", CONF, "Proceedings of the IEEE International Symposium on High-Performance Computer Architecture"),
    "DAC": ("DAC", CONF, "Proceedings of the ACM/IEEE Design Automation Conference"),
    "ICCAD": ("ICCAD", CONF, "Proceedings of the IEEE/ACM International Conference on Computer-Aided Design"),
    "SC": ("SC", CONF, "Proceedings of the International Conference for High Performance Computing, Networking, Storage and Analysis"),
    "PPoPP": ("PPoPP", CONF, "Proceedings of the ACM SIGPLAN Symposium on Principles and Practice of Parallel Programming"),
    "ECCV": ("ECCV", CONF, "European Conference on Computer Vision"),
    "WACV": ("WACV", CONF, "Proceedings of the IEEE/CVF Winter Conference on Applications of Computer Vision"),
    "BMVC": ("BMVC", CONF, "Proceedings of the British Machine Vision Conference"),
    "AISTATS": ("AISTATS", CONF, "International Conference on Artificial Intelligence and Statistics"),
    "COLT": ("COLT", CONF, "Conference on Learning Theory"),
    "CoLLAs": ("CoLLAs", CONF, "Conference on Lifelong Learning Agents"),
    "IJCAI": ("IJCAI", CONF, "Proceedings of the International Joint Conference on Artificial Intelligence"),
    "AAAI": ("AAAI", CONF, "Proceedings of the AAAI Conference on Artificial Intelligence"),
    "WWW": ("WWW", CONF, "Proceedings of the ACM Web Conference"),
    "SIGIR": ("SIGIR", CONF, "Proceedings of the International ACM SIGIR Conference on Research and Development in Information Retrieval"),
    "CIKM": ("CIKM", CONF, "Proceedings of the ACM International Conference on Information and Knowledge Management"),
    "TPAMI": ("TPAMI", JOUR, "IEEE Transactions on Pattern Analysis and Machine Intelligence"),
    "IJCV": ("IJCV", JOUR, "International Journal of Computer Vision"),
    "TKDE": ("TKDE", JOUR, "IEEE Transactions on Knowledge and Data Engineering"),
    "JMLR": ("JMLR", JOUR, "Journal of Machine Learning Research"),
    "TMLR": ("TMLR", JOUR, "Transactions on Machine Learning Research"),
    "TACL": ("TACL", JOUR, "Transactions of the Association for Computational Linguistics"),
    "NIPS": ("NeurIPS", CONF, "Advances in Neural Information Processing Systems"),
    "COLM": ("COLM", CONF, "Conference on Language Modeling"),
    # workshops of a venue
    "NeurIPS workshop": ("NeurIPS workshop", CONF, "Conference on Neural Information Processing Systems Workshops"),
    "ICML Workshop": ("ICML workshop", CONF, "International Conference on Machine Learning Workshops"),
    "workshop at ICLR": ("ICLR workshop", CONF, "International Conference on Learning Representations Workshops"),
    "EMNLP workshops": ("EMNLP workshop", CONF, "Conference on Empirical Methods in Natural Language Processing Workshops"),
    "CVPR workshop": ("CVPR workshop", CONF, "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops"),
    # Findings, as the ACL Anthology names them
    "ACL Findings": ("ACL Findings", CONF, "Findings of the Association for Computational Linguistics: ACL 2024"),
    "EMNLP Findings": ("EMNLP Findings", CONF, "Findings of the Association for Computational Linguistics: EMNLP 2024"),
    "Findings of NAACL": ("NAACL Findings", CONF, "Findings of the Association for Computational Linguistics: NAACL 2024"),
    "findings of the EACL": ("EACL Findings", CONF, "Findings of the Association for Computational Linguistics: EACL 2024"),
}  # fmt: skip


@pytest.mark.parametrize("label", list(CASES))
def test_label(label: str) -> None:
    key, kind, container = CASES[label]
    venue, note = venues.lookup(label)
    assert venue is not None, label
    assert (venue.key, venue.type, venue.container.format(year=2024)) == (key, kind, container)
    assert note == ""


def test_status_words_on_new_labels() -> None:
    venue, note = venues.lookup("EMNLP Findings oral")
    assert venue is not None and (venue.key, note) == ("EMNLP Findings", "oral")
    venue, note = venues.lookup("NeurIPS workshop spotlight")
    assert venue is not None and (venue.key, note) == ("NeurIPS workshop", "spotlight")


@pytest.mark.parametrize("label", ["TPAMI workshop", "Findings of JMLR", "Foo workshop", "Bar"])
def test_not_venues(label: str) -> None:
    """A workshop or Findings of a journal, or of a label the table lacks, is unknown."""
    assert venues.lookup(label)[0] is None


def test_table_size_and_names() -> None:
    named = [v for v in venues.VENUES if v.type in (CONF, JOUR)]
    assert len(named) >= 80
    assert all(v.container and len(v.container) > len(v.key) or v.key == v.container for v in named)
    assert len({v.key.casefold() for v in venues.VENUES}) == len(venues.VENUES)


def test_a_typical_list_warns_about_no_venue(caplog: pytest.LogCaptureFixture) -> None:
    records = [
        Record(path=Path(f"meta/{n}.prototxt"), rel=f"{n}.prototxt", id=str(n), title="T",
               authors=("A B",), year=2024, where=label)
        for n, label in enumerate(CASES)
    ]  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="refkit"):
        items, _ = normalize(records, {})
    assert caplog.messages == []
    by_label = {it["custom"]["venue"]: it for it in items}
    assert by_label["EMNLP Findings"]["event-title"] == "EMNLP 2024"
    assert by_label["TPAMI"]["type"] == JOUR and "event-title" not in by_label["TPAMI"]
