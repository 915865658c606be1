"""The pipeline: ``run_report`` on the default wave against its floor, and packs across cores.

- ``run_report`` (papermill, one kernel per notebook, then nbconvert HTML) on the bundled synthetic
  2025 wave, into a temporary folder, split into kernel start-up (papermill running an empty
  notebook, times the notebooks), the package imports each kernel repeats (papermill running each
  notebook's import lines alone, less the start-up), computation (the rest of the notebooks' time,
  plus load/validate/redact) and HTML export (the pipeline's own timings).
- The floor for the same work: one plain Python process (:func:`floor`) that prepares the inputs as
  the pipeline does and executes every report notebook's code cells in turn, with the same
  parameters injected after the parameters cell, a non-interactive matplotlib backend and output
  to a temporary folder. Target: ``run_report`` within 2x the floor.
- Loading once: the floor counts calls of ``load_survey`` (validation of the whole file),
  ``load_inputs`` (a notebook reading the prepared survey cached by the run) and loads of a text
  model (codebook, suggester training),
  by wrapping those functions in the process; ``run_report``'s own process is counted the same way.
- Packs: :func:`evaluation.pipeline.packs.run_packs` per organisation with one worker, then with
  every core, on a temporary config for a 2,000-respondent synthetic wave whose
  ``pack_min_respondents`` gives 20 packs (``ARF_BENCH_PACKS`` to change it), as for 20 trusts;
  target: all cores at least 1.8x faster than one worker (on 2 cores, 2x is the ceiling).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import nbformat
import pandas as pd
import yaml

from benchmarks.harness import Figure, clock, run_isolated
from evaluation.analyses.units import pack_units
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import EvaluationConfig, load_config
from evaluation.pipeline.run import KERNEL_NAME, execute_notebook, report_notebooks

DEFAULT_CONFIG = SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"
MAX_RATIO = 2.0
PACK_WAVE_SIZE = 2_000
PACKS = 20
PACKS_ENV = "ARF_BENCH_PACKS"
MIN_PACK_SPEEDUP = 1.8


def notebook_code(path: Path, parameters: dict) -> list[str]:
    """A notebook's code cells, with the parameters injected after its ``parameters`` cell."""
    cells = [c for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    injected = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    out = []
    for cell in cells:
        out.append(cell.source)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            out.append(injected)
    return out


@contextlib.contextmanager
def counting(targets: dict[str, tuple[object, str]]) -> Iterator[Counter]:
    """Count calls of each ``(owner, attribute)`` function while the context is open."""
    calls: Counter = Counter()
    with contextlib.ExitStack() as stack:
        for label, (owner, name) in targets.items():
            original = getattr(owner, name)

            def wrapper(*args, _label=label, _original=original, **kwargs):
                calls[_label] += 1
                return _original(*args, **kwargs)

            stack.enter_context(mock.patch.object(owner, name, wrapper))
        yield calls


def _load_targets() -> dict[str, tuple[object, str]]:
    """The functions whose calls show a whole survey or text model being loaded."""
    import evaluation.inputs
    import evaluation.io.survey
    import evaluation.pipeline.run
    import evaluation.publishing.context
    import evaluation.text.codebook
    from evaluation.text.suggester import CodeSuggester

    return {
        "load_survey": (evaluation.io.survey, "load_survey"),
        "load_wave (report)": (evaluation.publishing.context, "load_wave"),
        "load_wave (inputs)": (evaluation.inputs, "load_wave"),
        "load_wave (pipeline)": (evaluation.pipeline.run, "load_wave"),
        "load_inputs": (evaluation.publishing.context, "load_inputs"),
        "load_codebook": (evaluation.text.codebook, "load_codebook"),
        "CodeSuggester.fit": (CodeSuggester, "fit"),
    }


def floor(config_path: str, notebooks: list[str]) -> dict:
    """Prepare the inputs and run the notebooks' code in this process; returns times and counts."""
    os.environ["MPLBACKEND"] = "Agg"
    import evaluation.pipeline.run as pipeline_run
    from evaluation.inputs import cache_inputs, prepare_inputs, read_names, write_run_file
    from evaluation.publishing.context import RUN_DIR_ENV

    config = load_config(config_path)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="arf-floor-") as tmp, counting(_load_targets()) as n:
        start = time.perf_counter()
        loaded = pipeline_run.load_wave(config)  # counted
        names = read_names(config.redact_names)
        prepared = prepare_inputs(loaded, config.focus_group, names, config.facilitators)
        cache_inputs(prepared, Path(tmp))
        write_run_file(Path(tmp), config, "region", None)
        os.environ[RUN_DIR_ENV] = tmp  # the notebooks' code publishes into this run, as in a run
        times["load_validate_redact"] = time.perf_counter() - start
        parameters = pipeline_run.report_parameters(config, "region", None)
        for name in notebooks:
            path = Path(name)
            namespace: dict = {"__name__": "__main__"}
            cwd = Path.cwd()
            os.chdir(path.parent)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    times[path.stem] = clock(
                        lambda p=path, ns=namespace: [
                            exec(compile(code, str(p), "exec"), ns)
                            for code in notebook_code(p, parameters)
                        ]
                    )[0]
            finally:
                os.chdir(cwd)
        os.environ.pop(RUN_DIR_ENV, None)
    from benchmarks.harness import peak_rss_mb

    return {"times": times, "calls": dict(n), "peak_mb": peak_rss_mb()}


