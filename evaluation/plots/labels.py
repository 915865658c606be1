"""Labels for people: how a published table is shown in the report (the CSV keeps variable names).

A column header becomes words ("pct_confident" -> "% confident", "ci_low" -> "95% CI from",
"role_level" -> "Role level"); a column holding survey variable names (``item``, ``variable``)
shows each item's question wording from the instrument; identifier columns that repeat a label
shown beside them (``indicator`` beside ``label``, ``barrier`` beside ``option``) are left out;
numbers are rounded for reading (percentages to one decimal, p-values to three, never printed as
0: below 0.001 is "<0.001"). Everything shown is escaped as HTML.
"""

from __future__ import annotations

import html
import math
import numbers
import re

import numpy as np
import pandas as pd

from evaluation.disclosure import MARKER

COLUMN_LABELS = {
    "n": "n",
    "count": "Count",
    "pct": "%",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "response": "Answer",
    "item": "Question",
    "variable": "Question",
    "p_value": "p",
    "p_adjusted": "p (adjusted)",
    "p_holm": "p (Holm)",
    "odds_ratio": "Odds ratio",
    "log_odds": "Log odds",
    "std_error": "Standard error",
    "df": "df",
    "n_eff": "Effective n",
    "option": "Option",
    "label": "Indicator",
    "population": "Population",
    "ethnicity_group": "Ethnicity group",
    "ethnicity_5": "Ethnic group",
    "role_level": "Role level",
    "band_group": "Pay band group",
    "org_type": "Organisation type",
    "org_name": "Organisation",
    "org_code": "Organisation code",
    "icb": "ICB",
    "staff_group": "Staff group",
    "code_id": "Theme",
    "change_pp": "Change (points)",
    "significant": "Significant",
    "better": "Better when",
    "n_gm": "n Global Majority",
    "pct_gm": "% Global Majority",
    "ci_low_gm": "95% CI from",
    "ci_high_gm": "95% CI to",
    "n_white": "n White",
    "pct_white": "% White",
    "ci_low_white": "95% CI from",
    "ci_high_white": "95% CI to",
    "gap_pp": "Gap (points)",
    "gap_low": "95% CI from",
    "gap_high": "95% CI to",
    "since_previous": "Since previous wave",
    "n_positive": "n positive",
}
REDUNDANT = {
    "indicator": "label",
    "barrier": "option",
    "variable": "question",
    "finding": "variable",
}
P_COLUMNS = re.compile(r"^p(_|$)")
PCT_COLUMNS = re.compile(r"^(pct|ci_|change|percent|share)")


def column_label(name: str) -> str:
    """A column header in words."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    for prefix, words in (("pct_", "% "), ("n_", "n "), ("ci_", "95% CI "), ("p_", "p ")):
        if name.startswith(prefix):
            return words + name.removeprefix(prefix).replace("_", " ")
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _wording() -> dict[str, str]:
    from evaluation.instrument import load_instrument

    instrument = load_instrument()
    return {name: instrument.question(name) for name in instrument.names}


def _theme_names() -> dict[str, str]:
    """Theme ids -> names from the project's codebook (ids stay in the CSVs)."""
    from evaluation.paths import SURVEY_DATA
    from evaluation.text.codebook import load_codebook

    try:
        return {c.code_id: c.name for c in load_codebook(SURVEY_DATA / "codebook.yaml")}
    except Exception:  # a report without the bundled codebook still shows its tables
        return {}


def format_p(value: float) -> str:
    """A p-value for reading: "<0.001" below 0.001, else three decimals."""
    if value < 0.001:
        return "<0.001"
    return f"{value:.3f}"


