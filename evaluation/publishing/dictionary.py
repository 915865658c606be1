"""The table dictionary: what every column of every published table means.

Written as ``table_dictionary.csv`` at the top of a report folder (beside ``tables/``, so that the
disclosure audit of ``tables/*.csv`` only sees tables of results). Column descriptions come from
the analyses that make the tables (:func:`evaluation.analyses.survey_common.table_dictionary`),
else from the conventions every table shares.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from evaluation.disclosure import MARKER
from evaluation.safe_output import write_csv

SHARED_COLUMNS = {
    "n": "respondents in the group who answered (the denominator)",
    "count": "respondents giving the answer",
    "pct": "percentage of the group (0-100)",
    "ci_low": "lower limit of the 95% Wilson interval (0-100)",
    "ci_high": "upper limit of the 95% Wilson interval (0-100)",
    "response": "the answer option",
    "method": "how the interval or test was computed",
    "p_value": "p-value of the test",
    "p_adjusted": "p-value adjusted for multiple comparisons (method named in the table)",
}
SUPPRESSION_NOTE = f"{MARKER} marks a value suppressed because it rests on too few respondents"


def table_dictionary_frame(report_dir: Path) -> pd.DataFrame:
    """One row per column of each published table: table, number, title, column, description."""
    from evaluation.analyses.survey_common import table_dictionary

    known = {
        (row.table, row.column): row.description
        for row in table_dictionary().itertuples(index=False)
    }
    index_path = Path(report_dir) / "tables" / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    rows = []
    for name, entry in sorted(index.items(), key=lambda kv: _number_key(kv[1]["number"])):
        for column in entry["columns"]:
            description = known.get((name, column)) or SHARED_COLUMNS.get(column, "")
            rows.append(
                {
                    "table": name,
                    "number": entry["number"],
                    "title": entry["title"],
                    "column": column,
                    "description": description,
                }
            )
    frame = pd.DataFrame(rows, columns=["table", "number", "title", "column", "description"])
    frame.attrs["note"] = SUPPRESSION_NOTE
    return frame


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(number).split("."))


def write_table_dictionary(report_dir: Path) -> Path:
    """Write ``table_dictionary.csv`` for a report folder."""
    path = Path(report_dir) / "table_dictionary.csv"
    write_csv(table_dictionary_frame(report_dir), path)
    return path
