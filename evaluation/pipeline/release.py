"""The release pass: suppression decided over every table of a run, then the attacking audit as a
gate, after the notebooks have run and before anything is published.

The notebooks run side by side and each suppresses its own tables, so a cell hidden in one
table can be given back by another (a distribution beside its "positive" table, a profile beside
a breakdown's ``n``). Once they have all finished, :func:`protect_run`:

1. chooses extra suppressions over all the run's tables together
   (:func:`evaluation.release_audit.protect_release`: greedy, driven by the linear-programming
   audit), and writes the decisions to the run's work folder
   (``_work/release_suppression.json``: table name -> cells);
2. runs again the notebooks whose tables changed:
   :meth:`evaluation.publishing.context.ReportContext.table` applies the decisions to the
   frame it is given, in place, so the table, its HTML and the figures drawn from the same
   frame agree (a figure drawn from a frame computed separately would not: none of the
   report's does today, and the audit checks tables, not figures);
3. audits the run's final tables (:func:`evaluation.release_audit.attack_report`): a suppressed
   cell whose feasible interval is narrower than the protection level fails the run, naming the
   tables that give it away; the counts (never a hidden value) go to ``release_audit.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.errors import PipelineError
from evaluation.inputs import RELEASE_SUPPRESSION, WORK_DIR
from evaluation.release_audit import (
    DEFAULT_PROTECTION,
    Protection,
    attack_report,
    giveaway_tables,
    narrowest,
    protect_release,
    spanning,
    summary,
)

RELEASE_AUDIT = "release_audit.json"
RELEASE_DECISIONS = "release_decisions.json"
"""In a pack folder, beside ``manifest.json``: the wave release's decisions for the pack
(cell positions, never values; :func:`read_decisions`)."""
MAX_PASSES = 6
"""Protect, re-run the changed notebooks, and protect again at most this many times. A re-run
hides more than the pass chose (what is computed from a hidden cell: its percentage, an equity
gap, a headline sentence's table), and those cells need protecting in turn, so the exposed
cells fall off over passes: on the bundled wave's ICB packs 226, 446, 60, then 2 before the
fourth pass, and none after it (three passes withheld all three packs)."""


class ReleaseAuditError(PipelineError):
    """A suppressed cell can be pinned down from what the release publishes."""


def _sections(run_dir: Path, tables: set[str]) -> set[int]:
    index_path = run_dir / "tables" / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    return {int(index[name]["section"]) for name in tables if name in index}


def add_decisions(decisions: dict[str, list], added: dict[str, list]) -> bool:
    """Add cells to hide (table name -> ``[row, column]`` cells) to ``decisions``, in place;
    whether any is new. Decisions only grow, so passes of protect-and-rebuild converge."""
    grew = False
    for table, cells in added.items():
        known = {tuple(c) for c in decisions.get(table, [])}
        new = {(row, column) for row, column in cells} - known
        if new:
            decisions[table] = sorted([row, column] for row, column in known | new)
            grew = True
    return grew


def gate(
    report_dirs: list,
    frame: pd.DataFrame,
    protection: int = DEFAULT_PROTECTION,
    min_cell: int = DEFAULT_MIN_CELL,
    residuals: dict | None = None,
    reuse: object | None = None,
    published: Sequence[str] = (),
) -> dict:
    """The attacking audit as a gate: the closing note's figures, or :class:`ReleaseAuditError`
    naming each exposed cell and the tables that give it away. ``published``: labels of
    reports already published (context, never changed); when they give a cell away the error
    says how to rebuild the set."""
    start = time.perf_counter()
    intervals, model = attack_report(
        report_dirs,
        frame,
        protection,
        residuals,
        min_cell,
        True,
        reuse=reuse,  # type: ignore[arg-type]
    )
    seconds = time.perf_counter() - start
    exposed = giveaway_tables(intervals, model)
    note = {
        "protection": protection,
        "cells_checked": len(intervals),
        "virtual_cells_checked": int(intervals["virtual"].sum()) if len(intervals) else 0,
        "exposed": len(exposed),
        "sensitive_cells_checked": int(intervals["sensitive"].sum()) if len(intervals) else 0,
        "narrowest_interval": narrowest(intervals, protection),
        "sensitive_cells_spanning_base": spanning(intervals, protection),
        "tables_modelled": len(model.modelled),
        "tables_not_modelled": dict(sorted(model.not_modelled.items())),
        "seconds": round(seconds, 1),
        "summary": summary(intervals, model, min_cell),
    }
    if exposed:
        listed = "\n".join(
            f"  - {cell}: given away by {', '.join(tables[:6]) or 'its own table'}"
            + (f" and {len(tables) - 6} more" if len(tables) > 6 else "")
            for cell, tables in list(exposed.items())[:20]
        )
        givers = {t.split("/tables/")[0] for tables in exposed.values() for t in tables}
        old = sorted(givers & set(published))
        hint = (
            f"\nThe published report(s) {', '.join(old)} were built before this run and cannot "
            "change with it: move them aside, run this report, then build them again."
            if old
            else ""
        )
        raise ReleaseAuditError(
            f"the attacking audit failed: {len(exposed)} suppressed cell(s) can be pinned down "
            f"to an interval narrower than {protection} from what is published; nothing was "
            f"published:\n{listed}{hint}"
        )
    return note


@dataclass
class Context:
    """Published reports a run must be protected beside: ``entries`` (as
    :func:`wave_release` gives them) over the respondents of ``frame``, with ``residuals``.
    ``label`` names the respondents (the wave) in ``release_audit.json``."""

    label: str
    frame: pd.DataFrame
    entries: list[tuple]
    residuals: dict = field(default_factory=dict)


def protect_run(
    run_dir: Path,
    frame: pd.DataFrame,
    rerun: Callable[[set[int]], dict[str, float]],
    min_cell: int = DEFAULT_MIN_CELL,
    protection: int = DEFAULT_PROTECTION,
    label: str = "report",
    context: tuple[list[tuple], dict] | None = None,
    other_waves: Sequence[Context] = (),
) -> dict[str, float]:
    """Protect a finished run's tables over the whole run, re-run what changed, then gate.

    ``rerun(sections)`` runs again the notebooks of those sections (their timings are
    returned). ``label`` names the report in the audit's findings: the published folder's name,
    not the run's temporary one, so two runs of the same inputs write the same file.
    ``context``: ``(entries, residuals)`` of the wave's other published reports
    (:func:`wave_release`: packs, the comparison or the region report); ``other_waves``: the
    same over another wave's respondents (a comparison stands beside the previous wave's
    reports too). They join the protection pass and the audit as equations, read-only, so a run
    published beside them cannot be differenced with them; only this run's tables change.
    Writes ``release_audit.json`` in the run folder; raises :class:`ReleaseAuditError` when
    the audit still finds an exposed cell.
    """
    timings: dict[str, float] = {"release_protection": 0.0}
    work = run_dir / WORK_DIR
    path = work / RELEASE_SUPPRESSION
    decisions: dict[str, list] = json.loads(path.read_text()) if path.exists() else {}
    own = (run_dir, None, label)
    entries, residuals = context or ([], {})
    views = [Context("", frame, entries, residuals), *other_waves]
    first: dict[int, Protection] = {}
    added, added_counts, rounds = 0, 0, 0
    for _ in range(MAX_PASSES):  # a re-run notebook may suppress a little differently: again
        changed: set[str] = set()
        for k, view in enumerate(views):
            start = time.perf_counter()
            earlier = first.get(k)
            result = protect_release(
                [own, *view.entries], view.frame, protection, min_cell, view.residuals,
                [run_dir], reuse=earlier.model if earlier else None,
            )  # fmt: skip
            timings["release_protection"] += time.perf_counter() - start
            first.setdefault(k, result)
            rounds += result.rounds
            if result.added:
                added += result.n_added
                added_counts += result.n_added_counts
                tables = {Path(table).stem: cells for table, cells in result.added.items()}
                add_decisions(decisions, tables)
                changed |= set(tables)
        if not changed:
            break
        work.mkdir(exist_ok=True)
        path.write_text(json.dumps(decisions, indent=1, sort_keys=True))
        again = rerun(_sections(run_dir, changed))
        for name, seconds in again.items():
            timings[f"{name} (again)"] = timings.get(f"{name} (again)", 0.0) + seconds
    notes = [
        gate(
            [own, *view.entries],
            view.frame,
            protection,
            min_cell,
            view.residuals,
            reuse=first[k].model,
            published=[str(e[2]) for e in view.entries],
        )
        for k, view in enumerate(views)
    ]
    note, before = notes[0], first[0].before
    note["context"] = sorted(str(e[2]) for view in views for e in view.entries)
    if len(views) > 1:  # the other waves' respondents: their own figures
        note["other_waves"] = {
            view.label: {
                key: extra[key] for key in ("cells_checked", "exposed", "narrowest_interval")
            }
            for view, extra in zip(views[1:], notes[1:], strict=True)
        }
    note["pass"] = {
        "cells_checked_before": len(before),
        "exposed_before": int(before["exposed"].sum()) if len(before) else 0,
        "cells_additionally_suppressed": added,
        "count_cells_additionally_suppressed": added_counts,
        "tables_changed": sorted(decisions),
        "rounds": rounds,
    }
    timings["release_audit"] = sum(n["seconds"] for n in notes)
    published = {k: v for k, v in note.items() if k != "seconds"}  # timings: in the manifest
    (run_dir / RELEASE_AUDIT).write_text(json.dumps(published, indent=2, sort_keys=True) + "\n")
    return timings


PackKey = tuple[str, str]
"""A pack: ``(scope, unit)``, scope ``"icb"`` or ``"org"``."""


def read_decisions(folder: Path, inputs: dict[str, str]) -> dict[str, list]:
    """The cells the wave's release pass hid in a published pack (``RELEASE_DECISIONS``:
    table name -> ``[row, column]`` cells), so a pack run that must hide more rebuilds it from
    all of them. None when it has none, or when its manifest's input hashes are not ``inputs``
    (:func:`~evaluation.pipeline.manifest.input_hashes`): the cells are positions in tables
    computed from its inputs, and from other inputs they would be other cells."""
    path, manifest = folder / RELEASE_DECISIONS, folder / "manifest.json"
    if not (path.exists() and manifest.exists()):
        return {}
    if json.loads(manifest.read_text()).get("inputs") != inputs:
        return {}
    return dict(json.loads(path.read_text()))


def wave_release(
    config: object,
    frame: pd.DataFrame,
    staged: dict[PackKey, Path] | None = None,
    scope: str | None = None,
) -> tuple[list[tuple], dict[str, object], dict[Path, PackKey]]:
    """Everything one wave releases, as one set: ``(entries, residuals, writable)``.

    Entries for :func:`~evaluation.release_audit.attack_report`: the region report, every pack
    (ICB and organisation, each with its respondents) and every comparison report that includes
    the wave. ``staged`` (``(scope, unit)`` -> folder) are packs built but not yet published
    (:func:`evaluation.pipeline.packs.release_packs`): they stand in for the published ones.
    ``scope`` is the scope being released: a pack of it that is not staged (its build failed)
    counts as no pack; a pack of the other scope that is not staged is the published one.
    ``writable`` (folder -> ``(scope, unit)``, empty without ``scope``): every pack of the set,
    the folders a protection pass may change (a published pack of the other scope is then
    rebuilt and published again); the region and the comparison are context. Residuals: per
    scope, the units without a pack (too small, or whose pack failed), whose tables are the
    region minus the packs; per ICB, its organisations without a pack when both scopes have
    packs.
    """
    import numpy as np

    from evaluation.analyses.units import SCOPE_COLUMNS, pack_units
    from evaluation.pipeline.config import destination

    staged = staged or {}
    entries: list[tuple] = []
    region = destination(config, "region", None)  # type: ignore[arg-type]
    if (region / "tables").is_dir():
        entries.append((region, None, "region"))
    residuals: dict[str, object] = {}
    writable: dict[Path, PackKey] = {}
    with_pack: dict[str, set[str]] = {}
    for level in ("icb", "org"):
        units = pack_units(frame, level, config.pack_min_respondents)  # type: ignore[attr-defined]
        column = frame[SCOPE_COLUMNS[level][0]].astype(str)
        for unit in units.loc[units["gets_pack"], "unit"]:
            published = destination(config, level, unit)  # type: ignore[arg-type]
            folder = staged.get((level, unit), None if level == scope else published)
            if folder is None or not (folder / "tables").is_dir():
                continue
            entries.append((folder, (column == unit).to_numpy(), f"{level}/{published.name}"))
            with_pack.setdefault(level, set()).add(unit)
            if scope is not None:
                writable[folder] = (level, unit)
        without = sorted(set(column.unique()) - with_pack.get(level, set()))
        if with_pack.get(level) and without:
            residuals[f"{level} units without a pack"] = column.isin(without).to_numpy()
    if {"icb", "org"} <= with_pack.keys():  # an ICB pack minus its organisations' packs
        for icb in frame["icb"].astype(str).unique():
            inside = (frame["icb"].astype(str) == icb).to_numpy()
            mask = inside & ~frame["org_code"].astype(str).isin(with_pack["org"]).to_numpy()
            if mask.any():
                residuals[f"{icb}: organisations without a pack"] = np.asarray(mask)
    for folder in sorted(config.output.glob("*-*/region")):  # type: ignore[attr-defined]
        first, _, second = folder.parent.name.partition("-")
        if str(config.wave) in (first, second) and (folder / "tables").is_dir():  # type: ignore[attr-defined]
            entries.append((folder, None, f"{folder.parent.name}/region"))
    return entries, residuals, writable


def audit_wave(
    config: object,
    protection: int = DEFAULT_PROTECTION,
    frame: pd.DataFrame | None = None,
    staged: dict[PackKey, Path] | None = None,
    scope: str | None = None,
) -> dict:
    """The attacking audit over region + every pack + the comparison of a wave, together
    (the gate of :func:`gate`; raises :class:`ReleaseAuditError`). ``staged``/``scope``: as
    :func:`wave_release`."""
    if frame is None:
        from evaluation.io.wave import load_wave

        frame = load_wave(config).frame  # type: ignore[arg-type]
    entries, residuals, _ = wave_release(config, frame, staged, scope)
    return gate(entries, frame, protection, config.min_cell, residuals)  # type: ignore[attr-defined]


def protect_wave(
    config: object,
    frame: pd.DataFrame,
    staged: dict[PackKey, Path],
    scope: str,
    protection: int = DEFAULT_PROTECTION,
) -> tuple[dict[PackKey, dict[str, list]], Protection]:
    """Cells to hide in the packs (both scopes) so that nothing across region + packs +
    comparison (and no unit without a pack, as their difference) is narrower than
    ``protection``, while the packs of ``scope`` are released.

    Works on a copy of the tables (the packs are then rebuilt with the decisions, by
    :func:`evaluation.pipeline.packs.release_packs`): the staged packs and the published packs
    of the other scope may change (a cell an ICB pack shows can give away, beside a new
    organisation pack, the organisations of that ICB without one; hiding cells in the new pack
    alone cannot always prevent it); the region report and the comparison are never changed by
    a pack run. Returns ``{(scope, unit): {table: cells}}`` and the
    :class:`~evaluation.release_audit.Protection`.
    """
    import shutil
    import tempfile

    entries, residuals, writable = wave_release(config, frame, staged, scope)
    with tempfile.TemporaryDirectory(prefix="arf-release-") as scratch:
        copies, copied, origin = [], [], {}
        for k, (root, mask, label) in enumerate(entries):
            copy = Path(scratch) / str(k)
            shutil.copytree(Path(root) / "tables", copy / "tables")
            copies.append((copy, mask, label))
            if Path(root) in writable:
                copied.append(copy)
                origin[copy / "tables"] = writable[Path(root)]
        result = protect_release(
            copies,
            frame,
            protection,
            config.min_cell,  # type: ignore[attr-defined]
            residuals,  # type: ignore[arg-type]
            copied,
        )
        decisions: dict[PackKey, dict[str, list]] = {}
        for table, cells in result.added.items():
            path = Path(table)
            decisions.setdefault(origin[path.parent], {})[path.stem] = [[r, c] for r, c in cells]
    return decisions, result


def main(argv: list[str] | None = None) -> int:
    """``python -m evaluation.pipeline.release CONFIG``: the attacking audit over the wave's
    published region report, packs and comparison together (exit 1 when a cell is exposed)."""
    import argparse

    from evaluation.pipeline.config import load_config

    parser = argparse.ArgumentParser(prog="python -m evaluation.pipeline.release")
    parser.add_argument("config")
    parser.add_argument("--protection", type=int, default=DEFAULT_PROTECTION)
    args = parser.parse_args(argv)
    try:
        note = audit_wave(load_config(args.config), args.protection)
    except ReleaseAuditError as exc:
        print(exc)
        return 1
    print(note["summary"], f"({note['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
