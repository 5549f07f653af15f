"""The reader: the real list, newer-format tolerance, and errors with path:line:col."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from refkit.errors import InputError, RecordErrors
from refkit.prototxt import read, read_file

META = Path(__file__).resolve().parent.parent / "meta"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / "meta" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_whole_list() -> None:
    records, problems = read(META)
    assert problems == []
    assert len(records) == 124
    gptq = next(r for r in records if r.id == "2023/gptq")
    assert gptq.title.startswith("GPTQ: Accurate Post-Training Quantization")
    assert (
        gptq.authors[:2] == ("Elias Frantar", "Saleh Ashkboos")
        or gptq.authors[0] == "Elias Frantar"
    )
    assert gptq.where == "ICLR" and gptq.year == 2023
    assert gptq.keywords == ("quantization",)
    assert gptq.code_url == "https://github.com/IST-DASLab/gptq"


def test_ids_are_paths_so_a_stem_used_twice_stays_two_records(tmp_path: Path) -> None:
    # the list once filed Sparse-IFT as 2023/Sparse-IFT and 2024/Sparse-IFT (issue #15)
    text = (META / "2024/Sparse-IFT.prototxt").read_text(encoding="utf-8")
    for year in ("2023", "2024"):
        (tmp_path / "meta" / year).mkdir(parents=True)
        (tmp_path / "meta" / year / "Sparse-IFT.prototxt").write_text(text, encoding="utf-8")
    records, _ = read(tmp_path / "meta")
    ids = [r.id for r in records]
    assert ids == ["2023/Sparse-IFT", "2024/Sparse-IFT"]
    assert len(set(ids)) == len(ids)
    assert len({r.id for r in read(META)[0]}) == len(read(META)[0])


NEWER = """\
paper {
  title: "Hello GPTQ"
  doi: "10.1/x"
  authors: "Ada Lovelace"
  extra { nested: 1 deeper { a: "b" } }
}
pub { where: "ICLR" year: 2024 venue_rank: 3 }
keyword {
  words: quantization
  words: new_topic
  words: [sparse_pruning, another_new, survey]
}
future { x: [1, 2] }
"""


def test_unknown_fields_are_skipped_and_unknown_keywords_kept_with_one_warning_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "2024/x.prototxt", NEWER + "future { y: 1 }\n")
    with caplog.at_level(logging.WARNING, logger="refkit"):
        rec = read_file(path, tmp_path / "meta")
    assert rec.title == "Hello GPTQ" and rec.year == 2024 and rec.where == "ICLR"
    # every keyword as written, in order, names refkit does not know included
    assert rec.keywords == ("quantization", "new_topic", "sparse_pruning", "another_new", "survey")
    assert sorted(caplog.messages) == [
        f"unknown field 'future' in 1 record (e.g. {path}:13); skipped",  # twice in the file
        f"unknown field 'paper.doi' in 1 record (e.g. {path}:3); skipped",
        f"unknown field 'paper.extra' in 1 record (e.g. {path}:5); skipped",
        f"unknown field 'pub.venue_rank' in 1 record (e.g. {path}:7); skipped",
        f"unknown keyword 'another_new' in 1 record (e.g. {path}:11); kept as a keyword",
        f"unknown keyword 'new_topic' in 1 record (e.g. {path}:10); kept as a keyword",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'paper {\n  title: "Unclosed\n}\n',
            ":2:10: not valid protobuf text format",
            id="open-string",
        ),
        pytest.param(
            'paper { title: "t"\npub { year: 2001 }\n',
            "not valid protobuf text format",
            id="unbalanced",
        ),
        pytest.param(
            'paper { title: "t" }\npub { year: "x" }\n',
            ":2:13: not valid protobuf text format",
            id="wrong-type",
        ),
        pytest.param(
            'paper { title: "t" }\npub { year: 0 }\n',
            ":2: pub.year is 0; set the publication year",
            id="year-0",
        ),
        pytest.param('paper { title: "t" }\n', ":1: pub.year is missing", id="year-absent"),
        pytest.param(
            'paper { abbr: "t" }\npub { year: 2001 }\n',
            ":1: paper.title is missing or empty",
            id="no-title",
        ),
        pytest.param(
            'paper { title: "  " }\npub { year: 2001 }\n',
            ":1: paper.title is missing or empty",
            id="blank-title",
        ),
        pytest.param(
            b'paper { title: "caf\xe9" }\npub { year: 2020 }\n',
            ":1: not UTF-8 (byte 0xe9)",
            id="latin-1",
        ),
    ],
)
def test_bad_files_name_path_line_and_what_to_do(
    tmp_path: Path, text: str | bytes, expected: str
) -> None:
    path = write(tmp_path, "2020/bad.prototxt", text)
    with pytest.raises(InputError) as err:
        read_file(path, tmp_path / "meta")
    assert str(err.value).startswith(str(path))
    assert expected in str(err.value)


def test_all_bad_files_reported_in_one_run(tmp_path: Path) -> None:
    write(tmp_path, "2020/a.prototxt", 'paper { title: "ok" }\npub { year: 2020 }\n')
    write(tmp_path, "2020/b.prototxt", "paper { title: }\n")
    write(tmp_path, "2021/c.prototxt", 'paper { title: "t" }\n')
    with pytest.raises(RecordErrors) as err:
        read(tmp_path / "meta")
    assert len(err.value.problems) == 2
    records, problems = read(tmp_path / "meta", keep_going=True)
    assert [r.id for r in records] == ["2020/a"] and len(problems) == 2


def test_missing_and_empty_list(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such directory"):
        read(tmp_path / "nope")
    (tmp_path / "meta").mkdir()
    with pytest.raises(InputError, match="no \\*.prototxt records"):
        read(tmp_path / "meta")


def test_committed_generated_code_matches_the_proto(tmp_path: Path) -> None:
    """paper_pb2.py is what protoc makes of paper.proto today (regenerate: see README)."""
    pkg = Path(__file__).resolve().parent.parent / "refkit"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{pkg}",
            f"--python_out={tmp_path}",
            str(pkg / "paper.proto"),
        ],
        check=True,
    )

    def descriptor(text: str) -> str:  # the serialized .proto inside the generated module
        return next(ln for ln in text.splitlines() if "AddSerializedFile" in ln)

    fresh = descriptor((tmp_path / "paper_pb2.py").read_text())
    assert "PaperInfo" in fresh
    assert descriptor((pkg / "paper_pb2.py").read_text()) == fresh


def test_files_without_a_record_message_are_skipped_with_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "2020/a.prototxt", 'paper { title: "ok" }\npub { year: 2020 }\n')
    write(tmp_path, "search/crawler.prototxt", 'key_words: "sparsity"\nkey_words: "LLM"\n')
    write(tmp_path, "search/empty.prototxt", "# nothing yet\n")
    write(tmp_path, "repos.prototxt", 'repo_url: "https://github.com/x/y"\n')
    with caplog.at_level(logging.INFO, logger="refkit"):
        records, problems = read(tmp_path / "meta")
    assert [r.id for r in records] == ["2020/a"] and problems == []
    meta = tmp_path / "meta"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"3 files under {meta}/, {meta}/search/ are not paper records; skipped"]
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(infos) == 3 and all("; skipped" in m for m in infos)  # -v: one line per file
    (meta / "repos.prototxt").unlink()
    (meta / "search/empty.prototxt").unlink()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="refkit"):
        read(meta)
    assert caplog.messages == [f"1 file under {meta}/search/ is not a paper record; skipped"]
