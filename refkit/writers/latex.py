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
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Any

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


def _latex(text: str, ascii_only: bool) -> str:
    text = _LIGATURE.sub("{}", text.translate(_SPECIALS_TABLE))
    if ascii_only and not text.isascii():
        text = _encoder().unicode_to_latex(text)
    return text


def escape(text: str, ascii_only: bool = True) -> str:
    """`text` as LaTeX: specials escaped; non-ASCII as LaTeX commands when `ascii_only`."""
    return _latex(clean(text), ascii_only)


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
        if start < end and not inside and needs_protection(title[start:end]):
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
    text = clean(text)
    out: list[str] = []
    pos = 0
    for start, end in _spans(text, clean(short)):
        out.append(_latex(text[pos:start], ascii_only))
        out.append(_brace(_latex(text[start:end], ascii_only)))
        pos = end
    out.append(_latex(text[pos:], ascii_only))
    return "".join(out)
