"""Every CLI mistake is one clear line with exit code 2, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.paths import SURVEY_DATA

CONFIG = str(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--config", CONFIG, "--scope", "county"], "unknown scope 'county'"),
        (["run", "--config", CONFIG, "--scope", "../../.."], "unknown scope"),
        (["run", "--config", CONFIG, "--only", "RW4"], "needs --scope icb or --scope org"),
        (["run", "--config", CONFIG, "--scope", "org", "--only", "ZZZ"], "no org 'ZZZ'"),
        (["run", "--config", CONFIG, "--scope", "org", "--only", "Y62"], "fewer than 30"),
        (["synth", "--wave", "2030", "--out", "x"], "no synthetic parameters for wave 2030"),
        (["compare", "--waves", "2025", "2031"], "no wave 2031"),
        (["run", "--config", "missing.yaml"], "config file not found"),
    ],
)
def test_mistakes_are_one_line_errors(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["eleven", "[1, 2]", "true", "2.5"])
def test_a_non_numeric_setting_names_the_key(tmp_path, value):
    wave = SURVEY_DATA / "synthetic" / "2025"
    config = tmp_path / "evaluation.yaml"
    config.write_text(f"wave: 2025\nsurvey: {wave / 'survey.csv'}\nmin_cell: {value}\n")
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "min_cell" in result.output and "expected a whole number" in result.output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("arf-eval ")
