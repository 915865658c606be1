"""Smoke test of the benchmark harness at toy sizes (``python -m benchmarks --quick``).

Checks that the harness runs end to end and writes its results; it asserts nothing about speed
(targets live in the benchmarks, and ``make bench`` checks them at full size).
"""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import main
from benchmarks.data import synthetic_comments
from benchmarks.harness import COLUMNS, Figure, markdown_table, paired
from benchmarks.text_scale import naive_rule_codes
from evaluation.paths import CODEBOOK
from evaluation.text.codebook import load_codebook
from evaluation.text.patterns import first_words
from evaluation.text.rules import RuleCoder


def test_figure_ratio_and_table() -> None:
    figure = Figure("x/y", 10, 2.0, "base", 4.0, "<= 3x", True)
    assert figure.ratio == 0.5
    assert Figure("x/z", 10, None).ratio is None
    table = markdown_table([figure])
    assert table.splitlines()[0].startswith("| " + " | ".join(COLUMNS))
    assert "| 0.5 |" in table


def test_paired_times_both() -> None:
    calls: list[str] = []
    mine, base = paired(lambda: calls.append("a"), lambda: calls.append("b"), repeats=3)
    assert calls == ["b", "a"] * 3
    assert mine >= 0 and base >= 0


def test_quick_run_writes_results(tmp_path) -> None:
    """Survey, models and text at toy sizes: every row has its figure and the files are written."""
    status = main(["--quick", "--only", "survey", "models", "text", "--out", str(tmp_path)])
    assert status == 0
    results = json.loads((tmp_path / "results.json").read_text())
    names = {f["benchmark"] for f in results["figures"]}
    assert {"survey/load_validate", "survey/headline_tables_total", "survey/peak_memory",
            "models/logistic_collapsed", "models/ordinal_collapsed",
            "text/rule_coding", "text/suggester_fit"} <= names  # fmt: skip
    peak = next(f for f in results["figures"] if f["benchmark"] == "survey/peak_memory")
    assert peak["peak_mb"] > 0
    identity = [f for f in results["figures"] if f["benchmark"].startswith("models/")]
    assert all("max abs estimate difference" in f["note"] for f in identity)
    assert "| benchmark |" in (tmp_path / "results.md").read_text()


@pytest.mark.slow
def test_quick_pipeline_run(tmp_path) -> None:
    """One notebook through papermill and through the one-process floor (about a minute)."""
    assert main(["--quick", "--only", "pipeline", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    rows = {f["benchmark"]: f for f in results["figures"]}
    assert rows["pipeline/run_report"]["baseline_seconds"] > 0
    assert rows["pipeline/loads_per_run"]["met"] is True


def test_indexed_rule_coder_equals_per_text_loop() -> None:
    """The rule coder scans only texts holding a pattern's first words (evaluation.text.rules);
    it must code exactly as the plain loop over every pattern and text does (the benchmark's
    baseline), including empty texts, line breaks, hyphens and typographic apostrophes."""
    coder = RuleCoder(load_codebook(CODEBOOK))
    texts, _ = synthetic_comments(2_000, seed=3)
    texts += [
        "",
        "Front-line staff haven’t heard of it.\nNobody on the ward is aware of the framework.",
        "I wouldn't feel safe\nreporting racism here",
        "nothing",
    ]
    assert coder.match(texts) == naive_rule_codes(texts, coder)
    assert any(coder.match(texts[-3:-1]))


def test_first_words_of_patterns() -> None:
    assert first_words("(front line|ward)? staff ... (not|never) heard") == {
        "front",
        "ward",
        "staff",
    }
    assert first_words("(scared|afraid) ... report") == {"scare", "afraid"}


def test_combined_chunks_count_each_familys_waves_once() -> None:
    from benchmarks.simulation_study import combined_waves

    shared = [{"figure": "separated terms published with a finite estimate"}]
    logistic = {"waves": 500, "families": ["logistic"], "figures": shared}
    ordinal = {"waves": 500, "families": ["ordinal"], "figures": shared}
    assert combined_waves([logistic, ordinal]) == 500  # side by side, the shared figure too
    later = {"waves": 250, "families": ["logistic"], "figures": shared}
    assert combined_waves([logistic, later, ordinal]) == 750  # a family's chunks add up
