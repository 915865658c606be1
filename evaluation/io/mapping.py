"""Column mapping files: a new year's export needs a new mapping, not new code.

A mapping (YAML, one per wave and platform, usually ``mapping.yaml`` beside the export) says how
an export's columns become the instrument's variables::

    format: xlsx                 # csv | xlsx | qualtrics | smartsurvey | spss (default: by suffix)
    sheet: Sheet1                # xlsx only (default: the first sheet)
    delimiter: ","               # csv formats only (default: detected from the header line)
    drop: [Email, Name, Start time, Completion time]   # removed at read time, counted, never kept
    constants: {wave: "2025"}    # variables the export does not hold
    not_asked: []                # variables this wave did not ask (left blank)
    organisation_from: org_name  # fill org_code, org_name, icb, org_type from organisations.csv
    exclude_responses:           # rows that are not respondents: excluded, with the reason
      - column: Status
        values: [Survey Preview, Survey Test]
        reason: survey preview or test response
    answers:                     # answer text -> instrument label, for every variable
      Neutral: Neither agree nor disagree
    columns:                     # instrument variable -> export column
      respondent_id: ID                                   # exact header
      arf_aware:
        question: Before today, were you aware of the framework?   # or by question wording
        answers: {Unsure: Not sure}                       # this variable only
    multi_select:                # options of one question -> the barrier_* flags
      - column: {question: What gets in the way of anti-racism work?}
        separator: ";"           # one cell, options separated (Forms ";", Qualtrics ",")
        options: {Time pressures: Lack of time or resources}   # renamed options (optional)
      - columns:                 # or one column per option (SmartSurvey, SPSS)
          barrier_competing_priorities: "Q10 | Competing priorities"

Every scalar is read as text (``Yes`` stays ``"Yes"``, ``2025`` stays ``"2025"``). A column given
by ``question`` matches the platform's question wording (or the header) ignoring case and spacing.

Confidentiality is enforced here: every column of the export must be mapped or dropped, so a
new personal-data column (a "Phone" field added to next year's form) stops the read instead of
travelling silently into the analysis. Dropped columns are removed before anything else happens,
and counted (:attr:`ExportRead.dropped`) so the manifest can say what was discarded.

Qualtrics exports mark preview, test and spam responses in ``Status`` (and
``DistributionChannel``); those rows are excluded with their reason whatever the mapping says, so a
colleague's "Survey Preview" click is never analysed as a member of staff.

Problems name the file, the row as the user sees it, the export's column, the value and what was
expected. Rows with an unreadable answer are excluded (``on_error="exclude"``) or stop the load
(``"raise"``), exactly like the survey loader's own validation; every input row stays in the
row account.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from evaluation.errors import InputError, Problem
from evaluation.instrument import Instrument, Variable, load_instrument
from evaluation.io.platforms import FORMATS, RawTable, read_platform_table
from evaluation.io.survey import EXCLUDED, LoadedSurvey, survey_from_cells
from evaluation.safe_yaml import load_yaml

ORGANISATION_COLUMNS = ("org_code", "org_name", "icb", "org_type")
_KEYS = {
    "format",
    "sheet",
    "delimiter",
    "drop",
    "constants",
    "not_asked",
    "organisation_from",
    "answers",
    "columns",
    "multi_select",
    "exclude_responses",
    "description",
}
_FLAG_TEXT = {"1", "0", "true", "false", "yes", "no"}
_UNSELECTED = {"0", "false", "no", "not selected", "unchecked"}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class ColumnRef:
    """An export column named by its exact header or by its question wording."""

    header: str | None = None
    question: str | None = None

    def __str__(self) -> str:
        return repr(self.header) if self.header is not None else f"question {self.question!r}"


@dataclass(frozen=True)
class MultiSelect:
    """One multi-select question: a single separated cell, or one column per option."""

    column: ColumnRef | None = None
    separator: str = ";"
    options: dict[str, str] = field(default_factory=dict)
    columns: dict[str, ColumnRef] = field(default_factory=dict)


@dataclass(frozen=True)
class ExcludeRule:
    """Rows whose ``column`` holds one of ``values`` are not responses (previews, tests, spam)."""

    column: ColumnRef
    values: tuple[str, ...]
    reason: str
    required: bool = True  # a rule the mapping names needs its column; built-in rules do not


# Qualtrics' own markers (``Status``: text with "Use choice text", codes otherwise).
QUALTRICS_RULES = (
    ExcludeRule(
        ColumnRef(header="Status"),
        ("Survey Preview", "Survey Test", "Spam", "Preview Spam", "1", "2", "8", "9"),
        "survey preview, test or spam response (Qualtrics Status)",
        required=False,
    ),
    ExcludeRule(
        ColumnRef(header="DistributionChannel"),
        ("preview", "test"),
        "survey preview or test response (Qualtrics DistributionChannel)",
        required=False,
    ),
)


@dataclass(frozen=True)
class Mapping:
    """A parsed column mapping (see the module docstring for the file format)."""

    file: str
    format: str = "auto"
    sheet: str | None = None
    delimiter: str | None = None
    drop: tuple[ColumnRef, ...] = ()
    constants: dict[str, str] = field(default_factory=dict)
    not_asked: tuple[str, ...] = ()
    organisation_from: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    columns: dict[str, ColumnRef] = field(default_factory=dict)
    column_answers: dict[str, dict[str, str]] = field(default_factory=dict)
    multi_select: tuple[MultiSelect, ...] = ()
    exclude_responses: tuple[ExcludeRule, ...] = ()


@dataclass
class ExportRead:
    """An export read through its mapping: instrument cells, what was dropped, what was wrong.

    ``excluded``: source row -> reason, for rows that are not responses (previews, tests).
    """

    cells: pd.DataFrame
    problems: list[Problem]
    dropped: pd.DataFrame
    format: str
    encoding: str | None
    excluded: dict[int, str] = field(default_factory=dict)


@dataclass
class LoadedExport(LoadedSurvey):
    """A :class:`LoadedSurvey` from a platform export, with what reading it discarded.

    ``dropped``: one row per dropped column (``column``, ``non_blank_cells``), for the manifest.
    """

    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    format: str = ""
    encoding: str | None = None


# --- the mapping file -------------------------------------------------------------------------


def _text_dict(value: object, where: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(f"{where} must be a mapping of text to text")
        return {}
    return dict(value)


def _ref(value: object, where: str, problems: list[str]) -> ColumnRef | None:
    if isinstance(value, str):
        return ColumnRef(header=value)
    if isinstance(value, dict) and len({"header", "question"} & value.keys()) == 1:
        header, question = value.get("header"), value.get("question")
        if isinstance(header or question, str):
            return ColumnRef(header=header, question=question)
    problems.append(f"{where} must be a header, or a mapping with 'header' or 'question'")
    return None


def parse_mapping(raw: object, file: str, instrument: Instrument) -> Mapping:
    """Check a mapping read from YAML (all scalars as text) against the instrument."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise InputError("the mapping file must be a YAML mapping (key: value lines)", file=file)
    for key in sorted(set(raw) - _KEYS):
        close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
        problems.append(
            f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        )
    fmt = raw.get("format", "auto")
    if fmt not in (*FORMATS, "auto"):
        problems.append(f"format {fmt!r} is not one of {FORMATS}")
    delimiter = raw.get("delimiter")
    if delimiter == "tab":
        delimiter = "\t"
    if delimiter is not None and delimiter not in {",", ";", "\t"}:
        problems.append("delimiter must be ',', ';' or 'tab'")

    def variable(name: str, where: str) -> str | None:
        if name in instrument:
            return name
        close = difflib.get_close_matches(name, instrument.names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{where}: {name!r} is not a variable of the instrument{hint}")
        return None

    columns: dict[str, ColumnRef] = {}
    column_answers: dict[str, dict[str, str]] = {}
    raw_columns = raw.get("columns") or {}
    if not isinstance(raw_columns, dict):
        problems.append("columns must map instrument variables to export columns")
        raw_columns = {}
    for name, spec in raw_columns.items():
        if variable(name, "columns") is None:
            continue
        if isinstance(spec, dict) and "answers" in spec:
            spec = dict(spec)
            column_answers[name] = _text_dict(
                spec.pop("answers"), f"columns.{name}.answers", problems
            )
        ref = _ref(spec, f"columns.{name}", problems)
        if ref is not None:
            columns[name] = ref

    multi: list[MultiSelect] = []
    for i, spec in enumerate(raw.get("multi_select") or []):
        where = f"multi_select[{i}]"
        if not isinstance(spec, dict) or ("column" in spec) == ("columns" in spec):
            problems.append(f"{where} needs either 'column' (one cell) or 'columns' (per option)")
            continue
        if "column" in spec:
            ref = _ref(spec["column"], f"{where}.column", problems)
            options = _text_dict(spec.get("options"), f"{where}.options", problems)
            for target in options.values():
                if not any(_normalise(target) == _normalise(v.option) for v in _flags(instrument)):
                    problems.append(
                        f"{where}.options: {target!r} is not an option of the instrument"
                    )
            if ref is not None:
                multi.append(MultiSelect(ref, str(spec.get("separator", ";")), options))
        else:
            per_option: dict[str, ColumnRef] = {}
            for name, col in (spec["columns"] or {}).items():
                ref = _ref(col, f"{where}.columns.{name}", problems)
                if variable(name, f"{where}.columns") and ref is not None:
                    per_option[name] = ref
            multi.append(MultiSelect(columns=per_option))

    constants = _text_dict(raw.get("constants"), "constants", problems)
    answers = _text_dict(raw.get("answers"), "answers", problems)
    not_asked = tuple(str(n) for n in raw.get("not_asked") or [])
    organisation_from = raw.get("organisation_from")
    if organisation_from is not None and organisation_from not in {"org_code", "org_name"}:
        problems.append("organisation_from must be 'org_code' or 'org_name'")
    sources: dict[str, list[str]] = {}
    for name in constants:
        sources.setdefault(name, []).append("constants")
    for name in not_asked:
        sources.setdefault(name, []).append("not_asked")
    for name in columns:
        sources.setdefault(name, []).append("columns")
    if organisation_from:
        for name in ORGANISATION_COLUMNS:
            if name != organisation_from:
                sources.setdefault(name, []).append("organisation_from")
    for m in multi:
        targets: dict[str, ColumnRef | None] = dict(m.columns) or {
            v.name: None for v in _flags(instrument)
        }
        for name in targets:
            sources.setdefault(name, []).append("multi_select")
    for name in instrument.names:
        given = sources.get(name, [])
        if not given:
            problems.append(
                f"no source for the instrument variable {name!r}: map it under 'columns', give "
                "it under 'constants', or list it under 'not_asked'"
            )
        elif len(given) > 1:
            problems.append(f"{name!r} is given more than once (in {' and '.join(given)})")
    for name in set(constants) | set(not_asked):
        variable(name, "constants/not_asked")
    drop = tuple(
        ref
        for i, spec in enumerate(raw.get("drop") or [])
        if (ref := _ref(spec, f"drop[{i}]", problems)) is not None
    )
    exclude = _exclude_rules(raw.get("exclude_responses"), problems)
    if problems:
        raise InputError([Problem(file, None, None, None, p) for p in problems])
    return Mapping(
        file=file,
        format=fmt,
        sheet=raw.get("sheet"),
        delimiter=delimiter,
        drop=drop,
        constants=constants,
        not_asked=not_asked,
        organisation_from=organisation_from,
        answers=answers,
        columns=columns,
        column_answers=column_answers,
        multi_select=tuple(multi),
        exclude_responses=exclude,
    )


def _exclude_rules(value: object, problems: list[str]) -> tuple[ExcludeRule, ...]:
    """The mapping's ``exclude_responses``: a list of ``{column, values, reason}``."""
    rules = []
    if value is not None and not isinstance(value, list):
        problems.append("exclude_responses must be a list of {column, values, reason}")
    specs: list[object] = value if isinstance(value, list) else []
    for i, spec in enumerate(specs):
        where = f"exclude_responses[{i}]"
        if not isinstance(spec, dict) or not {"column", "values"} <= spec.keys():
            problems.append(f"{where} needs 'column' and 'values' (and optionally 'reason')")
            continue
        ref = _ref(spec["column"], f"{where}.column", problems)
        values = spec["values"]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(f"{where}.values must be a list of answers")
            continue
        reason = str(spec.get("reason") or f"not a response ({ref} is one of {values})")
        if ref is not None:
            rules.append(ExcludeRule(ref, tuple(values), reason))
    return tuple(rules)


def load_mapping(path: Path | str, instrument: Instrument | None = None) -> Mapping:
    """Read a mapping file. Scalars stay text (YAML's ``Yes`` is not turned into ``true``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"mapping file not found: {path}", file=path)
    try:
        raw = load_yaml(path, yaml.BaseLoader)
    except UnicodeDecodeError as exc:
        raise InputError(f"the mapping file is not UTF-8 text: {exc}", file=path) from exc
    return parse_mapping(raw, str(path), instrument or load_instrument())


def _flags(instrument: Instrument) -> list[Variable]:
    return instrument.of_type("flag")


# --- reading an export through a mapping ------------------------------------------------------


class _Columns:
    """Find export columns by header or question, remembering which were used."""

    def __init__(self, raw: RawTable):
        self.raw = raw
        self.headers = [str(c) for c in raw.cells.columns]
        self.used: set[str] = set()
        self.dropped: set[str] = set()
        self.problems: list[Problem] = []

    def find(self, ref: ColumnRef, purpose: str) -> str | None:
        if ref.header is not None:
            matches = [h for h in self.headers if h == ref.header]
        else:
            wanted = _normalise(ref.question or "")
            matches = [
                h
                for h in self.headers
                if _normalise(self.raw.questions.get(h, h)) == wanted or _normalise(h) == wanted
            ]
        matches = list(dict.fromkeys(matches))
        if set(matches) & self.dropped:
            self.problems.append(
                Problem(
                    self.raw.file,
                    None,
                    matches[0],
                    None,
                    f"the column is listed under 'drop' but also mapped (for {purpose}): "
                    "a dropped column cannot be read",
                )
            )
            return None
        if len(matches) == 1 and self.headers.count(matches[0]) == 1:
            self.used.add(matches[0])
            return matches[0]
        if matches:
            message = f"{ref} (for {purpose}) matches more than one column of the export"
        else:
            close = difflib.get_close_matches(
                ref.header or ref.question or "", self.headers, n=1, cutoff=0.6
            )
            hint = f"; the export has {close[0]!r}" if close else ""
            message = f"no column {ref} (for {purpose}) in the export{hint}"
        self.problems.append(
            Problem(self.raw.file, None, ref.header or ref.question, None, message)
        )
        return None


def _answer_lookup(variable: Variable, mapping: Mapping) -> dict[str, str]:
    """Normalised answer text -> label, from the mapping (this variable first) and instrument."""
    lookup = {_normalise(v): v for v in variable.values}
    for source, target in mapping.answers.items():
        lookup[_normalise(source)] = target
    for source, target in mapping.column_answers.get(variable.name, {}).items():
        lookup[_normalise(source)] = target
    return lookup


def _map_answers(
    values: pd.Series,
    variable: Variable,
    column: str,
    mapping: Mapping,
    instrument: Instrument,
    file: str,
) -> tuple[pd.Series, list[Problem]]:
    """Apply the mapping's answer texts; an answer neither mapped nor allowed is a problem."""
    lookup = _answer_lookup(variable, mapping)
    missing = {_normalise(m) for m in instrument.missing_labels}
    problems: list[Problem] = []
    out = values.copy()
    for row, value in values.items():
        key = _normalise(value)
        if key in missing:
            out[row] = ""
        elif key in lookup:
            out[row] = lookup[key]
        elif variable.type == "categorical" or (variable.type == "flag" and key not in _FLAG_TEXT):
            allowed = list(variable.values) if variable.type == "categorical" else ["1", "0"]
            shown = ", ".join(repr(v) for v in allowed[:8]) + (", ..." if len(allowed) > 8 else "")
            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    value,
                    f"answer not recognised for {variable.name}: expected one of {shown}{hint}, "
                    "or add it to the mapping's 'answers'",
                )
            )
            out[row] = ""
    return out, problems


