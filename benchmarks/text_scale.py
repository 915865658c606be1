"""Text at scale: rule coding of 100,000 comments, the code suggester, and the real-data benchmark.

- Rule coding (:func:`evaluation.text.rules.code_with_rules`, codebook patterns compiled once, run
  over all stemmed comments joined) against the straightforward loop that searches every pattern
  in every stemmed comment; both must give the same codes. Target: at least 20,000 comments/s.
- The suggester (:class:`evaluation.text.suggester.CodeSuggester`) trained on 1,000 synthetic
  answers and used for prediction against the strong baseline of the real-data benchmark (word
  1-2-gram sublinear TF-IDF + balanced LinearSVC, C by inner CV) on the same comments, with macro
  and micro F1 of both on held-out answers worded like the training ones and on answers worded
  with the held-back phrasings (against the generator's true themes).
- Rule coding F1 against the planted themes on a wave worded normally and on the same wave worded
  with the held-back phrasings the codebook's patterns were not written from.
- The real-data benchmark (pxtextmining labelled comments): ``benchmarks/pxtextmining_benchmark.py``
  ``run()`` is called (suggester vs the strong baseline, and the plain default baseline, on the
  same five folds: macro and micro F1, training time in wall-clock and CPU seconds; rule coding
  of the real comments) and its whole result kept in ``results.json``.
"""

from __future__ import annotations

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer

from benchmarks import pxtextmining_benchmark
from benchmarks.data import comment_units, synthetic_comments
from benchmarks.harness import Figure, clock, paired
from benchmarks.pxtextmining_benchmark import StrongBaselineCoder
from evaluation.paths import CODEBOOK
from evaluation.synth.language_checks import rule_f1_by_phrasing
from evaluation.text.codebook import load_codebook
from evaluation.text.patterns import rule_text
from evaluation.text.rules import RuleCoder, code_with_rules
from evaluation.text.suggester import CodeSuggester

MIN_RATE = 20_000.0


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


def _scores(
    binarizer: MultiLabelBinarizer, truth: list[set[str]], predicted: list[set[str]]
) -> tuple[float, float]:
    """Macro and micro F1 of ``predicted`` against ``truth``."""
    y, p = binarizer.transform(truth), binarizer.transform(predicted)
    return (
        float(f1_score(y, p, average="macro", zero_division=0)),
        float(f1_score(y, p, average="micro", zero_division=0)),
    )


def suggester(n_train: int, n_test: int) -> list[Figure]:
    """Suggester training and prediction against the strong baseline on the same comments.

    Both learn from ``n_train`` synthetic answers (about what a team codes by hand) and are
    scored on ``n_test`` new answers worded like the training ones, and on ``n_test`` answers
    worded with the held-back phrasings (the same themes in words neither model saw).
    """
    texts, truth = synthetic_comments(n_train + n_test, seed=2)
    held, held_truth = synthetic_comments(n_test, seed=3, held_back=True)
    train, test = texts[:n_train], texts[n_train:]
    binarizer = MultiLabelBinarizer().fit(truth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_s, model = clock(lambda: CodeSuggester().fit(train, truth[:n_train]))
        base_fit_s, base = clock(lambda: StrongBaselineCoder().fit(train, truth[:n_train]))
    predict_s, predicted = clock(lambda: model.predict(test))
    base_predict_s, base_predicted = clock(lambda: base.predict(test))
    mine = _scores(binarizer, truth[n_train:], predicted)
    theirs = _scores(binarizer, truth[n_train:], base_predicted)
    mine_held = _scores(binarizer, held_truth, model.predict(held))
    theirs_held = _scores(binarizer, held_truth, base.predict(held))
    quality = (
        f"trained on {n_train:,}; held-out {n_test:,} (macro/micro F1): suggester "
        f"{mine[0]:.3f}/{mine[1]:.3f}, baseline {theirs[0]:.3f}/{theirs[1]:.3f}; "
        f"held-back wording: suggester {mine_held[0]:.3f}/{mine_held[1]:.3f}, "
        f"baseline {theirs_held[0]:.3f}/{theirs_held[1]:.3f}"
    )
    return [
        Figure(
            "text/suggester_fit",
            n_train,
            fit_s,
            "strong TF-IDF + LinearSVC fit (C by inner CV)",
            base_fit_s,
            "suggester macro F1 > baseline, both test sets",
            mine[0] > theirs[0] and mine_held[0] > theirs_held[0],
            note=f"{len(binarizer.classes_)} codes; {quality}",
        ),
        Figure(
            "text/suggester_predict",
            n_test,
            predict_s,
            "strong TF-IDF + LinearSVC predict",
            base_predict_s,
            note=f"{n_test / predict_s:,.0f} comments/s",
        ),
    ]


def rules_by_phrasing(wave: int = 2025, respondents: int = 274) -> Figure:
    """Rule coding F1 on the committed wave's wording and on the same wave held back.

    The codebook's patterns were written from the normal phrasings; the held-back ones say the
    same planted themes in words the patterns never saw, which is what real text does.
    """
    seconds, scores = clock(lambda: rule_f1_by_phrasing(wave, respondents))
    by = scores.set_index("phrasings")
    normal, held = by.loc["normal"], by.loc["held_back"]
    return Figure(
        "text/rules_by_phrasing",
        f"wave {wave}, {respondents} respondents",
        seconds,
        note=f"rule macro/micro F1: normal phrasings {normal['macro_f1']:.3f}/"
        f"{normal['micro_f1']:.3f}; held-back phrasings {held['macro_f1']:.3f}/"
        f"{held['micro_f1']:.3f} (answers and participant turns, against the planted themes)",
    )


def real_data() -> tuple[list[Figure], dict]:
    """The pxtextmining benchmark's ``run()`` as rows.

    Its own result (per-label F1 included) is returned for ``results.json``.
    """
    seconds, result = clock(pxtextmining_benchmark.run)
    mine, base, rules = result["suggester"], result["baseline"], result["rules"]
    size = f"{result['comments']:,} comments, {result['labels']} labels"
    plain = result["plain_baseline"]
    quality = (
        f"suggester macro F1 {mine['macro_f1']:.3f}, micro {mine['micro_f1']:.3f}; "
        f"strong baseline macro F1 {base['macro_f1']:.3f}, micro {base['micro_f1']:.3f}; "
        f"plain default baseline macro F1 {plain['macro_f1']:.3f}; "
        f"suggester train CPU {mine['train_cpu_seconds']:.0f} s; "
        f"{result['folds']}, same folds; whole run {seconds:.0f} s"
    )
    return [
        Figure(
            "text/pxtextmining_suggester_train",
            size,
            mine["train_seconds"],
            "strong TF-IDF + LinearSVC train (5 folds, C by inner CV)",
            base["train_seconds"],
            "macro F1 >= baseline + 0.03; train < 60 s",
            bool(result["suggester_beats_baseline_macro_f1"])
            and bool(result["suggester_trains_in_time_cpu"]),
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
    figures += suggester(300, 300) if quick else suggester(1_000, 10_000)
    if quick:
        return figures, None
    figures.append(rules_by_phrasing())
    real, result = real_data()
    return figures + real, result
