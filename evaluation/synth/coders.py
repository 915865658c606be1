"""Two simulated human coders of the focus-group transcript, agreeing imperfectly.

Each coder codes participant turns (whole turns) against the true themes with their own error
profile: a chance of missing each true code, a chance of adding a spurious code to a turn, and,
for coder B, a systematic habit of applying ``inconsistent_accountability`` to some turns about
the organisation's capability to respond or its competing priorities. The profiles go to
``truth.json``; Cohen's kappa per code lands between about 0.6 and 0.9 (lowest for the
over-applied code), as between two trained but independent coders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.synth.focus_group import FACILITATOR, FocusGroup
from evaluation.synth.language import THEMES
from evaluation.synth.streams import Picker
from evaluation.text.segments import SEGMENT_COLUMNS

CODEBOOK_VERSION = "1.0"


@dataclass(frozen=True)
class CoderProfile:
    """How one simulated coder departs from the true themes."""

    name: str
    miss_rate: float  # P(a true code of a turn is not applied)
    spurious_rate: float  # P(a turn gets one code it does not carry, chosen at random)
    over_applies: str | None = None  # a code applied too readily ...
    over_apply_rate: float = 0.0  # ... with this probability ...
    over_apply_when: tuple[str, ...] = ()  # ... to turns carrying any of these codes


CODERS = (
    CoderProfile("coder_a", miss_rate=0.10, spurious_rate=0.03),
    CoderProfile(
        "coder_b",
        miss_rate=0.15,
        spurious_rate=0.04,
        over_applies="inconsistent_accountability",
        over_apply_rate=0.15,
        over_apply_when=("capability_gaps", "competing_priorities"),
    ),
)


def code_transcript(
    group: FocusGroup, profile: CoderProfile, rng: np.random.Generator
) -> pd.DataFrame:
    """The coded segments of one coder: one row per (participant turn, code applied)."""
    picker = Picker(rng)
    rows: list[dict[str, object]] = []
    for turn, (start, end) in zip(group.turns, group.offsets(), strict=True):
        if turn.speaker == FACILITATOR:
            continue
        codes = {code for code in turn.themes if not picker.chance(profile.miss_rate)}
        if picker.chance(profile.spurious_rate):
            codes.add(picker.choice([c for c in THEMES if c not in turn.themes]))
        over = profile.over_applies
        if (
            over
            and over not in turn.themes
            and set(turn.themes) & set(profile.over_apply_when)
            and picker.chance(profile.over_apply_rate)
        ):
            codes.add(over)
        for code in sorted(codes, key=THEMES.index):
            rows.append(
                {
                    "segment_id": f"{profile.name}-{len(rows) + 1:04d}",
                    "source_id": group.source_id,
                    "speaker_or_respondent": turn.speaker,
                    "start": start,
                    "end": end,
                    "text": turn.text,
                    "code_id": code,
                    "coder": profile.name,
                    "confidence": 1.0,
                    "codebook_version": CODEBOOK_VERSION,
                }
            )
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
