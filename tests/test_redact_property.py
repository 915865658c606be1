"""Redaction is linear-time and safe on any input: long adversarial texts finish quickly (the old
e-mail pattern took 55 s on a 128 kB answer), and on random texts redaction never leaves a
pattern-shaped identifier behind and keeps turn offsets true."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.redact import redact_text, redact_turns, redaction_spans

SIZE = 128_000
ADVERSARIAL = {
    "word run": "a" * SIZE,
    "word run then @": "a" * SIZE + "@",
    "dots": "a." * (SIZE // 2),
    "at signs": "a@" * (SIZE // 2),
    "at and dots": "a@b." * (SIZE // 4),
    "digits": "1" * SIZE,
    "spaced digits": "1 " * (SIZE // 2),
    "dashed digits": "1-" * (SIZE // 2),
    "capitalised words": "Aaa " * (SIZE // 4),
    "rare capitalised words": "Achterberg " * (SIZE // 11),
    "titles": "Dr " * (SIZE // 3),
    "born": "born " * (SIZE // 5),
    "spaces": " " * SIZE,
    "www": "www." * (SIZE // 4),
    "http": "http://" * (SIZE // 7),
    "+44": "+44 " * (SIZE // 4),
    "ward": "Ward " * (SIZE // 5),
    "the only": "the only " * (SIZE // 9),
    "hyphens": "Aa-" * (SIZE // 3),
    "apostrophes": "O'" * (SIZE // 2),
    "house numbers": "12 Aaa " * (SIZE // 7),
    "mixed": "Ask Wendell Achterberg at w.a@nhs.net or 07700 900123, born 1/2/1987. "
    * (SIZE // 72),
}
# Generous for a shared 2-core machine; a quadratic pattern takes tens of seconds at this size.
SECONDS = 8.0


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_long_adversarial_input_is_redacted_in_linear_time(name):
    text = ADVERSARIAL[name]
    start = time.perf_counter()
    redact_text(text)
    assert time.perf_counter() - start < SECONDS


def test_time_grows_linearly_not_quadratically():
    unit = "a@b.Aaa the only 1 "
    small, large = unit * 1_500, unit * 6_000  # four times the text
    timings = []
    for text in (small, large, small, large):
        start = time.perf_counter()
        redact_text(text)
        timings.append(time.perf_counter() - start)
    ratio = (timings[1] + timings[3]) / (timings[0] + timings[2])
    assert ratio < 8, ratio  # linear: about 4; quadratic: about 16


PIECES = st.sampled_from(
    [" ", "a", "A", "@", ".", "-", "1", "0", "7", "+44", "Dr ", "born ", "Ward ", "www.",
     "nhs.net", "Achterberg", "Sarah", "the only", "\n", "'", "Grove", "M1 1AE", ", "]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=80).map("".join)
PATTERN_KINDS = {"email", "phone", "nhs_number", "ni_number", "postcode", "handle"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_redacted_text_holds_no_pattern_shaped_identifier(text):
    out = redact_text(text).text
    left = {kind for _, _, kind in redaction_spans(out, cleared=None)}
    assert not (left & PATTERN_KINDS), (text, out, left)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_turn_offsets_stay_true_on_any_text(bodies):
    source, rows = "", []
    for i, body in enumerate(bodies):
        header = f"[00:00:0{i}] P0{i}: "
        start = len(source) + len(header)
        source += header + body + "\n"
        rows.append({"source_id": "s", "turn": i + 1, "start": start, "end": start + len(body)})
    turns = pd.DataFrame(rows)
    turns["text"] = [source[r["start"] : r["end"]] for r in rows]
    out, sources, _ = redact_turns(turns, {"s": source})
    for row in out.itertuples():
        assert sources["s"][row.start : row.end] == row.text
        assert row.start <= row.end
