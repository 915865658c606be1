"""Text at scale: rule coding of 100,000 comments, the code suggester, and the real-data benchmark.

- Rule coding (:func:`evaluation.text.rules.code_with_rules`, codebook patterns compiled once, run
  over all stemmed comments joined) against the straightforward loop that searches every pattern
  in every stemmed comment; both must give the same codes. Target: at least 20,000 comments/s.
- The suggester (:class:`evaluation.text.suggester.CodeSuggester`) trained and used for prediction
  against a plain TF-IDF + LinearSVC one-vs-rest model on the same comments, with macro and micro
  F1 of both on held-out comments (against the generator's true themes).
- The real-data benchmark (pxtextmining labelled comments): ``benchmarks/pxtextmining_benchmark.py``
  belongs to the coding work; its ``run()`` is called (suggester vs TF-IDF + LinearSVC on the same
  five folds: macro and micro F1, training time; rule coding of the real comments) and its whole
  result kept in ``results.json``.
"""

from __future__ import annotations

import importlib.util

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from benchmarks.data import comment_units, synthetic_comments
from benchmarks.harness import Figure, clock, paired
from evaluation.paths import CODEBOOK
from evaluation.text.codebook import load_codebook
from evaluation.text.patterns import rule_text
from evaluation.text.rules import RuleCoder, code_with_rules
from evaluation.text.suggester import CodeSuggester

MIN_RATE = 20_000.0
PXTEXTMINING = "benchmarks.pxtextmining_benchmark"


def naive_rule_codes(texts: list[str], coder: RuleCoder) -> list[set[str]]:
    """The straightforward rule coder: every pattern searched in every stemmed comment."""
    out = []
    for text in texts:
        stemmed = rule_text(text)
        out.append({code_id for code_id, regex in coder.patterns if regex.search(stemmed)})
    return out


def rule_coding(n: int, repeats: int) -> Figure:
    """Rule coding of ``n`` comments (units to coded segments) against the per-comment loop."""
    texts, _ = synthetic_comments(n)
    units = comment_units(texts)
    codebook = load_codebook(CODEBOOK)
    coder = RuleCoder(codebook)
    seconds, base = paired(
        lambda: code_with_rules(units, codebook), lambda: naive_rule_codes(texts, coder), repeats
    )
    same = coder.match(texts) == naive_rule_codes(texts, coder)
    rate = n / seconds
    return Figure(
        "text/rule_coding",
        n,
        seconds,
        "per-comment pattern loop",
        base,
        f">= {MIN_RATE:,.0f} comments/s",
        rate >= MIN_RATE,
        note=f"{rate:,.0f} comments/s; {len(coder.patterns)} patterns; "
        f"same codes as the loop: {'yes' if same else 'NO'}",
    )


def _baseline_model() -> OneVsRestClassifier:
    """TF-IDF (word 1-2-grams, sublinear tf) + one-vs-rest LinearSVC: the plain text classifier."""
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    return make_pipeline(vectoriser, OneVsRestClassifier(LinearSVC()))


def _f1(binarizer: MultiLabelBinarizer, truth: list[set[str]], predicted: list[set[str]]) -> str:
    y, p = binarizer.transform(truth), binarizer.transform(predicted)
    macro = f1_score(y, p, average="macro", zero_division=0)
    micro = f1_score(y, p, average="micro", zero_division=0)
    return f"macro F1 {macro:.3f}, micro F1 {micro:.3f}"


def suggester(n_train: int, n_test: int) -> list[Figure]:
    """Suggester training and prediction against TF-IDF + LinearSVC on the same comments."""
    texts, truth = synthetic_comments(n_train + n_test, seed=2)
    train, test = texts[:n_train], texts[n_train:]
    binarizer = MultiLabelBinarizer().fit(truth)
    y_train = binarizer.transform(truth[:n_train])
    fit_s, model = clock(lambda: CodeSuggester().fit(train, truth[:n_train]))
    base_fit_s, base = clock(lambda: _baseline_model().fit(train, y_train))
    predict_s, predicted = clock(lambda: model.predict(test))
    base_predict_s, base_predicted = clock(lambda: base.predict(test))
    base_sets = [set(row) for row in binarizer.inverse_transform(np.asarray(base_predicted))]
    quality = (
        f"held-out {n_test:,}: suggester {_f1(binarizer, truth[n_train:], predicted)}; "
        f"baseline {_f1(binarizer, truth[n_train:], base_sets)}"
    )
    return [
        Figure(
            "text/suggester_fit",
            n_train,
            fit_s,
            "TF-IDF + LinearSVC fit",
            base_fit_s,
            note=f"{len(binarizer.classes_)} codes; {quality}",
        ),
        Figure(
            "text/suggester_predict",
            n_test,
            predict_s,
            "TF-IDF + LinearSVC predict",
            base_predict_s,
            note=f"{n_test / predict_s:,.0f} comments/s",
        ),
    ]


def real_data() -> tuple[list[Figure], dict | None]:
    """The pxtextmining benchmark's ``run()`` as rows (or one row saying it is missing).

    Its own result (per-label F1 included) is returned for ``results.json``.
    """
    if importlib.util.find_spec(PXTEXTMINING) is None:
        missing = "benchmarks/pxtextmining_benchmark.py is missing: not run"
        return [Figure("text/pxtextmining", "real data", None, note=missing)], None
    seconds, result = clock(importlib.import_module(PXTEXTMINING).run)
    mine, base, rules = result["suggester"], result["baseline"], result["rules"]
    size = f"{result['comments']:,} comments, {result['labels']} labels"
    quality = (
        f"suggester macro F1 {mine['macro_f1']:.3f}, micro {mine['micro_f1']:.3f}; "
        f"baseline macro F1 {base['macro_f1']:.3f}, micro {base['micro_f1']:.3f}; "
        f"{result['folds']}, same folds; whole run {seconds:.0f} s"
    )
    return [
        Figure(
            "text/pxtextmining_suggester_train",
            size,
            mine["train_seconds"],
            "TF-IDF + LinearSVC train (5 folds)",
            base["train_seconds"],
            "suggester macro F1 > baseline",
            bool(result["suggester_beats_baseline_macro_f1"]),
            note=quality,
        ),
        Figure(
            "text/pxtextmining_rule_coding",
            rules["comments"],
            rules["seconds"],
            target=f">= {MIN_RATE:,.0f} comments/s",
            met=rules["per_second"] >= MIN_RATE,
            note=f"{rules['per_second']:,} comments/s on the real comments repeated to size",
        ),
    ], result


def run(quick: bool = False) -> tuple[list[Figure], dict | None]:
    """Text figures; returns the figures and the real-data benchmark's own result."""
    figures = [rule_coding(2_000 if quick else 100_000, 1 if quick else 3)]
    figures += suggester(300, 300) if quick else suggester(10_000, 10_000)
    if quick:
        return figures, None
    real, result = real_data()
    return figures + real, result
