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

A made-up respondent is added for each hidden empty cell (:func:`_phantoms`), so a hidden 0 is
not "determined" merely because the attacker is told no one answered that way; rows naming a
question (item missingness, a barrier option) and headline indicators (from their declared
definitions) are modelled; blank-group rows ("Not answered") count those who left it blank.

**Only sensitive cells must be protected** (:func:`mark_sensitive`, :func:`exposed`): those
the disclosure rule hides for their own sake, as tau-Argus protects its primary unsafe cells. A
secondary suppression that can be worked out is reported (``sensitive`` False), not failed: it
is a figure the rule would publish, and a primary cell it would give away fails through its own
interval. Columns computed from the answers that tables count (the funnel's steps, the register
level, the themes) are added to the frame by :mod:`evaluation.audit_columns`.

A percentage is a count too: shown to one decimal beside its ``n``, it gives back the one count
that rounds to it (:func:`implied_numerator`; 59.2% of 213 is 126). A table that declares which
group each count column counts and which percentage implies which count (``count_groups``,
``implied_counts`` of :class:`~evaluation.disclosure.TableSpec`: the equity gaps) is modelled
from that declaration (:func:`_model_group_shares`): each percentage becomes a cell in its
column, hidden when the percentage is, so the protection pass can hide it (and the table's
declared dependants, the gap and test, go with it).

