"""The explore helpers show only what a report would publish."""

from __future__ import annotations

from evaluation import explore
from evaluation.disclosure import audit_table


def test_waves_and_items_are_discovered():
    waves = explore.wave_configs()
    assert {"2025 (synthetic)", "2026 (synthetic)"} <= set(waves)
    assert "arf_aware" in explore.item_choices().values()
    assert "barrier_competing_priorities" in explore.item_choices().values()


def test_breakdown_of_one_organisation_is_suppressed_like_a_report():
    frame = explore.wave_survey(str(explore.wave_configs()["2025 (synthetic)"]))
    largest = frame["org_code"].value_counts().index[0]
    scoped = explore.select_scope(frame, org_code=largest)
    assert len(scoped) < len(frame)
    for item in ("arf_aware", "confident_to_report", "barrier_low_awareness"):
        table = explore.item_breakdown(scoped, item, "role_level")
        assert audit_table(table) == []
        assert (table["n"] == "[c]").any()  # small groups in one trust are hidden, not shown


def test_explore_notebook_runs(tmp_path):
    from evaluation.paths import NOTEBOOKS
    from evaluation.pipeline.run import ensure_kernel, execute_notebook

    ensure_kernel()
    execute_notebook(NOTEBOOKS / "explore.ipynb", tmp_path / "explore.ipynb", {})
    import json

    import nbformat

    executed = nbformat.read(str(tmp_path / "explore.ipynb"), as_version=4)
    # The interactive output lives in the saved widget state (not in the notebook's own text,
    # which mentions [c] too): the table the widgets show has suppressed cells.
    state = json.dumps(executed.metadata.get("widgets", {}))
    assert "[c]" in state


def test_a_wave_kept_outside_the_repository_can_be_explored(tmp_path, monkeypatch):
    import shutil

    from evaluation.paths import SURVEY_DATA

    wave = tmp_path / "secure" / "2027"
    wave.mkdir(parents=True)
    shutil.copy(SURVEY_DATA / "synthetic" / "2026" / "survey.csv", wave / "survey.csv")
    (wave / "evaluation.yaml").write_text(
        f"wave: 2027\nsurvey: survey.csv\ncodebook: {SURVEY_DATA / 'codebook.yaml'}\nmin_cell: 15\n"
    )
    monkeypatch.setenv(explore.CONFIGS_ENV, str(wave / "evaluation.yaml"))
    waves = explore.wave_configs()
    assert waves["2027 (2027)"] == wave / "evaluation.yaml"
    assert explore.wave_min_cell(str(waves["2027 (2027)"])) == 15
    assert len(explore.wave_survey(str(waves["2027 (2027)"]))) == 274
