"""Is the synthetic language a fair test? Variety of the text, and rule coding on unseen wording.

A classifier scored on text made from a handful of templates learns the templates; so the committed
waves are checked for variety (:func:`variety`: the share of distinct texts and of distinct word
trigrams), and rule coding is scored against the planted themes both on a normal wave and on one
worded with the held-back phrasings the rule patterns were not written from
(:func:`rule_scores`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from evaluation.io.transcripts import read_transcript
from evaluation.paths import CODEBOOK
from evaluation.text.codebook import Codebook, load_codebook
from evaluation.text.evaluate import score_against_truth
from evaluation.text.rules import RuleCoder
from evaluation.text.segments import answer_units, segments_to_units, turn_units

_WORD = re.compile(r"[\w']+")
TEXT_FIELDS = ("comment_change", "comment_other")


def variety(texts: Sequence[str]) -> dict[str, float]:
    """``texts``, ``distinct_share`` (distinct texts / texts) and ``trigram_share``.

    ``trigram_share`` is distinct word trigrams / all word trigrams (lower-cased words, trigrams
    within a text): 1.0 when no three-word run is ever repeated; template text scores low.
    """
    texts = [str(t) for t in texts]
    seen: set[tuple[str, str, str]] = set()
    total = 0
    for text in texts:
        words = _WORD.findall(text.lower())
        grams = list(zip(words, words[1:], words[2:], strict=False))
        total += len(grams)
        seen.update(grams)
    return {
        "texts": len(texts),
        "distinct_share": len(set(texts)) / len(texts) if texts else 0.0,
        "trigram_share": len(seen) / total if total else 0.0,
    }


def wave_units(folder: Path | str) -> pd.DataFrame:
    """A wave folder's free-text answers and focus-group turns as units (contract columns)."""
    folder = Path(folder)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    parts = [answer_units(survey.replace("", pd.NA), TEXT_FIELDS)]
    for path in sorted((folder / "focus_group").glob("*.txt")):
        parts.append(turn_units(read_transcript(path)))
    return pd.concat(parts, ignore_index=True)


def wave_variety(folder: Path | str) -> pd.DataFrame:
    """:func:`variety` of a wave's free-text answers and of its focus-group turns (all speakers)."""
    units = wave_units(folder)
    answers = units["unit"] == "answer"
    rows = [
        {"texts_of": "answers", **variety(units.loc[answers, "text"].tolist())},
        {"texts_of": "turns", **variety(units.loc[~answers, "text"].tolist())},
    ]
    return pd.DataFrame(rows)


def rule_scores(folder: Path | str, codebook: Codebook | None = None) -> pd.DataFrame:
    """Rule coding of a wave's answers and participant turns scored against its planted themes."""
    folder = Path(folder)
    codebook = codebook or load_codebook(CODEBOOK)
    units = wave_units(folder)
    units = units[units["speaker_or_respondent"] != "F"].reset_index(drop=True)
    truth = pd.read_csv(folder / "truth_themes.csv", dtype=str)
    coded = segments_to_units(RuleCoder(codebook).code(units), units)
    return score_against_truth(units, coded, truth, codebook.leaf_ids)


def rule_f1_by_phrasing(
    wave: int = 2025, respondents: int = 274, seed: int = 1, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Rule macro and micro F1 on a wave worded normally and on the same wave held back.

    Both waves have the same respondents, planted themes and transcript structure (wording has
    its own random stream); only the words differ. Returns ``phrasings, macro_f1, micro_f1``.
    """
    from evaluation.synth.wave import generate_wave

    rows = []
    with tempfile.TemporaryDirectory(prefix="arf-phrasings-") as tmp:
        for phrasings in ("normal", "held_back"):
            folder = generate_wave(
                wave, respondents, seed, Path(tmp) / phrasings, phrasings=phrasings
            )
            scores = rule_scores(folder, codebook).set_index("code_id")["f1"]
            rows.append(
                {
                    "phrasings": phrasings,
                    "macro_f1": float(scores["macro"]),
                    "micro_f1": float(scores["micro"]),
                }
            )
    return pd.DataFrame(rows)
