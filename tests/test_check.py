"""`refkit check`: each finding at the line of its field, what it says, the exit codes, and the
text, GitHub and JSON outputs. Lists are built here record by record; line numbers were counted by
hand from the record text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refkit import check as checker
from refkit import findings
from refkit.check import url_problem
from tests.cli import copy_list, refkit


def record(
    title: str = "A Paper",
    url: str = "",
    authors: tuple[str, ...] = ("Ada Lovelace",),
    where: str = "ICLR",
    year: int = 2023,
    code: str = "",
    note: str = "",
    words: tuple[str, ...] = ("quantization",),
) -> str:
    """A record in the list's usual shape: paper (title line 2, url line 3, authors from line 4),
    then pub, code, note, keyword."""
    lines = ["paper {", f'  title: "{title}"', f'  url: "{url}"']
    lines += [f'  authors: "{a}"' for a in authors]
    lines += ["}", "pub {", f'  where: "{where}"', f"  year: {year}", "}"]
    lines += ["code {", f'  url: "{code}"', "}", "note {", f'  url: "{note}"', "}"]
    lines += ["keyword {", *(f"  words: {w}" for w in words), "}"]
    return "\n".join(lines) + "\n"


def make(tmp_path: Path, files: dict[str, str], lock: str = "") -> Path:
    meta = tmp_path / "meta"
    for rel, text in files.items():
        (meta / rel).parent.mkdir(parents=True, exist_ok=True)
        (meta / rel).write_text(text, encoding="utf-8")
    if lock:
        (tmp_path / "refkit.lock").write_text(lock, encoding="utf-8")
    return meta


def found(meta: Path, strict: bool = False) -> list[tuple[str, int, str, str]]:
    """(file under meta/, line, severity, code) of every finding."""
    result = checker.check(meta, strict)
    return [
        (Path(f.path).relative_to(meta).as_posix(), f.line, f.severity, f.code)
        for f in result.findings
    ]


def test_a_clean_list_has_no_findings(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2023/a.prototxt": record("Alpha", "https://arxiv.org/abs/2210.17323", note="note.md"),
            "2023/b.prototxt": record(
                "Beta", "https://openreview.net/forum?id=abc", code="https://github.com/x/y"
            ),
            "2024/c.prototxt": record(
                "Gamma", "https://example.org/p.pdf", where="ICML", note="c/index.md"
            ),
        },
    )
    assert found(meta) == []


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ("https://arxiv.org/abs/2303.11525", "http://arxiv.org/abs/2303.11525v3", "arXiv id"),
        (
            "https://arxiv.org/pdf/2303.11525.pdf",
            "https://doi.org/10.48550/arXiv.2303.11525",
            "arXiv id",
        ),
        (
            "https://arxiv.org/abs/cs/0112017",
            "https://export.arxiv.org/abs/cs/0112017v2",
            "arXiv id",
        ),
        (
            "https://doi.org/10.1145/3600006.3613165",
            "https://dl.acm.org/doi/10.1145/3600006.3613165",
            "DOI",
        ),
        (
            "https://openreview.net/forum?id=tcbBPnfwxS",
            "https://openreview.net/pdf?id=tcbBPnfwxS",
            "OpenReview id",
        ),
    ],
)
def test_the_same_paper_by_id_in_any_form(
    tmp_path: Path, first: str, second: str, kind: str
) -> None:
    meta = make(
        tmp_path,
        {
            "2023/one.prototxt": record("First Title", first, year=2023),
            "2024/two.prototxt": record("Another Title Altogether", second, year=2024),
        },
    )
    result = checker.check(meta)
    [f] = result.findings
    assert (f.path, f.line, f.severity, f.code) == (
        str(meta / "2024/two.prototxt"),
        3,
        "error",
        "duplicate",
    )
    assert f.related == f"{meta / '2023/one.prototxt'}:3"  # both files named, at their url lines
    assert f"the same paper as {meta / '2023/one.prototxt'}:3 (same {kind} " in f.message
    assert "delete the other file" in f.message


def test_the_same_paper_by_folded_title_and_not_by_a_near_one(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2022/a.prototxt": record("FlashAttention: Fast and Memory-Efficient Exact Attention"),
            "2023/b.prototxt": record("FlashAttention-2: Faster Attention with Better Parallelism"),
            "2023/c.prototxt": record("Über Prüning — a   Study!"),
            "2024/d.prototxt": record("uber pruning: A STUDY"),
        },
    )
    assert found(meta) == [("2024/d.prototxt", 2, "error", "duplicate")]  # at the title line
    [f] = checker.check(meta).findings
    assert "(same title uber pruning a study)" in f.message and "2023/c.prototxt:2" in f.message


def test_three_copies_give_two_findings_naming_the_first(tmp_path: Path) -> None:
    url = "https://arxiv.org/abs/2306.00978"
    meta = make(
        tmp_path, {f"202{i}/awq.prototxt": record(f"AWQ {i}", url, year=2023 + i) for i in range(3)}
    )
    result = checker.check(meta)
    assert [(Path(f.path).parent.name, f.related.split("/")[-2]) for f in result.findings] == [
        ("2021", "2020"),
        ("2022", "2020"),
    ]


def test_a_year_before_the_arxiv_id(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2019/actnn.prototxt": record(
                "ActNN", "https://arxiv.org/abs/2104.14129", where="ICML", year=2019
            ),
            "2021/ok.prototxt": record(
                "Fine", "https://arxiv.org/abs/2104.14130", where="ICML", year=2021
            ),
            "2000/old.prototxt": record(
                "Old", "https://arxiv.org/abs/cs/0112017v1", where="arXiv", year=2000
            ),
            "2002/old2.prototxt": record(
                "Old Two", "https://arxiv.org/abs/cs/0112018", where="arXiv", year=2002
            ),
        },
    )
    assert found(meta) == [
        ("2000/old.prototxt", 8, "error", "year-before-arxiv"),
        ("2019/actnn.prototxt", 8, "error", "year-before-arxiv"),  # line 8: year
    ]
    f = checker.check(meta).findings[1]
    assert f.message.startswith("pub.year is 2019, before arXiv 2104.14129 was assigned (2021)")


BAD_URLS = [
    ("javascript:alert(document.domain)", "is a javascript: URL"),
    ("JavaScript:alert(1)", "is a javascript: URL"),
    ("data:text/html,<script>alert(1)</script>", "is a data: URL"),
    ("vbscript:msgbox", "is a vbscript: URL"),
    ("file:///etc/passwd", "is a file: URL"),
    ("htps://arxiv.org/abs/2210.17323", "write 'https://arxiv.org/abs/2210.17323'"),
    ("http//arxiv.org/abs/2210.17323", "write 'http://arxiv.org/abs/2210.17323'"),
    ("https:/arxiv.org/abs/2210.17323", "write 'https://arxiv.org/abs/2210.17323'"),
    ("hhttps://github.com/x/y", "write 'https://github.com/x/y'"),
    ("https://arxiv .org/abs/1", "contains a space"),
    ("https://arxiv.org/abs/1 2", "contains a space"),
    ("https://github.com/x\ty", "contains a space or control character"),
    ("www.example.com/paper", "has no scheme; write 'https://www.example.com/paper'"),
    ("github.com/x/y", "has no scheme; write 'https://github.com/x/y'"),
    ("paper.pdf", "is not an absolute URL"),
    ("/abs/2210.17323", "is not an absolute URL"),
    ("//arxiv.org/abs/1", "is not an absolute URL"),
    ("https://", "has no valid host"),
    ("https:///path", "has no valid host"),
    ("http://[::1", "is not a valid URL"),
    ("http://host:port/", "is not a valid URL"),
    ("http://host:99999/", "is not a valid URL"),
]


@pytest.mark.parametrize(("url", "says"), BAD_URLS)
def test_urls_that_are_not_absolute_http(url: str, says: str) -> None:
    assert says in url_problem(url)
    assert url_problem(url, file_ok=True) != "" or url == "paper.pdf"  # a note's file name


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "https://arxiv.org/abs/2210.17323",
        "http://proceedings.mlr.press/v202/frantar23a.html",
        " https://github.com/ZO-Bench/ZO-LLM",  # outer spaces: stripped by every writer
        "https://openreview.net/forum?id=x#y",
        "https://example.org:8080/ü",
        "HTTPS://EXAMPLE.ORG/",
    ],
)
def test_web_urls_pass(url: str) -> None:
    assert url_problem(url) == "" and url_problem(url, file_ok=True) == ""


@pytest.mark.parametrize("note", ["note.md", "ReLU2/note.md", "survey/eval_LLM.jpg"])
def test_a_note_may_be_a_file_name(note: str) -> None:
    assert url_problem(note, file_ok=True) == ""
    assert url_problem(note) != ""  # never a paper or code URL


@pytest.mark.parametrize("note", ["../secret.md", "/etc/passwd", "a\\b.md", "C:note.md", "~/n.md"])
def test_a_note_file_name_stays_in_the_notes_folder(note: str) -> None:
    assert url_problem(note, file_ok=True) != ""


def test_url_findings_at_their_lines(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2023/x.prototxt": record(
                "X", "javascript:alert(1)", code="htps://github.com/x", note="data:text/html,hi"
            ),
        },
    )
    assert found(meta) == [
        ("2023/x.prototxt", 3, "error", "url"),  # paper.url
        ("2023/x.prototxt", 11, "error", "url"),  # code.url
        ("2023/x.prototxt", 14, "error", "url"),  # note.url
    ]
    messages = [f.message for f in checker.check(meta).findings]
    assert messages[0].startswith("paper.url 'javascript:alert(1)' is a javascript: URL")
    assert (
        messages[1]
        == "code.url 'htps://github.com/x' has a misspelt scheme; write 'https://github.com/x'"
    )


def test_files_that_do_not_parse_or_have_no_title(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2023/broken.prototxt": 'paper {\n  title: "Open\n}\n',
            "2023/notitle.prototxt": 'paper {\n  url: "https://example.org/x"\n  authors: "A B"\n}\npub {\n  year: 2023\n}\n',
            "2023/nopaper.prototxt": 'pub {\n  where: "ICLR"\n  year: 2023\n}\n',
            "2023/latin1.prototxt": b'paper {\n  title: "Caf\xe9"\n}\n'.decode("latin-1"),
            "search/crawler.prototxt": 'key_words: "sparsity"\n',  # not a paper record: skipped
        },
    )
    (meta / "2023/latin1.prototxt").write_bytes(b'paper {\n  title: "Caf\xe9"\n}\n')
    result = checker.check(meta)
    got = {(Path(f.path).name, f.line, f.column, f.code) for f in result.findings}
    assert got == {
        ("broken.prototxt", 2, 10, "parse"),
        ("latin1.prototxt", 2, 0, "parse"),
        ("notitle.prototxt", 1, 0, "title"),
        ("nopaper.prototxt", 1, 0, "title"),
    }
    assert result.files == 5 and result.records == 0


def test_warnings_and_strict(tmp_path: Path) -> None:
    text = record(
        "Y", "https://example.org/y", authors=(), where="OSDII", words=("quantization", "agents")
    )
    meta = make(tmp_path, {"2023/y.prototxt": text})
    # no authors: at "paper {" (line 1); venue: pub.where (line 6); the unknown keyword's own line (17)
    assert found(meta) == [
        ("2023/y.prototxt", 1, "warning", "authors"),
        ("2023/y.prototxt", 6, "warning", "venue"),
        ("2023/y.prototxt", 17, "warning", "keyword"),
    ]
    assert {s for _, _, s, _ in found(meta, strict=True)} == {"error"}
    ok = refkit(tmp_path, "check")
    assert ok.returncode == 0 and "0 error(s), 3 warning(s) in 1 records" in ok.stderr
    strict = refkit(tmp_path, "check", "--strict")
    assert strict.returncode == 1 and strict.stdout.count(": error: ") == 3


def test_a_software_entry_named_after_its_institution_has_an_author(tmp_path: Path) -> None:
    text = record(
        "FasterTransformer",
        "https://github.com/NVIDIA/FasterTransformer",
        authors=(),
        where="github",
    )
    text = text.replace(
        '  url: "https://github.com/NVIDIA/FasterTransformer"\n',
        '  url: "https://github.com/NVIDIA/FasterTransformer"\n  institutions: "NVIDIA"\n',
        1,
    )
    meta = make(tmp_path, {"2023/ft.prototxt": text})
    assert found(meta) == []


LOCK = """\
[records."2022/gptq"]
key = "frantar2022gptq"

