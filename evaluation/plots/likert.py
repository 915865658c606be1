"""Diverging bars of agreement items that keep every group that can be shown.

Each group is drawn at the finest level of detail its published tables allow
(:func:`evaluation.analyses.likert.agreement_shown`): the five answers when its five-point detail
is published, else disagree / neither / agree, else only the shown parts, with what must stay
hidden drawn as one hatched segment ("not shown separately"); a group whose size is hidden says so.
Bars are centred on the neutral answer (half each side of zero), labelled with their
percentages, with the total disagreeing at the left end and agreeing at the right end, and each
panel is titled by the item's question wording (the ``ggstats::gglikert`` conventions).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from evaluation.analyses.likert import (
    AGREE,
    COLLAPSED,
    DISAGREE,
    NEITHER,
    LikertTables,
    agreement_shown,
    item_wording,
)
from evaluation.disclosure import MARKER
from evaluation.plots.style import (
    DIVERGING_3,
    DIVERGING_5,
    HIDDEN_EDGE,
    HIDDEN_FACE,
    TEXT_COLOUR,
    add_caption,
    readable_text_colour,
    set_alt_text,
    use_style,
)

HIDDEN_TEXT = "not shown separately (too few)"
GROUP_HIDDEN_TEXT = f"{MARKER} too few respondents to show"
MIN_LABEL_WIDTH = 6.0  # percentage points: narrower segments carry no label


def _segments(part: pd.DataFrame, levels: list[str]) -> list[tuple[str, float | None]]:
    """(response, pct or None when hidden) in scale order, hidden neighbours merged."""
    pct = dict(zip(part["response"], part["pct"], strict=True))
    out: list[tuple[str, float | None]] = []
    for level in levels:
        value = pct.get(level, np.nan)
        value = None if value is None or np.isnan(value) else float(value)
        if value is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + "|" + level, None)
        else:
            out.append((level, value))
    return out


def _start(segments: list[tuple[str, float | None]], sizes: list[float], neutral: str) -> float:
    """Where the bar starts so that zero sits in the middle of the neutral answer."""
    left = 0.0
    for (name, value), size in zip(segments, sizes, strict=True):
        if name == neutral and value is not None:
            return -(left + size / 2)
        if neutral in name.split("|"):
            # the neutral answer is hidden with a neighbour: zero at the edge facing agreement
            disagree_side = name.split("|")[0] != neutral
            return -(left + size) if disagree_side else -left
        left += size
    return -left / 2


def likert_chart(
    tables: LikertTables,
    title: str,
    group_label: str | None = None,
    caption: str = "",
) -> plt.Figure:
    """Diverging stacked bars of ``tables`` (see the module docstring); alt text attached."""
    use_style()
    shown = agreement_shown(tables)
    levels5 = list(tables.levels)
    groups = list(dict.fromkeys(shown["group"]))
    items = list(tables.items)
    height = sum(0.42 * len(groups) + 0.95 for _ in items) + 0.9
    fig, axes = plt.subplots(len(items), 1, figsize=(9.5, height), squeeze=False, sharex=True)
    colours = dict(zip(levels5, DIVERGING_5, strict=True)) | dict(
        zip(COLLAPSED, DIVERGING_3, strict=True)
    )
    descriptions = []
    for ax, item in zip(axes[:, 0], items, strict=True):
        part_item = shown[shown["item"] == item]
        said = []
        for y, group in enumerate(groups):
            part = part_item[part_item["group"] == group]
            level = part["level"].iloc[0]
            n = part["n"].iloc[0]
            if level == "hidden" or np.isnan(n) or part["pct"].isna().all():
                ax.barh(y, 200, left=-100, color=HIDDEN_FACE, edgecolor="none", height=0.72)
                ax.text(
                    0, y, GROUP_HIDDEN_TEXT, ha="center", va="center", fontsize=8, color=TEXT_COLOUR
                )
                said.append(f"{group}: not shown (too few respondents)")
                continue
            order = levels5 if level == "detail" else list(COLLAPSED)
            segments = _segments(part, order)
            known = sum(v for _, v in segments if v is not None)
            # hidden runs share the rest; with two runs (either side of a shown answer) their
            # split is unknown and drawn as equal halves, each labelled as not shown
            runs = sum(v is None for _, v in segments)
            rest = max(100 - known, 0.0) / max(runs, 1)
            sizes = [v if v is not None else rest for _, v in segments]
            neutral = levels5[2] if level == "detail" else NEITHER
            start = _start(segments, sizes, neutral)
            for (name, value), size in zip(segments, sizes, strict=True):
                if value is None:
                    ax.barh(
                        y,
                        size,
                        left=start,
                        color=HIDDEN_FACE,
                        edgecolor=HIDDEN_EDGE,
                        hatch="////",
                        height=0.72,
                        linewidth=0.6,
                    )
                    if size >= 30:  # narrower hatches are explained by the legend
                        ax.text(
                            start + size / 2,
                            y,
                            HIDDEN_TEXT,
                            ha="center",
                            va="center",
                            fontsize=7,
                            color=TEXT_COLOUR,
                            bbox={"facecolor": HIDDEN_FACE, "edgecolor": "none", "pad": 1},
                        )
                else:
                    colour = colours[name]
                    ax.barh(y, size, left=start, color=colour, height=0.72)
                    if size >= MIN_LABEL_WIDTH:
                        ax.text(
                            start + size / 2,
                            y,
                            f"{value:.0f}%",
                            ha="center",
                            va="center",
                            fontsize=8,
                            color=readable_text_colour(colour),
                        )
                start += size
            agree, disagree = _totals(segments, level, levels5)
            bar_left = _start(segments, sizes, neutral)
            if disagree is not None:
                ax.text(
                    bar_left - 1.5,
                    y,
                    f"{disagree:.0f}%",
                    ha="right",
                    va="center",
                    fontsize=8,
                    color=TEXT_COLOUR,
                    fontweight="bold",
                )
            if agree is not None:
                ax.text(
                    start + 1.5,
                    y,
                    f"{agree:.0f}%",
                    ha="left",
                    va="center",
                    fontsize=8,
                    color=TEXT_COLOUR,
                    fontweight="bold",
                )
            said.append(_describe_group(group, int(n), agree, disagree, level))
        ax.axvline(0, color="#333333", linewidth=0.8)
        ns = part_item.drop_duplicates("group").set_index("group")["n"]
        ax.set_yticks(
            range(len(groups)),
            [g if np.isnan(ns.get(g, np.nan)) else f"{g} (n = {int(ns[g]):,})" for g in groups],
        )
        ax.invert_yaxis()
        ax.set_xlim(-115, 115)
        ax.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"])
        ax.grid(axis="y", visible=False)
        wording = item_wording(item)
        if len(items) > 1:
            ax.set_title(
                "\n".join(textwrap.wrap(wording, 95)), fontsize=10, loc="left", fontweight="normal"
            )
        descriptions.append(f"{wording} " + "; ".join(said) + ".")
    axes[-1, 0].set_xlabel(
        "% of respondents: disagreeing to the left of zero, agreeing to the right"
    )
    five = [Patch(color=colours[level], label=level) for level in levels5]
    hidden = Patch(facecolor=HIDDEN_FACE, edgecolor=HIDDEN_EDGE, hatch="////",
                   label="not shown separately (too few)")  # fmt: skip
    blank = Patch(visible=False, label=" ")
    collapsed = [Patch(color=DIVERGING_3[0], label=DISAGREE), Patch(color=DIVERGING_3[2],
                 label=AGREE), hidden, blank, blank]  # fmt: skip
    # the legend fills column by column: interleave so that row 1 is the five answers and
    # row 2 the collapsed ones
    handles = [h for pair in zip(five, collapsed, strict=True) for h in pair]
    fig.legend(handles=handles, loc="upper center", ncol=5, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0.0))  # fmt: skip
    heading = (
        title
        if len(items) > 1
        else f"{title}\n" + "\n".join(textwrap.wrap(f"“{item_wording(items[0])}”", 95))
    )
    fig.suptitle(heading, x=0.01, ha="left", fontweight="bold", fontsize=11)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    who = group_label or tables.by.replace("_", " ")
    set_alt_text(
        fig,
        f"Diverging bar chart by {who}. "
        + " ".join(descriptions)
        + " Groups whose five-point answers would reveal small numbers are shown as disagree,"
        " neither and agree.",
    )
    return fig


def _totals(
    segments: list[tuple[str, float | None]], level: str, levels5: list[str]
) -> tuple[float | None, float | None]:
    """Total agreeing and disagreeing, when the shown segments give them."""
    values = dict(segments)
    if level == "detail":
        agree = _sum(values, levels5[3:])
        disagree = _sum(values, levels5[:2])
    else:
        agree, disagree = values.get(AGREE), values.get(DISAGREE)
    return agree, disagree


def _sum(values: dict[str, float | None], names: list[str]) -> float | None:
    parts = [values.get(n) for n in names]
    return None if any(p is None for p in parts) else float(sum(parts))  # type: ignore[arg-type]


def _describe_group(
    group: str, n: int, agree: float | None, disagree: float | None, level: str
) -> str:
    bits = []
    if agree is not None:
        bits.append(f"{agree:.0f}% agree")
    if disagree is not None:
        bits.append(f"{disagree:.0f}% disagree")
    if not bits:
        bits.append("only part of the answers shown")
    detail = "" if level == "detail" else ", collapsed"
    return f"{group} (n = {n:,}{detail}): " + ", ".join(bits)
