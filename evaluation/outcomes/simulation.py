"""Repeated synthetic panels: do the estimator's intervals cover the planted effect, and does the
placebo stay null? (The check behind the outcomes section's claims; see ``benchmarks``.)"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.outcomes import did
from evaluation.outcomes.synthetic import PLACEBO, simulate_public_outcomes


def one_panel(
    seed: int,
    north_west: pd.DataFrame,
    cohorts: dict[str, int],
    n_permutations: int = 49,
    outcome: tuple[str, str] = ("q16b", "Global Majority"),
) -> list[dict]:
    """Estimate the planted outcome and the placebo on one synthetic panel."""
    synthetic = simulate_public_outcomes(seed=seed, north_west=north_west, cohorts=cohorts)
    pool = list(north_west["ods_code"])
    rows = []
    for indicator, group in (outcome, (PLACEBO, outcome[1])):
        values = synthetic.panel[
            (synthetic.panel["indicator"] == indicator) & (synthetic.panel["group"] == group)
        ].rename(columns={"pct": "y"})
        frame = did.did_frame(values, cohorts)
        result = did.estimate(frame)
        if n_permutations:
            result = did.randomisation_inference(
                frame, result, n_permutations, seed=seed, pool=pool
            )
        truth = synthetic.truth["att_simple"].get(indicator, {}).get(group, 0.0)
        rows.append(
            {
                "seed": seed,
                "indicator": indicator,
                "group": group,
                "truth": truth,
                **result.as_frame().iloc[0].to_dict(),
            }
        )
    return rows


def coverage_study(
    n_panels: int,
    north_west: pd.DataFrame,
    cohorts: dict[str, int],
    n_permutations: int = 49,
    first_seed: int = 1000,
) -> pd.DataFrame:
    """One row per panel and outcome: estimate, intervals, p-values and the truth."""
    rows = []
    for k in range(n_panels):
        rows += one_panel(first_seed + k, north_west, cohorts, n_permutations)
    return pd.DataFrame(rows)


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the truth by each interval, rejection rates at 5%, bias, per outcome."""
    out = []
    for (indicator, group), r in results.groupby(["indicator", "group"], sort=False):
        row = {
            "indicator": indicator,
            "group": group,
            "panels": len(r),
            "truth": float(r["truth"].mean()),
            "mean_estimate": float(r["att"].mean()),
            "bias": float((r["att"] - r["truth"]).mean()),
            "sd_estimate": float(r["att"].std(ddof=1)),
            "mean_analytic_se": float(r["se"].mean()),
            "coverage_analytic": float(
                ((r["ci_low"] <= r["truth"]) & (r["truth"] <= r["ci_high"])).mean()
            ),
        }
        if r["ri_sd"].notna().any():
            row |= {
                "mean_ri_sd": float(r["ri_sd"].mean()),
                "coverage_ri": float(
                    ((r["ri_ci_low"] <= r["truth"]) & (r["truth"] <= r["ri_ci_high"])).mean()
                ),
                "reject_ri_p": float((r["ri_p"] < 0.05).mean()),
                "reject_pretrend": float((r["ri_pretrend_p"] < 0.05).mean()),
            }
        row["reject_analytic"] = float(((r["ci_low"] > 0) | (r["ci_high"] < 0)).mean())
        out.append(row)
    return pd.DataFrame(out)


def north_west_and_cohorts(organisations_csv, register_csv) -> tuple[pd.DataFrame, dict[str, int]]:
    """The North West trusts (codes, names, types) and the register's dated cohorts."""
    from evaluation.outcomes.register import read_register
    from evaluation.outcomes.synthetic import BENCHMARK

    orgs = pd.read_csv(organisations_csv, dtype=str, keep_default_na=False)
    code = "org_code" if "org_code" in orgs.columns else "ods_code"
    orgs = orgs[orgs["org_type"].isin(list(BENCHMARK))]
    north_west = pd.DataFrame(
        {"ods_code": orgs[code], "org_name": orgs["org_name"], "org_type": orgs["org_type"]}
    )
    register = read_register(register_csv).dropna(subset=["first_year"])
    return north_west, {r.ods_code: int(r.first_year) for r in register.itertuples()}


__all__ = ["coverage_study", "north_west_and_cohorts", "np", "one_panel", "summarise"]
