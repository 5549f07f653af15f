"""LaTeX text for .bib files: escaping special characters and brace-protecting title words.

Escaping: the ten LaTeX specials are written as commands that compile in any document class;
TeX ligatures in plain text (`--`, two quotes) are split with `{}`. `{` and `}` become `\\textbraceleft{}`/`\\textbraceright{}` (not `\\{`), because BibTeX counts
every brace, escaped or not, and a lone `\\{` would end the field early. In the ASCII dialect
(`bibtex`) other non-ASCII characters go through pylatexenc's unicode->LaTeX table (`{\\"u}`);
characters it has no LaTeX for become `?` with a warning (use the biblatex dialect for them).

Brace protection: styles that sentence-case titles (plainnat, apalike: BibTeX's
`change.case$ "t"`) lowercase every letter outside braces except the title's first one and the
first one after a colon and a space. So each word with a capital letter past its first
character (GPTQ, LoRA, LLMs, N:M) or mixing capitals and digits (L4Q, OPT-175B) is wrapped in
braces word by word (`{FlashAttention-2}`), as is the item's `title-short` wherever it occurs.
The first word after a colon needs nothing: `change.case$` keeps it. Proper nouns written in
plain title case (Huffman, Brain Surgeon) cannot be told from ordinary words and are left alone.

Math: in titles and labels (`math=True`), a `$...$` span that texmath accepts is written as its
TeX in braces (`H{$_{2}$}O`), so no style changes its case; while words are found it stands as
one private-use character, so `H$_2$O` is one word with a capital past its first letter and is
protected whole (`{H{$_{2}$}O}`). Dollars that are not math are escaped (`\\$`).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Any

from .. import texmath

log = logging.getLogger("refkit.writers.latex")

# LaTeX specials, as commands that need no package and keep BibTeX's brace count balanced.
SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_SPECIALS_TABLE = str.maketrans(SPECIALS)
_SPACE = re.compile(r"\s+")
_CONTROL = dict.fromkeys(c for c in range(32))  # whitespace is folded before this applies
_TRIM = "()[]\"'.,;:!?“”‘’«»"  # punctuation a word may carry that is not part of the name
_PART = re.compile(r"[-/]")
# TeX ligatures that would turn plain text into other characters: -- ``  '' ,, ?` !`
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[?!])(?=`)")


def clean(text: str) -> str:
    """`text` on one line: NFC, whitespace runs as one space, control characters dropped."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return text.translate(_CONTROL) if not text.isprintable() else text


@functools.cache
def _encoder() -> Any:
    """pylatexenc's unicode->LaTeX encoder for non-ASCII characters (imported on first use)."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy=_unknown,
    )


def _unknown(char: str) -> str:
    log.warning(
        "no LaTeX for %r (U+%04X); written as '?' (use biblatex for UTF-8)", char, ord(char)
    )
    return "?"


# An accent over i: biber reads `{\'\i}` as a dotless i and a combining accent, which pdflatex
# cannot typeset, so the accent goes over a plain i (`{\'i}`), which every engine reads as í.
_DOTLESS = re.compile(r"\\([`'^\"])\\i\}")
_SLOT = 0x100000  # Supplementary Private Use Area-B: one character per math span


def _plain_latex(text: str, ascii_only: bool) -> str:
    text = _LIGATURE.sub("{}", text.translate(_SPECIALS_TABLE))
    if ascii_only and not text.isascii():
        text = _DOTLESS.sub(r"\\\1i}", _encoder().unicode_to_latex(text))
    return text


def _latex(text: str, ascii_only: bool, slots: dict[str, str] | None = None) -> str:
    if not slots:
        return _plain_latex(text, ascii_only)
    out: list[str] = []
    piece: list[str] = []
    for char in text:
        if char in slots:
            out += [_plain_latex("".join(piece), ascii_only), slots[char]]
            piece = []
        else:
            piece.append(char)
    out.append(_plain_latex("".join(piece), ascii_only))
    return "".join(out)


def _with_slots(text: str, by_tex: dict[str, str]) -> str:
    """`text` with each math span as one private-use character (`by_tex`: TeX -> character)."""
    parts = texmath.split(text)
    if len(parts) == 1 or any(ord(c) >= _SLOT for c in text):
        return text  # no math, or characters that would collide with the slots: all text
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(by_tex.setdefault(part.tex, chr(_SLOT + len(by_tex))))
    return "".join(out)


def _slots(by_tex: dict[str, str]) -> dict[str, str]:
    return {char: "{$" + tex + "$}" for tex, char in by_tex.items()}


def escape(text: str, ascii_only: bool = True, math: bool = False) -> str:
    """`text` as LaTeX: specials escaped; non-ASCII as LaTeX commands when `ascii_only`; with
    `math`, inline math kept as math."""
    text = clean(text)
    if not math:
        return _plain_latex(text, ascii_only)
    by_tex: dict[str, str] = {}
    text = _with_slots(text, by_tex)
    return _latex(text, ascii_only, _slots(by_tex))


def needs_protection(word: str) -> bool:
    """Whether a style may wreck `word` by lowercasing it: acronyms, inner capitals, caps+digits."""
    for part in _PART.split(word):
        if any(c.isupper() for c in part[1:]):
            return True
        if any(c.isdigit() for c in part) and any(c.isupper() for c in part):
            return True
    return False


def _spans(title: str, short: str) -> list[tuple[int, int]]:
    """Character ranges of `title` to brace: `short` where it stands as words, then words."""
    spans: list[tuple[int, int]] = []
    if short:
        pattern = r"(?<!\w)" + re.escape(short) + r"(?!\w)"
        spans = [m.span() for m in re.finditer(pattern, title)]
    for m in re.finditer(r"\S+", title):
        start, end = m.span()
        word = m.group()
        start += len(word) - len(word.lstrip(_TRIM))
        end -= len(word) - len(word.rstrip(_TRIM))
        inside = any(s <= start and end <= e for s, e in spans)
        core = "".join("X" if ord(c) >= _SLOT else c for c in title[start:end])
        if start < end and not inside and needs_protection(core):
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:  # a word overlapping `short` (short "LoRA", word "LoRA-wise") joins it
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _brace(latex: str) -> str:
    # A group starting with a backslash is a BibTeX "special character" whose letters styles
    # still case-change, so such text gets a second pair of braces.
    return "{{" + latex + "}}" if latex.startswith("\\") else "{" + latex + "}"


def title(text: str, short: str = "", ascii_only: bool = True) -> str:
    """A title as LaTeX with words that must keep their case in braces (never the whole title)."""
    by_tex: dict[str, str] = {}
    text = _with_slots(clean(text), by_tex)
    short = _with_slots(clean(short), by_tex)
    slots = _slots(by_tex)
    out: list[str] = []
    pos = 0
    for start, end in _spans(text, short):
        out.append(_latex(text[pos:start], ascii_only, slots))
        out.append(_brace(_latex(text[start:end], ascii_only, slots)))
        pos = end
    out.append(_latex(text[pos:], ascii_only, slots))
    return "".join(out)
