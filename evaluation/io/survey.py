"""Load a survey export, validate it against the instrument, and account for every row.

The loader turns a file of labels (as survey platforms export them) into the tidy survey frame of
the data contract: one row per respondent, categoricals in the instrument's order, multi-select
options as nullable booleans, and the derived groupings (ethnicity, band group). Validation uses a
pandera schema built from the instrument, and every problem is reported with the file, the row as
the user sees it (the header is row 1), the column and the value.

Every input row ends up in the row account: ``analysed``, or ``excluded`` with its reason. Partial
answers are analysed (a missing answer is ``NA`` in that column only); a row with no answer to any
survey question is excluded as blank.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from evaluation.errors import InputError, Problem
from evaluation.instrument import Instrument, Variable, load_instrument

ANALYSED = "analysed"
EXCLUDED = "excluded"
IDENTITY_COLUMNS = ("respondent_id", "wave", "org_code", "org_name", "icb", "org_type")
_FLAG_VALUES = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}


@dataclass
class LoadedSurvey:
    """A validated survey: the tidy frame, the row account and every problem found."""

    frame: pd.DataFrame
    account: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    path: Path | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> pd.DataFrame:
        """Rows read, analysed and excluded (by reason): the row account in one small table."""
        return account_summary(self.account)


def account_summary(account: pd.DataFrame) -> pd.DataFrame:
    """Rows read, analysed and excluded by reason: every input row accounted for."""
    excluded = account.loc[account["status"] == EXCLUDED, "reason"]
    rows = [
        {"status": "read", "reason": "", "rows": len(account)},
        {"status": ANALYSED, "reason": "", "rows": int((account["status"] == ANALYSED).sum())},
    ]
    rows += [
        {"status": EXCLUDED, "reason": str(reason), "rows": int(count)}
        for reason, count in excluded.value_counts().sort_index().items()
    ]
    return pd.DataFrame(rows, columns=["status", "reason", "rows"])


# --- reading ----------------------------------------------------------------------------------


def read_survey_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV or XLSX export as text, indexed by the row number the user sees in the file.

    Every cell is read as a string (no type guessing: "01" stays "01", "NA" is not silently
    missing); blank cells are empty strings. A CSV's encoding is detected by
    :func:`evaluation.io.platforms.decode_text`: UTF-8 (with or without BOM) silently, Windows-1252
    only when it decodes cleanly, and then with a warning :class:`Problem` naming the encoding,
    kept in ``frame.attrs["problems"]``; anything else is an :class:`InputError`. Survey-platform
    layouts (Qualtrics header rows, SPSS, Forms) are read through a column mapping
    (:mod:`evaluation.io.mapping`).
    """
    from evaluation.io.platforms import read_delimited, read_xlsx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        table = read_delimited(path, delimiter=",")
    elif suffix in {".xlsx", ".xlsm"}:
        table = read_xlsx(path)
    elif not path.exists():
        raise InputError(f"file not found: {path}", file=path)
    else:
        raise InputError(
            f"unsupported file type {suffix!r}: expected .csv or .xlsx "
            "(SPSS .sav and platform exports are read with a column mapping)",
            file=path,
        )
    frame = table.cells
    frame.attrs["problems"] = table.problems
    return frame


# --- validation -------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


def _check_columns(raw: pd.DataFrame, instrument: Instrument, file: str) -> list[Problem]:
    """Missing, misspelt, duplicated and unknown columns: problems with the whole file."""
    problems: list[Problem] = []
    columns = [str(c) for c in raw.columns]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            problems.append(Problem(file, 1, name, None, "column appears more than once"))
        seen.add(name)
    unknown = [c for c in columns if c not in instrument]
    for name in instrument.names:
        if name in seen:
            continue
        close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.75)
        hint = f"; the file has {close[0]!r}: is it misspelt?" if close else ""
        problems.append(Problem(file, 1, name, None, f"required column is missing{hint}"))
    for name in unknown:
        close = difflib.get_close_matches(name, instrument.names, n=1, cutoff=0.75)
        if close and close[0] not in seen:
            continue  # already reported as the misspelling of a missing column
        problems.append(
            Problem(
                file, 1, name, None, "column is not in the instrument and is ignored", "warning"
            )
        )
    return problems


def _canonical_labels(raw: pd.Series, variable: Variable) -> tuple[pd.Series, int]:
    """Map answers that differ from the instrument's labels only in case or spacing."""
    lookup = {_normalise(v): v for v in variable.values}
    stripped = raw.str.strip()
    exact = stripped.isin(variable.values) | (stripped == "")
    fixed = stripped.copy()  # only the other answers go through the (slow, regex) normalisation
    fixed[~exact] = stripped[~exact].map(lambda s: lookup.get(_normalise(s), s))
    changed = int((fixed != stripped).sum())
    return fixed, changed


