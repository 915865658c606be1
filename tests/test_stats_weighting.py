"""Raking: margins reproduced exactly, trimming bounds respected, Kish design effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.stats import kish_effective_n, proportion_by, rake


@pytest.fixture
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 2000
    return pd.DataFrame(
        {
            "role": rng.choice(["Frontline", "Manager", "Senior"], n, p=[0.4, 0.35, 0.25]),
            "eth": rng.choice(["White", "Global Majority"], n, p=[0.85, 0.15]),
            "agree": rng.random(n) < 0.5,
        }
    )


MARGINS = {
    "role": {"Frontline": 7000, "Manager": 2500, "Senior": 500},
    "eth": {"White": 0.7, "Global Majority": 0.3},
}


def test_raking_reproduces_margins(sample: pd.DataFrame) -> None:
    result = rake(sample, MARGINS)
    assert result.converged
    w = result.weights
    assert w.mean() == pytest.approx(1.0)
    role = w.groupby(sample["role"]).sum() / w.sum()
    assert role["Frontline"] == pytest.approx(0.70, abs=1e-9)
    assert role["Senior"] == pytest.approx(0.05, abs=1e-9)
    eth = w.groupby(sample["eth"]).sum() / w.sum()
    assert eth["Global Majority"] == pytest.approx(0.30, abs=1e-9)
    margins = result.margins
    assert np.allclose(margins["weighted_share"], margins["target_share"], atol=1e-9)
    assert result.design_effect == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert result.n_effective == pytest.approx(kish_effective_n(w))
    assert result.design_effect > 1


def test_trimming_bounds_weights(sample: pd.DataFrame) -> None:
    untrimmed = rake(sample, MARGINS)
    trimmed = rake(sample, MARGINS, trim=(0.4, 2.5))
    assert untrimmed.weights.max() > 2.5
    assert trimmed.weights.max() <= 2.5 * 1.001
    assert trimmed.n_trimmed > 0
    assert trimmed.design_effect < untrimmed.design_effect


def test_raking_refuses_missing_values_and_margins(sample: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no population margin"):
        rake(sample, {"role": {"Frontline": 1, "Manager": 1}})
    gappy = sample.copy()
    gappy.loc[0, "role"] = None
    with pytest.raises(ValueError, match="no value on a raking variable"):
        rake(gappy, MARGINS)


def test_weighted_proportion_with_raked_weights(sample: pd.DataFrame) -> None:
    sample = sample.assign(weight=rake(sample, MARGINS).weights)
    table = proportion_by(sample, "agree", by="eth", weights="weight")
    expected = (
        sample[sample["agree"]].groupby("eth")["weight"].sum()
        / sample.groupby("eth")["weight"].sum()
    )
    got = table.set_index("eth")["pct"] / 100
    assert got["White"] == pytest.approx(expected["White"])
    assert (table["n_eff"] <= table["n"]).all()
