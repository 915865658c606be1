"""The synthetic language is a fair test: varied text in the committed waves, themes kept, and
rule coding measured on phrasings the rules were not written from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.paths import SURVEY_DATA
from evaluation.synth import generate_wave
from evaluation.synth.language import CLAUSES, HELD_BACK, THEMES, compose, expand, phrasings
from evaluation.synth.language_checks import rule_scores, variety, wave_units, wave_variety
from evaluation.synth.streams import Picker

COMMITTED = SURVEY_DATA / "synthetic"


def test_variety_known_answers() -> None:
    # "a b c a b c": trigrams abc, bca, cab, abc -> 3 distinct of 4
    assert variety(["a b c a b c"]) == {"texts": 1, "distinct_share": 1.0, "trigram_share": 0.75}
    same = variety(["Nothing to add.", "Nothing to add.", "nothing to ADD"])
    assert same["distinct_share"] == pytest.approx(2 / 3)  # texts compared as written
    assert same["trigram_share"] == pytest.approx(1 / 3)  # words lower-cased
    assert variety([])["texts"] == 0


@pytest.mark.parametrize("wave", ["2025", "2026"])
def test_committed_waves_are_varied(wave: str) -> None:
    """At least 95% of answers and of turns distinct, at least 75% distinct word trigrams."""
    figures = wave_variety(COMMITTED / wave).set_index("texts_of")
    assert figures.loc["answers", "texts"] > 200 and figures.loc["turns", "texts"] >= 150
    assert (figures["distinct_share"] >= 0.95).all(), figures
    assert (figures["trigram_share"] >= 0.75).all(), figures


@pytest.mark.parametrize("wave", ["2025", "2026"])
def test_committed_waves_vary_in_length_and_form(wave: str) -> None:
    """Short and long answers, some typed in lower case, some without apostrophes."""
    units = wave_units(COMMITTED / wave)
    answers = units.loc[units["unit"] == "answer", "text"].astype(str)
    words = answers.str.split().str.len()
    assert words.min() <= 3 and words.max() >= 45
    assert np.percentile(words, 75) - np.percentile(words, 25) >= 10
    assert (answers.str[:1].str.islower()).sum() >= 5
    assert answers.str.contains(r"\b(?:dont|wouldnt|isnt|its|cant|Im|Ive)\b").any()


def test_expand_chooses_one_option_per_group() -> None:
    picker = Picker(np.random.default_rng(0))
    seen = {expand("[a|b|] x [c|d]", picker) for _ in range(200)}
    assert seen == {f"{p} x {q}" for p in ("a", "b", "") for q in ("c", "d")}


def test_held_back_phrasings_are_new_wording() -> None:
    """Held-back clauses share no template with the normal ones and say every theme."""
    assert set(HELD_BACK) == set(CLAUSES) == set(THEMES)
    for theme in THEMES:
        assert not set(HELD_BACK[theme]) & set(CLAUSES[theme])
        assert len(HELD_BACK[theme]) >= 5
    picker = Picker(np.random.default_rng(3))
    normal = {compose(["submission_burden"], "written", picker) for _ in range(50)}
    with phrasings("held_back"):
        held = {compose(["submission_burden"], "written", picker) for _ in range(50)}
    assert not normal & held
    with pytest.raises(ValueError, match="unknown phrasings"), phrasings("nonsense"):
        pass


@pytest.fixture(scope="module")
def waves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("phrasings")
    return {p: generate_wave(2025, 120, 4, root / p, phrasings=p) for p in ("normal", "held_back")}


def test_held_back_wave_keeps_the_planted_themes(waves: dict[str, Path]) -> None:
    """Wording has its own stream: the same themes and survey answers, different words."""
    truth = {p: pd.read_csv(f / "truth_themes.csv", dtype=str) for p, f in waves.items()}
    pd.testing.assert_frame_equal(truth["normal"], truth["held_back"])
    surveys = {p: pd.read_csv(f / "survey.csv", dtype=str) for p, f in waves.items()}
    text = ["comment_change", "comment_other"]
    pd.testing.assert_frame_equal(
        surveys["normal"].drop(columns=text), surveys["held_back"].drop(columns=text)
    )
    themed = truth["normal"]["source_id"].str.contains("__")
    answered = surveys["normal"]["comment_change"].notna()
    normal, held = (surveys[p].loc[answered, "comment_change"] for p in ("normal", "held_back"))
    assert (normal != held).mean() > 0.9
    assert themed.any()


def test_rules_score_lower_on_held_back_phrasings(waves: dict[str, Path]) -> None:
    """Rules written from the normal phrasings code those well; held-back wording shows the gap."""
    scores = {p: rule_scores(f).set_index("code_id")["f1"] for p, f in waves.items()}
    assert scores["normal"]["macro"] > 0.9
    assert scores["held_back"]["macro"] < scores["normal"]["macro"] - 0.3
