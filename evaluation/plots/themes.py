"""Figures for thematic coding: prevalence with intervals, co-occurrence, themes by seniority.

Each function takes a result frame from :mod:`evaluation.text.framework` (already suppressed:
``[c]`` cells are drawn as "suppressed", never as zero) and returns a matplotlib figure; saving
and numbering is the report's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from evaluation.plots.style import (
    OKABE_ITO,
    add_caption,
    describe_values,
    set_alt_text,
    use_style,
)


def _numeric(values: pd.Series) -> pd.Series:
    """Numbers from a suppressed column (``[c]`` becomes NaN)."""
    return pd.to_numeric(values.astype("string").replace("[c]", pd.NA), errors="coerce")


def _labels(codes: Sequence[str], names: Mapping[str, str] | None) -> list[str]:
    return [names.get(c, c) if names else c for c in codes]


def plot_theme_prevalence(
    prevalence: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    title: str = "Which themes did people raise?",
    caption: str = "",
) -> plt.Figure:
    """Horizontal bars of ``pct`` per theme with Wilson 95% intervals (``ci_low``, ``ci_high``)."""
    use_style()
    pct = _numeric(prevalence["pct"])
    lo, hi = _numeric(prevalence["ci_low"]), _numeric(prevalence["ci_high"])
    labels = _labels(prevalence["code_id"].tolist(), names)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.5))
    y = np.arange(len(labels))
    shown = pct.notna().to_numpy()
    ax.barh(y[shown], pct[shown], color=OKABE_ITO[0])
    ax.errorbar(
        pct[shown],
        y[shown],
        # each limit rounded on its own can pass its rounded share by 0.1: no negative bar
        xerr=np.clip([pct[shown] - lo[shown], hi[shown] - pct[shown]], 0, None),
        fmt="none",
        ecolor="#333333",
        capsize=3,
    )
    for i in y[~shown]:
        ax.text(1, i, "suppressed (fewer than the minimum cell)", va="center", color="#555555")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% (95% Wilson interval)")
    set_alt_text(
        fig,
        f"{title} Bar chart with 95% intervals of the share raising each theme: "
        + describe_values(labels, [None if pd.isna(v) else float(v) for v in pct])
        + ".",
    )
    ax.set_title(title)
    if caption:
        add_caption(fig, caption)
    return fig


def plot_cooccurrence(
    matrix: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    title: str = "Which themes are raised together?",
    caption: str = "",
    min_cell: int = 0,
) -> plt.Figure:
    """Heatmap of a code x code co-occurrence count matrix (lower triangle and diagonal).

    Counts from 1 to ``min_cell - 1`` are left blank (suppressed), as in every published table;
    the caption should say so.
    """
    use_style()
    labels = _labels(list(matrix.index), names)
    values = matrix.to_numpy(dtype=float)
    small = (values > 0) & (values < min_cell)
    mask = np.triu(np.ones_like(values, dtype=bool), k=1) | small
    fig, ax = plt.subplots(figsize=(0.6 * len(labels) + 4, 0.5 * len(labels) + 3))
    sns.heatmap(
        pd.DataFrame(values, index=labels, columns=labels),
        mask=mask,
        annot=True,
        fmt=".0f",
        cmap="Blues",
        cbar_kws={"label": "passages carrying both"},
        ax=ax,
    )
    ax.set_title(title)
    if caption:
        add_caption(fig, caption)
    pairs = [
        (values[i, j], f"{labels[i]} with {labels[j]}")
        for i in range(len(labels))
        for j in range(i)
        if not mask[i, j] and values[i, j] > 0
    ]
    top = sorted(pairs, reverse=True)[:3]
    set_alt_text(
        fig,
        f"{title} Heatmap of how often two themes are coded on the same answer. "
        + (
            "Most frequent pairs: " + "; ".join(f"{t} ({v:.0f})" for v, t in top)
            if top
            else "No pair is shown."
        )
        + (f" {caption}" if caption else ""),
    )
    return fig


def plot_themes_by_group(
    by_group: pd.DataFrame,
    by: str,
    names: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    title: str = "Which themes did each group raise?",
    caption: str = "",
) -> plt.Figure:
    """Dot plot of ``pct`` per theme (rows) and group (colours), from ``themes_by_attribute``.

    Suppressed cells are left out and listed in the legend title, so a missing dot is explained.
    """
    use_style()
    frame = by_group.assign(pct=_numeric(by_group["pct"]))
    groups = list(order) if order is not None else list(pd.unique(frame[by]))
    codes = list(pd.unique(frame["code_id"]))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(codes) + 1.8))
    offsets = np.linspace(-0.25, 0.25, max(len(groups), 1))
    hidden = []
    for colour, offset, group in zip(OKABE_ITO, offsets, groups, strict=False):
        rows = frame[frame[by].astype(str) == str(group)].set_index("code_id").reindex(codes)
        shown = rows["pct"].notna().to_numpy()
        if not shown.any():
            hidden.append(str(group))
            continue
        y = np.arange(len(codes))[shown] + offset
        ax.scatter(rows["pct"][shown], y, color=colour, label=str(group), zorder=3)
    ax.set_yticks(np.arange(len(codes)), _labels(codes, names))
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% raising the theme")
    legend_title = by.replace("_", " ")
    if hidden:
        legend_title += f"\n(suppressed: {', '.join(hidden)})"
    ax.legend(title=legend_title, loc="lower right", fontsize=8)
    ax.set_title(title)
    said = []
    for group in groups:
        rows = frame[frame[by].astype(str) == str(group)].set_index("code_id").reindex(codes)
        values = [None if pd.isna(v) else float(v) for v in rows["pct"]]
        said.append(f"{group}: {describe_values(_labels(codes, names), values)}")
    set_alt_text(
        fig,
        f"{title} Dot chart of the share raising each theme by "
        f"{by.replace('_', ' ')}. " + ". ".join(said) + ".",
    )
    if caption:
        add_caption(fig, caption)
    return fig
