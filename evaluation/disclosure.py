"""Small-cell suppression for everything published, and an audit that checks it was done.

**Rule (NHS Staff Survey practice).** A figure resting on fewer than ``min_cell`` respondents
(default 11) is not shown: a denominator ``n`` of 1 to 10, a count of 1 to 10, or a complement
``n - count`` of 1 to 10 ("2 of 12 said no" names the same two people as "10 of 12 said yes").
Zero is not small in itself: "none of 300" reveals no individual, and suppressing zeros would hide
most of a sparse table for no protection (the convention of NHS England's FFT pipeline and our
headline indicators). Percentages and intervals computed from a suppressed count are suppressed
with it.

**Attribute disclosure (0% and 100%).** A count that is 0 or the whole of its group (``count ==
n``) in a group of fewer than ``attribute_min_group`` respondents (default
:data:`ATTRIBUTE_MIN_GROUP`, 50) is suppressed like a small count, whatever ``n``: "all 14
senior leaders disagree" or "none of the 17 who reported it was satisfied" tells a reader the
answer of *every* member of the group, which is an attribute disclosure under the ICO's
anonymisation guidance even when no one is singled out (the complement rule already hides 1 to
``min_cell - 1`` on either side; this adds the two ends). In a group of 50 or more a unanimous
answer is a property of a large population rather than of people a reader may know, and hiding
it would hide most sparse breakdowns of the region; below 50, "everyone in the group" is too
close to "each of these people". The cell is then protected from subtraction like any other.

**Secondary suppression ("reverse calculation").** A hidden cell is no protection if it can be
recovered by subtraction: when the cells of a group add up to a total that is shown (the group's
``n``, a "Total" row, or an overall figure published elsewhere) and exactly one of them is hidden,
the next smallest cell is hidden too. Repeated until no set has a single hidden member.

**Residual groups.** The groups a table declares residual (``residual_labels``: the instrument's
"Prefer not to say", "Not stated", "Not answered"; :attr:`evaluation.instrument.Instrument.
residual_labels`, passed in by the caller, so this module knows no survey) are primary-suppressed
like any group, but a hidden residual does not force a second cell to be hidden when the only
total it could be recovered from is published *elsewhere* (another table's overall figure): the
residual says nothing about anyone's ethnicity, band or role, while hiding a second group (usually
the smallest substantive one, Global Majority staff in most breakdowns by ethnicity) would remove
the very comparison the evaluation exists to make. Totals shown in the same table (a group's
``n``, a "Total" row) still trigger secondary suppression, residual or not.

**Marker.** Suppressed cells hold ``"[c]"`` (confidential), never 0 or blank, so a reader never
mistakes a hidden figure for a zero.

**Table structure.** An analysis declares what its table is (:class:`TableSpec`): the denominator
column, the count columns, the columns computed from them, the group columns, the answer column
whose rows split each group's ``n`` (a full distribution), rows that are totals, and whether the
totals over groups are known (published elsewhere). :func:`suppress` records the structure in
``frame.attrs["disclosure"]`` so that :func:`audit_table` checks the table against it; without a
declaration both infer one from column names (``n``; ``count`` / ``n_*`` counts; ``pct*`` /
``ci_*`` dependents; text columns as groups; ``response`` as the answer column; rows labelled
"All"/"Total" as totals). The audit then assumes only the totals it can see, so it never refuses a
table of independent indicators; suppression by default assumes totals over groups are known.
Dependants chain: a column computed from a computed column (a gap from a share) is hidden with it.

Limits: the rule protects against subtraction within one table and against a known total. Across
the overlapping tables of a release (and its packs and comparison) the pipeline's release pass
chooses further suppressions and gates the run on a linear-programming attack
(:mod:`evaluation.release_audit`, :mod:`evaluation.pipeline.release`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from evaluation.errors import Problem

MARKER = "[c]"
DEFAULT_MIN_CELL = 11
ATTRIBUTE_MIN_GROUP = 50
"""Counts of none or all of a group smaller than this are hidden (attribute disclosure)."""
TOTAL_LABELS = ("All", "Total", "Overall", "All respondents")
ANY = "*"  # dependent columns that depend on every count of their row


@dataclass(frozen=True)
class TableSpec:
    """What a table is made of, for suppression and audit (see the module docstring).

    ``dependent_cols`` maps a column to the columns computed from it: a count column, or a
    column that is itself computed (a percentage, whose interval and gap go with it when it is
    hidden). For the attacking audit (:mod:`evaluation.release_audit`) of a table whose rows
    each name a survey question (a label column): ``count_groups`` maps a count column to the
    group it counts (``(survey column, label)``), as the respondents of that group who answered
    the row's question; ``implied_counts`` maps a percentage column to its denominator's count
    column: shown to one decimal beside its ``n``, the percentage gives back its numerator, the
    group's positive answers (:attr:`evaluation.instrument.Variable.positive`).
    """

    n_col: str | None = "n"
    count_cols: tuple[str, ...] = ()
    dependent_cols: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    group_cols: tuple[str, ...] = ()
    partition_col: str | None = None
    label_cols: tuple[str, ...] = ()
    total_rows: Mapping[str, str] = field(default_factory=dict)
    totals_known: bool = True
    residual_labels: tuple[str, ...] = ()
    count_groups: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    implied_counts: Mapping[str, str] = field(default_factory=dict)

    @property
    def value_cols(self) -> list[str]:
        """Cells that count respondents: the denominator then the counts."""
        return ([self.n_col] if self.n_col else []) + list(self.count_cols)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["dependent_cols"] = {k: list(v) for k, v in self.dependent_cols.items()}
        out["total_rows"] = dict(self.total_rows)
        out["count_groups"] = {k: list(v) for k, v in self.count_groups.items()}
        out["implied_counts"] = dict(self.implied_counts)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> TableSpec:
        return cls(
            n_col=raw.get("n_col"),  # type: ignore[arg-type]
            count_cols=tuple(raw.get("count_cols", ())),  # type: ignore[arg-type]
            dependent_cols={
                k: tuple(v)
                for k, v in dict(raw.get("dependent_cols", {})).items()  # type: ignore[call-overload]
            },
            group_cols=tuple(raw.get("group_cols", ())),  # type: ignore[arg-type]
            partition_col=raw.get("partition_col"),  # type: ignore[arg-type]
            label_cols=tuple(raw.get("label_cols", ())),  # type: ignore[arg-type]
            total_rows=dict(raw.get("total_rows", {})),  # type: ignore[call-overload]
            totals_known=bool(raw.get("totals_known", True)),
            residual_labels=tuple(raw.get("residual_labels", ())),  # type: ignore[arg-type]
            count_groups={
                k: (str(v[0]), str(v[1]))
                for k, v in dict(raw.get("count_groups", {})).items()  # type: ignore[call-overload]
            },
            implied_counts=dict(raw.get("implied_counts", {})),  # type: ignore[call-overload]
        )


def _is_numeric_like(values: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return True
    shown = values[values.notna() & (values.astype("string") != MARKER)]
    if shown.empty:
        return bool(values.notna().any())  # all markers
    return bool(pd.to_numeric(shown, errors="coerce").notna().all())


def infer_spec(frame: pd.DataFrame, totals_known: bool = False) -> TableSpec:
    """A :class:`TableSpec` guessed from column names and types (see the module docstring)."""
    columns = [str(c) for c in frame.columns]
    numeric = {c for c in columns if _is_numeric_like(frame[c])}
    n_col = "n" if "n" in numeric else None
    counts = tuple(
        c
        for c in columns
        if c in numeric and c != n_col and (c == "count" or c.startswith(("n_", "count_")))
    )
    dependents = tuple(
        c for c in columns if c in numeric and c.startswith(("pct", "ci_", "percent", "share"))
    )
    partition = "response" if "response" in columns else None
    groups = tuple(c for c in columns if c not in numeric)
    totals = {
        g: label
        for g in groups
        for label in TOTAL_LABELS
        if (frame[g].astype("string") == label).any() and g != partition
    }
    return TableSpec(
        n_col=n_col,
        count_cols=counts,
        dependent_cols={ANY: dependents} if dependents else {},
        group_cols=groups,
        partition_col=partition,
        total_rows=totals,
        totals_known=totals_known,
    )


def _resolve_spec(
    frame: pd.DataFrame,
    spec: TableSpec | None,
    n_col: str | None,
    count_cols: Sequence[str] | None,
    dependent_cols: Sequence[str] | Mapping[str, Sequence[str]] | None,
    group_cols: Sequence[str] | None,
    partition_col: str | None,
    label_cols: Sequence[str],
    total_rows: Mapping[str, str] | None,
    totals_known: bool,
) -> TableSpec:
    """An explicit spec, else keyword declarations completed by inference."""
    if spec is not None:
        return spec
    guess = infer_spec(frame, totals_known=totals_known)
    n = guess.n_col if n_col == "n" else n_col
    if n is not None and n not in frame.columns:
        n = None
    counts = tuple(c for c in (guess.count_cols if count_cols is None else count_cols) if c != n)
    if dependent_cols is None:
        dependents = dict(guess.dependent_cols)
    elif isinstance(dependent_cols, Mapping):
        dependents = {k: tuple(v) for k, v in dependent_cols.items()}
    else:
        dependents = {ANY: tuple(dependent_cols)}
    groups = guess.group_cols if group_cols is None else tuple(group_cols)
    groups = tuple(g for g in groups if g not in label_cols)
    partition = partition_col if partition_col is not None else guess.partition_col
    if partition not in groups:
        partition = None
    return TableSpec(
        n_col=n,
        count_cols=counts,
        dependent_cols=dependents,
        group_cols=groups,
        partition_col=partition,
        label_cols=tuple(label_cols),
        total_rows=dict(guess.total_rows if total_rows is None else total_rows),
        totals_known=totals_known,
    )


def _values_and_hidden(frame: pd.DataFrame, columns: Sequence[str]):
    """Numeric values (NaN where hidden or blank) and the hidden mask of each column."""
    values, hidden = {}, {}
    for c in columns:
        raw = frame[c]
        hidden[c] = _marked(raw)
        values[c] = pd.to_numeric(raw.where(~hidden[c]), errors="coerce").to_numpy(dtype=float)
    return values, hidden


def _marked(values: pd.Series, marker: str = MARKER) -> np.ndarray:
    """Which cells of a column hold the marker."""
    return (values.astype("string") == marker).fillna(False).to_numpy(dtype=bool)


def _small(x: np.ndarray, min_cell: int) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (x > 0) & (x < min_cell)


def _unanimous(count: np.ndarray, n: np.ndarray, attribute_min_group: int) -> np.ndarray:
    """A count of none or all of a group smaller than ``attribute_min_group`` (see the module
    docstring: attribute disclosure)."""
    with np.errstate(invalid="ignore"):
        return (n > 0) & (n < attribute_min_group) & ((count == 0) | (count == n))


@dataclass
class _Set:
    """Cells (``rows`` of ``col``) adding up to a total: a shown cell, the rows' n, or known."""

    rows: np.ndarray
    col: str
    total: str  # "known", "n" (the rows' shared denominator), "row" (a total row), "none"
    total_row: int | None = None
    residual: np.ndarray | None = None  # rows whose group is a residual ("Prefer not to say")


