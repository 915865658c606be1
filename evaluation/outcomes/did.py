"""Staggered difference-in-differences for the ARF cohorts, with inference for few treated units.

The estimator is Callaway and Sant'Anna's group-time ATT (the ``differences`` package, ``ATTgt``),
which stays valid when effects differ by cohort and over time, unlike a two-way fixed-effects
regression. Controls are the not-yet-treated and never-treated organisations. Reported:

- the "simple" aggregate ATT (the average effect over treated organisation-years) with the
  package's analytic 95% interval (clustered by organisation through the influence function);
- the event study (effect by years since the first treated year) and a **pre-trend test**: the
  root mean square of the pre-period estimates, judged against its randomisation distribution
  (the package's per-period analytic errors are unreliable with one or two organisations per
  cohort, so no analytic chi-square is offered);
- **randomisation inference** over organisations: the dated cohorts are re-assigned at random to
  organisations of the pool (cohort sizes kept) and the ATT re-estimated; the p-value is the share
  of re-assignments with an ATT at least as far from 0 as the one observed, and the standard
  deviation of the re-assigned ATTs gives a randomisation interval (ATT +/- t(R-1) x SD). With a
  handful of treated organisations these are the honest figures; the analytic interval (from
  the influence function) is too narrow when a cohort has one or two organisations;
- the **minimum detectable effect** (80% power, 5% two-sided): 2.80 times the standard deviation
  of placebo ATTs when ``n_treated`` organisations are given a fake first treated year.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

MDE_FACTOR = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.80))  # 2.80


def did_frame(
    values: pd.DataFrame, cohorts: dict[str, int], years: list[int] | None = None
) -> pd.DataFrame:
    """A balanced panel for the estimator: ``ods_code, year, y, cohort`` (cohort NaN = never).

    ``values`` has ``ods_code, year, y``. Organisations missing ``y`` in any year of ``years``
    (default: every year present) are left out (the estimator needs a balanced panel). Cohorts
    whose first treated year is not after the first year held cannot be estimated (no pre-period)
    and are left out too.
    """
    frame = values.dropna(subset=["y"])
    years = sorted(years or frame["year"].unique())
    frame = frame[frame["year"].isin(years)]
    complete = frame.groupby("ods_code")["year"].nunique() == len(years)
    frame = frame[frame["ods_code"].isin(complete[complete].index)].copy()
    frame["cohort"] = frame["ods_code"].map(cohorts).astype(float)
    bad = frame["cohort"] <= years[0]
    frame = frame[~bad]
    frame.loc[frame["cohort"] > years[-1], "cohort"] = np.nan  # treated after the window: never
    return frame[["ods_code", "year", "y", "cohort"]].sort_values(
        ["ods_code", "year"], ignore_index=True
    )


@dataclass
class DidResult:
    """The estimate, its interval, the event study, the pre-trend test and what it rests on."""

    att: float
    se: float
    ci_low: float
    ci_high: float
    event: pd.DataFrame
    pretrend_rms: float
    pretrend_periods: int
    n_treated: int
    n_control: int
    years: list[int]
    cohorts: dict[int, int]
    ri_p: float = np.nan
    ri_pretrend_p: float = np.nan
    ri_sd: float = np.nan
    ri_ci_low: float = np.nan
    ri_ci_high: float = np.nan
    n_permutations: int = 0
    permuted: np.ndarray = field(default_factory=lambda: np.array([]))

    def as_frame(self) -> pd.DataFrame:
        """One row, for publication."""
        return pd.DataFrame(
            [
                {
                    "att": self.att,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "ri_p": self.ri_p,
                    "ri_sd": self.ri_sd,
                    "ri_ci_low": self.ri_ci_low,
                    "ri_ci_high": self.ri_ci_high,
                    "permutations": self.n_permutations,
                    "pretrend_rms": self.pretrend_rms,
                    "pretrend_periods": self.pretrend_periods,
                    "ri_pretrend_p": self.ri_pretrend_p,
                    "treated_orgs": self.n_treated,
                    "control_orgs": self.n_control,
                    "first_year": min(self.years),
                    "last_year": max(self.years),
                }
            ]
        )


def _fit(frame: pd.DataFrame, events: bool = True):
    """(simple ATT, its SE, event-study frame or None) from the differences package."""
    from differences import ATTgt

    data = frame.set_index(["ods_code", "year"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = ATTgt(data=data, cohort_column="cohort")
        att.fit(formula="y", control_group="not_yet_treated", progress_bar=False)
        simple = att.aggregate("simple")
        event = att.aggregate("event") if events else None
    est = float(simple.iloc[0, 0])
    se = float(simple.iloc[0, 1])
    if event is not None:
        event = pd.DataFrame(
            {
                "years_since": event.index.to_numpy(dtype=int),
                "att": event.iloc[:, 0].to_numpy(float),
                "se": event.iloc[:, 1].to_numpy(float),
                "ci_low": event.iloc[:, 2].to_numpy(float),
                "ci_high": event.iloc[:, 3].to_numpy(float),
            }
        )
    return est, se, event


def _pretrend(event: pd.DataFrame) -> tuple[float, int]:
    """Root mean square of the pre-period event-study estimates, and how many there are."""
    pre = event[event["years_since"] < 0]["att"].dropna()
    return (float(np.sqrt(np.mean(pre**2))) if len(pre) else np.nan), len(pre)


def estimate(frame: pd.DataFrame) -> DidResult:
    """Callaway-Sant'Anna on a :func:`did_frame` (see the module docstring)."""
    treated = frame.dropna(subset=["cohort"]).drop_duplicates("ods_code")
    if treated.empty:
        raise ValueError("no treated organisation with a year before and after its award")
    att, se, event = _fit(frame)
    rms, periods = _pretrend(event)
    z = stats.norm.ppf(0.975)
    return DidResult(
        att=att,
        se=se,
        ci_low=att - z * se,
        ci_high=att + z * se,
        event=event,
        pretrend_rms=rms,
        pretrend_periods=periods,
        n_treated=len(treated),
        n_control=frame["ods_code"].nunique() - len(treated),
        years=sorted(int(y) for y in frame["year"].unique()),
        cohorts={int(k): int(v) for k, v in treated["cohort"].value_counts().sort_index().items()},
    )


