"""Suggester, cross-validation, truth scoring, discovery, preprocessing; all offline."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest

from evaluation.paths import CODEBOOK
from evaluation.text.codebook import load_codebook
from evaluation.text.discovery import discover_themes
from evaluation.text.evaluate import (
    cross_validate_coder,
    out_of_fold_coding,
    score_against_truth,
    score_sets,
)
from evaluation.text.preprocess import collocations, ngram_counts, stems, stop_words, token_spans
from evaluation.text.rules import RuleCoder
from evaluation.text.suggester import CodeSuggester, best_f1_threshold

PHRASES = {
    "awareness": ["nobody on the ward has heard of it", "it never reached the frontline"],
    "reporting": ["scared to report racism", "reports go nowhere on datix"],
    "burden": ["the submission paperwork took weeks", "evidence templates were confusing"],
}
FILLER = ["we had a meeting", "the weather was fine", "I work nights", "lunch was late"]


def corpus(n: int, seed: int) -> tuple[list[str], list[set[str]]]:
    """Short synthetic passages: 0-2 themes each, plus filler words."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        k = rng.choice([0, 1, 1, 2])
        codes = set(rng.choice(list(PHRASES), size=k, replace=False)) if k else set()
        parts = [str(rng.choice(PHRASES[c])) for c in sorted(codes)]
        parts += [str(rng.choice(FILLER)) for _ in range(2)]
        rng.shuffle(parts)
        texts.append(", ".join(parts))
        labels.append(codes)
    return texts, labels


@pytest.fixture(scope="module")
def fitted() -> CodeSuggester:
    texts, labels = corpus(240, seed=0)
    return CodeSuggester(random_state=0).fit(texts, labels)


def test_suggester_learns_and_predicts(fitted: CodeSuggester) -> None:
    texts, labels = corpus(80, seed=1)
    predicted = fitted.predict(texts)
    scores = score_sets(labels, predicted, fitted.codes_)
    assert (scores["f1"] > 0.9).all(), scores
    proba = fitted.predict_proba(texts)
    assert list(proba.columns) == ["awareness", "burden", "reporting"]
    assert ((proba >= 0) & (proba <= 1)).all().all()
    assert (fitted.thresholds_ > 0).all() and (fitted.thresholds_ < 1).all()


def test_probabilities_are_calibrated_on_held_out_data(fitted: CodeSuggester) -> None:
    """Mean predicted probability is close to the observed rate (calibration-in-the-large)."""
    texts, labels = corpus(300, seed=2)
    proba = fitted.predict_proba(texts)
    for code in fitted.codes_:
        observed = np.mean([code in s for s in labels])
        assert proba[code].mean() == pytest.approx(observed, abs=0.08)


def test_code_next_ranks_uncertain_passages_first(fitted: CodeSuggester) -> None:
    clear = "nobody on the ward has heard of it, lunch was late"
    vague = "the ward, the paperwork, nights"
    ranked = fitted.code_next([clear, vague, "the weather was fine"], k=3)
    assert ranked.loc[0, "text"] == vague
    assert list(ranked.columns) == [
        "position",
        "text",
        "margin",
        "code",
        "probability",
        "threshold",
    ]
    assert ranked["margin"].is_monotonic_increasing


def test_best_f1_threshold_known_answer() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    threshold, f1 = best_f1_threshold(y, p)
    assert f1 == pytest.approx(2 * 3 / (4 + 3))  # top four predicted: tp 3, fp 1, fn 0
    assert 0.2 < threshold <= 0.6


def test_cross_validation_is_out_of_fold_and_deterministic() -> None:
    texts, labels = corpus(150, seed=3)
    first = cross_validate_coder(CodeSuggester(), texts, labels, n_splits=3, seed=7)
    second = cross_validate_coder(CodeSuggester(), texts, labels, n_splits=3, seed=7)
    assert first.predictions == second.predictions
    assert 0.8 < first.macro_f1 <= 1.0
    assert list(first.per_code["code_id"]) == ["awareness", "burden", "reporting"]


def test_score_against_truth_counts_uncoded_units() -> None:
    units = pd.DataFrame({"source_id": ["a", "a", "b"], "unit": ["1", "2", "answer"]})
    truth = pd.DataFrame({"source_id": ["a", "b"], "unit": ["1", "answer"], "code_id": ["x", "x"]})
    coded = pd.DataFrame({"source_id": ["a", "a"], "unit": ["1", "2"], "code_id": ["x", "x"]})
    table = score_against_truth(units, coded, truth, ["x"]).set_index("code_id")
    assert table.loc["x", ["tp", "precision", "recall"]].tolist() == [1, 0.5, 0.5]
    assert set(table.index) == {"x", "macro", "micro"}


def test_out_of_fold_coding_returns_unit_codes() -> None:
    texts, labels = corpus(60, seed=4)
    units = pd.DataFrame({"source_id": "fg", "unit": [str(i) for i in range(60)], "text": texts})
    coded = pd.DataFrame(
        [("fg", str(i), c) for i, s in enumerate(labels) for c in s],
        columns=["source_id", "unit", "code_id"],
    )
    oof = out_of_fold_coding(CodeSuggester(), units, coded, ["awareness", "burden", "reporting"])
    assert list(oof.columns) == ["source_id", "unit", "code_id", "coder"]
    assert set(oof["coder"]) == {"suggester"}


def test_preprocessing_offline_pieces() -> None:
    text = "Reporting racism isn't easy; REPORTS vanish."
    assert stems(text) == ["report", "racism", "isn't", "easi", "report", "vanish"]
    assert "the" in stop_words() and "racism" not in stop_words()
    for start, end in token_spans(text):
        assert text[start:end].strip() == text[start:end]
    texts = ["winter pressures again", "winter pressures and targets", "winter pressures"] * 2
    assert ngram_counts(texts, 2).iloc[0].tolist() == ["winter pressures", 6]
    assert collocations(texts, min_freq=2).iloc[0]["collocation"] == "winter pressures"


def test_discovery_finds_planted_topics() -> None:
    texts, labels = corpus(120, seed=5)
    units = pd.DataFrame({"source_id": "fg", "unit": [str(i) for i in range(120)], "text": texts})
    topics = discover_themes(units, n_topics=4, code_sets=labels, seed=0)
    assert list(topics.columns) == ["topic", "n_passages", "top_terms", "uncoded_share", "quotes"]
    terms = " ".join(topics["top_terms"])
    assert all(word in terms for word in ("ward", "datix", "paperwork"))
    again = discover_themes(units, n_topics=4, code_sets=labels, seed=0)
    pd.testing.assert_frame_equal(topics, again)


def test_whole_text_pipeline_never_touches_the_network(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    texts, labels = corpus(90, seed=6)
    units = pd.DataFrame({"source_id": "fg", "unit": [str(i) for i in range(90)], "text": texts})
    RuleCoder(load_codebook(CODEBOOK)).match(texts)
    suggester = CodeSuggester().fit(texts, labels)
    suggester.predict(texts)
    suggester.code_next(texts, k=5)
    discover_themes(units, n_topics=3)
    collocations(texts)
    stems(" ".join(texts))
