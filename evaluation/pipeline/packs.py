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

OTHER_SCOPE = {"icb": "org", "org": "icb"}


@dataclass
class PackSummary:
    """Which packs were built, which failed and which units were too small."""

    scope: str
    built: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    too_small: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # built, held back by the release gate
    release_audit: dict = field(default_factory=dict)  # the gate over region + packs together
    rebuilt: dict[str, str] = field(default_factory=dict)  # other scope's packs: unit -> why

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"{len(self.built)} {self.scope} pack(s) built and published:"]
        if self.withheld:
            lines.append(f"{len(self.withheld)} built but withheld by the release gate:")
            lines += [f"  {unit}" for unit in self.withheld]
        lines += [f"  {unit}: {path}" for unit, path in sorted(self.built.items())]
        if self.rebuilt:
            published = "not published" if self.withheld else "published again"
            lines.append(
                f"{len(self.rebuilt)} published {OTHER_SCOPE[self.scope]} pack(s) rebuilt with "
                f"more cells hidden, {published}:"
            )
            lines += [f"  {unit}: {why}" for unit, why in sorted(self.rebuilt.items())]
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


Build = Callable[[str, dict[str, dict | None]], tuple[dict[str, Path], dict[str, str]]]
"""Builds packs of a scope into staging: ``(scope, {unit: release decisions or None})`` ->
``(built, failed)``."""


def staging_dir(config: EvaluationConfig, scope: str) -> Path:
    """Where a pack run builds its packs before the release gate lets them out: a hidden folder
    beside the published packs (same file system, so publishing is a rename)."""
    return destination(config, "region", None).parent / f".{scope}-staging"


def _why(scope: str, tables: dict[str, list]) -> str:
    """Why a published pack of the other scope was rebuilt, for :meth:`PackSummary.text`."""
    names = sorted(tables)
    listed = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    cells = sum(len(cells) for cells in tables.values())
    return (
        f"{cells} cell(s) hidden in {listed}: beside the new {scope} packs, its published cells "
        f"gave suppressed cells away"
    )


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
    respondents and no pack), a cell the region hides is the sum of the packs' cells, and an ICB
    pack minus its organisations' packs is the ICB's organisations without one. So, after the
    packs are built (each from the decisions of its last release,
    :func:`~evaluation.pipeline.release.read_decisions`, so a rerun gives the same packs):
    :func:`~evaluation.pipeline.release.protect_wave` chooses cells to hide in the staged packs
    and in the published packs of the other scope (the published region and comparison are not
    changed: a pack run must not alter a report already read); the packs concerned are rebuilt
    into staging with every decision so far, earlier releases' included (decisions only grow,
    so the passes converge; a rebuilt pack re-suppresses a little differently, hence up to
    ``MAX_PASSES``), and the attacking audit over the whole set gates. Then the rebuilt packs of
    the other scope are published again, before the new ones (hiding more can only widen what
    the published set allows), each atomically. A set that fails is not published: the
    previous packs stay, and the failure names the tables. The staging folders are removed at
    the start (a killed run's) and the end.
    """
    from evaluation.pipeline.manifest import input_hashes
    from evaluation.pipeline.release import (
        MAX_PASSES,
        ReleaseAuditError,
        add_decisions,
        audit_wave,
        protect_wave,
        read_decisions,
    )
    from evaluation.pipeline.run import publish

    other = OTHER_SCOPE[scope]
    staging = [staging_dir(config, scope), staging_dir(config, other)]
    for folder in staging:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        inputs = input_hashes(config)
        chosen = {(scope, u): read_decisions(destination(config, scope, u), inputs) for u in units}
        built, failed = build(scope, {unit: chosen[scope, unit] or None for unit in units})
        summary.failed |= failed
        if not built:
            return
        staged = {(scope, unit): folder for unit, folder in built.items()}
        added: dict[tuple[str, str], dict[str, list]] = {}  # this run's decisions
        passes, stuck = 0, []
        for _ in range(MAX_PASSES):
            decisions, protection = protect_wave(config, frame, staged, scope)
            stuck = protection.unprotectable
            changed = set()
            for key, tables in decisions.items():
                if key not in chosen:  # a published pack of the other scope
                    chosen[key] = read_decisions(destination(config, *key), inputs)
                if add_decisions(chosen[key], tables):
                    changed.add(key)
                    add_decisions(added.setdefault(key, {}), tables)
            if not changed:
                break
            passes += 1
            for level in (scope, other):
                todo: dict[str, dict | None] = {
                    u: dict(chosen[s, u]) for s, u in sorted(changed) if s == level
                }
                if not todo:
                    continue
                rebuilt, failed = build(level, todo)
                staged |= {(level, unit): folder for unit, folder in rebuilt.items()}
                for unit, message in failed.items():
                    staged.pop((level, unit), None)  # the published pack stays in the set
                    label = unit if level == scope else f"{level} pack {unit} (rebuild)"
                    summary.failed[label] = message
        summary.rebuilt = {u: _why(scope, added[s, u]) for s, u in staged if s == other}
        try:
            summary.release_audit = audit_wave(config, frame=frame, staged=staged, scope=scope)
        except ReleaseAuditError as exc:
            held = (
                f"\n(the protection pass found no pack cell to hide for {len(stuck)} of them: "
                f"they are held by the region report or the comparison alone, which a pack run "
                f"does not change)"
                if stuck
                else ""
            )
            summary.failed["release audit (region + packs + comparison)"] = (
                f"{exc}{held}\n(the {scope} packs were not published, nor the {other} packs "
                f"rebuilt for them; the previous ones are kept)"
            )
            summary.withheld = sorted(u for s, u in staged if s == scope)
            return
        summary.release_audit["pack_passes"] = passes
        summary.release_audit["pack_cells_additionally_hidden"] = sum(
            len(cells) for tables in added.values() for cells in tables.values()
        )
        summary.release_audit["rebuilt"] = {f"{s}/{u}": sum(map(len, added[s, u].values()))
                                            for s, u in sorted(staged) if s == other}  # fmt: skip
        for (level, unit), folder in sorted(staged.items(), key=lambda kv: kv[0][0] == scope):
            final = destination(config, level, unit)
            publish(folder, final)
            if level == scope:
                summary.built[unit] = final
    finally:
        for folder in staging:
            shutil.rmtree(folder, ignore_errors=True)


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

    def build(level: str, todo: dict[str, dict | None]) -> tuple[dict[str, Path], dict[str, str]]:
        built, failed = {}, {}
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
            futures = {pool.submit(_build_one, config, level, u, d): u for u, d in todo.items()}
            for future in tqdm(as_completed(futures), total=len(futures),
                               desc=f"{level} packs", disable=not progress):  # fmt: skip
                try:
                    built[futures[future]] = future.result()
                except Exception as exc:  # one failed pack must not hide the others
                    failed[futures[future]] = str(exc)
        return built, failed

    release_packs(config, scope, frame, eligible, summary, build)
    return summary