def _reassign(frame: pd.DataFrame, rng: np.random.Generator, pool: list[str]) -> pd.DataFrame:
    units = frame.drop_duplicates("ods_code").set_index("ods_code")["cohort"]
    labels = units[units.index.isin(pool)]
    shuffled = pd.Series(rng.permutation(labels.to_numpy()), index=labels.index)
    new = units.copy()
    new.loc[shuffled.index] = shuffled
    return frame.assign(cohort=frame["ods_code"].map(new))


def randomisation_inference(
    frame: pd.DataFrame,
    result: DidResult,
    n_permutations: int = 199,
    seed: int = 1,
    pool: list[str] | None = None,
) -> DidResult:
    """Add randomisation-inference p-values (ATT and pre-trend) to ``result``.

    ``pool``: the organisations among which the cohorts are re-assigned (default: all in the
    panel). A pool of similar organisations (e.g. one region) makes the exchangeability assumption
    more plausible; a bigger pool gives finer p-values.
    """
    rng = np.random.default_rng(seed)
    pool = pool or list(frame["ods_code"].unique())
    atts, chis = [], []
    for _ in range(n_permutations):
        shuffled = _reassign(frame, rng, pool)
        if shuffled["cohort"].notna().sum() == 0:
            continue
        att, _, event = _fit(shuffled)
        atts.append(att)
        chis.append(_pretrend(event)[0])
    atts_a, chis_a = np.asarray(atts), np.asarray(chis)
    result.permuted = atts_a
    result.n_permutations = len(atts_a)
    result.ri_p = float((1 + np.sum(np.abs(atts_a) >= abs(result.att))) / (1 + len(atts_a)))
    if np.isfinite(result.pretrend_rms):
        result.ri_pretrend_p = float(
            (1 + np.sum(chis_a >= result.pretrend_rms)) / (1 + np.isfinite(chis_a).sum())
        )
    if len(atts_a) > 1:
        result.ri_sd = float(np.std(atts_a, ddof=1))
        half = float(stats.t.ppf(0.975, len(atts_a) - 1)) * result.ri_sd
        result.ri_ci_low, result.ri_ci_high = result.att - half, result.att + half
    return result


def minimum_detectable_effect(
    values: pd.DataFrame,
    n_treated: int,
    first_year: int,
    n_draws: int = 99,
    seed: int = 2,
    exclude: list[str] | None = None,
    pool: list[str] | None = None,
) -> dict:
    """The smallest effect detectable with 80% power at 5% (two-sided) with this panel's noise.

    ``n_treated`` organisations not in ``exclude`` (e.g. the real Bronze ones) are given
    ``first_year`` as a fake first treated year, ``n_draws`` times; the SD of the placebo ATTs is
    the design's standard error, and the MDE is 2.80 times it. ``values``: ``ods_code, year, y``.
    """
    frame = did_frame(values, {})
    candidates = [
        c
        for c in frame["ods_code"].unique()
        if c not in set(exclude or []) and (pool is None or c in set(pool))
    ]
    if len(candidates) < n_treated:
        raise ValueError(f"only {len(candidates)} organisations to draw {n_treated} from")
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(n_draws):
        chosen = set(rng.choice(candidates, size=n_treated, replace=False))
        fake = frame.assign(
            cohort=np.where(frame["ods_code"].isin(chosen), float(first_year), np.nan)
        )
        estimates.append(_fit(fake, events=False)[0])
    sd = float(np.std(estimates, ddof=1))
    years = sorted(int(y) for y in frame["year"].unique())
    return {
        "mde": MDE_FACTOR * sd,
        "se": sd,
        "n_treated": n_treated,
        "first_year": first_year,
        "n_years": len(years),
        "first_year_held": years[0],
        "last_year_held": years[-1],
        "n_orgs": len(candidates),
        "n_draws": n_draws,
        "mean_placebo_att": float(np.mean(estimates)),
    }