def _needs_protection(s: _Set, member_hidden: np.ndarray) -> bool:
    """Whether a set's single hidden cell must be protected from subtraction.

    A set whose total is only *known* (published elsewhere, not in this table) and whose one hidden
    cell is a residual group ("Prefer not to say", "Not stated", "Not answered") is exempt; see the
    module docstring.
    """
    if member_hidden.sum() != 1:
        return False
    if s.total == "known" and s.residual is not None:
        return not s.residual[member_hidden].all()
    return True


def _constraint_sets(frame: pd.DataFrame, spec: TableSpec) -> list[_Set]:
    sets: list[_Set] = []
    positions = pd.Series(np.arange(len(frame)), index=frame.index)
    groups = [g for g in spec.group_cols if g in frame.columns]
    labels = [c for c in spec.label_cols if c in frame.columns and c not in groups]
    if spec.partition_col and spec.n_col:
        others = labels + [g for g in groups if g != spec.partition_col]
        keyed = frame[others].astype("string").fillna("") if others else None
        parts = (
            positions.groupby([keyed[g] for g in others], sort=False)
            if keyed is not None
            else [(None, positions)]
        )
        for _, rows in parts:
            for c in spec.count_cols:
                sets.append(_Set(rows.to_numpy(), c, "n"))
    for g in groups:
        if g == spec.partition_col:
            continue
        others = labels + [x for x in groups if x != g]
        label = spec.total_rows.get(g)
        as_text = frame[labels + groups].astype("string").fillna("")
        blocks = (
            positions.groupby([as_text[x] for x in others], sort=False)
            if others
            else [(None, positions)]
        )
        for _, rows in blocks:
            is_total = (as_text.loc[rows.index, g] == label).to_numpy() if label else None
            members = rows.to_numpy() if is_total is None else rows.to_numpy()[~is_total]
            total_rows = [] if is_total is None else list(rows.to_numpy()[is_total])
            if len(members) < 2 and not total_rows:
                continue
            for c in spec.value_cols:
                if total_rows:
                    sets.append(_Set(members, c, "row", int(total_rows[0])))
                else:
                    residual = np.isin(as_text[g].to_numpy()[members], spec.residual_labels)
                    total = "known" if spec.totals_known else "none"
                    sets.append(_Set(members, c, total, residual=residual))
    return sets


