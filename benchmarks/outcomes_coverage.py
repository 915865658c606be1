"""Coverage of the planted ARF effect and the placebo's false-positive rate over repeated
synthetic public-outcomes panels (issue 12).

    python -m benchmarks.outcomes_coverage --panels 200 --permutations 29 --out coverage.csv

Each panel is the synthetic panel of ``evaluation.outcomes.synthetic`` (every English trust,
2019-2026) with the synthetic 2025 wave's register (7 dated Bronze organisations), a new seed per
panel. For the planted outcome (Q16b, Global Majority staff) and the placebo (Q14a, no effect):
Callaway-Sant'Anna ATT, its analytic interval, and the randomisation interval and p-value (cohorts
re-assigned among the North West trusts). Prints the summary; writes per-panel rows to ``--out``.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from evaluation.outcomes import simulation
from evaluation.paths import SURVEY_DATA


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=200)
    parser.add_argument("--permutations", type=int, default=29)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    north_west, cohorts = simulation.north_west_and_cohorts(
        SURVEY_DATA / "organisations.csv", SURVEY_DATA / "synthetic" / "2025" / "arf_status.csv"
    )
    start = time.perf_counter()
    rows = []
    for k in range(args.panels):
        rows += simulation.one_panel(args.first_seed + k, north_west, cohorts, args.permutations)
        if args.out and (k + 1) % 10 == 0:
            pd.DataFrame(rows).to_csv(args.out, index=False)
    results = pd.DataFrame(rows)
    if args.out:
        results.to_csv(args.out, index=False)
    summary = simulation.summarise(results)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(summary.T.to_string())
    print(
        f"{args.panels} panels, {args.permutations} permutations each, "
        f"{time.perf_counter() - start:.0f} s"
    )
    return summary


if __name__ == "__main__":
    main()
