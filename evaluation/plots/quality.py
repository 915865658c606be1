"""Figures for the data-quality section: item missingness and the response profile."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.plots.style import (
    OKABE_ITO,
    SUPPRESSED_COLOUR,
    describe_values,
    set_alt_text,
    short_label,
    use_style,
)

SUPPRESSED = "[c]"


def missingness_chart(missing: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: % of those asked who left each question blank."""
    use_style()
    data = missing.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(data) + 1))
    labels = [short_label(v) for v in data["variable"]]
    pct = pd.to_numeric(data["pct_not_answered"].where(data["pct_not_answered"] != SUPPRESSED),
                        errors="coerce")  # fmt: skip
    ax.barh(labels, pct.fillna(0), color=OKABE_ITO[0])
    for y, hidden in enumerate((data["pct_not_answered"].astype(str) == SUPPRESSED).tolist()):
        if hidden:  # a small count: suppressed, drawn as a grey stub
            ax.barh(y, 0.5, color=SUPPRESSED_COLOUR)
            ax.text(0.8, y, SUPPRESSED, va="center", fontsize=7, color="#555555")
    ax.set_xlabel("% of those asked who did not answer")
    ax.set_ylabel("")
    ax.set_xlim(0, max(10.0, float(pct.max() if pct.notna().any() else 0) * 1.15))
    ax.set_title("Which questions were left unanswered?")
    shown = pd.to_numeric(
        missing["pct_not_answered"].where(missing["pct_not_answered"] != SUPPRESSED),
        errors="coerce",
    )
    ranked = missing.assign(_p=shown).dropna(subset=["_p"]).sort_values("_p", ascending=False)
    top = ranked[ranked["_p"] > 0].head(5)
    complete = int((ranked["_p"] == 0).sum())
    most = describe_values([short_label(v) for v in top["variable"]], [float(v) for v in top["_p"]])
    set_alt_text(
        fig,
        f"Bar chart of the share of those asked who left each of {len(missing)} "
        f"questions unanswered. Most often unanswered: {most}. {complete} questions were "
        "answered by everyone asked.",
    )
    return fig


def profile_chart(profile: pd.DataFrame, by: str, label: str | None = None) -> plt.Figure:
    """Bars of % of respondents per group; suppressed groups drawn as grey stubs labelled [c]."""
    use_style()
    pct = pd.to_numeric(profile["pct"].where(profile["pct"] != SUPPRESSED), errors="coerce")
    suppressed = profile["pct"].astype(str) == SUPPRESSED
    labels = profile[by].astype(str)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(profile) + 1))
    ax.barh(labels, pct.fillna(0), color=OKABE_ITO[0])
    for y, hidden in enumerate(suppressed):
        if hidden:
            ax.barh(y, 1.0, color=SUPPRESSED_COLOUR)
            ax.text(1.5, y, SUPPRESSED + " suppressed", va="center", fontsize=9, color="#555555")
    ax.invert_yaxis()
    ax.set_xlabel("% of respondents")
    ax.set_title(f"Who answered, by {label or by.replace('_', ' ')}?")
    values = [None if hidden else float(v) for v, hidden in zip(pct, suppressed, strict=True)]
    set_alt_text(
        fig,
        f"Bar chart of respondents by {label or by.replace('_', ' ')}, as % of "
        f"respondents: {describe_values(list(labels), values)}.",
    )
    return fig
