"""Honest scores for coders: k-fold cross-validation and comparison with known true themes.

A suggester scored on the passages it was trained on looks far better than it is; every number
here is out-of-fold (each passage predicted by a model that never saw it), or against an
independent truth (the synthetic wave's planted themes). Per-code precision, recall and F1 sit
beside macro F1 (every code counts alike, so rare codes matter) and micro F1 (every decision
counts alike, so frequent codes dominate).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

SCORE_COLUMNS = ["code_id", "support", "predicted", "tp", "precision", "recall", "f1"]


@dataclass(frozen=True)
class CVResult:
    """Out-of-fold predictions and scores of one coder."""

    per_code: pd.DataFrame  # SCORE_COLUMNS, one row per scored code
    macro_f1: float
    micro_f1: float
    fit_seconds: float  # total training time over the folds (wall clock)
    predictions: list[set[str]]  # out-of-fold predicted codes per text
    fit_cpu_seconds: float = 0.0  # the same in this process's CPU time (robust to a busy machine)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def score_sets(
    truth: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], codes: Sequence[str]
) -> pd.DataFrame:
    """Per-code precision, recall and F1 of ``predicted`` against ``truth`` (aligned per unit).

    A code never predicted has precision 0 (and F1 0): scikit-learn's ``zero_division=0``.
    """
    truth = [set(t) for t in truth]
    predicted = [set(p) for p in predicted]
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")

    def indicators(sets: Sequence[Iterable[str]]) -> dict[str, np.ndarray]:
        # one pass over the sets' members (not one per code over every unit)
        where: dict[str, list[int]] = {}
        for i, members in enumerate(sets):
            for code in members:
                where.setdefault(code, []).append(i)
        out = {}
        for code in codes:
            flags = np.zeros(len(sets), dtype=bool)
            flags[where.get(code, [])] = True
            out[code] = flags
        return out

    truth_flags, predicted_flags = indicators(truth), indicators(predicted)
    rows = []
    for code in codes:
        t = truth_flags[code]
        p = predicted_flags[code]
        tp = int((t & p).sum())
        precision, recall = _ratio(tp, p.sum()), _ratio(tp, t.sum())
        rows.append(
            {
                "code_id": code,
                "support": int(t.sum()),
                "predicted": int(p.sum()),
                "tp": tp,
                "precision": precision,
                "recall": recall,
                "f1": _ratio(2 * precision * recall, precision + recall),
            }
        )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def summarise_scores(per_code: pd.DataFrame) -> dict[str, float]:
    """Macro F1 (mean over codes) and micro F1 (pooled decisions) of a :func:`score_sets` frame."""
    tp, predicted, support = (per_code[c].sum() for c in ("tp", "predicted", "support"))
    return {
        "macro_f1": float(per_code["f1"].mean()) if len(per_code) else 0.0,
        "micro_f1": _ratio(2 * tp, predicted + support),
    }


def cross_validate_coder(
    coder: object | Callable[[], object],
    texts: Sequence[str],
    code_sets: Sequence[Iterable[str]],
    codes: Sequence[str] | None = None,
    n_splits: int = 5,
    seed: int = 0,
) -> CVResult:
    """k-fold cross-validation of any coder with ``fit(texts, code_sets)`` and ``predict(texts)``.

    ``coder`` is an unfitted scikit-learn estimator (cloned per fold), or a class or factory
    returning a fresh coder. Folds are
    ``KFold(n_splits, shuffle=True, random_state=seed)`` over texts, so two coders given the same
    seed are scored on the same folds. ``codes`` defaults to every code in ``code_sets``.
    """
    texts = [str(t) for t in texts]
    code_sets = [set(c) for c in code_sets]
    codes = sorted(set().union(*code_sets)) if codes is None else list(codes)
    is_factory = isinstance(coder, type) or not hasattr(coder, "fit")
    make: Callable[[], Any] = coder if is_factory else (lambda: clone(coder))  # type: ignore[assignment]
    predictions: list[set[str]] = [set() for _ in texts]
    fit_seconds = fit_cpu = 0.0
    for train, test in KFold(n_splits, shuffle=True, random_state=seed).split(texts):
        model = make()
        started, started_cpu = time.perf_counter(), time.process_time()
        model.fit([texts[i] for i in train], [code_sets[i] for i in train])
        fit_seconds += time.perf_counter() - started
        fit_cpu += time.process_time() - started_cpu
        for i, predicted in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predictions[i] = set(predicted) & set(codes)
    per_code = score_sets(code_sets, predictions, codes)
    summary = summarise_scores(per_code)
    return CVResult(
        per_code, summary["macro_f1"], summary["micro_f1"], fit_seconds, predictions, fit_cpu
    )


def units_code_sets(units: pd.DataFrame, coded: pd.DataFrame) -> list[set[str]]:
    """The set of codes of each unit (row of ``units``) in a ``source_id, unit, code_id`` frame."""
    key = coded["source_id"].astype(str) + "\x1f" + coded["unit"].astype(str)
    # a dict of sets in one pass (a pandas group per unit was slow at survey scale)
    lookup: dict[str, set[str]] = {}
    for k, code in zip(key, coded["code_id"], strict=True):
        lookup.setdefault(k, set()).add(code)
    keys = units["source_id"].astype(str) + "\x1f" + units["unit"].astype(str)
    return [set(lookup.get(k, set())) for k in keys]


def score_against_truth(
    units: pd.DataFrame, coded: pd.DataFrame, truth: pd.DataFrame, codes: Sequence[str]
) -> pd.DataFrame:
    """Per-code precision/recall/F1 of a coding (``source_id, unit, code_id``) against the truth.

    ``units`` is the universe of units scored (units absent from both frames count as correctly
    uncoded); ``truth`` has the same columns (``truth_themes.csv``). A ``macro`` and a ``micro``
    row are appended (their precision and recall are averages or pooled, accordingly).
    """
    per_code = score_sets(units_code_sets(units, truth), units_code_sets(units, coded), list(codes))
    summary = summarise_scores(per_code)
    tp, predicted, support = (per_code[c].sum() for c in ("tp", "predicted", "support"))
    extra = pd.DataFrame(
        [
            {
                "code_id": "macro",
                "support": support,
                "predicted": predicted,
                "tp": tp,
                "precision": per_code["precision"].mean(),
                "recall": per_code["recall"].mean(),
                "f1": summary["macro_f1"],
            },
            {
                "code_id": "micro",
                "support": support,
                "predicted": predicted,
                "tp": tp,
                "precision": _ratio(tp, predicted),
                "recall": _ratio(tp, support),
                "f1": summary["micro_f1"],
            },
        ]
    )
    return pd.concat([per_code, extra], ignore_index=True)


def out_of_fold_coding(
    coder: object | Callable[[], object],
    units: pd.DataFrame,
    coded: pd.DataFrame,
    codes: Sequence[str],
    n_splits: int = 5,
    seed: int = 0,
    name: str = "suggester",
) -> pd.DataFrame:
    """Out-of-fold codes for ``units``, learned from ``coded`` (``source_id, unit, code_id``).

    Each unit is coded by a model trained on the other folds' units and their codes in ``coded``
    (a human coder's work): what the suggester would have proposed for passages it never saw.
    Returns ``source_id, unit, code_id, coder``, ready for :func:`score_against_truth`.
    """
    units = units.reset_index(drop=True)
    result = cross_validate_coder(
        coder, units["text"].astype(str).tolist(), units_code_sets(units, coded), codes,
        n_splits, seed,
    )  # fmt: skip
    rows = [
        (units.loc[i, "source_id"], units.loc[i, "unit"], code, name)
        for i, predicted in enumerate(result.predictions)
        for code in sorted(predicted)
    ]
    return pd.DataFrame(rows, columns=["source_id", "unit", "code_id", "coder"]).astype("string")
