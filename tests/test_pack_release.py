"""Packs are released as one set with the region: built into staging, protected, gated, and
published only when the attacking audit over region + packs + comparison passes.

The orchestration (:func:`evaluation.pipeline.packs.release_packs`) is driven here with a
stand-in builder and stand-in protection, so each decision it makes is observable; the real
protection of the bundled wave's packs is tested in ``tests/test_wave_release.py``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from evaluation.paths import SURVEY_DATA
from evaluation.pipeline import packs as packs_module
from evaluation.pipeline import release
from evaluation.pipeline import run as run_module
from evaluation.pipeline.config import destination, load_config
from evaluation.pipeline.manifest import input_hashes
from evaluation.pipeline.packs import PackSummary, release_packs, staging_dir
from evaluation.pipeline.release import RELEASE_DECISIONS, read_decisions, wave_release

FRAME = pd.DataFrame({"icb": ["A"] * 40 + ["B"] * 40})
NOTHING_STUCK = SimpleNamespace(unprotectable=[])  # what protect_wave's Protection is read for


@pytest.fixture
def config(tmp_path):
    bundled = load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")
    return replace(bundled, output=tmp_path / "reports")


def _builder(config, calls: list):
    """Writes a pack folder into staging as run_report would, recording what it was asked."""

    def build(scope, todo):
        calls.append((scope, dict(todo)))
        built = {}
        for unit, decisions in todo.items():
            folder = staging_dir(config, scope) / destination(config, scope, unit).name
            (folder / "tables").mkdir(parents=True, exist_ok=True)
            (folder / "report.html").write_text(f"{unit} {sorted(decisions or {})}")
            built[unit] = folder
        return built, {}

    return build


def test_decisions_accumulate_and_the_set_is_published_only_after_the_gate(config, monkeypatch):
    rounds = iter([{("icb", "A"): {"t": [[2, "n"]]}}, {("icb", "A"): {"t": [[3, "n"]]}}, {}])
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: (next(rounds), NOTHING_STUCK))
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
    assert calls == [("icb", {"A": None, "B": None}), ("icb", {"A": {"t": [[2, "n"]]}}),
                     ("icb", {"A": {"t": [[2, "n"], [3, "n"]]}})]  # fmt: skip
    assert summary.failed == {}
    assert summary.release_audit["pack_passes"] == 2
    assert summary.release_audit["pack_cells_additionally_hidden"] == 2
    assert set(seen["staged"]) == {("icb", "A"), ("icb", "B")}
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
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: ({}, NOTHING_STUCK))

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


def _published(config, scope: str, unit: str, decisions: dict, inputs: dict) -> None:
    """A published pack as run_report leaves one: its manifest's inputs and its decisions."""
    folder = destination(config, scope, unit)
    (folder / "tables").mkdir(parents=True)
    (folder / "report.html").write_text("published")
    (folder / "manifest.json").write_text(json.dumps({"inputs": inputs}))
    if decisions:
        (folder / RELEASE_DECISIONS).write_text(json.dumps(decisions))


def _passing_gate(seen: dict):
    def gate(config, frame=None, staged=None, scope=None):
        seen["staged"] = dict(staged)
        return {"summary": "ok", "exposed": 0}

    return gate


def test_a_pack_run_starts_from_the_kept_decisions_of_packs_built_from_the_same_inputs(
    config, monkeypatch
):
    inputs = input_hashes(config)
    _published(config, "org", "X", {"t": [[2, "n"]]}, inputs)
    _published(config, "org", "Y", {"t": [[4, "n"]]}, inputs | {"survey.csv": "0" * 64})
    assert read_decisions(destination(config, "org", "X"), inputs) == {"t": [[2, "n"]]}
    assert read_decisions(destination(config, "org", "Y"), inputs) == {}  # other inputs
    assert read_decisions(destination(config, "org", "Z"), inputs) == {}  # no pack yet
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: ({}, NOTHING_STUCK))
    monkeypatch.setattr(release, "audit_wave", _passing_gate({}))
    calls: list = []
    summary = PackSummary(scope="org")
    release_packs(config, "org", FRAME, ["X", "Y", "Z"], summary, _builder(config, calls))
    # a rerun builds each pack as it was released, so it gives the same pack
    assert calls == [("org", {"X": {"t": [[2, "n"]]}, "Y": None, "Z": None})]
    assert summary.rebuilt == {} and "rebuilt" not in summary.text()


