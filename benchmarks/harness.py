"""Timing, peak memory and the results table shared by the benchmark modules.

Timings on a shared machine are noisy, so a figure and its baseline are timed *alternately* in the
same run (drift in the machine's load hits both) and the median of the repeats is kept. Peak
memory is the resident set of a fresh process (:func:`run_isolated`): on Linux the high-water mark
is reset (``/proc/self/clear_refs``) once the input is built, so the peak is that of the work
measured, with its input in memory; elsewhere it falls back to the process's lifetime peak.
"""

from __future__ import annotations

import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["benchmark", "size", "seconds", "baseline", "baseline_seconds", "ratio", "target", "met"]


@dataclass
class Figure:
    """One row of the results table: a measurement, its baseline, the ratio and the target.

    ``ratio`` is ``seconds / baseline_seconds`` (below 1: faster than the baseline). ``met`` is
    None when the row has no target. ``peak_mb`` is a peak resident set, for memory rows.
    """

    benchmark: str
    size: int | str
    seconds: float | None
    baseline: str = ""
    baseline_seconds: float | None = None
    target: str = ""
    met: bool | None = None
    peak_mb: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def clock(func: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call of ``func``, and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def median_time(func: Callable[[], T], repeats: int = 1) -> tuple[float, T]:
    """Median seconds of ``repeats`` calls of ``func``, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        seconds, result = clock(func)
        times.append(seconds)
    return statistics.median(times), result  # type: ignore[return-value]


def paired(
    func: Callable[[], Any], baseline: Callable[[], Any], repeats: int = 1
) -> tuple[float, float]:
    """Median seconds of ``func`` and of ``baseline``, timed alternately ``repeats`` times each."""
    mine, base = [], []
    for _ in range(repeats):
        base.append(clock(baseline)[0])
        mine.append(clock(func)[0])
    return statistics.median(mine), statistics.median(base)


def _status_mb(field: str) -> float | None:
    """A ``VmRSS``/``VmHWM`` line of ``/proc/self/status`` in MB (None off Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def current_rss_mb() -> float | None:
    """Resident set of this process now, in MB."""
    return _status_mb("VmRSS")


def reset_peak_rss() -> bool:
    """Reset this process's peak resident set to the current one (Linux); False if impossible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident set of this process in MB (since the last :func:`reset_peak_rss`)."""
    import resource

    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(module: str, function: str, **kwargs: Any) -> Any:
    """Call ``module.function(**kwargs)`` in a fresh Python process and return its JSON result.

    A fresh process per measurement gives an honest peak resident set (nothing left over from
    earlier sizes) at the cost of the interpreter's start-up, which is not timed.
    """
    with tempfile.TemporaryDirectory(prefix="arf-bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "benchmarks.harness", module, function, str(out)]
        subprocess.run(command, input=json.dumps(kwargs), text=True, check=True, cwd=ROOT)
        return json.loads(out.read_text())


def _child(argv: Sequence[str]) -> None:
    """Entry of :func:`run_isolated`'s process: keyword arguments as JSON on stdin."""
    module, function, out = argv
    kwargs = json.loads(sys.stdin.read() or "{}")
    result = getattr(importlib.import_module(module), function)(**kwargs)
    Path(out).write_text(json.dumps(result))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value).replace("|", "/")


def markdown_table(figures: Sequence[Figure]) -> str:
    """The results as a Markdown table (``peak_mb`` and ``note`` after the main columns)."""
    header = [*COLUMNS, "peak_mb", "note"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for figure in figures:
        row = figure.as_dict()
        lines.append("| " + " | ".join(_cell(row[c]) for c in header) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    _child(sys.argv[1:])