def survey_schema(instrument: Instrument) -> pa.DataFrameSchema:
    """A pandera schema of the survey as text cells (after blank answers become missing)."""
    columns: dict[str, pa.Column] = {}
    for v in instrument.variables:
        checks: list[pa.Check] = []
        if v.type == "categorical":
            checks.append(pa.Check.isin(list(v.values), error=f"not an allowed answer of {v.name}"))
        elif v.type == "flag":
            checks.append(pa.Check.isin(sorted(_FLAG_VALUES), error="expected 1 or 0"))
        elif v.type == "integer":
            checks.append(pa.Check.str_matches(r"^-?\d+$", error="expected a whole number"))
            lo, hi = v.minimum, v.maximum
            checks.append(
                pa.Check(
                    lambda s, lo=lo, hi=hi: pd.to_numeric(s, errors="coerce").between(
                        lo if lo is not None else float("-inf"),
                        hi if hi is not None else float("inf"),
                    ),
                    element_wise=False,
                    error=f"expected a year between {lo} and {hi}",
                )
            )
        columns[v.name] = pa.Column(
            checks=checks,
            nullable=not (v.required or v.type == "id"),
            unique=v.type == "id",
            report_duplicates="exclude_first",
            required=True,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False)


def _expected(variable: Variable) -> str:
    if variable.type == "categorical":
        shown = list(variable.values)
        text = ", ".join(repr(v) for v in shown[:8])
        return f"expected one of {text}{', ...' if len(shown) > 8 else ''}"
    if variable.type == "flag":
        return "expected 1 (selected), 0 (not selected) or blank"
    if variable.type == "integer":
        return f"expected a whole number from {variable.minimum} to {variable.maximum}"
    return "expected a non-empty, unique identifier"


def _cell_problems(cells: pd.DataFrame, instrument: Instrument, file: str) -> list[Problem]:
    """Validate every cell with the pandera schema and translate its failures into problems."""
    try:
        survey_schema(instrument).validate(cells, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    first_row = {
        value: int(row) for row, value in cells["respondent_id"].dropna().iloc[::-1].items()
    }
    problems: list[Problem] = []
    for case in failures.itertuples(index=False):
        column = str(case.column)
        row = None if pd.isna(case.index) else int(case.index)
        value = None if pd.isna(case.failure_case) else case.failure_case
        variable = instrument.get(column)
        check = str(case.check)
        if "field_uniqueness" in check:
            message = (
                f"duplicate respondent_id (first seen at row {first_row.get(value)}): "
                "each respondent must appear once; this row is not used"
            )
        elif "not_nullable" in check:
            message = "a value is required here but the cell is blank"
        elif variable is not None:
            message = f"{value!r} is not allowed: {_expected(variable)}"
            if variable.type == "categorical" and isinstance(value, str):
                close = difflib.get_close_matches(value, list(variable.values), n=1, cutoff=0.6)
                if close:
                    message += f" (did you mean {close[0]!r}?)"
            value = None
        else:
            message = check
        problems.append(Problem(file, row, column, value, message))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _organisation_problems(cells: pd.DataFrame, instrument: Instrument, file: str) -> list[Problem]:
    """org_code, org_name, icb and org_type must describe the same organisation."""
    orgs = instrument.organisations.set_index("org_code")
    problems: list[Problem] = []
    known = cells["org_code"].isin(orgs.index)
    for column in ("org_name", "icb", "org_type"):
        expected = cells.loc[known, "org_code"].map(orgs[column])
        given = cells.loc[known, column]
        bad = given.notna() & (given != expected)
        for row in given.index[bad]:
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    given[row],
                    f"does not match org_code {cells.at[row, 'org_code']!r}, "
                    f"which is {expected[row]!r} in organisations.csv",
                )
            )
    return problems


def _skip_logic_warnings(cells: pd.DataFrame, instrument: Instrument, file: str) -> list[Problem]:
    """Answers given to a question the respondent should not have been asked."""
    problems: list[Problem] = []
    for v in instrument.variables:
        if not v.asked_if:
            continue
        asked = pd.Series(False, index=cells.index)
        for other, values in v.asked_if.items():
            asked |= cells[other].isin(values)
        stray = cells[v.name].notna() & ~asked
        for row in cells.index[stray]:
            condition = " or ".join(f"{k} is {'/'.join(vals)}" for k, vals in v.asked_if.items())
            problems.append(
                Problem(
                    file,
                    int(row),
                    v.name,
                    cells.at[row, v.name],
                    f"answered although only asked when {condition}; kept",
                    "warning",
                )
            )
    return problems


