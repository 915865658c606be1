"""Agreement (Likert) items published so that suppression does not blank a whole group.

A five-point answer distribution of a group of 51 respondents nearly always has one small cell
(6 "neither", 7 "strongly agree"), and hiding those used to hide the group from the figure. This
module publishes each item at two levels of detail, both through :mod:`evaluation.disclosure`:

- **detail**: the five-point distribution. A group with any answer cell suppressed has *all* its
  answer cells suppressed. Showing the rest would give the hidden ones back: the positive score
  (Agree + Strongly agree) is published elsewhere, so "12 agree" beside "19 agree or strongly
  agree" is "7 strongly agree" (the reverse calculation that the disclosure rules exist to stop);
- **collapsed**: the same answers as *disagree* (Strongly disagree + Disagree), *neither* and
  *agree* (Agree + Strongly agree), suppressed by the same rules. When "disagree" or "neither"
  is small and "agree" is not, both of them are hidden together (not "agree"), because "agree"
  is the published positive score: hiding it while the other two are shown would be undone by
  the positive table. What remains is what every other table already says: the share agreeing,
  and that the rest disagree or are neutral.

A figure then draws each group at the finest level published for it (five points when its
detail is shown, else the collapsed answers, else only what is shown, with the hidden part
marked), so the equity comparison survives.

Population and assumptions as in the analyses that use it (respondents in scope who answered the
item; Wilson 95% intervals treating respondents as independent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, MARKER, suppress
from evaluation.instrument import Instrument, load_instrument
from evaluation.rounding import round_published
from evaluation.stats import distribution_by

DISAGREE = "Strongly disagree or disagree"
NEITHER = "Neither agree nor disagree"
AGREE = "Agree or strongly agree"
COLLAPSED = (DISAGREE, NEITHER, AGREE)
VALUE_COLUMNS = ["response", "n", "count", "pct", "ci_low", "ci_high"]
ANSWER_COLUMNS = ["count", "pct", "ci_low", "ci_high"]


@dataclass
class LikertTables:
    """An agreement item's published tables: five-point ``detail`` and ``collapsed``."""

    detail: pd.DataFrame
    collapsed: pd.DataFrame
    items: tuple[str, ...]
    by: str
    levels: tuple[str, ...]


def collapse_map(levels: Sequence[str]) -> dict[str, str]:
    """Five-point levels -> disagree / neither / agree (in the scale's order)."""
    if len(levels) != 5:
        raise ValueError(f"a five-point scale is needed, not {list(levels)}")
    return {
        levels[0]: DISAGREE,
        levels[1]: DISAGREE,
        levels[2]: NEITHER,
        levels[3]: AGREE,
        levels[4]: AGREE,
    }


def _stack(frame: pd.DataFrame, items: Sequence[str], by: str, collapse: bool) -> pd.DataFrame:
    parts = []
    for item in items:
        data = frame
        if collapse:
            levels = list(frame[item].cat.categories)
            mapped = frame[item].astype("string").map(collapse_map(levels))
            data = frame[[by]].assign(
                **{item: pd.Categorical(mapped, categories=list(COLLAPSED), ordered=True)}
            )
        parts.append(distribution_by(data, item, by=by).assign(item=item))
    return pd.concat(parts, ignore_index=True)


def _keys(items: Sequence[str], by: str) -> list[str]:
    return (["item"] if len(items) > 1 else []) + [by]


def _hidden(values: pd.Series) -> pd.Series:
    return (values.astype("string") == MARKER).fillna(False)


def _small(values: pd.Series, min_cell: int) -> pd.Series:
    numbers = pd.to_numeric(values.where(~_hidden(values)), errors="coerce")
    return ((numbers > 0) & (numbers < min_cell)).fillna(False)


def _publish(table: pd.DataFrame, keys: list[str], min_cell: int) -> pd.DataFrame:
    """Suppress a distribution table (already rounded; cells holding the marker stay hidden)."""
    return suppress(
        table[[*keys, *VALUE_COLUMNS]].reset_index(drop=True),
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct", "ci_low", "ci_high"],
        group_cols=[k for k in keys if k != "item"] + ["response"],
        label_cols=["item"] if "item" in keys else [],
        partition_col="response",
        totals_known=True,
        min_cell=min_cell,
        residual_labels=load_instrument().residual_labels,
    )


