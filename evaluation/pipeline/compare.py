"""``arf-eval compare``: the year-on-year report between two waves.

It runs ``notebooks/07_year_on_year.ipynb`` through the same machinery as a wave report (temporary
folder, disclosure audit, manifest, atomic publish) into ``reports/<first>-<second>/region``.
"""

from __future__ import annotations

from dataclasses import replace

from evaluation.paths import NOTEBOOKS, SURVEY_DATA
from evaluation.pipeline.config import EvaluationConfig, load_config
from evaluation.pipeline.run import COMPARISON_NOTEBOOK, RunResult, run_report


def wave_config(wave: int, source: str = "synthetic") -> EvaluationConfig:
    """The config of ``survey_data/<source>/<wave>/evaluation.yaml``."""
    return load_config(SURVEY_DATA / source / str(wave) / "evaluation.yaml")


def run_comparison(waves: list[int], source: str = "synthetic", progress: bool = True) -> RunResult:
    """Compare two waves' headline indicators; returns where the comparison report is."""
    if len(waves) != 2:
        raise ValueError(f"compare takes exactly two waves, not {waves}")
    first, second = sorted(waves)
    previous, current = wave_config(first, source), wave_config(second, source)
    parameters = {
        "previous_wave": previous.wave,
        "current_wave": current.wave,
        "previous_dir": str(previous.data_dir),
        "current_dir": str(current.data_dir),
    }
    titled = replace(current, title=f"{current.title}: year-on-year change from {first}")
    return run_report(
        titled,
        notebooks=[NOTEBOOKS / COMPARISON_NOTEBOOK],
        progress=progress,
        extra_parameters=parameters,
        output_dir=current.output / f"{first}-{second}" / "region",
    )
