"""Which organisations and ICBs have enough respondents for a report of their own (a pack).

Read by the pipeline (which packs to build, :mod:`evaluation.pipeline.packs`) and by the data
quality section (which units it lists by name, without counts), so both use one threshold rule.
"""

from __future__ import annotations

import pandas as pd

SCOPE_COLUMNS = {"org": ("org_code", "org_name"), "icb": ("icb", "icb")}


def pack_units(frame: pd.DataFrame, scope: str, min_respondents: int) -> pd.DataFrame:
    """One row per organisation (or ICB): its code, name, respondents and whether it gets a pack."""
    if scope not in SCOPE_COLUMNS:
        raise ValueError(f"packs are built per 'org' or 'icb', not {scope!r}")
    key, label = SCOPE_COLUMNS[scope]
    columns = [key] if key == label else [key, label]
    counts = frame.groupby(columns, observed=True).size().rename("respondents").reset_index()
    counts["name"] = counts[label].astype(str)
    counts["unit"] = counts[key].astype(str)
    counts["gets_pack"] = counts["respondents"] >= min_respondents
    return counts.sort_values("unit").reset_index(drop=True)[
        ["unit", "name", "respondents", "gets_pack"]
    ]


def units_without_pack(frame: pd.DataFrame, scope: str, min_respondents: int) -> pd.DataFrame:
    """Organisations/ICBs too small for a pack: names only (their counts could identify people)."""
    units = pack_units(frame, scope, min_respondents)
    small = units.loc[~units["gets_pack"], ["unit", "name"]].reset_index(drop=True)
    small["reason"] = f"fewer than {min_respondents} respondents"
    return small
