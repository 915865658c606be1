"""A synthetic specialist focus group: participants, a transcript and its true themes.

The facilitator (``F``) follows a topic guide (awareness, reporting, the organisation's response,
barriers, what carries change); participants (``P01``...) answer in spoken register, with themes
drawn from the topic and from who is speaking (the same tendencies as the survey's free text).
Some turns carry no theme ("Yeah, same here."). Like the evaluation's own focus group, it is a
specialist group: most participants are Global Majority staff, across role levels.

Transcript format (CONTRIBUTING.md): one line per turn, ``[hh:mm:ss] SPEAKER: text``, ``\\n`` line
endings, UTF-8. Turns are numbered from 1 in file order (facilitator turns included). A turn's
``start``/``end`` are character offsets of its text in the file's text read as UTF-8 *without*
newline translation (``open(path, encoding="utf-8", newline="").read()``), so
``source_text[start:end] == text``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.synth.free_text import MULTIPLIERS
from evaluation.synth.language import THEMES, compose, fill
from evaluation.synth.parameters import MANAGER_LEVELS, ROLE_LEVELS
from evaluation.synth.streams import Picker

FACILITATOR = "F"
SOURCE_ID = "focus_group_01"
MIN_TURNS_PER_TOPIC = 31
NO_THEME_SHARE = 0.15
TWO_THEME_SHARE = 0.25


@dataclass(frozen=True)
class Topic:
    """One section of the topic guide: the facilitator's questions and the themes it draws out."""

    name: str
    questions: tuple[str, ...]
    theme_weights: dict[str, float]


TOPIC_GUIDE = (
    Topic(
        "awareness",
        (
            "To start us off, when did you first hear about the Anti-racist Framework, and how?",
            "How well known would you say the framework is across your organisation?",
            "Who do you think knows most about it, and who knows least?",
        ),
        {"uneven_awareness": 5.0, "structure_and_legitimacy": 2.0, "competing_priorities": 0.5},
    ),
    Topic(
        "reporting",
        (
            "Let's move on to reporting. If you experienced or saw racism at work, how confident "
            "would you feel reporting it?",
            "In your experience, what happens after someone reports?",
            "What would make people more confident to report?",
        ),
        {"low_reporting_confidence": 5.0, "capability_gaps": 1.5},
    ),
    Topic(
        "organisational_response",
        (
            "How well does your organisation respond when racial harm happens?",
            "Do managers have what they need to respond well?",
            "Who is held accountable for progress on anti-racism where you work?",
        ),
        {
            "capability_gaps": 4.0,
            "inconsistent_accountability": 3.0,
            "low_reporting_confidence": 1.0,
        },
    ),
    Topic(
        "barriers",
        (
            "What gets in the way of anti-racism work in your organisation?",
            "For those of you involved, how did the Bronze submission process go?",
            "Where does the pressure on this work come from?",
        ),
        {
            "competing_priorities": 4.0,
            "inconsistent_accountability": 2.5,
            "submission_burden": 2.5,
            "individuals_without_authority": 1.5,
        },
    ),
    Topic(
        "what_carries_change",
        (
            "Thinking about what actually carries change, what has made a difference?",
            "Who drives the work in your organisation?",
            "If you could change one thing about the framework, what would it be?",
        ),
        {
            "individuals_without_authority": 4.0,
            "structure_and_legitimacy": 4.0,
            "submission_burden": 1.0,
        },
    ),
)

# Facilitator probes, composed like the participants' turns ("[a|b]" alternatives).
PROBES = (
    "[Can you|Could you|Would you mind if I asked you to] say a [bit|little] more about "
    "[that|what happened|why|how that felt], {other}?",
    "[Does anyone else|Do others|Does anybody] [recognise that|feel the same|have a similar "
    "story|see it differently][?| in their organisation?| where they work?]",
    "[Thank you|Thanks|Thanks for that][, {other}|]. Is there anyone who hasn't [spoken|come "
    "in] yet who'd like to [come in|add something|say something][?| on this?]",
    "How does that compare with [other people's experience|what others have seen|your own "
    "organisations|what {other} described][?| here?| in your area?]",
    "[That's really helpful|That's so useful|That's helpful|That's really interesting], "
    "[thank you|thanks][.| for sharing.| {other}.]",
    "[Anything else|Anything more|Any other thoughts|Any last points] on [this|that|this "
    "topic|this bit] before we [move on|go to the next question|carry on]?",
    "[Mm|OK|Right|I see]. And what was the [impact|effect|result] of that [on you|on the "
    "team|for staff|for patients]?",
    "[Just to check I've understood|So if I've got that right|Can I check], [you're "
    "saying|that's|{other}, you mean] [it depends on the manager|it varies a lot|it's not "
    "consistent|it's getting better|nothing changed]?",
    "[I'm conscious of time|We've got about ten minutes on this|We're nearly at time on "
    "this], [so|but] [one more|a last|a quick] [thought|point|comment] [on this|from "
    "anyone|from someone who hasn't spoken]?",
    "[Thank you, {other}|Thanks, {other}|Thanks for that, {other}]. [Anyone want to build on "
    "that|Any reactions to that|Does that ring true for others]?",
)
OPENING = (
    "Thanks everyone for coming. As a reminder, we're recording, everything will be "
    "pseudonymised, and you can stop at any point. There are no right or wrong answers."
)
CLOSING = "We're at time, so I'll stop there. Thank you all so much, this has been really valuable."

ORG_TYPE_MIX = {
    "acute": 0.45,
    "mental health": 0.2,
    "community": 0.1,
    "ambulance": 0.08,
    "specialist": 0.07,
    "commissioner": 0.1,
}


