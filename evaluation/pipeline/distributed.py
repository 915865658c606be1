"""Packs on a Dask distributed cluster: each pack a task, the wave prepared once and shared.

:func:`evaluation.pipeline.packs.run_packs` builds packs in a local process pool, and stays the
default. With a scheduler address (``arf-eval run --scope org --scheduler tcp://HOST:PORT``)
:func:`run_packs_distributed` builds the same packs on a Dask cluster instead:

- the wave is loaded, validated and redacted **once**, here, and sent to the cluster once
  (``Client.scatter``, broadcast to every worker): no pack repeats the load, which at national
  scale (hundreds of thousands of respondents, about 200 trusts) would dominate;
- every pack is one task (``key = "arf-pack-<unit>"``) calling
  :func:`evaluation.pipeline.run.run_report` with those inputs, one notebook at a time;
- a pack that fails is reported with its error, and the others are still built and collected.

Dask schedules; nothing here is a scheduler. What the cluster must provide: workers with this
package, the ``arf-eval`` Jupyter kernel and the wave's codebook and notebooks at the same paths,
and ``output`` (the config's report folder) on storage that the machine collecting the results
can read (a shared file system), because each worker writes its pack there. papermill changes a
process's working directory while a notebook runs, so a worker process builds one pack at a time
(a lock per process, whatever its number of threads); start workers with ``--nthreads 1`` and as
many processes as cores.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from evaluation.analyses.units import pack_units
from evaluation.inputs import PreparedInputs, prepare_inputs, read_names
from evaluation.io.survey import LoadedSurvey
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import EvaluationConfig, destination
from evaluation.pipeline.packs import PackSummary, release_packs, staging_dir

# one pack at a time per worker process (papermill changes the process's working directory)
_PROCESS_LOCK = threading.Lock()


def prepare_wave(config: EvaluationConfig) -> tuple[LoadedSurvey, PreparedInputs]:
    """Load, validate and redact a wave once, as :func:`run_report` would for each pack."""
    loaded = load_wave(config)
    names = read_names(config.redact_names)
    return loaded, prepare_inputs(loaded, config.focus_group, names, config.facilitators)


def build_pack(
    config: EvaluationConfig,
    scope: str,
    unit: str,
    inputs: tuple[LoadedSurvey, PreparedInputs],
    notebooks: list[str] | None = None,
    decisions: dict | None = None,
) -> str:
    """One pack, built into staging with its release decisions (the task each Dask worker
    runs); returns the pack's staged folder."""
    from evaluation.pipeline.run import run_report

    books = None if notebooks is None else [Path(p) for p in notebooks]
    staged = staging_dir(config, scope) / destination(config, scope, unit).name
    with _PROCESS_LOCK:
        result = run_report(
            config,
            scope,
            unit,
            notebooks=books,
            progress=False,
            notebook_workers=1,
            inputs=inputs,
            release_decisions=decisions,
            output_dir=staged,
        )
    return str(result.output_dir)


def run_packs_distributed(
    config: EvaluationConfig,
    scope: str,
    scheduler: str | Any,
    *,
    units: list[str] | None = None,
    notebooks: list[Path] | None = None,
    progress: bool = True,
) -> PackSummary:
    """Build a pack for every eligible unit on the Dask cluster at ``scheduler``, protected and
    published with the region as one release, as the local pool does
    (:func:`~evaluation.pipeline.packs.release_packs`).

    ``scheduler`` is an address (``"tcp://host:8786"``) or a ``distributed.Client``. ``units``
    chooses the packs (default: every unit with at least ``pack_min_respondents``; a named unit
    that does not exist fails on its own, like any other failing pack). ``notebooks`` restricts
    each pack to some notebooks (tests). Returns the same :class:`PackSummary` as
    :func:`~evaluation.pipeline.packs.run_packs`: built packs, failed packs with their error,
    units too small for a pack.
    """
    from distributed import Client, as_completed

    inputs = prepare_wave(config)
    table = pack_units(inputs[0].frame, scope, config.pack_min_respondents)
    summary = PackSummary(scope=scope, too_small=table.loc[~table["gets_pack"], "unit"].tolist())
    chosen = table.loc[table["gets_pack"], "unit"].tolist() if units is None else list(units)
    own_client = not isinstance(scheduler, Client)
    client: Client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    books = None if notebooks is None else [str(p) for p in notebooks]
    try:
        shared = client.scatter(inputs, broadcast=True, hash=False)
        passes = itertools.count()

        def build(
            level: str, todo: dict[str, dict | None]
        ) -> tuple[dict[str, Path], dict[str, str]]:
            built, failed = {}, {}
            n = next(passes)  # a rebuild is a new task, not the first build's result again
            futures = {
                client.submit(build_pack, config, level, unit, shared, books, decisions,
                              key=f"arf-pack-{level}-{unit}-{n}", pure=False): unit
                for unit, decisions in todo.items()
            }  # fmt: skip
            bar = tqdm(total=len(futures), desc=f"{level} packs (dask)", disable=not progress)
            for future in as_completed(futures):
                unit = futures[future]
                if future.status == "finished":
                    built[unit] = Path(future.result())
                else:  # one failed pack must not hide the others
                    error = future.exception()
                    failed[unit] = f"{type(error).__name__}: {error}"
                bar.update()
            bar.close()
            return built, failed

        release_packs(config, scope, inputs[0].frame, chosen, summary, build)
    finally:
        if own_client:
            client.close()
    return summary
