"""The outcomes section's analyses: scorecard, comparisons over time, DiD summary, survey join.

Population: NHS organisations in the public files held (trusts for the comparisons: benchmarking
groups naming "Trust"; ICBs, CSUs and social enterprises are left out). Organisation results are
as published (trusts weighted by occupation group); ``base`` is the number of responses, so the
Wilson intervals below are approximate (they ignore the weighting) and describe sampling
variation among respondents only.

Composition: an all-staff rate moves with the share of ethnic-minority respondents alone, because
Global Majority staff report discrimination at two to three times the White rate. A rate is made
comparable across organisations and years by holding that share fixed (:func:`adjusted_rates`):
``adjusted = pct_all - gap x (share - reference share)``, where ``gap`` is England's Global
Majority minus White rate for the indicator (the national workbook's, or the organisations' own
group rows pooled) and the reference share England's latest ethnic-minority share. Group-specific
rates are used directly wherever the files split them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.outcomes import did
from evaluation.outcomes.indicators import LABELS
from evaluation.outcomes.panel import OutcomesData, best_values, latest_organisations, read_folder
from evaluation.outcomes.readers import ENGLAND
from evaluation.outcomes.register import AWARDED, read_register
from evaluation.stats.proportions import newcombe_difference, wilson_interval

SCORE_INDICATORS = ("q14a", "q14b", "q14c", "q15", "q16a", "q16b", "ethnic_minority_share")
NOT_PUBLISHED = "not published (fewer than 11 responses)"
NOT_HELD = "not in the files held"
SHARE = "ethnic_minority_share"
MIN_TREATED = 5  # fewer treated organisations than this: "too few" whatever the estimate


@dataclass
class Outcomes:
    """Everything the outcomes section reads: the panel, organisations and the register."""

    data: OutcomesData
    best: pd.DataFrame
    organisations: pd.DataFrame  # one row per organisation (latest)
    register: pd.DataFrame | None
    north_west: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return self.data.years

    @property
    def is_synthetic(self) -> bool:
        return self.data.truth is not None


def load_outcomes(folder: str | Path | None, register: str | Path | None = None) -> Outcomes | None:
    """The public outcomes named in the config (None when the config names none)."""
    if not folder:
        return None
    data = read_folder(folder)
    reg = read_register(register) if register else None
    orgs = latest_organisations(data.organisations)
    north_west = set(orgs.loc[orgs["region"] == "North West", "ods_code"])
    if reg is not None:
        north_west |= set(reg["ods_code"]) & set(orgs["ods_code"])
    return Outcomes(data, best_values(data.panel), orgs, reg, sorted(north_west))


def files_table(outcomes: Outcomes) -> pd.DataFrame:
    """Which files were read and which skipped (and why)."""
    rows = [{"file": f, "status": "read", "reason": ""} for f in outcomes.data.read]
    rows += [{"file": f, "status": "skipped", "reason": r} for f, r in outcomes.data.skipped]
    return pd.DataFrame(rows, columns=["file", "status", "reason"])


def _trusts(outcomes: Outcomes) -> set[str]:
    orgs = outcomes.organisations
    return set(orgs.loc[orgs["benchmark_group"].str.contains("Trust", na=False), "ods_code"])


def _values(best: pd.DataFrame, indicator: str, group: str = "all") -> pd.DataFrame:
    return best[(best["indicator"] == indicator) & (best["group"] == group)]


def _england(best: pd.DataFrame, indicator: str, group: str, year: int, trusts: set[str]) -> float:
    """England's value: the national workbook's, else the base-weighted mean of organisations."""
    v = _values(best, indicator, group)
    national = v[(v["ods_code"] == ENGLAND) & (v["year"] == year)]
    if len(national):
        return float(national["pct"].iloc[0])
    orgs = v[(v["year"] == year) & v["ods_code"].isin(trusts)].dropna(subset=["pct", "base"])
    return float(np.average(orgs["pct"], weights=orgs["base"])) if len(orgs) else np.nan


def scorecard(outcomes: Outcomes, organisations: list[str] | None = None) -> pd.DataFrame:
    """Each organisation's latest value of each indicator beside its benchmark group and England.

    ``pct`` with its 95% Wilson interval from the base; ``benchmark_median``: the median of the
    organisations of the same benchmarking group that year; ``england``; the change since the
    first year held with Newcombe's interval; White / Global Majority rates and their relative
    likelihood where the files split them. Missing values say why (``status``).
    """
    best = outcomes.best
    orgs = outcomes.organisations.set_index("ods_code")
    codes = organisations if organisations is not None else outcomes.north_west
    trusts = _trusts(outcomes)
    rows = []
    for code in codes:
        if code not in orgs.index:
            continue
        group_name = orgs.at[code, "benchmark_group"]
        peers = set(orgs.index[orgs["benchmark_group"] == group_name])
        for indicator in SCORE_INDICATORS:
            v = _values(best, indicator)
            own = v[v["ods_code"] == code].sort_values("year")
            row = {
                "ods_code": code,
                "org_name": orgs.at[code, "org_name"],
                "benchmark_group": group_name,
                "indicator": indicator,
                "label": LABELS[indicator],
            }
            if own.empty:
                rows.append(row | {"status": NOT_HELD})
                continue
            last = own.iloc[-1]
            year = int(last["year"])
            pct, base = float(last["pct"]), float(last["base"])
            same_year = v[(v["year"] == year) & v["ods_code"].isin(peers)]["pct"].dropna()
            row |= {
                "year": year,
                "pct": pct,
                "base": base,
                "benchmark_median": float(same_year.median()) if len(same_year) else np.nan,
                "benchmark_orgs": len(same_year),
                "england": _england(best, indicator, "all", year, trusts),
                "status": "published" if np.isfinite(pct) else NOT_PUBLISHED,
            }
            if np.isfinite(pct) and np.isfinite(base):
                low, high = wilson_interval(pct / 100 * base, base)
                row |= {"ci_low": 100 * float(low), "ci_high": 100 * float(high)}
            first = own.dropna(subset=["pct", "base"]).iloc[0] if own["pct"].notna().any() else None
            if first is not None and int(first["year"]) < year and np.isfinite(pct):
                d, lo, hi = newcombe_difference(
                    pct / 100 * base, base, first["pct"] / 100 * first["base"], first["base"]
                )
                row |= {
                    "first_year": int(first["year"]),
                    "pct_first": float(first["pct"]),
                    "change_pp": 100 * d,
                    "change_ci_low": 100 * lo,
                    "change_ci_high": 100 * hi,
                }
            groups = best[
                (best["indicator"] == indicator)
                & (best["ods_code"] == code)
                & (best["group"] != "all")
            ]
            if len(groups):
                gy = int(groups["year"].max())
                g = groups[groups["year"] == gy].set_index("group")["pct"]
                white, gm = g.get("White", np.nan), g.get("Global Majority", np.nan)
                row |= {
                    "group_year": gy,
                    "pct_white": white,
                    "pct_global_majority": gm,
                    "relative_likelihood": gm / white if white and np.isfinite(white) else np.nan,
                }
            rows.append(row)
    columns = [
        "ods_code",
        "org_name",
        "benchmark_group",
        "indicator",
        "label",
        "year",
        "pct",
        "ci_low",
        "ci_high",
        "base",
        "benchmark_median",
        "benchmark_orgs",
        "england",
        "first_year",
        "pct_first",
        "change_pp",
        "change_ci_low",
        "change_ci_high",
        "group_year",
        "pct_white",
        "pct_global_majority",
        "relative_likelihood",
        "status",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns)
    return _rounded(table)


def _rounded(table: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    out = table.copy()
    for c in out.columns:
        if c.startswith(("pct", "ci_", "change", "benchmark_median", "england", "mean", "diff")):
            out[c] = pd.to_numeric(out[c]).round(decimals)
        if c.startswith(("relative_likelihood", "rl_")):
            out[c] = pd.to_numeric(out[c]).round(2)
    for c in ("year", "first_year", "group_year", "base", "benchmark_orgs", "orgs"):
        if c in out:
            out[c] = pd.to_numeric(out[c]).astype("Int64")
    return out


def gap_by_year(outcomes: Outcomes, indicator: str) -> pd.Series:
    """England's Global Majority minus White rate by year (points), for every year held.

    From the national workbook where it has the year; else the organisations' group rows pooled
    (base-weighted; unweighted when there are no bases); a year with neither takes the nearest
    year's gap (say so where used).
    """
    best = outcomes.best
    trusts = _trusts(outcomes)
    gaps = {}
    for year in outcomes.years:
        white = _england(best, indicator, "White", year, trusts)
        gm = _england(best, indicator, "Global Majority", year, trusts)
        if not (np.isfinite(white) and np.isfinite(gm)):
            rows = best[
                (best["indicator"] == indicator)
                & (best["year"] == year)
                & best["ods_code"].isin(trusts)
            ]
            means = rows.groupby("group")["pct"].mean()
            white, gm = means.get("White", np.nan), means.get("Global Majority", np.nan)
        gaps[year] = gm - white
    series = pd.Series(gaps, dtype=float)
    known = series.dropna()
    if known.empty:
        return series
    for year in series.index[series.isna()]:
        series[year] = known.iloc[int(np.argmin(np.abs(known.index - year)))]
    return series


def reference_share(outcomes: Outcomes) -> float:
    """England's ethnic-minority share of respondents in the latest year held (percent)."""
    return _england(outcomes.best, SHARE, "all", max(outcomes.years), _trusts(outcomes))