Used three ways: :func:`attack_report` (the audit; ``python -m evaluation.release_audit``),
:func:`protect_release` (secondary suppression chosen over the whole release, greedy and driven
by this audit; :func:`choose_secondary` is the exact mixed-integer programme, too slow for a
whole report), and the gate at the end of every run and over region + packs + comparison
(:mod:`evaluation.pipeline.release`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.disclosure import (
    ATTRIBUTE_MIN_GROUP,
    DEFAULT_MIN_CELL,
    MARKER,
    TOTAL_LABELS,
    TableSpec,
)

DEFAULT_PROTECTION = 3
"""A suppressed cell whose feasible interval is narrower than this many respondents fails."""
HEADLINE_COST = 10
"""A headline indicator's cell costs this many times another's when the protection pass chooses
a secondary suppression (:func:`_cost`): the headlines are the report's first figures, so a
breakdown cell is hidden before them where either would do."""


KEY_TABLES = frozenset(
    {"awareness_by_role_level", "confidence_by_role_level", "confidence_by_ethnicity",
     "equity_gaps"}
)  # fmt: skip
"""The tables the evaluation's findings rest on (awareness by seniority; confidence to report by
role and by ethnicity; the Global Majority - White gaps): their cells cost as much as a
headline's, so a cell of a further breakdown is hidden before them where either would do."""


def _cost(cell: Cell) -> int:
    """What hiding ``cell`` costs the reader: the precision lost, greater the smaller the cell's
    base (its row's denominator, or its own size for a denominator). Hiding 126 of 213 White
    staff leaves their share known to within a few points from the total and the other groups;
    hiding 19 of 51 Global Majority staff does not; so the cost is 1 / base, not the respondents
    hidden (which blanked the smallest groups, the ones the evaluation is about), times
    :data:`HEADLINE_COST` for a headline's and :data:`KEY_TABLES`' cells."""
    headline = bool(cell.rule) and cell.rule[-1][0] == "headline"
    key = cell.path is not None and cell.path.stem in KEY_TABLES
    base = cell.base or cell.value or 0
    return (HEADLINE_COST if headline or key else 1) * 10_000 // max(base, 1)


_SKIP_COLUMNS = {"respondent_id", "wave", "comment_change", "comment_other"}

Predicate = tuple
"""Which respondents a cell counts, as data (so it can be re-applied to another unit or to a
made-up respondent): ``("label", column, text)`` a group label; ``("in", column, values)`` an
answer; ``("true", column)`` a flag; ``("all",)`` everyone; ``("answered", column)``;
``("asked", column, asked_if, want)`` with ``want`` ``"asked"``, ``"answered"`` or
``"missing"`` (a routed question's item-missingness row); ``("headline", id, part)`` a headline
indicator's population who answered (``"n"``) or its positive answers (``"positive"``);
``("substantive", column)`` an answer that is not residual ("Prefer not to say": the population
of every published share, :meth:`evaluation.instrument.Instrument.answered`)."""


def predicate_mask(frame: pd.DataFrame, predicate: Predicate) -> np.ndarray:
    """The respondents of ``frame`` that ``predicate`` selects."""
    kind = predicate[0]
    if kind == "all":
        return np.ones(len(frame), dtype=bool)
    if kind == "headline":
        from evaluation.analyses.headlines import HEADLINES
        from evaluation.instrument import load_instrument

        headline = next(h for h in HEADLINES if h.id == predicate[1])
        instrument = load_instrument()
        answered = instrument.answered(frame, headline.variable)  # "Prefer not to say" out
        base = headline.in_population(frame).to_numpy(bool).copy()
        base = base & answered.notna().to_numpy(bool)
        if predicate[2] == "positive":
            answers = list(headline.positive_answers(instrument))
            base = base & frame[headline.variable].astype(object).isin(answers).to_numpy(bool)
        return base
    series = frame[predicate[1]]
    if kind == "substantive":
        from evaluation.instrument import load_instrument

        return load_instrument().answered(frame, predicate[1]).notna().to_numpy(bool)
    if kind == "label":
        return (series.astype("string") == predicate[2]).fillna(False).to_numpy(bool)
    if kind == "na":
        return series.isna().to_numpy(bool)
    if kind == "in":
        return series.astype(object).isin(list(predicate[2])).to_numpy(bool)
    if kind == "true":
        return series.fillna(False).to_numpy(dtype=bool)
    answered = series.notna().to_numpy(bool)
    if pd.api.types.is_string_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        answered = answered & (series.fillna("").astype(str).str.strip() != "").to_numpy(bool)
    if kind == "answered":
        return answered
    if kind == "asked":
        asked = np.ones(len(frame), dtype=bool)
        if predicate[2]:
            asked = np.zeros(len(frame), dtype=bool)
            for other, values in predicate[2]:
                asked = asked | frame[other].astype(object).isin(list(values)).to_numpy(bool)
        want = predicate[3]
        return asked if want == "asked" else asked & (answered if want == "answered" else ~answered)
    raise ValueError(f"unknown predicate {predicate!r}")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def predicate_holds(row: dict, predicate: Predicate) -> bool:
    """:func:`predicate_mask` for one respondent given as a dict (a made-up one, see
    :func:`_phantoms`): the same meaning, without building a frame."""
    kind = predicate[0]
    if kind == "all":
        return True
    if kind == "headline":
        from evaluation.analyses.headlines import HEADLINES
        from evaluation.instrument import load_instrument

        h = next(h for h in HEADLINES if h.id == predicate[1])
        instrument = load_instrument()
        tests = [row.get(col) in values for col, values in h.population.items()]
        inside = not tests or (all(tests) if h.match == "all" else any(tests))
        answer = row.get(h.variable)
        inside = inside and not _missing(answer) and answer not in instrument.residual_labels
        if predicate[2] == "positive":
            inside = inside and answer in h.positive_answers(instrument)
        return bool(inside)
    value = row.get(predicate[1])
    if kind == "substantive":
        from evaluation.instrument import load_instrument

        return not _missing(value) and value not in load_instrument().residual_labels
    if kind == "label":
        return not _missing(value) and str(value) == predicate[2]
    if kind == "na":
        return _missing(value)
    if kind == "in":
        return not _missing(value) and value in predicate[2]
    if kind == "true":
        return not _missing(value) and bool(value)
    answered = not _missing(value) and (not isinstance(value, str) or value.strip() != "")
    if kind == "answered":
        return answered
    if kind == "asked":
        asked = not predicate[2] or any(row.get(o) in vals for o, vals in predicate[2])
        want = predicate[3]
        return asked if want == "asked" else asked and (answered == (want == "answered"))
    raise ValueError(f"unknown predicate {predicate!r}")


def rule_mask(frame: pd.DataFrame, rule: Sequence[Predicate]) -> np.ndarray:
    """The respondents every predicate of ``rule`` selects."""
    mask = np.ones(len(frame), dtype=bool)
    for predicate in rule:
        mask = mask & predicate_mask(frame, predicate)
    return mask


def _rule_columns(rule: Sequence[Predicate]) -> set[str]:
    out: set[str] = set()
    for predicate in rule:
        if predicate[0] == "headline":
            from evaluation.analyses.headlines import HEADLINES

            h = next(h for h in HEADLINES if h.id == predicate[1])
            out |= {h.variable, *h.population}
        elif predicate[0] != "all":
            out.add(predicate[1])
            if predicate[0] == "asked":
                out |= {other for other, _ in predicate[2]}
    return out


@dataclass
class Cell:
    """One count cell of a published table, with the respondents it counts."""

    table: str
    row: int  # row of the CSV as a spreadsheet shows it (header = row 1)
    column: str
    value: int | None  # None: suppressed
    mask: np.ndarray = field(repr=False)
    rule: tuple = ()  # group predicates, then the answer's (empty: not re-applicable)
    scope: np.ndarray | None = field(default=None, repr=False)  # the report's respondents
    virtual: bool = False  # a unit without a pack: never published, implied by differences
    path: Path | None = None  # the CSV (for the protection pass)
    sensitive: bool = True  # the disclosure rule hides it (see :func:`mark_sensitive`)
    base: int | None = None  # its row's denominator's true size (see :func:`exposed`)


@dataclass
class ReleaseModel:
    cells: list[Cell]
    modelled: list[str]
    not_modelled: dict[str, str]
    frame: pd.DataFrame | None = field(default=None, repr=False)


def candidate_predicates(frame: pd.DataFrame) -> list[tuple[str, Predicate, np.ndarray]]:
    """``(variable, predicate, mask)`` for the meanings a count column may have."""
    out: list[tuple[str, Predicate, np.ndarray]] = []
    for column in frame.columns:
        if column in _SKIP_COLUMNS:
            continue
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            out.append((column, ("true", column), predicate_mask(frame, ("true", column))))
            continue
        if not isinstance(series.dtype, pd.CategoricalDtype):
            continue
        categories = list(series.cat.categories)
        values = series.astype(object)
        for category in categories:
            out.append((column, ("in", column, (category,)),
                        (values == category).fillna(False).to_numpy(bool)))  # fmt: skip
        if len(categories) >= 4:
            for chosen in (tuple(categories[-2:]), tuple(categories[:2])):
                out.append((column, ("in", column, chosen), values.isin(chosen).to_numpy(bool)))
    return out


def _item_predicates(frame: pd.DataFrame, column: str) -> list[tuple[str, Predicate, np.ndarray]]:
    """Answered / not answered (among those asked) for a table row naming a survey question."""
    from evaluation.instrument import load_instrument

    try:
        asked_if = tuple(load_instrument()[column].asked_if.items())
    except (KeyError, LookupError):
        asked_if = ()
    out = []
    for want in ("answered", "missing"):
        predicate = ("asked", column, asked_if, want)
        out.append((column, predicate, predicate_mask(frame, predicate)))
    return out


_MISSING_LABELS = ("Not answered", "Missing", "No answer")


def _group_rule(row: pd.Series, groups: Iterable[str], frame: pd.DataFrame) -> tuple | None:
    rule: list[Predicate] = []
    for group in groups:
        label = row[group]
        if pd.isna(label) or str(label) in TOTAL_LABELS:
            continue
        if group not in frame.columns:
            return None
        series = frame[group]
        categories = (
            {str(c) for c in series.cat.categories}
            if isinstance(series.dtype, pd.CategoricalDtype)
            else set(series.dropna().astype(str))
        )
        if str(label) in _MISSING_LABELS and str(label) not in categories:
            rule.append(("na", group))  # the row of those who left the question blank
        else:
            rule.append(("label", group, str(label)))
    return tuple(rule)


def _as_count(value: object) -> int | float | None:
    """A shown count as an int, ``None`` for the marker, NaN for anything else."""
    if isinstance(value, str) and value.strip() == MARKER:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return int(number) if number == int(number) else float("nan")


def _headline_ids() -> set[str]:
    from evaluation.analyses.headlines import HEADLINES

    return {h.id for h in HEADLINES}


def _model_table(
    name: str, table: pd.DataFrame, spec: TableSpec, frame: pd.DataFrame, candidates: list
) -> tuple[list[Cell], str | None]:
    """The count cells of one table with their respondents, or why the table is not modelled.

    A label column whose values name survey columns (an item, a barrier option) restricts each
    row's meaning to that column; an ``indicator`` column naming headline indicators takes their
    declared definitions (:data:`evaluation.analyses.headlines.HEADLINES`).
    """
    if spec.count_groups:
        return _model_group_shares(name, table, spec, frame)
    labels = list(spec.label_cols)
    groups = [g for g in spec.group_cols if g not in labels and g != spec.partition_col]
    headline = None
    if "indicator" in table.columns and set(table["indicator"].dropna()) & _headline_ids():
        headline = "indicator"  # rows naming a headline, or a survey item or theme column
        labels = ["indicator"]
        groups = [g for g in groups if g in frame.columns]  # label / population: descriptions
    count_cols = [c for c in spec.count_cols if c in table.columns]
    n_col = spec.n_col if spec.n_col in table.columns else None
    if not count_cols and not n_col:
        return [], "no count columns"
    rules = [_group_rule(row, groups, frame) for _, row in table.iterrows()]
    if any(r is None for r in rules):
        missing = [g for g in groups if g not in frame.columns]
        return [], f"group columns not in the survey: {missing}"
    masks = [rule_mask(frame, r) for r in rules]  # type: ignore[arg-type]
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
    seen: dict[str, set] = {}  # column -> the meanings (as templates) identified for it
    deferred: list[tuple[list[int], str, str]] = []  # rows, column, own: no evidence of their own

    def defer(rows: list[int], column: str, own: str | None) -> int:
        """Keep rows naming a question for the table's other questions' meaning (0), or
        count them not modelled."""
        if own is None:
            return len(rows)
        deferred.append((rows, column, own))
        return 0

    def add(i: int, column: str, predicate: Predicate) -> None:
        rule = (*rules[i], predicate)  # type: ignore[misc]
        value = values[column][i]  # a count or None (suppressed): NaN was refused above
        cells.append(Cell(name, i + 2, column, None if value is None else int(value),
                          masks[i] & predicate_mask(frame, predicate), rule))  # fmt: skip

    for key in dict.fromkeys(keys):
        rows = [i for i, k in enumerate(keys) if k == key]
        if headline and key[0] in _headline_ids():
            parts: dict[str | None, str] = {n_col: "n", **{c: "positive" for c in count_cols[:1]}}
            for column, part in parts.items():
                if column is None:
                    continue
                for i in rows:
                    add(i, column, ("headline", key[0], part))
            continue
        named = [v for v in key if v in frame.columns and v != "respondent_id"]
        own = named[0] if named else None
        for column in count_cols:
            pool = candidates
            if own is not None:
                pool = [c for c in candidates if c[0] == own] + _item_predicates(frame, own)
            predicate = _identify(
                [masks[i] for i in rows], [values[column][i] for i in rows], pool,
                [str(table.iloc[i][partition]) for i in rows] if partition else None, frame,
                own,
            )  # fmt: skip
            if predicate is None:  # not modelled yet: later, by the table's other questions
                skipped += defer(rows, column, own)
                continue
            variable, row_predicates = predicate
            chosen_vars[key] = variable
            if own is not None:
                seen.setdefault(column, set()).add(_template(row_predicates, own, frame))
            for i, pred in zip(rows, row_predicates, strict=True):
                add(i, column, pred)
        if not n_col:
            continue
        everyone: Predicate = ("all",)
        options: list[Predicate] = []
        if key in chosen_vars:
            options.append(("answered", chosen_vars[key]))
        if own is not None:
            options += [p for _, p, _ in _item_predicates(frame, own)[:1]]
            options.append(("asked", own, _item_predicates(frame, own)[0][1][2], "asked"))
        options.append(everyone)
        options += [("answered", v) for v in dict.fromkeys(v for v, _, _ in candidates)]
        row_masks, row_values = [masks[i] for i in rows], [values[n_col][i] for i in rows]
        matches = []
        for option in options:
            m = predicate_mask(frame, option)
            if all(v is None or int((g & m).sum()) == v
                   for g, v in zip(row_masks, row_values, strict=True)):  # fmt: skip
                matches.append((option, [m] * len(rows), [option] * len(rows)))
        if matches and options[0] in {o for o, _, _ in matches[:1]} and (key in chosen_vars or own):
            matches = matches[:1]  # the count's own question decides the denominator
        if _is_flag(frame, own) and matches and matches[0][0] == ("answered", own):
            chosen = matches[0][:2]  # a yes/no column's base: those it is not blank for
        elif not count_cols and own is None and matches and matches[0][0] == everyone:
            chosen = matches[0][:2]  # a profile: each group's size
        else:
            chosen = _unique([(o, m) for o, m, _ in matches], row_masks, row_values, bool(own))
        if chosen is None:
            skipped += defer(rows, n_col, own)
            continue
        if own is not None:
            seen.setdefault(n_col, set()).add(_template([chosen[0]] * len(rows), own, frame))
        for i in rows:
            add(i, n_col, chosen[0])
    for rows, column, own in deferred:  # the meaning every other question of the table has
        kinds = seen.get(column, set())
        labels_ = [str(table.iloc[i][partition]) for i in rows] if partition else None
        row_predicates = (
            _from_template(next(iter(kinds)), own, frame, labels_, len(rows))
            if len(kinds) == 1 and None not in kinds
            else None
        )
        if row_predicates is None or any(
            values[column][i] is not None
            and int((masks[i] & predicate_mask(frame, p)).sum()) != values[column][i]
            for i, p in zip(rows, row_predicates, strict=True)
        ):
            skipped += len(rows)
            continue
        for i, pred in zip(rows, row_predicates, strict=True):
            add(i, column, pred)
    if not cells:
        return [], "no count column reproduced from the microdata"
    if headline and any(
        c.value is not None and c.rule[-1][0] == "headline" and int(c.mask.sum()) != c.value
        for c in cells
    ):
        return [], "headline counts are not this report's respondents (another wave or unit)"
    return cells, (f"partly: {skipped} cells not modelled" if skipped else None)


def _is_flag(frame: pd.DataFrame, own: str | None) -> bool:
    """Whether the row's question ``own`` is a yes/no column (a funnel step, a theme)."""
    return own is not None and pd.api.types.is_bool_dtype(frame[own])


def _answers(label: str, series: pd.Series) -> tuple | None:
    """The answers of categorical ``series`` a distribution row's label names: one level, or
    levels joined by " or " as a collapsed scale writes them ("Agree or strongly agree")."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return None
    by_text = {str(c): c for c in series.cat.categories}
    if label in by_text:
        return (by_text[label],)
    folded = {text.casefold(): c for text, c in by_text.items()}
    parts = [folded.get(part.strip().casefold()) for part in label.split(" or ")]
    return tuple(parts) if len(parts) > 1 and None not in parts else None


def _template(row_predicates: list, own: str, frame: pd.DataFrame) -> tuple | None:
    """A column's identified meaning with the row's question left out, so the same meaning can
    be given to a question of the table whose every cell is hidden (no evidence of its own):
    ``("response",)`` a distribution's answer, ``("at", positions)`` answers by their place on
    the scale (the top two), or the predicate's kind (answered, asked, substantive, yes)."""
    first = row_predicates[0]
    if first[0] != "asked" and (len(first) < 2 or first[1] != own):
        return None
    if first[0] == "in":
        if len({p[2] for p in row_predicates}) > 1:
            return ("response",)
        series = frame[own]
        if not isinstance(series.dtype, pd.CategoricalDtype):
            return None
        levels = list(series.cat.categories)
        return ("at", tuple(levels.index(v) - len(levels) for v in first[2]))
    if first[0] == "asked":
        return ("asked", first[3]) if first[1] == own else None
    return (first[0],)


def _from_template(
    template: tuple, own: str, frame: pd.DataFrame, labels: list[str] | None, n: int
) -> list | None:
    """The ``n`` row predicates of :func:`_template`'s meaning for question ``own`` (a
    distribution's: one per row's answer ``labels``), or None where ``own`` cannot hold it."""
    series = frame[own]
    levels = list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype) else []
    kind = template[0]
    if kind == "response":
        answers = [_answers(label, series) for label in labels or []]
        if labels is None or any(a is None for a in answers):
            return None
        return [("in", own, a) for a in answers]
    if kind == "at":
        if not levels or any(-p > len(levels) for p in template[1]):
            return None
        return [("in", own, tuple(levels[p] for p in template[1]))] * n
    if kind == "asked":
        return [("asked", own, _item_predicates(frame, own)[0][1][2], template[1])] * n
    if kind == "true" and not pd.api.types.is_bool_dtype(series):
        return None
    return [(kind, own)] * n


