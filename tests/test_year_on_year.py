"""Year-on-year change: Newcombe's interval against the paper, planted synthetic changes recovered,
instrument changes found, planning table, trend chart and notebook 07 end to end.

Known answers: Newcombe (1998), *Interval estimation for the difference between independent
proportions*, Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score). The Wilson
limits it is built from are recomputed here by hand from the closed form, independently of
statsmodels. The planted changes come from ``evaluation.synth.parameters`` (2025 -> 2026:
frontline awareness 30% -> 45%; reporting confidence unchanged).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml
from statsmodels.stats.proportion import proportions_ztest

from evaluation.analyses.headlines import headline_indicators
from evaluation.analyses.year_on_year import (
    compare_waves,
    instrument_change_note,
    instrument_changes,
    planning_table,
    wave_indicators,
)
from evaluation.disclosure import audit_table
from evaluation.instrument import INSTRUMENT_PATH, load_instrument
from evaluation.io.survey import load_survey
from evaluation.paths import SURVEY_DATA
from evaluation.plots.trends import trend_chart
from evaluation.stats.power import sample_size_per_group
from evaluation.stats.proportions import newcombe_difference
from evaluation.synth.parameters import WAVE_2025, WAVE_2026
from evaluation.synth.survey import generate_survey

Z = 1.959963984540054


def wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


@pytest.mark.parametrize(
    "x1,n1,x2,n2,lower,upper",
    [
        (56, 70, 48, 80, 0.0524, 0.3339),  # (a)
        (9, 10, 3, 10, 0.1705, 0.8090),  # (b)
        (0, 10, 0, 20, -0.1611, 0.2775),  # (e)
        (0, 10, 0, 10, -0.2775, 0.2775),  # (f)
        (10, 10, 0, 20, 0.6791, 1.0000),  # (g)
        (10, 10, 0, 10, 0.6075, 1.0000),  # (h)
    ],
)
def test_newcombe_matches_the_paper(x1, n1, x2, n2, lower, upper) -> None:
    d, low, high = newcombe_difference(x1, n1, x2, n2)
    assert d == pytest.approx(x1 / n1 - x2 / n2)
    assert (round(low, 4), round(high, 4)) == (lower, upper)
    # the same limits from Wilson intervals computed by hand (method 10's definition)
    l1, u1 = wilson_by_hand(x1, n1)
    l2, u2 = wilson_by_hand(x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    assert low == pytest.approx(d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), abs=1e-12)
    assert high == pytest.approx(d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2), abs=1e-12)


@pytest.fixture(scope="module")
def large_waves(tmp_path_factory) -> dict[int, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("waves")
    frames = {}
    for wave in (2025, 2026):
        path = folder / f"{wave}.csv"
        generate_survey(wave, 6000, seed=11, with_text=False).frame.to_csv(path, index=False)
        frames[wave] = load_survey(path).frame
    return frames


def test_planted_changes_are_recovered(large_waves) -> None:
    table = compare_waves(large_waves[2025], large_waves[2026], 2025, 2026).set_index("indicator")
    truth = 100 * (WAVE_2026.aware_yes["Frontline"] - WAVE_2025.aware_yes["Frontline"])
    frontline = table.loc["aware_frontline"]
    assert frontline["significant"] and frontline["assessment"] == "better"
    assert frontline["change_low"] <= truth <= frontline["change_high"]
    assert frontline["p_adjusted"] < 0.001
    assert WAVE_2026.confident_to_report == WAVE_2025.confident_to_report  # planted: unchanged
    for indicator in ("confident_to_report", "confident_to_report_gm"):
        row = table.loc[indicator]
        assert not row["significant"] and row["assessment"] == "no significant change"
        assert row["change_low"] <= 0 <= row["change_high"]
    assert (table["correction"] == "holm").all()


def test_test_and_correction_against_independent_implementations(large_waves) -> None:
    holm = compare_waves(large_waves[2025], large_waves[2026], 2025, 2026)
    bh = compare_waves(large_waves[2025], large_waves[2026], 2025, 2026, correction="fdr_bh")
    row = holm.set_index("indicator").loc["org_capability"]
    x = [round(row["pct_2025"] * row["n_2025"] / 100), round(row["pct_2026"] * row["n_2026"] / 100)]
    _, p = proportions_ztest(x, [row["n_2025"], row["n_2026"]])  # pooled z-test
    assert row["p_value"] == pytest.approx(p, abs=2e-4)
    # BH adjusted p-values are never above Holm's
    assert (bh["p_adjusted"].astype(float) <= holm["p_adjusted"].astype(float) + 1e-12).all()
    assert set(bh["correction"]) == {"fdr_bh"}


def test_small_groups_are_suppressed_and_left_out_of_the_family(large_waves) -> None:
    small = {w: f.sample(150, random_state=3) for w, f in large_waves.items()}
    table = compare_waves(small[2025], small[2026], 2025, 2026, min_cell=11)
    hidden = table["pct_2025"].eq("[c]") | table["pct_2026"].eq("[c]")
    assert hidden.any() and (~hidden).any()
    assert table.loc[hidden, ["change_pp", "p_value", "p_adjusted"]].eq("[c]").all().all()
    # Holm over the tested indicators only: the smallest p is multiplied by their number
    shown = table.loc[~hidden]
    p, adjusted = shown["p_value"].astype(float), shown["p_adjusted"].astype(float)
    assert adjusted[p.idxmin()] == pytest.approx(min(1.0, p.min() * len(shown)), abs=1e-3)
    assert audit_table(table) == []
    assert audit_table(wave_indicators(small)) == []


@pytest.fixture
def changed_instrument(tmp_path: Path):
    raw = yaml.safe_load(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in raw["variables"]}
    variables["confident_to_report"]["question"] = "I would feel safe reporting racism at work."
    variables["knows_how_to_report"]["name"] = "knows_reporting_route"
    variables["satisfied_with_response"]["asked_if"] = {"reported_it": ["Yes", "No"]}
    variables["org_arf_status"]["values"] = ["Not committed", "Committed", "Bronze", "Don't know"]
    raw["variables"] = [v for v in raw["variables"] if v["name"] != "barrier_complex_submission"]
    raw["variables"].append({"name": "new_item", "type": "text", "question": "Anything else?"})
    path = tmp_path / "instrument.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return load_instrument(path, SURVEY_DATA / "organisations.csv")


def test_instrument_changes_are_listed(changed_instrument) -> None:
    same = instrument_changes(load_instrument(), load_instrument())
    assert same.empty and "same questions" in instrument_change_note(same)
    changes = instrument_changes(load_instrument(), changed_instrument)
    found = set(zip(changes["variable"], changes["change"], strict=True))
    assert found == {
        ("confident_to_report", "wording changed"),
        ("knows_reporting_route", "renamed"),
        ("satisfied_with_response", "routing changed"),
        ("org_arf_status", "answer options changed"),
        ("barrier_complex_submission", "removed"),
        ("new_item", "added"),
    }
    assert "confident_to_report" in instrument_change_note(changes)


def test_instrument_changes_are_noted_beside_the_indicators(large_waves, changed_instrument):
    changes = instrument_changes(load_instrument(), changed_instrument)
    table = compare_waves(large_waves[2025], large_waves[2026], 2025, 2026, changes=changes)
    notes = table.set_index("indicator")["note"]
    assert notes["confident_to_report"] == "confident_to_report: wording changed"
    assert "routing changed" in notes["satisfied_with_response"]
    assert notes["aware_all"] == ""


def test_planning_table(large_waves) -> None:
    headlines = headline_indicators(large_waves[2026])
    same = planning_table(headlines).set_index("indicator")
    double = planning_table(headlines, n_next=12000).set_index("indicator")
    row = same.loc["aware_all"]
    assert row["next_n"] == row["n"]
    assert double.loc["aware_all", "next_n"] == pytest.approx(2 * row["n"], abs=2)
    assert double.loc["aware_all", "detectable_pp"] < row["detectable_pp"]
    p = row["baseline_pct"] / 100
    assert row["needed_per_wave_5pp"] == sample_size_per_group(p, p + 0.05, method="exact")
    # experienced racism: lower is better, so the planned change is a fall
    gm = same.loc["experienced_racism_gm"]
    q = gm["baseline_pct"] / 100
    assert gm["needed_per_wave_5pp"] == sample_size_per_group(q, q - 0.05, method="exact")
    assert gm["respondents_per_wave_5pp"] > 3 * gm["needed_per_wave_5pp"]  # a subgroup
    assert audit_table(planning_table(headline_indicators(large_waves[2026].head(100)))) == []


def test_trend_chart_shows_suppressed_as_suppressed(large_waves) -> None:
    small = {w: f.sample(150, random_state=3) for w, f in large_waves.items()}
    table = wave_indicators(small)
    fig = trend_chart(table)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("[c] suppressed") == int(table["pct"].eq("[c]").sum())
    assert ax.get_title(loc="left") == "Did the headline indicators change between 2025 and 2026?"
    assert any("n = " in t.get_text() for t in fig.texts)
    points = sorted(float(c.lines[0].get_xdata()[0]) for c in ax.containers)
    shown = table.loc[table["pct"] != "[c]", "pct"].astype(float)
    assert points == sorted(shown)  # one point per shown estimate, none for a suppressed one
    plt.close(fig)


@pytest.mark.slow  # about 15-25 s: a kernel start and two survey loads
def test_notebook_runs_on_the_synthetic_waves(tmp_path: Path) -> None:
    from dataclasses import replace

    waves = SURVEY_DATA / "synthetic"
    if not (waves / "2025" / "survey.csv").exists() or not (waves / "2026" / "survey.csv").exists():
        pytest.skip("the synthetic waves are not generated")
    from evaluation.pipeline.compare import compare_configs
    from evaluation.pipeline.config import load_config

    previous = load_config(waves / "2025" / "evaluation.yaml")
    current = load_config(waves / "2026" / "evaluation.yaml")
    current = replace(current, output=tmp_path)
    out = compare_configs(previous, current, progress=False).output_dir
    change = pd.read_csv(out / "tables" / "year_on_year_change.csv", dtype=str)
    assert len(change) == 13 and set(change["correction"]) == {"holm"}
    for name in ("headlines_2025", "headlines_2026", "planning_next_wave"):
        assert (out / "tables" / f"{name}.csv").exists()
    assert (out / "figures" / "year_on_year_trend.png").exists()
