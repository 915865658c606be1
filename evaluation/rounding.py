"""The one rounding rule of every published number.

Every table the report publishes is rounded here, by :func:`round_published`, from its column
names (the column conventions of ``CONTRIBUTING.md``), so the same kind of number has the same
precision in every table:

- percentages (0-100) and percentage points, to :data:`PCT_DECIMALS` (1) decimal: a column whose
  name starts with ``pct``, ``gap_`` or ``change_`` (a change in points), ends with ``_pct`` or
  ``_pp``, or holds ``percent``; and ``ci_low`` / ``ci_high`` in a table that holds a percentage;
- p-values, to :data:`P_DECIMALS` (4): ``p_value``, ``p_adjusted``, ``p_holm``, ``*_p_value``;
- any other non-integer number (coefficients, odds ratios, test statistics, kappa, shares of
  one), to :data:`OTHER_DECIMALS` (3).

Integers (counts) are never touched.

Cells that are not numbers (the suppression marker ``[c]``, labels) are left as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PCT_DECIMALS = 1
P_DECIMALS = 4
OTHER_DECIMALS = 3


def is_percentage(column: str) -> bool:
    """A column holding a percentage (0-100) or percentage points, by its name."""
    name = column.lower()
    return (
        name.startswith("pct")
        or name.endswith(("_pct", "_pp"))
        or "_pct_" in name
        or "percent" in name
        or name.startswith(("change_", "gap_"))
    )


def is_p_value(column: str) -> bool:
    """A column holding a p-value, by its name."""
    name = column.lower()
    return name in ("p_value", "p_adjusted", "p_holm") or name.endswith("_p_value")


def decimals(column: str, columns: list[str]) -> int:
    """Decimals of ``column`` in a table with ``columns`` (the module's rule)."""
    if is_p_value(column):
        return P_DECIMALS
    if is_percentage(column):
        return PCT_DECIMALS
    percent_table = any(is_percentage(c) for c in columns)
    plain_interval = column.lower() in ("ci_low", "ci_high")
    if percent_table and plain_interval:
        return PCT_DECIMALS
    return OTHER_DECIMALS


def _round_cell(value: object, places: int) -> object:
    if isinstance(value, bool | np.bool_) or not isinstance(value, float | np.floating):
        return value
    return round(float(value), places) if np.isfinite(value) else value


def round_published(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every number rounded by the module's rule (a copy; attrs kept)."""
    out = frame.copy()
    columns = [str(c) for c in out.columns]
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
            continue
        places = decimals(str(column), columns)
        if pd.api.types.is_float_dtype(values):
            out[column] = values.round(places)
        elif values.dtype == object:
            out[column] = values.map(lambda v, p=places: _round_cell(v, p))
    return out