def implied_numerator(pct: float, n: int) -> int | None:
    """The one count ``x`` of ``n`` whose share ``100 x / n`` rounds to ``pct`` (one decimal),
    or None when none or two do (then the percentage does not give the count back)."""
    if n <= 0 or not np.isfinite(pct):
        return None
    shares = 100 * np.arange(n + 1) / n
    hits = np.flatnonzero(np.abs(shares - pct) <= 0.05 + 1e-9)
    return int(hits[0]) if len(hits) == 1 else None


def _model_group_shares(
    name: str, table: pd.DataFrame, spec: TableSpec, frame: pd.DataFrame
) -> tuple[list[Cell], str | None]:
    """The cells of a table of groups' shares by question (declared ``count_groups``: the
    equity gaps), or why it is not modelled.

    Each row names a survey question in a label column. A count column of ``count_groups``
    counts its group's answers to it (residual answers left out, as every published share
    does); a percentage column of ``implied_counts`` is a cell too, its group's positive answers:
    shown beside a shown ``n`` it is the one count that rounds to it (:func:`implied_numerator`;
    a percentage two counts round to is left out and counted), hidden when the percentage is.
    Every cell is checked against the microdata: a meaning that does not reproduce a shown
    value leaves the table not modelled, never an equation that is not true.
    """
    from evaluation.instrument import load_instrument

    instrument = load_instrument()
    labels = [c for c in spec.label_cols if c in table.columns]
    cells: list[Cell] = []
    skipped = 0
    for i, row in enumerate(table.to_dict("records")):
        named = [str(row[c]) for c in labels if str(row[c]) in frame.columns]
        if not named or named[0] in _SKIP_COLUMNS:
            return [], f"row {i + 2} names no survey question"
        variable = named[0]
        positive = instrument[variable].positive if variable in instrument else ()
        for count_col, (column, label) in spec.count_groups.items():
            if count_col not in table.columns:
                continue
            if column not in frame.columns:
                return [], f"group columns not in the survey: {[column]}"
            group = ("label", column, label)
            n = _as_count(row[count_col])
            if isinstance(n, float):
                return [], "non-count values in count columns"
            rule: tuple = (group, ("substantive", variable))
            mask = rule_mask(frame, rule)
            if n is not None and int(mask.sum()) != n:
                return [], f"{count_col} is not {label}'s answers to the row's question"
            cells.append(Cell(name, i + 2, count_col, n, mask, rule))
            for pct_col, of in spec.implied_counts.items():
                if of != count_col or pct_col not in table.columns:
                    continue
                shown = row[pct_col]
                hidden = isinstance(shown, str) and shown.strip() == MARKER
                x = None if hidden or n is None else implied_numerator(float(shown), n)
                if not positive or (x is None and not hidden):
                    skipped += 1
                    continue
                rule = (group, ("in", variable, tuple(positive)))
                mask = rule_mask(frame, rule)
                if x is not None and int(mask.sum()) != x:
                    return [], f"{pct_col} is not {label}'s positive answers"
                cells.append(Cell(name, i + 2, pct_col, x, mask, rule))
    return cells, (f"partly: {skipped} cells not modelled" if skipped else None)


