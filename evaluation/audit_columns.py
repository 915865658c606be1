"""The per-respondent columns published tables count that the survey file does not hold.

The attacking audit (:mod:`evaluation.release_audit`) rebuilds each published count's
respondents from the microdata. Some tables count respondents by something computed from the
answers: the reporting funnel's steps (routed from three questions), the organisation's status
in the ARF register, and the themes a respondent's free text was coded with. Without these
columns those tables are equations the audit cannot write, so their cells could give away a
hidden cell unseen. :func:`with_audit_columns` adds them to the survey frame, computed by the
same functions the tables are made with; the audit still checks every shown count against them
(a column that does not reproduce a table leaves it not modelled, never a false equation).

**Region-level releases only, for now.** A release with packs (an ICB or organisation pack
run, or a region run beside published packs) is attacked without these columns: with them the
audit's strong attacker (who knows which answer patterns occur) finds a respondent's pattern
nearly unique, and on the bundled wave pins 15 to 21 pack cells (themes by role level, a funnel
step, a headline's 0 of 8) that 40 rounds of the protection pass do not free. Those tables of a
pack are then not attacked beside the region's, as before these columns existed.

Columns added (names never clash with the instrument's): the funnel steps
(``experienced_or_witnessed``, ``reported``, ``satisfied``: nullable booleans, NA outside the
step's base), ``register_level`` (categorical; only with a register) and one nullable boolean
per codebook theme, named by its code id (True: the respondent's free text carries it; NA: wrote
no free text).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from evaluation.text.codebook import Codebook

FUNNEL_STEPS = ("experienced_or_witnessed", "reported", "satisfied")


def funnel_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The reporting funnel's steps per respondent
    (:func:`~evaluation.analyses.reporting.funnel_indicators`)."""
    from evaluation.analyses.reporting import funnel_indicators

    needed = {"experienced_racism_12m", "witnessed_racism_12m", "reported_it",
              "satisfied_with_response"}  # fmt: skip
    if not needed <= set(frame.columns):
        return pd.DataFrame(index=frame.index)
    return funnel_indicators(frame)


def register_column(frame: pd.DataFrame, register: pd.DataFrame | None) -> pd.DataFrame:
    """``register_level``: the respondent's organisation's status in the ARF register."""
    from evaluation.outcomes.analysis import register_level

    if register is None or "org_code" not in frame.columns:
        return pd.DataFrame(index=frame.index)
    return pd.DataFrame({"register_level": register_level(frame, register).astype("category")})


def theme_columns(frame: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """One column per theme: whether the respondent's free text carries it (NA: none written),
    by the codebook's rules (:class:`~evaluation.text.rules.RuleCoder`), as the free-text
    tables count it."""
    from evaluation.text import framework, segments
    from evaluation.text.rules import RuleCoder

    fields = [c for c in ("comment_change", "comment_other") if c in frame.columns]
    if codebook is None or not fields or "respondent_id" not in frame.columns:
        return pd.DataFrame(index=frame.index)
    codes = [c for c in codebook.leaf_ids if c not in frame.columns]
    answers = segments.answer_units(frame, tuple(fields))
    if answers.empty:
        return pd.DataFrame(index=frame.index)
    coded = segments.segments_to_units(RuleCoder(codebook).code(answers), answers)
    present = framework.presence(coded, answers, codes)
    by_person = present.groupby(answers["speaker_or_respondent"].astype(str).to_numpy()).max()
    ids = frame["respondent_id"].astype(str)
    out = by_person.reindex(ids.to_numpy()).astype("boolean")
    out.index = frame.index
    return out


def with_audit_columns(
    frame: pd.DataFrame, codebook: Codebook | None = None, register: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``frame`` with the funnel steps, the register level and the themes added (see the
    module docstring); columns the frame already has are left as they are."""
    parts = [
        funnel_columns(frame),
        register_column(frame, register),
        theme_columns(frame, codebook),
    ]
    extra = pd.concat(parts, axis=1)
    extra = extra[[c for c in extra.columns if c not in frame.columns]]
    return pd.concat([frame, extra], axis=1) if len(extra.columns) else frame


def audit_frame(frame: pd.DataFrame, config: object) -> pd.DataFrame:
    """:func:`with_audit_columns` with the config's codebook and register (either may be absent)."""
    from evaluation.outcomes.register import read_register
    from evaluation.text.codebook import load_codebook

    path = getattr(config, "codebook", None)
    codebook = load_codebook(path) if path and Path(path).exists() else None
    status = getattr(config, "arf_status", None)
    register = read_register(status) if status and Path(status).exists() else None
    return with_audit_columns(frame, codebook, register)


def release_frame(frame: pd.DataFrame, config: object, entries: list[tuple]) -> pd.DataFrame:
    """The frame to attack a release with: :func:`audit_frame`, unless ``entries`` (the
    release's reports: ``(folder, mask, label)``, a mask for a pack) hold a pack (see the
    module docstring)."""
    if any(len(entry) > 1 and entry[1] is not None for entry in entries):
        return frame
    return audit_frame(frame, config)
