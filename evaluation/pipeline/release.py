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
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.errors import PipelineError
from evaluation.inputs import RELEASE_SUPPRESSION, WORK_DIR
from evaluation.release_audit import (
    DEFAULT_PROTECTION,
    attack_report,
    giveaway_tables,
    protect_release,
    summary,
)

RELEASE_AUDIT = "release_audit.json"
MAX_PASSES = 3
"""Protect, re-run the changed notebooks, and protect again at most this many times."""


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
) -> dict:
    """The attacking audit as a gate: the closing note's figures, or :class:`ReleaseAuditError`
    naming each exposed cell and the tables that give it away."""
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
        "narrowest_interval": float(intervals["width"].min()) if len(intervals) else None,
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
        raise ReleaseAuditError(
            f"the attacking audit failed: {len(exposed)} suppressed cell(s) can be pinned down "
            f"to an interval narrower than {protection} from what is published; nothing was "
            f"published:\n{listed}"
        )
    return note


def protect_run(
    run_dir: Path,
    frame: pd.DataFrame,
    rerun: Callable[[set[int]], dict[str, float]],
    min_cell: int = DEFAULT_MIN_CELL,
    protection: int = DEFAULT_PROTECTION,
    label: str = "report",
) -> dict[str, float]:
    """Protect a finished run's tables over the whole run, re-run what changed, then gate.

    ``rerun(sections)`` runs again the notebooks of those sections (their timings are
    returned). ``label`` names the report in the audit's findings: the published folder's name,
    not the run's temporary one, so two runs of the same inputs write the same file. Writes
    ``release_audit.json`` in the run folder; raises :class:`ReleaseAuditError` when the audit
    still finds an exposed cell.
    """
    timings: dict[str, float] = {"release_protection": 0.0}
    work = run_dir / WORK_DIR
    path = work / RELEASE_SUPPRESSION
    decisions: dict[str, list] = json.loads(path.read_text()) if path.exists() else {}
    entry = [(run_dir, None, label)]
    first = None
    added, added_counts, rounds = 0, 0, 0
    for _ in range(MAX_PASSES):  # a re-run notebook may suppress a little differently: again
        start = time.perf_counter()
        reuse = first.model if first else None
        result = protect_release(entry, frame, protection, min_cell, reuse=reuse)
        timings["release_protection"] += time.perf_counter() - start
        first = first or result
        rounds += result.rounds
        if not result.added:
            break
        added += result.n_added
        added_counts += result.n_added_counts
        add_decisions(decisions, {Path(table).stem: cells for table, cells in result.added.items()})
        work.mkdir(exist_ok=True)
        path.write_text(json.dumps(decisions, indent=1, sort_keys=True))
        changed = {Path(table).stem for table in result.added}
        again = rerun(_sections(run_dir, changed))
        for name, seconds in again.items():
            timings[f"{name} (again)"] = timings.get(f"{name} (again)", 0.0) + seconds
    assert first is not None
    result = first
    note = gate(entry, frame, protection, min_cell, reuse=result.model)
    note["pass"] = {
        "cells_checked_before": len(result.before),
        "exposed_before": int(result.before["exposed"].sum()) if len(result.before) else 0,
        "cells_additionally_suppressed": added,
        "count_cells_additionally_suppressed": added_counts,
        "tables_changed": sorted(decisions),
        "rounds": rounds,
    }
    timings["release_audit"] = note["seconds"]
    published = {k: v for k, v in note.items() if k != "seconds"}  # timings: in the manifest
    (run_dir / RELEASE_AUDIT).write_text(json.dumps(published, indent=2, sort_keys=True) + "\n")
    return timings


def wave_release(
    config: object,
    frame: pd.DataFrame,
    staged: dict[str, Path] | None = None,
    scope: str | None = None,
) -> tuple[list[tuple], dict[str, object], list[Path]]:
    """Everything one wave releases, as one set: ``(entries, residuals, writable)``.

    Entries for :func:`~evaluation.release_audit.attack_report`: the region report, every pack
    (ICB and organisation, each with its respondents) and every comparison report that includes
    the wave. ``staged`` (unit -> folder) are the packs of ``scope`` built but not yet published
    (:func:`evaluation.pipeline.packs.release_packs`): they stand in for that scope's published
    packs and are the only folders a protection pass may change (``writable``); everything
    already published is context. Residuals: per scope, the units without a pack (too small,
    or whose pack failed), whose tables are the region minus the packs; per ICB, its
    organisations without a pack when both scopes have packs.
    """
    import numpy as np

    from evaluation.analyses.units import SCOPE_COLUMNS, pack_units
    from evaluation.pipeline.config import destination

    entries: list[tuple] = []
    region = destination(config, "region", None)  # type: ignore[arg-type]
    if (region / "tables").is_dir():
        entries.append((region, None, "region"))
    residuals: dict[str, object] = {}
    writable: list[Path] = []
    with_pack: dict[str, set[str]] = {}
    for level in ("icb", "org"):
        units = pack_units(frame, level, config.pack_min_respondents)  # type: ignore[attr-defined]
        column = frame[SCOPE_COLUMNS[level][0]].astype(str)
        releasing = staged if level == scope else None
        for unit in units.loc[units["gets_pack"], "unit"]:
            published = destination(config, level, unit)  # type: ignore[arg-type]
            folder = published if releasing is None else releasing.get(unit)
            if folder is None or not (folder / "tables").is_dir():
                continue
            entries.append((folder, (column == unit).to_numpy(), f"{level}/{published.name}"))
            with_pack.setdefault(level, set()).add(unit)
            if releasing is not None:
                writable.append(folder)
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
    staged: dict[str, Path] | None = None,
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
    staged: dict[str, Path],
    scope: str,
    protection: int = DEFAULT_PROTECTION,
) -> tuple[dict[str, dict[str, list]], object]:
    """Cells to hide in the staged packs of ``scope`` so that nothing across region + packs +
    comparison (and no unit without a pack, as their difference) is narrower than
    ``protection``.

    Works on a copy of the tables (the packs are then rebuilt with the decisions, by
    :func:`evaluation.pipeline.packs.release_packs`): only the staged packs change; the region
    report, the comparison and the packs of the other scope are published already and are
    context. Returns ``{unit: {table: cells}}`` and the
    :class:`~evaluation.release_audit.Protection`.
    """
    import shutil
    import tempfile

    entries, residuals, writable = wave_release(config, frame, staged, scope)
    unit_of = {Path(folder): unit for unit, folder in staged.items()}
    with tempfile.TemporaryDirectory(prefix="arf-release-") as scratch:
        copies, copied, origin = [], [], {}
        for k, (root, mask, label) in enumerate(entries):
            copy = Path(scratch) / str(k)
            shutil.copytree(Path(root) / "tables", copy / "tables")
            copies.append((copy, mask, label))
            if Path(root) in writable:
                copied.append(copy)
                origin[copy / "tables"] = unit_of[Path(root)]
        result = protect_release(
            copies,
            frame,
            protection,
            config.min_cell,  # type: ignore[attr-defined]
            residuals,  # type: ignore[arg-type]
            copied,
        )
        decisions: dict[str, dict[str, list]] = {}
        for table, cells in result.added.items():
            path = Path(table)
            unit = origin[path.parent]
            decisions.setdefault(unit, {})[path.stem] = [[r, c] for r, c in cells]
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