@dataclass(frozen=True)
class Turn:
    """One line of the transcript with its true themes (empty for facilitator turns)."""

    turn: int
    speaker: str
    seconds: int
    text: str
    themes: tuple[str, ...]

    @property
    def prefix(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        return f"[{hours:02d}:{rest // 60:02d}:{rest % 60:02d}] {self.speaker}: "


@dataclass(frozen=True)
class FocusGroup:
    """Participants and turns of one session; renders the transcript and its true themes."""

    source_id: str
    participants: pd.DataFrame
    turns: tuple[Turn, ...]

    def transcript(self) -> str:
        """The transcript file's text."""
        return "".join(f"{t.prefix}{t.text}\n" for t in self.turns)

    def offsets(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each turn's text in :meth:`transcript` (end exclusive)."""
        spans, position = [], 0
        for t in self.turns:
            start = position + len(t.prefix)
            spans.append((start, start + len(t.text)))
            position = start + len(t.text) + 1
        return spans

    def themes(self) -> pd.DataFrame:
        """True themes per participant turn: ``source_id, unit, code_id`` (unit = turn number)."""
        rows = [
            (self.source_id, t.turn, theme)
            for t in self.turns
            for theme in sorted(t.themes, key=THEMES.index)
        ]
        return pd.DataFrame(rows, columns=["source_id", "unit", "code_id"])


def _participants(rng: np.random.Generator) -> pd.DataFrame:
    """8 to 10 participants, most of them Global Majority staff, across role levels."""
    n = int(rng.integers(8, 11))
    n_global_majority = int(rng.integers(n // 2 + 1, n))
    groups = np.array(["Global Majority"] * n_global_majority + ["White"] * (n - n_global_majority))
    extra_roles = rng.choice(
        len(ROLE_LEVELS), size=n - 5, p=np.array([0.3, 0.25, 0.25, 0.15, 0.05])
    )
    roles = ["Frontline", "Frontline", "Team leader", "Middle manager", "Senior leader"]
    roles += [ROLE_LEVELS[i] for i in extra_roles]
    org_types = rng.choice(list(ORG_TYPE_MIX), size=n, p=list(ORG_TYPE_MIX.values()))
    return pd.DataFrame(
        {
            "speaker_id": [f"P{i:02d}" for i in range(1, n + 1)],
            "role_level": np.asarray(roles)[rng.permutation(n)],
            "org_type": org_types,
            "ethnicity_group": groups[rng.permutation(n)],
        }
    )


def _speaker_weights(participant: pd.Series, topic: Topic) -> dict[str, float]:
    weights = {theme: topic.theme_weights.get(theme, 0.15) for theme in THEMES}
    conditions = {
        "frontline": participant["role_level"] == "Frontline",
        "manager": participant["role_level"] in MANAGER_LEVELS,
        "global_majority": participant["ethnicity_group"] == "Global Majority",
    }
    for name, holds in conditions.items():
        if holds:
            for theme, factor in MULTIPLIERS[name].items():
                weights[theme] *= factor
    return weights


def generate_focus_group(rng: np.random.Generator, source_id: str = SOURCE_ID) -> FocusGroup:
    """A session following :data:`TOPIC_GUIDE`, at least 150 turns long."""
    participants = _participants(rng)
    picker = Picker(rng)
    # wording has its own stream: the same turns and themes whichever phrasings say them
    words = Picker(np.random.default_rng(rng.integers(2**62)))
    speakers = participants["speaker_id"].tolist()
    talkativeness = (rng.gamma(2.0, 1.0, size=len(speakers)) + 0.3).tolist()
    turns: list[Turn] = []
    clock = int(rng.integers(3, 9))
    last_participant = ""

    def say(speaker: str, text: str, themes: tuple[str, ...] = ()) -> None:
        nonlocal clock
        turns.append(Turn(len(turns) + 1, speaker, clock, text, themes))
        clock += max(2, round(len(text.split()) / 2.6 + 1.0 + 3.0 * picker.uniform()))

    def probe() -> str:
        return fill(words.choice(PROBES), words, {"other": last_participant or speakers[0]})

    def participant_turn(topic: Topic) -> None:
        nonlocal last_participant
        weights = [
            0.0 if s == last_participant else w
            for s, w in zip(speakers, talkativeness, strict=True)
        ]
        index = picker.weighted(weights)
        speaker = speakers[index]
        others = [s for s in speakers if s != speaker]
        context = {"other": last_participant or picker.choice(others)}
        if picker.chance(NO_THEME_SHARE):
            themes: list[str] = []
        else:
            count = 2 if picker.chance(TWO_THEME_SHARE) else 1
            themes = picker.sample(_speaker_weights(participants.iloc[index], topic), count)
        say(speaker, compose(themes, "spoken", words, context), tuple(themes))
        last_participant = speaker

    say(FACILITATOR, OPENING)
    for topic in TOPIC_GUIDE:
        first = len(turns)
        for question in topic.questions:
            say(FACILITATOR, question)
            replies = 4 + int(picker.uniform() * 4)
            for reply in range(replies):
                participant_turn(topic)
                if reply < replies - 1 and picker.chance(0.2):
                    say(FACILITATOR, probe())
        while len(turns) - first < MIN_TURNS_PER_TOPIC:
            say(FACILITATOR, probe())
            for _ in range(3):
                participant_turn(topic)
    say(FACILITATOR, CLOSING)
    return FocusGroup(source_id, participants, tuple(turns))
