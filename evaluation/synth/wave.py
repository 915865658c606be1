"""Write a synthetic wave folder: survey, focus group, coders' codings and the truth.

The folder follows the wave contract of CONTRIBUTING.md. Output is byte-identical for the same
arguments: seeded streams, no timestamps, stable row order, ``\\n`` line endings, UTF-8.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import evaluation.synth.language as language
from evaluation.synth.coders import CODERS, code_transcript
from evaluation.synth.focus_group import SOURCE_ID, FocusGroup, generate_focus_group
from evaluation.synth.parameters import wave_parameters
from evaluation.synth.streams import stream
from evaluation.synth.survey import generate_survey
from evaluation.synth.truth import build_truth

SURVEY_FILE = "survey.csv"
TRUTH_FILE = "truth.json"
THEMES_FILE = "truth_themes.csv"
FOCUS_GROUP_DIR = "focus_group"


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV as the workbench writes it: no index, blank for missing, ``\\n`` endings, UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _quoted(value: str) -> str:
    """One CSV field as ``csv.QUOTE_MINIMAL`` writes it."""
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_fields(series: pd.Series) -> np.ndarray:
    """A column's cells as CSV fields (quoted where needed, blank for missing)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = [_quoted(str(c)) for c in series.cat.categories] + [""]
        return np.array(labels, dtype=object)[series.cat.codes.to_numpy()]
    text = series.astype("string")
    special = text.str.contains(r'[,"\n\r]', regex=True).fillna(False)
    if special.any():
        text = text.mask(special, '"' + text.str.replace('"', '""', regex=False) + '"')
    return text.fillna("").to_numpy(dtype=object)


def write_survey_csv(frame: pd.DataFrame, path: Path, chunk: int = 100_000) -> None:
    """The same bytes as :func:`write_csv`, faster for large surveys.

    Each category is quoted once and looked up by code, instead of formatting every cell, and rows
    are written ``chunk`` at a time: this keeps a million-respondent survey well under a minute
    and its memory modest.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(_quoted(str(c)) for c in frame.columns) + "\n")
        for first in range(0, len(frame), chunk):
            part = frame.iloc[first : first + chunk]
            columns = [_csv_fields(part[name]) for name in part.columns]
            handle.writelines(",".join(row) + "\n" for row in zip(*columns, strict=True))


def write_text(text: str, path: Path) -> None:
    """Text written exactly as given (no newline translation), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def wave_files(with_focus_group: bool = True) -> list[str]:
    """Paths (relative to the wave folder) that :func:`generate_wave` writes."""
    files = [SURVEY_FILE, TRUTH_FILE, THEMES_FILE]
    if with_focus_group:
        files += [f"{FOCUS_GROUP_DIR}/{SOURCE_ID}.txt", f"{FOCUS_GROUP_DIR}/participants.csv"]
        files += [f"{FOCUS_GROUP_DIR}/codings_{profile.name}.csv" for profile in CODERS]
    return files


def _write_focus_group(group: FocusGroup, folder: Path, seed: int, wave: int) -> None:
    write_text(group.transcript(), folder / f"{group.source_id}.txt")
    write_csv(group.participants, folder / "participants.csv")
    rng = stream(seed, wave, "coders")
    for profile in CODERS:
        write_csv(code_transcript(group, profile, rng), folder / f"codings_{profile.name}.csv")


def generate_wave(
    wave: int,
    respondents: int,
    seed: int,
    out: Path | str,
    *,
    with_text: bool = True,
    with_focus_group: bool = True,
    phrasings: str = "normal",
) -> Path:
    """Generate the synthetic wave ``wave`` into the folder ``out`` and return the folder.

    ``with_text=False`` leaves the free-text answers blank and ``with_focus_group=False`` skips
    the transcript and codings: the fast path for very large samples (other files unchanged).
    Existing files of the same names are overwritten; nothing else in ``out`` is touched.
    ``phrasings="held_back"`` words the themes with :data:`evaluation.synth.language.HELD_BACK`
    (phrasings the codebook's rules were not written from), to test rules on unseen wording.
    """
    with language.phrasings(phrasings):
        return _generate_wave(wave, respondents, seed, Path(out), with_text, with_focus_group)


def _generate_wave(
    wave: int, respondents: int, seed: int, out: Path, with_text: bool, with_focus_group: bool
) -> Path:
    params = wave_parameters(wave)
    survey = generate_survey(wave, respondents, seed, with_text=with_text)
    write_survey_csv(survey.frame, out / SURVEY_FILE)
    themes = [survey.themes]
    group = None
    if with_focus_group:
        group = generate_focus_group(stream(seed, wave, "focus_group"))
        _write_focus_group(group, out / FOCUS_GROUP_DIR, seed, wave)
        themes.append(group.themes())
    all_themes = pd.concat([t.astype({"unit": str}) for t in themes], ignore_index=True)
    write_csv(all_themes, out / THEMES_FILE)
    truth = build_truth(
        params, seed=seed, respondents=respondents, with_text=with_text, focus_group=group
    )
    write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", out / TRUTH_FILE)
    return out
