"""Codebook validation, the rule language and rule-based coding."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.errors import InputError
from evaluation.paths import CODEBOOK
from evaluation.text.codebook import FRAME_COLUMNS, load_codebook, parse_codebook
from evaluation.text.patterns import PatternError, compile_pattern, rule_text
from evaluation.text.rules import RuleCoder
from evaluation.text.segments import SEGMENT_COLUMNS, answer_units, segments_to_units

CONTRACT_IDS = {
    "awareness",
    "uneven_awareness",
    "reporting",
    "low_reporting_confidence",
    "organisational_response",
    "capability_gaps",
    "barriers",
    "competing_priorities",
    "inconsistent_accountability",
    "submission_burden",
    "enablers",
    "individuals_without_authority",
    "structure_and_legitimacy",
}


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def test_shipped_codebook_has_the_contract_ids(codebook) -> None:
    assert set(codebook.ids) == CONTRACT_IDS
    assert codebook.version == "1.0"
    assert codebook["uneven_awareness"].parent == "awareness"
    assert codebook.ancestors("submission_burden") == ["barriers"]
    frame = codebook.to_frame()
    assert list(frame.columns) == FRAME_COLUMNS
    assert frame["principle"].isin(codebook.principles.values()).all()
    # every leaf has rule patterns, include/exclude criteria and an example
    for code_id in codebook.leaf_ids:
        code = codebook[code_id]
        assert code.patterns and code.include and code.exclude and code.examples, code_id


def _mutated(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(Path("survey_data/codebook.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["codes"].append(dict(d["codes"][1])), "duplicate code id 'uneven_awareness'"),
        (lambda d: d["codes"][1].update(parent="nowhere"), "'uneven_awareness': unknown parent"),
        (lambda d: d["codes"][0].update(parent="uneven_awareness"), "cycle in parents"),
        (lambda d: d["codes"][1].update(patterns=["(unclosed"]), "unbalanced '('"),
        (lambda d: d["codes"][1].update(principle="vibes"), "unknown principle"),
    ],
)
def test_invalid_codebooks_name_file_and_code(tmp_path: Path, change, fragment: str) -> None:
    path = _mutated(tmp_path, change)
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_parse_codebook_rejects_a_non_mapping() -> None:
    with pytest.raises(InputError, match="mapping"):
        parse_codebook(["not", "a", "mapping"])


@pytest.mark.parametrize(
    ("pattern", "text", "hit"),
    [
        ("leaders", "Our Leader said so", True),  # stemmed, case-insensitive
        ("lead", "leadership team", False),  # whole word only
        ("not ... confident", "not really all that confident", True),
        ("not ... confident", "not one two three four five confident", False),  # gap of 5 > 4
        ("depends (on)? (which|who)", "depends who you get", True),
        ("depends (on)? (which|who)", "depends on which director", True),
        ("front-line staff", "front line staff", True),
        ("(held|hold) to account", "never held\nto account", False),  # never across texts
    ],
)
def test_rule_language(pattern: str, text: str, hit: bool) -> None:
    corpus = "\n".join(rule_text(part) for part in text.split("\n"))
    assert bool(compile_pattern(pattern).search(corpus)) is hit


@pytest.mark.parametrize("bad", ["", "a ... ", "(a|)", "a)", "x?", "what's %"])
def test_bad_patterns_raise(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad)


def test_rules_code_answers_to_contract_segments(codebook) -> None:
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3"],
            "comment_change": [
                "It hasn't filtered down to the frontline at all.",
                "",
                "Nobody is ever held to account, it depends which director you get.",
            ],
            "comment_other": [pd.NA, "We do it in our own time, on top of the day job.", "ok"],
        }
    )
    units = answer_units(survey)
    assert units["source_id"].tolist() == [
        "R1__comment_change",
        "R3__comment_change",
        "R2__comment_other",
        "R3__comment_other",
    ]
    segments = RuleCoder(codebook).code(units)
    assert list(segments.columns) == SEGMENT_COLUMNS
    found = set(zip(segments["source_id"], segments["code_id"], strict=True))
    assert found == {
        ("R1__comment_change", "uneven_awareness"),
        ("R3__comment_change", "inconsistent_accountability"),
        ("R2__comment_other", "individuals_without_authority"),
    }
    assert (segments["coder"] == "rules").all()
    assert (segments["confidence"] == 1.0).all()
    assert (segments["codebook_version"] == "1.0").all()
    assert segments["segment_id"].is_unique
    for row in segments.itertuples():
        assert row.text[row.start : row.end] == row.text  # whole answer, offsets into the answer
    mapped = segments_to_units(segments, units)
    assert set(mapped["unit"]) == {"answer"}


def test_rule_coding_is_fast(codebook) -> None:
    """A guard against slow regressions; the benchmark measures >= 20,000 comments/s on 100,000.

    The bound here is half the benchmark's so a busy shared machine does not make it flaky.
    """
    texts = [
        "Staff on the ward have not heard of the framework and are scared to report racism.",
        "Winter pressures mean it's the first thing to go; no consequences for leaders.",
        "Thank you, the nurses were lovely.",
    ] * 6667
    coder = RuleCoder(codebook)
    coder.match(texts[:100])  # warm the stem cache
    start = time.perf_counter()
    found = coder.match(texts)
    rate = len(texts) / (time.perf_counter() - start)
    assert found[0] == {"uneven_awareness", "low_reporting_confidence"}
    assert found[1] == {"competing_priorities", "inconsistent_accountability"}
    assert found[2] == set()
    assert rate > 10_000, f"{rate:.0f} comments/s"
