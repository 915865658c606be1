"""A synthetic public-outcomes panel with planted ARF effects, so the estimators meet a known truth.

Every English trust (the North West ones by their real codes, the rest invented), one row per
trust, year, indicator and group (White, Global Majority and all staff), as the official files
publish them. What is planted:

- bases like the real ones (a trust's respondents are log-normal around 1,700, 300 to 9,000);
- an ethnic-minority share of respondents that drifts upward every year (North West trusts start
  near 10%, London near 45%, the rest near 20%), so an all-staff rate rises with composition alone;
- group rates near the 2024 England figures (Q16b: White 6.8%, Global Majority 15.2%), with trust
  effects, a common yearly shock and trust-year noise on the logit scale, then binomial sampling
  of the respondents of each group (a cell of fewer than 11 responses is not published);
- an ARF effect (percentage points, per group) for organisations with a dated award in the
  register, from their first survey year after the award: half the effect in that year, the whole
  effect from the next;
- a placebo outcome (Q14a, harassment from patients and the public) with no effect at all.

``truth`` holds the planted effects and the true average effect on the treated organisation-years
(the estimand of a Callaway-Sant'Anna "simple" aggregation on a balanced panel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evaluation.errors import InputError
from evaluation.outcomes.indicators import ORGANISATION_COLUMNS, PANEL_COLUMNS
from evaluation.outcomes.readers import Tidy

# 2024 England-like levels (percent) by group
LEVELS = {
    "q14a": {"White": 25.0, "Global Majority": 29.0},
    "q14b": {"White": 10.0, "Global Majority": 13.0},
    "q14c": {"White": 17.0, "Global Majority": 21.0},
    "q15": {"White": 58.9, "Global Majority": 49.5},
    "q16a": {"White": 4.9, "Global Majority": 20.6},
    "q16b": {"White": 6.8, "Global Majority": 15.2},
}
TRENDS = {"q14a": -0.02, "q14b": -0.01, "q14c": -0.01, "q15": -0.01, "q16a": 0.03, "q16b": 0.02}
REGIONS = {  # region: (trusts, starting ethnic-minority share)
    "London": (30, 0.45),
    "Midlands": (35, 0.20),
    "North East and Yorkshire": (32, 0.12),
    "South East": (30, 0.18),
    "East of England": (22, 0.20),
    "South West": (22, 0.10),
}
NW_SHARE = 0.10
BENCHMARK = {
    "acute": "Acute and Acute & Community Trusts",
    "specialist": "Acute Specialist Trusts",
    "mental health": (
        "Mental Health & Learning Disability and Mental Health, "
        "Learning Disability & Community Trusts"
    ),
    "community": "Community Trusts",
    "ambulance": "Ambulance Trusts",
}
DEFAULT_EFFECTS = {
    "q16b": {"Global Majority": -3.0, "White": -1.0},
    "q15": {"Global Majority": 3.0, "White": 1.0},
}
PLACEBO = "q14a"


@dataclass
class SyntheticOutcomes:
    panel: pd.DataFrame
    organisations: pd.DataFrame
    truth: dict = field(default_factory=dict)


def _logit(p):
    return np.log(p / (1 - p))


def _expit(x):
    return 1 / (1 + np.exp(-x))


def dynamic_share(event_time: np.ndarray) -> np.ndarray:
    """Share of the full effect at each year since the first treated year (0 before it)."""
    e = np.asarray(event_time, dtype=float)
    return np.where(e < 0, 0.0, np.where(e == 0, 0.5, 1.0))


def simulate_public_outcomes(
    seed: int = 20250101,
    years: tuple[int, int] = (2019, 2026),
    north_west: pd.DataFrame | None = None,
    cohorts: dict[str, int] | None = None,
    effects: dict[str, dict[str, float]] | None = None,
    scale: float = 1.0,
) -> SyntheticOutcomes:
    """The synthetic panel (see the module docstring).

    ``north_west``: ``ods_code, org_name, org_type`` of the North West trusts; ``cohorts``: first
    treated survey year by ods_code; ``effects``: percentage points by indicator and group;
    ``scale`` multiplies the bases (a smaller panel for quick tests).
    """
    rng = np.random.default_rng(seed)
    effects = DEFAULT_EFFECTS if effects is None else effects
    cohorts = cohorts or {}
    if north_west is None:
        north_west = pd.DataFrame(
            {
                "ods_code": [f"NW{i:02d}" for i in range(26)],
                "org_name": [f"North West Trust {i}" for i in range(26)],
                "org_type": "acute",
            }
        )
    types = np.array(["acute"] * 6 + ["mental health"] * 3 + ["community", "specialist"])
    trusts = [
        {
            "ods_code": r.ods_code,
            "org_name": r.org_name,
            "region": "North West",
            "org_type": r.org_type,
            "share0": NW_SHARE,
        }
        for r in north_west.itertuples()
    ]
    k = 0
    for region, (n, share) in REGIONS.items():
        for _ in range(n):
            k += 1
            trusts.append(
                {
                    "ods_code": f"S{k:03d}",
                    "org_name": f"Synthetic Trust {k:03d}",
                    "region": region,
                    "org_type": str(rng.choice(types)),
                    "share0": share,
                }
            )
    orgs = pd.DataFrame(trusts)
    orgs["benchmark_group"] = orgs["org_type"].map(BENCHMARK).fillna(BENCHMARK["acute"])
    n_org = len(orgs)
    year_list = np.arange(years[0], years[1] + 1)
    n_year = len(year_list)
    size = np.clip(np.exp(rng.normal(np.log(1700), 0.6, n_org)), 300, 9000) * scale
    share0 = _logit(
        np.clip(orgs["share0"].to_numpy() * np.exp(rng.normal(0, 0.35, n_org)), 0.02, 0.8)
    )
    drift = rng.normal(0.10, 0.03, n_org)
    t = (year_list - years[0])[None, :]
    share = _expit(share0[:, None] + drift[:, None] * t)  # org x year
    respondents = np.maximum(
        np.round(size[:, None] * np.exp(rng.normal(0, 0.1, (n_org, n_year)))), 20
    ).astype(int)
    n_gm = rng.binomial(respondents, share)
    n_white = respondents - n_gm
    first = orgs["ods_code"].map(cohorts).to_numpy(dtype=float)  # NaN = never
    event = year_list[None, :] - first[:, None]
    dyn = dynamic_share(np.nan_to_num(event, nan=-1))
    rows = []

    def add(code, name, indicator, group, pct, base):
        rows.append(
            pd.DataFrame(
                {
                    "ods_code": code,
                    "org_name": name,
                    "year": np.tile(year_list, n_org),
                    "indicator": indicator,
                    "group": group,
                    "pct": pct.ravel(),
                    "base": base.ravel().astype(float),
                    "source": "synthetic public outcomes",
                }
            )
        )

    codes = np.repeat(orgs["ods_code"].to_numpy(), n_year)
    names = np.repeat(orgs["org_name"].to_numpy(), n_year)
    truth_att: dict[str, dict[str, float]] = {}
    treated_post = dyn > 0
    for indicator, levels in LEVELS.items():
        shock = rng.normal(0, 0.03, n_year)[None, :]
        counts, bases = {}, {}
        for group, level in levels.items():
            staff = n_gm if group == "Global Majority" else n_white
            answered = rng.binomial(staff, 0.97)
            logit = (
                _logit(level / 100)
                + rng.normal(0, 0.2, n_org)[:, None]
                + TRENDS[indicator] * (t - (years[1] - years[0]) / 2)
                + shock
                + rng.normal(0, 0.05, (n_org, n_year))
            )
            planted = effects.get(indicator, {}).get(group, 0.0)
            p = np.clip(_expit(logit) + planted / 100 * dyn, 0.001, 0.999)
            count = rng.binomial(answered, p)
            counts[group], bases[group] = count, answered
            pct = np.where(answered >= 11, 100 * count / np.maximum(answered, 1), np.nan)
            add(codes, names, indicator, group, pct, np.where(answered >= 11, answered, np.nan))
            if treated_post.any():
                truth_att.setdefault(indicator, {})[group] = float(
                    planted * dyn[treated_post].mean()
                )
        total = counts["White"] + counts["Global Majority"]
        base = bases["White"] + bases["Global Majority"]
        add(codes, names, indicator, "all", 100 * total / base, base)
    add(codes, names, "ethnic_minority_share", "all", 100 * n_gm / respondents, respondents)
    panel = pd.concat(rows, ignore_index=True)[PANEL_COLUMNS]
    panel["year"] = panel["year"].astype(int)
    organisations = pd.DataFrame(
        {
            "ods_code": codes,
            "year": np.tile(year_list, n_org),
            "org_name": names,
            "benchmark_group": np.repeat(orgs["benchmark_group"].to_numpy(), n_year),
            "region": np.repeat(orgs["region"].to_numpy(), n_year),
            "ics": "",
        }
    )[ORGANISATION_COLUMNS]
    truth = {
        "seed": seed,
        "years": list(map(int, year_list)),
        "effects": effects,
        "placebo": PLACEBO,
        "cohorts": {c: int(y) for c, y in cohorts.items()},
        "att_simple": truth_att,
        "dynamic": "half the effect in the first treated year, all of it after",
        "n_treated": int(np.isfinite(first).sum()),
        "n_trusts": n_org,
    }
    return SyntheticOutcomes(panel, organisations, truth)


def from_spec(path: Path | str) -> tuple[Tidy, dict]:
    """The synthetic panel a ``synthetic_public_outcomes.yaml`` describes (generated, not read).

    Keys: ``seed``, ``years: [first, last]``, ``register`` (an ARF status register: its dated
    awards are the treated cohorts), ``organisations`` (the North West organisations list; ICBs
    and the region are left out: trusts only), ``effects`` (percentage points by indicator and
    group). Paths are relative to the spec.
    """
    from evaluation.outcomes.register import read_register

    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path) from exc
    base = path.parent
    register = read_register(base / spec["register"]) if spec.get("register") else None
    cohorts = {}
    if register is not None:
        dated = register.dropna(subset=["first_year"])
        cohorts = {r.ods_code: int(r.first_year) for r in dated.itertuples()}
    north_west = None
    if spec.get("organisations"):
        orgs = pd.read_csv(_organisations_file(base, spec["organisations"]), dtype=str,
                           keep_default_na=False)  # fmt: skip
        code = "org_code" if "org_code" in orgs.columns else "ods_code"
        orgs = orgs[orgs["org_type"].isin(list(BENCHMARK))]
        north_west = pd.DataFrame(
            {"ods_code": orgs[code], "org_name": orgs["org_name"], "org_type": orgs["org_type"]}
        )
    years = tuple(spec.get("years", (2019, 2026)))
    synthetic = simulate_public_outcomes(
        seed=int(spec.get("seed", 20250101)),
        years=(int(years[0]), int(years[1])),
        north_west=north_west,
        cohorts=cohorts,
        effects=spec.get("effects"),
    )
    return Tidy(synthetic.panel, synthetic.organisations), synthetic.truth


def _organisations_file(base: Path, name: str) -> Path:
    """The spec's organisations list: ``workbench`` names the workbench's own list (so a wave
    folder copied elsewhere still finds it), anything else is relative to the spec."""
    if str(name) == "workbench":
        from evaluation.instrument import ORGANISATIONS_PATH

        return Path(ORGANISATIONS_PATH)
    return base / name
