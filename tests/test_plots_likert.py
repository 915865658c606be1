"""Likert tables and figures that survive suppression (evaluation.analyses.likert, plots.likert).

Known answers: a planted survey whose counts are written down here, so every published cell,
every hidden cell and what a reader could recover from the published tables is checked by hand.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evaluation.analyses import likert
from evaluation.analyses.tables import build_table
from evaluation.disclosure import MARKER, audit_table
from evaluation.paths import SURVEY_DATA
from evaluation.plots.likert import likert_chart
from evaluation.plots.style import alt_text, contrast_ratio

LEVELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
# group A: every answer large; group B (51 people): 6 neutral and 7 strongly agree are small,
# exactly the Global Majority pattern of the 2025 wave.
# "Prefer not to say" (10 people) is hidden whole; as a residual group it does not force a second
# group to be hidden (see evaluation.disclosure)
PNTS = "Prefer not to say"
PLANTED = {"A": [20, 35, 32, 86, 40], "B": [14, 12, 6, 12, 7], PNTS: [5, 3, 1, 1, 0]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def planted_frame() -> pd.DataFrame:
    rows = [
        (group, level)
        for group, counts in PLANTED.items()
        for level, count in zip(LEVELS, counts, strict=True)
        for _ in range(count)
    ]
    frame = pd.DataFrame(rows, columns=["ethnicity_group", "confident_to_report"])
    frame["confident_to_report"] = pd.Categorical(
        frame["confident_to_report"], categories=LEVELS, ordered=True
    )
    return frame


def _rows(table: pd.DataFrame, group: str) -> pd.DataFrame:
    return table[table["ethnicity_group"] == group].set_index("response")


def test_known_counts_detail_and_collapsed():
    tables = likert.agreement_tables(planted_frame(), "confident_to_report", "ethnicity_group")
    a, b = _rows(tables.detail, "A"), _rows(tables.detail, "B")
    assert a["count"].tolist() == PLANTED["A"]  # every cell of A is large: shown
    assert (b[["count", "pct", "ci_low", "ci_high"]] == MARKER).all().all()  # B hidden whole
    assert b["n"].tolist() == [51] * 5  # its size is not secret
    ca, cb = _rows(tables.collapsed, "A"), _rows(tables.collapsed, "B")
    assert ca["count"].tolist() == [55, 32, 126]
    assert cb.loc[likert.AGREE, "count"] == 19  # 12 + 7, the published positive score
    assert cb.loc[likert.AGREE, "pct"] == pytest.approx(37.3)
    assert cb.loc[likert.DISAGREE, "count"] == MARKER and cb.loc[likert.NEITHER, "count"] == MARKER
    c = _rows(tables.collapsed, PNTS)
    assert (c["n"] == MARKER).all()  # 10 respondents: the group is not shown at all
    assert audit_table(tables.detail) == [] and audit_table(tables.collapsed) == []


def test_nothing_hidden_is_recovered_from_the_three_tables():
    """Every integer solution consistent with the detail, collapsed and positive tables is
    enumerated for group B: its hidden neutral count (6) is not determined."""
    frame = planted_frame()
    tables = likert.agreement_tables(frame, "confident_to_report", "ethnicity_group")
    positive = build_table("confidence_by_ethnicity", frame)
    n_conf = int(positive.set_index("ethnicity_group").loc["B", "n_confident"])
    agree = int(_rows(tables.collapsed, "B").loc[likert.AGREE, "count"])
    assert n_conf == agree == 19
    shown_detail = _rows(tables.detail, "B")["count"]
    assert (shown_detail == MARKER).all()  # no five-point cell of B constrains the search
    solutions = set()
    for sd, d, ne in itertools.product(range(52), repeat=3):
        a_plus_sa = 51 - sd - d - ne
        if a_plus_sa == agree:  # n and the published agree count are all a reader has
            solutions.add(ne)
    assert len(solutions) > 1 and 6 in solutions


def test_the_2025_wave_shows_global_majority_staff():
    from evaluation.analyses.capability import ITEMS
    from evaluation.io.survey import load_survey

    survey = load_survey(SURVEY_DATA / "synthetic" / "2025", on_error="exclude").frame
    confidence = likert.agreement_tables(survey, "confident_to_report", "ethnicity_group")
    shown = likert.agreement_shown(confidence)
    gm = shown[shown["group"] == "Global Majority"]
    assert set(gm["level"]) == {"collapsed"} and gm["pct"].notna().any()
    capability = likert.agreement_shown(likert.agreement_tables(survey, ITEMS, "ethnicity_group"))
    for item in ITEMS:
        gm = capability[(capability["item"] == item) & (capability["group"] == "Global Majority")]
        assert gm["pct"].notna().any(), item  # every item shows something of the group
    fig = likert_chart(confidence, "Would staff feel confident reporting racism?")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "37%" in texts  # the Global Majority bar is labelled with its percentage
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Global Majority (n = 51)" in labels
    description = alt_text(fig)
    assert "Global Majority (n = 51, collapsed): 37% agree" in description
    assert "White (n = 213): 59% agree" in description


def test_bar_geometry_centres_neutral_and_marks_hidden_part():
    tables = likert.agreement_tables(planted_frame(), "confident_to_report", "ethnicity_group")
    fig = likert_chart(tables, "How confident?")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.72)]
    a_bars = [p for p in bars if p.get_y() == pytest.approx(-0.36)]
    pct = np.array(PLANTED["A"]) / sum(PLANTED["A"]) * 100
    pct = np.round(pct, 1)
    assert a_bars[0].get_x() == pytest.approx(-(pct[0] + pct[1] + pct[2] / 2), abs=0.01)
    b_bars = [p for p in bars if p.get_y() == pytest.approx(1 - 0.36)]
    hatched = [p for p in b_bars if p.get_hatch()]
    assert len(hatched) == 1
    assert hatched[0].get_x() + hatched[0].get_width() == pytest.approx(0)  # ends at zero
    assert hatched[0].get_width() == pytest.approx(100 - 37.3)


def test_text_on_bars_meets_wcag_aa():
    from evaluation.plots.style import (
        DIVERGING_3,
        DIVERGING_5,
        HIDDEN_FACE,
        TEXT_COLOUR,
        readable_text_colour,
    )

    for colour in [*DIVERGING_5, *DIVERGING_3]:
        assert contrast_ratio(readable_text_colour(colour), colour) >= 4.5, colour
    assert contrast_ratio(TEXT_COLOUR, HIDDEN_FACE) >= 4.5
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
