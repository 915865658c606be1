"""Run a wave's report notebooks with papermill and publish the report folder atomically.

One report = the numbered notebooks (``notebooks/NN_*.ipynb``, except the year-on-year one) run
in order with the same parameters, into a temporary folder beside the destination. Only when
every notebook has run, the HTML page is built, the manifest written and the disclosure audit
passed is the folder moved into ``reports/<wave>/<scope>[/<name>]``; a failure leaves the last good
report where it was and keeps the failed run in ``<destination>.failed`` for diagnosis.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import papermill as pm
from nbclient.exceptions import CellTimeoutError
from tqdm.auto import tqdm

from evaluation.errors import InputError, PipelineError
from evaluation.inputs import (
    RELEASE_SUPPRESSION,
    SCOPES,
    WORK_DIR,
    PreparedInputs,
    cache_inputs,
    prepare_inputs,
    read_names,
    scope_survey,
    write_run_file,
)
from evaluation.io.survey import LoadedSurvey
from evaluation.io.wave import load_wave
from evaluation.paths import NOTEBOOKS
from evaluation.pipeline.config import EvaluationConfig, destination
from evaluation.publishing.context import RUN_DIR_ENV

KERNEL_NAME = "arf-eval"
CELL_TIMEOUT_ENV = "ARF_EVAL_CELL_TIMEOUT"
CELL_TIMEOUT = 3600
"""Seconds one notebook cell may run (``ARF_EVAL_CELL_TIMEOUT`` overrides). Beyond it the
kernel is taken to be hung: papermill and nbclient can wait for ever for a reply that a live,
idle kernel never sends (papermill issues 711 and 726; seen here once in a full test run, on the
explore notebook's widget cell). The slowest cell at a million respondents takes minutes."""
COMPARISON_NOTEBOOK = "07_year_on_year.ipynb"


@dataclass
class RunResult:
    """What a report run produced and how long each step took."""

    output_dir: Path
    timings: dict[str, float] = field(default_factory=dict)


def report_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks of a wave report, in order (``NN_name.ipynb``; not the comparison)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.name != COMPARISON_NOTEBOOK)


