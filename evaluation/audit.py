"""Audit a finished report folder before it is shared: the last check, on the files themselves.

:func:`evaluation.report.ReportContext.table` audits each table before writing it; this module
audits what actually sits in the folder, so a table written by hand, edited afterwards or left
over from an older run is caught too. For every published table (``tables/*.csv`` anywhere under
the folder, so a wave folder with its organisation packs is audited in one go) it checks:

- small cells and recoverable suppressed cells, with
  :func:`evaluation.disclosure.audit_table`, using the structure that
  :func:`~evaluation.disclosure.suppress` declared for the table (recorded by the report in
  ``tables/index.json``), else one inferred from its columns (``n``, ``n_*``/``count`` counts,
  ``pct*``/``ci_*`` dependents, marker ``[c]``);
- cells that would run as a formula in Excel (text starting ``= + - @``, tab or CR that
  :func:`evaluation.safe_output.write_csv` would have neutralised);
- personal data in text cells (also in ``themes/*.csv``, the coded passages): e-mail addresses,
  phone numbers, NHS numbers, postcodes and staff numbers, found by :mod:`evaluation.redact`'s
  patterns (names are not checked here: organisation and group labels are capitalised words and
  would swamp the report).

Rows in the problems are rows of the CSV as a spreadsheet shows them (the header is row 1).
``arf-eval audit REPORT_DIR`` wraps :func:`audit_exit_code`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, TableSpec, audit_table
from evaluation.errors import InputError, Problem
from evaluation.redact import PLACEHOLDERS, pattern_spans
from evaluation.safe_output import neutralise_cell

PERSONAL_KINDS = ("email", "phone", "nhs_number", "postcode", "staff_number")


def published_tables(report_dir: Path | str) -> list[Path]:
    """Every ``tables/*.csv`` under ``report_dir``, in a stable order."""
    root = Path(report_dir)
    return sorted(p for p in root.rglob("*.csv") if p.parent.name == "tables")


def theme_files(report_dir: Path | str) -> list[Path]:
    """Every ``themes/*.csv`` (coded passages, for the evaluation team): checked for personal data,
    not for cell sizes, since they list passages, not counts."""
    return sorted(p for p in Path(report_dir).rglob("*.csv") if p.parent.name == "themes")


def _read_table(path: Path) -> pd.DataFrame:
    """A published table as written: blank cells missing, everything else as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def _declared_spec(path: Path) -> TableSpec | None:
    """The disclosure structure recorded for a table in its folder's ``index.json``, if any."""
    index = path.parent / "index.json"
    if not index.exists():
        return None
    entry = json.loads(index.read_text(encoding="utf-8")).get(path.stem, {})
    declared = entry.get("disclosure")
    return TableSpec.from_dict(declared) if declared else None


# The coded-segments and cases contract's identifier columns: the survey's pseudonymous
# respondent ids ("R25-000001") and what is built from them. A six-digit run there is the id's
# serial number, not a staff number in someone's text.
_ID_COLUMNS = {"segment_id", "source_id", "speaker_or_respondent", "case_id", "respondent_id"}
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


def _numeric_column(column: pd.Series) -> bool:
    """Whether every cell is a number or the suppression marker: counts, percentages, intervals.

    In such a column a run of six or more digits is a count, not an identifier: a count of
    100,000 respondents would otherwise read as a staff number and block every large report.
    (NHS numbers, which carry a check digit, and phone numbers are still looked for.)
    """
    present = column.dropna().astype(str)
    return bool(present.str.fullmatch(f"{_NUMBER}|\\[c\\]").all()) if len(present) else False


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Every personal-data kind the audit checks needs a digit (phone, NHS, staff number, postcode)
# or an "@" (e-mail): a cell with neither is not scanned further.
_CANDIDATE = re.compile(r"[\d@]")


def _text_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Formula-like cells and personal data in the text cells of a table.

    Each distinct value of a column is checked once (labels and 0/1 cells repeat in every row);
    only the values with a problem are then looked up row by row, so a large coded-segments
    export costs one scan of its distinct passages.
    """
    problems: list[Problem] = []
    numeric = {str(c) for c in frame.columns if _numeric_column(frame[c])} | _ID_COLUMNS

    def messages(column: str, value: str) -> list[tuple[object, str]]:
        found: list[tuple[object, str]] = []
        if value.startswith(_FORMULA_START) and neutralise_cell(value) != value:
            found.append((value, "would run as a formula when opened in Excel"))
        for _, _, kind in pattern_spans(value) if _CANDIDATE.search(value) else ():
            if kind == "staff_number" and column in numeric:
                continue  # a count of 100,000 or an id's serial (see _numeric_column, _ID_COLUMNS)
            if kind in PERSONAL_KINDS:
                # the value itself is what must not be repeated
                found.append((None, f"looks like personal data ({PLACEHOLDERS[kind]}): redact it"))
        return found

    for name in frame.columns:
        for value, message in messages(str(name), str(name)):
            problems.append(Problem(file, 1, str(name), value, message))
    for position in range(frame.shape[1]):  # by position: column names may repeat
        column = str(frame.columns[position])
        cells = frame.iloc[:, position].tolist()
        distinct = dict.fromkeys(v for v in cells if isinstance(v, str))
        flagged = {v: found for v in distinct if (found := messages(column, v))}
        if not flagged:
            continue
        for i, value in enumerate(cells):
            if isinstance(value, str) and value in flagged:
                problems += [Problem(file, i + 2, column, v, m) for v, m in flagged[value]]
    return problems


def audit_report(report_dir: Path | str, min_cell: int = DEFAULT_MIN_CELL) -> list[Problem]:
    """Every disclosure, formula and personal-data problem in a report folder's tables.

    An empty list means every published table passed. A folder without any ``tables/*.csv`` is a
    problem in itself (the wrong folder, or a report that failed to build).
    """
    root = Path(report_dir)
    if not root.is_dir():
        raise InputError(f"report folder not found: {root}", file=root)
    tables = published_tables(root)
    if not tables:
        return [
            Problem(str(root), None, None, None, "no published tables (tables/*.csv) found here")
        ]
    problems: list[Problem] = []
    for path in tables:
        file = str(path)
        try:
            frame = _read_table(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(Problem(file, None, None, None, f"not a readable CSV table: {exc}"))
            continue
        for p in audit_table(frame, _declared_spec(path), min_cell=min_cell, name=file):
            row = None if p.row is None else p.row + 1  # audit_table counts data rows from 1
            problems.append(Problem(file, row, p.column, p.value, p.message, p.severity))
        problems += _text_problems(frame, file)
    for path in theme_files(root):
        problems += _text_problems(_read_table(path), str(path))
    return problems


def audit_exit_code(report_dir: Path | str, min_cell: int = DEFAULT_MIN_CELL) -> tuple[int, str]:
    """``(exit code, text)`` for a command line: 0 all tables safe, 1 problems, 2 cannot audit."""
    try:
        problems = audit_report(report_dir, min_cell)
    except InputError as exc:
        return 2, str(exc)
    count = len(published_tables(report_dir))
    if not problems:
        return 0, f"{count} published table(s) audited under {report_dir}: no problems found."
    lines = [f"{len(problems)} problem(s) in {count} published table(s) under {report_dir}:"]
    lines += [f"  - {p}" for p in problems]
    return 1, "\n".join(lines)
