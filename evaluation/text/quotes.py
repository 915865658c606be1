"""A quote bank: candidate quotes per theme, a sign-off a person gives, and what may be shown.

A report of focus groups and free-text answers without quotes is not what evaluators write, but a
quote must never go out unchecked. This module keeps the three steps apart:

1. :func:`candidate_quotes` proposes, per theme, a few short passages that are *representative*:
   the passage carries the theme with high confidence (a model's probability, or 1.0 for rules
   and human coders) and is close to the theme's centroid (the mean TF-IDF vector of every unit
   carrying the theme), so the quote sounds like what the theme's passages say rather than an
   outlier. Score = confidence x cosine similarity to the centroid; one quote per person per
   theme, so a theme's quotes come from different people. Units whose text matches any of
   ``exclude_if_contains`` (the review queue's "[held for review]") or is flagged by
   ``is_held`` are never candidates.
2. :func:`merge_bank` refreshes a bank with new candidates **without losing a sign-off**: a row
   is keyed by its ``quote_id`` (theme, source and a hash of the exact words), signed rows are
   kept whatever the new candidates are (flagged ``stale`` when their words are no longer among
   the current passages), unsigned rows are replaced by the new candidates.
3. :func:`shown_quotes` picks what a report may show: signed off (``signed_off_by`` and
   ``signed_off_on`` both filled), the words still exactly those of a current passage in the
   report's scope, not held, and each quote's group attribute only where the group is large
   enough (:func:`disclose_attribute`).

Nothing here knows the survey, the repository or the report: units, segments, groups and the
held markers arrive as arguments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.errors import InputError, Problem
from evaluation.text.framework import presence

BANK_COLUMNS = [
    "quote_id",
    "code_id",
    "rank",
    "source_id",
    "unit",
    "case_id",
    "pseudonym",
    "kind",
    "attribute",
    "text",
    "coders",
    "confidence",
    "similarity",
    "score",
    "status",
    "signed_off_by",
    "signed_off_on",
    "notes",
]
SIGN_OFF_COLUMNS = ("signed_off_by", "signed_off_on", "notes")
CANDIDATE = "candidate"
STALE = "stale"  # signed, but its words are no longer among the current passages
MIN_CHARS = 40
MAX_CHARS = 300
PER_THEME = 5


def quote_id(code_id: str, source_id: str, text: str) -> str:
    """A stable key for a quote: the theme, the source and a hash of the exact words.

    >>> quote_id("reporting", "R25-0001__comment_other", "Nothing happens.")
    'reporting:R25-0001__comment_other:8bc396c6c6'
    """
    digest = hashlib.sha1(" ".join(str(text).split()).encode("utf-8")).hexdigest()[:10]
    return f"{code_id}:{source_id}:{digest}"


def _centroid_similarity(texts: Sequence[str], presence: np.ndarray) -> tuple[np.ndarray, Any]:
    """Cosine similarity of each text to each code's centroid (units x codes), TF-IDF words,
    and the texts' (L2-normalised, sparse) TF-IDF matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    matrix = vectorizer.fit_transform([str(t) for t in texts])  # rows are L2-normalised
    similarity = np.zeros(presence.shape, dtype=float)
    for j in range(presence.shape[1]):
        members = np.flatnonzero(presence[:, j])
        if members.size == 0:
            continue
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm > 0:
            similarity[:, j] = matrix @ (centroid / norm)
    return similarity, matrix


