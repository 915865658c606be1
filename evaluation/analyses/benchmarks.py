"""A pack's unit beside its comparators: its ICB, the region and organisations of the same type.

The NHS Staff Survey benchmark reports show each organisation beside the average of its
benchmarking group; a pack here does the same with the headline indicators: the unit, its ICB,
organisations of the same type across the region, and the whole region, each computed and
suppressed exactly as the region report's headline table
(:func:`~evaluation.analyses.headlines.headline_indicators`).

Population: the wave's respondents in each comparator (the unit's respondents are included in
every comparator that contains them, as in the NHS benchmark reports). Intervals are Wilson 95%
under simple random sampling within each comparator.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analyses.headlines import headline_indicators
from evaluation.disclosure import DEFAULT_MIN_CELL

COMPARATOR_COLUMNS = ("comparator", "respondents")


def pack_comparators(frame: pd.DataFrame, scope: str, unit: str) -> list[tuple[str, pd.DataFrame]]:
    """(label, respondents) for the unit, its ICB, its organisation type and the region."""
    if scope == "region":
        return [("North West region", frame)]
    column = "icb" if scope == "icb" else "org_code"
    own = frame[frame[column] == unit]
    if own.empty:
        raise ValueError(f"no respondents with {column} = {unit!r}")
    label = unit if scope == "icb" else f"{own['org_name'].iloc[0]} ({unit})"
    groups = [(label, own)]
    if scope == "org":
        icb = own["icb"].iloc[0]
        org_type = own["org_type"].iloc[0]
        groups += [
            (str(icb), frame[frame["icb"] == icb]),
            (f"{org_type} organisations, North West", frame[frame["org_type"] == org_type]),
        ]
    groups.append(("North West region", frame))
    return groups


def benchmark_headlines(
    frame: pd.DataFrame, scope: str, unit: str, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Headline indicators of the unit and each comparator, one row per comparator and indicator.

    Columns: ``comparator, respondents`` then the headline table's columns (suppressed cells
    ``[c]``; a comparator of fewer than ``min_cell`` respondents shows ``[c]`` for its size).
    """
    parts = []
    for label, group in pack_comparators(frame, scope, unit):
        table = headline_indicators(group, min_cell=min_cell)
        size: object = len(group) if len(group) >= min_cell else "[c]"
        parts.append(table.assign(comparator=label, respondents=size))
    out = pd.concat(parts, ignore_index=True)
    columns = [*COMPARATOR_COLUMNS, *(c for c in out.columns if c not in COMPARATOR_COLUMNS)]
    return out[columns]
