"""An audit that attacks: how narrowly can each suppressed cell be pinned down from everything a
release publishes?

Suppression decided table by table can be undone across tables: a distribution table beside its
"positive" table, a profile table beside a breakdown, a collapsed category beside the full scale
are linear equations over the same respondents. This module plays the attacker of tau-Argus's
audit: every published count is a sum over respondents; the unknowns are the numbers of
respondents in each *atom* (the respondents who fall in exactly the same published cells); each
shown count is an equation; each suppressed cell's feasible interval is the minimum and maximum
of its sum subject to all equations and non-negativity (two linear programmes per cell,
:func:`scipy.optimize.linprog` with HiGHS). The linear relaxation can only widen an interval, so a
narrow interval here is narrow for a real attacker too.

Which respondents a published cell counts is rebuilt from the microdata, as an outside scanner
would, from the table's declared structure (``tables/index.json``): group columns named as survey
columns select the group; a count column's meaning is the first candidate predicate (an answer,
the two top or bottom answers of an ordered scale, a yes/true flag) that reproduces *every* shown
count of that column, and a denominator ``n`` is the group, or the group that answered that
question, whichever reproduces every shown ``n``. Tables whose counts no candidate reproduces
(filtered populations, model tables) are listed as not modelled: the audit says what it covered.

**The attacker modelled here is strong**: the unknowns are the sizes of the respondent patterns
that *occur* in the data, so the attacker is granted knowledge of which combinations of answers
are empty. That can only narrow intervals: the exposures found are an upper bound, and an empty
cell (true count 0) is "exactly determined" by construction; :func:`summary` counts the cells
hiding 1 to ``min_cell - 1`` respondents apart. The recoveries that matter (a distribution
beside its "positive" table, a profile beside a breakdown's ``n``) are plain subtraction and hold
for any attacker.

Report-only for now (:func:`attack_report` returns a frame; the run does not fail on it).
:func:`choose_secondary` chooses extra suppressions over the whole release by mixed-integer
programming, for when the pipeline can apply them before rendering.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.disclosure import MARKER, TOTAL_LABELS, TableSpec

DEFAULT_PROTECTION = 3
"""A suppressed cell whose feasible interval is narrower than this many respondents fails."""
_SKIP_COLUMNS = {"respondent_id", "wave", "comment_change", "comment_other"}


@dataclass
class Cell:
    """One count cell of a published table, with the respondents it counts."""

    table: str
    row: int  # row of the CSV as a spreadsheet shows it (header = row 1)
    column: str
    value: int | None  # None: suppressed
    mask: np.ndarray = field(repr=False)


@dataclass
class ReleaseModel:
    cells: list[Cell]
    modelled: list[str]
    not_modelled: dict[str, str]


def candidate_predicates(frame: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """``(variable, description, mask)`` for the meanings a count column may have."""
    out = []
    for column in frame.columns:
        if column in _SKIP_COLUMNS:
            continue
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            out.append((column, "true", series.fillna(False).to_numpy(dtype=bool)))
            continue
        if not isinstance(series.dtype, pd.CategoricalDtype):
            continue
        categories = list(series.cat.categories)
        values = series.astype(object)
        for category in categories:
            out.append((column, f"= {category}", (values == category).fillna(False).to_numpy(bool)))
        if len(categories) >= 4:
            for name, chosen in (("top two", categories[-2:]), ("bottom two", categories[:2])):
                out.append((column, name, values.isin(chosen).to_numpy(bool)))
    return out


def _group_mask(frame: pd.DataFrame, row: pd.Series, groups: Iterable[str]) -> np.ndarray | None:
    mask = np.ones(len(frame), dtype=bool)
    for group in groups:
        label = row[group]
        if pd.isna(label) or str(label) in TOTAL_LABELS:
            continue
        if group not in frame.columns:
            return None
        mask &= (frame[group].astype(object) == str(label)).fillna(False).to_numpy(bool)
    return mask


def _as_count(value: object) -> int | float | None:
    """A shown count as an int, ``None`` for the marker, NaN for anything else."""
    if isinstance(value, str) and value.strip() == MARKER:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return int(number) if number == int(number) else float("nan")


def _model_table(
    name: str, table: pd.DataFrame, spec: TableSpec, frame: pd.DataFrame, candidates: list
) -> tuple[list[Cell], str | None]:
    """The count cells of one table with their respondents, or why the table is not modelled."""
    groups = [g for g in spec.group_cols if g != spec.partition_col]
    if spec.partition_col:
        groups = list(groups)
    labels = list(spec.label_cols)
    count_cols = [c for c in spec.count_cols if c in table.columns]
    n_col = spec.n_col if spec.n_col in table.columns else None
    if not count_cols and not n_col:
        return [], "no count columns"
    masks = [_group_mask(frame, row, groups) for _, row in table.iterrows()]
    if any(m is None for m in masks):
        missing = [g for g in groups if g not in frame.columns]
        return [], f"group columns not in the survey: {missing}"
    values = {
        c: [_as_count(v) for v in table[c]] for c in [*count_cols, *([n_col] if n_col else [])]
    }
    if any(isinstance(v, float) and np.isnan(v) for vs in values.values() for v in vs):
        return [], "non-count values in count columns"
    keys = (
        [tuple(str(row[c]) for c in labels) for _, row in table.iterrows()]
        if labels
        else [()] * len(table)
    )
    partition = spec.partition_col
    cells: list[Cell] = []
    skipped = 0
    chosen_vars: dict[tuple, str] = {}
    for column in count_cols:
        for key in dict.fromkeys(keys):
            rows = [i for i, k in enumerate(keys) if k == key]
            predicate = _identify(
                [masks[i] for i in rows], [values[column][i] for i in rows], candidates,
                [str(table.iloc[i][partition]) for i in rows] if partition else None, frame,
            )  # fmt: skip
            if predicate is None:  # these cells are not modelled (the rest of the table is)
                skipped += len(rows)
                continue
            variable, row_masks = predicate
            chosen_vars[key] = variable
            for i, m in zip(rows, row_masks, strict=True):
                cells.append(Cell(name, i + 2, column, values[column][i], masks[i] & m))
    if n_col:
        answered = {v: frame[v].notna().to_numpy(bool) for v, _, _ in candidates}
        everyone = np.ones(len(frame), bool)
        for key in dict.fromkeys(keys):
            rows = [i for i, k in enumerate(keys) if k == key]
            first = [answered[chosen_vars[key]]] if key in chosen_vars else []
            options = [("", [o] * len(rows)) for o in [*first, everyone, *answered.values()]]
            row_masks, row_values = [masks[i] for i in rows], [values[n_col][i] for i in rows]
            matches = [
                option for option in options
                if all(v is None or int((g & option[1][0]).sum()) == v
                       for g, v in zip(row_masks, row_values, strict=True))
            ]  # fmt: skip
            if first and matches and matches[0][1][0] is first[0]:
                matches = matches[:1]  # the count's own question decides the denominator
            chosen = _unique(matches, row_masks, row_values)
            if chosen is None:
                skipped += len(rows)
                continue
            cells += [
                Cell(name, i + 2, n_col, values[n_col][i], masks[i] & chosen[1][0]) for i in rows
            ]
    if not cells:
        return [], "no count column reproduced from the microdata"
    return cells, (f"partly: {skipped} cells not modelled" if skipped else None)


MIN_EVIDENCE = 2
"""A meaning is taken only if it reproduces at least this many shown non-zero counts, and no
other candidate that also reproduces them counts different respondents in a hidden cell: a
coincidence (a theme's count that happens to equal some answer's) must not become an equation."""


def _unique(matches: list, masks: list, shown_values: list):
    """The one meaning among ``matches`` (``(variable, row_masks)``), or None if ambiguous."""
    if not matches:
        return None
    evidence = sum(1 for v in shown_values if v)
    if evidence < MIN_EVIDENCE:
        return None
    first = matches[0][1]
    for _, other in matches[1:]:
        for g, a, b, v in zip(masks, first, other, shown_values, strict=True):
            if v is None and not np.array_equal(g & a, g & b):
                return None  # two meanings disagree on a hidden cell: not told apart
    return matches[0]


def _identify(masks, shown_values, candidates, partition_labels, frame):
    """The meaning that reproduces every shown count of a column's rows (see MIN_EVIDENCE)."""
    matches = []
    if partition_labels is not None:  # a distribution: the answer is the row's response
        for column in frame.columns:
            series = frame[column]
            if not isinstance(series.dtype, pd.CategoricalDtype) or column in _SKIP_COLUMNS:
                continue
            if not set(partition_labels) <= {str(c) for c in series.cat.categories}:
                continue
            values = series.astype(object)
            row_masks = [
                (values == label).fillna(False).to_numpy(bool) for label in partition_labels
            ]
            if all(
                v is None or int((g & m).sum()) == v
                for g, m, v in zip(masks, row_masks, shown_values, strict=True)
            ):
                matches.append((column, row_masks))
        return _unique(matches, masks, shown_values)
    for variable, _, mask in candidates:
        if all(
            v is None or int((g & mask).sum()) == v
            for g, v in zip(masks, shown_values, strict=True)
        ):
            matches.append((variable, [mask] * len(masks)))
    return _unique(matches, masks, shown_values)


