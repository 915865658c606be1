"""The release pass: suppression decided over every table of a run, then the attacking audit as a
gate, after the notebooks have run and before anything is published.

The notebooks run side by side and each suppresses its own tables, so a cell hidden in one
table can be given back by another (a distribution beside its "positive" table, a profile beside
a breakdown's ``n``). Once they have all finished, :func:`protect_run`:

1. chooses extra suppressions over all the run's tables together
   (:func:`evaluation.release_audit.protect_release`: greedy, driven by the linear-programming
   audit), and writes the decisions to the run's work folder
   (``_work/release_suppression.json``: table name -> cells);
2. runs again the notebooks whose tables changed: :meth:`evaluation.report.ReportContext.table`
   applies the decisions to the frame it is given, in place, so the table, its HTML and the
   figures drawn from the same frame agree (a figure drawn from a frame computed separately
   would not: none of the report's does today, and the audit checks tables, not figures);
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

from evaluation.pipeline.run import PipelineError
from evaluation.release_audit import (
    DEFAULT_PROTECTION,
    attack_report,
    giveaway_tables,
    protect_release,
    summary,
)

RELEASE_SUPPRESSION = "release_suppression.json"
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
    min_cell: int = 11,
    residuals: dict | None = None,
) -> dict:
    """The attacking audit as a gate: the closing note's figures, or :class:`ReleaseAuditError`
    naming each exposed cell and the tables that give it away."""
    start = time.perf_counter()
    intervals, model = attack_report(report_dirs, frame, protection, residuals, min_cell, True)
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
    min_cell: int = 11,
    protection: int = DEFAULT_PROTECTION,
) -> dict[str, float]:
    """Protect a finished run's tables over the whole run, re-run what changed, then gate.

    ``rerun(sections)`` runs again the notebooks of those sections (their timings are
    returned). Writes ``release_audit.json`` in the run folder; raises
    :class:`ReleaseAuditError` when the audit still finds an exposed cell.
    """
    timings: dict[str, float] = {"release_protection": 0.0}
    work = run_dir / "_work"
    path = work / RELEASE_SUPPRESSION
    decisions: dict[str, list] = json.loads(path.read_text()) if path.exists() else {}
    first = None
    added, rounds = 0, 0
    for _ in range(MAX_PASSES):  # a re-run notebook may suppress a little differently: again
        start = time.perf_counter()
        result = protect_release([run_dir], frame, protection, min_cell)
        timings["release_protection"] += time.perf_counter() - start
        first = first or result
        rounds += result.rounds
        if not result.added:
            break
        added += result.n_added
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
    note = gate([run_dir], frame, protection, min_cell)
    note["pass"] = {
        "cells_checked_before": len(result.before),
        "exposed_before": int(result.before["exposed"].sum()) if len(result.before) else 0,
        "cells_additionally_suppressed": added,
        "tables_changed": sorted(decisions),
        "rounds": rounds,
        "seconds": round(timings["release_protection"], 1),
    }
    timings["release_audit"] = note["seconds"]
    (run_dir / RELEASE_AUDIT).write_text(json.dumps(note, indent=2, sort_keys=True) + "\n")
    return timings
