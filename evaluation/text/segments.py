"""Units of analysis and the coded-segments contract.

A *unit* is what a coder decides about: one transcript turn (``unit`` = the turn number as text)
or one survey free-text answer (``unit`` = ``"answer"``, ``source_id`` =
``f"{respondent_id}__{field}"``). A *coded segment* (CONTRIBUTING.md) ties a code to a span of a
source by character offsets, so any tool can find the passage again; agreement and scoring work
on units, so segments are mapped back to the unit whose span contains them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

SEGMENT_COLUMNS = [
    "segment_id",
    "source_id",
    "speaker_or_respondent",
    "start",
    "end",
    "text",
    "code_id",
    "coder",
    "confidence",
    "codebook_version",
]
# Coders that are not people, with the name they carry in exports (REFI-QDA users): left out of
# agreement between human coders unless asked (evaluation.text.agreement.reliability).
MACHINE_CODERS = {"rules": "Machine coding: codebook rules (not a human coder)"}


def is_machine_coder(coder: object) -> bool:
    """Whether a coder id (or its exported user name) is a machine, not a person."""
    return str(coder) in MACHINE_CODERS or str(coder) in MACHINE_CODERS.values()


UNIT_COLUMNS = ["source_id", "unit", "speaker_or_respondent", "start", "end", "text"]
ANSWER_UNIT = "answer"


def empty_segments() -> pd.DataFrame:
    """A coded-segments frame with no rows and the contract's columns and dtypes."""
    return _typed(pd.DataFrame({c: [] for c in SEGMENT_COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[SEGMENT_COLUMNS].copy()
    for col in ("start", "end"):
        out[col] = out[col].astype("int64")
    out["confidence"] = out["confidence"].astype("float64")
    for col in ("segment_id", "source_id", "speaker_or_respondent", "text", "code_id", "coder"):
        out[col] = out[col].astype("string")
    out["codebook_version"] = out["codebook_version"].astype("string")
    return out.reset_index(drop=True)


def segment_id(coder: str, source_id: str, start: int, end: int, code_id: str) -> str:
    """A readable id, unique per coder, passage and code: ``coder:source:start-end:code``."""
    return f"{coder}:{source_id}:{start}-{end}:{code_id}"


def turn_units(turns: pd.DataFrame | None) -> pd.DataFrame:
    """Transcript turns (the turns frame) as units: one per turn, spoken by ``speaker``.

    ``None`` (a wave without focus groups) gives no units, with the units' columns.
    """
    if turns is None:
        turns = pd.DataFrame(columns=["source_id", "turn", "speaker", "start", "end", "text"])
    return pd.DataFrame(
        {
            "source_id": turns["source_id"].astype("string"),
            "unit": turns["turn"].astype("int64").astype(str).astype("string"),
            "speaker_or_respondent": turns["speaker"].astype("string"),
            "start": turns["start"].astype("int64"),
            "end": turns["end"].astype("int64"),
            "text": turns["text"].astype("string"),
        },
        columns=UNIT_COLUMNS,
    ).reset_index(drop=True)


def answer_units(
    survey: pd.DataFrame,
    fields: Sequence[str] = ("comment_change", "comment_other"),
    id_column: str = "respondent_id",
) -> pd.DataFrame:
    """Each non-empty free-text answer as a unit; offsets are relative to the answer text."""
    parts = []
    for field in fields:
        text = survey[field].astype("string")
        keep = text.notna() & (text.str.strip() != "")
        ids = survey.loc[keep, id_column].astype(str)
        answers = text[keep]
        parts.append(
            pd.DataFrame(
                {
                    "source_id": (ids + "__" + field).to_numpy(),
                    "unit": ANSWER_UNIT,
                    "speaker_or_respondent": ids.to_numpy(),
                    "start": 0,
                    "end": answers.str.len().astype("int64").to_numpy(),
                    "text": answers.to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=UNIT_COLUMNS)
    return out.astype({"source_id": "string", "unit": "string", "text": "string"})


def make_segments(
    units: pd.DataFrame,
    code_sets: Iterable[Iterable[str]],
    coder: str,
    codebook_version: str,
    confidence: Iterable[Iterable[float]] | None = None,
) -> pd.DataFrame:
    """Coded segments for whole units: row ``i`` of ``units`` gets the codes in ``code_sets[i]``.

    ``confidence`` (same shape as ``code_sets``) gives a probability per code; 1.0 when omitted.
    """
    positions: list[int] = []
    codes_out: list[str] = []
    probs_out: list[float] = []
    confidences = confidence if confidence is not None else [None] * len(units)
    for position, codes, probs in zip(range(len(units)), code_sets, confidences, strict=True):
        codes = list(codes)
        probs = [1.0] * len(codes) if probs is None else list(probs)
        for code_id, prob in sorted(zip(codes, probs, strict=True)):
            positions.append(position)
            codes_out.append(code_id)
            probs_out.append(float(prob))
    if not positions:
        return empty_segments()
    # Built column by column (not row by row): a 100,000-answer coding stays well under a second.
    rows = units.iloc[positions].reset_index(drop=True)
    columns = (rows["source_id"].tolist(), rows["start"].tolist(), rows["end"].tolist(), codes_out)
    frame = pd.DataFrame(
        {
            "segment_id": [segment_id(coder, *cells) for cells in zip(*columns, strict=True)],
            "source_id": rows["source_id"],
            "speaker_or_respondent": rows["speaker_or_respondent"],
            "start": rows["start"],
            "end": rows["end"],
            "text": rows["text"],
            "code_id": codes_out,
            "coder": coder,
            "confidence": probs_out,
            "codebook_version": codebook_version,
        }
    )
    return _typed(frame)


def coded_units(codings: dict[str, pd.DataFrame], units: pd.DataFrame) -> pd.DataFrame:
    """Every coder's segments (coder -> segments) as coded units, coders in name order."""
    parts = [segments_to_units(codings[coder], units) for coder in sorted(codings)]
    if not parts:
        return pd.DataFrame(columns=["source_id", "unit", "code_id", "coder"])
    return pd.concat(parts, ignore_index=True)


def segments_to_units(segments: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Map each coded segment to the unit of its source whose span contains the segment's start.

    Returns ``source_id, unit, code_id, coder`` without duplicates (two passages of one turn coded
    alike count once: agreement and scoring are about presence per unit). Segments that fall in no
    unit (offsets outside every turn) are dropped; check ``len`` if that matters.
    """
    cols = ["source_id", "unit", "code_id", "coder"]
    units = units[units["source_id"].notna()]
    segs = segments[segments["source_id"].notna()]
    if segs.empty:
        return pd.DataFrame(columns=cols).astype("string")
    # One sort and one binary search for all sources at once (a group per source was most of a
    # 100,000-answer report's coding time): each unit's key is (source, start), each segment looks
    # up the last unit of its source starting at or before it.
    n_units = len(units)
    codes, _ = pd.factorize(
        np.concatenate(
            [
                units["source_id"].astype(object).to_numpy(),
                segs["source_id"].astype(object).to_numpy(),
            ]
        )
    )
    unit_code, seg_code = codes[:n_units], codes[n_units:]
    unit_start = units["start"].to_numpy(dtype="int64")
    seg_start = segs["start"].to_numpy(dtype="int64")
    order = np.lexsort((unit_start, unit_code))
    unit_code, unit_start = unit_code[order], unit_start[order]
    unit_end = units["end"].to_numpy(dtype="int64")[order]
    unit_name = units["unit"].to_numpy()[order]
    low = min(unit_start.min(initial=0), seg_start.min(initial=0))
    width = max(unit_start.max(initial=0), seg_start.max(initial=0)) - low + 1
    pos = (
        np.searchsorted(
            unit_code * width + (unit_start - low),
            seg_code * width + (seg_start - low),
            side="right",
        )
        - 1
    )
    at = np.clip(pos, 0, None)
    ok = (pos >= 0) & (unit_code[at] == seg_code) & (seg_start < unit_end[at])
    # Output order as before: sources in order of first appearance among the segments, each
    # source's segments in their own order.
    first = pd.unique(seg_code)
    rank = np.empty(max(len(codes) and codes.max() + 1, 1), dtype="int64")
    rank[first] = np.arange(len(first))
    keep = np.argsort(rank[seg_code], kind="stable")
    keep = keep[ok[keep]]
    frame = pd.DataFrame(
        {
            "source_id": segs["source_id"].to_numpy()[keep],
            "unit": unit_name[at[keep]],
            "code_id": segs["code_id"].to_numpy()[keep],
            "coder": segs["coder"].to_numpy()[keep],
        }
    )
    return frame.drop_duplicates().astype("string")[cols]