def adjusted_rates(outcomes: Outcomes, indicator: str) -> pd.DataFrame:
    """``ods_code, year, pct, base, share, gap, pct_adjusted``: all-staff rates at a fixed share."""
    rates = _values(outcomes.best, indicator)[["ods_code", "year", "pct", "base"]]
    share = _values(outcomes.best, SHARE)[["ods_code", "year", "pct"]].rename(
        columns={"pct": "share"}
    )
    frame = rates.merge(share, on=["ods_code", "year"], how="left")
    frame["gap"] = frame["year"].map(gap_by_year(outcomes, indicator))
    frame["pct_adjusted"] = (
        frame["pct"] - frame["gap"] * (frame["share"] - reference_share(outcomes)) / 100
    )
    return frame[frame["ods_code"] != ENGLAND].reset_index(drop=True)


def _membership(outcomes: Outcomes) -> dict[str, dict[str, str]]:
    trusts = _trusts(outcomes)
    nw = set(outcomes.north_west) & trusts
    region = outcomes.organisations.set_index("ods_code")["region"]
    rest = {c for c in trusts - nw if region.get(c, "") not in ("", "-")}
    out = {
        "North West vs rest of England": {c: "North West" for c in nw}
        | {c: "Rest of England" for c in rest}
    }
    if outcomes.register is not None:
        bronze = set(outcomes.register.loc[outcomes.register["level"].isin(AWARDED), "ods_code"])
        listed = set(outcomes.register["ods_code"])
        out["Bronze vs not yet Bronze (North West)"] = {
            c: ("Bronze" if c in bronze else "Not yet Bronze") for c in nw & listed
        }
    return out