def model_release(report_dirs: Iterable, frame: pd.DataFrame) -> ReleaseModel:
    """Every modelled count cell of every published table under ``report_dirs`` (one release).

    An entry is a report folder (its tables describe all of ``frame``) or ``(folder, scope)``
    with ``scope`` a boolean mask of ``frame``'s rows (an organisation's or ICB's pack): packs,
    the region and the comparison are one system of equations over the same respondents.
    """
    from evaluation.audit import _read_table, published_tables

    cells: list[Cell] = []
    modelled, not_modelled = [], {}
    for entry in report_dirs:
        root, scope = entry if isinstance(entry, tuple) else (entry, None)
        scoped = frame if scope is None else frame[np.asarray(scope, bool)]
        candidates = candidate_predicates(scoped)
        for path in published_tables(root):
            name = str(Path(path).relative_to(Path(root).parent))
            index = path.parent / "index.json"
            declared = (
                json.loads(index.read_text()).get(path.stem, {}).get("disclosure")
                if index.exists()
                else None
            )
            if not declared:
                not_modelled[name] = "no declared structure"
                continue
            spec = TableSpec.from_dict(declared)
            table_cells, why = _model_table(name, _read_table(path), spec, scoped, candidates)
            if why:
                not_modelled[name] = why
            if not table_cells:
                continue
            if scope is not None:  # masks over the whole frame
                for cell in table_cells:
                    full = np.zeros(len(frame), bool)
                    full[np.asarray(scope, bool)] = cell.mask
                    cell.mask = full
            cells += table_cells
            modelled.append(name)
    return ReleaseModel(cells, modelled, not_modelled)


