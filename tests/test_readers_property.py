"""Readers never fail with anything but InputError: arbitrary bytes, arbitrary tables, damaged
copies of valid files. A reader that raises KeyError or IndexError on a bad export gives the
evaluator a traceback instead of the file, row and column to fix."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import make_survey_cells
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.errors import InputError
from evaluation.io.mapping import load_export
from evaluation.io.platforms import read_platform_table
from evaluation.io.survey import LoadedSurvey, load_survey, read_survey_table
from evaluation.io.transcripts import parse_transcript, read_transcript

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
) | st.sampled_from(["", "Yes", "No", "2025", "RBS", "1", "0", "=1+1", "T-0001", "NA"])


def _valid_survey(loaded: LoadedSurvey) -> None:
    """What any returned survey must satisfy: the row account covers every analysed row."""
    assert set(loaded.account["status"]) <= {"analysed", "excluded"}
    assert (loaded.account["status"] == "analysed").sum() == len(loaded.frame)


def _outcome(call) -> object | None:
    """Run ``call``; an InputError with a message is an acceptable answer."""
    try:
        return call()
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None


@pytest.fixture(scope="module")
def valid_csv_bytes(instrument) -> bytes:
    return make_survey_cells(instrument, n=5, seed=1).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def mapping_path(tmp_path_factory, instrument) -> Path:
    path = tmp_path_factory.mktemp("mapping") / "mapping.yaml"
    path.write_text(yaml.safe_dump({"columns": {n: n for n in instrument.names}}))
    return path


@SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".sav"]))
def test_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    table = _outcome(lambda: read_platform_table(path))
    if table is not None:
        assert table.cells.index.name == "source_row"
    if suffix != ".sav":
        loaded = _outcome(lambda: load_survey(path, on_error="exclude"))
        if loaded is not None:
            _valid_survey(loaded)


@SETTINGS
@given(data=st.binary(max_size=300), fmt=st.sampled_from(["qualtrics", "smartsurvey", "csv"]))
def test_arbitrary_bytes_as_platform_csv(tmp_path, data, fmt):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    _outcome(lambda: read_platform_table(path, fmt))


@settings(SETTINGS, max_examples=25)
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=8), min_size=0, max_size=6))
def test_arbitrary_tables(tmp_path, instrument, mapping_path, rows):
    """Arbitrary cells under the instrument's header (or a ragged, shorter one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(instrument.names[: 8 if len(rows) % 2 else None])
    writer.writerows(rows)
    path = tmp_path / "t.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    for on_error in ("raise", "exclude"):
        loaded = _outcome(lambda on_error=on_error: load_survey(path, on_error=on_error))
        if loaded is not None:
            _valid_survey(loaded)
        loaded = _outcome(
            lambda on_error=on_error: load_export(path, mapping_path, on_error=on_error)
        )
        if loaded is not None:
            _valid_survey(loaded)
            assert len(loaded.account) == len(read_survey_table(path))


@settings(SETTINGS, max_examples=40)
@given(
    position=st.floats(0, 1),
    action=st.sampled_from(["flip", "cut", "insert", "quote"]),
    byte=st.integers(0, 255),
)
def test_damaged_copies_of_a_valid_file(tmp_path, valid_csv_bytes, position, action, byte):
    data = bytearray(valid_csv_bytes)
    at = int(position * (len(data) - 1))
    if action == "flip":
        data[at] = byte
    elif action == "cut":
        data = data[:at]
    elif action == "insert":
        data[at:at] = bytes([byte]) * 3
    else:
        data[at:at] = b'"'
    path = tmp_path / "d.csv"
    path.write_bytes(bytes(data))
    loaded = _outcome(lambda: load_survey(path, on_error="exclude"))
    if loaded is not None:
        _valid_survey(loaded)
        assert len(loaded.account) == len(read_survey_table(path))


@SETTINGS
@given(
    text=st.text(
        alphabet=st.sampled_from(list("[]0123456789:PF \n\r->WEBVTT<v>abc.")), max_size=200
    )
    | st.text(max_size=100),
    kind=st.sampled_from(["txt", "vtt", "docx"]),
)
def test_transcript_parser(text, kind):
    turns = _outcome(lambda: parse_transcript(text, "s", kind, "s.txt"))
    if turns is not None:
        for row in turns.itertuples():
            assert text[row.start : row.end] == row.text


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".vtt", ".docx"]))
def test_transcript_files_of_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_bytes(data)
    turns = _outcome(lambda: read_transcript(path))
    if turns is not None:
        assert isinstance(turns, pd.DataFrame)


@settings(SETTINGS, max_examples=30)
@given(position=st.floats(0, 1), byte=st.integers(0, 255), cut=st.booleans())
def test_damaged_copies_of_a_valid_workbook(tmp_path, position, byte, cut):
    data = bytearray((Path(__file__).parent / "data" / "exports" / "forms.xlsx").read_bytes())
    at = int(position * (len(data) - 1))
    if cut:
        data = data[:at]
    else:
        data[at] = byte
    path = tmp_path / "d.xlsx"
    path.write_bytes(bytes(data))
    table = _outcome(lambda: read_platform_table(path))
    if table is not None:
        assert table.cells.index.name == "source_row"
