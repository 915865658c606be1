"""Packs are released as one set with the region: built into staging, protected, gated, and
published only when the attacking audit over region + packs + comparison passes.

The orchestration (:func:`evaluation.pipeline.packs.release_packs`) is driven here with a
stand-in builder and stand-in protection, so each decision it makes is observable; the real
protection of the bundled wave's packs is tested in ``tests/test_packs_build.py``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from evaluation.paths import SURVEY_DATA
from evaluation.pipeline import packs as packs_module
from evaluation.pipeline import release
from evaluation.pipeline.config import destination, load_config
from evaluation.pipeline.packs import PackSummary, release_packs, staging_dir

FRAME = pd.DataFrame({"icb": ["A"] * 40 + ["B"] * 40})


@pytest.fixture
def config(tmp_path):
    bundled = load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")
    return replace(bundled, output=tmp_path / "reports")


def _builder(config, calls: list):
    """Writes a pack folder into staging as run_report would, recording what it was asked."""

    def build(todo):
        calls.append(dict(todo))
        built = {}
        for unit, decisions in todo.items():
            folder = staging_dir(config, "icb") / destination(config, "icb", unit).name
            (folder / "tables").mkdir(parents=True, exist_ok=True)
            (folder / "report.html").write_text(f"{unit} {sorted(decisions or {})}")
            built[unit] = folder
        return built, {}

    return build


def test_decisions_accumulate_and_the_set_is_published_only_after_the_gate(config, monkeypatch):
    rounds = iter([{"A": {"t": [[2, "n"]]}}, {"A": {"t": [[3, "n"]]}}, {}])
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: (next(rounds), None))
    seen = {}

    def gate(config, frame=None, staged=None, scope=None):
        seen["staged"] = dict(staged)
        assert not destination(config, "icb", "A").exists()  # nothing published before the gate
        return {"summary": "ok", "exposed": 0}

    monkeypatch.setattr(release, "audit_wave", gate)
    calls: list = []
    summary = PackSummary(scope="icb")
    release_packs(config, "icb", FRAME, ["A", "B"], summary, _builder(config, calls))
    # first every pack, then only the changed one, with every decision so far
    assert calls == [{"A": None, "B": None}, {"A": {"t": [[2, "n"]]}},
                     {"A": {"t": [[2, "n"], [3, "n"]]}}]  # fmt: skip
    assert summary.failed == {}
    assert summary.release_audit["pack_passes"] == 2
    assert summary.release_audit["pack_cells_additionally_hidden"] == 2
    assert set(seen["staged"]) == {"A", "B"}
    for unit in ("A", "B"):
        assert summary.built[unit] == destination(config, "icb", unit)
        assert (summary.built[unit] / "report.html").exists()
    assert not staging_dir(config, "icb").exists()


def test_a_failing_gate_publishes_nothing_and_keeps_the_previous_packs(config, monkeypatch):
    previous = destination(config, "icb", "A")
    previous.mkdir(parents=True)
    (previous / "report.html").write_text("last year's pack")
    stale = staging_dir(config, "icb") / "left-by-a-killed-run"
    stale.mkdir(parents=True)
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: ({}, None))

    def gate(*args, **kwargs):
        raise release.ReleaseAuditError("the attacking audit failed: 3 cells (tables t, u)")

    monkeypatch.setattr(release, "audit_wave", gate)
    summary = PackSummary(scope="icb")
    release_packs(config, "icb", FRAME, ["A", "B"], summary, _builder(config, []))
    assert summary.built == {}
    assert summary.withheld == ["A", "B"]
    assert "2 built but withheld" in summary.text()
    message = summary.failed["release audit (region + packs + comparison)"]
    assert "tables t, u" in message and "were not published" in message
    assert (previous / "report.html").read_text() == "last year's pack"
    assert not destination(config, "icb", "B").exists()
    assert not staging_dir(config, "icb").exists()  # the killed run's staging went too
    assert summary.ok is False


def test_run_packs_builds_into_staging(config, monkeypatch):
    """The local pool's builder writes each pack into staging, never straight to reports/."""
    asked = []

    def fake_run_report(config, scope, unit, **kwargs):
        asked.append(kwargs["output_dir"])
        raise RuntimeError("stop here")

    monkeypatch.setattr("evaluation.pipeline.run.run_report", fake_run_report)
    with pytest.raises(RuntimeError):
        packs_module._build_one(config, "icb", "NHS Greater Manchester ICB", None)
    assert asked == [staging_dir(config, "icb") / "NHS-Greater-Manchester-ICB"]
    assert Path(asked[0]).parent.name.startswith(".")