def feasible_intervals(cells: list[Cell]) -> pd.DataFrame:
    """For each suppressed cell, the least and greatest value consistent with every shown cell.

    Atoms are the respondents' distinct membership patterns over all cells; the unknowns are the
    atom sizes (>= 0); each shown cell fixes the sum of its atoms.
    """
    from scipy.optimize import linprog

    if not cells:
        return pd.DataFrame(columns=["table", "row", "column", "low", "high", "width"])
    membership = np.stack([c.mask for c in cells])  # cells x respondents
    patterns = np.unique(membership.T, axis=0)
    incidence = patterns.T.astype(float)  # cells x atoms
    shown = [i for i, c in enumerate(cells) if c.value is not None]
    hidden = [i for i, c in enumerate(cells) if c.value is None]
    # one equation per distinct shown cell; one pair of programmes per distinct hidden cell
    a_eq, keep = np.unique(incidence[shown], axis=0, return_index=True)
    b_eq = np.array([cells[shown[k]].value for k in keep], dtype=float)
    solved: dict[bytes, tuple[float, float]] = {}
    rows = []
    for i in hidden:
        key = incidence[i].tobytes()
        if key not in solved:
            bounds = []
            for sign in (1.0, -1.0):
                result = linprog(sign * incidence[i], A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                                 method="highs")  # fmt: skip
                bounds.append(sign * result.fun if result.status == 0 else np.nan)
            solved[key] = (round(bounds[0], 6) + 0.0, round(bounds[1], 6) + 0.0)
        low, high = solved[key]
        cell = cells[i]
        rows.append({"table": cell.table, "row": cell.row, "column": cell.column, "low": low,
                     "high": high, "width": high - low,
                     "true_value": int(cell.mask.sum())})  # fmt: skip
    return pd.DataFrame(rows)


