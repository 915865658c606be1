"""Figures of the survey analyses; each takes a published (suppressed) table.

Figures are drawn from the same suppressed tables that are published, so a figure can never show
what a table hides: a suppressed group is drawn as a grey "suppressed" placeholder, never as a
zero bar. Agreement scales are diverging stacked bars centred on the neutral answer (half of
"Neither" each side of zero), so the balance of disagreement and agreement reads at a glance.
Titles state the question the figure answers; captions give n and the interval method.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.disclosure import MARKER
from evaluation.plots.style import (
    DIVERGING_5,
    OKABE_ITO,
    SUPPRESSED_COLOUR,
    add_caption,
    describe_values,
    set_alt_text,
    use_style,
)

SUPPRESSED_LABEL = f"suppressed {MARKER} (too few respondents)"


def _numeric(values: pd.Series) -> pd.Series:
    """Published values as floats; the marker (and blanks) become NaN."""
    return pd.to_numeric(values.where(values.astype("string") != MARKER), errors="coerce")


def _shown_n(table: pd.DataFrame, keys: Sequence[str]) -> int:
    """Respondents behind the shown rows (one n per group of ``keys``)."""
    n = _numeric(table["n"])
    firsts = table.assign(_n=n).drop_duplicates(subset=list(keys))
    return int(firsts["_n"].fillna(0).sum())


def diverging_agreement(
    distribution: pd.DataFrame,
    group_col: str,
    title: str,
    levels: Sequence[str] | None = None,
    facet_col: str | None = None,
    caption: str = "",
) -> plt.Figure:
    """Diverging stacked bars of a five-point agreement distribution per group.

    ``distribution`` has ``group_col, response, n, pct`` (and ``facet_col``, e.g. ``item``, for one
    panel per item). Disagreement goes left of zero, agreement right, the neutral answer is split
    across zero. A group with any suppressed answer is drawn as a suppressed placeholder (its
    remaining shares alone would mislead).
    """
    use_style()
    levels = list(levels) if levels is not None else list(dict.fromkeys(distribution["response"]))
    if len(levels) != len(DIVERGING_5):
        raise ValueError("diverging_agreement expects a five-point scale")
    facets = list(dict.fromkeys(distribution[facet_col])) if facet_col else [None]
    groups = list(dict.fromkeys(distribution[group_col]))
    fig, axes = plt.subplots(
        len(facets),
        1,
        figsize=(9, 0.45 * len(groups) * len(facets) + 1.2 * len(facets) + 0.6),
        squeeze=False,
        sharex=True,
    )
    for ax, facet in zip(axes[:, 0], facets, strict=True):
        part = distribution if facet is None else distribution[distribution[facet_col] == facet]
        for y, group in enumerate(groups):
            rows = part[part[group_col] == group].set_index("response").reindex(levels)
            pct = _numeric(rows["pct"])
            if pct.isna().any():
                ax.barh(y, 100, left=-50, color=SUPPRESSED_COLOUR, alpha=0.4, height=0.7)
                ax.text(0, y, SUPPRESSED_LABEL, ha="center", va="center", fontsize=8)
                continue
            values = pct.to_numpy()
            start = -(values[0] + values[1] + values[2] / 2)
            for value, colour, level in zip(values, DIVERGING_5, levels, strict=True):
                ax.barh(y, value, left=start, color=colour, height=0.7, label=level)
                start += value
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_yticks(range(len(groups)), [str(g) for g in groups])
        ax.invert_yaxis()
        ax.set_xlim(-100, 100)
        if facet is not None:
            ax.set_title(str(facet), fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("% of respondents (disagree to the left, agree to the right)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in DIVERGING_5]
    fig.legend(
        handles,
        levels,
        loc="upper center",
        ncol=5,
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, -0.07),
    )
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    keys = [group_col] + ([facet_col] if facet_col else [])
    n = _shown_n(distribution, keys) // max(len(facets), 1)
    add_caption(fig, caption or f"n = {n:,} respondents in shown groups (per item).")
    fig.tight_layout()
    return fig


def proportions_with_intervals(
    table: pd.DataFrame,
    group_col: str,
    pct_col: str,
    title: str,
    hue_col: str | None = None,
    xlabel: str = "% of respondents (95% Wilson interval)",
    caption: str = "",
) -> plt.Figure:
    """Percentages with 95% interval bars per group (awareness by seniority, barriers, ...).

    ``table`` is a published table with ``group_col, n, pct_col, ci_low, ci_high``; with
    ``hue_col`` (e.g. ethnicity group) the groups are dodged and coloured. Suppressed rows are
    labelled as suppressed at their position.
    """
    use_style()
    groups = list(dict.fromkeys(table[group_col]))
    hues = list(dict.fromkeys(table[hue_col])) if hue_col else [None]
    described: list[str] = []
    values: list[float | None] = []
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(groups) * max(1, len(hues) * 0.6) + 1.5))
    offsets = np.linspace(-0.25, 0.25, len(hues)) if len(hues) > 1 else [0.0]
    for hue, offset, colour in zip(hues, offsets, OKABE_ITO, strict=False):
        part = table if hue is None else table[table[hue_col] == hue]
        for _, row in part.iterrows():
            y = groups.index(row[group_col]) + offset
            pct = _numeric(pd.Series([row[pct_col]])).iloc[0]
            described.append(str(row[group_col]) + ("" if hue is None else f", {hue}"))
            if np.isnan(pct):
                values.append(None)
                # beside other groups' dots a long label would run over them: the marker alone,
                # explained in the caption
                label = SUPPRESSED_LABEL if hue is None else f"{MARKER} {hue}"
                ax.text(1, y, label, va="center", fontsize=7 if hue else 8, color="#555555",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})  # fmt: skip
                continue
            values.append(float(pct))
            low, high = float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                pct,
                y,
                xerr=[[pct - low], [high - pct]],
                fmt="o",
                color=colour,
                capsize=3,
                label=None if hue is None else str(hue),
            )
    ax.set_yticks(range(len(groups)), [str(g) for g in groups])
    ax.set_ylim(len(groups) - 0.5, -0.5)  # every dodged row inside the axes, first on top
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if hue_col:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), title=hue_col.replace("_", " "), fontsize=8,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0))  # fmt: skip
    ax.set_title(title)
    keys = [group_col] + ([hue_col] if hue_col else [])
    n_text = caption or f"n = {_shown_n(table, keys):,} respondents in shown groups."
    if hue_col and values.count(None):
        n_text += f" {MARKER}: not shown (too few respondents)."
    add_caption(fig, n_text)
    set_alt_text(
        fig,
        f"{title} Dot chart with 95% intervals, {xlabel.split('(')[0].strip()}: "
        f"{describe_values(described, values)}. {n_text}",
    )
    return fig


def reporting_funnel(funnel: pd.DataFrame, title: str, caption: str = "") -> plt.Figure:
    """The reporting funnel: each step's percentage of the previous step, with intervals.

    ``funnel`` is the published ``reporting_funnel`` table (``step, n, count, pct, ci_low,
    ci_high``). Bars are labelled with count / n; a suppressed step says so.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    labels = {
        "experienced_or_witnessed": "Experienced or witnessed racism",
        "reported": "... and it was reported",
        "satisfied": "... and satisfied with the response",
    }
    said = []
    for y, (_, row) in enumerate(funnel.iterrows()):
        pct = _numeric(pd.Series([row["pct"]])).iloc[0]
        step = labels.get(row["step"], str(row["step"])).replace("... ", "")
        said.append(
            f"{step}: "
            + (
                "not shown (too few respondents)"
                if np.isnan(pct)
                else f"{pct:.0f}% ({row['count']} of {row['n']})"
            )
        )
        if np.isnan(pct):
            ax.barh(y, 100, color=SUPPRESSED_COLOUR, alpha=0.4)
            ax.text(50, y, SUPPRESSED_LABEL, ha="center", va="center", fontsize=8)
            continue
        low, high = float(row["ci_low"]), float(row["ci_high"])
        ax.barh(y, pct, color=OKABE_ITO[0], xerr=[[pct - low], [high - pct]], capsize=3)
        ax.text(high + 1, y, f"{pct:.0f}% ({row['count']} of {row['n']})", va="center", fontsize=8)
    ax.set_yticks(range(len(funnel)), [labels.get(s, s) for s in funnel["step"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the previous step (95% Wilson interval)")
    ax.set_title(title)
    first = _numeric(funnel["n"]).iloc[0]
    default = f"n = {int(first):,} answered the first step." if not np.isnan(first) else ""
    add_caption(fig, caption or default)
    set_alt_text(
        fig,
        f"{title} Bar chart of the reporting funnel, each step as a percentage of "
        f"the previous one: {'; '.join(said)}.",
    )
    return fig


def barriers_chart(table: pd.DataFrame, title: str, caption: str = "") -> plt.Figure:
    """Barrier options ordered by prevalence, with 95% intervals (from ``barriers_overall``)."""
    ordered = table.assign(_pct=_numeric(table["pct_selected"])).sort_values(
        "_pct", ascending=False, na_position="last"
    )
    # every option has the same denominator (those who answered the question): n is respondents,
    # not respondents x options
    n = _numeric(table["n"]).dropna()
    default = (
        f"n = {int(n.max()):,} respondents who answered the question; each could select several "
        "options."
        if not n.empty
        else ""
    )
    return proportions_with_intervals(
        ordered.drop(columns="_pct"),
        "option",
        "pct_selected",
        title,
        xlabel="% of respondents selecting the option (95% Wilson interval; options not exclusive)",
        caption=caption or default,
    )
