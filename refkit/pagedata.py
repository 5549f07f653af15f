"""The entries `exports/index.html` embeds: each paper's entry per format, as refkit's writer
prints it for that paper alone, cut from the writer's whole-list output (page.py builds the page).

A writer prints `head + sep.join(entries) + tail` (`Frame`), so the page's script only
concatenates: head + the selected entries in stored order joined by sep + tail is byte for byte
what `refkit export --format F --key K1 --key K2 ...` prints. Writing every paper again on its
own would double the cost of `export --all`, so `cut` finds the entries in the whole-list text
instead, where an entry ends (`Frame.end`), `sep` follows and the next begins (`Frame.start`), a
seam no entry holds inside (every value is on one line). The cut must give one entry per paper,
in key order, each naming its key; `check` then writes a spread sample of the papers alone and
together (all of them for lists up to `SAMPLE`) and refuses a page where any differs. A whole
text that does not cut is written paper by paper instead (slower, exact).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring  # what json.dumps(str, ensure_ascii=False) calls

from . import writers
from .errors import OutputError
from .model import Item
from .writers.bibtex import key


@dataclass(frozen=True)
class Frame:
    """How a writer surrounds its entries: `head + sep.join(entries) + tail`; `empty` for none.
    `end` and `start`: how every entry ends and begins (the seam `end + sep + start`)."""

    writer: str  # the writer's name in `writers.FORMATS`
    head: str
    sep: str
    tail: str
    empty: str
    file: str  # the Download's file name
    mime: str
    label: str
    end: str = ""
    start: str = ""


_BIB = ("", "\n", "", "", "refkit-selection.bib", "application/x-bibtex")
# The page's format values (the CLI's --format names) -> how that writer joins entries.
FRAMES: dict[str, Frame] = {
    "bib": Frame("bibtex", *_BIB, "BibTeX", "}\n", "@"),
    "biblatex": Frame("biblatex", *_BIB, "biblatex", "}\n", "@"),
    "csl-json": Frame(
        "csl-json",
        "[\n",
        ",\n",
        "\n]\n",
        "[]\n",
        "refkit-selection.json",
        "application/vnd.citationstyles.csl+json",
        "CSL-JSON",
        "\n  }",  # json.dumps(indent=2): only the list's own objects close and open at 2 spaces
        "  {",
    ),
    "ris": Frame(
        "ris",
        "",
        "\r\n",
        "",
        "",
        "refkit-selection.ris",
        "application/x-research-info-systems",
        "RIS",
        "ER  - \r\n",
        "TY  - ",
    ),
}
SAMPLE = 128  # papers written alone (and together) to check each format's cut


@dataclass
class Cut:
    """A writer's whole-list text and where each entry starts in it (`starts[-1]`: past the end
    of the last entry plus a separator); `entry(i)` is paper i's entry without the frame."""

    whole: str
    starts: list[int]
    sep: int  # len(frame.sep)

    def entry(self, i: int) -> str:
        return self.whole[self.starts[i] : self.starts[i + 1] - self.sep]

    def __len__(self) -> int:
        return len(self.starts) - 1


def cut(items: list[Item], fmt: str, whole: str | None = None) -> Cut:
    """Each item's entry in format `fmt` inside the writer's output for all of `items` (written
    here unless given). `items` must be in the writers' order (sorted by key)."""
    frame = FRAMES[fmt]
    write = writers.get(frame.writer).write
    if whole is None:
        whole = write(items)
    starts = _seams(whole, frame, [key(i) for i in items])
    if starts is None:
        starts = _one_by_one(items, frame, whole, fmt)
    done = Cut(whole, starts, len(frame.sep))
    check(items, fmt, done)
    return done


def _seams(whole: str, frame: Frame, keys: list[str]) -> list[int] | None:
    """Entry starts found at the frame's seams, or None unless there is one entry per key, in
    order, each naming its key in its first two lines."""
    if not keys or not frame.end or not whole.startswith(frame.head):
        return None
    last = len(whole) - len(frame.tail)
    if last < len(frame.head) or not whole.endswith(frame.tail):
        return None
    seam = frame.end + frame.sep + frame.start
    starts = [len(frame.head)]
    at = whole.find(seam, starts[0], last)
    while at >= 0 and len(starts) <= len(keys):
        starts.append(at + len(frame.end) + len(frame.sep))
        at = whole.find(seam, at + len(frame.end), last)
    if len(starts) != len(keys) or at >= 0:
        return None
    starts.append(last + len(frame.sep))
    for i, k in enumerate(keys):
        begin, stop = starts[i], starts[i + 1] - len(frame.sep)
        if not whole.startswith(frame.start, begin):
            return None
        first = whole.find("\n", begin, stop)
        second = whole.find("\n", first + 1, stop) if first >= 0 else -1
        if whole.find(k, begin, stop if second < 0 else second) < 0:
            return None
    return starts


