"""The bundled report's table dictionary describes every column of every table it publishes.

Checked over the report as built (``tables/*.csv`` of a run of the bundled wave), not over a
registry: a table published by any notebook, by any module, must be declared
(:mod:`evaluation.analyses.tables`) with a description of each of its columns. The same run
checks the one rounding rule (:mod:`evaluation.rounding`) on every published number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.rounding import decimals

CONFIG = SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from evaluation.pipeline.run import run_report

    out = tmp_path_factory.mktemp("bundled") / "region"
    return run_report(load_config(CONFIG), "region", output_dir=out, progress=False).output_dir


def test_every_column_of_every_table_is_described(report: Path) -> None:
    dictionary = pd.read_csv(report / "table_dictionary.csv", keep_default_na=False)
    tables = sorted(p.stem for p in (report / "tables").glob("*.csv"))
    assert len(tables) > 40  # the whole report, not a handful
    for name in tables:
        columns = list(pd.read_csv(report / "tables" / f"{name}.csv", nrows=0).columns)
        entry = dictionary[dictionary["table"] == name]
        assert entry["column"].tolist() == columns, name
        missing = entry.loc[entry["description"].str.strip() == "", "column"].tolist()
        assert not missing, f"{name}: no description for {missing}"
        assert (entry["population"].str.strip() != "").all(), f"{name}: no population"
    rule = dictionary.iloc[0]
    assert "Prefer not to say" in rule["population"] and "Not sure" in rule["population"]


def _places(value: str) -> int:
    text = str(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0


def test_every_published_number_follows_the_rounding_rule(report: Path) -> None:
    for path in sorted((report / "tables").glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        columns = list(table.columns)
        for column in columns:
            numbers = pd.to_numeric(table[column], errors="coerce").notna()
            if not numbers.any() or table[column][numbers].str.fullmatch(r"-?\d+").all():
                continue
            most = max(_places(v) for v in table[column][numbers])
            assert most <= decimals(column, columns), (path.stem, column, most)