def _option_key(text: str, separator: str) -> str:
    """Normalised option text, ignoring spaces around the separator ("a, b" == "a,b")."""
    return re.sub(rf"\s*{re.escape(separator)}\s*", separator, _normalise(text))


def _split_options(cell: str, spec: MultiSelect, options: dict[str, str]) -> tuple[list, list]:
    """Options chosen in one cell: ``(known option labels, unknown texts)``.

    Splitting joins neighbouring pieces when together they form a known option, so an option
    containing the separator ("Time, or resources" with ``,``) is not cut in two.
    """
    pieces = [p.strip() for p in cell.split(spec.separator)]
    pieces = [p for p in pieces if p]
    sep = spec.separator.strip() or spec.separator
    known: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = _option_key(sep.join(pieces[i:j]), sep)
            if joined in options:
                known.append(options[joined])
                i = j
                break
        else:
            unknown.append(pieces[i])
            i += 1
    return known, unknown


def _multi_select_cells(
    spec: MultiSelect, columns: _Columns, instrument: Instrument, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """The flag cells ("1", "0", or "" when the question was not answered) of one question."""
    cells = columns.raw.cells
    problems: list[Problem] = []
    if spec.columns:
        found = {name: columns.find(ref, name) for name, ref in spec.columns.items()}
        out = pd.DataFrame(index=cells.index)
        present = {name: col for name, col in found.items() if col is not None}
        if not present:
            return out, problems
        block = pd.DataFrame({name: cells[col].str.strip() for name, col in present.items()})
        answered = (block != "").any(axis=1)
        for name in present:
            chosen = (block[name] != "") & ~block[name].str.casefold().isin(_UNSELECTED)
            out[name] = chosen.map({True: "1", False: "0"}).where(answered, "")
        return out, problems
    assert spec.column is not None
    column = columns.find(spec.column, "the multi-select question")
    flags = _flags(instrument)
    out = pd.DataFrame("", index=cells.index, columns=[v.name for v in flags])
    if column is None:
        return out, problems
    sep = spec.separator.strip() or spec.separator
    by_option = {_normalise(v.option): v.name for v in flags}
    options = {_option_key(v.option, sep): v.name for v in flags}
    for source, target in spec.options.items():
        options[_option_key(source, sep)] = by_option[_normalise(target)]
    expected = ", ".join(repr(v.option) for v in flags)
    for row, cell in cells[column].items():
        if not cell.strip():
            continue
        chosen, unknown = _split_options(cell, spec, options)
        out.loc[row] = "0"
        out.loc[row, chosen] = "1"
        for text in unknown:
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    text,
                    f"not an option of the multi-select question (split on {spec.separator!r}): "
                    f"expected {expected}, or add it to the mapping's 'options'",
                )
            )
    return out, problems


