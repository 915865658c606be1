"""The audit at national scale: counts of 100,000 and more are counts, not staff numbers."""

from __future__ import annotations

import pandas as pd

from evaluation.audit import audit_report
from evaluation.safe_output import write_csv


def test_large_counts_pass_but_identifiers_in_text_are_still_found(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    large = pd.DataFrame(
        {"variable": ["wave", "org_code"], "asked": [1_000_000, 100_000], "pct": [0.5, 12.25]}
    )
    write_csv(large, tables / "item_missingness.csv")
    assert audit_report(tmp_path) == []

    leaky = large.assign(variable=["wave", "payroll 123456"])
    write_csv(leaky, tables / "item_missingness.csv")
    problems = audit_report(tmp_path)
    assert [(p.row, p.column) for p in problems] == [(3, "variable")]
    # an NHS number (valid check digit) in a numeric column is still personal data
    write_csv(large.assign(asked=[9434765919, 100_000]), tables / "item_missingness.csv")
    assert [(p.row, p.column) for p in audit_report(tmp_path)] == [(2, "asked")]


def test_pseudonymous_ids_in_theme_files_are_not_staff_numbers(tmp_path):
    tables, themes = tmp_path / "tables", tmp_path / "themes"
    tables.mkdir()
    themes.mkdir()
    write_csv(pd.DataFrame({"group": ["A"], "n": [120]}), tables / "t.csv")
    segments = pd.DataFrame(
        {
            "segment_id": ["rules:R25-000001__comment_change:0-9:reporting"],
            "source_id": ["R25-000001__comment_change"],
            "speaker_or_respondent": ["R25-000001"],
            "text": ["my payroll number is 12345678"],
        }
    )
    segments.to_csv(themes / "coded_segments.csv", index=False)
    problems = audit_report(tmp_path)
    assert [(p.row, p.column) for p in problems] == [(2, "text")]


def test_pattern_spans_are_redaction_spans_without_names():
    """Independent check: on texts mixing names with every other kind, leaving out the name
    search changes no other span."""
    from evaluation.redact import pattern_spans, redaction_spans

    texts = [
        "Ring Sarah on 07700 900123 or sarah.j@nhs.net",
        "Dr Khan said my payroll no. 12345678 was wrong; NHS 943 476 5919, M1 1AA",
        "see www.nhs.uk/123456 and ask John Smith about 1234567",
        "nothing personal here, 12 people",
    ]
    for text in texts:
        expected = [s for s in redaction_spans(text) if s[2] != "name"]
        assert pattern_spans(text) == expected
