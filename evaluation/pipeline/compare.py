"""``arf-eval compare``: the year-on-year report between two waves.

It runs ``notebooks/07_year_on_year.ipynb`` through the same machinery as a wave report (temporary
folder, disclosure audit, manifest, atomic publish) into ``reports/<first>-<second>/region``.
"""

from __future__ import annotations

from dataclasses import replace

from evaluation.errors import InputError
from evaluation.paths import NOTEBOOKS, SURVEY_DATA
from evaluation.pipeline.config import EvaluationConfig, load_config
from evaluation.pipeline.run import COMPARISON_NOTEBOOK, RunResult, run_report


def wave_config(wave: int, source: str = "synthetic") -> EvaluationConfig:
    """The config of ``survey_data/<source>/<wave>/evaluation.yaml``."""
    path = SURVEY_DATA / source / str(wave) / "evaluation.yaml"
    if not path.is_file():
        held = sorted(p.parent.name for p in (SURVEY_DATA / source).glob("*/evaluation.yaml"))
        raise InputError(
            f"no wave {wave} under survey_data/{source}/ (waves held: {', '.join(held) or 'none'});"
            " for a wave kept elsewhere use --config with its evaluation.yaml"
        )
    return load_config(path)


def run_comparison(waves: list[int], source: str = "synthetic", progress: bool = True) -> RunResult:
    """Compare two waves under ``survey_data/<source>/``; returns where the report is."""
    if len(waves) != 2:
        raise ValueError(f"compare takes exactly two waves, not {waves}")
    first, second = sorted(waves)
    return compare_configs(wave_config(first, source), wave_config(second, source), progress)


def run_comparison_from_config(config: EvaluationConfig, progress: bool = True) -> RunResult:
    """Compare a wave with the one its config names as ``previous_wave``."""
    if config.previous_wave is None:
        raise InputError("the config has no previous_wave to compare with", file=config.path)
    return compare_configs(load_config(config.previous_wave), config, progress)


def compare_configs(
    previous: EvaluationConfig, current: EvaluationConfig, progress: bool = True
) -> RunResult:
    """The year-on-year report of ``current`` against ``previous``."""
    first, second = previous.wave, current.wave
    if first >= second:
        raise InputError(
            f"the previous wave ({first}) must come before the current one ({second})",
            file=current.relative(previous.path),
        )
    parameters = {"previous_config": current.relative(previous.path)}
    titled = replace(current, title=f"{current.title}: year-on-year change from {first}")
    return run_report(
        titled,
        notebooks=[NOTEBOOKS / COMPARISON_NOTEBOOK],
        progress=progress,
        extra_parameters=parameters,
        output_dir=current.output / f"{first}-{second}" / "region",
        previous=previous,
    )