def _organisation_cells(
    cells: pd.DataFrame, key: str, instrument: Instrument, file: str, column: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill the organisation columns from organisations.csv by org_code or org_name."""
    orgs = instrument.organisations
    lookup = {_normalise(str(v)): i for i, v in enumerate(orgs[key])}
    out = pd.DataFrame("", index=cells.index, columns=list(ORGANISATION_COLUMNS))
    problems: list[Problem] = []
    for row, value in cells[key].items():
        if not value.strip():
            continue
        position = lookup.get(_normalise(value))
        if position is None:
            close = difflib.get_close_matches(value, list(orgs[key]), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    file,
                    int(row),
                    column,
                    value,
                    f"not an organisation in organisations.csv ({key}){hint}, "
                    "or map the answer under 'answers'",
                )
            )
            continue
        for name in ORGANISATION_COLUMNS:
            out.at[row, name] = str(orgs.iloc[position][name])
    return out, problems


def read_export(
    path: Path | str,
    mapping: Mapping | Path | str,
    instrument: Instrument | None = None,
) -> ExportRead:
    """Read an export through its mapping into instrument cells indexed by source row.

    The returned ``cells`` have exactly the instrument's columns, as text, ready for
    :func:`~evaluation.io.survey.survey_from_cells`. Problems with the file or the mapping as a
    whole (a missing column, a column neither mapped nor dropped) raise :class:`InputError`;
    problems with single answers come back in ``problems`` with their row.
    """
    instrument = instrument or load_instrument()
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping, instrument)
    raw = read_platform_table(
        path, mapping.format, sheet=mapping.sheet, delimiter=mapping.delimiter
    )
    file = raw.file
    columns = _Columns(raw)
    problems = list(raw.problems)
    rules = mapping.exclude_responses + (QUALTRICS_RULES if raw.format == "qualtrics" else ())
    excluded = _excluded_rows(raw, rules, columns)

    dropped_rows = []
    for ref in mapping.drop:
        matches = [h for h in columns.headers if _matches(ref, h, raw)]
        for header in dict.fromkeys(matches):
            non_blank = int((raw.cells.loc[:, [header]] != "").to_numpy().sum())
            dropped_rows.append({"column": header, "non_blank_cells": non_blank})
            columns.used.add(header)
            columns.dropped.add(header)
    dropped = pd.DataFrame(dropped_rows, columns=["column", "non_blank_cells"])
    raw.cells = raw.cells.loc[:, [h not in columns.dropped for h in columns.headers]]

    cells = pd.DataFrame("", index=raw.cells.index, columns=instrument.names, dtype=object)
    for name, ref in mapping.columns.items():
        column = columns.find(ref, name)
        if column is None:
            continue
        variable = instrument[name]
        values = raw.cells[column]
        if variable.type != "text":  # free text keeps its spacing; the rest is trimmed
            values = values.str.strip()
        if variable.type in {"categorical", "flag"}:
            values, found = _map_answers(values, variable, column, mapping, instrument, file)
            problems += found
        cells[name] = values
    for spec in mapping.multi_select:
        flags, found = _multi_select_cells(spec, columns, instrument, file)
        problems += found
        for name in flags.columns:
            cells[name] = flags[name]
    for name, value in mapping.constants.items():
        cells[name] = value
    if mapping.organisation_from:
        key = mapping.organisation_from
        source = _source_header(mapping, key, raw)
        orgs, found = _organisation_cells(cells, key, instrument, file, source)
        problems += found
        for name in ORGANISATION_COLUMNS:
            cells[name] = orgs[name].where(orgs[name] != "", cells[name])

    unmapped = [h for h in columns.headers if h not in columns.used]
    for header in dict.fromkeys(unmapped):
        columns.problems.append(
            Problem(
                file,
                None,
                header,
                None,
                "the column is neither mapped nor dropped: add it to 'columns' in the mapping, "
                "or to 'drop' (personal data must be dropped)",
            )
        )
    if columns.problems:
        raise InputError(columns.problems + [p for p in problems if p.severity == "warning"])
    if not len(raw.cells.index):
        raise InputError("the export has a header but no responses", file=file)
    problems = [p for p in problems if p.row not in excluded]
    return ExportRead(cells.astype(str), problems, dropped, raw.format, raw.encoding, excluded)


def _excluded_rows(raw: RawTable, rules: tuple[ExcludeRule, ...], columns: _Columns) -> dict:
    """Source row -> reason for rows that are not responses (read before columns are dropped)."""
    excluded: dict[int, str] = {}
    for rule in rules:
        header = next((h for h in columns.headers if _matches(rule.column, h, raw)), None)
        if header is None:
            if rule.required:
                columns.problems.append(
                    Problem(raw.file, None, str(rule.column), None,
                            "exclude_responses names a column the export does not have")
                )  # fmt: skip
            continue
        wanted = {_normalise(v) for v in rule.values}
        hit = raw.cells[header].map(_normalise).isin(wanted)
        for row in raw.cells.index[hit.to_numpy()]:
            excluded.setdefault(int(row), rule.reason)
    return excluded


def _matches(ref: ColumnRef, header: str, raw: RawTable) -> bool:
    if ref.header is not None:
        return header == ref.header
    wanted = _normalise(ref.question or "")
    return wanted in {_normalise(header), _normalise(raw.questions.get(header, header))}


def _source_header(mapping: Mapping, name: str, raw: RawTable) -> str:
    ref = mapping.columns.get(name)
    if ref is None:
        return name
    return next((h for h in raw.cells.columns if _matches(ref, h, raw)), name)


def load_export(
    path: Path | str,
    mapping_path: Path | str,
    instrument: Instrument | None = None,
    *,
    on_error: str = "raise",
) -> LoadedExport:
    """Read a platform export through its mapping, validate it and account for every row.

    As :func:`~evaluation.io.survey.load_survey`: ``on_error="raise"`` raises one
    :class:`InputError` listing every problem (reading and validation together); ``"exclude"``
    excludes the rows with an error, each with its reason in the row account.
    """
    if on_error not in {"raise", "exclude"}:
        raise ValueError("on_error must be 'raise' or 'exclude'")
    instrument = instrument or load_instrument()
    read = read_export(path, mapping_path, instrument)
    file = str(path)
    reasons: dict[int, str] = dict(read.excluded)
    for p in read.problems:
        if p.severity == "error" and p.row is not None:
            reasons.setdefault(p.row, f"unreadable {p.column}: {p.message}")
    clean = read.cells.drop(index=list(reasons))
    try:
        loaded = survey_from_cells(clean, file, instrument, on_error="exclude")
    except InputError as exc:
        raise InputError(read.problems + exc.problems) from exc
    problems = sorted(read.problems + loaded.problems, key=lambda p: (p.row or 0, p.column or ""))
    if on_error == "raise" and any(p.severity == "error" for p in problems):
        raise InputError(problems)
    excluded = pd.DataFrame(
        {
            "source_row": list(reasons),
            "respondent_id": pd.array(
                [read.cells.at[r, "respondent_id"] for r in reasons], dtype="string"
            ),
            "status": EXCLUDED,
            "reason": list(reasons.values()),
        }
    )
    account = (
        pd.concat([loaded.account, excluded], ignore_index=True) if reasons else loaded.account
    )
    account = account.sort_values("source_row", kind="stable").reset_index(drop=True)
    return LoadedExport(
        frame=loaded.frame,
        account=account,
        problems=problems,
        path=Path(path),
        dropped=read.dropped,
        format=read.format,
        encoding=read.encoding,
    )


@dataclass
class CanonicalWrite:
    """What ``arf-eval import-survey`` wrote, and which export rows it left out and why."""

    path: Path
    rows_read: int
    rows_written: int
    left_out: dict[int, str]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def text(self) -> str:
        from evaluation.errors import group_problems

        lines = [f"wrote {self.path}: {self.rows_written} of {self.rows_read} export rows"]
        reasons = pd.Series(self.left_out, dtype=object).value_counts()
        lines += [f"  left out {n} row(s): {reason}" for reason, n in reasons.items()]
        lines += [f"  - {p}" for p in group_problems(self.problems)[:50]]
        return "\n".join(lines)


def write_canonical_survey(
    export: Path | str, mapping: Path | str, out: Path | str, instrument: Instrument | None = None
) -> CanonicalWrite:
    """Write an export as the canonical survey CSV (instrument columns, instrument labels).

    Rows that are not responses (previews, tests) and rows with an answer the mapping cannot read
    are left out and listed with their reason, never written with the answer blanked: a blank is
    "not answered", which an unreadable answer is not.
    """
    read = read_export(export, mapping, instrument)
    left_out = dict(read.excluded)
    for p in read.problems:
        if p.severity == "error" and p.row is not None:
            left_out.setdefault(p.row, f"unreadable {p.column}")
    kept = read.cells.drop(index=list(left_out))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    kept.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return CanonicalWrite(out, len(read.cells), len(kept), left_out, read.problems)