def _format(value: object, column: str) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return ""
        if P_COLUMNS.match(column):
            return format_p(value)
        if PCT_COLUMNS.match(column):
            return f"{value:.1f}"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value)}"
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    text = str(value)
    if P_COLUMNS.match(column):
        number = pd.to_numeric(text, errors="coerce")
        if not pd.isna(number):
            return format_p(float(number))
    return text


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as people read it: labelled columns, question wording, rounded numbers."""
    out = frame.copy()
    for column, replacement in REDUNDANT.items():
        if column in out.columns and replacement in out.columns:
            out = out.drop(columns=column)
    wording = _wording()
    if "code_id" in out.columns and "name" not in out.columns:
        themes = _theme_names()
        out["code_id"] = [themes.get(str(v), v) for v in out["code_id"]]
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            present = values.dropna().astype(str)
            if len(present) and present.isin(list(wording)).all():
                out[column] = present.map(wording).reindex(values.index)
        out[column] = [_format(v, str(column)) for v in out[column].tolist()]
    out = _join_intervals(out)
    out.columns = [column_label(str(c)) for c in out.columns]
    return out


def _partner(column: str) -> str | None:
    if column.startswith("ci_low"):
        return "ci_high" + column.removeprefix("ci_low")
    if column.endswith("_low"):
        return column.removesuffix("_low") + "_high"
    if column.endswith("_low_adj"):  # a multiplicity-adjusted interval (year on year)
        return column.removesuffix("_low_adj") + "_high_adj"
    return None


def _join_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Interval limits side by side become one "95% CI" column ("33.2 to 44.9"): half the
    columns, so wide tables fit a printed page."""
    out = frame
    for column in list(frame.columns):
        partner = _partner(str(column))
        if partner is None or partner not in out.columns:
            continue
        joined = [
            MARKER if MARKER in (lo, hi) else "" if not lo and not hi else f"{lo} to {hi}"
            for lo, hi in zip(out[column], out[partner], strict=True)
        ]
        position = list(out.columns).index(column)
        label = "95% CI" + str(column).removeprefix("ci_low").replace("_", " ")
        if str(column).endswith("_low_adj"):
            label = column_label(str(column).removesuffix("_low_adj")) + " adjusted CI"
        elif not str(column).startswith("ci_low"):
            label = column_label(str(column).removesuffix("_low")) + " 95% CI"
        out = out.drop(columns=[column, partner])
        out.insert(position, label, joined)
    return out


def constant_columns(shown: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Empty columns dropped; text columns with one value in every row (3 rows or more) moved
    to the table's note ("Correction: holm"), so the table keeps only what varies."""
    notes = []
    keep = []
    for column in shown.columns:
        values = shown[column]
        if (values == "").all():
            continue
        constant = len(values) >= 3 and values.nunique() == 1 and column != shown.columns[0]
        if constant and values.iloc[0] != MARKER and not _is_number(values.iloc[0]):
            notes.append(f"{column}: {values.iloc[0]} (every row).")
            continue
        keep.append(column)
    return shown[keep], notes


def html_table(frame: pd.DataFrame, caption: str = "", note: str = "") -> str:
    """A table as HTML with its caption inside (so print keeps them together); all escaped."""
    shown, constants = constant_columns(shown_frame(frame))
    note = " ".join([note, *constants]).strip()
    numeric = [all(_is_number(v) for v in shown[c] if v not in ("", MARKER)) for c in shown.columns]
    head = "".join(
        f'<th scope="col"{" class=num" if num else ""}>{html.escape(str(c))}</th>'
        for c, num in zip(shown.columns, numeric, strict=True)
    )
    rows = []
    for record in shown.itertuples(index=False):
        cells = []
        for value, num in zip(record, numeric, strict=True):
            classes = (["num"] if num else []) + (["suppressed"] if value == MARKER else [])
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_breakable(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    parts = ['<table class="arf-table">']
    if caption:
        parts.append(f"<caption>{caption}</caption>")
    parts.append(f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    if note:
        parts.append(f'<p class="table-note">{html.escape(note)}</p>')
    return '<div class="table-block">' + "".join(parts) + "</div>"


def _breakable(text: str) -> str:
    """Escaped text with break opportunities after ``_`` and ``/`` (identifiers and paths would
    otherwise set a column's narrowest width and push a table past the printed page)."""
    return html.escape(text).replace("_", "_<wbr>").replace("/", "/<wbr>")


def _is_number(text: str) -> bool:
    cleaned = str(text).replace(",", "").lstrip("<")
    try:
        float(cleaned)
    except ValueError:
        return False
    return True
