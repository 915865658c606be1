"""``arf-eval validate``: a readable validation report for a survey file or a wave folder.

The report lists what was read, the row account (analysed, excluded and why) and every problem
with its file, row, column and value. A file is usable when it has no errors (warnings are kept
for the evaluator to review); a wave folder is usable when its survey is and its focus-group
files parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evaluation.errors import InputError, Problem
from evaluation.io.survey import LoadedSurvey, load_survey


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
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity == "warning"]
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
    """Validate a survey file, or a wave folder (its survey.csv and focus_group/)."""
    path = Path(path)
    report = ValidationReport(path=path)
    survey_path = path / "survey.csv" if path.is_dir() else path
    try:
        report.survey = load_survey(survey_path, on_error="exclude")
        report.problems += report.survey.problems
        report.checked.append(f"{survey_path} ({len(report.survey.account)} rows)")
    except InputError as exc:
        report.problems += exc.problems
    if path.is_dir() and (path / "focus_group").is_dir():
        _validate_focus_group(path / "focus_group", report)
    return report
