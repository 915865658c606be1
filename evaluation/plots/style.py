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
SUPPRESSED_COLOUR = "#bdbdbd"


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
