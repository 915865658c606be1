"""Codings files: free-text answers and transcripts alike, recorded or redacted offsets, a log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import InputError
from evaluation.redact import redact_text
from evaluation.text.codings import current_segments, read_codings_log, read_wave_codings

NAMES = ("Priya Raman",)
RECORDED = {"R1__comment_change": "Ask Priya Raman about it: nothing changed after I reported."}
REDACTED = {k: redact_text(v, NAMES).text for k, v in RECORDED.items()}


def _row(passage: str, basis: str | None, decision: str | None = None, code: str = "x") -> dict:
    text = (RECORDED if basis in (None, "recorded") else REDACTED)["R1__comment_change"]
    start = text.index(passage)
    row = {
        "segment_id": f"s{start}{code}", "source_id": "R1__comment_change",
        "speaker_or_respondent": "R1", "start": start, "end": start + len(passage),
        "text": passage, "code_id": code, "coder": "coder_a", "confidence": 1.0,
        "codebook_version": "1.0",
    }  # fmt: skip
    if basis is not None:
        row["text_basis"] = basis
    if decision is not None:
        row["decision"] = decision
    return row


def test_free_text_codings_recorded_or_redacted_land_on_the_redacted_answer(tmp_path: Path):
    assert REDACTED["R1__comment_change"].startswith("Ask [name] about it")
    pd.DataFrame([_row("nothing changed", None)]).to_csv(
        tmp_path / "codings_coder_a.csv", index=False
    )
    rows = [_row("nothing changed", "recorded"), _row("after I reported", "redacted", code="y")]
    pd.DataFrame(rows).to_csv(tmp_path / "codings_coder_b.csv", index=False)
    codings = read_wave_codings(tmp_path, REDACTED, RECORDED, names=NAMES)
    for coder in ("coder_a", "coder_b"):
        for row in codings[coder].itertuples(index=False):
            assert REDACTED[row.source_id][row.start : row.end] == row.text
    assert list(codings["coder_b"]["text"]) == ["nothing changed", "after I reported"]
    # the recorded offsets moved by the name's change of length (11 -> 6 characters)
    assert codings["coder_a"]["start"].iloc[0] == RECORDED["R1__comment_change"].index(
        "nothing"
    ) - (len("Priya Raman") - len("[name]"))


def test_latest_decision_wins_and_reviewed_rows_code_nothing(tmp_path: Path):
    rows = [
        _row("nothing changed", "redacted", "accept"),
        _row("after I reported", "redacted", "add", code="y"),
        _row("nothing changed", "redacted", "reject"),
        {**_row("Ask [name] about it", "redacted", "reviewed"), "code_id": None},
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "codings_coder_a.csv", index=False)
    log = read_codings_log(tmp_path / "codings_coder_a.csv")
    assert list(current_segments(log)["code_id"]) == ["y"]
    assert list(read_wave_codings(tmp_path, REDACTED)["coder_a"]["code_id"]) == ["y"]


def test_bad_rows_name_file_row_and_column(tmp_path: Path):
    rows = [
        _row("nothing changed", "redacted"),
        {**_row("nothing changed", "redacted"), "text_basis": "guessed"},
        {**_row("nothing changed", "redacted"), "source_id": "R9__comment_other"},
    ]
    path = tmp_path / "codings_coder_a.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"codings_coder_a.csv, row 3, column 'text_basis'"):
        read_wave_codings(tmp_path, REDACTED)
    pd.DataFrame([rows[0], rows[2]]).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 3, column 'source_id': unknown source"):
        read_wave_codings(tmp_path, REDACTED)
    moved = {**_row("nothing changed", "redacted"), "text": "words that are not there"}
    pd.DataFrame([moved]).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 2, column 'text': text is not in the redacted"):
        read_wave_codings(tmp_path, REDACTED)
