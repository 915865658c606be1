"""The whole report at scale: ``arf-eval run --scope region`` at 10,000 to 1,000,000 respondents.

For each size a synthetic wave (``arf-eval synth``: free text in proportion) is written with a
config beside it, then:

- **the report**: ``python -m evaluation run --config ... --scope region`` as a child process, as a
  user runs it. Wall time; peak resident set of *every* process of the run (the driver, the
  notebook workers, the Jupyter kernels), from ``VmHWM`` of each process in ``/proc``, sampled
  while it lives (so growth in a process's last fraction of a second can be missed); the time
  of each notebook and of loading and HTML from the report's ``manifest.json``.
- **the floor**: the same notebooks' code in one plain process
  (:func:`benchmarks.pipeline_scale.floor`), its time per notebook and its peak RSS.
- **the loader** at the largest size: :func:`evaluation.io.survey.read_survey_table` of the
  wave's ``survey.csv`` against ``pandas.read_csv`` of the same file (``dtype=str``), timed
  alternately in a fresh process; then validation and typing (:func:`load_survey`) for the record.

Targets (this machine, 2 cores): the report at 100,000 within 3 minutes and at 1,000,000 within
15 minutes with no process over 6 GB; each within 2x its floor; the loader within 2x
``pandas.read_csv`` at 1,000,000. Sizes: ``--report-sizes`` or ``ARF_BENCH_REPORT_SIZES``
(comma-separated), default 10,000, 100,000 and 1,000,000.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from benchmarks.harness import ROOT, Figure, paired, peak_rss_mb, run_isolated
from evaluation.paths import SURVEY_DATA

SIZES = [10_000, 100_000, 1_000_000]
SIZES_ENV = "ARF_BENCH_REPORT_SIZES"
BUNDLED_CONFIG = SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"
WALL_TARGETS = {100_000: 3 * 60.0, 1_000_000: 15 * 60.0}
MAX_PROCESS_MB = 6 * 1024.0
MAX_FLOOR_RATIO = 2.0
MAX_LOADER_RATIO = 2.0
LOADER_SIZE = 1_000_000


def sizes_from_env(default: list[int] = SIZES) -> list[int]:
    """Report sizes from ``ARF_BENCH_REPORT_SIZES`` ("10000,100000"), else ``default``."""
    raw = os.environ.get(SIZES_ENV, "").strip()
    return [int(s.replace("_", "")) for s in raw.split(",") if s.strip()] if raw else default


def make_wave(size: int, work: Path) -> Path:
    """A synthetic wave of ``size`` respondents in ``work`` and its config; the config's path."""
    from evaluation.synth import generate_wave

    folder = generate_wave(2025, size, 1, work / f"wave_{size}")
    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    settings = {
        **bundled,
        "survey": str(folder / "survey.csv"),
        "focus_group": str(folder / "focus_group"),
        "codebook": str((BUNDLED_CONFIG.parent / bundled["codebook"]).resolve()),
        "margins": str((BUNDLED_CONFIG.parent / bundled["margins"]).resolve()),
        "output": str(work / f"reports_{size}"),
    }
    path = folder / "evaluation.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def _role(cmdline: list[str], is_root: bool) -> str:
    """``driver`` (the ``arf-eval run`` process), ``kernel`` (Jupyter) or ``worker`` (the
    process pool running papermill, which shares the driver's command line)."""
    if is_root:
        return "driver"
    return "kernel" if "ipykernel" in " ".join(cmdline) else "worker"


class ProcessWatch:
    """Peak RSS (``VmHWM``) of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProcessWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
                hwm = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM"))
                known = self.peaks.get(process.pid, (None,))[0]
                role = known or _role(process.cmdline(), process.pid == self.pid)
            except (OSError, StopIteration, psutil.Error):
                continue
            old = self.peaks.get(process.pid, (role, 0.0))[1]
            self.peaks[process.pid] = (role, max(old, hwm / 1024))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def by_role(self) -> dict[str, tuple[int, float]]:
        """Role -> (number of processes, largest peak MB)."""
        out: dict[str, tuple[int, float]] = {}
        for role, peak in self.peaks.values():
            count, top = out.get(role, (0, 0.0))
            out[role] = (count + 1, max(top, peak))
        return out


def report_run(config_path: Path) -> dict:
    """``python -m evaluation run --scope region`` in a child process: times and peaks."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}  # the child runs this checkout's code
    command = [sys.executable, "-m", "evaluation", "run", "--config", str(config_path)]
    command += ["--scope", "region"]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with (
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as child,
        ProcessWatch(child.pid) as watch,
    ):
        output, _ = child.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if child.returncode:
        raise RuntimeError(f"arf-eval run failed ({child.returncode}):\n{output[-3000:]}")
    settings = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    manifest = Path(settings["output"]) / "2025" / "region" / "manifest.json"
    timings = json.loads(manifest.read_text(encoding="utf-8"))["timings_seconds"]
    return {
        "wall": wall,
        "cpu": cpu,
        "load": (load, os.getloadavg()[0]),
        "timings": timings,
        "roles": watch.by_role(),
    }


