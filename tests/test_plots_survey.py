"""Survey figures: drawn from published tables, suppressed groups shown as suppressed."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation.disclosure import MARKER
from evaluation.plots.style import DIVERGING_5
from evaluation.plots.survey import (
    SUPPRESSED_LABEL,
    barriers_chart,
    diverging_agreement,
    proportions_with_intervals,
    reporting_funnel,
)

LEVELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def texts(fig: plt.Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_diverging_bars_centre_the_neutral_answer_and_show_suppression() -> None:
    shown = pd.DataFrame({"group": "A", "response": LEVELS, "n": 100, "pct": [10, 20, 30, 25, 15]})
    hidden = pd.DataFrame({"group": "B", "response": LEVELS, "n": MARKER, "pct": MARKER})
    fig = diverging_agreement(pd.concat([shown, hidden]), "group", "How confident?")
    bars = [p for p in fig.axes[0].patches if p.get_facecolor()[:3] != (1, 1, 1)]
    coloured = [b for b in bars if matplotlib.colors.to_hex(b.get_facecolor()) in DIVERGING_5]
    neutral = [b for b in coloured if matplotlib.colors.to_hex(b.get_facecolor()) == DIVERGING_5[2]]
    assert neutral[0].get_x() == pytest.approx(-15)  # half of the 30% neutral left of zero
    assert coloured[0].get_x() == pytest.approx(-(10 + 20 + 15))
    assert SUPPRESSED_LABEL in texts(fig)
    assert "n = 100" in " ".join(texts(fig))


def test_proportions_with_intervals_and_suppressed_rows() -> None:
    table = pd.DataFrame(
        {
            "role_level": ["Frontline", "Executive or board"],
            "n": [300, MARKER],
            "pct_aware": [30.0, MARKER],
            "ci_low": [25.1, MARKER],
            "ci_high": [35.3, MARKER],
        }
    )
    fig = proportions_with_intervals(table, "role_level", "pct_aware", "Who knows the framework?")
    assert SUPPRESSED_LABEL in texts(fig)
    assert fig.axes[0].get_title(loc="left") == "Who knows the framework?"
    assert "n = 300" in " ".join(texts(fig))


def test_funnel_and_barriers() -> None:
    funnel = pd.DataFrame(
        {
            "step": ["experienced_or_witnessed", "reported", "satisfied"],
            "n": [500, 120, MARKER],
            "count": [120, 50, MARKER],
            "pct": [24.0, 41.7, MARKER],
            "ci_low": [20.5, 33.2, MARKER],
            "ci_high": [27.9, 50.6, MARKER],
        }
    )
    fig = reporting_funnel(funnel, "What happens after racism is experienced or witnessed?")
    assert SUPPRESSED_LABEL in texts(fig) and "24% (120 of 500)" in texts(fig)
    table = pd.DataFrame(
        {
            "option": ["Fear", "Priorities"],
            "n": [200, 200],
            "pct_selected": [20.0, 60.0],
            "ci_low": [15.0, 53.0],
            "ci_high": [26.0, 66.0],
        }
    )
    fig = barriers_chart(table, "What gets in the way?")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Priorities", "Fear"]  # most common first
