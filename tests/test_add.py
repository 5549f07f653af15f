"""`refkit add` as users run it (a subprocess on a copy of the list) against the local arXiv,
Crossref, Semantic Scholar and DBLP servers (tests/add_world.py): every input form, the written
style (golden records checked by hand against the served data), the lock pin, duplicates,
--dry-run, failures, and the new records through the real clients."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import rispy
from google.protobuf import text_format

from refkit import fastread, paper_pb2, prototxt
from refkit import lock as locks
from tests.add_world import ROOT, world
from tests.cli import CLOSED, copy_list, refkit
from tests.test_compile import (
    _run,
    bbl_keys,
    biber_problems,
    bibtex_problems,
    compile_biber,
    compile_bibtex,
)

CSL_SCHEMA = json.loads((ROOT / "tests/data/csl-data.json").read_text(encoding="utf-8"))


def stem(identity: str) -> str:
    """The 8-character name of a record without a short name (as the list's editor names them)."""
    return base64.b32encode(hashlib.sha1(identity.encode()).digest()).decode()[:8]


# Checked by hand against tests/add_world.py: arXiv's title and author list in order, the abs
# URL without version, the venue and year of DBLP's publication (AQLM: ICML 2024 by S2's DBLP
# key; SpinQuant: ICLR 2025 by DBLP's search, with DBLP's capitals), else arXiv and the year of
# v1, the code repository the arXiv comment or abstract names, the ACL paper's ACL Anthology
# URL from its DOI; the blocks, order, indentation and quoting of the list's 2024 records.
GOLDEN = {
    f"2024/{stem('arxiv:2401.06118')}": """paper {
  title: "Extreme Compression of Large Language Models via Additive Quantization"
  abbr: ""
  url: "https://arxiv.org/abs/2401.06118"
  authors: "Vage Egiazarian"
  authors: "Andrei Panferov"
  authors: "Denis Kuznedelev"
  authors: "Elias Frantar"
  authors: "Artem Babenko"
  authors: "Dan Alistarh"
}
pub {
  where: "ICML"
  year: 2024
}
code {
  type: ""
  url: "https://github.com/Vahe1994/AQLM"
}
note {
  url: ""
}
keyword {
  words: quantization
}
cover {
  url: ""
}
""",
    f"2024/{stem('arxiv:2402.17764')}": """paper {
  title: "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits"
  abbr: ""
  url: "https://arxiv.org/abs/2402.17764"
  authors: "Shuming Ma"
  authors: "Hongyu Wang"
  authors: "Lingxiao Ma"
  authors: "Lei Wang"
  authors: "Wenhui Wang"
  authors: "Shaohan Huang"
  authors: "Li Dong"
  authors: "Ruiping Wang"
  authors: "Jilong Xue"
  authors: "Furu Wei"
}
pub {
  where: "arXiv"
  year: 2024
}
code {
  type: ""
  url: "https://github.com/microsoft/unilm/tree/master/bitnet"
}
note {
  url: ""
}
keyword {
  words: quantization
}
cover {
  url: ""
}
""",
    f"1996/{stem('arxiv:cs/9605103')}": """paper {
  title: "Reinforcement Learning: A Survey"
  abbr: ""
  url: "https://arxiv.org/abs/cs/9605103"
  authors: "L. P. Kaelbling"
  authors: "M. L. Littman"
  authors: "A. W. Moore"
}
pub {
  where: "arXiv"
  year: 1996
}
code {
  type: ""
  url: ""
}
note {
  url: ""
}
keyword {
  words: quantization
}
cover {
  url: ""
}
""",
    f"2024/{stem('doi:10.18653/v1/2024.acl-long.787')}": """paper {
  title: "Mission: Impossible Language Models"
  abbr: ""
  url: "https://aclanthology.org/2024.acl-long.787/"
  authors: "Julie Kallini"
  authors: "Isabel Papadimitriou"
  authors: "Richard Futrell"
  authors: "Kyle Mahowald"
  authors: "Christopher Potts"
}
pub {
  where: "ACL"
  year: 2024
}
code {
  type: ""
  url: ""
}
note {
  url: ""
}
keyword {
  words: quantization
}
cover {
  url: ""
}
""",
    "2025/SpinQuant": """paper {
  title: "SpinQuant: LLM Quantization with Learned Rotations"
  abbr: "SpinQuant"
  url: "https://arxiv.org/abs/2405.16406"
  authors: "Zechun Liu"
  authors: "Changsheng Zhao"
  authors: "Igor Fedorov"
  authors: "Bilge Soran"
  authors: "Dhruv Choudhary"
  authors: "Raghuraman Krishnamoorthi"
  authors: "Vikas Chandra"
  authors: "Yuandong Tian"
  authors: "Tijmen Blankevoort"
}
pub {
  where: "ICLR"
  year: 2025
}
code {
  type: ""
  url: ""
}
note {
  url: ""
}
keyword {
  words: quantization
}
cover {
  url: ""
}
""",
}
INPUTS = (
    "2401.06118",
    "arXiv:2402.17764v1",
    "https://arxiv.org/abs/cs/9605103v1",
    "https://aclanthology.org/2024.acl-long.787.pdf",
    "arxiv.org/pdf/2405.16406v2.pdf",
)


def files(meta: Path) -> set[str]:
    return {p.relative_to(meta).as_posix() for p in meta.rglob("*.prototxt")}


@pytest.fixture(scope="module")
def added(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str], int]:
    """The list with the five papers added in one run (and the run's violations of the limits)."""
    root = copy_list(tmp_path_factory.mktemp("list"))
    with world() as w:
        out = refkit(root, "add", "--keyword", "quantization", *INPUTS, **w.env(root / "cache"))
        violations = w.violations()
    return root, out, violations


