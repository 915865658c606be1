"""One accessible style for every figure, and reproducible saving.

The palette is Okabe-Ito (distinguishable with the common colour-vision deficiencies). Diverging
agreement scales use a colour-blind-safe brown-to-teal ramp with a grey midpoint. Figures are saved
as PNG and SVG with no timestamps in their metadata, so two runs give identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
# Five-point agreement, Strongly disagree -> Strongly agree (BrBG-like, colour-blind safe).
DIVERGING_5 = ["#a6611a", "#dfc27d", "#d9d9d9", "#80cdc1", "#018571"]
# Disagree / neither / agree when five-point detail would reveal small numbers (BrBG mid tones).
DIVERGING_3 = ["#bf812d", "#d9d9d9", "#35978f"]
SUPPRESSED_COLOUR = "#bdbdbd"  # fills only: suppressed text is drawn in TEXT_COLOUR / #555555
HIDDEN_FACE = "#f0f0f0"  # a hidden part of a bar: hatched light grey
HIDDEN_EDGE = "#767676"  # 4.5:1 on white (WCAG AA)
TEXT_COLOUR = "#222222"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a colour."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two colours (AA asks 4.5:1 for normal text)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable_text_colour(background: str) -> str:
    """Black-ish or white text, whichever contrasts more with ``background``."""
    dark, light = TEXT_COLOUR, "#ffffff"
    return dark if contrast_ratio(dark, background) >= contrast_ratio(light, background) else light


def set_alt_text(fig: plt.Figure, text: str) -> None:
    """Attach a figure's alt text (read by :meth:`evaluation.publishing.ReportContext.figure`)."""
    fig.arf_alt_text = " ".join(text.split())  # type: ignore[attr-defined]


def alt_text(fig: plt.Figure) -> str:
    """A figure's alternative text, or an empty string when none was attached."""
    return str(getattr(fig, "arf_alt_text", ""))


def use_style() -> None:
    """Apply the workbench style (call once per process; plotting functions call it too)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=OKABE_ITO, font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "svg.hashsalt": "arf-evaluation",  # stable SVG ids
            "svg.fonttype": "none",
        }
    )


def add_caption(fig: plt.Figure, text: str) -> None:
    """A caption under the axes (the n and the method, for example)."""
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=9, color="#333333", wrap=True)


def save_figure(fig: plt.Figure, folder: Path | str, name: str) -> list[Path]:
    """Save ``fig`` as ``name.png`` and ``name.svg`` in ``folder`` without timestamps."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    svg = folder / f"{name}.svg"
    fig.savefig(png, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    return [png, svg]


def describe_values(labels: list[str], values: list[float | None], unit: str = "%") -> str:
    """ "A 30% (...), B 45%; not shown: C" for alt text (None = suppressed)."""
    shown = [f"{label} {value:.0f}{unit}" for label, value in zip(labels, values, strict=True)
             if value is not None]  # fmt: skip
    hidden = [label for label, value in zip(labels, values, strict=True) if value is None]
    text = "; ".join(shown) if shown else "no value shown"
    if hidden:
        text += "; not shown (too few respondents): " + ", ".join(hidden)
    return text


SHORT_WORDS = {"arf": "ARF", "org": "organisation", "12m": "(12 months)", "icb": "ICB",
               "afc": "AfC", "id": "ID"}  # fmt: skip


def short_label(variable: str) -> str:
    """A short axis label for a variable: "confident_to_report" -> "Confident to report"."""
    words = [SHORT_WORDS.get(w, w) for w in str(variable).split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
