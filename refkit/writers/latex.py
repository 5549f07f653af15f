"""LaTeX text for .bib files: escaping special characters and brace-protecting title words.

Escaping: the ten LaTeX specials are written as commands that compile in any document class;
TeX ligatures in plain text (`--`, two quotes) are split with `{}`. `{` and `}` become `\\textbraceleft{}`/`\\textbraceright{}` (not `\\{`), because BibTeX counts
every brace, escaped or not, and a lone `\\{` would end the field early. In the ASCII dialect
(`bibtex`) other non-ASCII characters go through pylatexenc's unicode->LaTeX table (`{\\"u}`).
The biblatex dialect keeps UTF-8 for what pdflatex typesets with T1 fonts (T1_UTF8) and uses
the same table for the rest (α as `{\\ensuremath{\\alpha}}`), so both compile under pdflatex.
A character with no LaTeX pdflatex compiles (emoji, CJK, a lone combining mark) becomes `?`,
with one warning per export (`warn_missing`).

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
from collections.abc import Iterator
from contextlib import contextmanager
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
# C0 and C1 control characters and DEL (whitespace is folded before this applies)
_CONTROL = dict.fromkeys([*range(32), *range(0x7F, 0xA0)])
_TRIM = "()[]\"'.,;:!?“”‘’«»"  # punctuation a word may carry that is not part of the name
_PART = re.compile(r"[-/]")
_WORD = re.compile(r"\S+")
# TeX ligatures that would turn plain text into other characters: -- ``  '' ,, ?` !`
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[?!])(?=`)")
# A character `_plain_latex` writes otherwise (a special, a backquote: every ligature that
# does not start -- '' ,, has one; non-ASCII): one character class is several times faster
# than translating and substituting text that has none.
_CHANGED = re.compile(r"[\\{}&%$#_~^<>|`\x80-\U0010ffff]")


def clean(text: str) -> str:
    """`text` on one line: NFC, whitespace runs as one space, control characters dropped."""
    if text.isascii() and text.isprintable() and "  " not in text and text.strip() == text:
        return text  # the common case, already clean
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return text.translate(_CONTROL) if not text.isprintable() else text


@functools.cache
def _encoder() -> Any:
    """pylatexenc's unicode->LaTeX encoder for non-ASCII characters (imported on first use)."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy=lambda char: "",
        unknown_char_warning=False,
    )