def test_an_org_run_rebuilds_a_published_icb_pack_from_all_its_decisions(config, monkeypatch):
    inputs = input_hashes(config)
    _published(config, "icb", "A", {"t": [[2, "n"]]}, inputs)
    _published(config, "icb", "B", {}, inputs)
    rounds = iter([{("icb", "A"): {"t": [[5, "n"]], "u": [[2, "pct"]]},
                    ("org", "X"): {"t": [[3, "n"]]}}, {}])  # fmt: skip
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: (next(rounds), NOTHING_STUCK))
    seen: dict = {}
    monkeypatch.setattr(release, "audit_wave", _passing_gate(seen))
    published = []
    real_publish = run_module.publish
    monkeypatch.setattr(
        "evaluation.pipeline.run.publish",
        lambda tmp, final: (published.append(final), real_publish(tmp, final)),
    )
    calls: list = []
    summary = PackSummary(scope="org")
    release_packs(config, "org", FRAME, ["X"], summary, _builder(config, calls))
    assert calls == [
        ("org", {"X": None}),
        ("org", {"X": {"t": [[3, "n"]]}}),
        ("icb", {"A": {"t": [[2, "n"], [5, "n"]], "u": [[2, "pct"]]}}),  # earlier + new
    ]
    assert set(seen["staged"]) == {("org", "X"), ("icb", "A")}
    # the ICB pack first: hiding more in it can only widen what the published set allows
    assert published == [destination(config, "icb", "A"), destination(config, "org", "X")]
    assert (destination(config, "icb", "A") / "report.html").read_text() == "A ['t', 'u']"
    assert (destination(config, "icb", "B") / "report.html").read_text() == "published"
    assert summary.built == {"X": destination(config, "org", "X")}
    assert set(summary.rebuilt) == {"A"} and "2 cell(s) hidden in t, u" in summary.rebuilt["A"]
    assert "1 published icb pack(s) rebuilt with more cells hidden, published again" in (
        summary.text()
    )
    assert summary.release_audit["pack_cells_additionally_hidden"] == 3
    assert summary.release_audit["rebuilt"] == {"icb/A": 2}
    assert not staging_dir(config, "icb").exists() and not staging_dir(config, "org").exists()


def test_a_failing_gate_keeps_the_published_icb_pack_it_would_have_rebuilt(config, monkeypatch):
    _published(config, "icb", "A", {}, input_hashes(config))
    rounds = iter([{("icb", "A"): {"t": [[5, "n"]]}}, {}])
    stuck = SimpleNamespace(unprotectable=["icb/A/tables/t.csv [A: no pack] row 3 n"])
    monkeypatch.setattr(release, "protect_wave", lambda *a, **k: (next(rounds), stuck))

    def gate(*args, **kwargs):
        raise release.ReleaseAuditError("the attacking audit failed: 1 cell (table t)")

    monkeypatch.setattr(release, "audit_wave", gate)
    summary = PackSummary(scope="org")
    release_packs(config, "org", FRAME, ["X"], summary, _builder(config, []))
    assert summary.withheld == ["X"] and summary.built == {}
    assert "rebuilt with more cells hidden, not published" in summary.text()
    assert "no pack cell to hide for 1 of them: they are held by the region" in summary.text()
    assert (destination(config, "icb", "A") / "report.html").read_text() == "published"
    assert not destination(config, "org", "X").exists()


def test_the_wave_release_keys_packs_by_scope_and_unit(config):
    """Releasing org packs: the staged org pack stands in for the published one, the published
    ICB packs are writable too, the region is context; an ICB minus its organisations' packs is
    a residual."""
    frame = pd.DataFrame({"icb": ["A"] * 40 + ["B"] * 40,
                          "org_code": ["X"] * 35 + ["Y"] * 5 + ["Z"] * 40})  # fmt: skip
    frame["org_name"] = frame["org_code"]
    (destination(config, "region", None) / "tables").mkdir(parents=True)
    for scope, unit in [("icb", "A"), ("icb", "B"), ("org", "X"), ("org", "Z")]:
        _published(config, scope, unit, {}, {})
    staged = {("org", u): staging_dir(config, "org") / u for u in ("X", "Z")}
    for folder in staged.values():
        (folder / "tables").mkdir(parents=True)
    entries, residuals, writable = wave_release(config, frame, staged, "org")
    icb_a, icb_b = destination(config, "icb", "A"), destination(config, "icb", "B")
    assert [label for _, _, label in entries] == ["region", "icb/A", "icb/B", "org/X", "org/Z"]
    assert writable == {icb_a: ("icb", "A"), icb_b: ("icb", "B")} | {
        folder: key for key, folder in staged.items()
    }
    assert set(residuals) == {"org units without a pack", "A: organisations without a pack"}
    assert residuals["A: organisations without a pack"].sum() == 5  # Y
    # Z's org pack is published but not staged in this org run (its build failed): no pack
    entries, residuals, _ = wave_release(config, frame, {("org", "X"): staged["org", "X"]}, "org")
    assert [label for _, _, label in entries] == ["region", "icb/A", "icb/B", "org/X"]
    assert "B: organisations without a pack" in residuals
    _, _, writable = wave_release(config, frame)  # the audit of what is published
    assert writable == {}
