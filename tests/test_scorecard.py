"""The scorecard by principle names each row's indicator, and the attacking audit reads it, so a
hidden headline count the scorecard would show is caught (the scorecard, unmodelled, showed
"reported it: 17 of 41" beside a headline table whose release pass had hidden the 17 to
protect the satisfied count)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.analyses.headlines import HEADLINES, headline_indicators
from evaluation.analyses.scorecard import free_text_themes, scorecard
from evaluation.audit import _read_table
from evaluation.audit_columns import audit_frame
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import load_config
from evaluation.publishing import ReportContext
from evaluation.release_audit import model_release, protect_release
from evaluation.text.codebook import load_codebook

CONFIG = Path(__file__).parents[1] / "survey_data/synthetic/2025/evaluation.yaml"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    config = load_config(CONFIG)
    frame = audit_frame(load_wave(config).frame, config)
    codebook = load_codebook(config.codebook)
    out = tmp_path_factory.mktemp("card") / "region"
    rep = ReportContext(config=config, output_dir=out, section=6, survey=frame)
    rep.table(headline_indicators(frame), "headline_indicators", "t")
    card = scorecard(frame, codebook, free_text_themes(frame, codebook))
    rep.table(card, "scorecard_by_principle", "t")
    return out, frame, card, codebook


def test_every_row_names_its_indicator(published):
    _, frame, card, codebook = published
    ids = {h.id for h in HEADLINES}
    for _, row in card.iterrows():
        if row["source"] == "survey":
            assert row["indicator"] in ids or row["indicator"] in frame.columns
        else:
            assert row["indicator"] in set(codebook.leaf_ids)


def test_the_audit_models_every_scorecard_cell_as_the_headlines_copy(published):
    out, frame, card, _ = published
    model = model_release([out], frame)
    name = "region/tables/scorecard_by_principle.csv"
    assert name in model.modelled and name not in model.not_modelled
    cells = [c for c in model.cells if c.table == name]
    assert len(cells) == 2 * len(card)
    heads = {c.mask.tobytes() for c in model.cells if "headline_indicators" in c.table}
    copies = [c for c in cells if c.rule[-1][0] == "headline"]
    assert copies and all(c.mask.tobytes() in heads for c in copies)


def test_a_headline_hidden_but_shown_in_the_scorecard_is_caught_and_hidden(published, tmp_path):
    """Write the true value of a hidden headline count into the scorecard's copy: the audit
    finds the headline cell pinned down, naming the scorecard, and the pass hides the copy."""
    import shutil

    from evaluation.release_audit import attack_report, giveaway_tables
    from evaluation.safe_output import write_csv

    out, frame, _, _ = published
    work = tmp_path / "region"
    shutil.copytree(out / "tables", work / "tables")
    path = work / "tables" / "scorecard_by_principle.csv"
    card = _read_table(path)
    heads = _read_table(work / "tables" / "headline_indicators.csv")
    hidden = heads[heads["n_positive"] == "[c]"]["indicator"]
    target = next(i for i in hidden if (card["indicator"] == i).any())
    definition = next(h for h in HEADLINES if h.id == target)
    from evaluation.release_audit import predicate_mask

    true = int(predicate_mask(frame, ("headline", definition.id, "positive")).sum())
    card.loc[card["indicator"] == target, "n_positive"] = str(true)
    write_csv(card, path)
    before, model = attack_report([work], frame, binding=True)
    assert before["exposed"].any()
    given = giveaway_tables(before, model)
    assert any(
        "headline_indicators" in cell and any("scorecard" in t for t in tables)
        for cell, tables in given.items()
    )
    result = protect_release([work], frame)
    assert not result.after["exposed"].any()
    card = _read_table(path)
    assert (card.loc[card["indicator"] == target, "n_positive"] == "[c]").all()
    index = json.loads((work / "tables" / "index.json").read_text())
    assert "indicator" in index["scorecard_by_principle"]["disclosure"]["label_cols"]