# Characters pdflatex typesets as UTF-8 input with T1 fonts (LaTeX 2022 kernel, no package):
# Latin-1, most of Latin Extended-A, some of B, typographic punctuation, a few symbols. Measured
# by compiling each character; the biblatex dialect writes these as they are.
T1_UTF8 = (
    (0xA0, 0xAC), (0xAE, 0x125), (0x128, 0x137), (0x139, 0x13E), (0x141, 0x148), (0x14A, 0x165),
    (0x168, 0x17E), (0x192, 0x192), (0x1C4, 0x1D4), (0x1E2, 0x1E3), (0x1E6, 0x1EB), (0x1F0, 0x1F0),
    (0x1F4, 0x1F5), (0x218, 0x21B), (0x232, 0x233), (0x237, 0x237), (0x2C6, 0x2C7), (0x2D8, 0x2D9),
    (0x2DB, 0x2DD), (0x1E02, 0x1E03), (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25),
    (0x1E30, 0x1E31), (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47),
    (0x1E5B, 0x1E5B), (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E),
    (0x1EF2, 0x1EF3), (0x2010, 0x2016), (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022),
    (0x2026, 0x2026), (0x2030, 0x2031), (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044),
    (0x204E, 0x204E), (0x2052, 0x2052), (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6),
    (0x20A9, 0x20A9), (0x20AB, 0x20AC), (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117),
    (0x211E, 0x211E), (0x2120, 0x2120), (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E),
    (0x2190, 0x2193), (0xFB00, 0xFB06),
)  # fmt: skip
# The macros in pylatexenc's table that compile under pdflatex with T1 fonts and no package
# (measured over the whole table): its LaTeX for a character is used only when every macro in
# it is one of these (and it is not in _NOT_TEXT: math macros it writes without \ensuremath).
_SAFE_MACRO_NAMES = """
! " ' , . ; = ^ ` ~ AE DH DJ Delta Downarrow Gamma H IJ L Lambda Leftarrow Leftrightarrow
Longleftarrow Longleftrightarrow Longrightarrow NG O OE Omega Phi Pi Psi Rightarrow Sigma TH
Theta Uparrow Updownarrow Upsilon Vert Xi acute ae aleph alpha amalg angle approx asymp beta
bigcap bigcirc bigcup bigtriangledown bigtriangleup bigvee bigwedge bowtie bullet c cap cdot
cdots chi circ cong coprod cup dashv ddot ddots delta dh diamond dj doteq ell enskip ensuremath
epsilon equiv eta exists fbox forall frown gamma geq gg guillemotleft guillemotright
guilsinglleft guilsinglright hbar hookleftarrow hookrightarrow hspace i ij in infty int iota k
kappa kern l lambda langle lceil leftharpoondown leftharpoonup leftrightarrow leq lfloor ll
lmoustache longleftarrow longleftrightarrow longmapsto longrightarrow mapsto mathbf mathbin
mathchar mathit mathsf mathtt mid mp mu nabla nearrow neq ng ni not notin nu nwarrow o odot oe
oint omega ominus oplus oslash otimes parallel partial perp phi pi pm prec preceq prod propto
psi quad quotedblbase quotesinglbase r rangle rceil rfloor rho rightharpoondown rightharpoonup
rightleftharpoons rmoustache searrow sigma sim simeq smile sqcap sqcup sqrt sqsubseteq
sqsupseteq ss stackrel star subset subseteq succ succeq sum supset supseteq swarrow tau
textacutedbl textasciiacute textasciibreve textasciicaron textasciicircum textasciidieresis
textasciimacron textasciitilde textasteriskcentered textbigcircle textblank textbrokenbar
textbullet textcelsius textcent textcircledP textcopyright textcurrency textdagger textdaggerdbl
textdegree textdiscount textdiv textdownarrow textellipsis textemdash textendash textestimated
texteuro textexclamdown textflorin textfractionsolidus textinterrobang textleftarrow textlnot
textmho textmu textmusicalnote textnumero textonehalf textonequarter textonesuperior
textopenbullet textordfeminine textordmasculine textparagraph textperiodcentered
textpertenthousand textperthousand textquestiondown textquotedblleft textquotedblright
textquoteleft textquoteright textrecipe textreferencemark textregistered textrightarrow textsc
textsection textservicemark textsterling textsuperscript textthreequarters textthreesuperior
texttimes texttrademark texttwosuperior textuparrow textvisiblespace textyen textcolonmonetary
textdong textlira textnaira textpeso textwon th theta times top triangleleft triangleright u
updownarrow uplus upsilon v varepsilon varphi varpi varrho varsigma vartheta vdash vdots vee
wedge wp wr xi zeta
"""
SAFE_MACROS = frozenset(_SAFE_MACRO_NAMES.split())
_NOT_TEXT = frozenset((r"{\Upsilon}", r"{\varepsilon}", r"{\acute{\ddot{\iota}}}"))
_MACRO = re.compile(r"\\([A-Za-z]+|.)")
_missing: dict[str, int] = {}  # characters written as "?" since the last `warn_missing`
_shortened = [0]  # texts `bounded` shortened since then
# BibTeX styles build labels from names (or `key`) in strings of at most 500 characters
# (entry-string-size) and cut longer ones anywhere, even inside a command: so a name part or
# key is kept under this many characters of LaTeX, shortened with an ellipsis.
LABEL_LIMIT = 200


def _typeset(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in T1_UTF8)


@functools.lru_cache(maxsize=8192)
def _char_latex(char: str) -> str:
    """LaTeX for one non-ASCII character that pdflatex compiles, or "" when there is none."""
    out = _encoder().unicode_to_latex(char)
    if not out or out == char or out in _NOT_TEXT or not set(_MACRO.findall(out)) <= SAFE_MACROS:
        return ""
    return _DOTLESS.sub(r"\\\1i}", out)


def _non_ascii(text: str, ascii_only: bool) -> str:
    out = []
    for char in text:
        if char.isascii() or (not ascii_only and _typeset(char)):
            out.append(char)
            continue
        latex = _char_latex(char)
        if not latex:
            _missing[char] = _missing.get(char, 0) + 1
        out.append(latex or "?")
    return "".join(out)


def warn_missing() -> None:
    """One warning for every character written as "?" since the last call, one for every text
    `bounded` shortened (then forget them)."""
    if _shortened[0]:
        log.warning(
            "%d name(s) or label(s) longer than %d characters of LaTeX shortened in the .bib "
            "(BibTeX styles truncate longer labels mid-command)",
            _shortened[0],
            LABEL_LIMIT,
        )
        _shortened[0] = 0
    if _missing:
        chars = sorted(_missing, key=lambda c: (-_missing[c], c))
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:5])
        log.warning(
            "%d character(s) have no form pdflatex can typeset (%s%s); written as '?'",
            len(chars),
            shown,
            ", ..." if len(chars) > 5 else "",
        )
        _missing.clear()


# An accent over i: biber reads `{\'\i}` as a dotless i and a combining accent, which pdflatex
# cannot typeset, so the accent goes over a plain i (`{\'i}`), which every engine reads as í.
_DOTLESS = re.compile(r"\\([`'^\"])\\i\}")
_SLOT = 0x100000  # Supplementary Private Use Area-B: one character per math span


