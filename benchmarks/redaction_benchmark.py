"""Benchmark: redaction recall and precision per kind, and false redactions on clean real text.

1. **Corpus** (``tests/data/redaction_corpus.jsonl``, written by
   :mod:`benchmarks.redaction_corpus`): NHS staff comments with personal data labelled by span,
   17 kinds (60 of them lower-case names, 48 written for the purpose in a later session with
   their own templates and names: see ``LOWERCASE_TEMPLATES``). A labelled span is *recalled*
   when every word character of it lies inside a redaction (of any kind: what matters is that
   it is gone); a redaction is *correct* when it overlaps a labelled span. Recall per labelled
   kind, precision per redaction kind.
2. **Clean real text**: the ``FFT answer`` comments of ``../shared/benchmarks/pxtextmining``
   (NHS patient feedback; its "Person identifiable info?" column flags no row). Every redaction
   there is counted as false, per 1,000 words: an upper bound, since some comments do name staff
   ("Bev on reception", "Dr ..."), which are true names.

Targets (issue 18): recall at least 0.98 for every kind; at most 2 false redactions per 1,000
clean words. ``python -m benchmarks.redaction_benchmark`` prints the table and writes
``benchmarks/redaction_results.json``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.harness import Figure, markdown_table
from evaluation.redact import redaction_spans

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "data" / "redaction_corpus.jsonl"
_SHARED = [HERE.parent.parent / "shared", HERE.parent.parent.parent / "shared"]  # clone, worktree
CLEAN = next(
    (p / "benchmarks" / "pxtextmining" / "v6framework_230831.csv" for p in _SHARED if p.is_dir()),
    _SHARED[0] / "benchmarks" / "pxtextmining" / "v6framework_230831.csv",
)
RECALL_TARGET = 0.98
FALSE_PER_1000_TARGET = 2.0


def load_corpus(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score_corpus(rows: list[dict]) -> dict:
    """Recall per labelled kind, precision per redaction kind, and the counts behind them."""
    labelled, recalled = Counter(), Counter()
    predicted, correct = Counter(), Counter()
    for row in rows:
        text = row["text"]
        spans = redaction_spans(text)
        covered = [False] * len(text)
        for start, end, _ in spans:
            covered[start:end] = [True] * (end - start)
        for start, end, kind in row["spans"]:
            labelled[kind] += 1
            if all(covered[i] for i in range(start, end) if text[i].isalnum()):
                recalled[kind] += 1
        for start, end, kind in spans:
            predicted[kind] += 1
            if any(start < e and s < end for s, e, _ in row["spans"]):
                correct[kind] += 1
    words = sum(len(r["text"].split()) for r in rows)
    clean_rows = [r for r in rows if not r["spans"]]
    false_in_clean = sum(len(redaction_spans(r["text"])) for r in clean_rows)
    return {
        "sentences": len(rows),
        "words": words,
        "recall": {k: recalled[k] / labelled[k] for k in sorted(labelled)},
        "labelled": dict(sorted(labelled.items())),
        "missed": {k: labelled[k] - recalled[k] for k in sorted(labelled)},
        "precision": {k: correct[k] / predicted[k] for k in sorted(predicted)},
        "predicted": dict(sorted(predicted.items())),
        "overall_recall": sum(recalled.values()) / sum(labelled.values()),
        "overall_precision": sum(correct.values()) / max(1, sum(predicted.values())),
        "clean_sentences": len(clean_rows),
        "false_redactions_in_clean_sentences": false_in_clean,
    }


def score_clean(path: Path = CLEAN, limit: int | None = None) -> dict | None:
    """Redactions per 1,000 words of the pxtextmining comments (None if the data is absent)."""
    if not path.exists():
        return None
    import pandas as pd

    texts = pd.read_csv(path, usecols=["FFT answer"])["FFT answer"].dropna().astype(str)
    texts = texts[texts.str.strip() != ""].tolist()[:limit]
    start = time.perf_counter()
    by_kind: Counter = Counter()
    comments_with = 0
    for text in texts:
        spans = redaction_spans(text)
        by_kind.update(kind for _, _, kind in spans)
        comments_with += bool(spans)
    seconds = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts)
    total = sum(by_kind.values())
    return {
        "comments": len(texts),
        "words": words,
        "redactions": total,
        "redactions_by_kind": dict(sorted(by_kind.items())),
        "comments_with_a_redaction": comments_with,
        "redactions_per_1000_words": 1000 * total / words,
        "seconds": seconds,
        "characters_per_second": sum(map(len, texts)) / seconds,
    }


def run(quick: bool = False) -> tuple[list[Figure], dict]:
    """Figures for the results table and the full result (for ``results.json``)."""
    corpus = score_corpus(load_corpus())
    clean = score_clean(limit=500 if quick else None)
    figures = [
        Figure(
            f"redaction/recall/{kind}",
            corpus["labelled"][kind],
            None,
            target=f">= {RECALL_TARGET}",
            met=recall >= RECALL_TARGET,
            note=f"recall {recall:.3f}",
        )
        for kind, recall in corpus["recall"].items()
    ]
    figures += [
        Figure(
            f"redaction/precision/{kind}",
            corpus["predicted"][kind],
            None,
            note=f"precision {precision:.3f}",
        )
        for kind, precision in corpus["precision"].items()
    ]
    if clean is not None:
        rate = clean["redactions_per_1000_words"]
        figures.append(
            Figure(
                "redaction/clean text false redactions per 1,000 words",
                clean["words"],
                clean["seconds"],
                target=f"<= {FALSE_PER_1000_TARGET}",
                met=rate <= FALSE_PER_1000_TARGET,
                note=f"{rate:.2f} per 1,000 words (upper bound: all counted false)",
            )
        )
    return figures, {"corpus": corpus, "clean_text": clean}


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    figures, result = run(quick)
    (HERE / "redaction_results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(markdown_table(figures))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
