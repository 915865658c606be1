"""Inter-coder reliability checked against published and independent answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score

from evaluation.text.agreement import (
    cohen_kappa,
    disagreements,
    flag,
    krippendorff_alpha_nominal,
    reliability,
)

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, missing values; the nominal alpha is 0.743.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}


def test_alpha_matches_krippendorff_2011_worked_example() -> None:
    data = np.array(list(KRIPPENDORFF_2011.values()), dtype=object).T
    assert krippendorff_alpha_nominal(data) == pytest.approx(0.743, abs=5e-4)


def test_alpha_matches_nltk_annotation_task() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 3, 60)
    data = np.where(rng.random((60, 3)) < 0.75, truth[:, None], rng.integers(0, 3, (60, 3)))
    data = data.astype(object)
    data[rng.random((60, 3)) < 0.1] = None
    triples = [
        (f"c{j}", str(i), str(data[i, j]))
        for i in range(60)
        for j in range(3)
        if data[i, j] is not None
    ]
    assert krippendorff_alpha_nominal(data) == pytest.approx(AnnotationTask(triples).alpha())


def test_kappa_matches_sklearn() -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 4, 80)
    b = np.where(rng.random(80) < 0.6, a, rng.integers(0, 4, 80))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_flags() -> None:
    assert [flag(x) for x in (0.85, 0.8, 0.7, 0.5, float("nan"))] == [
        "reliable",
        "reliable",
        "tentative",
        "unreliable",
        "undefined",
    ]


@pytest.fixture
def two_coders() -> tuple[pd.DataFrame, pd.DataFrame]:
    """40 units; code x: coders agree on 8 present and 30 absent, disagree on 2; code y is rare."""
    units = pd.DataFrame(
        {
            "source_id": "fg",
            "unit": [str(i) for i in range(1, 41)],
            "speaker_or_respondent": "P01",
            "text": [f"turn {i}" for i in range(1, 41)],
        }
    )
    rows = [("fg", str(i), "x", c) for i in range(1, 9) for c in ("a", "b")]
    rows += [("fg", "9", "x", "a"), ("fg", "10", "x", "b"), ("fg", "11", "y", "a")]
    codings = pd.DataFrame(rows, columns=["source_id", "unit", "code_id", "coder"])
    return codings, units


def test_reliability_per_code_matches_sklearn_and_reports_prevalence(two_coders) -> None:
    codings, units = two_coders
    table = reliability(codings, units, ["x", "y"], n_boot=500, seed=1).set_index("code_id")
    a = [int(u in {str(i) for i in range(1, 10)}) for u in units["unit"]]
    b = [int(u in {str(i) for i in [*range(1, 9), 10]}) for u in units["unit"]]
    assert table.loc["x", "kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert table.loc["x", "percent_agreement"] == pytest.approx(95.0)
    assert table.loc["x", "prevalence"] == pytest.approx(100 * 18 / 80)
    assert table.loc["x", "kappa_lo"] < table.loc["x", "kappa"] < table.loc["x", "kappa_hi"]
    # the rare code: 97.5% raw agreement, yet no agreement beyond chance
    assert table.loc["y", "percent_agreement"] == pytest.approx(97.5)
    assert table.loc["y", "kappa"] == pytest.approx(0.0)
    assert table.loc["y", "flag"] == "unreliable"
    assert set(table.index) == {"x", "y", "overall"}
    again = reliability(codings, units, ["x", "y"], n_boot=500, seed=1).set_index("code_id")
    pd.testing.assert_frame_equal(table, again)  # seeded bootstrap


def test_disagreements_list_the_passages(two_coders) -> None:
    codings, units = two_coders
    found = disagreements(codings, units, ["x", "y"])
    assert found[["unit", "code_id", "applied_by", "not_applied_by"]].values.tolist() == [
        ["9", "x", "a", "b"],
        ["10", "x", "b", "a"],
        ["11", "y", "a", "b"],
    ]
    assert found["text"].tolist() == ["turn 9", "turn 10", "turn 11"]