def floor_run(config_path: Path) -> dict:
    """The floor in a fresh process: its wall time, time per notebook and peak RSS."""
    import resource

    from evaluation.pipeline.run import report_notebooks

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = run_isolated(
        "benchmarks.pipeline_scale",
        "floor",
        config_path=str(config_path),
        notebooks=[str(p) for p in report_notebooks()],
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {**result, "wall": wall, "cpu": cpu}


def loader(csv_path: str, repeats: int = 3) -> dict:
    """read_survey_table against pandas.read_csv of the same file, alternately; then validation."""
    import pandas as pd

    from evaluation.io.survey import load_survey, read_survey_table

    def bare() -> object:
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)

    mine, base = paired(lambda: read_survey_table(csv_path), bare, repeats)
    rows = len(read_survey_table(csv_path))
    start = time.perf_counter()
    loaded = load_survey(csv_path, on_error="exclude")
    validate = time.perf_counter() - start
    return {
        "read": mine,
        "read_csv": base,
        "rows": rows,
        "load_survey": validate,
        "analysed": len(loaded.frame),
        "peak_mb": peak_rss_mb(),
    }


def _per_notebook(report: dict, floor: dict) -> str:
    parts = []
    for name, seconds in report["timings"].items():
        base = floor["times"].get(name)
        parts.append(f"{name} {seconds:.0f}s" + (f" (floor {base:.0f}s)" if base else ""))
    return "; ".join(parts)


def size_figures(size: int, work: Path) -> tuple[list[Figure], Path]:
    """The report and floor rows of one size; also the wave's survey.csv for the loader."""
    config_path = make_wave(size, work)
    report = report_run(config_path)
    floor = floor_run(config_path)
    roles = report["roles"]
    peak = max((top for _, top in roles.values()), default=0.0)
    limit = WALL_TARGETS.get(size)
    within_floor = report["wall"] <= MAX_FLOOR_RATIO * floor["wall"]
    target = f"<= {MAX_FLOOR_RATIO:g}x floor"
    met = within_floor
    if limit is not None:
        target += f", <= {limit / 60:g} min"
        met = met and report["wall"] <= limit
    if size >= LOADER_SIZE:
        target += f", every process < {MAX_PROCESS_MB / 1024:g} GB"
        met = met and peak < MAX_PROCESS_MB
    processes = ", ".join(
        f"{role}: {count} process(es), largest {top:,.0f} MB"
        for role, (count, top) in sorted(roles.items())
    )
    figures = [
        Figure(
            "report/run_region",
            size,
            report["wall"],
            "floor: same notebooks' code, one process",
            floor["wall"],
            target,
            met,
            peak_mb=peak,
            note=f"CPU {report['cpu']:.0f}s (floor {floor['cpu']:.0f}s); load average "
            f"{report['load'][0]:.1f} -> {report['load'][1]:.1f} on {os.cpu_count()} cores "
            f"(other work on the machine stretches wall times); peak RSS {processes}; floor "
            f"peak {floor.get('peak_mb', 0):,.0f} MB; " + _per_notebook(report, floor),
        )
    ]
    for name, seconds in report["timings"].items():
        figures.append(Figure(f"report/{name}", size, seconds, "floor", floor["times"].get(name)))
    settings = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    return figures, Path(settings["survey"])


def loader_figure(csv_path: Path, size: int) -> Figure:
    result = run_isolated("benchmarks.report_scale", "loader", csv_path=str(csv_path))
    ratio_ok = result["read"] <= MAX_LOADER_RATIO * result["read_csv"]
    target = f"<= {MAX_LOADER_RATIO:g}x read_csv" if size >= LOADER_SIZE else ""
    return Figure(
        "report/loader_read_survey_table",
        size,
        result["read"],
        "pandas.read_csv(dtype=str)",
        result["read_csv"],
        target,
        ratio_ok if target else None,
        peak_mb=result["peak_mb"],
        note=f"{result['rows']:,} rows read (fast path); load_survey (read + validate + type) "
        f"{result['load_survey']:.1f}s, {result['analysed']:,} analysed; peak RSS of the process",
    )


def run(work: Path, sizes: list[int] | None = None) -> list[Figure]:
    """Report and floor at every size (smallest first), the loader at the largest."""
    figures: list[Figure] = []
    largest: tuple[int, Path] | None = None
    for size in sorted(sizes or sizes_from_env()):
        started = time.perf_counter()
        rows, csv_path = size_figures(size, work)
        figures += rows
        largest = (size, csv_path)
        print(f"[bench] report at {size:,}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if largest is not None:
        figures.append(loader_figure(largest[1], largest[0]))
    return figures
