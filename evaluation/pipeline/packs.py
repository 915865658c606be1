"""Per-organisation and per-ICB packs, built in parallel across the machine's cores.

A pack is the same report restricted to one organisation or ICB. Only units with at least
``pack_min_respondents`` respondents get one (below that, most breakdowns would be suppressed and
the pack could only say "too few"); the regional report lists the others by name, without counts.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from evaluation.analyses.units import pack_units
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import EvaluationConfig


@dataclass
class PackSummary:
    """Which packs were built, which failed and which units were too small."""

    scope: str
    built: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    too_small: list[str] = field(default_factory=list)
    release_audit: dict = field(default_factory=dict)  # the audit over region + packs together

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"{len(self.built)} {self.scope} pack(s) built:"]
        lines += [f"  {unit}: {path}" for unit, path in sorted(self.built.items())]
        if self.too_small:
            lines.append(f"{len(self.too_small)} without a pack (too few respondents):")
            lines += [f"  {unit}" for unit in self.too_small]
        if self.release_audit:
            lines.append(f"release audit over region + packs: {self.release_audit['summary']}")
        if self.failed:
            lines.append(f"{len(self.failed)} failed:")
            lines += [f"  {unit}: {message}" for unit, message in sorted(self.failed.items())]
        return "\n".join(lines)


def _run_one(
    config: EvaluationConfig, scope: str, unit: str, decisions: dict | None = None
) -> Path:
    from evaluation.pipeline.run import run_report

    # packs already use every core, one pack per worker: their notebooks run one at a time
    return run_report(config, scope, unit, progress=False, notebook_workers=1,
                      release_decisions=decisions).output_dir  # fmt: skip


def protect_packs(
    config: EvaluationConfig, scope: str, summary: PackSummary, workers: int, progress: bool
) -> None:
    """Region + packs + comparison released as one set: hide, in the packs, what their
    difference from the region (a unit without a pack) or from each other would give away,
    rebuild the packs concerned, then gate on the attacking audit over all of them together
    (:mod:`evaluation.pipeline.release`). A failure is recorded in ``summary.failed``."""
    from evaluation.pipeline.config import destination
    from evaluation.pipeline.release import ReleaseAuditError, audit_wave, protect_wave
    from evaluation.pipeline.run import die_with_parent

    decisions, _ = protect_wave(config)
    folders = {destination(config, scope, unit): unit for unit in summary.built}
    todo = {folders[f]: d for f, d in decisions.items() if f in folders}
    if todo:
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
            futures = {pool.submit(_run_one, config, scope, u, d): u for u, d in todo.items()}
            for future in tqdm(as_completed(futures), total=len(futures),
                               desc=f"{scope} packs (release)", disable=not progress):  # fmt: skip
                try:
                    future.result()
                except Exception as exc:
                    summary.failed[futures[future]] = str(exc)
    try:
        summary.release_audit = audit_wave(config)
    except ReleaseAuditError as exc:
        summary.failed["release audit (region + packs + comparison)"] = str(exc)


def run_packs(
    config: EvaluationConfig,
    scope: str,
    workers: int | None = None,
    progress: bool = True,
) -> PackSummary:
    """Build a pack for every eligible unit, ``workers`` at a time (default: all cores).

    On a Dask cluster instead: :func:`evaluation.pipeline.distributed.run_packs_distributed`.
    """
    frame = load_wave(config).frame
    units = pack_units(frame, scope, config.pack_min_respondents)
    summary = PackSummary(scope=scope, too_small=units.loc[~units["gets_pack"], "unit"].tolist())
    eligible = units.loc[units["gets_pack"], "unit"].tolist()
    workers = workers or os.cpu_count() or 1
    from evaluation.pipeline.run import die_with_parent

    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
        futures = {pool.submit(_run_one, config, scope, unit): unit for unit in eligible}
        for future in tqdm(as_completed(futures), total=len(futures), desc=f"{scope} packs",
                           disable=not progress):  # fmt: skip
            unit = futures[future]
            try:
                summary.built[unit] = future.result()
            except Exception as exc:  # one failed pack must not hide the others
                summary.failed[unit] = str(exc)
    if summary.built:
        protect_packs(config, scope, summary, workers, progress)
    return summary