def _hide_whole_groups(table: pd.DataFrame, keys: list[str], min_cell: int) -> pd.DataFrame:
    """Hide every answer cell of a group with any hidden answer; repeat with secondary cells."""
    current = table
    for _ in range(20):  # each round hides more; a table has far fewer groups than this
        partial = current.groupby(keys, sort=False, observed=True)["count"].transform(
            lambda s: _hidden(s).any()
        )
        partial = partial.astype(bool) & ~_hidden(current["count"])
        if not partial.any():
            return current
        marked = current.copy()
        for column in ANSWER_COLUMNS:
            marked[column] = marked[column].astype(object).where(~partial, MARKER)
        current = _publish(marked, keys, min_cell)
    return current


def _premark_collapsed(table: pd.DataFrame, keys: list[str], min_cell: int) -> pd.DataFrame:
    """Hide disagree and neither together when either is small and agree is shown."""
    out = table.copy()
    n = pd.to_numeric(out["n"], errors="coerce")
    count = pd.to_numeric(out["count"], errors="coerce")
    small = ((count > 0) & (count < min_cell)) | ((n - count > 0) & (n - count < min_cell))
    out["_small"] = small.fillna(False)
    for column in ANSWER_COLUMNS:
        out[column] = out[column].astype(object)
    grouper = keys if len(keys) > 1 else keys[0]
    for _, rows in out.groupby(grouper, sort=False, observed=True).groups.items():
        part = out.loc[rows]
        agree_small = bool(part.loc[part["response"] == AGREE, "_small"].any())
        rest = part["response"].isin([DISAGREE, NEITHER])
        if part.loc[rest, "_small"].any() and not agree_small:
            for column in ANSWER_COLUMNS:
                out.loc[part.index[rest.to_numpy()], column] = MARKER
    return out.drop(columns="_small")


def agreement_tables(
    frame: pd.DataFrame,
    items: str | Sequence[str],
    by: str,
    min_cell: int = DEFAULT_MIN_CELL,
) -> LikertTables:
    """The detail and collapsed tables of one or more five-point items by ``by`` (see module).

    Columns of both: ``[item,] <by>, response, n, count, pct, ci_low, ci_high`` (``item`` only
    when several items are given); percentages 0-100 to one decimal; suppressed cells ``[c]``.
    """
    items = (items,) if isinstance(items, str) else tuple(items)
    keys = _keys(items, by)
    levels = tuple(str(v) for v in frame[items[0]].cat.categories)
    detail = round_published(_stack(frame, items, by, collapse=False))
    detail = _hide_whole_groups(_publish(detail, keys, min_cell), keys, min_cell)
    collapsed = round_published(_stack(frame, items, by, collapse=True))
    collapsed = _publish(_premark_collapsed(collapsed, keys, min_cell), keys, min_cell)
    return LikertTables(detail, collapsed, items, by, levels)


def agreement_shown(tables: LikertTables) -> pd.DataFrame:
    """What a figure draws: per item and group, the finest published level of detail.

    Columns ``item, group, level (detail / collapsed / hidden), response, n, pct`` with ``pct``
    NaN where hidden and ``n`` NaN when the group's size itself is hidden.
    """
    rows = []
    detail, collapsed = tables.detail, tables.collapsed
    for item in tables.items:
        d = detail[detail["item"] == item] if "item" in detail else detail
        c = collapsed[collapsed["item"] == item] if "item" in collapsed else collapsed
        for group in dict.fromkeys(d[tables.by]):
            dg, cg = d[d[tables.by] == group], c[c[tables.by] == group]
            n = pd.to_numeric(dg["n"].where(~_hidden(dg["n"])), errors="coerce").iloc[0]
            if not _hidden(dg["count"]).any():
                level, part = "detail", dg
            elif not np.isnan(n):
                level, part = "collapsed", cg
            else:
                level, part = "hidden", cg
            for record in part.to_dict("records"):
                pct = record["pct"]
                rows.append(
                    {
                        "item": item,
                        "group": str(group),
                        "level": level,
                        "response": str(record["response"]),
                        "n": n,
                        "pct": np.nan if str(pct) == MARKER else float(pct),
                    }
                )
    return pd.DataFrame(rows, columns=["item", "group", "level", "response", "n", "pct"])


def item_wording(item: str, instrument: Instrument | None = None) -> str:
    """An item's question wording (its title in figures and tables shown to people)."""
    instrument = instrument or load_instrument()
    return instrument.question(item) if item in instrument else item


def published_pair(
    detail: pd.DataFrame, collapsed: pd.DataFrame, items: str | Sequence[str], by: str
) -> LikertTables:
    """The two published tables of an item (``rep.publish`` of its detail and collapsed tables)
    as the :class:`LikertTables` a figure draws."""
    items = (items,) if isinstance(items, str) else tuple(items)
    levels = tuple(str(v) for v in load_instrument().categories(items[0]).categories)
    return LikertTables(detail, collapsed, items, by, levels)