def _total_shown(s: _Set, hidden: dict[str, np.ndarray], spec: TableSpec) -> bool:
    if s.total == "known":
        return True
    if s.total == "n":
        return spec.n_col is not None and not hidden[spec.n_col][s.rows].any()
    if s.total == "row":
        return not hidden[s.col][s.total_row]
    return False


def _partition_groups(frame: pd.DataFrame, spec: TableSpec) -> list[np.ndarray]:
    if not (spec.partition_col and spec.n_col):
        return []
    others = [
        g
        for g in (*spec.label_cols, *spec.group_cols)
        if g != spec.partition_col and g in frame.columns
    ]
    if not others:
        return [np.arange(len(frame))]
    keyed = frame[others].astype("string").fillna("")
    codes = keyed.groupby(others, sort=False).ngroup().to_numpy()
    return [np.flatnonzero(codes == k) for k in np.unique(codes)]


def _propagate(hidden: dict[str, np.ndarray], spec: TableSpec, partitions: list[np.ndarray]):
    """A hidden denominator hides its whole row (and, in a distribution, its whole group)."""
    if not spec.n_col:
        return
    n_hidden = hidden[spec.n_col]
    for rows in partitions:
        if n_hidden[rows].any():
            n_hidden[rows] = True
    for c in spec.count_cols:
        hidden[c] |= n_hidden


