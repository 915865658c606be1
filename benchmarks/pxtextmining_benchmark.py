"""Benchmark: the code suggester against a plain TF-IDF + linear SVM on real, human-coded NHS text.

Data: the pxtextmining framework-v6 Friends and Family Test comments
(``../shared/benchmarks/pxtextmining/v6framework_230831.csv``; see its README). Convention: drop
empty ``FFT answer`` rows, score the labels with at least 25 examples, five folds from
``KFold(5, shuffle=True, random_state=42)``, the same folds for both models.

- **baseline**, as strong as a careful user would make it: word 1-2-gram TF-IDF with sublinear
  tf + ``OneVsRestClassifier(LinearSVC(class_weight="balanced"))``, with C chosen from
  :data:`BASELINE_CS` by an inner 3-fold cross-validation (macro F1) inside each training fold
  (decision threshold 0);
- **plain baseline** (for continuity with earlier runs): ``TfidfVectorizer()`` +
  ``OneVsRestClassifier(LinearSVC())``, scikit-learn defaults throughout;
- **suggester**: :class:`evaluation.text.CodeSuggester` with its defaults (word and character
  TF-IDF, class-weighted linear SVMs, Platt calibration and F1-tuned per-code thresholds from an
  inner cross-validation inside each training fold).

Training time is the sum over the five folds of each model's ``fit`` (the baseline's includes its
search over C), on the same machine in the same run.

Also measured: rule-coding throughput on 100,000 comments (the codebook's rules, which are about
anti-racism, code almost none of these comments; the point is speed, which must reach 20,000
comments a second). Not part of pytest: ``python -m benchmarks.pxtextmining_benchmark`` (about
three minutes on two cores) or ``make bench``.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from evaluation.paths import CODEBOOK, REPO_ROOT
from evaluation.text.codebook import load_codebook
from evaluation.text.evaluate import CVResult, cross_validate_coder
from evaluation.text.rules import RuleCoder
from evaluation.text.suggester import CodeSuggester

SHARED = Path(os.environ.get("ARF_SHARED") or REPO_ROOT.parent / "shared")
DATA = SHARED / "benchmarks" / "pxtextmining" / "v6framework_230831.csv"
BASELINE_CS = (0.03, 0.1, 0.3, 1.0)
TEXT = "FFT answer"
FIRST_LABEL = "Not assigned"  # label columns run from here to the end
MIN_EXAMPLES = 25
N_SPLITS = 5
SEED = 42
RULE_COMMENTS = 100_000
RULE_TARGET_PER_S = 20_000
TARGET_MARGIN = 0.03  # the suggester must beat the strong baseline's macro F1 by this much
TARGET_TRAIN_SECONDS = 60.0  # suggester training, five folds


class BaselineCoder:
    """TF-IDF + one-vs-rest linear SVM with scikit-learn defaults, as a fit/predict coder."""

    def fit(self, texts: list[str], code_sets: list[set[str]]) -> BaselineCoder:
        self.binarizer_ = MultiLabelBinarizer()
        y = self.binarizer_.fit_transform(code_sets)
        self.model_ = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LinearSVC()))
        self.model_.fit(texts, y)
        return self

    def predict(self, texts: list[str]) -> list[set[str]]:
        classes = self.binarizer_.classes_
        return [set(classes[row.astype(bool)]) for row in self.model_.predict(texts)]


class StrongBaselineCoder(BaselineCoder):
    """Word 1-2-gram sublinear TF-IDF + balanced one-vs-rest LinearSVC, C by inner 3-fold CV."""

    def fit(self, texts: list[str], code_sets: list[set[str]]) -> StrongBaselineCoder:
        self.binarizer_ = MultiLabelBinarizer()
        y = self.binarizer_.fit_transform(code_sets)
        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            OneVsRestClassifier(LinearSVC(class_weight="balanced", random_state=0)),
        )
        search = GridSearchCV(
            pipeline,
            {"onevsrestclassifier__estimator__C": list(BASELINE_CS)},
            scoring="f1_macro",
            cv=KFold(3, shuffle=True, random_state=0),
        )
        self.model_ = search.fit(texts, y).best_estimator_
        self.C_ = search.best_params_["onevsrestclassifier__estimator__C"]
        return self


def load_benchmark(path: Path = DATA) -> tuple[list[str], list[set[str]], list[str]]:
    """Texts, label sets and the scored labels (>= 25 examples) of the pxtextmining file."""
    frame = pd.read_csv(path)
    frame = frame[frame[TEXT].notna() & (frame[TEXT].astype(str).str.strip() != "")]
    labels = list(frame.columns[frame.columns.get_loc(FIRST_LABEL) :])
    y = frame[labels].fillna(0).astype(int)
    scored = [c for c in labels if y[c].sum() >= MIN_EXAMPLES]
    names = np.asarray(scored, dtype=object)
    code_sets = [set(names[row.astype(bool)]) for row in y[scored].to_numpy()]
    return frame[TEXT].astype(str).tolist(), code_sets, scored


def _summary(result: CVResult) -> dict[str, float]:
    return {
        "macro_f1": round(result.macro_f1, 4),
        "micro_f1": round(result.micro_f1, 4),
        "train_seconds": round(result.fit_seconds, 1),
        "train_cpu_seconds": round(result.fit_cpu_seconds, 1),
    }


def rule_throughput(texts: list[str], n: int = RULE_COMMENTS) -> dict[str, float]:
    """Comments per second for rule coding of ``n`` comments (the corpus repeated to size)."""
    sample = (texts * (n // len(texts) + 1))[:n]
    coder = RuleCoder(load_codebook(CODEBOOK))
    started = time.perf_counter()
    coder.match(sample)
    seconds = time.perf_counter() - started
    return {
        "comments": n,
        "seconds": round(seconds, 2),
        "per_second": round(n / seconds),
        "target_per_second": RULE_TARGET_PER_S,
    }


def run(path: Path = DATA) -> dict:
    """Run the benchmark, print a summary and return it as a dict (also per-label F1)."""
    texts, code_sets, labels = load_benchmark(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = cross_validate_coder(BaselineCoder, texts, code_sets, labels, N_SPLITS, SEED)
        baseline = cross_validate_coder(
            StrongBaselineCoder, texts, code_sets, labels, N_SPLITS, SEED
        )
        suggester = cross_validate_coder(CodeSuggester(), texts, code_sets, labels, N_SPLITS, SEED)
    per_label = baseline.per_code[["code_id", "support", "f1"]].merge(
        suggester.per_code[["code_id", "f1"]], on="code_id", suffixes=("_baseline", "_suggester")
    )
    margin = suggester.macro_f1 - baseline.macro_f1
    result = {
        "dataset": path.name,
        "comments": len(texts),
        "labels": len(labels),
        "folds": f"KFold({N_SPLITS}, shuffle=True, random_state={SEED})",
        "baseline": {**_summary(baseline), "model": StrongBaselineCoder.__doc__},
        "plain_baseline": {**_summary(plain), "model": BaselineCoder.__doc__},
        "suggester": _summary(suggester),
        "suggester_minus_baseline_macro_f1": round(margin, 4),
        "target_margin_macro_f1": TARGET_MARGIN,
        "target_train_seconds": TARGET_TRAIN_SECONDS,
        "suggester_beats_baseline_macro_f1": margin >= TARGET_MARGIN,
        "suggester_trains_in_time": suggester.fit_seconds < TARGET_TRAIN_SECONDS,
        "suggester_trains_in_time_cpu": suggester.fit_cpu_seconds < TARGET_TRAIN_SECONDS,
        "rules": rule_throughput(texts),
        "per_label_f1": per_label.round(4).to_dict(orient="records"),
    }
    print(f"pxtextmining v6: {len(texts)} comments, {len(labels)} labels, {result['folds']}")
    for name in ("plain_baseline", "baseline", "suggester"):
        s = result[name]
        print(
            f"  {name:<14} macro F1 {s['macro_f1']:.3f}  micro F1 {s['micro_f1']:.3f}  "
            f"train {s['train_seconds']:.0f} s wall, {s['train_cpu_seconds']:.0f} s CPU (5 folds)"
        )
    r = result["rules"]
    print(f"  rules      {r['per_second']:,} comments/s on {r['comments']:,} comments")
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, default=str))
