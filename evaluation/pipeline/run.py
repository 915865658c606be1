"""Run a wave's report notebooks with papermill and publish the report folder atomically.

One report = the numbered notebooks (``notebooks/NN_*.ipynb``, except the year-on-year one) run
in order with the same parameters, into a temporary folder beside the destination. Only when
every notebook has run, the HTML page is built, the manifest written and the disclosure audit
passed is the folder moved into ``reports/<wave>/<scope>[/<name>]``; a failure leaves the last good
report where it was and keeps the failed run in ``<destination>.failed`` for diagnosis.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import papermill as pm
from tqdm.auto import tqdm

from evaluation.io.survey import LoadedSurvey, load_survey
from evaluation.paths import NOTEBOOKS
from evaluation.pipeline.config import EvaluationConfig
from evaluation.report import (
    WORK_DIR,
    PreparedInputs,
    cache_inputs,
    prepare_inputs,
    read_names,
    scope_survey,
)

KERNEL_NAME = "arf-eval"
COMPARISON_NOTEBOOK = "07_year_on_year.ipynb"


class PipelineError(RuntimeError):
    """A report could not be built; the message names the notebook and the cell."""


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


def execute_notebook(notebook: Path, output: Path, parameters: dict) -> float:
    """Run one notebook with papermill; raise :class:`PipelineError` naming the failing cell."""
    declared = pm.inspect_notebook(str(notebook))
    parameters = {k: v for k, v in parameters.items() if k in declared}
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            # the kernel's own log (TCP notice, shutdown chatter) is noise for a report's reader;
            # a failing cell still reaches us as a PapermillExecutionError
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except pm.PapermillExecutionError as exc:
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        cell = _source_cell_number(notebook, exc.source or "")
        raise PipelineError(
            f"notebook {notebook.name} failed at cell {cell}"
            f" ({first!r}): {exc.ename}: {exc.evalue}. The executed notebook is {output}"
        ) from exc
    return time.perf_counter() - start


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
                timings[book.stem] = execute_notebook(book, executed / book.name, parameters)
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {
                    pool.submit(execute_notebook, book, executed / book.name, parameters): book
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


def destination(config: EvaluationConfig, scope: str, scope_value: str | None) -> Path:
    """``reports/<wave>/<scope>`` (region) or ``reports/<wave>/<scope>/<safe name>``."""
    from evaluation.safe_output import safe_path

    base = config.output / str(config.wave) / scope
    return base if scope == "region" else safe_path(base, scope_value or "")


def _publish(tmp: Path, final: Path) -> None:
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
    inputs: tuple[LoadedSurvey, PreparedInputs] | None = None,
) -> RunResult:
    """Build one complete report (see the module docstring) and return where it is.

    ``inputs`` (the loaded survey and its prepared inputs, from :func:`load_survey` and
    :func:`prepare_inputs` on this config) skips loading and preparing: packs prepare the
    wave once and share it (:mod:`evaluation.pipeline.distributed`).
    """
    from evaluation.audit import audit_report
    from evaluation.pipeline.dictionary import write_table_dictionary
    from evaluation.pipeline.html import build_html
    from evaluation.pipeline.manifest import write_manifest

    ensure_kernel()
    final = output_dir or destination(config, scope, scope_value)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    timings: dict[str, float] = {}
    try:
        start = time.perf_counter()
        if inputs is None:
            loaded = load_survey(config.survey, on_error="raise" if config.on_invalid_rows == "fail"
                                 else "exclude")  # fmt: skip
        else:
            loaded = inputs[0]
        scope_survey(loaded.frame, scope, scope_value)  # fails early on an unknown scope value
        if inputs is None:
            prepared = prepare_inputs(loaded, config.focus_group, read_names(config.redact_names))
        else:
            prepared = inputs[1]
        cache_inputs(prepared, tmp)
        timings["load_validate_redact"] = time.perf_counter() - start
        parameters = config.parameters(scope, scope_value) | {"output_dir": str(tmp)}
        parameters |= extra_parameters or {}
        executed = tmp / "notebooks"
        executed.mkdir()
        books = notebooks if notebooks is not None else report_notebooks()
        timings |= _execute_all(books, executed, parameters, notebook_workers, progress,
                                f"{config.wave} {scope} {scope_value or ''}".strip())  # fmt: skip
        for lock in tmp.rglob(".index.lock"):
            lock.unlink()
        declared = set().union(*(pm.inspect_notebook(str(book)) for book in books))
        parameters = {k: v for k, v in parameters.items() if k in declared}
        start = time.perf_counter()
        build_html(sorted(executed.glob("*.ipynb")), tmp / "report.html", config, parameters)
        timings["html_export"] = time.perf_counter() - start
        shutil.rmtree(tmp / WORK_DIR, ignore_errors=True)
        write_table_dictionary(tmp)
        problems = audit_report(tmp, min_cell=config.min_cell)
        if problems:
            listed = "\n".join(f"  - {p}" for p in problems[:20])
            raise PipelineError(f"the disclosure audit failed; nothing was published:\n{listed}")
        write_manifest(tmp, config, parameters, loaded, timings, prepared.redactions)
    except BaseException:
        shutil.rmtree(tmp / WORK_DIR, ignore_errors=True)  # never leave respondent-level data
        failed = final.with_name(final.name + ".failed")
        if failed.exists():
            shutil.rmtree(failed)
        tmp.rename(failed)
        raise
    _publish(tmp, final)
    return RunResult(output_dir=final, timings=timings)