def _probe_notebook(folder: Path, code: str) -> Path:
    """A notebook with a parameters cell and ``code``: papermill's cost for that code alone."""
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": KERNEL_NAME,
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell("config = ''\nscope = 'region'\nscope_value = ''")
    cell.metadata["tags"] = ["parameters"]
    book.cells = [cell, nbformat.v4.new_code_cell(code)]
    path = folder / "probe.ipynb"
    nbformat.write(book, str(path))
    return path


def import_lines(notebook: Path) -> str:
    """The import statements of a notebook's code cells (continuation lines included)."""
    lines, keep = [], False
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            keep = line.startswith(("import ", "from ")) or (keep and line.startswith(" "))
            if keep:
                lines.append(line)
    return "\n".join(lines)


def papermill_seconds(code: str, repeats: int) -> float:
    """Median seconds papermill takes to run a notebook holding only ``code``."""
    with tempfile.TemporaryDirectory(prefix="arf-probe-") as tmp:
        path = _probe_notebook(Path(tmp), code)
        out = Path(tmp) / "out.ipynb"
        times = [execute_notebook(path, out, {}) for _ in range(repeats)]
    return statistics.median(times)


def report_run(config: EvaluationConfig, notebooks: list[Path]) -> tuple[float, dict, dict]:
    """``run_report`` into a temporary folder: wall seconds, its timings, load counts."""
    from evaluation.pipeline.run import run_report

    with tempfile.TemporaryDirectory(prefix="arf-report-") as tmp, counting(_load_targets()) as n:
        out = Path(tmp) / "region"
        seconds, result = clock(
            lambda: run_report(config, notebooks=notebooks, progress=False, output_dir=out)
        )
    return seconds, result.timings, dict(n)


