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


def test_a_wave_named_table_and_column_find_their_declaration() -> None:
    from evaluation.analyses.tables import declared, describe

    change = declared("year_on_year_change")
    assert change is not None and declared("headlines_2026") is declared("headlines_{wave}")
    assert declared("headlines_draft") is None  # a placeholder stands for a number only
    assert "that wave" in describe(change, "pct_2026")
    assert describe(change, "pct_draft") == ""


def test_the_rounding_rule_by_column_kind() -> None:
    from evaluation.rounding import round_published

    table = pd.DataFrame(
        {
            "n": [120, 45],
            "pct_aware": [33.3333, "[c]"],
            "ci_low": [25.55, "[c]"],
            "p_value": [0.0123456, 0.5],
            "log_odds": [0.123456, -1.0],
        }
    )
    out = round_published(table)
    assert out["n"].tolist() == [120, 45]  # counts untouched
    assert out["pct_aware"].tolist() == [33.3, "[c]"]  # the marker stays
    assert out["ci_low"].tolist() == [25.6, "[c]"]  # a percentage table's interval
    assert out["p_value"].tolist() == [0.0123, 0.5]
    assert out["log_odds"].tolist() == [0.123, -1.0]
    model = round_published(pd.DataFrame({"term": ["a"], "ci_low": [0.123456]}))
    assert model["ci_low"].tolist() == [0.123]  # no percentage: a coefficient's interval
