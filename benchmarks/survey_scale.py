"""Survey analyses at scale: the headline tables and models at 274 to 1,000,000 respondents.

Each size runs in a fresh process (:func:`benchmarks.harness.run_isolated`) for an honest peak
memory. In it the synthetic wave is generated, written as a CSV and loaded and validated (timed
against a bare ``pandas.read_csv`` of the same file); the validated frame then stays in memory and
the analyses are timed on it, so no analysis figure includes any file I/O.

Each published table (Wilson intervals and small-cell suppression included) is timed against the
bare ``pandas.crosstab`` of the same counts; the models (adjusted logistic, proportional odds with
its Brant test) are timed too but are outside the 3x target (see :mod:`.models_scale`).
Targets at 1,000,000 respondents: peak memory under 3 GB; the headline tables within 3x the
bare crosstab.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.data import SEED, WAVE, cache_path
from benchmarks.harness import (
    Figure,
    clock,
    current_rss_mb,
    paired,
    peak_rss_mb,
    reset_peak_rss,
    run_isolated,
)
from evaluation.analyses import barriers
from evaluation.analyses.tables import build_table
from evaluation.io.survey import read_survey_table, survey_from_cells
from evaluation.synth import generate_survey
from evaluation.synth.wave import write_survey_csv

TARGET_SIZE = 1_000_000
MAX_RATIO = 3.0
MAX_PEAK_MB = 3000.0
BARRIERS = list(barriers.barrier_options())

Analysis = Callable[[pd.DataFrame], Any]


def _crosstab(rows: str | list[str], column: str) -> Analysis:
    def bare(frame: pd.DataFrame) -> pd.DataFrame:
        index = [frame[r] for r in rows] if isinstance(rows, list) else frame[rows]
        return pd.crosstab(index, frame[column])

    return bare


def _crosstabs(*parts: Analysis) -> Analysis:
    return lambda frame: [part(frame) for part in parts]


# Published table -> the bare crosstab(s) of the same counts.
TABLES: dict[str, tuple[Analysis, Analysis]] = {
    "awareness_by_role_level": (
        lambda f: build_table("awareness_by_role_level", f),
        _crosstab("role_level", "arf_aware"),
    ),
    "awareness_by_ethnicity_within_role_level": (
        lambda f: build_table("awareness_by_ethnicity_within_role_level", f),
        _crosstab(["role_level", "ethnicity_group"], "arf_aware"),
    ),
    "awareness_trend_tests": (
        lambda f: build_table("awareness_trend_tests", f),
        _crosstabs(_crosstab("role_level", "arf_aware"), _crosstab("band_group", "arf_aware")),
    ),
    "confidence_distribution_by_role_level": (
        lambda f: build_table("confidence_distribution_by_role_level", f),
        _crosstab("role_level", "confident_to_report"),
    ),
    "confidence_distribution_by_ethnicity": (
        lambda f: build_table("confidence_distribution_by_ethnicity", f),
        _crosstab("ethnicity_group", "confident_to_report"),
    ),
    "reporting_funnel": (
        lambda f: build_table("reporting_funnel", f),
        _crosstab(
            ["experienced_racism_12m", "witnessed_racism_12m", "reported_it"],
            "satisfied_with_response",
        ),
    ),
    "barriers_by_role_level": (
        lambda f: build_table("barriers_by_role_level", f),
        _crosstabs(*(_crosstab(b, "role_level") for b in BARRIERS)),
    ),
}
MODELS: dict[str, Analysis] = {
    "awareness_model": lambda f: build_table("awareness_model", f),
    "ordinal_model_confidence": lambda f: build_table("ordinal_model_confidence", f),
}
HEADLINE_BASELINE = _crosstab("role_level", "arf_aware")


def _load_rows(size: int, work: Path, repeats: int) -> tuple[pd.DataFrame, list[dict]]:
    """Generate, write, then load and validate the wave; time against ``pandas.read_csv``."""
    generate_s, generated = clock(lambda: generate_survey(WAVE, size, SEED, with_text=False))
    csv = work / f"survey_{size}.csv"
    write_s, _ = clock(lambda g=generated.frame: write_survey_csv(g, csv))
    generated = None  # free the generator's frame before loading
    read_csv_s: list[float] = []
    read_s: list[float] = []
    validate_s: list[float] = []
    for _ in range(repeats):
        read_csv_s.append(clock(lambda: pd.read_csv(csv, dtype=str, keep_default_na=False))[0])
        seconds, cells = clock(lambda: read_survey_table(csv))
        read_s.append(seconds)
        seconds, loaded = clock(lambda c=cells: survey_from_cells(c, str(csv), on_error="exclude"))
        validate_s.append(seconds)
        cells = None  # free the text cells before the next repeat
    csv.unlink()
    frame = loaded.frame
    frame.to_parquet(cache_path(work, size), index=False)
    read, validate = statistics.median(read_s), statistics.median(validate_s)
    row = Figure(
        "survey/load_validate",
        size,
        read + validate,
        "pandas.read_csv(dtype=str)",
        statistics.median(read_csv_s),
        peak_mb=peak_rss_mb(),
        note=f"read {read:.2f}s + validate {validate:.2f}s; generate {generate_s:.2f}s, write "
        f"CSV {write_s:.2f}s (not in the ratio); peak RSS of the process up to here; "
        f"{len(frame):,} rows analysed",
    )
    return frame, [row.as_dict()]


def measure(size: int, work: str, repeats: int = 3, load_repeats: int = 1) -> list[dict]:
    """All survey figures for one size (run in a fresh process by :func:`run`)."""
    frame, rows = _load_rows(size, Path(work), load_repeats)
    gc.collect()
    frame_mb = current_rss_mb()
    exact_peak = reset_peak_rss()
    total = base_total = 0.0
    at_target = size >= TARGET_SIZE
    for name, (table, bare) in TABLES.items():
        seconds, base = paired(lambda t=table: t(frame), lambda b=bare: b(frame), repeats)
        total, base_total = total + seconds, base_total + base
        met = seconds <= MAX_RATIO * base if at_target else None
        target = f"<= {MAX_RATIO:g}x crosstab at 1M" if at_target else ""
        rows.append(
            Figure(f"survey/{name}", size, seconds, "pandas.crosstab", base, target, met).as_dict()
        )
    rows.append(
        Figure(
            "survey/headline_tables_total",
            size,
            total,
            "pandas.crosstab (same tables)",
            base_total,
            f"<= {MAX_RATIO:g}x crosstab at 1M" if at_target else "",
            total <= MAX_RATIO * base_total if at_target else None,
            note="the 7 tables above, intervals and suppression included",
        ).as_dict()
    )
    model_total = 0.0
    for name, model in MODELS.items():
        seconds, base = paired(lambda m=model: m(frame), lambda: HEADLINE_BASELINE(frame), repeats)
        model_total += seconds
        rows.append(
            Figure(
                f"survey/{name}",
                size,
                seconds,
                "pandas.crosstab (role x aware)",
                base,
                note="model: outside the 3x target",
            ).as_dict()
        )
    peak = peak_rss_mb()
    scope = "analyses, frame resident" if exact_peak else "whole process (no peak reset)"
    rows.append(
        Figure(
            "survey/peak_memory",
            size,
            total + model_total,
            "pandas.crosstab (same tables)",
            base_total,
            f"peak RSS < {MAX_PEAK_MB:,.0f} MB at 1M" if at_target else "",
            peak < MAX_PEAK_MB if at_target else None,
            peak_mb=peak,
            note=f"peak RSS of the {scope}; frame resident {frame_mb or 0:,.0f} MB; "
            "seconds = all tables and models once",
        ).as_dict()
    )
    return rows


def run(sizes: list[int], work: Path, quick: bool = False) -> list[Figure]:
    """Survey figures for every size, each size in its own process."""
    figures = []
    for size in sizes:
        repeats = 1 if quick else (5 if size <= 10_000 else 3)
        rows = run_isolated(
            "benchmarks.survey_scale",
            "measure",
            size=size,
            work=str(work),
            repeats=repeats,
            load_repeats=3 if size <= 10_000 else 1,
        )
        figures += [Figure(**{k: v for k, v in row.items() if k != "ratio"}) for row in rows]
    return figures
