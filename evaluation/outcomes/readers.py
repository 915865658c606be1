"""Readers of the public NHS Staff Survey files, each returning rows of one tidy panel.

Every reader returns a :class:`Tidy` (``panel`` in :data:`PANEL_COLUMNS`, ``organisations`` in
:data:`ORGANISATION_COLUMNS`). Shapes read:

- the official "detailed spreadsheets, organisational results" workbook of any year (a sheet per
  question block, question wording on row 1, column headers on row 5, one row per organisation);
- the official national workbook (England, regions, and the White / "all other ethnic groups"
  summary rows, which become ``group`` White / Global Majority of ``ods_code`` ``ENG``);
- a wide compiled organisation panel (``ODS code, Year, ..., <Measure>_rate, <Measure>_base``);
- White / BME rates per trust (``Indicator, Trust, ..., White Rate, BME Rate``; fractions).

``-`` or a blank cell means "not published" (fewer than 11 responses): ``pct`` and ``base`` are
then missing, never zero. A cell that is neither a number nor ``-`` is an :class:`InputError`
naming the file, the sheet and cell, and the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.outcomes.indicators import (
    BY_ID,
    ORGANISATION_COLUMNS,
    PANEL_COLUMNS,
    match_indicator,
    question_wording,
)

HEADER_ROW = 5  # 1-based, in the official workbooks
BASE_HEADER = "base (number of responses)"
NOT_PUBLISHED = {"-", "", "*", "n/a", "na"}
ENGLAND = "ENG"


@dataclass
class Tidy:
    """Rows of the tidy outcome panel and the organisations they describe."""

    panel: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PANEL_COLUMNS))
    organisations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ORGANISATION_COLUMNS)
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for c in ("pct", "base"):
        if c in frame:
            frame[c] = pd.to_numeric(frame[c]).astype(float)
    if "year" in frame:
        frame["year"] = frame["year"].astype(int)
    return frame


def _number(value: object, file: str, where: str) -> float:
    """A published cell as a number; NaN for "not published"; an InputError otherwise."""
    if value is None:
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text.lower() in NOT_PUBLISHED:
        return np.nan
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise InputError(
            [Problem(file, None, where, value, "expected a number, '-' or blank (not published)")]
        ) from None


def _cell(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col + 1)}{row}"


def workbook_year(title: str, path: Path) -> int:
    """The survey year from a workbook's title cell ("NHS Staff Survey 2024 - ...") or name."""
    m = re.search(r"staff survey\s+(20\d\d)", str(title), flags=re.I)
    if m:
        return int(m.group(1))
    m = re.search(r"NSS\s*(\d\d)(?!\d)", path.name, flags=re.I) or re.search(r"(20\d\d)", path.name)
    if m:
        year = int(m.group(1))
        return year + 2000 if year < 100 else year
    raise InputError(
        "cannot tell the survey year: not in the title cell A1 nor the file name", path
    )


@dataclass(frozen=True)
class _Block:
    indicator: str
    columns: dict[str, int]  # option label (lower, without "% ") -> column index
    base: int | None
    first: int


def _blocks(row1: tuple, row5: tuple) -> list[_Block]:
    """The indicator question blocks of a sheet, found by the wording on row 1."""
    starts = [j for j, v in enumerate(row1) if v is not None and question_wording(v)]
    blocks = []
    for k, j in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(row5)
        _, wording = question_wording(row1[j])  # type: ignore[misc]
        indicator = match_indicator(wording)
        if indicator is None:
            continue
        options, base = {}, None
        for c in range(j, end):
            label = str(row5[c] or "").strip()
            if label.lower() == BASE_HEADER:
                base = c
                break
            if label.startswith("%"):
                options[label[1:].strip().lower()] = c
        blocks.append(_Block(indicator.id, options, base, j))
    return blocks


