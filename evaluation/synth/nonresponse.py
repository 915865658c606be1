"""Planted non-response: a synthetic workforce, and respondents who answer at rates that differ by
pay band group and ethnicity group, so that unweighted shares are biased and raking to the
workforce's margins must move them back towards the truth.

The response probability is a product ``rate_band[band] x rate_ethnicity[ethnicity]``: a
main-effects log-linear model, which raking on the two margins corrects in expectation when the
outcome depends on nothing else that drives response. The workforce's margins are its shares among
staff with a stated band and ethnicity ("Not stated" and "Prefer not to say" are survey answers,
not workforce attributes).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.synth.survey import generate_survey

BAND_RESPONSE = {
    "Bands 2-4": 0.35,
    "Bands 5-7": 0.55,
    "Band 8a to VSM": 0.85,
    "Medical": 0.30,
    "Not stated": 0.45,
}
ETHNICITY_RESPONSE = {"White": 0.60, "Global Majority": 0.30, "Prefer not to say": 0.45}
UNSTATED = ("Not stated", "Prefer not to say")


@dataclass
class NonresponseSample:
    """The workforce, the respondents drawn from it, and the workforce's raking margins."""

    workforce: pd.DataFrame
    respondents: pd.DataFrame
    margins: dict[str, dict[str, float]]
    response_probability: pd.Series  # per member of the workforce

    @property
    def population_size(self) -> int:
        """The workforce's head count (for the finite population correction)."""
        return len(self.workforce)


def workforce_margins(
    frame: pd.DataFrame, variables: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Shares of each stated level of ``variables`` (unstated answers left out)."""
    out = {}
    for v in variables:
        values = frame[v].astype("string")
        values = values[values.notna() & ~values.isin(list(UNSTATED))]
        out[v] = {str(k): float(x) for k, x in values.value_counts(normalize=True).items()}
    return out


def planted_nonresponse(
    frame: pd.DataFrame,
    seed: int,
    band_rates: Mapping[str, float] = BAND_RESPONSE,
    ethnicity_rates: Mapping[str, float] = ETHNICITY_RESPONSE,
) -> NonresponseSample:
    """Draw respondents from the workforce ``frame`` (a survey frame with ``band_group`` and
    ``ethnicity_group``) with the planted response rates; margins from the whole workforce."""
    rng = np.random.default_rng(seed)
    band = frame["band_group"].astype(str).map(dict(band_rates)).fillna(0.5)
    ethnicity = frame["ethnicity_group"].astype(str).map(dict(ethnicity_rates)).fillna(0.5)
    probability = (band * ethnicity).astype(float)
    answered = rng.random(len(frame)) < probability.to_numpy()
    return NonresponseSample(
        workforce=frame,
        respondents=frame[answered].reset_index(drop=True),
        margins=workforce_margins(frame, ("band_group", "ethnicity_group")),
        response_probability=probability.rename("response_probability"),
    )


def nonresponse_wave(wave: int, workforce: int, seed: int) -> NonresponseSample:
    """A synthetic workforce of ``workforce`` staff for ``wave`` (every one answering, as loaded
    by :func:`evaluation.io.survey.load_survey`, so derived groups exist) and its planted
    respondents."""
    from evaluation.io.survey import load_survey  # the loader derives band and ethnicity groups
    from evaluation.synth.wave import write_survey_csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        write_survey_csv(generate_survey(wave, workforce, seed, with_text=False).frame, path)
        frame = load_survey(path).frame
    return planted_nonresponse(frame, seed + 1)