MIN_EVIDENCE = 2
"""A meaning is taken only if it reproduces at least this many shown non-zero counts (one, when
the table names the question), and no other candidate that also reproduces them counts different
respondents in a hidden cell: a coincidence (a theme's count that happens to equal some
answer's) must not become an equation."""


def _unique(matches: list, masks: list, shown_values: list, named: bool = False):
    """The one meaning among ``matches`` (``(meaning, row_masks)``), or None if ambiguous."""
    if not matches:
        return None
    evidence = sum(1 for v in shown_values if v)
    if evidence < (1 if named else MIN_EVIDENCE):
        return None
    first = matches[0][1]
    for _, other in matches[1:]:
        for g, a, b, v in zip(masks, first, other, shown_values, strict=True):
            if v is None and not np.array_equal(g & a, g & b):
                return None  # two meanings disagree on a hidden cell: not told apart
    return matches[0]


def _identify(masks, shown_values, candidates, partition_labels, frame, own=None):
    """``(variable, predicate per row)`` reproducing every shown count of a column's rows."""
    matches = []
    if partition_labels is not None:  # a distribution: the answer is the row's response
        for column in frame.columns if own is None else [own]:
            series = frame[column]
            if not isinstance(series.dtype, pd.CategoricalDtype) or column in _SKIP_COLUMNS:
                continue
            answers = [_answers(label, series) for label in partition_labels]
            if any(a is None for a in answers):
                continue
            predicates = [("in", column, a) for a in answers]
            row_masks = [predicate_mask(frame, p) for p in predicates]
            if all(
                v is None or int((g & m).sum()) == v
                for g, m, v in zip(masks, row_masks, shown_values, strict=True)
            ):
                matches.append(((column, predicates), row_masks))
        found = _unique(matches, masks, shown_values, own is not None)
        return None if found is None else found[0]
    for variable, predicate, mask in candidates:
        if all(
            v is None or int((g & mask).sum()) == v
            for g, v in zip(masks, shown_values, strict=True)
        ):
            matches.append(((variable, [predicate] * len(masks)), [mask] * len(masks)))
    if _is_flag(frame, own):
        # a row naming a yes/no column counts its yeses: the table says so, so no shown count
        # is needed as evidence (a step or theme whose every count is hidden is still modelled)
        flag = [m for m in matches if m[0][1][0] == ("true", own)]
        if flag:
            return flag[0][0]
    found = _unique(matches, masks, shown_values, own is not None)
    return None if found is None else found[0]


def mark_sensitive(
    cells: list[Cell],
    spec: TableSpec,
    min_cell: int = DEFAULT_MIN_CELL,
    attribute_min_group: int = ATTRIBUTE_MIN_GROUP,
) -> None:
    """Set :attr:`Cell.sensitive` (and :attr:`Cell.base`) on one table's cells from their
    true values: whether the disclosure rule (:mod:`evaluation.disclosure`) hides the cell for
    its own sake, a *primary* cell: a count or ``n`` of 1 to ``min_cell - 1``, a complement
    (its row's base less it) of 1 to ``min_cell - 1``, or none or all of a base smaller than
    ``attribute_min_group``. Only these need a protection interval, as in tau-Argus: a cell
    hidden to protect another (a *secondary* suppression, 41 staff who answered a question)
    reveals no one when worked out, and a primary cell it would give away fails through its
    own interval, which the linear programme computes over every equation.

    The size of a residual group ("Prefer not to say", "Not stated", those who left the
    question blank) is not sensitive, as :mod:`evaluation.disclosure` already treats it within
    a table: how many did not say reveals no one's ethnicity or role, while keeping it
    uncertain means hiding a substantive group's ``n`` in every table of the question (the
    group's answers stay sensitive). So is the number who left a question blank, and a count
    of answers to a question is sensitive only when it is small (all of those asked answering
    it is no one's attribute)."""
    bases = {(c.row, c.column): int(c.mask.sum()) for c in cells}
    residual = set(spec.residual_labels)
    for cell in cells:
        value = int(cell.mask.sum())
        if cell.column == spec.n_col and _residual_group(cell.rule, residual):
            cell.sensitive = False  # how many did not say: reveals no one's ethnicity or role
            continue
        last = cell.rule[-1] if cell.rule else ()
        if last and last[0] == "asked" and last[3] in ("answered", "missing"):
            # item response: who left a routed question blank is a residual's size, and
            # "everyone asked answered" is no one's attribute; a small count of answers is
            cell.sensitive = last[3] == "answered" and 0 < value < min_cell
            continue
        base_col = spec.implied_counts.get(cell.column) or spec.n_col
        base = bases.get((cell.row, base_col)) if base_col and cell.column != base_col else None
        small = 0 < value < min_cell
        cell.base = base
        if base is not None:
            rest = base - value
            small = small or 0 < rest < min_cell
            small = small or ((value == 0 or rest == 0) and 0 < base < attribute_min_group)
        cell.sensitive = small


def _residual_group(rule: tuple, residual: set[str]) -> bool:
    """Whether ``rule`` selects a residual group (those who left the question blank, or
    answered "Prefer not to say" / "Not stated"): :mod:`evaluation.disclosure`'s residual
    groups, whose size is no secret of anyone's."""
    return any(p[0] == "na" or (p[0] == "label" and p[2] in residual) for p in rule[:-1] if p)


def _entries(report_dirs: Iterable) -> Iterator[tuple[Path, np.ndarray | None, str]]:
    for entry in report_dirs:
        if isinstance(entry, tuple):
            root, scope = entry[0], entry[1]
            label = entry[2] if len(entry) > 2 else Path(root).name
        else:
            root, scope, label = entry, None, Path(entry).name
        yield Path(root), (None if scope is None else np.asarray(scope, bool)), str(label)