def _one_by_one(items: list[Item], frame: Frame, whole: str, fmt: str) -> list[int]:
    """Entry starts from writing each item alone (for a writer whose output does not cut)."""
    write = writers.get(frame.writer).write
    out = []
    with _quiet():
        for item in items:
            text = write([item])
            if not (text.startswith(frame.head) and text.endswith(frame.tail)):
                raise _broken(fmt, key(item))
            out.append(text[len(frame.head) : len(text) - len(frame.tail)])
    if (frame.head + frame.sep.join(out) + frame.tail if out else frame.empty) != whole:
        raise _broken(fmt, "the whole list")
    starts = [len(frame.head)]
    for entry in out:
        starts.append(starts[-1] + len(entry) + len(frame.sep))
    return starts


def check(items: list[Item], fmt: str, done: Cut) -> None:
    """Write a spread sample of the items alone and together; each must be its cut entries in
    the frame (all items when there are at most SAMPLE). Raises OutputError otherwise."""
    frame = FRAMES[fmt]
    write = writers.get(frame.writer).write
    n = len(items)
    picks = sorted({i * (n - 1) // (SAMPLE - 1) for i in range(SAMPLE)}) if n > SAMPLE else range(n)
    with _quiet():
        if write([]) != frame.empty:
            raise _broken(fmt, "no entries")
        for i in picks:
            if write([items[i]]) != frame.head + done.entry(i) + frame.tail:
                raise _broken(fmt, key(items[i]))
        if n > SAMPLE:  # (all items together are the whole text the entries were cut from)
            together = frame.sep.join(done.entry(i) for i in picks)
            if write([items[i] for i in picks]) != frame.head + together + frame.tail:
                raise _broken(fmt, f"a selection of {len(picks)} papers")


@contextmanager
def _quiet() -> Iterator[None]:
    """The writers' warnings were logged by the whole-list run: do not repeat them per paper."""
    before = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(before)


def _broken(fmt: str, where: str) -> OutputError:
    return OutputError(
        f"exports/index.html: the {fmt} writer's output for {where} is not its entries joined as "
        "refkit/pagedata.py FRAMES says; update FRAMES to match the writer"
    )


def cuts(items: list[Item], wholes: Mapping[str, str] | None = None) -> dict[str, Cut]:
    """Per page format, its cut. `wholes`: writer name -> its output for all of `items`."""
    return {f: cut(items, f, (wholes or {}).get(fr.writer)) for f, fr in FRAMES.items()}


def pieces(done: Mapping[str, Cut]) -> Iterator[str]:
    """The page's data as JSON text in pieces (joined: json.dumps of {"formats": {fmt: {head,
    sep, tail, empty, file, mime, label, entries}}} with separators (",", ":"))."""
    yield '{"formats":{'
    for n, (fmt, c) in enumerate(done.items()):
        f = FRAMES[fmt]
        fields = ("head", "sep", "tail", "empty", "file", "mime", "label")
        meta = ",".join(f'"{name}":{encode_basestring(getattr(f, name))}' for name in fields)
        yield f'{"," if n else ""}{encode_basestring(fmt)}:{{{meta},"entries":['
        for i in range(len(c)):
            yield ("," if i else "") + encode_basestring(c.entry(i))
        yield "]}"
    yield "}}"


def plain(done: Mapping[str, Cut]) -> str:
    """The data as JSON text safe inside a <script> element: `<` would let `</script>` or `<!--`
    end or change the element; U+2028 and U+2029 are escaped too (str.replace: translate with
    a table is ten times slower)."""
    text = "".join(pieces(done)).replace("<", "\\u003c")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def size(done: Mapping[str, Cut]) -> int:
    """Characters of entries (with their frames) in all formats."""
    return sum(len(c.whole) for c in done.values())


def gzipped(done: Mapping[str, Cut]) -> bytes:
    """The data as UTF-8 JSON, gzip-compressed (level 3, no time stamp), streamed: the JSON
    text of a large list is never held whole."""
    z = zlib.compressobj(3, zlib.DEFLATED, 31)  # 6 (the default) takes twice as long, for 20% less
    out = [z.compress(p.encode("utf-8")) for p in _batches(pieces(done))]
    out.append(z.flush())
    return b"".join(out)


def _batches(parts: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """`parts` joined into strings of about `size` characters (fewer encode/compress calls)."""
    batch: list[str] = []
    n = 0
    for p in parts:
        batch.append(p)
        n += len(p)
        if n >= size:
            yield "".join(batch)
            batch, n = [], 0
    if batch:
        yield "".join(batch)
