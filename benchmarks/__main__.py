"""``python -m benchmarks``: run every benchmark, write ``results.json`` and ``results.md``.

``--quick`` runs toy sizes (the smoke test uses it; no packs); ``--only`` picks areas; ``--out``
chooses where the results go (default: this folder). ``report`` times the whole report (``arf-eval
run --scope region``) at ``--report-sizes`` respondents (or ``ARF_BENCH_REPORT_SIZES``, comma-
separated; default 10,000, 100,000 and 1,000,000) beside its one-process floor, and the loader at
the largest size; ``--quick`` runs it at 2,000. An area that fails is recorded as a failed
row and the others still run; the exit status is 1 if any area failed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    models_scale,
    pipeline_scale,
    redaction_benchmark,
    report_scale,
    simulation_study,
    survey_scale,
    text_scale,
)
from benchmarks.harness import Figure, markdown_table

HERE = Path(__file__).resolve().parent
AREAS = ("survey", "models", "text", "redaction", "simulation", "pipeline", "packs", "report")
SURVEY_SIZES = [274, 10_000, 100_000, 1_000_000]
MODEL_SIZES = [10_000, 100_000, 1_000_000]
QUICK_SURVEY_SIZES = [274, 2_000]
QUICK_MODEL_SIZES = [2_000]
QUICK_REPORT_SIZES = [2_000]


def _areas(
    work: Path, quick: bool, extras: dict, report_sizes: list[int] | None = None
) -> dict[str, Callable[[], list[Figure]]]:
    """Each area's runner; the text area also stores the real-data benchmark's own result."""

    def text() -> list[Figure]:
        figures, extras["pxtextmining"] = text_scale.run(quick)
        return figures

    return {
        "survey": lambda: survey_scale.run(
            QUICK_SURVEY_SIZES if quick else SURVEY_SIZES, work, quick
        ),
        "models": lambda: models_scale.run(
            QUICK_MODEL_SIZES if quick else MODEL_SIZES, work, quick
        ),
        "text": text,
        "redaction": lambda: redaction_benchmark.run(quick)[0],
        "simulation": lambda: simulation_study.figures(quick),
        "pipeline": lambda: pipeline_scale.run(work, quick),
        "packs": lambda: [] if quick else [pipeline_scale.packs_figure(work)],
        "report": lambda: report_scale.run(
            work, QUICK_REPORT_SIZES if quick else report_sizes or report_scale.sizes_from_env()
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="toy sizes (smoke test)")
    parser.add_argument("--only", nargs="+", choices=AREAS, default=list(AREAS))
    parser.add_argument("--out", type=Path, default=HERE, help="folder for results.json/.md")
    parser.add_argument(
        "--report-sizes",
        type=lambda text: [int(s.replace("_", "")) for s in text.split(",") if s.strip()],
        default=None,
        help="respondents for the whole-report area, e.g. 10000,100000 (default: "
        f"${report_scale.SIZES_ENV} or 10000,100000,1000000)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    figures: list[Figure] = []
    extras: dict = {}
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="arf-bench-work-") as tmp:
        runners = _areas(Path(tmp), args.quick, extras, args.report_sizes)
        for area in args.only:
            area_start = time.perf_counter()
            print(f"[bench] {area} ...", file=sys.stderr, flush=True)
            try:
                figures += runners[area]()
            except Exception as exc:  # record the failure, run the other areas
                traceback.print_exc()
                failed.append(area)
                figures.append(Figure(f"{area}/FAILED", "", None, met=False, note=repr(exc)))
            print(f"[bench] {area}: {time.perf_counter() - area_start:.0f} s", file=sys.stderr)
    total = time.perf_counter() - started

    results = {
        "quick": args.quick,
        "total_seconds": total,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [f.as_dict() for f in figures],
        **extras,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    targets = [f for f in figures if f.met is not None]
    summary = (
        f"Total {total / 60:.1f} min; targets met {sum(bool(f.met) for f in targets)} of "
        f"{len(targets)}. ratio = seconds / baseline_seconds (below 1: faster than the baseline)."
    )
    table = markdown_table(figures)
    (args.out / "results.md").write_text(f"# Benchmark results\n\n{summary}\n\n{table}\n")
    print(table)
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
