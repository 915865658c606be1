"""Per-organisation and per-ICB packs, built in parallel across the machine's cores.

A pack is the same report restricted to one organisation or ICB. Only units with at least
``pack_min_respondents`` respondents get one (below that, most breakdowns would be suppressed and
the pack could only say "too few"); the regional report lists the others by name, without counts.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from evaluation.analyses.units import pack_units
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import EvaluationConfig, destination


@dataclass
class PackSummary:
    """Which packs were built, which failed and which units were too small."""

    scope: str
    built: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    too_small: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # built, held back by the release gate
    release_audit: dict = field(default_factory=dict)  # the gate over region + packs together

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"{len(self.built)} {self.scope} pack(s) built and published:"]
        if self.withheld:
            lines.append(f"{len(self.withheld)} built but withheld by the release gate:")
            lines += [f"  {unit}" for unit in self.withheld]
        lines += [f"  {unit}: {path}" for unit, path in sorted(self.built.items())]
        if self.too_small:
            lines.append(f"{len(self.too_small)} without a pack (too few respondents):")
            lines += [f"  {unit}" for unit in self.too_small]
        if self.release_audit:
            audit = self.release_audit
            lines.append(
                f"release audit over region + packs + comparison: {audit['summary']}; "
                f"{audit.get('pack_cells_additionally_hidden', 0)} cells hidden in the packs "
                f"over {audit.get('pack_passes', 0)} rebuild pass(es)"
            )
        if self.failed:
            lines.append(f"{len(self.failed)} failed:")
            lines += [f"  {unit}: {message}" for unit, message in sorted(self.failed.items())]
        return "\n".join(lines)


Build = Callable[[dict[str, dict | None]], tuple[dict[str, Path], dict[str, str]]]
"""Builds packs into staging: ``{unit: release decisions or None}`` -> ``(built, failed)``."""


def staging_dir(config: EvaluationConfig, scope: str) -> Path:
    """Where a pack run builds its packs before the release gate lets them out: a hidden folder
    beside the published packs (same file system, so publishing is a rename)."""
    return destination(config, "region", None).parent / f".{scope}-staging"


def release_packs(
    config: EvaluationConfig,
    scope: str,
    frame: pd.DataFrame,
    units: list[str],
    summary: PackSummary,
    build: Build,
) -> None:
    """Build the packs of ``scope`` into staging, protect them with the published region,
    comparison and packs as one release, gate, and only then publish them.

    Region + packs + comparison are one system of equations over the same respondents: the
    region minus the packs is the unit without a pack ("NHS England - North West" has 11
    respondents and no pack), and a cell the region hides is the sum of the packs' cells. So,
    after the packs are built: :func:`~evaluation.pipeline.release.protect_wave` chooses cells
    to hide in the staged packs (the published region and comparison are not changed: a pack
    run must not alter a report already read), the packs concerned are rebuilt with every
    decision so far (decisions only grow, so the passes converge; a rebuilt pack re-suppresses
    a little differently, hence up to ``MAX_PASSES``), and the attacking audit over the whole
    set gates. A pack set that fails is not published: the previous packs stay, and the failure
    names the tables. The staging folder is removed at the start (a killed run's) and the end.
    """
    from evaluation.pipeline.release import (
        MAX_PASSES,
        ReleaseAuditError,
        add_decisions,
        audit_wave,
        protect_wave,
    )
    from evaluation.pipeline.run import publish

    staging = staging_dir(config, scope)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        built, failed = build(dict.fromkeys(units))
        summary.failed |= failed
        if not built:
            return
        chosen: dict[str, dict[str, list]] = {}
        passes = 0
        for _ in range(MAX_PASSES):
            decisions, _ = protect_wave(config, frame, built, scope)
            changed = {
                unit
                for unit, tables in decisions.items()
                if add_decisions(chosen.setdefault(unit, {}), tables)
            }
            if not changed:
                break
            passes += 1
            rebuilt, failed = build({unit: dict(chosen[unit]) for unit in sorted(changed)})
            built |= rebuilt
            for unit in failed:
                built.pop(unit, None)
            summary.failed |= failed
        try:
            summary.release_audit = audit_wave(config, frame=frame, staged=built, scope=scope)
        except ReleaseAuditError as exc:
            summary.failed["release audit (region + packs + comparison)"] = (
                f"{exc}\n(the {scope} packs were not published; the previous ones are kept)"
            )
            summary.withheld = sorted(built)
            return
        summary.release_audit["pack_passes"] = passes
        summary.release_audit["pack_cells_additionally_hidden"] = sum(
            len(cells) for tables in chosen.values() for cells in tables.values()
        )
        for unit, folder in sorted(built.items()):
            final = destination(config, scope, unit)
            publish(folder, final)
            summary.built[unit] = final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_one(
    config: EvaluationConfig, scope: str, unit: str, decisions: dict | None = None
) -> Path:
    from evaluation.pipeline.run import run_report

    # packs already use every core, one pack per worker: their notebooks run one at a time
    staged = staging_dir(config, scope) / destination(config, scope, unit).name
    return run_report(config, scope, unit, progress=False, notebook_workers=1,
                      release_decisions=decisions, output_dir=staged).output_dir  # fmt: skip


def run_packs(
    config: EvaluationConfig,
    scope: str,
    workers: int | None = None,
    progress: bool = True,
) -> PackSummary:
    """Build, protect and publish a pack for every eligible unit, ``workers`` at a time
    (default: all cores), as one release with the region (:func:`release_packs`).

    On a Dask cluster instead: :func:`evaluation.pipeline.distributed.run_packs_distributed`.
    """
    from evaluation.pipeline.run import die_with_parent

    frame = load_wave(config).frame
    units = pack_units(frame, scope, config.pack_min_respondents)
    summary = PackSummary(scope=scope, too_small=units.loc[~units["gets_pack"], "unit"].tolist())
    eligible = units.loc[units["gets_pack"], "unit"].tolist()
    workers = workers or os.cpu_count() or 1

    def build(todo: dict[str, dict | None]) -> tuple[dict[str, Path], dict[str, str]]:
        built, failed = {}, {}
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
            futures = {pool.submit(_build_one, config, scope, u, d): u for u, d in todo.items()}
            for future in tqdm(as_completed(futures), total=len(futures),
                               desc=f"{scope} packs", disable=not progress):  # fmt: skip
                try:
                    built[futures[future]] = future.result()
                except Exception as exc:  # one failed pack must not hide the others
                    failed[futures[future]] = str(exc)
        return built, failed

    release_packs(config, scope, frame, eligible, summary, build)
    return summary