def _plain_latex(text: str, ascii_only: bool) -> str:
    if not _CHANGED.search(text) and "--" not in text and "''" not in text and ",," not in text:
        return text  # no special, no ligature, ASCII: nothing to write otherwise
    text = _LIGATURE.sub("{}", text.translate(_SPECIALS_TABLE))
    return text if text.isascii() else _non_ascii(text, ascii_only)


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
    if not text:
        return ""
    text = clean(text)
    if not math:
        return _plain_latex(text, ascii_only)
    by_tex: dict[str, str] = {}
    text = _with_slots(text, by_tex)
    return _latex(text, ascii_only, _slots(by_tex))


def bounded(text: str, ascii_only: bool = True, math: bool = False) -> str:
    """Text that styles put in labels (names, `key`): `escape(text)` with brackets braced (a
    label is `\\bibitem[...]`'s optional argument), shortened (source cut, "…" added) to at most
    LABEL_LIMIT characters."""
    out = _label(text, ascii_only, math)
    if len(out) <= LABEL_LIMIT:
        return out
    _shortened[0] += 1
    source = clean(text)
    while len(out) > LABEL_LIMIT and source:
        source = source[: max(0, min(len(source) - 1, len(source) * LABEL_LIMIT // len(out) - 2))]
        out = _label(source.rstrip() + "…", ascii_only, math)
    return out


def _label(text: str, ascii_only: bool, math: bool) -> str:
    return escape(text, ascii_only, math).replace("[", "{[}").replace("]", "{]}")


def needs_protection(word: str) -> bool:
    """Whether a style may wreck `word` by lowercasing it: acronyms, inner capitals, caps+digits."""
    for part in _PART.split(word) if "-" in word or "/" in word else (word,):
        rest = part[1:]
        if not rest.islower() and any(c.isupper() for c in rest):  # islower: no capital at all
            return True
        # a capital and a digit (past the first character, none is a capital; letters are
        # never digits)
        if part[:1].isupper() and not part.isalpha() and any(c.isdigit() for c in part):
            return True
    return False


@functools.lru_cache(maxsize=4096)  # title words recur; a hit is one dictionary look-up
def _protect(core: str) -> bool:
    """`needs_protection` for a word of a title whose math spans are slots (each counts as a
    capital letter)."""
    if not core.isascii():
        core = "".join("X" if ord(c) >= _SLOT else c for c in core)
    return needs_protection(core)


def _word(char: str) -> bool:
    """Whether `char` is a regular-expression word character (`\\w`); False for ''."""
    return char.isalnum() or char == "_"


def _as_words(title: str, short: str) -> list[tuple[int, int]]:
    """Where `short` stands in `title` with no word character (`\\w`) on either side, as
    `re.finditer(r"(?<!\\w)" + re.escape(short) + r"(?!\\w)")` finds it, without compiling a
    pattern per title (10,000 distinct short names thrash re's cache)."""
    spans: list[tuple[int, int]] = []
    at = title.find(short) if short else -1
    while at >= 0:
        end = at + len(short)
        if not (_word(title[at - 1 : at]) or _word(title[end : end + 1])):
            spans.append((at, end))
            at = title.find(short, end)
        else:
            at = title.find(short, at + 1)
    return spans


def _spans(title: str, short: str) -> list[tuple[int, int]]:
    """Character ranges of `title` to brace: `short` where it stands as words, then words.
    Linear in the title's length (plus sorting the ranges): a hostile title of 20,000 marked-up
    words costs what 20,000 plain ones do."""
    shorts = _as_words(title, short)  # in order, not overlapping
    spans = list(shorts)
    j = 0  # words come in order: the first `short` range that may still hold one
    for m in _WORD.finditer(title):
        word = m.group()
        core = word.strip(_TRIM)
        if not core or not _protect(core):
            continue
        start = m.start() + len(word) - len(word.lstrip(_TRIM))
        end = start + len(core)
        while j < len(shorts) and shorts[j][1] < end:
            j += 1
        if j == len(shorts) or start < shorts[j][0]:  # not inside `short`: braced on its own
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
    if _shared is None or not (text.isascii() and short.isascii()):
        return _title(text, short, ascii_only)
    out = _shared.get((text, short))  # an ASCII title is the same LaTeX in both dialects
    if out is None:
        out = _shared[text, short] = _title(text, short, True)
    return out


@contextmanager
def sharing_titles() -> Iterator[None]:
    """While on, each ASCII title is written once, for both dialects (`export --all` writes
    every title in BibTeX and in biblatex)."""
    global _shared
    before, _shared = _shared, {}
    try:
        yield
    finally:
        _shared = before


_shared: dict[tuple[str, str], str] | None = None  # (title, short) -> LaTeX, in `sharing_titles`


def _title(text: str, short: str, ascii_only: bool) -> str:
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