def suppress(
    frame: pd.DataFrame,
    spec: TableSpec | None = None,
    *,
    n_col: str | None = "n",
    count_cols: Sequence[str] | None = None,
    dependent_cols: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    group_cols: Sequence[str] | None = None,
    partition_col: str | None = None,
    label_cols: Sequence[str] = (),
    total_rows: Mapping[str, str] | None = None,
    totals_known: bool = True,
    min_cell: int = DEFAULT_MIN_CELL,
    marker: str = MARKER,
    residual_labels: Sequence[str] = (),
    attribute_min_group: int = ATTRIBUTE_MIN_GROUP,
) -> pd.DataFrame:
    """Primary and secondary suppression of a tidy table; suppressed cells hold ``marker``.

    ``residual_labels``: the groups that are residual ("Prefer not to say"; module docstring),
    from the instrument.

    Declare the table with ``spec`` or the keywords (anything not declared is inferred, see
    :func:`infer_spec`). ``dependent_cols`` is a list (hidden when any count of the row is
    hidden) or a mapping count column -> columns computed from it. ``label_cols`` identify rows
    without adding up (an item, a funnel step, an indicator): sets are formed within each label,
    never across labels. Cells already holding the marker stay hidden (suppressing twice is
    harmless). The structure used is stored in
    ``result.attrs["disclosure"]``.

    The reverse calculation that secondary suppression prevents: 40 respondents answered; 3
    strongly agree (primary: fewer than 11), 17 agree, 20 neither. Were only the 3 hidden, the
    shown n gives it back: 40 - 17 - 20 = 3. So the next smallest cell (17) is hidden too, and
    the reader learns only that the two hidden cells add up to 20.

    >>> t = pd.DataFrame({"response": ["Strongly agree", "Agree", "Neither"],
    ...                   "n": [40, 40, 40], "count": [3, 17, 20]})
    >>> suppress(t, dependent_cols=[], totals_known=False)["count"].tolist()
    ['[c]', '[c]', 20]

    Groups that add up to a published total are protected the same way: with the overall figure
    known, hiding one small role level alone would be undone by subtraction.

    >>> t = pd.DataFrame({"role": ["Frontline", "Manager", "Executive"],
    ...                   "n": [120, 45, 6], "n_aware": [40, 30, 5], "pct": [33.3, 66.7, 83.3]})
    >>> suppress(t)[["n", "n_aware", "pct"]].to_dict("list")
    {'n': [120, '[c]', '[c]'], 'n_aware': [40, '[c]', '[c]'], 'pct': [33.3, '[c]', '[c]']}
    """
    spec = _resolve_spec(
        frame,
        spec,
        n_col,
        count_cols,
        dependent_cols,
        group_cols,
        partition_col,
        label_cols,
        total_rows,
        totals_known,
    )
    if residual_labels:
        spec = replace(spec, residual_labels=tuple(residual_labels))
    values, hidden = _values_and_hidden(frame, spec.value_cols)
    if spec.n_col:
        hidden[spec.n_col] |= _small(values[spec.n_col], min_cell)
    for c in spec.count_cols:
        hidden[c] |= _small(values[c], min_cell)
        if spec.n_col:
            hidden[c] |= _small(values[spec.n_col] - values[c], min_cell)
            hidden[c] |= _unanimous(values[c], values[spec.n_col], attribute_min_group)
    partitions = _partition_groups(frame, spec)
    _propagate(hidden, spec, partitions)

    sets = _constraint_sets(frame, spec)
    changed = True
    while changed:
        changed = False
        for s in sets:
            if not _total_shown(s, hidden, spec):
                continue
            member_hidden = hidden[s.col][s.rows]
            if not _needs_protection(s, member_hidden):
                continue
            shown = s.rows[~member_hidden]
            if shown.size == 0:
                if s.total == "row" and s.total_row is not None:
                    hidden[s.col][s.total_row] = True
                    changed = True
                continue
            vals = np.nan_to_num(values[s.col][shown], nan=np.inf)
            order = np.lexsort((vals, vals <= 0))  # smallest positive first, zeros last
            hidden[s.col][shown[order[0]]] = True
            _propagate(hidden, spec, partitions)
            changed = True

    out = frame.copy()
    row_any = np.zeros(len(frame), dtype=bool)
    for c in spec.value_cols:
        row_any |= hidden[c]
    masks: dict[str, np.ndarray] = {c: hidden[c] for c in spec.value_cols}
    for source in spec.dependent_cols:  # a computed column already hidden hides its dependants
        if source not in masks and source in out.columns:
            masks[source] = _marked(out[source], marker)
    grew = True
    while grew:  # a count hides its percentage, which hides the gap computed from it
        grew = False
        for source, deps in spec.dependent_cols.items():
            if source == ANY:
                mask = row_any
            elif source in hidden:
                mask = hidden[source] | (hidden[spec.n_col] if spec.n_col else False)
            elif source in masks:
                mask = masks[source]
            else:
                continue
            for d in deps:
                if d in out.columns:
                    before = masks.get(d, np.zeros(len(frame), dtype=bool))
                    after = before | mask
                    if not np.array_equal(before, after):
                        masks[d], grew = after, True
    for c, mask in masks.items():
        mask = mask | _marked(out[c], marker)
        if mask.any():
            out[c] = out[c].astype(object).where(~mask, marker)
    out.attrs["disclosure"] = {
        **spec.as_dict(),
        "min_cell": min_cell,
        "attribute_min_group": attribute_min_group,
    }
    return out