def model_release(
    report_dirs: Iterable,
    frame: pd.DataFrame,
    residuals: dict[str, np.ndarray] | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    reuse: ReleaseModel | None = None,
) -> ReleaseModel:
    """Every modelled count cell of every published table under ``report_dirs`` (one release).

    An entry is a report folder (its tables describe all of ``frame``), ``(folder, scope)``
    with ``scope`` a boolean mask of ``frame``'s rows (an organisation's or ICB's pack), or
    ``(folder, scope, label)`` (the label names the report in messages): packs, the region and
    the comparison are one system of equations over the same respondents.

    ``residuals``: units without a pack (label -> mask). Every pack table's cells are
    re-applied to each of them as *virtual* cells (never published, hidden): the region minus
    the packs is that unit's table, so its cells of 1 to ``min_cell - 1`` are checked like
    suppressed ones. ``reuse``: an earlier model of the same tables (before protection), whose
    identified cells are kept where this one no longer identifies them (:func:`_reuse`).
    """
    from evaluation.audit import _read_table, published_tables

    cells: list[Cell] = []
    modelled, not_modelled = [], {}
    for root, scope, label in _entries(report_dirs):
        scoped = frame if scope is None else frame[scope].reset_index(drop=True)
        candidates = candidate_predicates(scoped)
        for path in published_tables(root):
            name = f"{label}/{path.relative_to(root)}"
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
            mark_sensitive(
                table_cells,
                spec,
                int(declared.get("min_cell", min_cell)),
                int(declared.get("attribute_min_group", ATTRIBUTE_MIN_GROUP)),
            )
            for cell in table_cells:
                cell.path = path
                if scope is not None:  # masks over the whole frame
                    full = np.zeros(len(frame), bool)
                    full[scope] = cell.mask
                    cell.mask, cell.scope = full, scope
            cells += table_cells
            if scope is not None:
                for unit, where in (residuals or {}).items():
                    where = np.asarray(where, bool)
                    for cell in table_cells:
                        mask = rule_mask(frame, cell.rule) & where
                        if 0 < mask.sum() < min_cell:
                            cells.append(Cell(f"{name} [{unit}: no pack]", cell.row, cell.column,
                                              None, mask, cell.rule, where, True))  # fmt: skip
            modelled.append(name)
    if reuse is not None:
        cells, modelled = _reuse(cells, modelled, not_modelled, reuse)
    return ReleaseModel(cells, modelled, not_modelled, frame)


def _reuse(
    cells: list[Cell], modelled: list[str], not_modelled: dict[str, str], earlier: ReleaseModel
) -> tuple[list[Cell], list[str]]:
    """Add the cells an earlier model of the same tables identified and this one did not.

    Hiding cells removes the evidence a column's meaning is identified by (two shown counts), so
    a table protected into mostly markers could drop out of the audit that checks it. A meaning
    identified before protection still holds after: those cells are kept, with their values as
    the tables show them now."""
    from evaluation.audit import _read_table

    have = {(c.table, c.row, c.column) for c in cells}
    tables: dict[Path, pd.DataFrame] = {}
    added_tables = set()
    restored: dict[str, int] = {}
    for cell in earlier.cells:
        if cell.virtual or cell.path is None or (cell.table, cell.row, cell.column) in have:
            continue
        if not cell.path.exists():
            continue
        if cell.path not in tables:
            tables[cell.path] = _read_table(cell.path)
        table = tables[cell.path]
        if cell.column not in table.columns or cell.row - 2 >= len(table):
            continue
        value = _as_count(table.iloc[cell.row - 2][cell.column])
        if isinstance(value, float):
            continue
        cells.append(Cell(cell.table, cell.row, cell.column, value, cell.mask, cell.rule,
                          cell.scope, False, cell.path, cell.sensitive, cell.base))  # fmt: skip
        added_tables.add(cell.table)
        restored[cell.table] = restored.get(cell.table, 0) + 1
    for name in sorted(added_tables - set(modelled)):
        modelled.append(name)
        not_modelled.pop(name, None)
    for name, k in restored.items():  # "partly: n cells not modelled", less those restored
        why = not_modelled.get(name, "")
        if why.startswith("partly: "):
            left = int(why.split()[1]) - k
            if left > 0:
                not_modelled[name] = f"partly: {left} cells not modelled"
            else:
                not_modelled.pop(name)
    return cells, modelled


def _category(series: pd.Series, label: str) -> object | None:
    """``label`` as a value ``series`` can hold (a categorical column holds only its levels)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return next((c for c in series.cat.categories if str(c) == label), None)
    return label


def _headline_member(
    frame: pd.DataFrame, where: np.ndarray, headline_id: str, part: str
) -> tuple[np.ndarray, dict[str, object]]:
    """Whom to copy, and what to change, so that a made-up respondent of ``where`` counts in a
    headline indicator's population (``part`` ``"n"``: with an answer that is not positive) or
    among its positive answers: someone already in the population if there is one, else
    someone asked the population's question (routed to it), moved into the population."""
    from evaluation.analyses.headlines import HEADLINES
    from evaluation.instrument import load_instrument

    h = next(h for h in HEADLINES if h.id == headline_id)
    instrument = load_instrument()
    positive = h.positive_answers(instrument)
    scale = instrument[h.variable].values
    other = [v for v in scale if v not in positive and v not in instrument.residual_labels]
    wanted = positive[0] if part == "positive" or not other else other[0]
    changed: dict[str, object] = {}
    inside = where & h.in_population(frame).to_numpy(bool)
    if not inside.any():
        columns = list(h.population.items())[: None if h.match == "all" else 1]
        for column, values in columns:
            changed[column] = _category(frame[column], values[0])
        if any(value is None for value in changed.values()):
            return where, {}
        asked = np.logical_and.reduce([frame[c].notna().to_numpy(bool) for c, _ in columns])
        inside = where & asked if (where & asked).any() else where
    value = _category(frame[h.variable], wanted)
    if value is None:
        return where, {}
    return inside, changed | {h.variable: value}


def _substantive_answer(series: pd.Series) -> object | None:
    """An answer ``series`` can hold that is not residual (for a made-up respondent)."""
    from evaluation.instrument import load_instrument

    residual = load_instrument().residual_labels
    values = (
        list(series.cat.categories)
        if isinstance(series.dtype, pd.CategoricalDtype)
        else list(series.dropna().unique())
    )
    return next((v for v in values if v not in residual), None)


UNIT_COLUMNS = ("org_code", "org_name", "icb", "org_type", "org_arf_status", "register_level")
"""The columns a respondent's organisation sets: moving a respondent between units changes them."""


