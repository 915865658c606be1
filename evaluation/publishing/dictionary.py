"""The table dictionary: what every column of every published table means, and whom it counts.

Written as ``table_dictionary.csv`` at the top of a report folder (beside ``tables/``, so that the
disclosure audit of ``tables/*.csv`` only sees tables of results), from the report's own
``tables/index.json`` (so it covers every table the report holds, whichever notebook published
it) and the declarations of :mod:`evaluation.analyses.tables` (population and a description of
every column). A column no declaration describes is written with an empty description, which
the report's tests refuse. Its first row states the rule every table follows (populations,
"Prefer not to say", rounding, the suppression marker).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from evaluation.analyses.tables import POPULATION_RULE, declared, describe
from evaluation.safe_output import write_csv

COLUMNS = ["table", "number", "title", "population", "column", "description"]


def table_dictionary_frame(report_dir: Path) -> pd.DataFrame:
    """One row per column of each published table, after a first row with the shared rule."""
    index_path = Path(report_dir) / "tables" / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    rows = [{"table": "(all tables)", "number": "", "title": "", "population": POPULATION_RULE,
             "column": "", "description": ""}]  # fmt: skip
    for name, entry in sorted(index.items(), key=lambda kv: _number_key(kv[1]["number"])):
        spec = declared(name)
        for column in entry["columns"]:
            rows.append(
                {
                    "table": name,
                    "number": entry["number"],
                    "title": entry["title"],
                    "population": spec.population if spec else "",
                    "column": column,
                    "description": describe(spec, column) if spec else "",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(number).split("."))


def write_table_dictionary(report_dir: Path) -> Path:
    """Write ``table_dictionary.csv`` for a report folder."""
    path = Path(report_dir) / "table_dictionary.csv"
    write_csv(table_dictionary_frame(report_dir), path)
    return path