# --- typing -----------------------------------------------------------------------------------


def _typed_frame(cells: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Text cells -> the tidy survey frame of the data contract (plus derived groupings)."""
    out = pd.DataFrame(index=cells.index)
    for v in instrument.variables:
        column = cells[v.name]
        if v.type == "categorical":
            out[v.name] = column.astype(instrument.categories(v.name))
        elif v.type == "flag":
            out[v.name] = column.str.lower().map(_FLAG_VALUES).astype("boolean")
        elif v.type == "integer":
            out[v.name] = pd.to_numeric(column, errors="coerce").astype("Int64")
        else:
            out[v.name] = column.astype("string")
    for d in instrument.derived:
        mapped = out[d.source].astype("string").map(d.lookup())
        out[d.name] = mapped.astype(instrument.categories(d.name))
    return out


def survey_from_cells(
    cells: pd.DataFrame,
    file: str,
    instrument: Instrument | None = None,
    *,
    on_error: str = "raise",
) -> LoadedSurvey:
    """Validate a frame of text cells (index = source row numbers) and type it.

    ``on_error="raise"`` raises :class:`InputError` listing every problem when any is an error;
    ``"exclude"`` keeps going, excluding the rows that have errors (each with its reason in the
    row account). Problems with the file itself (missing columns) always raise.
    """
    if on_error not in {"raise", "exclude"}:
        raise ValueError("on_error must be 'raise' or 'exclude'")
    instrument = instrument or load_instrument()
    file_problems = _check_columns(cells, instrument, file)
    if any(p.severity == "error" for p in file_problems):
        raise InputError(file_problems)
    cells = cells.loc[:, ~cells.columns.duplicated()]
    cells = cells[instrument.names].copy()
    missing_labels = set(instrument.missing_labels)
    problems = list(file_problems)
    for v in instrument.variables:
        column = cells[v.name].fillna("").astype(str)
        if v.type == "categorical":
            column, changed = _canonical_labels(column, v)
            if changed:
                problems.append(
                    Problem(
                        file,
                        None,
                        v.name,
                        None,
                        f"{changed} answer(s) differed from the instrument's labels only in case "
                        "or spacing and were normalised",
                        "warning",
                    )
                )
        else:
            column = column.str.strip()
        cells[v.name] = column.where(~column.isin(missing_labels))
    problems += _cell_problems(cells, instrument, file)
    problems += _organisation_problems(cells, instrument, file)
    problems += _skip_logic_warnings(cells, instrument, file)

    errors = [p for p in problems if p.severity == "error"]
    if errors and on_error == "raise":
        raise InputError(problems)

    reasons = pd.Series("", index=cells.index, dtype=object)
    for p in errors:
        if p.row is not None and p.row in reasons.index and not reasons[p.row]:
            duplicate = p.column == "respondent_id" and "duplicate" in p.message
            reasons[p.row] = "duplicate respondent_id" if duplicate else f"invalid {p.column}"
    substantive = [n for n in instrument.names if n not in IDENTITY_COLUMNS]
    blank = cells[substantive].isna().all(axis=1) & (reasons == "")
    reasons[blank] = "blank response: no survey question answered"

    kept = cells.index[reasons == ""]
    frame = _typed_frame(cells.loc[kept], instrument).reset_index(drop=True)
    account = pd.DataFrame(
        {
            "source_row": cells.index.astype(int),
            "respondent_id": cells["respondent_id"].astype("string").to_numpy(),
            "status": [ANALYSED if r == "" else EXCLUDED for r in reasons],
            "reason": reasons.to_numpy(),
        }
    )
    return LoadedSurvey(frame=frame, account=account, problems=problems)


def load_survey(
    path: Path | str, instrument: Instrument | None = None, *, on_error: str = "raise"
) -> LoadedSurvey:
    """Read and validate a survey file (CSV or XLSX of labels) or a wave folder's survey.csv."""
    path = Path(path)
    if path.is_dir():
        path = path / "survey.csv"
    cells = read_survey_table(path)
    read_problems = list(cells.attrs.get("problems", []))
    if cells.empty:
        empty = Problem(str(path), None, None, None, "the file has a header but no respondents")
        raise InputError([*read_problems, empty])
    loaded = survey_from_cells(cells, str(path), instrument, on_error=on_error)
    loaded.problems = read_problems + loaded.problems
    loaded.path = path
    return loaded