def test_the_records_are_written_in_the_lists_style(
    added: tuple[Path, subprocess.CompletedProcess[str], int],
) -> None:
    root, out, violations = added
    assert out.returncode == 0, out.stderr
    assert violations == 0
    before = files(ROOT / "meta")
    new = files(root / "meta") - before
    assert new == {f"{rid}.prototxt" for rid in GOLDEN}
    for rid, text in GOLDEN.items():
        assert (root / "meta" / f"{rid}.prototxt").read_bytes() == text.encode(), rid
    assert (
        "2401.06118: published version: ICML 2024 (dblp conf/icml/EgiazarianPKFBA24)" in out.stderr
    )
    assert "refkit: added 5, refused 0 already in the list, 0 failed" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_records_parse_with_the_lists_schema_and_refkits_reader(
    added: tuple[Path, subprocess.CompletedProcess[str], int],
) -> None:
    root = added[0]
    records = {r.id: r for r in prototxt.read(root / "meta")[0]}
    for rid in GOLDEN:
        text = (root / "meta" / f"{rid}.prototxt").read_text(encoding="utf-8")
        info = text_format.Parse(text, paper_pb2.PaperInfo())  # strictly, the list's schema
        assert info.pub.year == records[rid].year and info.paper.title == records[rid].title
        assert fastread.parse(text, prototxt.DESCRIPTOR) is not None  # the fast reader's shape
    assert records["2025/SpinQuant"].abbr == "SpinQuant"


def test_the_lookups_are_pinned_in_the_lock(
    added: tuple[Path, subprocess.CompletedProcess[str], int],
) -> None:
    root = added[0]
    lock = locks.load(root / "refkit.lock")
    old = locks.load(ROOT / "refkit.lock")
    assert {rid: e for rid, e in lock.items() if rid in old} == old  # the rest is kept
    for rid in GOLDEN:
        assert "doi" in lock[rid] and "basis" in lock[rid] and "key" in lock[rid], rid
    assert lock[f"2024/{stem('arxiv:2401.06118')}"]["dblp"]["key"] == "conf/icml/EgiazarianPKFBA24"
    assert (
        lock[f"2024/{stem('doi:10.18653/v1/2024.acl-long.787')}"]["doi"]
        == "10.18653/v1/2024.acl-long.787"
    )
    assert lock["2025/SpinQuant"]["key"] == "liu2025spinquant"


