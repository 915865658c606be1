"""The command line: readable messages and exit codes, never a traceback for bad input."""

from __future__ import annotations

import pandas as pd
from conftest import make_survey_cells
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.paths import SURVEY_DATA

runner = CliRunner()


def test_validate_passes_on_the_committed_waves():
    for wave in ("2025", "2026"):
        result = runner.invoke(app, ["validate", str(SURVEY_DATA / "synthetic" / wave)])
        assert result.exit_code == 0, result.output
        assert "Result: usable." in result.output and "focus_group_01.txt" in result.output


def test_validate_fails_clearly_on_each_kind_of_bad_file(tmp_path, instrument):
    cases = {
        "misspelt_column": lambda c: c.rename(columns={"arf_aware": "arf_awre"}),
        "out_of_range": lambda c: c.assign(confident_to_report="Quite agree"),
        "duplicate_id": lambda c: c.assign(respondent_id=["T-0001"] * len(c)),
        "unknown_ethnicity": lambda c: c.assign(ethnic_group="Martian"),
    }
    for name, spoil in cases.items():
        path = tmp_path / f"{name}.csv"
        spoil(make_survey_cells(instrument)).to_csv(path, index=False)
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 1, name
        assert "Traceback" not in result.output
        assert f"{name}.csv" in result.output and "NOT usable" in result.output


def test_missing_config_is_an_error_message_not_a_traceback(tmp_path):
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "config file not found" in result.output and "Traceback" not in result.output


def test_audit_exit_codes(tmp_path):
    assert runner.invoke(app, ["audit", str(tmp_path / "missing")]).exit_code == 2
    tables = tmp_path / "report" / "tables"
    tables.mkdir(parents=True)
    pd.DataFrame({"group": ["a", "b"], "n": [50, 4]}).to_csv(tables / "t.csv", index=False)
    result = runner.invoke(app, ["audit", str(tmp_path / "report")])
    assert result.exit_code == 1 and "fewer than 11" in result.output
    pd.DataFrame({"group": ["a", "b"], "n": [50, 40]}).to_csv(tables / "t.csv", index=False)
    assert runner.invoke(app, ["audit", str(tmp_path / "report")]).exit_code == 0


def test_compare_needs_exactly_two_waves():
    result = runner.invoke(app, ["compare", "--waves", "2025"])
    assert result.exit_code == 2 and "exactly two waves" in result.output


def test_compare_by_config_needs_a_previous_wave():
    config = SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"
    result = runner.invoke(app, ["compare", "--config", str(config)])
    assert result.exit_code == 2 and "no previous_wave" in result.output
