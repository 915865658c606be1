"""Framework matrix, co-occurrence, themes by attribute, joint display, prevalence, figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation.disclosure import MARKER
from evaluation.plots.themes import plot_cooccurrence, plot_theme_prevalence, plot_themes_by_group
from evaluation.stats.proportions import wilson_interval
from evaluation.text.framework import (
    cooccurrence,
    framework_matrix,
    joint_display,
    theme_prevalence,
    themes_by_attribute,
)

CODES = ["x", "y"]


@pytest.fixture
def transcript() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame(
        {
            "source_id": "fg",
            "unit": ["1", "2", "3", "4"],
            "speaker_or_respondent": ["F", "P01", "P01", "P02"],
            "start": [0, 10, 30, 60],
            "end": [9, 29, 59, 80],
            "text": ["question?", "short x", "a much longer passage about x and y", "y only"],
        }
    )
    coded = pd.DataFrame(
        {
            "source_id": "fg",
            "unit": ["2", "3", "3", "4", "1"],
            "code_id": ["x", "x", "y", "y", "x"],
        }
    )
    return units, coded


def test_framework_matrix_cells(transcript) -> None:
    units, coded = transcript
    matrix = framework_matrix(coded, units, CODES)
    assert list(matrix.index) == ["P01", "P02"]  # facilitator left out
    assert matrix.loc["P01", "x"].startswith('2 | fg t3: "a much longer passage')
    assert matrix.loc["P01", "y"].startswith("1 | fg t3")
    assert matrix.loc["P02", "x"] == ""


def test_cooccurrence_counts_units(transcript) -> None:
    units, coded = transcript
    matrix = cooccurrence(coded, units, CODES)
    assert matrix.loc["x", "x"] == 3 and matrix.loc["y", "y"] == 2 and matrix.loc["x", "y"] == 1


def _people() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Groups a (40 people, 15 raise x), b (30, 3 raise x) and c (30, 12 raise x)."""
    ids = [f"R{i}" for i in range(100)]
    people = pd.DataFrame({"speaker_or_respondent": ids, "role": ["a"] * 40 + ["b", "c"] * 30})
    people["role"] = ["a"] * 40 + ["b"] * 30 + ["c"] * 30
    units = pd.DataFrame(
        {"source_id": [f"{i}__c" for i in ids], "unit": "answer", "speaker_or_respondent": ids}
    )
    raisers = ids[:15] + ids[40:43] + ids[70:82]
    coded = pd.DataFrame({"source_id": [f"{i}__c" for i in raisers], "unit": "answer"})
    return people, units, coded.assign(code_id="x")


def test_themes_by_attribute_wilson_and_suppression() -> None:
    people, units, coded = _people()
    table = themes_by_attribute(coded, units, people, "role", CODES).set_index(["role", "code_id"])
    row = table.loc[("a", "x")]
    assert (row["n"], row["count"]) == (40, 15)
    lo, hi = wilson_interval(15, 40)
    assert float(row["ci_low"]) == pytest.approx(100 * float(lo))
    assert float(row["ci_high"]) == pytest.approx(100 * float(hi))
    assert table.loc[("b", "x"), "count"] == MARKER  # 3 people: too few to show
    assert table.loc[("b", "x"), "pct"] == MARKER
    # secondary suppression: with the total known, b = total - a - c; so c (next smallest) hides
    assert table.loc[("c", "x"), "count"] == MARKER


def test_theme_prevalence_per_person_and_unit(transcript) -> None:
    units, coded = transcript
    per_unit = theme_prevalence(coded, units, CODES, per="unit", min_cell=1).set_index("code_id")
    assert per_unit.loc["x", ["n", "count"]].tolist() == [3, 2]  # facilitator's turn excluded
    per_person = theme_prevalence(coded, units, CODES, min_cell=1).set_index("code_id")
    # 2 of 2 people: 100% of a group that small tells each one's answer (attribute disclosure)
    assert per_person.loc["y", ["n", "count"]].tolist() == [2, MARKER]
    assert theme_prevalence(coded, units, CODES).loc[0, "count"] == MARKER  # default 11


def test_joint_display_two_strands() -> None:
    n = 60
    survey = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(n)],
            "role_level": ["Frontline"] * 30 + ["Senior"] * 30,
            "confident": ["Agree"] * 15 + ["Disagree"] * 15 + ["Agree"] * 12 + [pd.NA] * 18,
            "comment_change": ["words"] * 25 + [""] * 5 + ["words"] * 30,
            "comment_other": [pd.NA] * n,
        }
    )
    coded = pd.DataFrame({"speaker_or_respondent": [f"R{i}" for i in range(12)], "code_id": "x"})
    table = joint_display(survey, coded, "role_level", CODES, "confident", ["Agree"])
    table = table.set_index(["role_level", "indicator"])
    # hidden too: with Senior's 12 hidden beside a published total, 15 would give it away
    assert table.loc[("Frontline", "confident"), ["strand", "n", "count"]].tolist() == [
        "survey",
        30,
        MARKER,
    ]
    front_x = table.loc[("Frontline", "x")]
    assert (front_x["strand"], front_x["n"], front_x["count"]) == ("free text", 25, MARKER)
    assert front_x["pct"] == MARKER  # Senior's 0 of 30 is hidden, so its complement hides this
    # 12 of 12 and 0 of 30: everyone's answer is known (attribute disclosure), so both are hidden
    assert table.loc[("Senior", "confident"), "count"] == MARKER
    assert table.loc[("Senior", "x"), "count"] == MARKER


def test_figures_draw_and_mark_suppressed(transcript) -> None:
    units, coded = transcript
    prevalence = theme_prevalence(coded, units, CODES, per="unit", min_cell=3)
    fig = plot_theme_prevalence(prevalence, names={"x": "Theme X"}, caption="n = 3 turns")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Theme X", "y"]
    assert any("suppressed" in t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    plt.close(plot_cooccurrence(cooccurrence(coded, units, CODES)))
    people, punits, pcoded = _people()
    by_group = themes_by_attribute(pcoded, punits, people, "role", CODES)
    fig = plot_themes_by_group(by_group, "role")
    assert fig.axes[0].get_legend() is not None
    plt.close(fig)


def test_prevalence_chart_survives_limits_rounded_past_their_share():
    """A limit rounded on its own can pass its rounded share (10.0 vs 10.05 -> 10.1): the chart
    draws a zero-length bar end, it does not fail (an RXN pack failed on this at scale)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from evaluation.plots.themes import plot_theme_prevalence

    table = pd.DataFrame(
        {"code_id": ["a", "b"], "n": [40, 40], "count": [4, 20], "pct": [10.0, 50.0],
         "ci_low": [10.1, 35.2], "ci_high": [23.1, 64.8]}
    )  # fmt: skip
    plt.close(plot_theme_prevalence(table))
