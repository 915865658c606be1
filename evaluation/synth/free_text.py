"""Who writes a free-text answer, and which themes it carries.

Themes correlate with the respondent, as they would in a real survey: frontline staff more often
describe uneven awareness, Global Majority staff and those who experienced or witnessed racism
more often describe low confidence in reporting, managers more often describe the submission
burden, and a barrier ticked in the multi-select question makes its theme more likely. The rules
are data (:data:`BASE_WEIGHTS`, :data:`MULTIPLIERS`) so that ``truth.json`` can report them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.synth.language import THEMES, compose
from evaluation.synth.parameters import MANAGER_LEVELS, WaveParameters
from evaluation.synth.streams import Picker

TEXT_FIELDS = ("comment_change", "comment_other")

# P(an answer carries 0, 1 or 2 themes).
THEME_COUNT = (0.18, 0.57, 0.25)

BASE_WEIGHTS: dict[str, dict[str, float]] = {
    "comment_change": dict(zip(THEMES, (0.8, 0.3, 0.3, 0.6, 0.5, 0.4, 0.5, 1.2), strict=True)),
    "comment_other": dict(zip(THEMES, (0.6, 1.0, 0.8, 0.6, 0.6, 0.2, 0.5, 0.3), strict=True)),
}

# condition -> theme -> multiplier on the base weight.
MULTIPLIERS: dict[str, dict[str, float]] = {
    "frontline": {
        "uneven_awareness": 2.0,
        "low_reporting_confidence": 1.3,
        "submission_burden": 0.3,
    },
    "manager": {
        "submission_burden": 2.5,
        "competing_priorities": 1.5,
        "structure_and_legitimacy": 1.6,
        "uneven_awareness": 0.8,
    },
    "global_majority": {
        "low_reporting_confidence": 2.5,
        "capability_gaps": 1.5,
        "individuals_without_authority": 1.3,
    },
    "experienced_or_witnessed": {"low_reporting_confidence": 1.5, "capability_gaps": 1.5},
    "reported_not_satisfied": {"capability_gaps": 2.0},
    "not_aware": {"structure_and_legitimacy": 0.4, "submission_burden": 0.3},
    "barrier_competing_priorities": {"competing_priorities": 1.8},
    "barrier_inconsistent_accountability": {"inconsistent_accountability": 1.8},
    "barrier_individuals_without_authority": {"individuals_without_authority": 1.8},
    "barrier_complex_submission": {"submission_burden": 2.0},
    "barrier_low_awareness": {"uneven_awareness": 1.5},
    "barrier_fear_of_repercussions": {"low_reporting_confidence": 1.5},
}


def _conditions(frame: pd.DataFrame, global_majority: np.ndarray, role: np.ndarray) -> dict:
    """Boolean arrays for each condition of :data:`MULTIPLIERS` (true role and ethnicity)."""

    def answered(column: str, values: tuple[str, ...]) -> np.ndarray:
        return frame[column].isin(values).to_numpy()

    conditions = {
        "frontline": role == "Frontline",
        "manager": np.isin(role, MANAGER_LEVELS),
        "global_majority": global_majority,
        "experienced_or_witnessed": answered("experienced_racism_12m", ("Yes",))
        | answered("witnessed_racism_12m", ("Yes",)),
        "reported_not_satisfied": answered("satisfied_with_response", ("No", "Partly")),
        "not_aware": ~answered("arf_aware", ("Yes",)),
    }
    for name in MULTIPLIERS:
        if name.startswith("barrier_"):
            conditions[name] = (frame[name] == 1).fillna(False).to_numpy(dtype=bool)
    return conditions


def theme_weights(
    field: str, frame: pd.DataFrame, global_majority: np.ndarray, role: np.ndarray
) -> np.ndarray:
    """Relative weight of each theme (columns in :data:`THEMES` order) for every respondent."""
    weights = np.tile(np.array([BASE_WEIGHTS[field][t] for t in THEMES]), (len(frame), 1))
    for name, holds in _conditions(frame, global_majority, role).items():
        factor = np.array([MULTIPLIERS[name].get(t, 1.0) for t in THEMES])
        weights[holds] *= factor
    return weights


def draw_themes(weights: np.ndarray, picker: Picker) -> list[str]:
    """The themes of one answer: 0, 1 or 2 of them, drawn without replacement by weight."""
    count = picker.weighted(THEME_COUNT)
    return picker.sample(dict(zip(THEMES, weights.tolist(), strict=True)), count)


def free_text_answers(
    frame: pd.DataFrame,
    global_majority: np.ndarray,
    role: np.ndarray,
    params: WaveParameters,
    rng: np.random.Generator,
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    """The two free-text columns and the true themes of every answer.

    Returns ``({field: answers}, themes)``; answers are ``NA`` where the respondent wrote
    nothing; ``themes`` has one row per (answer, theme): ``source_id, unit, code_id``.
    """
    aware = frame["arf_aware"].eq("Yes").fillna(False).to_numpy(dtype=bool)
    rates = {
        "comment_change": np.where(
            aware, params.comment_change_rate_aware, params.comment_change_rate_unaware
        ),
        "comment_other": np.full(len(frame), params.comment_other_rate),
    }
    answered = {field: rng.random(len(frame)) < rates[field] for field in TEXT_FIELDS}
    picker = Picker(rng)
    # wording has its own stream: the same themes whichever phrasings say them
    words = Picker(np.random.default_rng(rng.integers(2**62)))
    ids = frame["respondent_id"].to_numpy()
    columns: dict[str, pd.Series] = {}
    rows: list[tuple[int, int, int, str]] = []
    for field_index, field in enumerate(TEXT_FIELDS):
        weights = theme_weights(field, frame, global_majority, role)
        texts = np.full(len(frame), None, dtype=object)
        for i in np.flatnonzero(answered[field]):
            themes = draw_themes(weights[i], picker)
            texts[i] = compose(themes, "written", words)
            rows.extend((int(i), field_index, THEMES.index(t), t) for t in themes)
        columns[field] = pd.Series(texts, index=frame.index, dtype="string")
    rows.sort()
    themes = pd.DataFrame(
        {
            "source_id": [f"{ids[i]}__{TEXT_FIELDS[f]}" for i, f, _, _ in rows],
            "unit": "answer",
            "code_id": [theme for *_, theme in rows],
        },
        columns=["source_id", "unit", "code_id"],
    )
    return columns, themes