def candidate_quotes(
    units: pd.DataFrame,
    coded: pd.DataFrame,
    codes: Sequence[str],
    *,
    confidence: pd.DataFrame | None = None,
    per_theme: int = PER_THEME,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
    exclude_if_contains: Sequence[str] = (),
    is_held: Callable[[str], bool] | None = None,
    near_duplicate: float = 0.7,
) -> pd.DataFrame:
    """Up to ``per_theme`` candidate quotes per code, best first (see the module docstring).

    ``units``: ``source_id, unit, speaker_or_respondent, text`` (one row per unit, redacted text);
    ``coded``: ``source_id, unit, code_id, coder`` (every coder's presence per unit, from
    :func:`evaluation.text.segments.segments_to_units`); ``confidence``: optional probabilities
    (one row per row of ``units``, one column per code, e.g. a suggester's ``predict_proba``),
    else 1.0 for any coded unit. Only units of ``min_chars`` to ``max_chars`` characters are
    quotable; a passage whose TF-IDF cosine with a quote already chosen for the theme reaches
    ``near_duplicate`` is skipped (it says the same words). Returns ``code_id, rank, source_id,
    unit, case_id, text, coders, confidence, similarity, score, quote_id``.
    """
    columns = ["code_id", "rank", "source_id", "unit", "case_id", "text", "coders",
               "confidence", "similarity", "score", "quote_id"]  # fmt: skip
    units = units.reset_index(drop=True)
    codes = list(codes)
    if units.empty or coded.empty or not codes:
        return pd.DataFrame(columns=columns)
    key = units["source_id"].astype(str) + "\x1f" + units["unit"].astype(str)
    coded_key = coded["source_id"].astype(str) + "\x1f" + coded["unit"].astype(str)
    present = presence(coded, units, codes).to_numpy(dtype=bool)
    who = (
        pd.DataFrame(
            {
                "_key": coded_key,
                "code_id": coded["code_id"].astype(str),
                "coder": coded["coder"].astype(str),
            }
        )
        .drop_duplicates()
        .sort_values("coder")
        .groupby(["_key", "code_id"])["coder"]
        .agg(" | ".join)
        .to_dict()
    )
    texts = units["text"].astype(str).map(lambda t: " ".join(t.split()))
    similarity, matrix = _centroid_similarity(texts.tolist(), present)
    if confidence is not None:
        if len(confidence) != len(units):
            raise InputError("confidence must have one row per unit")
        probability = confidence.reindex(columns=codes).fillna(1.0).to_numpy(dtype=float)
    else:
        probability = np.ones(present.shape)
    length = texts.str.len()
    quotable = (length >= min_chars) & (length <= max_chars)
    for marker in exclude_if_contains:
        quotable &= ~units["text"].astype(str).str.contains(marker, regex=False)
    if is_held is not None:
        quotable &= ~units["text"].astype(str).map(is_held).astype(bool)
    rows = []
    for j, code in enumerate(codes):
        eligible = np.flatnonzero(present[:, j] & quotable.to_numpy())
        score = probability[eligible, j] * similarity[eligible, j]
        order = eligible[np.lexsort((units.loc[eligible, "source_id"].astype(str), -score))]
        seen: set[str] = set()
        chosen: list[int] = []
        for i in order:
            person = str(units.at[i, "speaker_or_respondent"])
            if person in seen:
                continue
            if chosen and (matrix[chosen] @ matrix[i].T).max() >= near_duplicate:
                continue  # the same words as a quote already chosen: no new voice
            seen.add(person)
            chosen.append(int(i))
            rows.append(
                {
                    "code_id": code,
                    "rank": len(seen),
                    "source_id": str(units.at[i, "source_id"]),
                    "unit": str(units.at[i, "unit"]),
                    "case_id": person,
                    "text": texts.iat[i],
                    "coders": who.get((key.iat[i], code), ""),
                    "confidence": round(float(probability[i, j]), 4),
                    "similarity": round(float(similarity[i, j]), 4),
                    "score": round(float(probability[i, j] * similarity[i, j]), 4),
                    "quote_id": quote_id(code, str(units.at[i, "source_id"]), texts.iat[i]),
                }
            )
            if len(seen) >= per_theme:
                break
    return pd.DataFrame(rows, columns=columns)


def disclose_attribute(
    values: pd.Series, group_sizes: Mapping[str, int], min_cell: int
) -> pd.Series:
    """Each value where its group has at least ``min_cell`` members, else missing (omitted).

    ``group_sizes`` counts the population the value describes (say, the wave's free-text writers
    of each role level); a value absent from it counts as a group of none.

    >>> disclose_attribute(pd.Series(["Frontline", "Executive"]), {"Frontline": 130,
    ...                    "Executive": 4}, 11).tolist()
    ['Frontline', <NA>]
    """
    sizes = values.astype("string").map(lambda v: group_sizes.get(v, 0) if pd.notna(v) else 0)
    return values.astype("string").where(sizes.astype(int) >= min_cell)


def signed(bank: pd.DataFrame) -> pd.Series:
    """Rows a person has signed off: both ``signed_off_by`` and ``signed_off_on`` filled."""
    by = bank["signed_off_by"].astype("string").str.strip().fillna("")
    on = bank["signed_off_on"].astype("string").str.strip().fillna("")
    return (by != "") & (on != "")


