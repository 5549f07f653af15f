"""The pinned published versions at export time: every mode from the lock, `--published` in the
real clients, and `refkit outdated` (--check, --write) on real record files."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import rispy

from refkit import lock as locks
from refkit import versions
from refkit.enrich import Options, enrich
from refkit.errors import InputError
from refkit.normalize import load_items
from refkit.outdated import rewrite
from refkit.writers import FORMATS
from tests.cli import CLOSED, refkit
from tests.scholar_world import fast_dblp, make_meta, world
from tests.test_compile import (
    MISSING,
    _run,
    bbl_keys,
    biber_problems,
    bibtex_problems,
    compile_biber,
    compile_bibtex,
)

SCHEMA = json.loads(Path("tests/data/csl-data.json").read_text(encoding="utf-8"))
needs_tools = pytest.mark.skipif(bool(MISSING), reason=f"missing {MISSING}")


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The scenario list (a copy of meta/ before publication) with its lock filled once."""
    mp = pytest.MonkeyPatch()
    fast_dblp(mp)
    root = tmp_path_factory.mktemp("list")
    meta = make_meta(root)
    items = load_items(meta)
    try:
        with world() as w:
            result = enrich(items, {}, w.options(root / "cache"))
    finally:
        mp.undo()
    locks.save(result.lock, locks.path_for(meta))
    return {"root": root, "meta": meta, "items": items, "result": result}


def test_every_mode_exports_the_pinned_data_offline(listed, tmp_path: Path) -> None:
    lock = locks.load(locks.path_for(listed["meta"]))  # through the TOML file
    assert lock == listed["result"].lock
    for mode in ("frozen", "offline", "normal"):
        again = enrich(listed["items"], lock, Options(CLOSED, CLOSED, None, tmp_path, mode))
        assert again.requests == 0 and again.items == listed["result"].items, mode
    sparse = next(i for i in listed["result"].items if i["custom"]["record_id"] == "2023/sparsegpt")
    assert sparse["type"] == "article"  # the record's word by default


def test_outdated_lines(listed) -> None:
    found = versions.outdated(listed["result"].items, listed["result"].lock)
    lines = [o.line() for o in found]
    assert "2023/gptq: arXiv 2022 -> ICLR 2023 (dblp conf/iclr/FrantarAHA23)" in lines
    assert "2023/sparsegpt: arXiv 2023 -> ICML 2023 (dblp conf/icml/FrantarA23)" in lines
    assert all(o.where == "arXiv" and o.new_where not in ("", "arXiv") for o in found)
    assert len(lines) >= 20 and lines == sorted(lines)


def published_items(listed: dict[str, Any]) -> list[Any]:
    return versions.apply(listed["result"].items, listed["result"].lock)


def test_published_items_are_the_publications_and_keep_the_arxiv_id(listed) -> None:
    items = {i["custom"]["record_id"]: i for i in published_items(listed)}
    gptq = items["2023/gptq"]
    assert gptq["type"] == "paper-conference" and gptq["issued"] == {"date-parts": [[2023]]}
    assert gptq["container-title"].startswith("The Eleventh International Conference on Learning")
    assert gptq["custom"]["arxiv_id"] == "2210.17323" and "DOI" not in gptq and "number" not in gptq
    assert gptq["event-title"] == "ICLR 2023" and gptq["publisher"] == "OpenReview.net"
    sparse = items["2023/sparsegpt"]
    assert (sparse["volume"], sparse["page"]) == ("202", "10323-10337")
    tacl = items["2023/L5D7520E"]
    assert tacl["type"] == "article-journal" and tacl["DOI"] == "10.1162/tacl_a_00308"
    never = items["2023/QuIP"]
    assert never["type"] == "article" and never["DOI"].startswith("10.48550/")
    bib = FORMATS["bibtex"].write([gptq])
    assert bib.startswith("@inproceedings{") and "eprint = {2210.17323}" in bib
    assert "eprinttype = {arxiv}" in bib
    csl = json.loads(FORMATS["csl-json"].write([gptq]))[0]
    assert csl["custom"]["arxiv_id"] == "2210.17323"


def test_published_csl_json_and_ris_pass_the_schema_and_rispy(listed) -> None:
    items = published_items(listed)
    jsonschema.validate(json.loads(FORMATS["csl-json"].write(items)), SCHEMA)
    records = rispy.loads(FORMATS["ris"].write(items))
    assert len(records) == len(items)
    by_id = {r["id"]: r for r in records}
    gptq = next(i for i in items if i["custom"]["record_id"] == "2023/gptq")
    assert by_id[gptq["citation-key"]]["type_of_reference"] == "CONF"


