"""The synthetic wave generator: reproducible, valid against the instrument, effects recoverable.

Recovery tests draw 20,000 respondents and compare estimates with the truth the generator
records, using Wilson intervals (statsmodels) and statsmodels' OrderedModel as independent
estimators. A test that checks k quantities uses 95% intervals with a Bonferroni adjustment
(alpha = 0.05 / k per interval), so that for any seed the whole family passes with probability
at least 95%: with plain 95% intervals, a test of 20 unbiased estimates fails by chance about
two times in three. The seed is fixed, so the tests are deterministic.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from evaluation.instrument import Instrument
from evaluation.io.survey import load_survey
from evaluation.io.transcripts import read_transcript
from evaluation.paths import CODEBOOK, SURVEY_DATA
from evaluation.synth import generate_survey, generate_wave, wave_files
from evaluation.synth.__main__ import main
from evaluation.synth.language import THEMES
from evaluation.synth.wave import write_survey_csv
from evaluation.text.codebook import load_codebook

COMMITTED = SURVEY_DATA / "synthetic"
LARGE = 20_000
LINE = re.compile(r"^\[(\d\d):(\d\d):(\d\d)\] (F|P\d\d): (.+)$")


def read_cells(path: Path) -> pd.DataFrame:
    """A CSV as the text cells in the file (blank stays blank)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_source(path: Path) -> str:
    """A transcript's text as offsets count it: UTF-8, no newline translation."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def wave_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_wave(2025, 274, 1, tmp_path_factory.mktemp("w") / "2025")


@pytest.fixture(scope="module")
def large() -> dict[int, tuple[pd.DataFrame, dict]]:
    """20,000 respondents per wave (no free text) with each wave's truth."""
    out = {}
    for wave in (2025, 2026):
        survey = generate_survey(wave, LARGE, seed=7, with_text=False)
        folder = COMMITTED / str(wave)
        out[wave] = (survey.frame, json.loads((folder / "truth.json").read_text("utf-8")))
    return out


def assert_within_wilson(checks: list[tuple[int, int, float, str]]) -> None:
    """Each ``(successes, n, truth, label)``: truth inside the family-adjusted Wilson interval."""
    alpha = 0.05 / len(checks)
    for successes, n, truth, label in checks:
        low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
        assert low <= truth <= high, f"{label}: {successes}/{n}, CI ({low:.4f}, {high:.4f})"


# --- reproducibility --------------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(tmp_path: Path, wave_2025: Path) -> None:
    main(["--wave", "2025", "--respondents", "274", "--seed", "1", "--out", str(tmp_path)])
    for name in wave_files():
        assert (tmp_path / name).read_bytes() == (wave_2025 / name).read_bytes(), name


def test_different_seeds_and_waves_differ(tmp_path: Path, wave_2025: Path) -> None:
    generate_wave(2025, 274, 2, tmp_path / "seed2")
    generate_wave(2026, 274, 1, tmp_path / "2026")
    answers = [c for c in read_cells(wave_2025 / "survey.csv").columns if c not in ("wave",)]
    answers.remove("respondent_id")
    base = read_cells(wave_2025 / "survey.csv")[answers]
    for other in (tmp_path / "seed2", tmp_path / "2026"):
        assert not base.equals(read_cells(other / "survey.csv")[answers])
        transcript = "focus_group/focus_group_01.txt"
        assert (other / transcript).read_bytes() != (wave_2025 / transcript).read_bytes()


def test_text_switch_leaves_structured_answers_unchanged() -> None:
    with_text = generate_survey(2025, 500, 3).frame
    without = generate_survey(2025, 500, 3, with_text=False).frame
    structured = [c for c in with_text.columns if not c.startswith("comment_")]
    pd.testing.assert_frame_equal(with_text[structured], without[structured])
    assert without["comment_change"].isna().all()


def test_fast_survey_writer_matches_pandas(tmp_path: Path) -> None:
    frame = generate_survey(2026, 2000, 5).frame
    write_survey_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n", encoding="utf-8")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


@pytest.mark.parametrize("wave", [2025, 2026])
def test_committed_waves_equal_a_fresh_regeneration(tmp_path: Path, wave: int) -> None:
    generate_wave(wave, 274, 1, tmp_path)
    for name in wave_files():
        committed = COMMITTED / str(wave) / name
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), f"{wave}/{name} drifted"


# --- validity against the instrument ---------------------------------------------------------