def pipeline_figures(notebooks: list[Path], startup_repeats: int) -> list[Figure]:
    """run_report split into start-up, imports, computation and HTML export, against the floor."""
    config = load_config(DEFAULT_CONFIG)
    size = f"default wave ({len(notebooks)} notebooks)"
    startup = papermill_seconds("pass", startup_repeats)
    imports = sum(papermill_seconds(import_lines(p), 1) - startup for p in notebooks)
    total, timings, report_calls = report_run(config, notebooks)
    floor_total, floor_result = clock(
        lambda: run_isolated(
            "benchmarks.pipeline_scale",
            "floor",
            config_path=str(config.path),
            notebooks=[str(p) for p in notebooks],
        )
    )
    floor_times, floor_calls = floor_result["times"], floor_result["calls"]
    floor_work = sum(floor_times.values())
    startup_total = startup * len(notebooks)
    prepare, html = timings["load_validate_redact"], timings["html_export"]
    notebook_total = sum(timings[p.stem] for p in notebooks)
    computation = notebook_total - startup_total - imports + prepare
    split = (
        f"kernel start-up {startup_total:.1f}s, package imports in each kernel {imports:.1f}s, "
        f"computation {computation:.1f}s (summed over notebooks, which run side by side, one per "
        f"core, so the parts add up to more than the wall time), HTML export {html:.1f}s; the "
        f"floor's interpreter start-up and imports (once) {floor_total - floor_work:.1f}s"
    )
    figures = [
        Figure(
            "pipeline/run_report",
            size,
            total,
            "floor: same code, one process",
            floor_total,
            f"<= {MAX_RATIO:g}x floor",
            total <= MAX_RATIO * floor_total,
            note=split,
        ),
        Figure(
            "pipeline/kernel_startup",
            size,
            startup_total,
            note=f"{startup:.2f}s per notebook (papermill running an empty notebook; median)",
        ),
        Figure(
            "pipeline/kernel_imports",
            size,
            imports,
            note="each kernel imports the package again: papermill running each notebook's "
            "import lines alone, less the start-up",
        ),
        Figure(
            "pipeline/computation",
            size,
            computation,
            "floor: load + notebooks' code",
            floor_work,
            note="load/validate/redact + notebooks less start-up and imports (kernels also "
            "render tables and figures for display); floor without interpreter start-up, imports",
        ),
        Figure("pipeline/html_export", size, html, note="nbconvert HTML of the notebooks, no code"),
    ]
    loads = report_calls.get("load_wave (pipeline)", 0)
    floor_loads = sum(v for k, v in floor_calls.items() if k.startswith("load_wave"))
    codebook_loads = floor_calls.get("load_codebook", 0)
    suggester_fits = floor_calls.get("CodeSuggester.fit", 0)
    cache_reads = floor_calls.get("load_inputs", 0)
    return [
        *figures,
        Figure(
            "pipeline/loads_per_run",
            size,
            None,
            target="survey validated once, codebook loaded once",
            met=loads <= 1 and floor_loads <= 1 and codebook_loads <= 1,
            note=f"load_wave: run_report process {loads}, floor run {floor_loads} (patched "
            f"in-process); notebooks reading the run's cached survey {cache_reads} (one per "
            f"notebook); load_codebook {codebook_loads}; CodeSuggester.fit {suggester_fits} (one "
            "per cross-validation fold when scoring, not a reload)",
        ),
    ]


def packs_config(work: Path, packs: int) -> Path:
    """A config for a synthetic wave of :data:`PACK_WAVE_SIZE` respondents written in ``work``,
    with ``pack_min_respondents`` set so that ``packs`` organisations get a pack (more on ties)."""
    from evaluation.synth import generate_wave

    folder = generate_wave(2025, PACK_WAVE_SIZE, 1, work / "pack_wave")
    config = load_config(DEFAULT_CONFIG)
    frame = pd.read_csv(folder / "survey.csv", usecols=["org_code", "org_name"], dtype=str)
    counts = pack_units(frame, "org", 0)["respondents"].sort_values(ascending=False)
    settings = {
        "wave": 2025,
        "title": "Benchmark packs (synthetic)",
        "survey": str(folder / "survey.csv"),
        "focus_group": str(folder / "focus_group"),
        "codebook": str(config.codebook),
        "output": str(work / "reports"),
        "pack_min_respondents": int(counts.iloc[min(packs, len(counts)) - 1]),
    }
    path = work / "evaluation.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def packs_figure(work: Path) -> Figure:
    """Organisation packs with one worker against all cores (the same packs, built twice)."""
    from evaluation.pipeline.packs import run_packs

    cores = os.cpu_count() or 1
    packs = int(os.environ.get(PACKS_ENV, PACKS))
    config = load_config(packs_config(work, packs))
    timed: dict[int, float] = {}
    built = 0
    for workers in (1, cores):
        timed[workers], summary = clock(
            lambda w=workers: run_packs(config, "org", workers=w, progress=False)
        )
        built = len(summary.built)
        if summary.failed:
            raise RuntimeError(f"packs failed: {summary.failed}")
    return Figure(
        "pipeline/packs",
        f"{built} organisation packs",
        timed[cores],
        "one worker",
        timed[1],
        f"one worker >= {MIN_PACK_SPEEDUP:g}x all cores",
        timed[1] >= MIN_PACK_SPEEDUP * timed[cores],
        note=f"{cores} workers (all cores) vs 1, speed-up {timed[1] / timed[cores]:.2f}x; "
        f"synthetic wave of {PACK_WAVE_SIZE:,} "
        f"respondents, pack_min_respondents {config.pack_min_respondents}; ideal ratio "
        f"{math.ceil(built / cores) / built:.2f}",
    )


def run(work: Path, quick: bool = False) -> list[Figure]:
    """Pipeline figures; ``quick`` runs the first notebook only, with one start-up sample."""
    return pipeline_figures(
        report_notebooks()[:1] if quick else report_notebooks(), 1 if quick else 3
    )
