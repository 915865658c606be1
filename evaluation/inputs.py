"""The safe-input stage: a wave's survey and transcripts made safe once, before any notebook runs.

:func:`prepare_inputs` takes the validated survey (:func:`evaluation.io.wave.load_wave`) and the
focus-group folder and returns :class:`PreparedInputs`: speakers pseudonymised, identifying
passages held for review, free text and transcripts redacted, redaction counts for the manifest.
The pipeline caches them in the run's work folder (:func:`cache_inputs`, :func:`write_run_file`),
so the notebooks of one run read the same safe inputs (:func:`load_inputs`) instead of validating
the same file seven times; :func:`scope_survey` restricts them to the report's unit.

Callers: the pipeline (:mod:`evaluation.pipeline.run`, :mod:`evaluation.pipeline.distributed`) and
the publishing layer (:func:`evaluation.publishing.open_report`). Nothing here publishes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.io.survey import LoadedSurvey
from evaluation.io.wave import load_wave
from evaluation.limits import check_file_size
from evaluation.pipeline.config import EvaluationConfig

RUN_FILE = "run.json"
WORK_DIR = "_work"
RELEASE_SUPPRESSION = "release_suppression.json"  # the release pass's decisions, in _work/
SURVEY_CACHE = "survey.parquet"
PREVIOUS_CACHE = "previous_survey.parquet"
ACCOUNT_CACHE = "row_account.csv"
TURNS_CACHE = "turns.parquet"
SOURCES_CACHE = "sources.json"
CODINGS_PREFIX = "codings_"
SCOPES = ("region", "icb", "org")
TEXT_COLUMNS = ("comment_change", "comment_other")


def scope_survey(frame: pd.DataFrame, scope: str, scope_value: str | None) -> pd.DataFrame:
    """Restrict a survey frame to a report's scope: the region, one ICB or one organisation."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    if scope == "region":
        return frame
    if not scope_value:
        raise ValueError(f"scope {scope!r} needs a scope_value (the ICB name or org_code)")
    column = "icb" if scope == "icb" else "org_code"
    scoped = frame[frame[column] == scope_value]
    if scoped.empty:
        raise ValueError(f"no respondents with {column} = {scope_value!r}")
    return scoped.reset_index(drop=True)


@dataclass
class PreparedInputs:
    """The wave's inputs made safe for a report: validated, redacted, with redaction counts."""

    survey: LoadedSurvey
    turns: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)
    redactions: pd.DataFrame = field(default_factory=pd.DataFrame)
    codings: dict[str, pd.DataFrame] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # real names redacted (speakers, names file): for the audit


def _redacted_codings(
    folder: Path | None,
    raw_sources: dict[str, str],
    names: tuple[str, ...],
    group: object | None,
    cleared: frozenset[str],
    redacted_sources: dict[str, str],
) -> dict[str, pd.DataFrame]:
    """Human codings (``codings_<coder>.csv``) of transcripts and free-text answers, on the
    redacted texts (see :func:`evaluation.text.codings.read_wave_codings`)."""
    from evaluation.text.codings import read_wave_codings

    return read_wave_codings(folder, redacted_sources, raw_sources, group, names, cleared)


def read_names(path: Path | str | None) -> tuple[str, ...]:
    """Names to redact wherever they appear (one per line; ``#`` starts a comment)."""
    if not path:
        return ()
    check_file_size(path, "TABLE_BYTES", "the names file")  # io.limits: a clear error
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(line.split("#")[0].strip() for line in lines if line.split("#")[0].strip())