def ensure_kernel(name: str = KERNEL_NAME) -> None:
    """Register the workbench's Jupyter kernel in this environment if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(kernel_name=name, display_name="ARF evaluation", prefix=sys.prefix)


def check_parameters(notebooks: list[Path], parameters: dict) -> None:
    """Every parameter passed must be declared by every notebook, before any kernel starts.

    The parameters cell is the notebook's signature: a misspelt or renamed parameter would
    otherwise be dropped by papermill and the notebook would quietly run on its default (the
    synthetic wave).
    """
    for notebook in notebooks:
        declared = pm.inspect_notebook(str(notebook))
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            raise PipelineError(
                f"notebook {notebook.name} does not declare the parameter(s) "
                f"{', '.join(unknown)}; it declares: {', '.join(sorted(declared))}"
            )


_TIMINGS = ("start_time", "end_time", "duration")  # papermill's, per notebook and per cell


def _reproducible_notebook(output: Path) -> None:
    """An executed notebook that depends only on its inputs: the same wave gives the same bytes.

    Papermill records the machine's paths and, per cell, start and end times, and gives the cell
    it injects a random id; the kernel adds ``execution`` timestamps. The paths become the
    notebook's own name, the timings go (the manifest keeps each notebook's run time) and the
    injected cell gets a fixed id, so two runs of one wave differ nowhere.
    """
    import nbformat

    book = nbformat.read(str(output), as_version=4)
    meta = book.metadata.get("papermill", {})
    meta["input_path"] = f"notebooks/{output.name}"
    meta["output_path"] = f"notebooks/{output.name}"
    for key in _TIMINGS:
        meta.pop(key, None)
    for cell in book.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random one
        cell.metadata.pop("execution", None)
        for key in _TIMINGS:
            cell.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(book, str(output))


def ipc_kernel_manager(folder: str) -> type:
    """A kernel manager on Unix sockets in ``folder`` instead of TCP ports.

    With TCP, jupyter_client picks "free" ports by binding and releasing them, so kernels started
    at the same moment (a report's notebooks side by side, packs, other runs) can race for a port
    and fail with "Address already in use". Sockets in a private folder cannot collide, and
    nothing listens on the network.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

    return IPCKernelManager


def execute_notebook(
    notebook: Path, output: Path, parameters: dict, run_dir: Path | None = None
) -> float:
    """Run one notebook with papermill; raise :class:`PipelineError` naming the failing cell.

    ``run_dir`` is the run being built: the kernel finds it in its environment
    (:data:`~evaluation.publishing.context.RUN_DIR_ENV`) and publishes there; without it the
    notebook runs as a scratch run, as by hand.
    """
    check_parameters([notebook], parameters)
    if run_dir is not None:
        os.environ[RUN_DIR_ENV] = str(run_dir)  # inherited by the kernel papermill starts
    start = time.perf_counter()
    try:
        try:
            _papermill(notebook, output, parameters)
        except CellTimeoutError:
            # a hung kernel: once more on a new kernel, then a clear error (a killed kernel is
            # not retried: a run being stopped kills its kernels)
            print(f"warning: {notebook.name}: a cell ran past {cell_timeout()} s; running the "
                  "notebook again on a new kernel", file=sys.stderr)  # fmt: skip
            try:
                _papermill(notebook, output, parameters)
            except CellTimeoutError as exc:
                raise PipelineError(
                    f"notebook {notebook.name}: a cell ran past {cell_timeout()} s twice (the "
                    f"limit {CELL_TIMEOUT_ENV} sets): its kernel hung or the cell is too slow. "
                    f"The executed notebook is {output}"
                ) from exc
    finally:
        if run_dir is not None:
            os.environ.pop(RUN_DIR_ENV, None)
    _reproducible_notebook(output)
    return time.perf_counter() - start


def cell_timeout() -> int:
    """Seconds a cell may run: ``ARF_EVAL_CELL_TIMEOUT`` or :data:`CELL_TIMEOUT`."""
    raw = os.environ.get(CELL_TIMEOUT_ENV, "")
    if not raw:
        return CELL_TIMEOUT
    try:
        seconds = int(raw)
    except ValueError:
        raise InputError(f"{CELL_TIMEOUT_ENV} must be a whole number of seconds") from None
    if seconds <= 0:
        raise InputError(f"{CELL_TIMEOUT_ENV} must be a whole number of seconds")
    return seconds


def _papermill(notebook: Path, output: Path, parameters: dict) -> None:
    """One papermill run on a new kernel, its sockets in a private folder; a failing cell is a
    :class:`PipelineError` naming it."""
    sockets = tempfile.mkdtemp(prefix="arf-kernel-")
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            kernel_manager_class=ipc_kernel_manager(sockets),
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            # the kernel's own log (TCP notice, shutdown chatter) is noise for a report's reader;
            # a failing cell still reaches us as a PapermillExecutionError
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            execution_timeout=cell_timeout(),
        )
    except pm.PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        cell = _source_cell_number(notebook, exc.source or "")
        raise PipelineError(
            f"notebook {notebook.name} failed at cell {cell}"
            f" ({first!r}): {exc.ename}: {exc.evalue}. The executed notebook is {output}"
        ) from exc
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _source_cell_number(notebook: Path, source: str) -> int | str:
    """The failing cell's number (from 1) in the notebook as written: papermill's index counts
    the cells it inserts (parameters, error banner), so the cell is found by its source."""
    import nbformat

    for number, cell in enumerate(nbformat.read(str(notebook), as_version=4).cells, start=1):
        if cell.cell_type == "code" and cell.source.strip() == source.strip():
            return number
    return "?"


