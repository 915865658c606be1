"""The fast CSV path (pandas' C parser) reads exactly what the careful reader reads.

Property tests on generated files: cells from an alphabet full of the characters CSV gets wrong
(quotes, commas, CR, LF, BOM, emoji, accents), ragged rows, blank lines, BOM or not, CRLF or LF,
quoted minimally or always, then damaged (a stray quote, a Windows-1252 byte, a control
character, an extra cell). For every file, the fast and careful readers give the same table
(cells, header, row numbers, dtypes, encoding, problems) or the same InputError; and a whole
survey loads to the same frame, row account and problems by either path.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_survey_cells
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.errors import InputError
from evaluation.io import platforms
from evaluation.io.platforms import _quotes_well_formed, read_delimited
from evaluation.io.survey import load_survey

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ALPHABET = st.sampled_from([*list('ab ,"\n\r\t;é€😀\ufeffZ=1'), "\r\n", '""', "  "])
_CELL = st.lists(_ALPHABET, max_size=6).map("".join) | st.sampled_from(["", "Yes", "NA", "2025"])


def _encode(rows: list[list[str]], quoting: int, line_end: str, bom: bool, final: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting, lineterminator=line_end).writerows(rows)
    text = buffer.getvalue()
    if not final and text.endswith(line_end):
        text = text[: -len(line_end)]
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@st.composite
def csv_files(draw) -> bytes:
    """A CSV file as bytes, sometimes damaged."""
    width = draw(st.integers(1, 4))
    names = st.sampled_from(["id", "role", "é", "a b", " pad "]) | _CELL  # mostly valid names
    header = draw(st.lists(names, min_size=width, max_size=width))
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        # mostly full rows; some short, some wider (with blank or non-blank extras), some blank
        size = draw(st.sampled_from([width] * 4 + [0, max(width - 1, 0), width + 1]))
        rows.append(draw(st.lists(_CELL, min_size=size, max_size=size)))
    data = _encode(
        rows,
        draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        draw(st.sampled_from(["\n", "\r\n", "\r"])),
        draw(st.booleans()),
        draw(st.booleans()),
    )
    damage = draw(st.sampled_from([None] * 6 + ["quote", "cp1252", "control", "comma", "cut"]))
    if damage is not None and data:
        at = draw(st.integers(0, len(data)))
        insert = {"quote": b'"', "cp1252": b"\xe9", "control": b"\x07", "comma": b",x"}
        data = data[:at] if damage == "cut" else data[:at] + insert[damage] + data[at:]
    return data


def _read(path: Path, fast: bool) -> platforms.RawTable | str:
    try:
        return read_delimited(path, fast=fast)
    except InputError as exc:
        return f"InputError: {exc}"


def _same(fast, careful) -> None:
    if isinstance(careful, str) or isinstance(fast, str):
        assert fast == careful
        return
    pd.testing.assert_frame_equal(fast.cells, careful.cells, check_index_type=True)
    assert list(fast.cells.columns) == list(careful.cells.columns)
    assert fast.cells.columns.dtype == careful.cells.columns.dtype
    assert (fast.encoding, fast.questions, fast.problems, fast.format) == (
        careful.encoding,
        careful.questions,
        careful.problems,
        careful.format,
    )


@SETTINGS
@given(data=csv_files())
def test_fast_and_careful_readers_agree(tmp_path, data):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    careful = _read(path, fast=False)
    assert isinstance(careful, str) or careful.reader == "careful"
    _same(_read(path, fast=True), careful)


@SETTINGS
@given(
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=6),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_plain_files_take_the_fast_path(tmp_path, rows, line_end, bom):
    """Regular files written by ``csv`` (Excel's and pandas' way) are read by the fast path."""
    header = [["id", "name", "comment"]]
    path = tmp_path / "x.csv"
    path.write_bytes(_encode(header + rows, csv.QUOTE_MINIMAL, line_end, bom, True))
    fast = read_delimited(path)
    careful = read_delimited(path, fast=False)
    assert fast.reader == "fast"
    _same(fast, careful)


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        (b'a,b\n"x""y",2\n', True),  # escaped quote inside a quoted cell
        (b'a,b\n"",""\n', True),  # empty quoted cells
        (b'a,b\n"x\ny",2\n', True),  # quoted line break
        (b'a,b\nx"y,2\n', False),  # a quote inside an unquoted cell
        (b'a,b\n"x"y,2\n', False),  # text after a closing quote (csv strict: an error)
        (b'a,b\n""x,2\n', False),
        (b'a,b\n "x",2\n', False),  # a space before the opening quote
        (b'a,b\n"x,2\n', False),  # unclosed quote
    ],
)
def test_quote_structure(data: bytes, plain: bool) -> None:
    assert _quotes_well_formed(data) is plain


def test_fast_path_falls_back_and_reports_like_the_careful_one(tmp_path) -> None:
    """A Windows-1252 file goes the careful way and keeps its warning."""
    path = tmp_path / "x.csv"
    path.write_bytes("a,b\ncaf\xe9,1\n".encode("cp1252"))
    table = read_delimited(path)
    assert table.reader == "careful" and table.encoding == "windows-1252"
    assert table.cells.loc[2, "a"] == "café" and table.problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    damage=st.sampled_from([None, "blank_row", "bad_label", "duplicate", "short_row", "quote"]),
)
def test_whole_survey_loads_the_same_either_way(tmp_path_factory, instrument, seed, line_end, bom,
                                                damage):  # fmt: skip
    cells = make_survey_cells(instrument, n=12, seed=seed)
    cells.loc[3, "comment_change"] = 'She said "report it", and I did.\nTwice.'
    if damage == "bad_label":
        cells.loc[5, "role_level"] = "frontline "
    elif damage == "duplicate":
        cells.loc[6, "respondent_id"] = cells.loc[2, "respondent_id"]
    rows = [list(cells.columns), *cells.to_numpy().tolist()]
    if damage == "blank_row":
        rows.insert(4, [])
    elif damage == "short_row":
        rows[7] = rows[7][:10]
    data = _encode(rows, csv.QUOTE_MINIMAL, line_end, bom, True)
    if damage == "quote":
        data = data.replace(b"T-0004,", b'T-00"04,')
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    path.write_bytes(data)
    assert read_delimited(path).reader == ("careful" if damage == "quote" else "fast")
    results = []
    for fast in (True, False):
        original = platforms.read_delimited
        patched = lambda *a, _o=original, _f=fast, **k: _o(*a, **{**k, "fast": _f})  # noqa: E731
        platforms.read_delimited = patched
        try:
            results.append(load_survey(path, instrument, on_error="exclude"))
        finally:
            platforms.read_delimited = original
    fast, careful = results
    pd.testing.assert_frame_equal(fast.frame, careful.frame)
    pd.testing.assert_frame_equal(fast.account, careful.account)
    assert fast.problems == careful.problems
