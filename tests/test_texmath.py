"""Inline TeX math in titles: what counts as math, and its TeX, CSL rich text and Unicode forms."""

from __future__ import annotations

import pytest

from refkit import texmath
from refkit.writers import latex


@pytest.mark.parametrize(
    ("title", "tex", "rich", "plain"),
    [
        pytest.param(
            r"Radial Attention: $O(n\log n)$ Sparse Attention",
            r"Radial Attention: {$O(n\log n)$} Sparse Attention",
            "Radial Attention: <i>O</i>(<i>n</i> log <i>n</i>) Sparse Attention",
            "Radial Attention: O(n log n) Sparse Attention",
            id="big-o",
        ),
        pytest.param(
            "H$_2$O: Heavy-Hitter Oracle",
            "{H{$_{2}$}O}: Heavy-Hitter Oracle",
            "H<sub>2</sub>O: Heavy-Hitter Oracle",
            "H₂O: Heavy-Hitter Oracle",
            id="h2o",
        ),
        pytest.param(
            r"$\infty$Bench: Long Contexts",
            r"{{$\infty$}Bench}: Long Contexts",
            "∞Bench: Long Contexts",
            "∞Bench: Long Contexts",
            id="infty-bench",
        ),
        pytest.param(
            "L$^3$: Large Lookup Layers",
            "{L{$^{3}$}}: Large Lookup Layers",
            "L<sup>3</sup>: Large Lookup Layers",
            "L³: Large Lookup Layers",
            id="l3",
        ),
        pytest.param(
            "Top-$p$ Sampling",
            "Top-{$p$} Sampling",
            "Top-<i>p</i> Sampling",
            "Top-p Sampling",
            id="top-p",
        ),
        pytest.param(
            r"$W_{4}A_8$ with $k \leq 4$ and $x_{\max}$",
            r"{$W_{4}A_{8}$} with {$k \leq 4$} and {$x_{\max}$}",
            "<i>W</i><sub>4</sub><i>A</i><sub>8</sub> with <i>k</i> ≤ 4 and <i>x</i><sub>max</sub>",
            "W₄A₈ with k ≤ 4 and xₘₐₓ",
            id="scripts-relations-operators",
        ),
        pytest.param(
            r"$\text{top-}k$ over $\mathbb{R}^d$",
            r"{$\textrm{top-}k$} over {$\mathbf{R}^{d}$}",
            "top-<i>k</i> over ℝ<sup><i>d</i></sup>",
            "top-k over ℝᵈ",
            id="amsmath-commands-rewritten-for-the-kernel",
        ),
        pytest.param(
            "costs $5 and $10",
            r"costs \$5 and \$10",
            "costs $5 and $10",
            "costs $5 and $10",
            id="dollars-not-math",
        ),
        pytest.param(
            r"$\foo$ and $x^2^3$ and a \$ sign",
            r"\$\textbackslash{}foo\$ and \$x\textasciicircum{}2\textasciicircum{}3\$ and a \textbackslash{}\$ sign",
            r"$\foo$ and $x^2^3$ and a \$ sign",
            r"$\foo$ and $x^2^3$ and a \$ sign",
            id="unknown-command-double-script-escaped-dollar",
        ),
    ],
)
def test_math_forms(title: str, tex: str, rich: str, plain: str) -> None:
    assert latex.title(title) == tex
    assert latex.title(title, ascii_only=False) == tex
    assert _bare(texmath.rich(title)) == rich
    assert texmath.plain(title) == plain


def _bare(rich: str) -> str:
    return rich.replace('<span class="nocase">', "").replace("</span>", "")


def test_rich_math_is_nocase() -> None:
    """CSL styles title-case titles ("log" -> "Log"); math is kept out of it."""
    assert texmath.rich("H$_2$O and Top-$p$") == (
        'H<span class="nocase"><sub>2</sub></span>O and Top-<span class="nocase"><i>p</i></span>'
    )


@pytest.mark.parametrize(
    "source",
    ["", " x", "x ", "x_", "x^", "x_1_2", "x^2'", "{x", "x}", "é", r"\\", "a&b",
     "a%b", "a#b", r"\left(x\right)", "x~y", "a\"b", r"\text{a_b}", "{" * 20 + "x" + "}" * 20],
)  # fmt: skip
def test_not_math(source: str) -> None:
    """Spans refkit cannot vouch for stay text (they would stop pdflatex or are not math)."""
    assert texmath.split(f"A ${source}$ B") == [f"A ${source}$ B"]


def test_math_tex_is_rebuilt_not_copied() -> None:
    (math,) = texmath.split(r"$\frac{1}{2}\sqrt{n}\hat{x}\operatorname{softmax}(x)$")
    assert not isinstance(math, str)
    assert math.tex == r"\frac{1}{2}\sqrt{n}\hat{x}\mathrm{softmax}(x)"
    assert math.plain == "1/2√nx̂softmax(x)"


def test_key_title_word_has_no_math_junk() -> None:
    from refkit import keys

    name = {"family": "Zhang", "given": "Z"}
    assert keys.base(name, "", 2023, texmath.plain("H$_2$O: Heavy-Hitter Oracle")) == "zhang2023h2o"
    assert keys.base(name, "", 2024, texmath.plain(r"$\infty$Bench: X")) == "zhang2024bench"
    assert keys.base(name, "", 2025, texmath.plain("L$^3$: Large")) == "zhang2025l3"
