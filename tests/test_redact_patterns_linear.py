"""Every redaction pattern runs in linear time on long adversarial input (property test).

For each compiled pattern in :mod:`evaluation.redact` (found by introspection, so a pattern added
later is tested too), hypothesis builds a short unit from the pattern's own words and characters
("born", "Ward", "manager", digits, dots, "@", tabs...) and repeats it to 200,000 characters:
the input that makes a backtracking pattern retry from every position. Scanning it must stay
within a per-character budget that a linear scan meets many times over and a quadratic one
misses by orders of magnitude (the old e-mail pattern: 55 s on 128 kB). The e-mail finder, a
function rather than a pattern, and the whole redaction are tested the same way.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evaluation.redact as redact

SIZE = 200_000
SECONDS_PER_SCAN = 1.5  # ~7.5 us a character; a linear scan takes well under 0.2 s here
PATTERNS = {name: value for name, value in vars(redact).items() if isinstance(value, re.Pattern)}
BASIC = [" ", "\t", "\n", "1", "12", "07", "A", "a", "Aa", "-", ".", ",", "@", "'", "/", ":"]


def _tokens(pattern: re.Pattern) -> list[str]:
    """Words and punctuation the pattern looks for, plus digits, letters and spaces."""
    source = pattern.pattern
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", source.replace("\\b", " "))))[:60]
    punctuation = sorted(set(re.findall(r"[@£$€#&+%()*'’•–—]", source)))
    return BASIC + words + [w.capitalize() for w in words[:20]] + punctuation


def _units(tokens: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(tokens), min_size=1, max_size=6).map("".join)


def _long(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def _scan_seconds(pattern: re.Pattern, text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - start


def test_every_pattern_is_covered():
    assert len(PATTERNS) >= 20  # the module's patterns were found
    assert {"_URL", "_PHONE", "_DOB", "_ADDRESS", "_LOWER_AFTER_CUE"} <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_long_adversarial_input(name):
    pattern = PATTERNS[name]

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_units(_tokens(pattern)))
    def check(unit: str) -> None:
        seconds = _scan_seconds(pattern, _long(unit))
        assert seconds < SECONDS_PER_SCAN, (name, unit, seconds)

    check()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(_units([*BASIC, "nhs", "net", "co", "uk", "_", "+", "a.b", "x@y", "@@"]))
def test_email_finder_is_linear(unit):
    text = _long(unit)
    start = time.perf_counter()
    list(redact._email_spans(text))
    assert time.perf_counter() - start < SECONDS_PER_SCAN, unit


ALL_TOKENS = sorted({t for p in PATTERNS.values() for t in _tokens(p)})


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(_units(ALL_TOKENS))
def test_whole_redaction_is_linear(unit):
    """Every pattern and rule together, on 50,000 characters: a few seconds at most."""
    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    start = time.perf_counter()
    redact.redact_text(text)
    assert time.perf_counter() - start < 10, unit


def test_the_budget_tells_a_quadratic_pattern_from_a_linear_one():
    """Control: a backtracking e-mail pattern like the old one costs hundreds of times more per
    character on a 20,000-character run than the module's patterns on 200,000 characters."""
    quadratic = re.compile(r"[\w.]+@[\w.]+")
    run = "a" * 20_000
    per_char_quadratic = _scan_seconds(quadratic, run) / len(run)
    per_char_linear = max(_scan_seconds(p, _long("a")) for p in PATTERNS.values()) / SIZE
    assert per_char_quadratic > 20 * per_char_linear
    assert per_char_quadratic * SIZE > SECONDS_PER_SCAN  # at full size it would fail the budget