def _block_pct(block: _Block, values: tuple, file: str, row: int) -> float:
    def get(label: str) -> float:
        return _number(values[block.columns[label]], file, _cell(row, block.columns[label]))

    rule = BY_ID[block.indicator].rule
    if rule == "yes":
        return get("yes")
    if rule == "not_never":
        never = get("never")
        return np.nan if np.isnan(never) else 100.0 - never
    white = [c for c in block.columns if c.startswith("white")]
    parts = [get(c) for c in white]
    return np.nan if any(np.isnan(p) for p in parts) else 100.0 - float(np.sum(parts))


def _check_block(block: _Block, file: str, sheet: str) -> None:
    needed = {"yes": ["yes"], "not_never": ["never"]}.get(BY_ID[block.indicator].rule, [])
    missing = [n for n in needed if n not in block.columns]
    if BY_ID[block.indicator].rule == "not_white" and not any(
        c.startswith("white") for c in block.columns
    ):
        missing = ["White ..."]
    if missing or block.base is None:
        what = f"% {missing[0]}" if missing else "Base (number of responses)"
        raise InputError(
            [
                Problem(
                    file,
                    HEADER_ROW,
                    f"{sheet}!{_cell(HEADER_ROW, block.first)}",
                    None,
                    f"question {block.indicator} has no '{what}' column on row {HEADER_ROW}",
                )
            ]
        )


def _sheets(path: Path):
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or foreign file
        raise InputError(f"not a readable .xlsx workbook: {exc}", path) from exc
    try:
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            if len(rows) >= HEADER_ROW:
                yield sheet.title, rows
    finally:
        book.close()


def sniff_workbook(path: Path) -> str | None:
    """``"organisational"``, ``"national"`` or None, from the row-5 headers of its sheets."""
    for _, rows in _sheets(path):
        head = [str(v or "").strip().lower() for v in rows[HEADER_ROW - 1][:4]]
        if head[:2] == ["ods code", "organisation name"]:
            return "organisational"
        if head[:3] == ["base", "breakdown", "breakdown subgroup"]:
            return "national"
    return None


def read_org_workbook(path: Path | str) -> Tidy:
    """The official organisational-results workbook of one year, as tidy rows (group ``all``)."""
    path = Path(path)
    file = path.name
    rows_out: list[dict] = []
    orgs: dict[str, dict] = {}
    year: int | None = None
    found_header = False
    for sheet, rows in _sheets(path):
        row5 = rows[HEADER_ROW - 1]
        head = [str(v or "").strip().lower() for v in row5[:6]]
        if head[:2] != ["ods code", "organisation name"]:
            continue
        found_header = True
        year = year or workbook_year(rows[0][0], path)
        col = {h: k for k, h in enumerate(head)}
        blocks = _blocks(rows[0], row5)
        for block in blocks:
            _check_block(block, file, sheet)
        for r, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
            code = values[0]
            if code is None or str(code).strip() == "":
                continue
            code = str(code).strip()
            name = str(values[1] or "").strip()
            orgs.setdefault(
                code,
                {
                    "ods_code": code,
                    "year": year,
                    "org_name": name,
                    "benchmark_group": str(values[col.get("benchmarking group", 2)] or "").strip(),
                    "region": str(values[col.get("region", 3)] or "").strip(),
                    "ics": str(values[col.get("ics", 4)] or "").strip(),
                },
            )
            for block in blocks:
                pct = _block_pct(block, values, f"{file} sheet {sheet!r}", r)
                base = _number(values[block.base], f"{file} sheet {sheet!r}", _cell(r, block.base))  # type: ignore[arg-type]
                if np.isnan(pct):
                    base = np.nan
                rows_out.append(
                    {
                        "ods_code": code,
                        "org_name": name,
                        "year": year,
                        "indicator": block.indicator,
                        "group": "all",
                        "pct": pct,
                        "base": base,
                        "source": f"organisational workbook {file}",
                    }
                )
    if not found_header:
        raise InputError(
            f"no sheet has the organisational header on row {HEADER_ROW} ('ODS code', "
            "'Organisation name', ...)",
            path,
        )
    panel = _frame(rows_out, PANEL_COLUMNS).drop_duplicates(["ods_code", "year", "indicator"])
    return Tidy(panel, _frame(list(orgs.values()), ORGANISATION_COLUMNS))


