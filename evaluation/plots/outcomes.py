"""Figures of the outcomes section: group means over the years, and the event study.

Both take the published tables of :mod:`evaluation.outcomes.analysis` (``comparison_over_time``
and ``event_study_table``) and draw points with 95% interval bars; nothing is computed here.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.plots.style import OKABE_ITO, use_style


def comparison_plot(table: pd.DataFrame, title: str) -> plt.Figure:
    """One panel per comparison: the mean adjusted rate by year for each group, with intervals."""
    use_style()
    rows = table[~table["group"].str.startswith("difference")]
    comparisons = list(dict.fromkeys(rows["comparison"]))
    fig, axes = plt.subplots(
        1,
        max(len(comparisons), 1),
        figsize=(5 * max(len(comparisons), 1), 3.6),
        squeeze=False,
        sharey=True,
    )
    for ax, comparison in zip(axes[0], comparisons, strict=False):
        part = rows[rows["comparison"] == comparison]
        groups = list(dict.fromkeys(part["group"]))
        for k, group in enumerate(groups):
            g = part[part["group"] == group].sort_values("year")
            x = g["year"].astype(float) + (k - (len(groups) - 1) / 2) * 0.08
            y = g["mean_adjusted"].astype(float)
            err = np.vstack([y - g["ci_low"].astype(float), g["ci_high"].astype(float) - y])
            ax.errorbar(
                x,
                y,
                yerr=err,
                marker="o",
                capsize=3,
                color=OKABE_ITO[k % len(OKABE_ITO)],
                label=group,
            )
        ax.set_title(comparison, fontsize=10)
        ax.set_xlabel("survey year")
        ax.set_xticks(sorted(part["year"].astype(int).unique()))
        ax.legend(fontsize=8, frameon=False)
    axes[0][0].set_ylabel("% (at a fixed ethnic-minority share)")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def event_study_plot(table: pd.DataFrame, title: str) -> plt.Figure:
    """Effect by years since the first treated year (analytic 95% intervals; 0 = award year)."""
    use_style()
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    if len(table):
        y = table["att"].astype(float)
        err = np.vstack([y - table["ci_low"].astype(float), table["ci_high"].astype(float) - y])
        ax.errorbar(
            table["years_since"].astype(int), y, yerr=err, marker="o", capsize=3, color=OKABE_ITO[0]
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("years since the first survey after the award")
    ax.set_ylabel("effect (percentage points)")
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