def _moved(cells: list[Cell], membership: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Membership patterns of respondents moved between a unit without a pack and the rest.

    The atoms are the patterns that occur, so a respondent of a unit without a pack would be
    known to be in it: nobody with the same answers elsewhere, nobody else's answers there.
    Nothing published says which unit a respondent with given answers is in, except the
    packs' own tables. So for each such unit, each of its respondents' answers is also
    allowed in a pack unit (of the same ICB and type where there is one) and, for each of its
    hidden cells, one outside respondent of that cell's group with its answer and one without
    it are allowed inside: the attacker has to rule those out from what is published, as for
    real ones. A pack's sensitive hidden cells are treated alike: otherwise a pack cell would be
    "held by the region alone" whenever no one in another unit shares its respondents' answers
    (the bundled wave's ICB packs were withheld for two such cells).
    """
    units = [c for c in UNIT_COLUMNS if c in frame.columns]
    hidden = [  # a unit without a pack's cells, and a pack's sensitive hidden ones
        p
        for p, c in enumerate(cells)
        if c.value is None and c.scope is not None and (c.virtual or c.sensitive)
    ]
    if not hidden or not units:
        return np.zeros((0, len(cells)), dtype=bool)
    columns = [_rule_columns(c.rule) & set(units) for c in cells]
    pairs: dict[tuple[bytes, int], tuple[int, int]] = {}
    scopes = [np.asarray(cells[p].scope, bool) for p in hidden]
    for where in {scope.tobytes(): scope for scope in scopes}.values():
        inside, outside = np.flatnonzero(where), np.flatnonzero(~where)
        if not len(inside) or not len(outside):
            continue
        first = frame.iloc[int(inside[0])]
        alike = outside[
            (frame[units].iloc[outside].astype(str)[["icb", "org_type"]]
             == first[["icb", "org_type"]].astype(str)).all(axis=1).to_numpy()
        ] if {"icb", "org_type"} <= set(units) else outside  # fmt: skip
        there = int((alike if len(alike) else outside)[0])
        here = [p for p, scope in zip(hidden, scopes, strict=True) if np.array_equal(scope, where)]
        for row in np.flatnonzero(np.logical_or.reduce([cells[p].mask for p in here])):
            pairs.setdefault((membership[:, row].tobytes(), there), (int(row), there))
        for p in here:  # from elsewhere, moved in: one of the cell's group with its answer,
            rule = cells[p].rule  # and one without it
            group, answer = rule_mask(frame, rule[:-1]), rule_mask(frame, rule[-1:])
            for rows_ in (group & answer & ~where, group & ~answer & ~where):
                if rows_.any():
                    moved, home = int(np.flatnonzero(rows_)[0]), int(inside[0])
                    pairs.setdefault((membership[:, moved].tobytes(), home), (moved, home))
    rows = []
    for answers, unit in pairs.values():
        one = frame.iloc[answers].to_dict() | frame.iloc[unit][units].to_dict()
        pattern = np.zeros(len(cells), dtype=bool)
        for c, cell in enumerate(cells):
            if cell.scope is not None and not cell.scope[unit]:
                continue
            if not cell.rule:
                pattern[c] = cell.scope is None and bool(membership[c, answers])
            elif columns[c] or (cell.scope is not None and not cell.scope[answers]):
                pattern[c] = all(predicate_holds(one, q) for q in cell.rule)
            else:
                pattern[c] = bool(membership[c, answers])
        rows.append(pattern)
    return np.array(rows, dtype=bool).reshape(len(rows), len(cells))


def _phantoms(cells: list[Cell], membership: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Membership patterns of made-up respondents, one per hidden empty cell.

    The atoms are the patterns that occur, so a hidden cell nobody falls in would be "exactly
    0" by construction (the attacker would be told which patterns are empty). For such a cell a
    respondent of its group is copied with the cell's answer: the pattern that respondent would
    have. The attacker then has to rule it out from what is published, as a real one must.
    """
    rows = []
    columns = [_rule_columns(c.rule) for c in cells]
    for p, cell in enumerate(cells):
        if cell.value is not None or cell.mask.any() or not cell.rule:
            continue
        *group, answer = cell.rule
        where = rule_mask(frame, group)
        if cell.scope is not None:
            where &= cell.scope
        changed: dict[str, object] = {}
        if answer[0] in ("in", "true"):
            changed[answer[1]] = answer[2][0] if answer[0] == "in" else True
        if answer[0] == "substantive":  # an answer: the question's first that is not residual
            value = _substantive_answer(frame[answer[1]])
            if value is not None:
                changed[answer[1]] = value
        if answer[0] == "headline" and where.any():
            where, changed = _headline_member(frame, where, answer[1], answer[2])
        elif not where.any():  # an empty group: someone of the report moved into it
            where = np.ones(len(frame), bool) if cell.scope is None else cell.scope.copy()
            for predicate in group:
                series = frame[predicate[1]] if predicate[0] == "label" else None
                found = (
                    [c for c in series.cat.categories if str(c) == predicate[2]]
                    if series is not None and isinstance(series.dtype, pd.CategoricalDtype)
                    else []
                )
                if not found:  # a group a made-up respondent cannot join by one label
                    changed = {}
                    break
                changed[predicate[1]] = found[0]
        if not changed or not where.any():
            continue
        r = int(np.flatnonzero(where)[0])
        one = frame.iloc[r].to_dict() | changed
        pattern = membership[:, r].copy()
        for c, other in enumerate(cells):
            if columns[c] & changed.keys() and other.rule:
                inside = other.scope is None or bool(other.scope[r])
                pattern[c] = inside and all(predicate_holds(one, q) for q in other.rule)
        pattern[p] = True
        rows.append(pattern)
    return np.array(rows, dtype=bool).reshape(len(rows), len(cells))


class _Bounds:
    """Minimum of ``c . x`` subject to ``A x = b``, ``x >= 0``, for many objectives ``c`` over
    one system: HiGHS (:mod:`highspy`) keeps the model and warm-starts each solve from the last
    basis, which is what makes an audit of every cell of a report take seconds, not minutes."""

    def __init__(self, a_eq: np.ndarray, b_eq: np.ndarray) -> None:
        import highspy
        from scipy.sparse import csc_matrix

        with _quiet():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # keep the basis: each solve warm-starts
        self.highs.setOptionValue("solver", "simplex")
        self.highs.setOptionValue("simplex_strategy", 4)  # primal: new costs keep it feasible
        self.highs.setOptionValue(
            "threads", 1
        )  # small programmes: threads cost more than they save
        n_rows, n_cols = a_eq.shape
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        lp.col_cost_ = np.zeros(n_cols)
        lp.col_lower_ = np.zeros(n_cols)
        lp.col_upper_ = np.full(n_cols, highspy.kHighsInf)
        lp.row_lower_ = lp.row_upper_ = np.asarray(b_eq, dtype=float)
        matrix = csc_matrix(a_eq)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.highs.passModel(lp)
        self.columns = np.arange(n_cols, dtype=np.int32)
        self.optimal = highspy.HighsModelStatus.kOptimal

    def solve(self, cost: np.ndarray) -> tuple[float, np.ndarray | None]:
        """(optimum, row duals) or (NaN, None) when the programme has no optimum."""
        self.highs.changeColsCost(len(self.columns), self.columns, np.asarray(cost, float))
        self.highs.run()
        if self.highs.getModelStatus() != self.optimal:
            return float("nan"), None
        value = float(self.highs.getInfo().objective_function_value)
        return value, np.asarray(self.highs.getSolution().row_dual)


class _quiet:
    """Silence HiGHS's start-up banner (printed by C++ on standard output, once a process)."""

    def __enter__(self) -> None:
        import os
        import sys

        sys.stdout.flush()
        self.saved = os.dup(1)
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 1)

    def __exit__(self, *exc: object) -> None:
        import os

        os.dup2(self.saved, 1)
        os.close(self.saved)
        os.close(self.null)


def feasible_intervals(
    cells: list[Cell],
    frame: pd.DataFrame | None = None,
    binding: bool = False,
    only: Iterable[int] | None = None,
) -> pd.DataFrame:
    """For each suppressed cell, the least and greatest value consistent with every shown cell.

    Atoms are the respondents' distinct membership patterns over all cells (plus, with
    ``frame``, a made-up respondent for each hidden empty cell: :func:`_phantoms`); the unknowns
    are the atom sizes (>= 0); each shown cell fixes the sum of its atoms. With ``binding``,
    column ``binding`` lists the shown cells (indices into ``cells``) whose equations hold the
    cell's bounds (non-zero duals): the cells that give it away. ``only``: solve just these
    hidden cells (indices into ``cells``).
    """
    columns = ["cell", "table", "row", "column", "low", "high", "width", "true_value", "virtual",
               "sensitive", "base"]  # fmt: skip
    if not cells:
        return pd.DataFrame(columns=columns + (["binding"] if binding else []))
    membership = np.stack([c.mask for c in cells])  # cells x respondents
    extra = (
        np.vstack([_phantoms(cells, membership, frame), _moved(cells, membership, frame)])
        if frame is not None
        else np.zeros((0, len(cells)))
    )
    patterns = np.unique(np.vstack([membership.T, extra]).astype(bool), axis=0)
    incidence = patterns.T.astype(float)  # cells x atoms
    shown = [i for i, c in enumerate(cells) if c.value is not None]
    hidden = [i for i, c in enumerate(cells) if c.value is None]
    if only is not None:
        wanted = set(only)
        hidden = [i for i in hidden if i in wanted]
    # one equation per distinct shown cell; one pair of programmes per distinct hidden cell
    a_eq, keep, inverse = np.unique(
        incidence[shown], axis=0, return_index=True, return_inverse=True
    )
    inverse = np.asarray(inverse).ravel()
    b_eq = np.array([cells[shown[k]].value for k in keep], dtype=float)
    members = [[shown[j] for j in np.flatnonzero(inverse == e)] for e in range(len(keep))]
    solved: dict[bytes, tuple[float, float, list[int]]] = {}
    solver = _Bounds(a_eq, b_eq)
    rows = []
    for i in hidden:
        key = incidence[i].tobytes()
        if key not in solved:
            bounds, held = [], set()
            for sign in (1.0, -1.0):
                value, duals = solver.solve(sign * incidence[i])
                bounds.append(sign * value)
                if binding and duals is not None:
                    held |= set(np.flatnonzero(np.abs(duals) > 1e-9).tolist())
            cover = sorted({c for e in held for c in members[e]})
            solved[key] = (round(bounds[0], 6) + 0.0, round(bounds[1], 6) + 0.0, cover)
        low, high, cover = solved[key]
        cell = cells[i]
        row = {"cell": i, "table": cell.table, "row": cell.row, "column": cell.column,
               "low": low, "high": high, "width": high - low,
               "true_value": int(cell.mask.sum()), "virtual": cell.virtual,
               "sensitive": cell.sensitive, "base": cell.base}  # fmt: skip
        if binding:
            row["binding"] = cover
        rows.append(row)
    return pd.DataFrame(rows, columns=columns + (["binding"] if binding else []))


def attack_report(
    report_dirs: Iterable,
    frame: pd.DataFrame,
    protection: int = DEFAULT_PROTECTION,
    residuals: dict[str, np.ndarray] | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    binding: bool = False,
    reuse: ReleaseModel | None = None,
) -> tuple[pd.DataFrame, ReleaseModel]:
    """The feasible interval of every suppressed cell, flagged ``exposed`` when narrower than
    ``protection`` (virtual cells of units without a pack: see :func:`model_release`). The
    frame holds ``true_value`` for the evaluation team's diagnosis: it is never to be
    published."""
    model = model_release(report_dirs, frame, residuals, min_cell, reuse)
    intervals = feasible_intervals(model.cells, frame, binding=binding)
    intervals["exposed"] = exposed(intervals, protection)
    return intervals, model


def exposed(intervals: pd.DataFrame, protection: int = DEFAULT_PROTECTION) -> pd.Series:
    """Which audited cells fail: a sensitive cell (:func:`mark_sensitive`) whose feasible
    interval is narrower than ``protection`` and does not span its whole base. A count of a
    group of 2 can be no wider than 0 to 2: when everything published leaves it anywhere
    from none to all of its base, nothing about its members' answers is learnt beyond the
    base's size (itself a cell, checked on its own)."""
    if intervals.empty:
        return pd.Series(dtype=bool)
    return _narrow_sensitive(intervals, protection) & ~spans_base(intervals)


def _narrow_sensitive(intervals: pd.DataFrame, protection: int) -> pd.Series:
    """Sensitive cells whose feasible interval is narrower than ``protection``."""
    return (intervals["width"] < protection - 1e-9) & intervals["sensitive"].astype(bool)


def spans_base(intervals: pd.DataFrame) -> pd.Series:
    """Whether each audited cell may be anything from none to all of its row's base."""
    if intervals.empty:
        return pd.Series(dtype=bool)
    base = pd.to_numeric(intervals["base"], errors="coerce")
    return (intervals["low"] <= 1e-6) & (intervals["high"] >= base - 1e-6) & base.notna()


def spanning(intervals: pd.DataFrame, protection: int = DEFAULT_PROTECTION) -> int:
    """Sensitive cells narrower than ``protection`` that pass because they span their base."""
    if intervals.empty:
        return 0
    return int((_narrow_sensitive(intervals, protection) & spans_base(intervals)).sum())


def narrowest(intervals: pd.DataFrame, protection: int = DEFAULT_PROTECTION) -> float | None:
    """The narrowest interval of a sensitive cell, leaving out those narrower than
    ``protection`` that pass by spanning their whole base (:func:`spanning` counts them): the
    figure the protection level is held against. None when there is none."""
    if intervals.empty:
        return None
    passing = _narrow_sensitive(intervals, protection) & spans_base(intervals)
    held = intervals["sensitive"].astype(bool) & ~passing
    return float(intervals.loc[held, "width"].min()) if held.any() else None


@dataclass
class Protection:
    """What :func:`protect_release` did: the audit before and after, the cells it hid."""

    before: pd.DataFrame
    after: pd.DataFrame
    model: ReleaseModel
    added: dict[str, list[tuple[int, str]]]  # CSV path -> (CSV row, column) hidden by the pass
    rounds: int
    seconds: float
    unprotectable: list[str] = field(default_factory=list)
    count_columns: set[str] = field(default_factory=set)  # the tables' denominators and counts

    @property
    def n_added(self) -> int:
        """Cells hidden by the pass, percentages and intervals included."""
        return sum(len(v) for v in self.added.values())

    @property
    def n_added_counts(self) -> int:
        """Count cells (denominators and counts) hidden by the pass."""
        return sum(1 for cells in self.added.values() for _, column in cells
                   if column in self.count_columns)  # fmt: skip

    def text(self) -> str:
        failing = lambda t: int(t["exposed"].sum()) if len(t) else 0  # noqa: E731
        return (
            f"release protection: {len(self.before)} suppressed cells checked; "
            f"{failing(self.before)} narrower than the protection level before, "
            f"{failing(self.after)} after; {self.n_added} cells additionally suppressed "
            f"({self.n_added_counts} of them counts, the rest percentages and intervals) in "
            f"{len(self.added)} tables, {self.rounds} rounds, {self.seconds:.1f} s"
        )


def _apply_hides(path: Path, cells: Sequence[tuple[int, str]], min_cell: int) -> None:
    """Hide ``(CSV row, column)`` cells of a published table, then suppress it again with its
    declared structure (dependants, and secondary cells within the table)."""
    from evaluation.audit import _read_table
    from evaluation.safe_output import write_csv

    declared = json.loads((path.parent / "index.json").read_text())[path.stem]["disclosure"]
    write_csv(hide_cells(_read_table(path), cells, declared, min_cell), path)


def hide_cells(
    table: pd.DataFrame, cells: Iterable[Sequence], declared: dict, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """``table`` with the ``(CSV row, column)`` cells hidden and suppressed again with its
    declared structure: the cells computed from them go too, and a second cell wherever a
    total in the table would give a new one back."""
    from evaluation.disclosure import ATTRIBUTE_MIN_GROUP, suppress

    out = table.astype(object)
    for row, column in cells:
        out.iloc[int(row) - 2, out.columns.get_loc(column)] = MARKER
    return suppress(
        out,
        TableSpec.from_dict(declared),
        min_cell=int(declared.get("min_cell", min_cell)),
        attribute_min_group=int(declared.get("attribute_min_group", ATTRIBUTE_MIN_GROUP)),
    )


def marked_cells(path: Path) -> set[tuple[int, str]]:
    """``(CSV row, column)`` of every cell holding the marker."""
    from evaluation.audit import _read_table

    table = _read_table(path)
    out = set()
    for column in table.columns:
        hidden = (table[column].astype("string") == MARKER).fillna(False).to_numpy(bool)
        out |= {(int(i) + 2, str(column)) for i in np.flatnonzero(hidden)}
    return out


def _cover(options: list[dict[bytes, list[int]]], cells: list[Cell]) -> dict[bytes, list[int]]:
    """The shown cells to hide this round: each exposed cell's ``options`` (the equations
    holding its bound, by the respondents they count) must lose one, and one hidden equation
    may serve several exposed cells. Greedy weighted set cover: take the equation that serves
    the most exposed cells not yet served per respondent it hides (:func:`_cost`), until all
    are served; ties go to the cheaper one."""
    members: dict[bytes, list[int]] = {}
    serves: dict[bytes, set[int]] = {}
    for e, groups in enumerate(options):
        for key, group in groups.items():
            members[key] = group
            serves.setdefault(key, set()).add(e)
    cost = {key: 1 + sum(_cost(cells[c]) for c in group) for key, group in members.items()}
    open_ = set(range(len(options)))
    chosen: dict[bytes, list[int]] = {}
    while open_:
        key = max(serves, key=lambda k: (len(serves[k] & open_) / cost[k], -cost[k], k))
        if not serves[key] & open_:
            break
        chosen[key] = members[key]
        open_ -= serves[key]
    return chosen


def protect_release(
    report_dirs: Sequence,
    frame: pd.DataFrame,
    protection: int = DEFAULT_PROTECTION,
    min_cell: int = DEFAULT_MIN_CELL,
    residuals: dict[str, np.ndarray] | None = None,
    writable: Iterable[Path | str] | None = None,
    max_rounds: int = 40,
    reuse: ReleaseModel | None = None,
) -> Protection:
    """Secondary suppression chosen over the whole release, driven by the attacking audit.

    Greedy, as tau-Argus's "hypercube" and "modular" methods are heuristics beside its optimal
    one (:func:`choose_secondary` is the exact programme; it is too slow for a whole report):
    audit every suppressed cell; for each sensitive cell still narrower than ``protection``
    (:func:`exposed`), take the shown cells whose equations hold its bound (the programme's
    non-zero duals, see :func:`feasible_intervals`); hide a set of them that serves every such
    cell at least cost (:func:`_cover`, greedy weighted set cover; :func:`_cost`: the least
    precision lost; a count published twice is one equation, so both copies go); re-suppress
    each changed table with
    its declared structure (its percentages and intervals, and a second cell wherever a total in
    the table would give the new one back); re-audit only the cells still exposed and the new
    ones (hiding a cell can only widen intervals), and repeat. Only tables under ``writable``
    (default: every report folder) are changed: a report already published elsewhere is context.
    """
    import time

    from evaluation.audit import published_tables

    start = time.perf_counter()
    roots = [entry[0] if isinstance(entry, tuple) else entry for entry in report_dirs]
    allowed = {Path(p).resolve() for p in (writable if writable is not None else roots)}
    own = {
        path for root in roots if Path(root).resolve() in allowed for path in published_tables(root)
    }
    originals = {path: marked_cells(path) for path in own}
    before, model = attack_report(
        report_dirs, frame, protection, residuals, min_cell, True, reuse=reuse
    )
    cells = model.cells
    current = before
    check = set(current.loc[current["exposed"], "cell"])
    rounds, stuck = 0, []
    while check and rounds < max_rounds:
        rounds += 1
        current = feasible_intervals(cells, frame, binding=True, only=check)
        current["exposed"] = exposed(current, protection)
        failing = current[current["exposed"]]
        if failing.empty:
            break
        options: list[dict[bytes, list[int]]] = []
        for _, row in failing.iterrows():
            groups: dict[bytes, list[int]] = {}
            for c in row["binding"]:
                if cells[c].value is not None and cells[c].path in own:
                    groups.setdefault(cells[c].mask.tobytes(), []).append(c)
            if not groups:
                stuck.append(f"{row['table']} row {row['row']} {row['column']}")
                continue
            options.append(groups)
        chosen = _cover(options, cells)
        if not chosen:
            break
        by_path: dict[Path, list[tuple[int, str]]] = {}
        for members in chosen.values():
            for c in members:
                by_path.setdefault(cells[c].path, []).append((cells[c].row, cells[c].column))  # type: ignore[arg-type]
        for path, hide in by_path.items():
            _apply_hides(path, hide, min_cell)
        newly = set()
        marked = {path: marked_cells(path) for path in by_path}
        for i, cell in enumerate(cells):
            hidden_now = cell.path in marked and (cell.row, cell.column) in marked[cell.path]
            if hidden_now and cell.value is not None:
                cell.value = None
                newly.add(i)
        check = set(failing["cell"]) | newly
    if rounds:  # the same cells, as the tables now show them (hidden cells only widen)
        after = feasible_intervals(cells, frame, binding=True)
        after["exposed"] = exposed(after, protection)
    else:
        after = before
    added = {
        str(path): sorted(marked_cells(path) - originals[path])
        for path in sorted(own)
        if marked_cells(path) - originals[path]
    }
    count_columns = {c.column for c in cells}
    return Protection(before, after, model, added, rounds, time.perf_counter() - start,
                      sorted(set(stuck)), count_columns)  # fmt: skip


def giveaway_tables(intervals: pd.DataFrame, model: ReleaseModel) -> dict[str, list[str]]:
    """For each exposed cell (``table row column``), the tables whose shown cells pin it down."""
    out = {}
    for _, row in intervals[intervals["exposed"]].iterrows():
        tables = sorted({model.cells[c].table for c in row.get("binding", [])} - {row["table"]})
        out[f"{row['table']} row {row['row']} {row['column']}"] = tables
    return out


def summary(intervals: pd.DataFrame, model: ReleaseModel, min_cell: int = DEFAULT_MIN_CELL) -> str:
    """The closing note: cells checked, the sensitive ones, the narrowest interval of a
    sensitive cell, and what is exposed."""
    if intervals.empty:
        return f"attack audit: no suppressed cells in {len(model.modelled)} modelled tables"
    failing = intervals[intervals["exposed"]]
    small = failing[(failing["true_value"] > 0) & (failing["true_value"] < min_cell)]
    tables = sorted(set(small["table"]))
    virtual = int(intervals["virtual"].sum()) if "virtual" in intervals else 0
    sensitive = intervals[intervals["sensitive"].astype(bool)]
    secondary = intervals[~intervals["sensitive"].astype(bool)]
    least = narrowest(intervals)
    spans = spanning(intervals)
    return (
        f"attack audit: {len(intervals)} suppressed cells checked in {len(model.modelled)} "
        f"modelled tables ({len(model.not_modelled)} not modelled"
        + (f"; {virtual} of the cells implied for units without a pack" if virtual else "")
        + f"); {len(sensitive)} sensitive (hidden by the rule for their own sake), narrowest "
        f"interval {'none' if least is None else f'{least:.0f}'}"
        + (f" ({spans} more span their whole base of 1 or 2)" if spans else "")
        + f"; {len(failing)} narrower than the protection level, "
        f"{int((failing['width'] < 0.5).sum())} exactly determined; {len(small)} of them hide "
        f"1 to {min_cell - 1} respondents, in {len(tables)} tables; {len(secondary)} secondary "
        f"cells ({int((secondary['width'] < 0.5).sum())} of them worked out exactly: figures "
        "the rule would show)"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m evaluation.release_audit CONFIG REPORT_DIR...``: print the attack summary
    and the exposed cells (table, row, column, interval; never the true value)."""
    import argparse

    from evaluation.audit_columns import audit_frame
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
    frame = scope_survey(audit_frame(frame, config), args.scope, args.scope_value)
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
    weights = np.array(
        [1.0 if cost == "count" else float(cells[i].value or 0) + 1.0 for i in shown]
    )
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