def merge_bank(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """A refreshed bank: the new candidates, every signed row of ``old`` kept with its sign-off.

    A signed quote that is a candidate again keeps its sign-off and notes, with the new scores;
    a signed quote that is no longer a candidate stays, marked ``stale`` if its words are gone
    from the current passages (``new`` lists those in ``attrs["current"]``, a set of quote ids,
    when known), else ``candidate``. Unsigned old rows are dropped (they were only proposals);
    pseudonyms already given are kept, so a case is called the same across refreshes.
    """
    new = new.reindex(columns=BANK_COLUMNS).copy()
    for column in SIGN_OFF_COLUMNS:
        new[column] = pd.Series([pd.NA] * len(new), dtype="string")
    new["status"] = CANDIDATE
    if old is None or old.empty:
        return _ordered(new)
    old = old.reindex(columns=BANK_COLUMNS).astype({c: "string" for c in SIGN_OFF_COLUMNS})
    keep = old[signed(old)]
    decisions = keep.set_index("quote_id")[list(SIGN_OFF_COLUMNS)]
    again = new["quote_id"].isin(decisions.index)
    for column in SIGN_OFF_COLUMNS:
        new.loc[again, column] = new.loc[again, "quote_id"].map(decisions[column])
    gone = keep[~keep["quote_id"].isin(new["quote_id"])].copy()
    current = new.attrs.get("current")
    if current is not None:
        gone["status"] = np.where(gone["quote_id"].isin(current), CANDIDATE, STALE)
    merged = pd.concat([new, gone], ignore_index=True)
    return _ordered(merged)


def _ordered(bank: pd.DataFrame) -> pd.DataFrame:
    rank = pd.to_numeric(bank["rank"], errors="coerce")
    return (
        bank.assign(_rank=rank)
        .sort_values(["code_id", "_rank", "quote_id"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)[BANK_COLUMNS]
    )


def read_bank(path: str) -> pd.DataFrame | None:
    """A quote bank CSV as text (None if absent); a missing column is an input error."""
    from pathlib import Path

    file = Path(path)
    if not file.exists():
        return None
    frame = pd.read_csv(file, dtype="string", keep_default_na=False, na_values=[""],
                        encoding="utf-8-sig")  # fmt: skip
    missing = [c for c in ("quote_id", "code_id", "source_id", "text", *SIGN_OFF_COLUMNS[:2])
               if c not in frame.columns]  # fmt: skip
    if missing:
        problem = Problem(str(file), 1, ", ".join(missing), None, "quote bank lacks columns")
        raise InputError(problem)
    from evaluation.safe_output import restore_formulas

    frame = restore_formulas(frame)
    return frame.reindex(columns=BANK_COLUMNS)


def shown_quotes(
    bank: pd.DataFrame | None,
    current: Mapping[str, str],
    *,
    group_sizes: Mapping[str, int] | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    exclude_if_contains: Sequence[str] = (),
    is_held: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
    """The quotes a report may show: signed off, words unchanged, in scope, not held.

    ``current`` maps each quotable passage in the report's scope by ``quote_id`` to its words
    now (a signed quote whose source changed, or that is outside the scope, is not shown);
    ``group_sizes`` sizes the attribute's groups in the scope, so a role level is shown only
    where its group has at least ``min_cell`` members. Returns ``code_id, pseudonym,
    attribute, text, signed_off_by, signed_off_on`` in bank order.
    """
    out_columns = ["code_id", "pseudonym", "attribute", "text", "signed_off_by", "signed_off_on"]
    if bank is None or bank.empty:
        return pd.DataFrame(columns=out_columns)
    ok = signed(bank) & bank["quote_id"].isin(list(current))
    words = bank["quote_id"].map(current)
    ok &= bank["text"].astype("string").fillna("") == words.astype("string").fillna("\x00")
    for marker in exclude_if_contains:
        ok &= ~bank["text"].astype(str).str.contains(marker, regex=False)
    if is_held is not None:
        ok &= ~bank["text"].astype(str).map(is_held).astype(bool)
    shown = bank[ok.fillna(False).astype(bool)].copy()
    if group_sizes is not None:
        shown["attribute"] = disclose_attribute(shown["attribute"], group_sizes, min_cell)
    return shown[out_columns].reset_index(drop=True)
