"""Framework analysis: who said what, which themes travel together, themes by group.

- :func:`framework_matrix`: participants (rows) by themes (columns), each cell a short summary (the
  number of passages and a reference to an illustrative one): the working matrix of the framework
  method (Ritchie and Spencer), for the analysts, not for publication (cells are individuals).
- :func:`cooccurrence`: how many units carry both of two themes.
- :func:`themes_by_attribute`: the share of people in each group (role level, ethnicity group,
  organisation type; or survey respondents by any survey variable) who raised each theme, with
  Wilson intervals; passed through :func:`evaluation.disclosure.suppress` because it counts people.
- :func:`joint_display`: a mixed-methods joint display, one row per group: the share of
  respondents raising each theme in free text beside a survey measure for the same group.

Column names arrive as arguments: nothing here knows the ARF survey.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, suppress
from evaluation.stats.proportions import wilson_interval

QUOTE_CHARS = 70


def presence(coded: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Units x codes of 0/1 (one row per row of ``units``) from ``source_id, unit, code_id``."""
    key = coded["source_id"].astype(str) + "\x1f" + coded["unit"].astype(str)
    hits = pd.crosstab(key, coded["code_id"]).clip(upper=1)
    unit_key = units["source_id"].astype(str) + "\x1f" + units["unit"].astype(str)
    out = hits.reindex(index=unit_key, columns=list(codes), fill_value=0).fillna(0).astype(int)
    out.index = units.index
    return out


def _shares(n: int | np.ndarray, count: int | np.ndarray) -> dict[str, object]:
    """``n, count, pct, ci_low, ci_high`` (percent 0-100, Wilson 95%), for one cell or a column."""
    lo, hi = wilson_interval(count, n)
    n_arr, count_arr = np.broadcast_arrays(np.asarray(n, float), np.asarray(count, float))
    pct = np.divide(100 * count_arr, n_arr, out=np.full(n_arr.shape, np.nan), where=n_arr > 0)
    values = {"pct": pct, "ci_low": 100 * lo, "ci_high": 100 * hi}
    if np.ndim(count) == 0:
        values = {k: float(v) for k, v in values.items()}
    return {"n": n, "count": count, **values}


def _reference(unit: pd.Series) -> str:
    """A short pointer to a passage: ``source t<turn>`` for turns, the source id for answers."""
    text = " ".join(str(unit["text"]).split())
    quote = text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"
    where = (
        unit["source_id"] if unit["unit"] == "answer" else f"{unit['source_id']} t{unit['unit']}"
    )
    return f'{where}: "{quote}"'


def framework_matrix(
    coded: pd.DataFrame,
    units: pd.DataFrame,
    codes: Sequence[str],
    exclude: Sequence[str] = ("F", "F1", "F2", "F3", "F4", "F5"),  # facilitators, pseudonymised
) -> pd.DataFrame:
    """Participants x themes; each cell ``"<n passages> | <source t<turn>>: "<quote>"``.

    ``coded`` holds ``source_id, unit, code_id`` (one coder's or a consensus coding); ``units``
    the units with ``speaker_or_respondent`` and ``text``. The illustrative passage is the
    participant's longest coded unit for the theme (long passages usually carry the reasoning,
    not just the keyword). Empty cells are empty strings; speakers in ``exclude`` (the
    facilitator) are left out.
    """
    units = units.reset_index(drop=True)
    present = presence(coded, units, codes)
    people = units["speaker_or_respondent"].astype(str)
    keep = ~people.isin(exclude)
    rows = {}
    for person in sorted(people[keep].unique()):
        mine = units.index[people == person]
        cells = {}
        for code in codes:
            hit = mine[present.loc[mine, code].to_numpy() == 1]
            if len(hit) == 0:
                cells[code] = ""
                continue
            longest = units.loc[hit, "text"].astype(str).str.len().idxmax()
            cells[code] = f"{len(hit)} | {_reference(units.loc[longest])}"
        rows[person] = cells
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(codes))
    frame.index.name = "participant"
    return frame


