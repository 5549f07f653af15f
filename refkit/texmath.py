"""Inline TeX math in titles (`H$_2$O`, `$O(n\\log n)$`): found, checked, rendered three ways.

A `$...$` span is math when it follows pandoc's rule (the opening `$` is followed by a non-space,
the closing `$` is preceded by one and not followed by a digit; `\\$` is a dollar) and its content
parses: ASCII letters, digits, `+-=()[]<>,.;:'!/|*`, braces, `_`/`^` scripts, and the commands in
SYMBOLS and ONE_ARG/TWO_ARGS below, all defined by the LaTeX kernel (no amsmath). Anything else
(`$5 and $10`, `$\\foo$`) is plain text, escaped by the writers as before.

Each math span is rendered as
  tex    TeX for the .bib, rebuilt from the parse with kernel commands only (`\\text` as
         `\\textrm`, `\\operatorname` and `\\mathbb` as `\\mathrm`/`\\mathbf`), so it compiles
         in any document;
  rich   CSL rich text: `<sub>`, `<sup>`, letters in `<i>`, `<b>` for `\\mathbf`, the whole
         span in `<span class="nocase">` (pandoc and citeproc-js read these);
  plain  Unicode text for RIS and Zotero: `H₂O`, `L³`, `∞Bench`, `O(n log n)`; a script with no
         Unicode form is written `x_(ab)` / `x^(ab)`.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

# Symbol commands -> Unicode. Operator names (log, max) are roman words with spaces around.
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
SYMBOLS = {
    **GREEK,
    "infty": "∞", "ell": "ℓ", "hbar": "ℏ", "aleph": "ℵ", "nabla": "∇", "partial": "∂",
    "emptyset": "∅", "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗",
    "star": "⋆", "circ": "∘", "bullet": "•", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡",
    "propto": "∝", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "mapsto": "↦", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "cup": "∪", "cap": "∩", "forall": "∀",
    "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "oplus": "⊕", "otimes": "⊗",
    "odot": "⊙", "mid": "|", "vert": "|", "langle": "⟨", "rangle": "⟩", "lceil": "⌈",
    "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "sum": "∑", "prod": "∏", "int": "∫",
    "ldots": "…", "cdots": "⋯", "dots": "…", "prime": "′", "top": "⊤", "bot": "⊥",
    "dagger": "†", "%": "%", "#": "#", "&": "&", "$": "$", "_": "_", "{": "{",
    "}": "}", "|": "‖", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
}  # fmt: skip
_OPERATOR_NAMES = "log ln exp lg max min sup inf arg argmax argmin det dim sin cos tan lim"
OPERATORS = frozenset(_OPERATOR_NAMES.split())
# Relations and binary operators: spaced in the text forms ("k ≤ 4").
_RELATION_NAMES = """leq le geq ge neq ne approx sim simeq equiv propto to rightarrow leftarrow
Rightarrow Leftarrow leftrightarrow mapsto in notin subset subseteq supset times cdot pm mp"""
RELATIONS = frozenset(_RELATION_NAMES.split())
# Commands with one argument: how the .bib writes them, and the style their letters take.
ONE_ARG = {
    "mathrm": ("mathrm", ""), "operatorname": ("mathrm", ""), "mathit": ("mathit", "i"),
    "mathbf": ("mathbf", "b"), "boldsymbol": ("mathbf", "b"), "mathsf": ("mathsf", ""),
    "mathtt": ("mathtt", ""), "mathcal": ("mathcal", ""), "mathbb": ("mathbf", "bb"),
    "text": ("textrm", ""), "textrm": ("textrm", ""), "mbox": ("textrm", ""),
    "sqrt": ("sqrt", "sqrt"), "hat": ("hat", "\u0302"), "tilde": ("tilde", "\u0303"),
    "bar": ("bar", "\u0304"), "overline": ("overline", "\u0305"), "vec": ("vec", "\u20d7"),
    "dot": ("dot", "\u0307"),
}  # fmt: skip
TWO_ARGS = {"frac"}
_TEXT_ARG = frozenset(("textrm",))  # their argument is text: letters, digits, spaces, punctuation
_DOLLAR = re.compile(r"\$")
_CHARS = re.compile(r"[A-Za-z0-9+\-=()\[\]<>,.;:'!/|*]")
_TEXT_CHARS = re.compile(r"[A-Za-z0-9 .,:;!?'()/\-]*")
_BB = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
MAX_DEPTH = 8
NOCASE = '<span class="nocase">{}</span>'


class _Bad(Exception):
    """The span is not math refkit can vouch for."""


@dataclass(frozen=True)
class Math:
    """One `$...$` span that parsed."""

    source: str  # as written, without the dollars
    tex: str  # as the .bib writes it, without the dollars
    rich: str
    plain: str


# A node: (tex, rich, plain). Scripts and groups are rendered as they are parsed.
Node = tuple[str, str, str]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def seq(self, depth: int, close: str = "") -> list[Node]:
        """Nodes up to `close` (consumed) or the end; scripts checked for doubles."""
        if depth > MAX_DEPTH:
            raise _Bad
        nodes: list[Node] = []
        scripts: set[str] = set()
        while True:
            ch = self.peek()
            if ch == "":
                if close:
                    raise _Bad
                return nodes
            if ch == close:
                self.pos += 1
                return nodes
            if ch in "_^":
                if ch in scripts:
                    raise _Bad  # "Double subscript"
                scripts.add(ch)
                self.pos += 1
                nodes.append(_script(ch, self.arg(depth)))
                continue
            if ch == "'":
                if "^" in scripts:
                    raise _Bad  # x^2' is a double superscript
                self.pos += 1
                nodes.append(("'", "′", "′"))
                continue
            node = self.atom(depth)
            if node[0].strip():
                scripts = set()
            nodes.append(node)

    def arg(self, depth: int) -> Node:
        """A script's or command's argument: one token or a braced group."""
        while self.peek() == " ":
            self.pos += 1
        if self.peek() in ("", "}", "_", "^"):
            raise _Bad
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        ch = self.peek()
        self.pos += 1
        if ch == " ":
            return (" ", " ", " ")
        if ch == "{":
            return _join(self.seq(depth + 1, "}"), braced=True)
        if ch == "\\":
            return self.command(depth)
        if not _CHARS.fullmatch(ch):
            raise _Bad
        if ch.isalpha():
            return (ch, f"<i>{ch}</i>", ch)
        return (ch, f" {ch} ", f" {ch} ") if ch in "=<>" else (ch, ch, ch)

    def command(self, depth: int) -> Node:
        match = re.compile(r"[A-Za-z]+|[%#&$_{}|,;:! ]").match(self.text, self.pos)
        if not match:
            raise _Bad
        name = match.group()
        self.pos = match.end()
        if name in OPERATORS:
            return (f"\\{name}", f" {name} ", f" {name} ")
        if name in ONE_ARG:
            return self.one_arg(name, depth)
        if name in TWO_ARGS:
            a, b = self.arg(depth + 1), self.arg(depth + 1)
            tex = f"\\frac{_group(a[0])}{_group(b[0])}"
            return (
                tex,
                f"{_paren(a[1], a[2])}/{_paren(b[1], b[2])}",
                f"{_paren(a[2])}/{_paren(b[2])}",
            )
        if name in SYMBOLS:
            sym = f" {SYMBOLS[name]} " if name in RELATIONS else SYMBOLS[name]
            return (f"\\{name}", sym, sym)
        raise _Bad

    def one_arg(self, name: str, depth: int) -> Node:
        command, style = ONE_ARG[name]
        if command in _TEXT_ARG:
            start = self.pos
            if self.peek() != "{":
                raise _Bad
            end = self.text.find("}", start)
            inner = self.text[start + 1 : end] if end > 0 else "{"
            if not _TEXT_CHARS.fullmatch(inner):
                raise _Bad
            self.pos = end + 1
            return (f"\\textrm{{{inner}}}", inner, inner)
        a = self.arg(depth + 1)
        tex = f"\\{command}{_group(a[0])}"
        plain_text = _unitalic(a[1])
        if style == "sqrt":
            return (tex, "√" + _paren(plain_text, a[2]), "√" + _paren(a[2]))
        if style == "i":
            return (tex, a[1], a[2])
        if style == "b":
            return (tex, f"<b>{plain_text}</b>", a[2])
        if style == "bb":
            plain = "".join(_BB.get(c, c) for c in a[2])
            return (tex, plain, plain)
        if style and unicodedata.combining(style[0]):
            marked = a[1][:-4] + style + "</i>" if a[1].endswith("</i>") else a[1] + style
            return (tex, marked, a[2] + style)
        return (tex, plain_text, a[2])


def _group(tex: str) -> str:
    """`tex` as one braced argument (an atom from `{...}` already is one)."""
    return tex if tex.startswith("{") else "{" + tex + "}"


def _unitalic(rich: str) -> str:
    return rich.replace("<i>", "").replace("</i>", "")


def _paren(text: str, plain: str | None = None) -> str:
    size = len((plain if plain is not None else text).strip())
    return text.strip() if size <= 1 else f"({text.strip()})"


def _join(nodes: list[Node], braced: bool = False) -> Node:
    tex = "".join(n[0] for n in nodes)
    rich = "".join(n[1] for n in nodes).replace("</i><i>", "")
    plain = "".join(n[2] for n in nodes)
    return ("{" + tex + "}" if braced else tex, rich, plain)


def _script(kind: str, arg: Node) -> Node:
    tex = kind + _group(arg[0])
    table, tag = (SUB, "sub") if kind == "_" else (SUP, "sup")
    body = arg[2].replace(" ", "")
    if body and all(c in table for c in body):
        plain = "".join(table[c] for c in body)
    else:
        plain = kind + _paren(body)
    return (tex, f"<{tag}>{arg[1].strip()}</{tag}>", plain)


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> Math | None:
    """`source` (between the dollars) as Math, or None when refkit cannot vouch for it."""
    if not source or not source.isascii():
        return None
    try:
        tex, rich, plain = _join(_Parser(source).seq(0))
    except _Bad:
        return None
    if not plain.strip():
        return None
    return Math(source, tex.strip(), _tidy(rich), _tidy(plain))


def _tidy(text: str) -> str:
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r"(?<=[(\[]) | (?=[)\],])", "", text).strip()


def split(text: str) -> list[str | Math]:
    """`text` as plain pieces and math spans, in order (a text without math: `[text]`).

    Linear in the number of dollars: a title of 20,000 `$x ` (no `$` closes one) took 20 s when
    each opening searched every later dollar for its closing."""
    if "$" not in text:
        return [text]
    dollars = [m.start() for m in _DOLLAR.finditer(text)]
    bare = [i for i in dollars if i == 0 or text[i - 1] != "\\"]  # unescaped: may open math
    # A `$` closes math when a non-space that is not `\` comes before it and no digit after it.
    closings = [j for j in dollars if j and _closes(text, j)]
    out: list[str | Math] = []
    start = 0
    for n, i in enumerate(bare):
        after = text[i + 1 : i + 2]
        if i < start or not after.strip() or after == "$":
            continue  # inside the math just found, or followed by a space or a `$`
        c = bisect.bisect_right(closings, i)
        if c == len(closings):
            break  # nothing closes this opening, nor any later one
        j = closings[c]
        if n + 1 < len(bare) and bare[n + 1] < j:
            continue  # an unescaped `$` inside is no math (`parse` would refuse it)
        math = parse(text[i + 1 : j])
        if math is None:
            continue
        if i > start:
            out.append(text[start:i])
        out.append(math)
        start = j + 1
    if start < len(text):
        out.append(text[start:])
    return out


def _closes(text: str, j: int) -> bool:
    return text[j - 1] != "\\" and bool(text[j - 1].strip()) and not text[j + 1 : j + 2].isdigit()


def has_math(text: str) -> bool:
    return any(isinstance(p, Math) for p in split(text))


def rich(text: str) -> str:
    """`text` with its math as CSL rich text in a `nocase` span (styles that title-case or
    sentence-case titles leave it alone); the rest as it is."""
    return "".join(p if isinstance(p, str) else NOCASE.format(p.rich) for p in split(text))


def plain(text: str) -> str:
    """`text` with its math as Unicode text; the rest as it is."""
    return "".join(p if isinstance(p, str) else p.plain for p in split(text))
