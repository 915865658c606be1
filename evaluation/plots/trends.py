"""Headline indicators by wave: point estimates with 95% interval bars, one colour per wave.

Takes the stacked publishable table of :func:`evaluation.analyses.year_on_year.wave_indicators`
(``wave, indicator, label, population, n, pct, ci_low, ci_high``; suppressed cells ``[c]``).
Each indicator is a row; waves are dodged vertically within it in Okabe-Ito colours. A suppressed
estimate is drawn as a "[c] suppressed" label at the left edge: never as a zero.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.plots.style import OKABE_ITO, add_caption, set_alt_text, use_style

SUPPRESSED = "[c]"


def _row_labels(table: pd.DataFrame) -> list[str]:
    """One label per indicator, in first-seen order: "Aware of the framework (Frontline staff)"."""
    firsts = table.drop_duplicates("indicator")
    return [f"{r.label} ({r.population})" for r in firsts.itertuples()]


def trend_caption(table: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> str:
    """The figure's caption: what the points and bars are, and the n behind them per wave."""
    parts = []
    for wave, rows in table.groupby("wave", sort=True):
        n = pd.to_numeric(rows["n"].where(rows["n"] != SUPPRESSED), errors="coerce").dropna()
        if n.empty:
            parts.append(f"{wave}: all suppressed")
        else:
            parts.append(f"{wave}: n = {int(n.min()):,} to {int(n.max()):,} per indicator")
    return (
        "Points: % of the population answering positively; bars: Wilson 95% intervals. "
        f"Respondents answering ({'; '.join(parts)}). "
        f"[c]: suppressed (a count below {min_cell}), not zero."
    )


def trend_chart(
    table: pd.DataFrame, title: str | None = None, min_cell: int = DEFAULT_MIN_CELL
) -> plt.Figure:
    """Dot-and-interval chart of each indicator by wave (see the module docstring).

    The default title asks the question the figure answers ("Did the headline indicators change
    between 2025 and 2026?"); the caption (:func:`trend_caption`) gives the n.
    """
    use_style()
    waves = sorted(table["wave"].unique())
    if title is None:
        title = (
            f"Did the headline indicators change between {waves[0]} and {waves[-1]}?"
            if len(waves) > 1
            else f"Where did the headline indicators stand in {waves[0]}?"
        )
    indicators = list(dict.fromkeys(table["indicator"]))
    labels = _row_labels(table)
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(indicators) + 1.5))
    step = 0.6 / max(1, len(waves))
    for k, wave in enumerate(waves):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        rows = table[table["wave"] == wave].set_index("indicator")
        offset = -0.3 + step * (k + 0.5)
        for y, indicator in enumerate(indicators):
            if indicator not in rows.index:
                continue
            row = rows.loc[indicator]
            pos = y + offset
            if row["pct"] == SUPPRESSED:
                ax.text(
                    1, pos, f"{SUPPRESSED} suppressed", va="center", fontsize=8, color="#555555"
                )
                continue
            pct, low, high = float(row["pct"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                pct,
                pos,
                xerr=[[pct - low], [high - pct]],
                fmt="o",
                color=colour,
                markersize=5,
                capsize=3,
            )
    handles = [
        plt.Line2D([], [], marker="o", color=OKABE_ITO[k % len(OKABE_ITO)], label=str(w))
        for k, w in enumerate(waves)
    ]
    ax.legend(handles=handles, title="Wave", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_yticks(range(len(indicators)), labels)
    ax.set_ylim(len(indicators) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% (95% interval)")
    ax.set_title(title)
    add_caption(fig, trend_caption(table, min_cell))
    said = []
    for indicator, label in zip(indicators, labels, strict=True):
        rows = table[table["indicator"] == indicator]
        values = [
            f"{w}: " + ("not shown" if r == SUPPRESSED else f"{float(r):.0f}%")
            for w, r in zip(rows["wave"], rows["pct"], strict=True)
        ]
        said.append(f"{label} {', '.join(values)}")
    set_alt_text(
        fig,
        f"{title} Dot chart with 95% intervals of each headline indicator by wave. "
        + "; ".join(said)
        + ".",
    )
    return fig
