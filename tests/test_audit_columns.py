"""The columns the attacking audit adds to the survey (funnel steps, register level, themes)
reproduce the published tables made from the same answers, so those tables become equations;
without them the same tables are not modelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analyses.tables import build_table
from evaluation.audit_columns import FUNNEL_STEPS, audit_frame, with_audit_columns
from evaluation.disclosure import TableSpec
from evaluation.io.wave import load_wave
from evaluation.outcomes.analysis import awareness_by_register
from evaluation.outcomes.register import read_register
from evaluation.pipeline.config import load_config
from evaluation.release_audit import _model_table, candidate_predicates
from evaluation.text import framework, segments
from evaluation.text.codebook import load_codebook
from evaluation.text.rules import RuleCoder

CONFIG = Path(__file__).parents[1] / "survey_data/synthetic/2025/evaluation.yaml"


@pytest.fixture(scope="module")
def wave():
    config = load_config(CONFIG)
    frame = load_wave(config).frame
    return config, frame, audit_frame(frame, config)


def _model(name: str, frame: pd.DataFrame, table: pd.DataFrame):
    spec = TableSpec.from_dict(table.attrs["disclosure"])
    return _model_table(name, table, spec, frame, candidate_predicates(frame))


def test_funnel_steps_reproduce_the_funnel_and_model_it(wave):
    _, frame, audited = wave
    assert set(FUNNEL_STEPS) <= set(audited.columns)
    assert len(audited) == len(frame) and audited.index.equals(frame.index)
    table = build_table("reporting_funnel_by_ethnicity", frame)
    cells, why = _model("funnel", audited, table)
    assert why is None, why
    n_values = sum(1 for c in table.columns if c in ("n", "count")) * len(table)
    assert len(cells) == n_values  # every count cell, hidden ones too
    for cell in cells:
        if cell.value is not None:
            assert int(cell.mask.sum()) == cell.value
    _, without = _model("funnel", frame, table)
    assert without is not None  # the survey's own columns do not reproduce it


def test_register_level_reproduces_awareness_by_register(wave):
    config, frame, audited = wave
    table = awareness_by_register(frame, read_register(config.arf_status), min_cell=1)
    answered = audited["arf_aware"].notna()
    for _, row in table.iterrows():
        inside = answered & (audited["register_level"].astype(str) == row["register_level"])
        assert int(inside.sum()) == int(row["n"])
        assert int((inside & (audited["arf_aware"] == "Yes")).sum()) == int(row["count"])


def test_theme_columns_count_who_raised_each_theme(wave):
    config, frame, audited = wave
    codebook = load_codebook(config.codebook)
    answers = segments.answer_units(frame)
    coded = segments.segments_to_units(RuleCoder(codebook).code(answers), answers)
    table = framework.theme_prevalence(coded, answers, codebook.leaf_ids, min_cell=1)
    for _, row in table.iterrows():
        column = audited[row["code_id"]]
        assert int(column.notna().sum()) == int(row["n"])  # wrote free text
        assert int(column.fillna(False).sum()) == int(row["count"])


def test_nothing_is_added_without_the_inputs():
    frame = pd.DataFrame({"respondent_id": ["a", "b"], "comment_change": ["x", None]})
    assert list(with_audit_columns(frame).columns) == list(frame.columns)


def test_a_release_with_packs_is_attacked_without_the_computed_columns(wave):
    from evaluation.audit_columns import release_frame

    config, frame, audited = wave
    region_only = release_frame(frame, config, [("region", None, "region")])
    assert list(region_only.columns) == list(audited.columns)
    pack = np.ones(len(frame), bool)
    with_pack = release_frame(frame, config, [("region", None, "region"), ("icb/x", pack, "x")])
    assert list(with_pack.columns) == list(frame.columns)
