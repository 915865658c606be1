"""Names written in lower case, on sentences held out from the benchmark corpus.

The benchmark's lower-case sentences (``benchmarks/redaction_corpus.py``) were seen while the
rules' thresholds were chosen; these were written afterwards, with names and templates the corpus
does not use, to check that the rules carry over. The negatives are the ordinary lower-case text
around the same cues, which must come through untouched.
"""

from __future__ import annotations

import pytest

from evaluation.redact import redact_text

HELD_OUT = [
    ("i went to see my supervisor obinna and he said leave it", "obinna"),
    ("asked yetunde to come with me to the meeting", "yetunde"),
    ("gurpreet said the same thing happened to her last year", "gurpreet"),
    ("my line manager chipo is the only one who listens", "chipo"),
    ("reported it to kofi on the night shift", "kofi"),
    ("texted abena after the shift to check she was ok", "abena"),
    ("tariq told us the complaint was closed", "tariq"),
    ("spoke to bogdan from estates about the graffiti", "bogdan"),
    ("me and ioana got the worst shifts all year", "ioana"),
    ("escalated it to sipho but nothing changed", "sipho"),
    ("my colleague nasreen was told to take her scarf off", "nasreen"),
    ("dr okonjo said it was a cultural misunderstanding", "okonjo"),
    ("thanks to rhiannon the network finally met", "rhiannon"),
    ("our matron lwazi tried her best", "lwazi"),
    ("phoned farhan the next morning", "farhan"),
]
UNTOUCHED = [
    "told him and nothing was done",
    "ask them on nights, they saw it",
    "my manager said it was banter",
    "we said it again at the huddle",
    "spoke to someone in hr about it",
    "thank you for asking",
    "me and my team feel the same",
    "the doctor said we were overreacting",
    "reported it to occupational health twice",
    "everyone said the training was pointless",
    "my colleague and i both raised it",
    "staff told us nothing would change",
    "emailed everybody on the rota",
    "contacted the guardian and waited",
    "she said that he said it was fine",
    "emailed phlebotomy twice and got nothing",
    "i miss handovers with the old team",
    "rang radiology about the scan",
    "spoke to estates about the lift",
    "asked safeguarding for advice",
]


@pytest.mark.parametrize(("text", "name"), HELD_OUT)
def test_held_out_lower_case_names_are_redacted(text, name):
    out = redact_text(text).text
    assert name not in out and "[name]" in out, out


@pytest.mark.parametrize("text", UNTOUCHED)
def test_ordinary_lower_case_text_around_the_cues_is_untouched(text):
    assert redact_text(text).text == text