def audit_table(
    frame: pd.DataFrame,
    spec: TableSpec | None = None,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    name: str = "<table>",
    attribute_min_group: int | None = None,
) -> list[Problem]:
    """Problems that make ``frame`` unsafe to publish (an empty list when it is safe).

    Finds shown denominators, counts or complements of 1 to ``min_cell - 1``; counts of none or
    all of a group smaller than ``attribute_min_group`` (attribute disclosure; default: the value
    :func:`suppress` recorded, else :data:`ATTRIBUTE_MIN_GROUP`); blank count cells
    (a suppressed cell must hold the marker); percentages or intervals shown next to a hidden
    count; and hidden cells recoverable by subtraction (exactly one hidden cell in a set whose
    total is shown). The structure is ``spec``, else the one :func:`suppress` recorded in
    ``frame.attrs["disclosure"]``, else one inferred from the columns (then only totals visible
    in the table are assumed known). Works on tables read back from CSV (markers as text).

    >>> audit_table(pd.DataFrame({"group": ["a", "b"], "n": [50, 4]}))[0].message
    'n = 4 is shown but rests on fewer than 11 respondents'
    """
    declared = frame.attrs.get("disclosure") or {}
    if attribute_min_group is None:
        attribute_min_group = int(declared.get("attribute_min_group", ATTRIBUTE_MIN_GROUP))
    if spec is None and declared:
        spec = TableSpec.from_dict(declared)
    if spec is None:
        spec = infer_spec(frame, totals_known=False)
    problems: list[Problem] = []
    values, hidden = _values_and_hidden(frame, spec.value_cols)

    def report(row: int | np.integer, column: str | None, value: object, message: str) -> None:
        problems.append(Problem(name, int(row) + 1, column, value, message))

    for c in spec.value_cols:
        blank = ~hidden[c] & np.isnan(values[c])
        for i in np.flatnonzero(blank):
            report(
                i, c, frame[c].iloc[i], f"blank or non-numeric count: hidden cells hold {MARKER}"
            )
        for i in np.flatnonzero(~hidden[c] & _small(values[c], min_cell)):
            report(
                i,
                c,
                int(values[c][i]),
                f"{c} = {int(values[c][i])} is shown but rests on fewer than "
                f"{min_cell} respondents",
            )
    if spec.n_col:
        n = values[spec.n_col]
        for c in spec.count_cols:
            both = ~hidden[c] & ~hidden[spec.n_col]
            for i in np.flatnonzero(both & _small(n - values[c], min_cell)):
                report(
                    i,
                    c,
                    int(values[c][i]),
                    f"{spec.n_col} - {c} = {int(n[i] - values[c][i])} (the complement) rests on "
                    f"fewer than {min_cell} respondents",
                )
            for i in np.flatnonzero(both & _unanimous(values[c], n, attribute_min_group)):
                share = "0%" if values[c][i] == 0 else "100%"
                report(
                    i,
                    c,
                    int(values[c][i]),
                    f"{c} = {int(values[c][i])} of {spec.n_col} = {int(n[i])} ({share} of a group "
                    f"of fewer than {attribute_min_group}) tells every member's answer "
                    "(attribute disclosure)",
                )
    any_hidden = np.zeros(len(frame), dtype=bool)
    for c in spec.value_cols:
        any_hidden |= hidden[c]
    for source, deps in spec.dependent_cols.items():
        if source == ANY:
            mask = any_hidden
        elif source in hidden:
            mask = hidden[source]
        elif source in frame.columns:  # a computed column: what is computed from it goes too
            mask = _marked(frame[source])
        else:
            mask = np.zeros(len(frame), bool)
        for d in deps:
            if d not in frame.columns:
                continue
            shown = ~(frame[d].astype("string") == MARKER).fillna(False).to_numpy(dtype=bool)
            for i in np.flatnonzero(mask & shown & frame[d].notna().to_numpy()):
                report(i, d, frame[d].iloc[i], "shown next to a suppressed count it derives from")
    for s in _constraint_sets(frame, spec):
        if _total_shown(s, hidden, spec) and _needs_protection(s, hidden[s.col][s.rows]):
            first = int(s.rows[hidden[s.col][s.rows]][0])
            where = {"n": "the group's n", "row": "the total row", "known": "a published total"}
            report(
                first,
                s.col,
                MARKER,
                f"suppressed cell recoverable by subtraction from {where[s.total]} "
                "(only one cell of its group is suppressed)",
            )
    return problems


def excluded_note(excluded: Mapping[str, int], min_cell: int = DEFAULT_MIN_CELL) -> str:
    """The respondents a model left out, safe to print in its note.

    A model note such as "Excluded: ethnicity Prefer not to say: 8" is a published count like any
    other (with the table's ``n`` and the report's respondents it is a group of 8). Each reason is
    shown with its count only when every count is at least ``min_cell`` (or 0); otherwise the
    reasons are named and only their total is given, hidden as the marker when it is itself
    small.

    >>> excluded_note({"ethnicity Prefer not to say": 8, "missing answer": 15})
    'ethnicity Prefer not to say; missing answer (23 in all)'
    >>> excluded_note({"missing answer": 15, "no organisation": 0})
    'missing answer: 15; no organisation: 0'
    """
    parts = {str(k): int(v) for k, v in dict(excluded).items()}
    if not parts:
        return "none"
    if all(v == 0 or v >= min_cell for v in parts.values()):
        return "; ".join(f"{k}: {v}" for k, v in parts.items())
    total = sum(parts.values())
    shown = total if total == 0 or total >= min_cell else MARKER
    return f"{'; '.join(k for k, v in parts.items() if v)} ({shown} in all)"