def _mean_ci(values: pd.Series) -> tuple[float, float, float]:
    v = values.dropna()
    if len(v) < 2:
        return (float(v.mean()) if len(v) else np.nan, np.nan, np.nan)
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def comparison_over_time(outcomes: Outcomes, indicator: str = "q16b") -> pd.DataFrame:
    """Mean trust rates by year for North West vs the rest of England and Bronze vs not yet.

    Each organisation counts once (an unweighted mean of organisation rates), with a 95% t
    interval across organisations; ``mean_adjusted`` holds the ethnic-minority share fixed
    (module docstring); ``difference`` rows give the first group minus the second (Welch).
    """
    adjusted = adjusted_rates(outcomes, indicator)
    rows = []
    for comparison, members in _membership(outcomes).items():
        frame = adjusted[adjusted["ods_code"].isin(members)].copy()
        frame["member"] = frame["ods_code"].map(members)
        labels = list(dict.fromkeys(members.values()))
        labels = sorted(labels, key=lambda x: (x.startswith(("Rest", "Not")), x))
        for year, in_year in frame.groupby("year"):
            parts = {}
            for label in labels:
                part = in_year[in_year["member"] == label]
                mean, low, high = _mean_ci(part["pct_adjusted"])
                parts[label] = part["pct_adjusted"].dropna()
                rows.append(
                    {
                        "comparison": comparison,
                        "group": label,
                        "indicator": indicator,
                        "year": int(year),
                        "orgs": int(part["pct"].notna().sum()),
                        "mean_pct": part["pct"].mean(),
                        "mean_share": part["share"].mean(),
                        "mean_adjusted": mean,
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
            if len(labels) == 2 and all(len(parts[k]) >= 2 for k in labels):
                a, b = parts[labels[0]], parts[labels[1]]
                t = stats.ttest_ind(a, b, equal_var=False)
                ci = t.confidence_interval()
                rows.append(
                    {
                        "comparison": comparison,
                        "group": f"difference ({labels[0]} - {labels[1]})",
                        "indicator": indicator,
                        "year": int(year),
                        "orgs": len(a) + len(b),
                        "mean_adjusted": a.mean() - b.mean(),
                        "ci_low": ci.low,
                        "ci_high": ci.high,
                        "p_value": t.pvalue,
                    }
                )
    table = pd.DataFrame(rows)
    if "p_value" in table:
        table["p_value"] = table["p_value"].round(4)
    return _rounded(table)


def relative_likelihood(
    outcomes: Outcomes, indicators: tuple[str, ...] = ("q14a", "q14_staff", "q15", "q16b")
) -> pd.DataFrame:
    """Global Majority / White relative likelihood (WRES style) by comparison group and year.

    Per organisation the ratio of its Global Majority to its White rate; the table gives the mean
    rates and the geometric mean ratio with a 95% t interval on the log scale (1.00 = parity).
    """
    best = outcomes.best
    rows = []
    for comparison, members in _membership(outcomes).items():
        for indicator in indicators:
            g = best[
                (best["indicator"] == indicator)
                & best["ods_code"].isin(members)
                & best["group"].isin(["White", "Global Majority"])
            ]
            if g.empty:
                continue
            wide = g.pivot_table(index=["ods_code", "year"], columns="group", values="pct").dropna()
            wide = wide[(wide["White"] > 0) & (wide["Global Majority"] > 0)].reset_index()
            wide["member"] = wide["ods_code"].map(members)
            for (year, label), part in wide.groupby(["year", "member"]):
                logs = np.log(part["Global Majority"] / part["White"])
                mean, low, high = _mean_ci(logs)
                rows.append(
                    {
                        "comparison": comparison,
                        "group": label,
                        "indicator": indicator,
                        "year": int(year),
                        "orgs": len(part),
                        "mean_pct_white": part["White"].mean(),
                        "mean_pct_global_majority": part["Global Majority"].mean(),
                        "rl_geometric_mean": np.exp(mean),
                        "rl_ci_low": np.exp(low),
                        "rl_ci_high": np.exp(high),
                    }
                )
    return _rounded(pd.DataFrame(rows))


# --- difference in differences -------------------------------------------------------------


@dataclass
class DidSummary:
    """What the DiD could and could not do, with the figures its sentences are built from."""

    indicator: str
    outcome: str  # what y is
    n_awarded: int
    n_dated: int
    n_usable: int
    dated: dict[str, str]
    years: list[int]
    result: did.DidResult | None
    mde: list[dict]
    gap: float
    truth: float | None = None
    share: float = float("nan")  # North West trusts' ethnic-minority share, latest year (%)

    def table(self) -> pd.DataFrame:
        row = {
            "indicator": self.indicator,
            "outcome": self.outcome,
            "awarded_orgs": self.n_awarded,
            "dated_awards": self.n_dated,
            "usable_cohort_orgs": self.n_usable,
            "first_year": min(self.years),
            "last_year": max(self.years),
        }
        if self.result is not None:
            row |= (
                self.result.as_frame().drop(columns=["first_year", "last_year"]).iloc[0].to_dict()
            )
        for k, m in enumerate(self.mde, start=1):
            row |= {
                f"mde{k}_pp": m["mde"],
                f"mde{k}_orgs": m["n_treated"],
                f"mde{k}_first_treated_year": m["first_year"],
            }
        if self.truth is not None:
            row["planted_att"] = self.truth
        table = pd.DataFrame([row])
        for c in table.columns:
            if table[c].dtype.kind == "f":
                table[c] = table[c].round(4 if c.endswith("_p") or c == "ri_p" else 2)
        return table

    def sentences(self) -> list[str]:
        """The verdict in words, built from the computed figures."""
        label = LABELS[self.indicator].lower()
        out = [
            f"{self.n_awarded} organisation(s) hold an award in the register; {self.n_dated} "
            f"with a known date; {self.n_usable} with survey years both before and after "
            f"the award within {min(self.years)}-{max(self.years)}."
        ]
        if self.result is None:
            if self.dated:
                when = ", ".join(
                    f"{c} (first survey after the award: {y})" for c, y in self.dated.items()
                )
                out.append(
                    f"Dated awards: {when}; no survey year after an award is in the files "
                    "held, so no effect can be estimated."
                )
            else:
                out.append(
                    "No award has a known date, so no before-and-after comparison is possible."
                )
        else:
            r = self.result
            out.append(
                f"Average effect on {label} in treated organisation-years ({self.outcome}): "
                f"{r.att:+.1f} points; randomisation 95% interval {r.ri_ci_low:+.1f} to "
                f"{r.ri_ci_high:+.1f}, randomisation p = {r.ri_p:.2f} over {r.n_permutations} "
                f"re-assignments of the cohorts among North West trusts (analytic interval "
                f"{r.ci_low:+.1f} to {r.ci_high:+.1f}, likely too narrow with "
                f"{r.n_treated} treated organisations)."
            )
            verdict = (
                "no sign that treated and other organisations were already drifting apart"
                if r.ri_pretrend_p >= 0.05
                else "treated organisations were already drifting apart before their awards, "
                "so the estimate is not credible"
            )
            out.append(
                f"Pre-trend test: root mean square of the {r.pretrend_periods} pre-award "
                f"estimates {r.pretrend_rms:.1f} points, randomisation p = "
                f"{r.ri_pretrend_p:.2f}: {verdict}."
            )
        for m in self.mde:
            out.append(
                f"With {m['n_treated']} treated organisation(s) first treated in {m['first_year']} "
                f"and {m['n_years']} survey years ({m['first_year_held']}-{m['last_year_held']}), "
                f"the smallest effect this design would detect (80% power, 5% two-sided) is "
                f"{m['mde']:.1f} points (England's Global Majority - White gap on this item: "
                f"{self.gap:.1f} points)."
            )
        if self.mde and self.outcome.startswith("all staff") and self.share > 0:
            m = self.mde[-1]
            out.append(
                f"That is an all-staff figure: an effect confined to Global Majority staff (about "
                f"{self.share:.0f}% of respondents in North West trusts) would have to be about "
                f"{m['mde'] * 100 / self.share:.0f} points among them to move the all-staff rate "
                f"by {m['mde']:.1f}."
            )
        early = self.result is None
        few = self.n_usable < MIN_TREATED or (self.result is not None and self.result.ri_p >= 0.05)
        smallest = self.mde[0]["mde"] if self.mde else float("nan")
        if early and few:
            out.append(
                "Too early and too few to tell: the public record cannot yet show whether "
                "the framework changed this outcome."
            )
        elif early:
            out.append("Too early to tell.")
        elif few:
            out.append(
                f"Too few to tell: with {self.n_usable} treated organisation(s) no effect is "
                "reliably distinguishable from chance, and effects smaller than "
                f"{smallest:.1f} points would usually go unseen."
            )
        else:
            out.append(
                "An effect of this size is distinguishable from chance in these data; it "
                "is an association with the award's timing, not proof that the framework "
                "caused it."
            )
        if self.truth is not None:
            out.append(f"(Synthetic data: the planted average effect is {self.truth:+.1f} points.)")
        return [s for s in out if s]


def did_summary(
    outcomes: Outcomes,
    indicator: str = "q16b",
    n_permutations: int = 99,
    mde_draws: int = 49,
    seed: int = 1,
) -> DidSummary:
    """The staggered DiD where award dates allow it, and the MDE either way.

    The outcome is the Global Majority rate where the files split it in every year held (it
    needs no composition adjustment), else the all-staff rate at a fixed ethnic-minority share.
    """
    best = outcomes.best
    years = outcomes.years
    gm = _values(best, indicator, "Global Majority")
    gm_years = gm[gm["ods_code"].isin(outcomes.north_west)]["year"].nunique()
    if gm_years == len(years) and len(years) >= 3:
        values = gm.rename(columns={"pct": "y"})[["ods_code", "year", "y"]]
        outcome = "Global Majority staff"
    else:
        adjusted = adjusted_rates(outcomes, indicator)
        values = adjusted.rename(columns={"pct_adjusted": "y"})[["ods_code", "year", "y"]]
        outcome = "all staff, at a fixed ethnic-minority share"
    trusts = _trusts(outcomes)
    values = values[values["ods_code"].isin(trusts)]
    register = outcomes.register
    awarded = (
        register[register["level"].isin(AWARDED)]
        if register is not None
        else pd.DataFrame(columns=["ods_code", "first_year"])
    )
    awarded = awarded[awarded["ods_code"].isin(set(values["ods_code"]))]
    dated = awarded.dropna(subset=["first_year"])
    cohorts = {r.ods_code: int(r.first_year) for r in dated.itertuples()}
    usable = {c: y for c, y in cohorts.items() if min(years) < y <= max(years)}
    frame = did.did_frame(values, usable)
    pool = [c for c in frame["ods_code"].unique() if c in set(outcomes.north_west)]
    result = None
    if frame["cohort"].notna().any():
        result = did.estimate(frame)
        result = did.randomisation_inference(frame, result, n_permutations, seed=seed, pool=pool)
    first = min(usable.values()) if usable else max(years)
    mde = []
    for n_mde in sorted({max(len(usable), 1), max(len(awarded), 1)}):
        free = [c for c in pool if c not in set(awarded["ods_code"])]
        mde.append(
            did.minimum_detectable_effect(
                values,
                n_mde,
                first,
                mde_draws,
                seed + 1,
                exclude=list(awarded["ods_code"]),
                pool=free if len(free) >= n_mde else None,
            )
        )
    gaps = gap_by_year(outcomes, indicator)
    truth = None
    if outcomes.data.truth and result is not None and outcome.startswith("Global"):
        truth = outcomes.data.truth["att_simple"].get(indicator, {}).get("Global Majority")
    shares = _values(best, SHARE)
    shares = shares[shares["ods_code"].isin(set(outcomes.north_west) & trusts)]
    share = float(shares.loc[shares["year"] == max(years), "pct"].mean()) if len(shares) else np.nan
    return DidSummary(
        indicator,
        outcome,
        len(awarded),
        len(dated),
        len(usable),
        {c: str(y) for c, y in cohorts.items()},
        years,
        result,
        mde,
        float(gaps.iloc[-1]) if len(gaps) else np.nan,
        truth,
        share=share,
    )


def event_study_table(summary: DidSummary) -> pd.DataFrame:
    """The event study (effect by years since the first treated year), for publication."""
    if summary.result is None:
        return pd.DataFrame(columns=["years_since", "att", "se", "ci_low", "ci_high"])
    return summary.result.event.round(2)


# --- the survey joined to the register -----------------------------------------------------


def register_level(survey: pd.DataFrame, register: pd.DataFrame) -> pd.Series:
    """Each respondent's organisation's status in the register ("not in the register" if none)."""
    levels = register.set_index("ods_code")["level"]
    return survey["org_code"].astype("string").map(levels).fillna("not in the register")


def belief_vs_register(
    survey: pd.DataFrame, register: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """What respondents believe their organisation's ARF status is, by its status in the register.

    Population: respondents who answered ``org_arf_status``; ``n`` per register level, ``count``
    per believed status; Wilson 95% intervals; small cells suppressed.
    """
    from evaluation.disclosure import suppress

    frame = pd.DataFrame(
        {
            "register_level": register_level(survey, register),
            "believed_status": survey["org_arf_status"].astype("string"),
        }
    ).dropna()
    counts = (
        frame.groupby(["register_level", "believed_status"]).size().rename("count").reset_index()
    )
    counts["n"] = counts.groupby("register_level")["count"].transform("sum")
    low, high = wilson_interval(counts["count"], counts["n"])
    counts["pct"] = 100 * counts["count"] / counts["n"]
    counts["ci_low"], counts["ci_high"] = 100 * low, 100 * high
    counts["matches_register"] = counts["believed_status"] == counts["register_level"]
    table = counts[
        [
            "register_level",
            "believed_status",
            "matches_register",
            "n",
            "count",
            "pct",
            "ci_low",
            "ci_high",
        ]
    ]
    table = table.assign(matches_register=table["matches_register"].map({True: "yes", False: "no"}))
    table[["pct", "ci_low", "ci_high"]] = table[["pct", "ci_low", "ci_high"]].round(1)
    return suppress(
        table.reset_index(drop=True),
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct", "ci_low", "ci_high"],
        group_cols=["register_level"],
        label_cols=["matches_register"],
        partition_col="believed_status",
        totals_known=True,
        min_cell=min_cell,
    )


def awareness_by_register(
    survey: pd.DataFrame, register: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Awareness of the framework (``arf_aware`` = Yes) by the organisation's register status."""
    from evaluation.disclosure import suppress

    aware = survey["arf_aware"].astype("string")
    frame = pd.DataFrame({"register_level": register_level(survey, register), "aware": aware})
    frame = frame.dropna(subset=["aware"])
    table = (
        frame.groupby("register_level")
        .agg(n=("aware", "size"), count=("aware", lambda s: int((s == "Yes").sum())))
        .reset_index()
    )
    low, high = wilson_interval(table["count"], table["n"])
    table["pct_aware"] = (100 * table["count"] / table["n"]).round(1)
    table["ci_low"], table["ci_high"] = (100 * low).round(1), (100 * high).round(1)
    return suppress(
        table,
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct_aware", "ci_low", "ci_high"],
        group_cols=["register_level"],
        totals_known=True,
        min_cell=min_cell,
    )


def scope_organisations(outcomes: Outcomes, scope: str, scope_value: str | None) -> list[str]:
    """The organisations a report's scope covers: the region's, an ICB's, or one organisation."""
    if scope == "org":
        return [scope_value] if scope_value else []
    if scope == "icb":
        from evaluation.instrument import load_instrument

        orgs = load_instrument().organisations
        return [
            c
            for c in orgs.loc[orgs["icb"] == scope_value, "org_code"]
            if c in set(outcomes.north_west)
        ]
    return list(outcomes.north_west)


def comparisons_over_time(
    outcomes: Outcomes, indicators: tuple[str, ...] = ("q16b", "q15", "q14a")
) -> pd.DataFrame:
    """:func:`comparison_over_time` for several indicators, stacked (one table)."""
    return pd.concat(
        [comparison_over_time(outcomes, i) for i in indicators], ignore_index=True
    ).reindex(columns=[*comparison_over_time(outcomes, indicators[0]).columns])