def _execute_all(
    books: list[Path],
    executed: Path,
    parameters: dict,
    workers: int | None,
    progress: bool,
    label: str,
    run_dir: Path,
) -> dict[str, float]:
    """Run the notebooks, ``workers`` at a time (default: one per core).

    Every notebook reads the run's prepared inputs and publishes under its own section number,
    so they are independent: running them side by side overlaps each kernel's start-up and
    imports, which otherwise dominate a report's wall time. Each runs in a process of its own,
    because papermill changes the working directory of the process that drives it (threads
    would race on it). The first failure is raised; queued notebooks are then not started.
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(books)))
    timings: dict[str, float] = {}
    bar = tqdm(total=len(books), desc=label, unit="notebook", disable=not progress)
    try:
        if workers == 1:
            for book in books:
                timings[book.stem] = execute_notebook(
                    book, executed / book.name, parameters, run_dir
                )
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
                futures = {
                    pool.submit(
                        execute_notebook, book, executed / book.name, parameters, run_dir
                    ): book
                    for book in books
                }
                try:
                    for future in as_completed(futures):
                        timings[futures[future].stem] = future.result()
                        bar.update()
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    finally:
        bar.close()
    return {book.stem: timings[book.stem] for book in books}


def check_scope(scope: str, scope_value: str | None) -> None:
    """A clear error for a scope that does not exist or a unit given where none is taken."""
    if scope not in SCOPES:
        raise InputError(f"unknown scope {scope!r}: expected one of {', '.join(SCOPES)}")
    if scope == "region" and scope_value:
        raise InputError(
            f"--only {scope_value!r} needs --scope icb or --scope org (the region has no units)"
        )


def check_unit(frame, scope: str, scope_value: str | None, min_respondents: int) -> None:
    """The unit of an ICB or organisation report exists and is large enough for a pack."""
    from evaluation.analyses.units import pack_units

    if scope == "region":
        return
    if not scope_value:
        raise InputError(f"--scope {scope} with one unit needs --only (an ICB name or org_code)")
    units = pack_units(frame, scope, min_respondents)
    if scope_value not in set(units["unit"]):
        import difflib

        close = difflib.get_close_matches(scope_value, units["unit"].tolist(), n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise InputError(f"no {scope} {scope_value!r} among the wave's respondents{hint}")
    if not units.loc[units["unit"] == scope_value, "gets_pack"].iloc[0]:
        raise InputError(
            f"{scope} {scope_value!r} has fewer than {min_respondents} respondents "
            "(pack_min_respondents): too few for a pack of its own"
        )


def report_parameters(config: EvaluationConfig, scope: str, scope_value: str | None) -> dict:
    """The parameters every report notebook is given: the config (named relative to its own
    folder, so the same on any machine) and the scope. Everything else comes from the config."""
    return {"config": config.path.name, "scope": scope, "scope_value": scope_value or ""}


def shown_parameters(config: EvaluationConfig, scope: str, scope_value: str | None) -> dict:
    """What the report and its manifest say it was run with (no machine paths)."""
    return {
        "wave": config.wave,
        "config": config.path.name,
        "survey": config.display_path(config.survey),
        "mapping": config.display_path(config.mapping),
        "scope": scope,
        "scope_value": scope_value or "",
        "min_cell": config.min_cell,
        "pack_min_respondents": config.pack_min_respondents,
        "seed": config.seed,
    }


RUN_LOCK = ".run.lock"


def _hold_run_lock(tmp: Path) -> object:
    """Mark a run folder as in use for as long as this process lives (an flock, which the
    kernel releases when the process dies however it dies, SIGKILL included)."""
    import fcntl

    handle = open(tmp / RUN_LOCK, "w")  # noqa: SIM115 - held open for the whole run
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _release_run_lock(tmp: Path, handle: object) -> None:
    (tmp / RUN_LOCK).unlink(missing_ok=True)
    handle.close()  # type: ignore[attr-defined]


def remove_stale_runs(final: Path) -> list[Path]:
    """Remove the temporary folders of runs that were killed (no process holds their lock).

    A run killed with SIGKILL cannot clean up after itself; its hidden folder may hold the
    respondent-level cache. The next run of the same report removes it. A folder whose lock is
    held belongs to a run still going (two runs at once on one output) and is left alone.
    """
    import fcntl

    removed = []
    for folder in sorted(final.parent.glob(f".{final.name}.*")):
        lock = folder / RUN_LOCK
        if not folder.is_dir():
            continue
        try:
            with open(lock, "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run
        except OSError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def die_with_parent() -> None:
    """In a worker process: be sent SIGTERM when the parent dies (Linux), so killing
    ``arf-eval run`` never leaves workers running."""
    import ctypes
    import signal

    # A forked worker inherits the CLI's SIGTERM handler (raise KeyboardInterrupt, for a clean
    # stop), which the pool's worker loop catches and survives: the parent's death signal must
    # end the worker (and so, by its parent poller, the worker's kernel). Found by the fault
    # suite: after SIGKILL of the run, workers and a kernel ran on for minutes.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # not Linux: no libc.so.6, and workers end with the pool as before
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def publish(tmp: Path, final: Path) -> None:
    """Move a finished report into place, replacing the previous one only now."""
    final.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp's private 0700 would hide the report from its readers
    old = final.with_name(final.name + ".previous")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old)
    failed = final.with_name(final.name + ".failed")
    if failed.exists():
        shutil.rmtree(failed)


def run_report(
    config: EvaluationConfig,
    scope: str = "region",
    scope_value: str | None = None,
    *,
    notebooks: list[Path] | None = None,
    progress: bool = True,
    extra_parameters: dict | None = None,
    output_dir: Path | None = None,
    notebook_workers: int | None = None,
    previous: EvaluationConfig | None = None,
    inputs: tuple[LoadedSurvey, PreparedInputs] | None = None,
    release_decisions: dict[str, list] | None = None,
) -> RunResult:
    """Build one complete report (see the module docstring) and return where it is.

    ``previous``: the previous wave's config, for the year-on-year report (its survey is loaded
    the same way and cached beside this wave's). ``inputs`` (the loaded survey and its prepared
    inputs, from :func:`~evaluation.io.wave.load_wave` and :func:`prepare_inputs` on this config)
    skips loading and preparing: packs prepare the wave once and share it
    (:mod:`evaluation.pipeline.distributed`). ``release_decisions`` (table name -> cells, from
    :func:`evaluation.pipeline.release.protect_wave`) are hidden from the start: a pack rebuilt
    so that region + packs cannot be differenced; they are kept in the report folder
    (:data:`~evaluation.pipeline.release.RELEASE_DECISIONS`, cell positions only), so a later
    pack run that must hide more in this pack rebuilds it from all of them.
    """
    from evaluation.audit import audit_report
    from evaluation.pipeline.html import build_html
    from evaluation.pipeline.manifest import write_manifest
    from evaluation.publishing.dictionary import write_table_dictionary

    check_scope(scope, scope_value)
    books = notebooks if notebooks is not None else report_notebooks()
    parameters = report_parameters(config, scope, scope_value) | (extra_parameters or {})
    check_parameters(books, parameters)
    ensure_kernel()
    start = time.perf_counter()
    # bad input stops here, before anything is written
    loaded = load_wave(config) if inputs is None else inputs[0]
    check_unit(loaded.frame, scope, scope_value, config.pack_min_respondents)
    if scope != "region":  # a pack names its unit in its title
        from dataclasses import replace

        from evaluation.analyses.benchmarks import pack_comparators

        unit_label = pack_comparators(loaded.frame, scope, scope_value or "")[0][0]
        config = replace(config, title=f"{config.title}: {unit_label}")
    final = output_dir or destination(config, scope, scope_value)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_runs(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    run_lock = _hold_run_lock(tmp)
    timings: dict[str, float] = {}
    try:
        if inputs is None:
            names = read_names(config.redact_names)
            prepared = prepare_inputs(loaded, config.focus_group, names, config.facilitators)
        else:
            prepared = inputs[1]
        if previous is None and config.previous_wave is not None:
            from evaluation.pipeline.config import load_config

            previous = load_config(config.previous_wave)  # for "since the previous wave"
        previous_frame = load_wave(previous).frame if previous else None
        cache_inputs(prepared, tmp, previous_frame)
        write_run_file(tmp, config, scope, scope_value, previous)
        if release_decisions:
            import json

            from evaluation.pipeline.release import RELEASE_DECISIONS

            (tmp / WORK_DIR / RELEASE_SUPPRESSION).write_text(json.dumps(release_decisions))
            kept = json.dumps(release_decisions, indent=1, sort_keys=True) + "\n"
            (tmp / RELEASE_DECISIONS).write_text(kept)  # for a later rebuild of the pack
        timings["load_validate_redact"] = time.perf_counter() - start
        executed = tmp / "notebooks"
        executed.mkdir()
        timings |= _execute_all(books, executed, parameters, notebook_workers, progress,
                                f"{config.wave} {scope} {scope_value or ''}".strip(),
                                tmp)  # fmt: skip
        from evaluation.audit_columns import release_frame
        from evaluation.pipeline.release import protect_run

        context, other_waves, label = None, [], final.name
        # the waves' packs and other region-level reports, read-only, when this run joins them
        # (a run into a folder outside the config's output is not part of that release)
        if scope == "region" and final.resolve().is_relative_to(config.output.resolve()):
            from evaluation.pipeline.release import Context, wave_release

            entries, residuals, _ = wave_release(config, prepared.survey.frame)
            context = ([e for e in entries if Path(e[0]) != final], residuals)
            if previous is not None and previous_frame is not None:  # a comparison
                entries, residuals, _ = wave_release(previous, previous_frame)
                others = [e for e in entries if Path(e[0]) != final]
                before = release_frame(previous_frame, previous, others)
                other_waves = [Context(str(previous.wave), before, others, residuals)]
            label = f"{final.parent.name}/{final.name}"
        audited = release_frame(prepared.survey.frame, config, context[0] if context else [])
        timings |= protect_run(
            tmp,
            scope_survey(audited, scope, scope_value),
            lambda sections: _execute_all(
                [b for b in books if b.name[:2].isdigit() and int(b.name[:2]) in sections],
                executed, parameters, notebook_workers, False, "again", tmp,
            ),
            min_cell=config.min_cell,
            label=label,
            context=context,
            other_waves=other_waves,
        )  # fmt: skip
        for lock in tmp.rglob(".index.lock"):
            lock.unlink()
        shown = shown_parameters(config, scope, scope_value) | (extra_parameters or {})
        start = time.perf_counter()
        build_html(sorted(executed.glob("*.ipynb")), tmp / "report.html", config, shown)
        timings["html_export"] = time.perf_counter() - start
        shutil.rmtree(tmp / WORK_DIR, ignore_errors=True)
        write_table_dictionary(tmp)
        problems = audit_report(tmp, min_cell=config.min_cell, names=prepared.names)
        if problems:
            listed = "\n".join(f"  - {p}" for p in problems[:20])
            raise PipelineError(f"the disclosure audit failed; nothing was published:\n{listed}")
        write_manifest(tmp, config, shown, loaded, timings, prepared.redactions)
    except BaseException:
        shutil.rmtree(tmp / WORK_DIR, ignore_errors=True)  # never leave respondent-level data
        failed = final.with_name(final.name + ".failed")
        if failed.exists():
            shutil.rmtree(failed)
        _release_run_lock(tmp, run_lock)
        tmp.rename(failed)
        raise
    _release_run_lock(tmp, run_lock)
    publish(tmp, final)
    return RunResult(output_dir=final, timings=timings)