[records."2022/gptq".published]
dblp = "conf/iclr/FrantarAHA23"
source = "dblp"
venue = "ICLR"
year = 2023
"""


def test_a_preprint_published_per_the_lock(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2022/gptq.prototxt": record(
                "GPTQ", "https://arxiv.org/abs/2210.17323", where="arXiv", year=2022
            )
        },
        LOCK,
    )
    [f] = checker.check(meta).findings
    assert (f.line, f.severity, f.code) == (7, "warning", "outdated")
    assert f.message == (
        "this preprint (arXiv 2022) is published as ICLR 2023 (dblp conf/iclr/FrantarAHA23); "
        "run `refkit outdated --write` to update pub.where and pub.year"
    )


def test_cli_text_github_and_json(tmp_path: Path) -> None:
    meta = make(
        tmp_path,
        {
            "2023/a,b:c.prototxt": record("A", "https://arxiv.org/abs/2210.17323", authors=()),
            "2024/d.prototxt": record("D", "http//x.org/1\u00a000%25"),
        },
    )
    text = refkit(tmp_path, "check")
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert text.stdout.splitlines() == [
        'meta/2023/a,b:c.prototxt:1: warning: the entry has no authors; add authors: "Given Family" lines inside paper { }',
        "meta/2024/d.prototxt:3: error: paper.url 'http//x.org/1\\xa000%25' contains a space or control character; remove it or percent-encode it (%20)",
    ]
    assert (
        text.stderr.strip()
        == "refkit: check: 1 error(s), 1 warning(s) in 2 records; fix the errors above"
    )
    gh = refkit(tmp_path, "check", "--format", "github", GITHUB_WORKSPACE=str(meta.parent))
    assert gh.stdout.splitlines()[0] == (
        "::warning file=meta/2023/a%2Cb%3Ac.prototxt,line=1,title=refkit check%3A authors::the "
        'entry has no authors; add authors: "Given Family" lines inside paper { }'
    )
    assert gh.stdout.splitlines()[1] == (
        "::error file=meta/2024/d.prototxt,line=3,title=refkit check%3A url::paper.url "
        "'http//x.org/1\\xa000%2525' contains a space or control character; remove it or "
        "percent-encode it (%2520)"
    )
    data = json.loads(refkit(tmp_path, "check", "--format", "json").stdout)
    assert data["version"] == 1 and (data["errors"], data["warnings"], data["records"]) == (1, 1, 2)
    assert data["findings"][1] == {
        "path": "meta/2024/d.prototxt",
        "line": 3,
        "severity": "error",
        "code": "url",
        "message": "paper.url 'http//x.org/1\\xa000%25' contains a space or control character; remove it or percent-encode it (%20)",
    }


def test_github_escapes_properties_and_data() -> None:
    f = findings.Finding("meta/a,b:c.prototxt", 4, "error", "parse", "50% done\r\nnext: line", 7)
    assert findings.github(f) == (
        "::error file=meta/a%2Cb%3Ac.prototxt,line=4,col=7,title=refkit check%3A parse::"
        "50%25 done%0D%0Anext: line"
    )


def test_the_committed_list(tmp_path: Path) -> None:
    """What check finds on meta/, each finding judged by hand (see the README)."""
    copy_list(tmp_path)
    out = refkit(tmp_path, "check")
    assert out.stdout.splitlines() == [
        'meta/1993/obs.prototxt:1: warning: the entry has no authors; add authors: "Given Family" lines inside paper { }',
    ]
    assert out.returncode == 0, out.stderr


def test_no_list_is_one_clear_line(tmp_path: Path) -> None:
    missing = refkit(tmp_path, "check")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("refkit: error: meta: no such directory;")
    (tmp_path / "meta").mkdir()
    empty = refkit(tmp_path, "check", "--format", "json")
    assert empty.returncode == 2 and empty.stdout == ""
    assert "meta: no *.prototxt records found" in empty.stderr


def test_the_same_publication_pinned_in_the_lock(tmp_path: Path) -> None:
    """A preprint and a venue record that the lock resolved to one DBLP record are one paper,
    even with other titles and URLs (GPTQ was OPTQ at ICLR 2023); a CoRR key is the preprint."""
    lock = LOCK + '\n[records."2023/optq".published]\ndblp = "conf/iclr/FrantarAHA23"\n'
    lock += '\n[records."2023/corr-a".published]\ndblp = "journals/corr/abs-2210-17323"\n'
    lock += '\n[records."2023/corr-b".published]\ndblp = "journals/corr/abs-2210-17323"\n'
    meta = make(
        tmp_path,
        {
            "2022/gptq.prototxt": record(
                "GPTQ", "https://arxiv.org/abs/2210.17323", where="arXiv", year=2022
            ),
            "2023/optq.prototxt": record(
                "OPTQ", "https://openreview.net/forum?id=tcbBPnfwxS", year=2023
            ),
            "2023/corr-a.prototxt": record("Corr A", "https://example.org/a", year=2023),
            "2023/corr-b.prototxt": record("Corr B", "https://example.org/b", year=2023),
        },
        lock,
    )
    dupes = [f for f in checker.check(meta).findings if f.code == "duplicate"]
    assert [(Path(f.path).name, f.line, f.related) for f in dupes] == [
        ("optq.prototxt", 2, f"{meta / '2022/gptq.prototxt'}:2"),  # at the title lines
    ]
    assert "(same DBLP key conf/iclr/FrantarAHA23)" in dupes[0].message


def test_github_paths_are_relative_to_the_workspace(tmp_path: Path) -> None:
    """The action runs refkit in the list's folder; annotations name files from the repository
    root (GITHUB_WORKSPACE), or GitHub would not find them in the diff."""
    lst = tmp_path / "lists" / "ml"
    make(lst, {"2023/a.prototxt": record("A", "data:,x")})
    out = refkit(lst, "check", "-f", "github", GITHUB_WORKSPACE=str(tmp_path))
    assert out.stdout.startswith("::error file=lists/ml/meta/2023/a.prototxt,line=3,")
    outside = refkit(lst, "check", "-f", "github", GITHUB_WORKSPACE=str(tmp_path / "other"))
    assert outside.stdout.startswith("::error file=meta/2023/a.prototxt,line=3,")  # as found