def prepare_inputs(
    loaded: LoadedSurvey,
    focus_group_dir: Path | str | None,
    names: tuple[str, ...] = (),
    facilitators: tuple[str, ...] = ("F",),
) -> PreparedInputs:
    """Pseudonymise speakers, hold identifying passages and redact, before any notebook runs.

    This happens once, here, so no table, quote, figure or export downstream can carry an
    e-mail address, phone number, NHS number, postcode, staff number, URL, name or a speaker's
    real name; the counts (never the values) go to the manifest. Speakers become ``P01``...
    and ``F1``... (:func:`evaluation.io.transcripts.pseudonymise_focus_groups`; the map stays in
    the focus-group folder); passages that may identify someone by description wait in the
    wave's ``review/queue.csv`` (:mod:`evaluation.review`) and are held until cleared.
    """
    from evaluation.io.transcripts import TRANSCRIPT_SUFFIXES, pseudonymise_focus_groups
    from evaluation.redact import redact_frame, redact_turns
    from evaluation.review import cleared as cleared_items
    from evaluation.review import find_items, update_queue

    private = Path(loaded.path).parent if loaded.path else None
    folder = Path(focus_group_dir) if focus_group_dir else None
    group = None
    if (
        folder
        and folder.is_dir()
        and any(p.suffix.lower() in TRANSCRIPT_SUFFIXES for p in folder.iterdir())
    ):
        group = pseudonymise_focus_groups(folder, facilitators)
        names = tuple(names) + group.names
    cleared = cleared_items(private)
    columns = [c for c in TEXT_COLUMNS if c in loaded.frame.columns]
    frame, counts = redact_frame(loaded.frame, columns, names, cleared)
    counts = counts.rename(columns={"column": "source"})
    survey = LoadedSurvey(frame=frame, account=loaded.account, problems=loaded.problems,
                          path=loaded.path)  # fmt: skip
    prepared = PreparedInputs(survey=survey, redactions=counts)
    answers = {
        f"{rid}__{c}": v
        for c in columns
        for rid, v in zip(loaded.frame["respondent_id"], loaded.frame[c], strict=True)
        if isinstance(v, str)
    } if "respondent_id" in loaded.frame.columns else {}  # fmt: skip
    if group is not None:
        turns, sources, turn_counts = redact_turns(group.turns, group.sources, names, cleared)
        turn_counts = turn_counts.rename(columns={"source_id": "source"})
        prepared.turns, prepared.sources = turns, sources
        prepared.redactions = pd.concat([counts, turn_counts], ignore_index=True)
        answers |= group.sources
    if answers or group is not None:  # codings of transcripts and of free-text answers
        redacted = {
            f"{rid}__{c}": v
            for c in columns
            for rid, v in zip(frame["respondent_id"], frame[c], strict=True)
            if isinstance(v, str)
        } if "respondent_id" in frame.columns else {}  # fmt: skip
        redacted |= prepared.sources
        where = folder if folder and folder.is_dir() else private
        prepared.codings = _redacted_codings(where, answers, names, group, cleared, redacted)
    update_queue(private, find_items(answers, names))
    prepared.names = tuple(names)
    return prepared


def cache_inputs(
    prepared: PreparedInputs, output_dir: Path, previous: pd.DataFrame | None = None
) -> None:
    """Write the prepared inputs where every notebook of this run will find them."""
    work = Path(output_dir) / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    prepared.survey.frame.to_parquet(work / SURVEY_CACHE, index=False)
    prepared.survey.account.to_csv(work / ACCOUNT_CACHE, index=False)
    if prepared.turns is not None:
        prepared.turns.to_parquet(work / TURNS_CACHE, index=False)
        (work / SOURCES_CACHE).write_text(json.dumps(prepared.sources), encoding="utf-8")
    for coder, segments in prepared.codings.items():
        segments.to_parquet(work / f"{CODINGS_PREFIX}{coder}.parquet", index=False)
    if previous is not None:
        previous.to_parquet(work / PREVIOUS_CACHE, index=False)


def write_run_file(
    output_dir: Path,
    config: EvaluationConfig,
    scope: str,
    scope_value: str | None,
    previous: EvaluationConfig | None = None,
) -> None:
    """Record, for the run's notebooks, which config and scope they report on."""
    run = {
        "config": str(config.path),
        "previous_config": str(previous.path) if previous else None,
        "scope": scope,
        "scope_value": scope_value or "",
    }
    work = Path(output_dir) / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    (work / RUN_FILE).write_text(json.dumps(run), encoding="utf-8")


def load_inputs(config: EvaluationConfig, output_dir: Path | str) -> PreparedInputs:
    """The prepared inputs: from the run's cache when present, else prepared now (by hand)."""
    work = Path(output_dir) / WORK_DIR
    if not (work / SURVEY_CACHE).exists():
        names = read_names(config.redact_names)
        return prepare_inputs(load_wave(config), config.focus_group, names, config.facilitators)
    frame = pd.read_parquet(work / SURVEY_CACHE)
    account = pd.read_csv(work / ACCOUNT_CACHE, dtype={"reason": str}, keep_default_na=False)
    prepared = PreparedInputs(survey=LoadedSurvey(frame=frame, account=account, path=config.survey))
    if (work / TURNS_CACHE).exists():
        prepared.turns = pd.read_parquet(work / TURNS_CACHE)
        prepared.sources = json.loads((work / SOURCES_CACHE).read_text(encoding="utf-8"))
    for path in sorted(work.glob(f"{CODINGS_PREFIX}*.parquet")):
        prepared.codings[path.stem.removeprefix(CODINGS_PREFIX)] = pd.read_parquet(path)
    return prepared
