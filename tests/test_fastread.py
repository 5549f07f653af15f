"""The fast reader against protobuf: wherever the fast reader answers, protobuf accepts the
file too and means the same (fields, unknown names, lines); elsewhere protobuf decides."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from refkit import fastread, prototxt
from refkit.fastread import Parsed
from tests.synthetic import write_list

META = Path(__file__).resolve().parent.parent / "meta"


def protobuf(text: str) -> Parsed | None:
    try:
        return prototxt.parse_protobuf(text)
    except prototxt.TextFormatError:
        return None


def same(fast: Parsed, slow: Parsed) -> bool:
    common = fast.lines.keys() & slow.lines.keys()
    return (fast.fields, fast.unknown) == (slow.fields, slow.unknown) and all(
        fast.lines[k] == slow.lines[k] for k in common
    )


def test_every_committed_and_synthetic_file_takes_the_fast_reader_and_agrees(
    tmp_path: Path,
) -> None:
    written = write_list(tmp_path, 400, seed=11)
    files = sorted(META.rglob("*.prototxt")) + sorted(written.meta.rglob("*.prototxt"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = fastread.parse(text, prototxt.DESCRIPTOR)
        assert fast is not None, path  # the shape real files have
        slow = protobuf(text)
        assert slow is not None and same(fast, slow), path


# Record files: known messages with known and unknown fields, unknown top-level fields and
# messages, comments and blank lines; values mostly of the right type; now and then a line
# outside the subset or outside the format.
_chars = st.sampled_from(list("aZ0 _-:{}#$^éΩ😀\t") + ["\\n", '\\"', "\\\\", "\\t", "\\'", "\\x41"])
_string = st.lists(_chars, max_size=6).map(lambda cs: '"' + "".join(cs) + '"')
_int = st.sampled_from(["0", "7", "-3", "2024", "017", "0x1F", "2147483648", "-2147483648"])
_ident = st.sampled_from(["quantization", "survey", "agents", "new_topic", "none", "true"])
_other = st.one_of(
    _string, _int, _ident, st.sampled_from(['"a" "b"', "[survey, agents]", "4.5", "'x'"])
)
_TYPED = {"str": _string, "int": st.one_of(_int, _int, _int, _other), "enum": _ident}
_MESSAGES = {
    "paper": [("title", "str"), ("abbr", "str"), ("url", "str"), ("authors", "str")],
    "pub": [("where", "str"), ("year", "int")],
    "code": [("type", "str"), ("url", "str")],
    "keyword": [("words", "enum")],
    "cover": [("url", "str")],
}
_sep = st.sampled_from([": ", ": ", ":", " : ", ":\t"])
_comment = st.sampled_from(["", "  # note", " #", "\t"])


@st.composite
def _field(draw: st.DrawFn, fields: list[tuple[str, str]]) -> list[str]:
    if draw(st.integers(0, 9)) == 0:  # an unknown field or message
        name = draw(st.sampled_from(["rating", "doi", "update_time", "extra"]))
        if draw(st.booleans()):
            inner = draw(st.lists(st.builds(lambda v: f"    k: {v}", _other), max_size=2))
            return [f"  {name} {{", *inner, "  }"]
        return [f"  {name}{draw(_sep)}{draw(_other)}{draw(_comment)}"]
    name, kind = draw(st.sampled_from(fields))
    value = draw(_TYPED[kind] if draw(st.integers(0, 7)) else _other)
    return [f"  {name}{draw(_sep)}{value}{draw(_comment)}"]


@st.composite
def record_file(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 9))
        if kind < 7:
            msg = draw(st.sampled_from(sorted(_MESSAGES)))
            lines.append(f"{msg}{draw(st.sampled_from([' {', ' {', ': {', '{']))}{draw(_comment)}")
            for _ in range(draw(st.integers(0, 4))):
                lines += draw(_field(_MESSAGES[msg]))
            lines.append("}" + draw(_comment))
        elif kind < 9:
            lines += [ln.strip() for ln in draw(_field([("rating", "int")]))]
        else:
            lines.append(draw(st.sampled_from(["", "# c", "}", "paper {", 'x: "y" z: 1', ";"])))
    end = draw(st.sampled_from(["\n", "\n", "\r\n"]))  # CR LF: files saved on Windows
    return end.join(lines) + draw(st.sampled_from([end, "", end + end]))


@settings(max_examples=1500, deadline=None)
@given(record_file())
@example("pub {\n  year: 2147483648\n}\n")
@example("pub {\n  year: -2147483648\n}\n")
@example('paper {\n  title: "H$_2$O \\"x\\" \\\\infty\\t"\n}\npub {\n  year: 2024\n}\n')
@example("keyword {\n  words: agents\n  words: survey\n}\nrating: 4\n")
@example('paper {\r\n  title: "a\r"\r\n}\r\npub {\r\n  year: 2024 # c\r\n}\r\n')
def test_where_the_fast_reader_answers_protobuf_agrees(text: str) -> None:
    fast = fastread.parse(text, prototxt.DESCRIPTOR)
    if fast is None:
        return  # protobuf decides (tested in test_prototxt.py)
    slow = protobuf(text)
    assert slow is not None, text
    assert same(fast, slow), (text, fast, slow)


@pytest.mark.parametrize(
    "text",
    [
        'paper { title: "t" }\n',  # several fields on a line
        'paper {\n  title: "a"\n  title: "b"\n}\n',  # a singular field twice
        'paper {\n  title: "\\x41"\n}\n',  # an escape outside the subset
        "pub {\n  year: 2147483648\n}\n",  # out of int32
        "keyword {\n  words: 2\n}\n",  # an enum by number
        "paper {\n",  # unclosed
        "}\n",  # unbalanced
    ],
)
def test_outside_the_subset_the_fast_reader_defers_to_protobuf(text: str) -> None:
    assert fastread.parse(text, prototxt.DESCRIPTOR) is None