def test_every_input_form_names_the_same_paper(tmp_path: Path) -> None:
    """One dry run of every form: the first adds the paper, every other form is that paper."""
    arxiv = [
        "2401.06118", "2401.06118v2", "arXiv:2401.06118", "arxiv:2401.06118v3",
        "https://arxiv.org/abs/2401.06118", "http://arxiv.org/abs/2401.06118v2",
        "arxiv.org/abs/2401.06118", "https://arxiv.org/pdf/2401.06118", "arxiv.org/pdf/2401.06118v1.pdf",
        "https://www.arxiv.org/pdf/2401.06118.pdf", "https://doi.org/10.48550/arXiv.2401.06118",
    ]  # fmt: skip
    doi = [
        "10.18653/v1/2024.acl-long.787", "doi:10.18653/v1/2024.acl-long.787",
        "https://doi.org/10.18653/v1/2024.ACL-LONG.787", "http://dx.doi.org/10.18653/v1/2024.acl-long.787",
        "https://aclanthology.org/2024.acl-long.787/", "aclanthology.org/2024.acl-long.787.pdf",
    ]  # fmt: skip
    old = ["cs/9605103", "arXiv:cs/9605103v1", "https://arxiv.org/abs/cs/9605103"]
    root = copy_list(tmp_path)
    with world() as w:
        out = refkit(root, "add", "--dry-run", *arxiv, *doi, *old, **w.env(tmp_path / "cache"))
    assert out.returncode == 1  # the repeats are refused
    lines = out.stderr.splitlines()
    for group in (arxiv, doi, old):
        assert any(f"refkit: {group[0]}: would add meta/" in ln for ln in lines), out.stderr
        for form in group[1:]:
            assert any(
                ln.startswith(f"refkit: error: {form}: the same paper as {group[0]}")
                for ln in lines
            ), form
    assert "would add 3, refused 17 already in the list, 0 failed" in out.stderr
    assert out.stdout.count("paper {") == 3