def attack_report(
    report_dirs: Iterable, frame: pd.DataFrame, protection: int = DEFAULT_PROTECTION
) -> tuple[pd.DataFrame, ReleaseModel]:
    """The feasible interval of every suppressed cell, flagged ``exposed`` when narrower than
    ``protection``. The frame holds ``true_value`` for the evaluation team's diagnosis: it is
    never to be published."""
    model = model_release(report_dirs, frame)
    intervals = feasible_intervals(model.cells)
    intervals["exposed"] = intervals["width"] < protection - 1e-9
    return intervals, model


def summary(intervals: pd.DataFrame, model: ReleaseModel, min_cell: int = 11) -> str:
    """The closing note: cells checked, the narrowest interval, and what is exposed."""
    if intervals.empty:
        return f"attack audit: no suppressed cells in {len(model.modelled)} modelled tables"
    exposed = intervals[intervals["exposed"]]
    small = exposed[(exposed["true_value"] > 0) & (exposed["true_value"] < min_cell)]
    tables = sorted(set(small["table"]))
    return (
        f"attack audit: {len(intervals)} suppressed cells checked in {len(model.modelled)} "
        f"modelled tables ({len(model.not_modelled)} not modelled); narrowest interval "
        f"{intervals['width'].min():.0f}; {len(exposed)} narrower than the protection level, "
        f"{int((exposed['width'] < 0.5).sum())} exactly determined; {len(small)} of them hide "
        f"1 to {min_cell - 1} respondents, in {len(tables)} tables"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m evaluation.release_audit CONFIG REPORT_DIR...``: print the attack summary
    and the exposed cells (table, row, column, interval; never the true value)."""
    import argparse

    from evaluation.inputs import scope_survey
    from evaluation.io.survey import load_survey
    from evaluation.pipeline.config import load_config

    parser = argparse.ArgumentParser(prog="python -m evaluation.release_audit")
    parser.add_argument("config")
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--protection", type=int, default=DEFAULT_PROTECTION)
    parser.add_argument("--scope", default="region")
    parser.add_argument("--scope-value", default=None)
    args = parser.parse_args(argv)
    config = load_config(args.config)
    frame = load_survey(config.survey, on_error="exclude").frame
    frame = scope_survey(frame, args.scope, args.scope_value)
    intervals, model = attack_report(args.reports, frame, args.protection)
    print(summary(intervals, model, config.min_cell))
    exposed = intervals[intervals["exposed"]].drop(columns=["true_value"])
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(exposed.to_string(index=False))
    for name, why in model.not_modelled.items():
        print(f"not modelled: {name}: {why}")
    return 1 if len(exposed) else 0


if __name__ == "__main__":
    raise SystemExit(main())


def choose_secondary(
    cells: list[Cell],
    protection: int = DEFAULT_PROTECTION,
    time_limit: float = 120.0,
    cost: str = "count",
) -> tuple[list[int], dict]:
    """Cells to hide besides those hidden, so that every hidden cell's feasible interval is at
    least ``protection`` wide in both directions: a mixed-integer programme over the whole
    release (the linked-table cell suppression of tau-Argus's "optimal" method, in the
    Fischetti-Salazar formulation), solved with :func:`scipy.optimize.milp` (HiGHS).

    For each hidden cell ``p`` and direction, a change ``y`` of the atom sizes must keep every
    still-shown cell's sum fixed (``-M z_c <= a_c . y <= M z_c``: a cell may move only if it is
    hidden, ``z_c = 1``), keep atoms non-negative (``y >= -x``) and move ``p`` by at least
    its side of ``protection`` (``L`` down, at most the value, and ``protection - L`` up;
    together a feasible interval at least ``protection`` wide). The objective hides as few
    cells as possible (``cost="count"``) or as few
    respondents (``"value"``). Empty cells (no pattern in the model) cannot be moved and are
    left out. Returns the indices (into ``cells``) of the shown cells to hide
    and the solver's status; hidden cells already protected need no change.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, hstack, vstack

    membership = np.stack([c.mask for c in cells])
    patterns, inverse = np.unique(membership.T, axis=0, return_inverse=True)
    incidence = patterns.T.astype(float)  # cells x atoms
    sizes = np.bincount(inverse.ravel(), minlength=patterns.shape[0]).astype(float)
    shown = [i for i, c in enumerate(cells) if c.value is not None]
    intervals = feasible_intervals(cells)
    hidden = [i for i, c in enumerate(cells) if c.value is None]
    exposed = [i for i, (_, row) in zip(hidden, intervals.iterrows(), strict=True)
               if row["width"] < protection - 1e-9]  # fmt: skip
    # an empty cell has no atom in this model (see attack_report): nothing can move it
    structural = [i for i in exposed if not cells[i].mask.any()]
    exposed = [i for i in exposed if cells[i].mask.any()]
    if not exposed:
        return [], {"status": "nothing to protect", "exposed": 0, "empty": len(structural)}
    n_atoms, n_shown = incidence.shape[1], len(shown)
    big = float(sizes.sum())
    # the interval must reach L below and U above the true value, L + U = protection, L at
    # most the value itself (a count cannot go below zero)
    blocks = []
    for p in exposed:
        value = float(cells[p].mask.sum())
        below = min(value, float(np.ceil(protection / 2)))
        above = float(protection) - below
        blocks += [(p, d, need) for d, need in ((1.0, above), (-1.0, below)) if need > 0]
    n_y = n_atoms * len(blocks)
    a_shown = coo_matrix(incidence[shown])
    rows = []
    lower, upper = [], []
    for b, (p, direction, need) in enumerate(blocks):
        left = coo_matrix((n_shown, n_atoms * b))
        right = coo_matrix((n_shown, n_atoms * (len(blocks) - b - 1)))
        y_part = hstack([left, a_shown, right])
        z_part = coo_matrix(np.eye(n_shown) * big)
        rows.append(hstack([y_part, -z_part]))  # a_c . y - M z_c <= 0
        lower.append(np.full(n_shown, -np.inf))
        upper.append(np.zeros(n_shown))
        rows.append(hstack([y_part, z_part]))  # a_c . y + M z_c >= 0
        lower.append(np.zeros(n_shown))
        upper.append(np.full(n_shown, np.inf))
        target = np.zeros(n_y + n_shown)
        target[n_atoms * b : n_atoms * (b + 1)] = direction * incidence[p]
        rows.append(coo_matrix(target))  # direction * a_p . y >= what this side needs
        lower.append(np.array([need]))
        upper.append(np.array([np.inf]))
    matrix = vstack(rows).tocsr()
    weights = np.array([1.0 if cost == "count" else float(cells[i].value) + 1.0 for i in shown])
    objective = np.concatenate([np.zeros(n_y), weights])
    y_low = np.tile(-sizes, len(blocks))
    y_high = np.full(n_y, big)
    bounds = Bounds(np.concatenate([y_low, np.zeros(n_shown)]),
                    np.concatenate([y_high, np.ones(n_shown)]))  # fmt: skip
    integrality = np.concatenate([np.zeros(n_y), np.ones(n_shown)])
    result = milp(
        objective,
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit, "disp": False},
    )
    info = {"status": result.message, "exposed": len(exposed), "empty": len(structural),
            "blocks": len(blocks), "variables": n_y + n_shown}  # fmt: skip
    if result.x is None:
        return [], info
    z = result.x[n_y:]
    return [shown[k] for k in np.flatnonzero(z > 0.5)], info
