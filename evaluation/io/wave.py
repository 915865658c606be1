"""One way in: a wave's survey, loaded from its config the same way by every command.

``arf-eval run``, packs, ``compare``, ``validate``, the explore notebook and every report notebook
load a wave through :func:`load_wave`, so a platform export named in ``evaluation.yaml`` (with its
``mapping:``) reaches the report exactly as a plain ``survey.csv`` does: mapping applied, preview
and test responses excluded with their reason, invalid rows handled by the config's
``on_invalid_rows``, every input row in the row account.

A run that would exclude more than ``max_excluded_share`` of the rows is refused: a mapping that
forgets one answer label ("Neutral") would otherwise exclude most of the survey quietly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.errors import InputError, Problem, group_problems
from evaluation.instrument import Instrument
from evaluation.io.survey import EXCLUDED, LoadedSurvey, load_survey

if TYPE_CHECKING:
    from evaluation.pipeline.config import EvaluationConfig

PLAIN_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


def load_wave_survey(
    survey: Path | str,
    mapping: Path | str | None = None,
    *,
    on_error: str = "exclude",
    instrument: Instrument | None = None,
) -> LoadedSurvey:
    """A survey read plainly, or with ``mapping`` as a platform export."""
    survey = Path(survey)
    if mapping is not None:
        from evaluation.io.mapping import load_export

        return load_export(survey, mapping, instrument, on_error=on_error)
    if survey.is_file() and survey.suffix.lower() not in PLAIN_SUFFIXES:
        raise InputError(
            f"{survey.name!r} is a platform export ({survey.suffix}): name its column mapping "
            "in the config ('mapping: mapping.yaml'); `arf-eval mapping draft` drafts one",
            file=survey,
        )
    return load_survey(survey, instrument, on_error=on_error)


def check_excluded_share(loaded: LoadedSurvey, limit: float, file: str) -> None:
    """Refuse a survey that loses more than ``limit`` of its rows, naming the main reasons."""
    account = loaded.account
    excluded = account.loc[account["status"] == EXCLUDED, "reason"]
    if not len(account) or len(excluded) / len(account) <= limit:
        return
    reasons = excluded.value_counts().head(5)
    listed = "; ".join(f"{reason}: {count} rows" for reason, count in reasons.items())
    summary = Problem(
        file,
        None,
        None,
        None,
        f"{len(excluded)} of {len(account)} rows ({len(excluded) / len(account):.0%}) would be "
        f"excluded, more than max_excluded_share ({limit:.0%}) allows. Main reasons: {listed}. "
        "Fix the file or its mapping (the problems below), or raise max_excluded_share in the "
        "config if this is intended.",
    )
    raise InputError([summary, *group_problems(loaded.errors)[:20]])


def load_wave(config: EvaluationConfig, *, on_error: str | None = None) -> LoadedSurvey:
    """The wave's survey as its config describes it (see the module docstring)."""
    if on_error is None:
        on_error = "raise" if config.on_invalid_rows == "fail" else "exclude"
    loaded = load_wave_survey(config.survey, config.mapping, on_error=on_error)
    check_excluded_share(loaded, config.max_excluded_share, config.relative(config.survey))
    return loaded
