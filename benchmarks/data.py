"""Synthetic inputs at any size: validated survey frames (cached per run) and free-text comments.

Survey frames come from :func:`evaluation.synth.generate_survey` (survey only, no free text) and go
through the loader's validation and typing (:func:`evaluation.io.survey.survey_from_cells`), so the
analyses see exactly the frame of the data contract. Building a million-respondent frame takes a
minute or more (validation dominates), so a frame is built once per run and cached as Parquet in
the run's work folder, as the pipeline caches the validated survey for its notebooks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.io.survey import survey_from_cells
from evaluation.synth import generate_survey
from evaluation.synth.free_text import BASE_WEIGHTS, draw_themes
from evaluation.synth.language import THEMES, compose, phrasings
from evaluation.synth.streams import Picker

WAVE = 2025
SEED = 1


def cache_path(work: Path | str, size: int) -> Path:
    """Where the validated frame of ``size`` respondents is cached for this run."""
    return Path(work) / f"survey_{size}.parquet"


def survey_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A generated survey as the text cells a CSV would hold (index = file row numbers)."""
    cells = pd.DataFrame({c: frame[c].astype("string").fillna("") for c in frame.columns})
    cells.index = pd.RangeIndex(2, len(frame) + 2)
    return cells


def survey_frame(size: int, work: Path | str) -> pd.DataFrame:
    """The validated survey frame of ``size`` synthetic respondents (from the cache if built)."""
    path = cache_path(work, size)
    if path.exists():
        return pd.read_parquet(path)
    generated = generate_survey(WAVE, size, SEED, with_text=False).frame
    frame = survey_from_cells(survey_cells(generated), "<generated>", on_error="exclude").frame
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return frame


def synthetic_comments(
    n: int, seed: int = SEED, held_back: bool = False
) -> tuple[list[str], list[set[str]]]:
    """``n`` synthetic free-text answers and their true themes, drawn as the generator does.

    Themes per answer (0, 1 or 2) and their relative weights follow the generator's
    ``comment_change`` field; the wording comes from the synthetic language module, with its
    held-back phrasings if ``held_back`` (the same themes either way: wording has its own stream).
    """
    picker = Picker(np.random.default_rng(seed))
    words = Picker(np.random.default_rng([seed, 1]))
    weights = np.array([BASE_WEIGHTS["comment_change"][t] for t in THEMES])
    texts, truth = [], []
    with phrasings("held_back" if held_back else "normal"):
        for _ in range(n):
            themes = draw_themes(weights, picker)
            texts.append(compose(themes, "written", words))
            truth.append(set(themes))
    return texts, truth


def comment_units(texts: list[str]) -> pd.DataFrame:
    """Comments as units of analysis (the ``answer`` units of :mod:`evaluation.text.segments`)."""
    ids = [f"R{i:07d}" for i in range(len(texts))]
    return pd.DataFrame(
        {
            "source_id": [f"{r}__comment_change" for r in ids],
            "unit": "answer",
            "speaker_or_respondent": ids,
            "start": 0,
            "end": [len(t) for t in texts],
            "text": texts,
        }
    ).astype({"source_id": "string", "unit": "string", "text": "string"})
