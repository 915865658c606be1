"""User YAML (configs, mappings) is read within limits: a small alias bomb or a deeply nested file
is a clear error, never a hang or a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.errors import InputError
from evaluation.io.mapping import load_mapping
from evaluation.pipeline.config import load_config

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)


def test_an_alias_bomb_config_is_refused(tmp_path):
    path = tmp_path / "evaluation.yaml"
    path.write_text("wave: 2025\n" + BOMB)
    assert len(path.read_bytes()) < 700
    with pytest.raises(InputError, match="aliases"):
        load_config(path)
    result = CliRunner().invoke(app, ["run", "--config", str(path)])
    assert result.exit_code == 2 and "aliases" in result.output and "Traceback" not in result.output


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("columns: " + "[" * 500 + "]" * 500 + "\n")
    with pytest.raises(InputError, match="nested more than"):
        load_mapping(path)


def test_ordinary_yaml_with_a_few_aliases_still_loads(tmp_path):
    path = tmp_path / "evaluation.yaml"
    path.write_text(f"wave: &w 2025\nseed: *w\nsurvey: {tmp_path / 's.csv'}\n")
    (tmp_path / "s.csv").write_text("x\n")
    assert load_config(path).seed == 2025