def cooccurrence(coded: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Codes x codes: the number of units carrying both (diagonal: units carrying the code)."""
    x = presence(coded, units, codes).to_numpy()
    return pd.DataFrame(x.T @ x, index=list(codes), columns=list(codes))


def themes_by_attribute(
    coded: pd.DataFrame,
    units: pd.DataFrame,
    people: pd.DataFrame,
    by: str,
    codes: Sequence[str],
    person: str = "speaker_or_respondent",
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Share of people in each ``by`` group who raised each theme at least once; suppressed.

    ``people`` has one row per person (``person`` column and ``by``); the denominator ``n`` is
    every person of the group in ``people``, whether or not they spoke to any theme (everyone in
    a focus group, or everyone who answered the free-text question, had the chance to). Returns
    ``by, code_id, n, count, pct, ci_low, ci_high`` (percent 0-100, Wilson 95% interval), with
    cells resting on fewer than ``min_cell`` people shown as ``[c]``. Describes only the people
    in ``people``; a focus group is a purposive sample, so percentages describe it, not staff.
    """
    units = units.reset_index(drop=True)
    present = presence(coded, units, codes)
    present[person] = units["speaker_or_respondent"].astype(str).to_numpy()
    raised = present.groupby(person)[list(codes)].max()
    roster = people[[person, by]].drop_duplicates(person).copy()
    roster[person] = roster[person].astype(str)
    roster = roster.join(raised, on=person).fillna(dict.fromkeys(codes, 0))
    rows = []
    groups = roster.groupby(by, observed=True, sort=True, dropna=False)
    for group, members in groups:
        n = len(members)
        for code in codes:
            count = int(members[code].sum())
            rows.append({by: group, "code_id": code, **_shares(n, count)})
    frame = pd.DataFrame(rows)
    return suppress(
        frame,
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct", "ci_low", "ci_high"],
        group_cols=[by],
        label_cols=["code_id"],
        min_cell=min_cell,
    )


def joint_display(
    survey: pd.DataFrame,
    coded: pd.DataFrame,
    by: str,
    codes: Sequence[str],
    measure: str,
    positive: Sequence[str],
    text_fields: Sequence[str] = ("comment_change", "comment_other"),
    id_column: str = "respondent_id",
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Joint display: per ``by`` group, a survey measure beside the themes raised in free text.

    One row per group and indicator (tidy, so one suppression pass covers it): the ``survey``
    strand's indicator is ``measure`` (``n`` respondents of the group who answered it, ``count``
    choosing one of ``positive``); the ``free text`` strand has one indicator per theme (``n``
    respondents of the group who wrote anything in ``text_fields``, ``count`` of them raising the
    theme; ``coded`` is a coded-segments frame of the answers, ``speaker_or_respondent`` =
    respondent id). Columns ``by, strand, indicator, n, count, pct, ci_low, ci_high`` (percent
    0-100, Wilson 95%); cells resting on fewer than ``min_cell`` respondents show ``[c]``.
    Unweighted; writing free text is itself selective, so theme shares describe those who wrote.
    """
    ids = survey[id_column].astype(str)
    wrote = np.zeros(len(survey), dtype=bool)
    for field in text_fields:
        text = survey[field].astype("string")
        wrote |= (text.notna() & (text.str.strip() != "")).to_numpy(dtype=bool)
    # Writers raising each code, counted per group in one merge (a membership test per writer
    # and code was the slowest step of notebook 05 at 100,000 respondents).
    pairs = pd.DataFrame(
        {"_id": coded["speaker_or_respondent"].astype(str), "code_id": coded["code_id"]}
    ).drop_duplicates()
    rows = []
    frame = survey.assign(_id=ids, _wrote=wrote)
    writer_codes = frame.loc[frame["_wrote"], ["_id", by]].merge(pairs, on="_id")
    raised = writer_codes.groupby([by, "code_id"], observed=True).size().to_dict()
    for group, members in frame.groupby(by, observed=True, sort=True):
        answered = members[measure].notna()
        indicators = [
            ("survey", measure, int(answered.sum()),
             int(members.loc[answered, measure].isin(positive).sum())),
        ]  # fmt: skip
        writers = members.loc[members["_wrote"], "_id"]
        for code in codes:
            count = int(raised.get((group, code), 0))
            indicators.append(("free text", code, len(writers), count))
        for strand, indicator, n, count in indicators:
            rows.append({by: group, "strand": strand, "indicator": indicator, **_shares(n, count)})
    return suppress(
        pd.DataFrame(rows),
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct", "ci_low", "ci_high"],
        group_cols=[by],
        label_cols=["strand", "indicator"],
        min_cell=min_cell,
    )


def theme_prevalence(
    coded: pd.DataFrame,
    units: pd.DataFrame,
    codes: Sequence[str],
    per: str = "person",
    exclude: Sequence[str] = ("F", "F1", "F2", "F3", "F4", "F5"),  # facilitators, pseudonymised
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """How common each theme is, with Wilson 95% intervals; suppressed.

    ``per="person"``: share of people (``speaker_or_respondent`` of ``units``, less ``exclude``)
    who raised the theme at least once; ``per="unit"``: share of units (turns, answers) that
    carry it. Returns ``code_id, n, count, pct, ci_low, ci_high`` (percent 0-100), in ``codes``
    order, with cells resting on fewer than ``min_cell`` shown as ``[c]``.
    """
    if per not in ("person", "unit"):
        raise ValueError("per must be 'person' or 'unit'")
    units = units.reset_index(drop=True)
    speakers = units["speaker_or_respondent"].astype(str)
    keep = ~speakers.isin(exclude).to_numpy()
    present = presence(coded, units, codes)[keep]
    if per == "person":
        present = present.groupby(speakers[keep].to_numpy()).max()
    n = len(present)
    frame = pd.DataFrame({"code_id": list(codes), **_shares(n, present.sum().to_numpy())})
    return suppress(
        frame,
        n_col="n",
        count_cols=["count"],
        dependent_cols=["pct", "ci_low", "ci_high"],
        label_cols=["code_id"],
        min_cell=min_cell,
    )