NATIONAL_GROUPS = {
    "white staff": "White",
    "staff from all other ethnic groups combined": "Global Majority",
}


def read_national_workbook(path: Path | str) -> Tidy:
    """England (``ENG``) by ethnic group summary, and the regions (``region:<name>``), one year."""
    path = Path(path)
    file = path.name
    rows_out: list[dict] = []
    found_header = False
    year: int | None = None
    for sheet, rows in _sheets(path):
        row5 = rows[HEADER_ROW - 1]
        head = [str(v or "").strip().lower() for v in row5[:4]]
        if head[:3] != ["base", "breakdown", "breakdown subgroup"]:
            continue
        found_header = True
        year = year or workbook_year(rows[0][0], path)
        blocks = _blocks(rows[0], row5)
        for block in blocks:
            _check_block(block, file, sheet)
        for r, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
            breakdown = str(values[1] or "").strip()
            subgroup = str(values[2] or "").strip()
            if str(values[0] or "").strip().lower() != "national":
                continue
            if breakdown == "":
                code, name, group = ENGLAND, "England", "all"
            elif breakdown.lower() == "region":
                code, name, group = f"region:{subgroup}", f"{subgroup} (region)", "all"
            elif breakdown.lower() == "ethnic background (summary)":
                national = NATIONAL_GROUPS.get(subgroup.lower())
                if national is None:
                    continue
                group = national
                code, name = ENGLAND, "England"
            else:
                continue
            for block in blocks:
                if block.indicator == "ethnic_minority_share" and group != "all":
                    continue
                where = f"{file} sheet {sheet!r}"
                pct = _block_pct(block, values, where, r)
                base = _number(values[block.base], where, _cell(r, block.base))  # type: ignore[arg-type]
                rows_out.append(
                    {
                        "ods_code": code,
                        "org_name": name,
                        "year": year,
                        "indicator": block.indicator,
                        "group": group,
                        "pct": pct,
                        "base": np.nan if np.isnan(pct) else base,
                        "source": f"national workbook {file}",
                    }
                )
    if not found_header:
        raise InputError(
            f"no sheet has the national header on row {HEADER_ROW} ('Base', 'Breakdown', "
            "'Breakdown subgroup', ...)",
            path,
        )
    return Tidy(_frame(rows_out, PANEL_COLUMNS))


# The compiled panel's measure names (ebmgt/NHS-Gender) and the indicators they hold.
PANEL_MEASURES = {
    "Emotional_public": "q14a",
    "Emotional_manager": "q14b",
    "Emotional_colleagues": "q14c",
    "Discrimination_public": "q16a",
    "Discrimination_internal": "q16b",
    "Ethnic_minority": "ethnic_minority_share",
}
PANEL_ID_COLUMNS = ["ODS code", "Year", "Organisation name"]


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"not a readable CSV file: {exc}", path) from exc


def sniff_csv(path: Path) -> str | None:
    """``"panel"``, ``"white_bme"`` or None, from the CSV's header."""
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except Exception:
        return None
    columns = {str(c).strip() for c in header}
    if set(PANEL_ID_COLUMNS) <= columns and any(f"{m}_rate" in columns for m in PANEL_MEASURES):
        return "panel"
    if {"Indicator", "Trust", "White Rate", "BME Rate"} <= columns:
        return "white_bme"
    return None


def _checked_numbers(frame: pd.DataFrame, column: str, file: str) -> np.ndarray:
    """A numeric column; a bad cell is an InputError naming its row (header = row 1)."""
    values = np.empty(len(frame))
    for i, v in enumerate(frame[column].tolist()):
        try:
            values[i] = _number(v, file, column)
        except InputError:
            raise InputError(
                [Problem(file, i + 2, column, v, "expected a number, '-', 'NA' or blank")]
            ) from None
    return values


