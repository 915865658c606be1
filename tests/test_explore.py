"""The explore helpers show only what a report would publish."""

from __future__ import annotations

from evaluation import explore
from evaluation.disclosure import audit_table


def test_waves_and_items_are_discovered():
    waves = explore.wave_folders()
    assert {2025, 2026} <= set(waves)
    assert "arf_aware" in explore.item_choices().values()
    assert "barrier_competing_priorities" in explore.item_choices().values()


def test_breakdown_of_one_organisation_is_suppressed_like_a_report():
    frame = explore.wave_survey(str(explore.wave_folders()[2025]))
    largest = frame["org_code"].value_counts().index[0]
    scoped = explore.select_scope(frame, org_code=largest)
    assert len(scoped) < len(frame)
    for item in ("arf_aware", "confident_to_report", "barrier_low_awareness"):
        table = explore.item_breakdown(scoped, item, "role_level")
        assert audit_table(table) == []
        assert (table["n"] == "[c]").any()  # small groups in one trust are hidden, not shown


def test_explore_notebook_runs(tmp_path):
    import papermill as pm

    from evaluation.paths import NOTEBOOKS
    from evaluation.pipeline.run import KERNEL_NAME, ensure_kernel

    ensure_kernel()
    pm.execute_notebook(
        str(NOTEBOOKS / "explore.ipynb"),
        str(tmp_path / "explore.ipynb"),
        kernel_name=KERNEL_NAME,
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    assert "[c]" in (tmp_path / "explore.ipynb").read_text(encoding="utf-8")
