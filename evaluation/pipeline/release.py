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
        for table, cells in result.added.items():
            known = {tuple(c) for c in decisions.get(Path(table).stem, [])}
            known |= {(row, column) for row, column in cells}
            decisions[Path(table).stem] = sorted([row, column] for row, column in known)
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
    config: object, frame: pd.DataFrame
) -> tuple[list[tuple], dict[str, object], list[Path]]:
    """Everything published from one wave, as one release: ``(entries, residuals, packs)``.

    Entries for :func:`~evaluation.release_audit.attack_report`: the region report, every
    pack built (ICB and organisation, each with its respondents) and every comparison report that
    includes the wave. Residuals: the units without a pack (per scope, and per ICB for
    organisations when ICB packs exist too), whose tables are the difference of published ones.
    """
    import numpy as np

    from evaluation.analyses.units import SCOPE_COLUMNS, pack_units
    from evaluation.pipeline.config import destination

    entries: list[tuple] = []
    region = destination(config, "region", None)  # type: ignore[arg-type]
    if (region / "tables").is_dir():
        entries.append((region, None, "region"))
    residuals: dict[str, object] = {}
    packs: list[Path] = []
    built_scopes = set()
    for scope in ("icb", "org"):
        units = pack_units(frame, scope, config.pack_min_respondents)  # type: ignore[attr-defined]
        column = frame[SCOPE_COLUMNS[scope][0]].astype(str)
        for unit in units.loc[units["gets_pack"], "unit"]:
            folder = destination(config, scope, unit)  # type: ignore[arg-type]
            if (folder / "tables").is_dir():
                entries.append((folder, (column == unit).to_numpy(), f"{scope}/{folder.name}"))
                packs.append(folder)
                built_scopes.add(scope)
        small = units.loc[~units["gets_pack"], "unit"].tolist()
        if scope in built_scopes and small:
            residuals[f"{scope} units without a pack"] = column.isin(small).to_numpy()
    if {"icb", "org"} <= built_scopes:  # an ICB pack minus its organisations' packs
        orgs = pack_units(frame, "org", config.pack_min_respondents)  # type: ignore[attr-defined]
        small_orgs = set(orgs.loc[~orgs["gets_pack"], "unit"])
        for icb in frame["icb"].astype(str).unique():
            inside = (frame["icb"].astype(str) == icb).to_numpy()
            mask = inside & frame["org_code"].astype(str).isin(small_orgs).to_numpy()
            if mask.any():
                residuals[f"{icb}: organisations without a pack"] = np.asarray(mask)
    for folder in sorted(config.output.glob("*-*/region")):  # type: ignore[attr-defined]
        first, _, second = folder.parent.name.partition("-")
        if str(config.wave) in (first, second) and (folder / "tables").is_dir():  # type: ignore[attr-defined]
            entries.append((folder, None, f"{folder.parent.name}/region"))
    return entries, residuals, packs


def audit_wave(config: object, protection: int = DEFAULT_PROTECTION) -> dict:
    """The attacking audit over region + every pack + the comparison of a wave, together
    (the gate of :func:`gate`; raises :class:`ReleaseAuditError`)."""
    from evaluation.io.wave import load_wave

    frame = load_wave(config).frame  # type: ignore[arg-type]
    entries, residuals, _ = wave_release(config, frame)
    return gate(entries, frame, protection, config.min_cell, residuals)  # type: ignore[attr-defined]


def protect_wave(
    config: object, protection: int = DEFAULT_PROTECTION
) -> tuple[dict[Path, dict[str, list]], object]:
    """Cells to hide in the packs so that nothing across region + packs + comparison (and no
    unit without a pack, as their difference) is narrower than ``protection``.

    Works on a copy of the published tables (the packs are then rebuilt with the decisions,
    :func:`evaluation.pipeline.packs.protect_packs`): only the packs are changed, the region report
    and the comparison are context. Returns ``{pack folder: {table: cells}}`` and the
    :class:`~evaluation.release_audit.Protection`.
    """
    import shutil
    import tempfile

    from evaluation.io.wave import load_wave

    frame = load_wave(config).frame  # type: ignore[arg-type]
    entries, residuals, packs = wave_release(config, frame)
    with tempfile.TemporaryDirectory(prefix="arf-release-") as scratch:
        copies, writable, origin = [], [], {}
        for k, (root, scope, label) in enumerate(entries):
            copy = Path(scratch) / str(k)
            shutil.copytree(Path(root) / "tables", copy / "tables")
            copies.append((copy, scope, label))
            if Path(root) in packs:
                writable.append(copy)
                origin[copy / "tables"] = Path(root)
        result = protect_release(
            copies,
            frame,
            protection,
            config.min_cell,  # type: ignore[attr-defined]
            residuals,  # type: ignore[arg-type]
            writable,
        )
        decisions: dict[Path, dict[str, list]] = {}
        for table, cells in result.added.items():
            path = Path(table)
            pack = origin[path.parent]
            decisions.setdefault(pack, {})[path.stem] = [[r, c] for r, c in cells]
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