def read_compiled_panel(path: Path | str) -> Tidy:
    """A wide compiled organisation panel (all staff; one row per organisation-year)."""
    path = Path(path)
    file = path.name
    raw = _read_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in PANEL_ID_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError([Problem(file, 1, missing[0], None, "required column is missing")])
    years = _checked_numbers(raw, "Year", file)
    bad = np.flatnonzero(np.isnan(years) | (years < 2000) | (years > 2100))
    if len(bad):
        i = int(bad[0])
        raise InputError([Problem(file, i + 2, "Year", raw["Year"].iloc[i], "expected a year")])
    frames = []
    for measure, indicator in PANEL_MEASURES.items():
        if f"{measure}_rate" not in raw.columns:
            continue
        pct = _checked_numbers(raw, f"{measure}_rate", file)
        base_col = f"{measure}_base"
        base = (
            _checked_numbers(raw, base_col, file) if base_col in raw else np.full(len(raw), np.nan)
        )
        frames.append(
            pd.DataFrame(
                {
                    "ods_code": raw["ODS code"].str.strip(),
                    "org_name": raw["Organisation name"].str.strip(),
                    "year": years.astype(int),
                    "indicator": indicator,
                    "group": "all",
                    "pct": pct,
                    "base": np.where(np.isnan(pct), np.nan, base),
                    "source": f"compiled panel {file}",
                }
            )
        )
    orgs = pd.DataFrame(
        {
            "ods_code": raw["ODS code"].str.strip(),
            "year": years.astype(int),
            "org_name": raw["Organisation name"].str.strip(),
            "benchmark_group": raw.get(
                "Benchmarking group", pd.Series("", index=raw.index)
            ).str.strip(),
            "region": raw.get("Region", pd.Series("", index=raw.index)).str.strip(),
            "ics": raw.get("ICS/STP", raw.get("ICS", pd.Series("", index=raw.index))).str.strip(),
        }
    )
    panel = pd.concat(frames, ignore_index=True)[PANEL_COLUMNS]
    panel["base"] = panel["base"].astype(float)
    return Tidy(panel, orgs[ORGANISATION_COLUMNS])


WHITE_BME_INDICATORS = {
    "fair career progression": "q15",
    "discrimination from manager": "q16b",
    "harassment from patients": "q14a",
    "harassment from staff": "q14_staff",
}


def read_white_bme(path: Path | str, year: int | None = None) -> Tidy:
    """White / BME rates per trust (fractions 0-1; the year from the file name unless given)."""
    path = Path(path)
    file = path.name
    raw = _read_csv(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    for c in ("Indicator", "Trust", "White Rate", "BME Rate"):
        if c not in raw.columns:
            raise InputError([Problem(file, 1, c, None, "required column is missing")])
    if year is None:
        m = re.search(r"(20\d\d)", path.name)
        if not m:
            raise InputError(
                "cannot tell the year: put it in the file name (e.g. ..._2024.csv)", path
            )
        year = int(m.group(1))
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        label = str(rec["Indicator"]).lower()
        indicator = next((v for k, v in WHITE_BME_INDICATORS.items() if k in label), None)
        if indicator is None:
            raise InputError(
                [
                    Problem(
                        file,
                        i + 2,
                        "Indicator",
                        rec["Indicator"],
                        f"unknown indicator; known: {sorted(WHITE_BME_INDICATORS)}",
                    )
                ]
            )
        for column, group in (("White Rate", "White"), ("BME Rate", "Global Majority")):
            try:
                value = _number(rec[column], file, column)
            except InputError:
                raise InputError(
                    [Problem(file, i + 2, column, rec[column], "expected a number")]
                ) from None
            if not np.isnan(value) and not 0 <= value <= 1:
                raise InputError(
                    [
                        Problem(
                            file,
                            i + 2,
                            column,
                            rec[column],
                            "expected a rate between 0 and 1 (a fraction)",
                        )
                    ]
                )
            rows.append(
                {
                    "ods_code": str(rec["Trust"]).strip(),
                    "org_name": "",
                    "year": year,
                    "indicator": indicator,
                    "group": group,
                    "pct": 100 * value,
                    "base": np.nan,
                    "source": f"White/BME rates {file}",
                }
            )
    return Tidy(_frame(rows, PANEL_COLUMNS))