@needs_tools
@pytest.mark.parametrize("style", ["plainnat", "IEEEtran"])
def test_published_bibtex_compiles_without_warnings(listed, style: str, tmp_path: Path) -> None:
    items = published_items(listed)
    done = compile_bibtex(tmp_path, FORMATS["bibtex"].write(items), style)
    assert bibtex_problems(done.blg) == []
    assert bbl_keys(done.bbl) == {i["citation-key"] for i in items}


@needs_tools
def test_published_biblatex_passes_biber(listed, tmp_path: Path) -> None:
    items = published_items(listed)
    bib = FORMATS["biblatex"].write(items)
    done = compile_biber(tmp_path / "doc", bib)
    assert biber_problems(done.blg, done.log) == []


@needs_tools
def test_published_csl_json_renders_in_pandoc_without_warnings(listed, tmp_path: Path) -> None:
    items = published_items(listed)
    (tmp_path / "refs.json").write_text(FORMATS["csl-json"].write(items), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n\n# References\n", encoding="utf-8")
    proc = _run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "html", "doc.md"], tmp_path
    )
    assert proc.returncode == 0 and proc.stderr == ""
    html = re.sub(r"\s+", " ", proc.stdout)
    assert "The Eleventh International Conference on Learning Representations" in html


def test_cli_export_published_flag_and_config(listed, tmp_path: Path) -> None:
    root = tmp_path / "l"
    shutil.copytree(listed["root"] / "meta", root / "meta")
    shutil.copy(listed["root"] / "refkit.lock", root / "refkit.lock")
    key = next(i["id"] for i in listed["items"] if i["custom"]["record_id"] == "2023/gptq")
    plain = refkit(root, "export", "--frozen", "--key", key)
    pub = refkit(root, "export", "--frozen", "--published", "--key", key)
    assert plain.returncode == pub.returncode == 0 and "warning" not in pub.stderr
    assert plain.stdout.startswith("@misc{") and pub.stdout.startswith("@inproceedings{")
    (tmp_path / "c.toml").write_text("[export]\npublished = true\n")
    cfg = refkit(
        root,
        "export",
        "--frozen",
        "--key",
        key,
        REFKIT_CONFIG=str(tmp_path / "c.toml"),
    )
    assert cfg.stdout == pub.stdout
    (tmp_path / "bad.toml").write_text("[export]\npublished = 'maybe'\n")
    bad = refkit(root, "export", "--frozen", REFKIT_CONFIG=str(tmp_path / "bad.toml"))
    assert bad.returncode != 0 and "published" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_outdated_check_then_write_changes_only_pub_lines(listed, tmp_path: Path) -> None:
    root = tmp_path / "l"
    shutil.copytree(listed["root"] / "meta", root / "meta")
    shutil.copy(listed["root"] / "refkit.lock", root / "refkit.lock")
    before = {p: p.read_bytes() for p in (root / "meta").rglob("*.prototxt")}
    check = refkit(root, "outdated", "--frozen", "--check")
    assert check.returncode == 1 and "refkit outdated --write" in check.stderr
    assert "2023/gptq: arXiv 2022 -> ICLR 2023 (dblp conf/iclr/FrantarAHA23)\n" in check.stdout
    listed_lines = check.stdout.splitlines()
    wrote = refkit(root, "outdated", "--frozen", "--write")
    assert wrote.returncode == 0, wrote.stderr
    changed = 0
    for path, old in before.items():
        new = path.read_bytes()
        if new == old:
            continue
        changed += 1
        diff = [
            ln
            for ln in difflib.unified_diff(
                old.decode().splitlines(), new.decode().splitlines(), lineterm="", n=0
            )
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))
        ]
        assert all(ln[1:].lstrip().startswith(("where: ", "year: ")) for ln in diff), diff
    assert changed == len(listed_lines)
    gptq = (root / "meta/2023/gptq.prototxt").read_text()
    assert 'where: "ICLR"' in gptq and "year: 2023" in gptq
    again = refkit(root, "outdated", "--frozen", "--check")
    assert again.returncode == 0 and again.stdout == ""


def test_rewrite_keeps_comments_quotes_and_line_endings() -> None:
    text = (
        'paper {\r\n  title: "X where: \\"arXiv\\""  # year: 1999\r\n}\r\n'
        "pub {\r\n  # where: 'old'\r\n  where: 'arXiv'  # keep me\r\n  year: 2022\r\n}\r\n"
    )
    out = rewrite(text, "ICLR", 2023, Path("r.prototxt"))
    assert out == text.replace("where: 'arXiv'", "where: 'ICLR'").replace(
        "year: 2022", "year: 2023"
    )
    one = rewrite('pub { where: "arXiv" year: 2022 }\n', "ICML", 2024, Path("r"))
    assert one == 'pub { where: "ICML" year: 2024 }\n'
    with pytest.raises(InputError, match=r"r.prototxt:1: field pub.year is missing"):
        rewrite('pub {\n  where: "arXiv"\n}\n', "ICML", 2024, Path("r.prototxt"))