def test_survey_columns_values_and_ids(wave_2025: Path, instrument: Instrument) -> None:
    cells = read_cells(wave_2025 / "survey.csv")
    assert list(cells.columns) == instrument.names
    for variable in instrument.variables:
        given = set(cells[variable.name]) - {""}
        if variable.type == "categorical":
            assert given <= set(variable.values), (variable.name, given - set(variable.values))
        elif variable.type == "flag":
            assert given <= {"0", "1"}, variable.name
    assert cells["respondent_id"].is_unique
    assert cells["respondent_id"].str.fullmatch(r"R25-\d{4}").all()
    assert (cells["wave"] == "2025").all()
    orgs = instrument.organisations[["org_code", "org_name", "icb", "org_type"]]
    merged = cells[orgs.columns].merge(orgs, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert cells["org_code"].nunique() >= 25
    assert cells["org_code"].value_counts().min() < 11  # some organisations need suppression
    assert (cells == "").any().any()  # item non-response exists


def test_skip_logic(wave_2025: Path) -> None:
    cells = read_cells(wave_2025 / "survey.csv")
    asked = (cells["experienced_racism_12m"] == "Yes") | (cells["witnessed_racism_12m"] == "Yes")
    assert (cells.loc[~asked, "reported_it"] == "").all()
    assert (cells.loc[asked, "reported_it"] != "").mean() > 0.9
    assert (cells.loc[cells["reported_it"] != "Yes", "satisfied_with_response"] == "").all()
    assert (cells.loc[cells["reported_it"] == "Yes", "satisfied_with_response"] != "").any()


def test_load_survey_accepts_the_committed_waves() -> None:
    for wave in (2025, 2026):
        loaded = load_survey(COMMITTED / str(wave) / "survey.csv")
        assert loaded.errors == [], loaded.errors[:3]
        assert loaded.warnings == [], loaded.warnings[:3]
        assert (loaded.account["status"] == "analysed").sum() == 274


def test_workforce_mix(large: dict[int, tuple[pd.DataFrame, dict]]) -> None:
    frame, _ = large[2025]
    stated = frame[frame["ethnic_group"] != "Prefer not to say"]
    gm = ~stated["ethnic_group"].astype(str).str.startswith("White")
    assert 0.15 <= gm.mean() <= 0.25
    by_band = gm.groupby(stated["afc_band"], observed=True).mean()
    senior = ["Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9", "VSM"]
    assert by_band["Band 5"] > 2 * gm[stated["afc_band"].isin(senior)].mean()
    assert by_band.idxmax() in ("Band 5", "Medical")
    assert 0.03 <= (frame["ethnic_group"] == "Prefer not to say").mean() <= 0.05
    assert frame["role_level"].value_counts(normalize=True)["Frontline"] > 0.6
    assert (frame["staff_group"] == "Medical and dental").sum() > 0
    assert 0.70 <= (frame["gender"] == "Woman").mean() <= 0.80
    executives = frame[frame["role_level"] == "Executive or board"]["afc_band"]
    assert executives.isin(["Band 9", "VSM", "Band 8d", "Band 8c", "Medical"]).all()


# --- free text, transcript and codings --------------------------------------------------------


def test_free_text_and_true_themes(wave_2025: Path) -> None:
    cells = read_cells(wave_2025 / "survey.csv")
    themes = read_cells(wave_2025 / "truth_themes.csv")
    assert list(themes.columns) == ["source_id", "unit", "code_id"]
    assert set(themes["code_id"]) == set(load_codebook(CODEBOOK).leaf_ids) == set(THEMES)
    for field in ("comment_change", "comment_other"):
        assert 0.35 <= (cells[field] != "").mean() <= 0.65
    answers = themes[themes["unit"] == "answer"]
    ids = answers["source_id"].str.rsplit("__", n=1, expand=True)
    written = cells.set_index("respondent_id")
    assert all(written.loc[rid, field] != "" for rid, field in ids.itertuples(index=False))
    per_answer = answers.groupby("source_id").size()
    assert set(per_answer) == {1, 2}
    answered = sum((cells[f] != "").sum() for f in ("comment_change", "comment_other"))
    assert len(per_answer) < answered  # some answers carry no theme
    themed = [
        written.loc[rid, field] for rid, field in ids.drop_duplicates().itertuples(index=False)
    ]
    assert len(set(themed)) > 0.95 * len(themed)  # composed, not repeated


def test_transcript_shape(wave_2025: Path) -> None:
    folder = wave_2025 / "focus_group"
    lines = read_source(folder / "focus_group_01.txt").split("\n")
    assert lines[-1] == ""
    matches = [LINE.match(line) for line in lines[:-1]]
    assert all(matches)
    assert len(matches) >= 150
    seconds = [
        int(h) * 3600 + int(m) * 60 + int(s) for h, m, s, *_ in (x.groups() for x in matches)
    ]
    assert all(b > a for a, b in itertools.pairwise(seconds))
    participants = read_cells(folder / "participants.csv")
    assert list(participants.columns) == ["speaker_id", "role_level", "org_type", "ethnicity_group"]
    assert 8 <= len(participants) <= 10
    assert (participants["ethnicity_group"] == "Global Majority").mean() > 0.5
    assert participants["role_level"].nunique() >= 4
    speakers = {x.group(4) for x in matches}
    assert speakers == {"F", *participants["speaker_id"]}
    themes = read_cells(wave_2025 / "truth_themes.csv")
    turns = themes[themes["source_id"] == "focus_group_01"]["unit"].astype(int)
    assert all(matches[t - 1].group(4) != "F" for t in turns)
    themed_turns = set(turns)
    participant_turns = [i + 1 for i, x in enumerate(matches) if x.group(4) != "F"]
    assert any(t not in themed_turns for t in participant_turns)  # agreement turns, no theme


def test_transcript_reader_agrees_with_the_generator(wave_2025: Path) -> None:
    folder = wave_2025 / "focus_group"
    turns = read_transcript(folder / "focus_group_01.txt").set_index("start")
    for coder in ("coder_a", "coder_b"):
        codings = read_cells(folder / f"codings_{coder}.csv")
        matched = turns.loc[codings["start"].astype(int)]
        assert (matched["end"].to_numpy() == codings["end"].astype(int).to_numpy()).all()
        assert (matched["speaker"].to_numpy() == codings["speaker_or_respondent"].to_numpy()).all()
    themes = read_cells(wave_2025 / "truth_themes.csv")
    units = themes.loc[themes["source_id"] == "focus_group_01", "unit"].astype(int)
    speakers = turns.set_index("turn").loc[units, "speaker"]
    assert speakers.str.fullmatch(r"P\d\d").all()


def test_codings_slice_to_their_text_and_agree_imperfectly(wave_2025: Path) -> None:
    folder = wave_2025 / "focus_group"
    source = read_source(folder / "focus_group_01.txt")
    codings = {c: read_cells(folder / f"codings_{c}.csv") for c in ("coder_a", "coder_b")}
    turn_of = {}
    for turn, line in enumerate(source.split("\n")[:-1], start=1):
        turn_of[source.index(line) + line.index(": ") + 2] = (turn, line.split(": ", 1)[1])
    kappas = []
    for coder, frame in codings.items():
        assert frame.columns.tolist()[:3] == ["segment_id", "source_id", "speaker_or_respondent"]
        assert (frame["coder"] == coder).all() and (frame["codebook_version"] == "1.0").all()
        assert (frame["confidence"].astype(float) == 1.0).all()
        for start, end, text in frame[["start", "end", "text"]].itertuples(index=False):
            assert source[int(start) : int(end)] == text
            assert turn_of[int(start)][1] == text
    participant_turns = [t for t, text in turn_of.values() if not text.startswith("F: ")]
    applied = {
        coder: {(turn_of[int(s)][0], c) for s, c in zip(f["start"], f["code_id"], strict=True)}
        for coder, f in codings.items()
    }
    for code in THEMES:
        a = [(t, code) in applied["coder_a"] for t in participant_turns]
        b = [(t, code) in applied["coder_b"] for t in participant_turns]
        kappas.append(cohen_kappa_score(a, b))  # scikit-learn, an independent implementation
    assert 0.6 <= float(np.median(kappas)) <= 0.9
    assert min(kappas) > 0.3 and max(kappas) < 1.0


# --- planted effects are recoverable ----------------------------------------------------------


def test_awareness_by_role_level_is_recovered(large: dict) -> None:
    checks = []
    for wave in (2025, 2026):
        frame, truth = large[wave]
        effect = truth["effects"]["awareness_by_role_level"]["probability"]
        answered = frame.dropna(subset=["role_level", "arf_aware"])
        for role, p in effect.items():
            part = answered[answered["role_level"] == role]
            yes = int((part["arf_aware"] == "Yes").sum())
            checks.append((yes, len(part), p, f"{wave} aware | {role}"))
    assert_within_wilson(checks)


def test_experienced_racism_by_ethnicity_group_is_recovered(large: dict) -> None:
    frame, truth = large[2025]
    effect = truth["effects"]["experienced_racism_by_ethnicity_group"]["probability"]
    stated = frame[frame["ethnic_group"] != "Prefer not to say"].dropna(
        subset=["experienced_racism_12m"]
    )
    white = stated["ethnic_group"].astype(str).str.startswith("White")
    assert_within_wilson(
        [
            (int((part["experienced_racism_12m"] == "Yes").sum()), len(part), effect[g], g)
            for g, part in (("White", stated[white]), ("Global Majority", stated[~white]))
        ]
    )


def test_barrier_prevalences_are_recovered(large: dict) -> None:
    frame, truth = large[2025]
    options = truth["effects"]["barriers"]["options"]
    checks = []
    for name, spec in options.items():
        answered = frame[name].dropna()
        checks.append((int(answered.sum()), len(answered), spec["prevalence"]["overall"], name))
    assert_within_wilson(checks)
    overall = {name: spec["prevalence"]["overall"] for name, spec in options.items()}
    assert sorted(overall, key=overall.get, reverse=True)[:2] == [
        "barrier_competing_priorities",
        "barrier_inconsistent_accountability",
    ]


def test_reporting_funnel_is_recovered(large: dict) -> None:
    frame, truth = large[2025]
    funnel = truth["effects"]["reporting_funnel"]
    reported = frame["reported_it"].dropna()
    satisfied = frame["satisfied_with_response"].dropna()
    checks = [
        (
            int((reported == "Yes").sum()),
            len(reported),
            funnel["p_reported_given_asked"],
            "reported",
        )
    ]
    for answer, p in funnel["p_satisfaction_given_reported"].items():
        checks.append((int((satisfied == answer).sum()), len(satisfied), p, f"satisfied {answer}"))
    assert_within_wilson(checks)


def test_frontline_awareness_change_is_recovered(large: dict) -> None:
    counts = {}
    for wave in (2025, 2026):
        frame, _ = large[wave]
        part = frame[frame["role_level"] == "Frontline"]["arf_aware"].dropna()
        counts[wave] = (int((part == "Yes").sum()), len(part))
    change = large[2026][1]["changes_from_previous_wave"]["awareness_by_role_level"]["Frontline"]
    low, high = confint_proportions_2indep(*counts[2026], *counts[2025], method="newcomb")
    assert low <= change["difference"] <= high
    assert low > 0.1


def test_ordinal_model_recovers_confidence_coefficients(large: dict) -> None:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    frame, truth = large[2025]
    effect = truth["effects"]["confident_to_report"]
    data = frame[frame["ethnic_group"] != "Prefer not to say"].dropna(
        subset=["role_level", "confident_to_report"]
    )
    design = pd.get_dummies(data["role_level"], dtype=float).drop(columns="Frontline")
    design.columns = [f"role_level[{c}]" for c in design.columns]
    design["global_majority"] = (~data["ethnic_group"].astype(str).str.startswith("White")) * 1.0
    outcome = data["confident_to_report"]
    assert outcome.cat.ordered
    fitted = OrderedModel(outcome, design, distr="logit").fit(method="bfgs", disp=False)
    z = norm.ppf(1 - 0.05 / (2 * design.shape[1]))  # Bonferroni over the coefficients
    for name in design.columns:
        lo = fitted.params[name] - z * fitted.bse[name]
        hi = fitted.params[name] + z * fitted.bse[name]
        assert lo <= effect["coefficients"][name] <= hi, (name, lo, hi)
    thresholds = fitted.model.transform_threshold_params(fitted.params.to_numpy())[1:-1]
    np.testing.assert_allclose(thresholds, effect["thresholds"], atol=0.1)


def test_truth_records_changes_only_for_the_later_wave() -> None:
    first = json.loads((COMMITTED / "2025" / "truth.json").read_text("utf-8"))
    second = json.loads((COMMITTED / "2026" / "truth.json").read_text("utf-8"))
    assert "changes_from_previous_wave" not in first
    changes = second["changes_from_previous_wave"]
    assert changes["from_wave"] == 2025
    changed = {row["parameter"] for row in changes["parameters"]}
    assert "aware_yes.Frontline" in changed
    assert not any(p.startswith("confident_to_report") for p in changed)
    for section in ("effects", "missingness", "free_text", "focus_group", "coders"):
        assert section in first
    for effect in first["effects"].values():
        assert effect["description"]
