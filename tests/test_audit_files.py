"""The audit reads every output file (HTML text, executed notebooks, SVG, JSON, Parquet, QDPX
members) for personal data and the wave's participant names, and tells ordinary text shapes (a
list item, a long transcript) from personal data."""

from __future__ import annotations

import json
import time
import zipfile

import pandas as pd
import pytest

from evaluation.audit import audit_report, file_texts
from evaluation.safe_output import write_csv

NAMES = ("Wendell Achterberg", "Chidinma Eze")


@pytest.fixture
def report(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    write_csv(pd.DataFrame({"group": ["A", "B"], "n": [40, 50]}), tables / "ok.csv")
    (tmp_path / "themes").mkdir()
    return tmp_path


def _problems(report, name, names=NAMES):
    return [p for p in audit_report(report, names=names) if name in p.file]


def test_clean_files_of_every_kind_pass(report):
    (report / "report.html").write_text(
        "<html><head><style>@media print { body { color: black } }</style></head>"
        "<body><h1>Evaluation 2025</h1><p>Seed 20250101; 1234567 bytes; n = 274.</p>"
        "<img alt='Figure 1.1' src='data:image/png;base64,MDc3MDAgOTAwMTIz'></body></html>"
    )
    (report / "manifest.json").write_text(json.dumps({"seed": 20250101, "size": "123456789"}))
    (report / "figure.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'><text>Agree 45%</text></svg>"
    )
    assert audit_report(report, names=NAMES) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.html", "<html><body><p>Ring 07700 900123 for help</p></body></html>"),
        ("report.html", "<html><body><p>Quote: I told Wendell Achterberg.</p></body></html>"),
        ("figure.svg", "<svg xmlns='http://www.w3.org/2000/svg'><text>Achterberg</text></svg>"),
        ("manifest.json", json.dumps({"problems": [{"value": "QQ 12 34 56 C"}]})),
        ("notes.md", "born 14/03/1987 and lives at 27 Acacia Grove, Salford"),
    ],
)
def test_personal_data_in_any_file_is_found_and_not_repeated(report, name, content):
    (report / name).write_text(content)
    problems = _problems(report, name)
    assert problems and all("looks like personal data" in p.message for p in problems)
    assert not any(s in str(p) for p in problems for s in ("07700", "Achterberg", "QQ 12"))


def test_executed_notebook_outputs_are_read(report):
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "rep.quotes()", "outputs": [
                {"output_type": "execute_result",
                 "data": {"text/html": "<td>mail me: w.a@nhs.net</td>", "image/png": "AAAA"}},
            ]},
        ],
    }  # fmt: skip
    (report / "notebooks").mkdir()
    (report / "notebooks" / "05.ipynb").write_text(json.dumps(notebook))
    assert _problems(report, "05.ipynb")


def test_parquet_and_qdpx_members_are_read(report):
    themes = report / "themes"
    pd.DataFrame({"text": ["fine", "ask Chidinma"], "n": [1, 2]}).to_parquet(
        themes / "coded_segments.parquet"
    )
    with zipfile.ZipFile(themes / "project.qdpx", "w") as archive:
        archive.writestr(
            "project.qde",
            "<Project xmlns='urn:QDA-XML:project:1.0'><Cases>"
            "<Case guid='a' name='Wendell Achterberg'/></Cases></Project>",
        )
        archive.writestr("Sources/x.txt", "P01: nothing personal")
    found = {p.file.rsplit("/", 1)[-1] for p in audit_report(report, names=NAMES)}
    assert found == {"coded_segments.parquet", "project.qdpx"}
    texts = [t for _, t in file_texts(themes / "project.qdpx")]
    assert "Wendell Achterberg" in texts


def test_list_item_and_long_transcript_are_not_personal_data(report):
    long_text = "[00:00:05] P01: we met at 10:30 on 12/03/2025 about the rota. " * 2_000
    frame = pd.DataFrame(
        {"source_id": ["a", "b"], "text": ["- the rota, always the rota", long_text]}
    )
    frame.to_csv(report / "themes" / "coded_segments.csv", index=False)  # plain, as exported
    start = time.perf_counter()
    assert audit_report(report, names=NAMES) == []
    assert time.perf_counter() - start < 20


def test_a_formula_in_themes_and_a_list_item_in_tables_are_still_problems(report):
    pd.DataFrame({"text": ["=HYPERLINK(1)"]}).to_csv(report / "themes" / "x.csv", index=False)
    pd.DataFrame({"label": ["- item"], "n": [20]}).to_csv(report / "tables" / "y.csv", index=False)
    problems = audit_report(report)
    assert any(p.file.endswith("x.csv") and "formula" in p.message for p in problems)
    assert any(p.file.endswith("y.csv") and "formula" in p.message for p in problems)
    assert all(p.value is None for p in problems if p.file.endswith("x.csv"))  # free text


def test_oversized_zip_member_is_a_problem_not_a_crash(report, monkeypatch):
    import evaluation.audit as audit

    monkeypatch.setattr(audit, "MAX_MEMBER_BYTES", 10)
    with zipfile.ZipFile(report / "themes" / "project.qdpx", "w") as archive:
        archive.writestr("Sources/x.txt", "x" * 100)
    problems = _problems(report, "project.qdpx")
    assert problems and "too large" in problems[0].message


def test_table_cells_do_not_run_together_into_a_number(tmp_path):
    """A published table's neighbouring cells (n, count, %) are not one long "phone number"."""
    from evaluation.audit import audit_files

    rows = "".join(
        f"<tr><td>{group}</td><td>{n}</td><td>{x}</td><td>{pct}</td></tr>"
        for group, n, x, pct in [("Global Majority staff", 51, 19, 37.3), ("All", 265, 103, 38.9)]
    )
    (tmp_path / "report.html").write_text(f"<html><body><table>{rows}</table></body></html>")
    assert audit_files(tmp_path) == []
    (tmp_path / "report.html").write_text(
        "<html><body><table><tr><td>staff number 4456781</td></tr></table></body></html>"
    )
    assert audit_files(tmp_path) != []  # the check can still fail


def test_a_guid_holding_a_check_digit_run_is_not_an_nhs_number(report):
    """Found by the fault suite: a long transcript's QDPX had the GUID
    b47d898e-8053-5593-aa38-1555664296bd, whose 1555664296 passes the NHS check; the audit
    refused the whole report. A number glued to letters is no NHS number."""
    from evaluation.redact import nhs_number_is_valid, redact_text

    assert nhs_number_is_valid("1555664296")
    with zipfile.ZipFile(report / "themes" / "project.qdpx", "w") as archive:
        archive.writestr(
            "project.qde",
            "<Project xmlns='urn:QDA-XML:project:1.0'><Sources><TextSource "
            "guid='b47d898e-8053-5593-aa38-1555664296bd' name='s'/></Sources></Project>",
        )
    assert audit_report(report) == []
    assert redact_text("NHS number 155 566 4296.").text == "NHS number [NHS number]."
    assert redact_text("ref 1555664296bd").text == "ref 1555664296bd"
