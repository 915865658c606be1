"""Headline indicators: definitions from the instrument, estimates checked by hand counts,
suppression through evaluation.disclosure, and sentences built from the numbers."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from evaluation.analyses.headlines import (
    HEADLINES,
    gap_sentences,
    headline_definitions,
    headline_estimates,
    headline_indicators,
    headline_sentences,
)
from evaluation.disclosure import audit_table
from evaluation.io.survey import load_survey
from evaluation.stats.proportions import wilson_interval
from evaluation.synth.survey import generate_survey


@pytest.fixture(scope="module")
def frame(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("headlines") / "survey.csv"
    generate_survey(2025, 800, seed=5, with_text=False).frame.to_csv(path, index=False)
    return load_survey(path).frame


def test_definitions_take_positive_answers_from_the_instrument() -> None:
    table = headline_definitions().set_index("indicator")
    assert len(table) == len(HEADLINES) == len({h.id for h in HEADLINES})
    assert table.loc["confident_to_report", "positive_answers"] == "Agree / Strongly agree"
    assert table.loc["aware_frontline", "filter"] == "role_level in ['Frontline']"
    assert " or " in table.loc["reported_it", "filter"]
    assert table.loc["experienced_racism_gm", "better"] == "lower"


def test_estimates_match_hand_counts(frame: pd.DataFrame) -> None:
    est = headline_estimates(frame).set_index("indicator")
    frontline = frame[frame["role_level"] == "Frontline"]["arf_aware"].dropna()
    row = est.loc["aware_frontline"]
    assert (row["n"], row["n_positive"]) == (len(frontline), int((frontline == "Yes").sum()))
    low, high = wilson_interval(row["n_positive"], row["n"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * low, 100 * high))
    # "experienced or witnessed" is an OR of the two questions, as the instrument's routing
    asked = (frame["experienced_racism_12m"] == "Yes") | (frame["witnessed_racism_12m"] == "Yes")
    reported = frame.loc[asked.fillna(False), "reported_it"].dropna()
    reported = reported[reported != "Prefer not to say"]  # one population rule: left out
    assert est.loc["reported_it", "n"] == len(reported)
    assert est.loc["reported_it", "n_positive"] == int((reported == "Yes").sum())
    agree = frame["confident_to_report"].dropna().isin(["Agree", "Strongly agree"])
    assert est.loc["confident_to_report", "pct"] == pytest.approx(100 * agree.mean())


def test_small_groups_are_suppressed_and_the_table_passes_the_audit(frame) -> None:
    table = headline_indicators(frame.head(120), min_cell=11)
    hidden = table["pct"].eq("[c]")
    assert hidden.any() and (~hidden).any()
    assert table.loc[hidden, ["n_positive", "ci_low", "ci_high"]].eq("[c]").all().all()
    assert audit_table(table, min_cell=11) == []
    assert table.attrs["respondents"] == 120
    # a larger threshold hides more
    assert headline_indicators(frame.head(120), min_cell=30)["pct"].eq("[c]").sum() > hidden.sum()


def test_sentences_are_built_from_the_table(frame: pd.DataFrame) -> None:
    table = headline_indicators(frame)
    sentences = headline_sentences(table)
    assert len(sentences) == len({h.topic for h in HEADLINES})
    row = table.set_index("indicator").loc["aware_all"]
    first = sentences[0]
    assert first.startswith(f"{float(row['pct']):.0f}% of respondents were aware of the framework")
    assert f"n = {int(row['n']):,}" in first and "among frontline staff" in first
    # change a number and the sentence changes with it: nothing is hard-coded
    edited = table.copy()
    edited.loc[edited["indicator"] == "aware_all", ["pct", "ci_low", "ci_high", "n"]] = [
        12.0, 10.0, 14.0, 4321
    ]  # fmt: skip
    assert headline_sentences(edited)[0].startswith("12% of respondents")
    assert "95% CI 10% to 14%, n = 4,321" in headline_sentences(edited)[0]
    for sentence in sentences:
        assert sentence.endswith(".") and not sentence[0].islower()


def test_suppressed_indicators_say_so(frame: pd.DataFrame) -> None:
    table = headline_indicators(frame.head(120))
    sentences = " ".join(headline_sentences(table))
    for row in table[table["pct"] == "[c]"].itertuples():
        who = next(h.who for h in HEADLINES if h.id == row.indicator)
        assert re.search(rf"share of {re.escape(who)} who .+? is not shown", sentences)
    assert "[c]" not in sentences


def test_reported_it_is_one_figure_in_the_headlines_and_the_funnel() -> None:
    """One definition of a population: "Prefer not to say" is out of both denominators."""
    from evaluation.analyses.reporting import reporting_funnel
    from evaluation.paths import SURVEY_DATA

    frame = load_survey(SURVEY_DATA / "synthetic" / "2025" / "survey.csv").frame
    assert (frame["reported_it"] == "Prefer not to say").any()  # the test can fail
    headline = headline_estimates(frame).set_index("indicator").loc["reported_it"]
    funnel = reporting_funnel(frame).set_index("step").loc["reported"]
    assert (headline["n"], headline["n_positive"]) == (funnel["n"], funnel["count"])
    assert headline["pct"] == pytest.approx(funnel["pct"])


def test_a_hidden_gap_does_not_claim_a_reason_it_may_not_have() -> None:
    # a gap hidden by the release pass (its groups are large) must not read "too few respondents"
    # alone: the sentence names both reasons a gap can be hidden for
    gaps = pd.DataFrame([{"finding": "felt confident", "gap_pp": "[c]", "better": "higher"}])
    (sentence,) = gap_sentences(gaps)
    assert "not shown to protect confidentiality" in sentence
    assert "worked out from the other published tables" in sentence