def test_duplicates_are_refused_and_the_others_added(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    # the list's 2023/gptq, by another version and URL; 2024/5JWFQDDP (LLM in a flash, an arXiv
    # record) by its ACL DOI: found by title after the lookup
    dup = ["2210.17323v2", "https://arxiv.org/pdf/2210.17323.pdf", "10.18653/v1/2024.acl-long.397"]
    with world() as w:
        out = refkit(root, "add", *dup, "2405.16406", **w.env(tmp_path / "cache"))
    assert out.returncode == 1
    err = out.stderr
    assert (
        "refkit: error: 2210.17323v2: already in the list: meta/2023/gptq.prototxt "
        "(same arXiv id 2210.17323); nothing written" in err
    )
    assert (
        "refkit: error: https://arxiv.org/pdf/2210.17323.pdf: already in the list: meta/2023/gptq.prototxt"
        in err
    )
    assert (
        "refkit: error: 10.18653/v1/2024.acl-long.397: already in the list: meta/2024/5JWFQDDP.prototxt "
        "(same title llm in a flash efficient large language model inference with limited memory)"
        in err
    )
    assert "refkit: 2405.16406: added meta/2025/SpinQuant.prototxt (ICLR 2025)" in err
    assert err.rstrip().endswith("refkit: added 1, refused 3 already in the list, 0 failed")
    assert files(root / "meta") - files(ROOT / "meta") == {"2025/SpinQuant.prototxt"}


def _small_list(root: Path, records: dict[str, str]) -> Path:
    for rid, text in records.items():
        path = root / "meta" / f"{rid}.prototxt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_duplicates_by_dblp_key_and_folded_title(tmp_path: Path) -> None:
    """A record whose pinned publication is AQLM's DBLP key, and one with SpinQuant's title in
    other case, accents and punctuation: both papers are refused after their lookup."""
    root = _small_list(
        tmp_path,
        {
            "2024/aqlm": 'paper {\n  title: "AQLM"\n  url: "https://github.com/Vahe1994/AQLM"\n}\n'
            'pub {\n  where: "github"\n  year: 2024\n}\n',
            "2025/spin": 'paper {\n  title: "SPINQUANT -- LLM quantizatión with learned rotations!"\n}\n'
            'pub {\n  where: "ICLR"\n  year: 2025\n}\n',
        },
    )
    lock = {
        "2024/aqlm": {
            "key": "aqlm2024aqlm",
            "doi": "none",
            "published": {"dblp": "conf/icml/EgiazarianPKFBA24"},
        }
    }
    locks.save(lock, root / "refkit.lock")
    with world() as w:
        out = refkit(root, "add", "2401.06118", "2405.16406", **w.env(tmp_path / "cache"))
    assert out.returncode == 1
    assert (
        "2401.06118: already in the list: meta/2024/aqlm.prototxt (same DBLP key conf/icml/EgiazarianPKFBA24)"
        in out.stderr
    )
    assert (
        "2405.16406: already in the list: meta/2025/spin.prototxt (same title spinquant llm quantization"
        in out.stderr
    )
    assert files(root / "meta") == {"2024/aqlm.prototxt", "2025/spin.prototxt"}


def test_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    lock_before = (root / "refkit.lock").read_bytes()
    with world() as w:
        out = refkit(root, "add", "--dry-run", "2405.16406", **w.env(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    assert (
        out.stdout
        == "# meta/2025/SpinQuant.prototxt\n"
        + GOLDEN["2025/SpinQuant"].replace("  words: quantization\n", "")
        + "\n"
    )
    assert "would add meta/2025/SpinQuant.prototxt (ICLR 2025)" in out.stderr
    assert files(root / "meta") == files(ROOT / "meta")
    assert (root / "refkit.lock").read_bytes() == lock_before


def test_offline_adds_from_the_cache_a_dry_run_filled(tmp_path: Path) -> None:
    """Papers found online (a DOI, an arXiv preprint with its published version) are added
    offline from the cache, as the dry run showed them, without a request: the published
    version comes from the cached Semantic Scholar and DBLP answers."""
    root = copy_list(tmp_path)
    doi = "10.18653/v1/2024.acl-long.787"
    with world() as w:
        env = w.env(tmp_path / "cache")
        dry = refkit(root, "add", "--dry-run", doi, "2401.06118", **env)
        assert dry.returncode == 0, dry.stderr
        asked = w.requests()
        out = refkit(root, "add", "--offline", doi, "2401.06118", **env)
        assert w.requests() == asked
    assert out.returncode == 0, out.stderr
    rid = f"2024/{stem('doi:' + doi)}"
    new = files(root / "meta") - files(ROOT / "meta")
    assert len(new) == 2 and f"{rid}.prototxt" in new
    for name in new:
        written = (root / "meta" / name).read_text(encoding="utf-8")
        assert f"# meta/{name}\n{written}\n" in dry.stdout  # what the dry run printed
        assert "basis" in locks.load(root / "refkit.lock")[name.removesuffix(".prototxt")]


def test_a_name_in_use_is_made_unique(tmp_path: Path) -> None:
    root = _small_list(
        tmp_path,
        {
            "2023/spinquant": 'paper {\n  title: "Another paper"\n}\npub {\n  where: "arXiv"\n  year: 2023\n}\n'
        },
    )
    with world() as w:
        out = refkit(root, "add", "2405.16406", **w.env(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    assert files(root / "meta") == {"2023/spinquant.prototxt", "2025/SpinQuant-2.prototxt"}
    assert (
        (root / "meta/2023/spinquant.prototxt").read_text().startswith('paper {\n  title: "Another')
    )


def test_the_export_after_add_asks_nothing(tmp_path: Path) -> None:
    """A list whose lock is complete: add two papers, then export: no request at all, and the
    new records' entries carry what the lookup pinned."""
    root = _small_list(tmp_path, {"2023/gptq": (ROOT / "meta/2023/gptq.prototxt").read_text()})
    with world() as w:
        env = w.env(tmp_path / "cache")
        first = refkit(root, "export", "-o", "before.bib", **env)
        assert first.returncode == 0, first.stderr
        out = refkit(
            root, "add", "2401.06118", "https://aclanthology.org/2024.acl-long.787/", **env
        )
        assert out.returncode == 0, out.stderr
        asked = w.requests()
        export = refkit(
            root, "export", "-f", "csl-json", "-o", "after.json", "--report", "report.jsonl", **env
        )
        assert export.returncode == 0, export.stderr
        assert w.requests() == asked  # zero requests to the local servers
    report = [json.loads(line) for line in (root / "report.jsonl").read_text().splitlines()]
    assert {line["lookup"] for line in report} == {"lock"}
    csl = {i["id"]: i for i in json.loads((root / "after.json").read_text())}
    assert csl["kallini2024mission"]["DOI"] == "10.18653/v1/2024.acl-long.787"
    assert csl["kallini2024mission"]["page"] == "14691-14714"
    assert csl["egiazarian2024extreme"]["container-title"] == (
        "Forty-first International Conference on Machine Learning, ICML 2024, Vienna, Austria, "
        "July 21-27, 2024"
    )  # DBLP's proceedings title, pinned


def test_bad_input_and_no_network_fail_with_one_line_each(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    cases = {
        "2501.99999": "arXiv does not know 2501.99999",
        "10.1234/no-such-doi": "Crossref does not know the DOI 10.1234/no-such-doi (it does not resolve)",
        "quantization": "not an id or URL refkit add knows; give an arXiv id or URL",
        "https://github.com/Vahe1994/AQLM": "not an id or URL refkit add knows",
    }
    with world() as w:
        out = refkit(root, "add", *cases, **w.env(tmp_path / "cache"))
    assert out.returncode == 1
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("refkit: error:")]
    assert len(errors) == len(cases)
    for (given, why), line in zip(cases.items(), errors, strict=True):
        assert line.startswith(f"refkit: error: {given}: {why}"), line
    down = refkit(
        root,
        "add",
        "2401.06118",
        "10.18653/v1/2024.acl-long.787",
        REFKIT_CACHE_DIR=str(tmp_path / "c2"),
    )
    assert down.returncode == 1 and "Traceback" not in down.stderr
    assert "refkit: error: 2401.06118: arXiv is not reachable" in down.stderr
    assert "refkit: error: 10.18653/v1/2024.acl-long.787: Crossref is not reachable" in down.stderr
    offline = refkit(root, "add", "--offline", "2401.06118", REFKIT_CACHE_DIR=str(tmp_path / "c3"))
    assert offline.returncode == 1
    assert "2401.06118: not in the cache, and --offline does not ask arXiv" in offline.stderr
    assert len(offline.stderr.strip().splitlines()) == 2  # the error and the summary
    assert files(root / "meta") == files(ROOT / "meta")
    assert (root / "refkit.lock").read_bytes() == (ROOT / "refkit.lock").read_bytes()


def test_a_venue_the_table_lacks_is_recorded_as_crossref_names_it(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    with world() as w:
        out = refkit(
            root,
            "add",
            "--dry-run",
            "https://doi.org/10.5555/obscure.2024.1",
            **w.env(tmp_path / "cache"),
        )
    assert out.returncode == 0, out.stderr
    assert '  where: "Transactions on Obscure Things"\n  year: 2024\n' in out.stdout
    assert '  url: "https://doi.org/10.5555/obscure.2024.1"\n' in out.stdout
    assert "venue 'Transactions on Obscure Things' is not in refkit's venue table" in out.stderr


def test_published_version_unreachable_writes_nothing(tmp_path: Path) -> None:
    """arXiv answers but DBLP is down: the published version cannot be checked: no file."""
    root = copy_list(tmp_path)
    with world() as w:
        env = {**w.env(tmp_path / "cache"), "REFKIT_DBLP_URL": CLOSED}
        out = refkit(root, "add", "2405.16406", **env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "refkit: error: 2405.16406: could not check for a published version" in out.stderr
    assert files(root / "meta") == files(ROOT / "meta")


BIB = """@inproceedings{egiazarian2024extreme,
  title = {Extreme Compression of Large Language Models via Additive Quantization},
  author = {Egiazarian, Vage and Panferov, Andrei},
  eprint = {2401.06118},
  archivePrefix = {arXiv},
}

@article{ma2024era,
  title={The Era of 1-bit LLMs},
  author={Ma, Shuming},
  journal={arXiv preprint arXiv:2402.17764},
  year={2024}
}

@inproceedings{kallini2024mission,
  title = {Mission: Impossible Language Models},
  doi = {10.18653/v1/2024.acl-long.787},
}

@misc{spin,
  url = {https://arxiv.org/abs/2405.16406v2},
}

@book{sutton2018reinforcement,
  title = {Reinforcement Learning: An Introduction},
  author = {Sutton, Richard S. and Barto, Andrew G.},
  year = {2018},
}
"""


def test_from_a_bib_file(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    with world() as w:
        out = refkit(root, "add", "--from", "refs.bib", **w.env(tmp_path / "cache"))
    assert out.returncode == 1  # the book names no identity
    assert (
        "refkit: error: refs.bib:24 (sutton2018reinforcement): names no DOI, arXiv id or paper URL"
        in out.stderr
    )
    added = files(root / "meta") - files(ROOT / "meta")
    assert added == {
        f"2024/{stem('arxiv:2401.06118')}.prototxt",
        f"2024/{stem('arxiv:2402.17764')}.prototxt",
        f"2024/{stem('doi:10.18653/v1/2024.acl-long.787')}.prototxt",
        "2025/SpinQuant.prototxt",
    }
    assert "refkit: refs.bib:1 (egiazarian2024extreme): added meta/2024/" in out.stderr
    assert "added 4, refused 0 already in the list, 1 failed" in out.stderr


def test_from_ris_and_csl_json(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    ris = (
        "TY  - JOUR\r\nTI  - The Era of 1-bit LLMs\r\nUR  - http://arxiv.org/abs/2402.17764\r\nER  - \r\n\r\n"
        "TY  - CONF\r\nTI  - Mission: Impossible Language Models\r\nDO  - 10.18653/v1/2024.acl-long.787\r\nER  - \r\n"
    )
    (root / "refs.ris").write_text(ris, encoding="utf-8", newline="")
    csl = [
        {"id": "a", "type": "article", "title": "AQLM", "number": "arXiv:2401.06118"},
        {"id": "b", "type": "article", "DOI": "10.48550/arXiv.2405.16406"},
        {"id": "c", "type": "article", "URL": "http://arxiv.org/abs/2402.17764"},
    ]
    (root / "refs.json").write_text(json.dumps(csl, indent=2), encoding="utf-8")
    with world() as w:
        env = w.env(tmp_path / "cache")
        out = refkit(root, "add", "--from", "refs.ris", "--dry-run", **env)
        assert out.returncode == 0, out.stderr
        assert "refs.ris:1: would add" in out.stderr and "refs.ris:6: would add" in out.stderr
        out = refkit(root, "add", "--from", "refs.json", "--dry-run", **env)
    assert out.returncode == 0, out.stderr
    assert "refs.json:2 (a): would add" in out.stderr
    assert "refs.json:8 (b): would add meta/2025/SpinQuant.prototxt" in out.stderr
    assert "refs.json:13 (c): would add" in out.stderr


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("refs.bib", "@article{a,\n  title = {x},\n}\n\n@article{b,\n  title = {unclosed,\n}\n", "refs.bib:5: entry b is not closed"),
        ("refs.bib", "@article{a,\n  title = {x}\n  doi = {10.1/x}\n}\n", "refs.bib:1: entry a could not be read"),
        ("refs.ris", "TY  - JOUR\nTI  - A\n\nTY  - JOUR\nTI  - B\nER  - \n", "refs.ris:1: entry has no ER line before the next TY"),
        ("refs.ris", "hello\n", "refs.ris:1: text outside an entry"),
        ("refs.json", '[\n  {"id": "a",\n   "DOI": "10.1/x"\n  ,\n]\n', "refs.json:5:1: not valid JSON"),
        ("refs.json", '[\n  {"id": "a"},\n  3\n]\n', "refs.json:3: not a CSL-JSON item"),
    ],
)  # fmt: skip
def test_a_malformed_file_gets_path_line_errors(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    root = copy_list(tmp_path)
    (root / name).write_text(text, encoding="utf-8")
    out = refkit(root, "add", "--from", name)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"refkit: error: {problem}" in out.stderr, out.stderr
    assert f"refkit: {name}: not read; fix it and rerun (nothing added)" in out.stderr
    assert files(root / "meta") == files(ROOT / "meta")


def test_unused_keyword_warns(tmp_path: Path) -> None:
    root = copy_list(tmp_path)
    with world() as w:
        out = refkit(
            root,
            "add",
            "--dry-run",
            "--keyword",
            "agents",
            "--keyword",
            "kv_cache",
            "2405.16406",
            **w.env(tmp_path / "cache"),
        )
    assert out.returncode == 0, out.stderr
    assert (
        "refkit: warning: keyword 'agents' is not used by any record in meta nor in refkit/paper.proto"
        in out.stderr
    )
    assert "'kv_cache'" not in out.stderr
    assert "  words: agents\n  words: kv_cache\n" in out.stdout
    bad = refkit(root, "add", "--keyword", "kv cache", "2405.16406")
    assert bad.returncode == 2 and "keyword names are letters, digits and _" in bad.stderr


# --- the new records in the real clients -------------------------------------------------------
@pytest.fixture(scope="module")
def exported(added: tuple[Path, subprocess.CompletedProcess[str], int]) -> dict[str, str]:
    """The five new records exported from the lock alone (--frozen) in every format."""
    root = added[0]
    keys = [locks.load(root / "refkit.lock")[rid]["key"] for rid in GOLDEN]
    selection = [arg for key in keys for arg in ("--key", key)]
    out = {}
    for fmt in ("bibtex", "biblatex", "csl-json", "ris"):
        done = refkit(root, "export", "--frozen", "-f", fmt, *selection)
        assert done.returncode == 0, done.stderr
        out[fmt] = done.stdout
    return out


@pytest.mark.skipif(shutil.which("bibtex") is None, reason="needs TeX Live")
@pytest.mark.parametrize("style", ["plainnat", "IEEEtran"])
def test_new_records_compile_cleanly_with_bibtex(
    style: str, exported: dict[str, str], tmp_path: Path
) -> None:
    done = compile_bibtex(tmp_path, exported["bibtex"], style)
    assert bibtex_problems(done.blg) == []
    assert len(bbl_keys(done.bbl)) == len(GOLDEN)


@pytest.mark.skipif(shutil.which("biber") is None, reason="needs biber")
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_new_records_validate_with_biber(
    fmt: str, exported: dict[str, str], tmp_path: Path
) -> None:
    done = compile_biber(tmp_path, exported[fmt])
    assert biber_problems(done.blg, done.log) == []
    assert len(bbl_keys(done.bbl)) == len(GOLDEN)


def test_new_records_csl_schema_pandoc_and_ris(exported: dict[str, str], tmp_path: Path) -> None:
    data = json.loads(exported["csl-json"])
    jsonschema.validate(data, CSL_SCHEMA)
    assert len(data) == len(GOLDEN)
    assert {i["type"] for i in data} == {"paper-conference", "article"}
    if shutil.which("pandoc"):
        (tmp_path / "refs.json").write_text(exported["csl-json"], encoding="utf-8")
        (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
        proc = _run(
            ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "html", "doc.md"],
            tmp_path,
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert len(re.findall(r'id="ref-', proc.stdout)) == len(GOLDEN)
    records = rispy.loads(exported["ris"])
    assert len(records) == len(GOLDEN) and all(
        r.get("title") or r.get("primary_title") for r in records
    )
