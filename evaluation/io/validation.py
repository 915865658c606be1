"""``arf-eval validate``: a readable validation report for a wave's config, folder or survey file.

Given a config (``evaluation.yaml``), or a wave folder holding one, the survey is loaded exactly
as a report run loads it (:func:`evaluation.io.wave.load_wave`: the export's mapping applied,
previews excluded, the config's invalid-row policy), so what ``validate`` accepts, ``run``
accepts. A folder without a config is checked as ``survey.csv`` plus ``focus_group/``.

The report lists what was read, the row account (analysed, excluded and why) and every problem
with its file, row, column and value; the same problem on many rows is listed once with its
count and rows. Usable = no errors (warnings are kept for the evaluator to review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evaluation.errors import InputError, Problem, group_problems
from evaluation.io.survey import LoadedSurvey


@dataclass
class ValidationReport:
    """The outcome of validating one path."""

    path: Path
    survey: LoadedSurvey | None = None
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def text(self) -> str:
        lines = [f"Validation of {self.path}", ""]
        lines += [f"checked: {item}" for item in self.checked]
        if self.survey is not None:
            lines += ["", "Row account:"]
            for row in self.survey.summary().itertuples(index=False):
                reason = f" ({row.reason})" if row.reason else ""
                lines.append(f"  {row.status:<9} {row.rows:>6}{reason}")
        grouped = group_problems(self.problems)
        errors = [p for p in grouped if p.severity == "error"]
        warnings = [p for p in grouped if p.severity == "warning"]
        for title, items in (("Errors", errors), ("Warnings", warnings)):
            if items:
                lines += ["", f"{title} ({len(items)}):"]
                lines += [f"  - {p}" for p in items[:200]]
                if len(items) > 200:
                    lines.append(f"  ... and {len(items) - 200} more")
        verdict = "usable" if self.ok else "NOT usable: fix the errors above"
        lines += ["", f"Result: {verdict}."]
        return "\n".join(lines)


def _validate_focus_group(folder: Path, report: ValidationReport) -> None:
    """Parse every transcript and the participants list, collecting their problems."""
    from evaluation.io.transcripts import load_participants, read_transcript

    participants = folder / "participants.csv"
    if participants.exists():
        try:
            load_participants(participants)
            report.checked.append(str(participants))
        except InputError as exc:
            report.problems += exc.problems
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in {".txt", ".vtt", ".docx"}:
            continue
        try:
            turns = read_transcript(path)
            report.checked.append(f"{path} ({len(turns)} turns)")
        except InputError as exc:
            report.problems += exc.problems


def validate_path(path: Path | str) -> ValidationReport:
    """Validate a config, a wave folder (its config, else survey.csv and focus_group/) or a file."""
    path = Path(path)
    config = path / "evaluation.yaml" if path.is_dir() else path
    if config.suffix.lower() in {".yaml", ".yml"} and config.is_file():
        return validate_config(config)
    report = ValidationReport(path=path)
    survey_path = path / "survey.csv" if path.is_dir() else path
    try:
        from evaluation.io.wave import load_wave_survey

        report.survey = load_wave_survey(survey_path, on_error="exclude")
        report.problems += report.survey.problems
        report.checked.append(f"{survey_path} ({len(report.survey.account)} rows)")
    except InputError as exc:
        report.problems += exc.problems
    if path.is_dir() and (path / "focus_group").is_dir():
        _validate_focus_group(path / "focus_group", report)
    return report


def validate_config(path: Path) -> ValidationReport:
    """Validate a wave as its config describes it: survey (through its mapping) and focus groups."""
    from evaluation.io.wave import check_excluded_share, load_wave_survey
    from evaluation.pipeline.config import load_config

    report = ValidationReport(path=path)
    try:
        config = load_config(path)
    except InputError as exc:
        report.problems += exc.problems
        return report
    report.checked.append(f"{path} (config of wave {config.wave})")
    try:
        report.survey = load_wave_survey(config.survey, config.mapping, on_error="exclude")
        report.problems += report.survey.problems
        via = f" through {config.relative(config.mapping)}" if config.mapping else ""
        report.checked.append(f"{config.survey}{via} ({len(report.survey.account)} rows)")
    except InputError as exc:
        report.problems += exc.problems
    if report.survey is not None:
        try:
            check_excluded_share(report.survey, config.max_excluded_share, str(config.survey))
        except InputError as exc:  # its first problem says why; the rest are listed already
            report.problems.insert(0, exc.problems[0])
    if config.focus_group and config.focus_group.is_dir():
        _validate_focus_group(config.focus_group, report)
    return report
