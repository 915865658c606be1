"""Raw readers for survey-platform exports: text tables as they are in the file, nothing guessed.

Each reader turns one export into a :class:`RawTable`: every cell as text, the columns as the
export names them (with the question wording where the platform gives it separately), the index
the row number the user sees in the file, and the problems met while reading (a non-UTF-8
encoding, a semicolon delimiter) as :class:`~evaluation.errors.Problem` records. What the columns
*mean* is the job of a column mapping (:mod:`evaluation.io.mapping`); nothing here knows the
instrument.

Formats:

``csv``
    One header row. The encoding is detected (:func:`decode_text`): UTF-8 with or without a BOM is
    read silently; anything else is read only when it decodes cleanly as Windows-1252 (Excel's
    "CSV" on a UK Windows machine), and then a warning names the encoding and the first characters
    it decoded, so the reader can check them. A file mixing encodings, or that is not text, is an
    :class:`~evaluation.errors.InputError`.
``xlsx`` (Microsoft Forms and any spreadsheet)
    The first sheet (or the named one); header row 1. Whole numbers stored as numbers come out as
    ``"2025"``, not ``"2025.0"``; dates as ISO text. Merged or blank header cells are an error.
``qualtrics``
    A CSV with three header rows: column ids (``Q5``), question text, ``{"ImportId": ...}``. The
    ids are the column names; the second row is the question wording; data start at row 4.
``smartsurvey``
    A CSV with two header rows: the question (left blank over the further columns of the same
    question) and the option (for a multi-select question, one column per option, holding the
    option's text when chosen). Columns are named ``"question | option"`` where there is an option.
    The layout is modelled on SmartSurvey's spreadsheet export; check a real export against it.
``spss``
    A ``.sav`` file (pyreadstat). Values with value labels become their labels, so the answers
    arrive as the words the respondent saw; variable labels are the question wording. The row of a
    case is its case number in SPSS's Data View (the first case is row 1).

Row numbers (``source_row``) are those a spreadsheet shows: in a CSV each record is one row even
when a quoted answer spans several lines, so the numbers match Excel rather than a text editor.
Line breaks inside answers are kept and normalised to ``"\\n"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.limits import check_file_size, check_zip

FORMATS = ("csv", "xlsx", "qualtrics", "smartsurvey", "spss")
_SUFFIX_FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sav": "spss"}
_HEADER_ROWS = {"csv": 1, "qualtrics": 3, "smartsurvey": 2}
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Text characters a survey export never contains: C0 controls other than tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A whole UTF-8 multi-byte sequence (what Windows-1252 shows as "Ã©" for "é"): genuine
# Windows-1252 text practically never contains one, so its presence in a file that is not valid
# UTF-8 means the file mixes encodings.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Windows-1252 text in English is mostly ASCII; bytes that decode to mostly accented letters and
# symbols are another encoding (or not text), and guessing would corrupt them.
_NON_ASCII_LIMIT = 0.3


@dataclass
class RawTable:
    """One export read as text: cells, question wording per column, and what reading found.

    ``cells`` holds every cell as ``str`` (blank = ``""``), columns named as in the export,
    indexed by ``source_row``. ``questions`` maps a column to its question wording (the header
    itself when the platform has only one header row).
    """

    cells: pd.DataFrame
    file: str
    format: str
    questions: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)
    reader: str = "careful"  # "fast" when pandas' C parser read a plain CSV


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 -> "A", 27 -> "AB"), for messages."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- text and encodings -----------------------------------------------------------------------


def decode_text(data: bytes, file: str) -> tuple[str, str, list[Problem]]:
    """Decode an export's bytes: ``(text, encoding, problems)``, never a silent guess.

    UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's "Unicode text") are read as such.
    Otherwise the bytes must decode strictly as Windows-1252 *and* look like English text: no
    control characters, at most 30% non-ASCII characters, and no complete UTF-8 sequence (which
    would mean the file mixes encodings). The result carries a warning naming the encoding and
    the non-ASCII characters it produced, for the reader to check. Anything else is an
    :class:`InputError`: a wrong guess would corrupt every accented name and curly quote.

    Strict decoding is used rather than charset-normalizer's guess, which on short survey files
    names cp1250 or cp1125 for text that Excel wrote as Windows-1252 (checked on the example
    exports), so it cannot choose; the only alternatives that matter here are UTF-8 and
    Windows-1252.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise InputError(f"the file starts as UTF-16 but is not: {exc}", file=file) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        text = _decode_windows_1252(data, file, utf8_error)
        encoding = "windows-1252"
    else:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if _CONTROL.search(text):
            raise InputError(_not_text_message(text), file=file)
        return text, encoding, []
    shown = "".join(dict.fromkeys(c for c in text if ord(c) > 127))[:12]
    warning = Problem(
        file,
        None,
        None,
        shown,
        "the file is not UTF-8; it was read as Windows-1252 (Excel's CSV on Windows). Check that "
        "the accented letters and symbols it contains read correctly; re-save as "
        "'CSV UTF-8' to avoid this warning",
        "warning",
    )
    return text, encoding, [warning]


def _decode_windows_1252(data: bytes, file: str, utf8_error: UnicodeDecodeError) -> str:
    """Strict Windows-1252 decoding with the checks that make it safe to accept."""
    line = data[: utf8_error.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is neither UTF-8 (byte {utf8_error.start}, line {line}) nor Windows-1252 "
            f"(byte {exc.start} is undefined there): it is not a text export, or uses another "
            "encoding; re-save it as 'CSV UTF-8'",
            file=file,
        ) from exc
    if _CONTROL.search(text):
        raise InputError(_not_text_message(text), file=file)
    mixed = _UTF8_SEQUENCE.search(data)
    if mixed:
        mixed_line = data[: mixed.start()].count(b"\n") + 1
        sample = mixed.group().decode("utf-8", "backslashreplace")  # may be an overlong form
        raise InputError(
            f"the file mixes encodings: line {line} is not UTF-8, but line {mixed_line} holds "
            f"UTF-8 text ({sample!r}); re-save the whole file as 'CSV UTF-8'",
            file=file,
        )
    if sum(ord(c) > 127 for c in text) > _NON_ASCII_LIMIT * len(text):
        raise InputError(
            f"the file is not UTF-8 (line {line}) and does not read as plausible Windows-1252 "
            "text either: the encoding cannot be determined safely; re-save it as 'CSV UTF-8'",
            file=file,
        )
    return text


def _not_text_message(text: str) -> str:
    match = _CONTROL.search(text)
    assert match is not None
    line = text[: match.start()].count("\n") + 1
    return (
        f"the file contains a control character ({match.group()!r}, line {line}): it is not a "
        "text export (a spreadsheet saved with a .csv name?)"
    )


# --- delimited text ---------------------------------------------------------------------------


def _choose_delimiter(text: str, delimiter: str | None, file: str) -> tuple[str, list[Problem]]:
    """The delimiter: the one given, or (``None``) the one the header line uses."""
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    if delimiter is not None:
        others = [d for d in _DELIMITERS if d != delimiter and counts[d]]
        if counts[delimiter] == 0 and others:
            raise InputError(
                Problem(
                    file,
                    1,
                    None,
                    first[:80],
                    f"the header has no {_DELIMITERS[delimiter]}s between its cells but has "
                    f"{_DELIMITERS[others[0]]}s: the file uses {others[0]!r} as its delimiter; "
                    "re-save it as 'CSV (comma delimited)' or read it through a column mapping "
                    "with 'delimiter' set",
                )
            )
        return delimiter, []
    best = max(_DELIMITERS, key=lambda d: counts[d])
    if best == "," or counts[best] <= counts[","]:
        return ",", []
    note = Problem(
        file,
        1,
        None,
        None,
        f"the cells are separated by {_DELIMITERS[best]}s, not commas (an Excel CSV saved in a "
        "European locale?); read accordingly",
        "warning",
    )
    return best, [note]


def _parse_records(text: str, delimiter: str, file: str) -> list[list[str]]:
    """CSV records of a decoded text; quoted line breaks stay inside their cell (as line feeds)."""
    # Line breaks become line feeds once in the whole text (records end in the same places)
    # rather than cell by cell, which was 40% of reading a large file.
    text = _clean_cell(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    # A survey repeats a few answer labels millions of times; keeping one string object per
    # distinct cell value (not one per cell) cuts a large file's memory by more than half.
    shared: dict[str, str] = {}
    try:
        for record in reader:
            records.append([shared.setdefault(cell, cell) for cell in record])
    except csv.Error as exc:
        row = len(records) + 1
        hint = (
            "a cell is longer than any survey answer could be"
            if "field larger" in str(exc)
            else "a quote is unbalanced or misplaced"
        )
        raise InputError(
            Problem(file, row, None, None, f"not readable as CSV here ({exc}): {hint}")
        ) from exc
    return records


def _clean_cell(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def _records_to_frame(
    records: list[list[str]], header: list[str], first_row: int, file: str
) -> pd.DataFrame:
    """Rows of cells under a header, padded or checked against its width, indexed by row."""
    width = len(header)
    rows: list[list[str]] = []
    too_wide: list[Problem] = []
    for offset, record in enumerate(records):
        if len(record) > width and any(c.strip() for c in record[width:]):
            too_wide.append(
                Problem(
                    file,
                    first_row + offset,
                    None,
                    record[width][:80],
                    f"the row has {len(record)} cells but the header has {width}: an answer with "
                    "a delimiter in it is not quoted, or a column has no header",
                )
            )
        # pad or cut only the rows that need it: copying every row doubles a large file's memory
        rows.append(record if len(record) == width else (record + [""] * width)[:width])
    if too_wide:
        raise InputError(too_wide)
    index = pd.RangeIndex(first_row, first_row + len(rows), name="source_row")
    frame = pd.DataFrame(rows, columns=header, index=index, dtype=object)
    return frame.astype(str)


def _check_header(header: list[str], file: str, row: int = 1) -> None:
    """Every column needs a name: blank header cells are usually merged cells or a stray column."""
    blank = [column_letter(i) for i, name in enumerate(header) if not name.strip()]
    if blank:
        raise InputError(
            Problem(
                file,
                row,
                None,
                None,
                f"header cell(s) in column(s) {', '.join(blank[:10])} are blank: every column "
                "needs a name (merged header cells, or data to the right of the table?)",
            )
        )


# --- the fast path for plain CSV ----------------------------------------------------------------

# Bytes that are never text in an export (as _CONTROL, on UTF-8 bytes: all are ASCII, so a byte
# with one of these values is that character), mapped to 0 and every other byte to 1.
_CONTROL_BYTES = bytes(
    0 if (b < 32 and b not in (9, 10, 13)) or b == 127 else 1 for b in range(256)
)
_COMMA, _LF, _QUOTE = ord(","), ord("\n"), ord('"')


def _quotes_well_formed(data: bytes) -> bool:
    """Whether every double quote in ``data`` (LF line ends) opens, escapes or closes a quoted cell.

    Checked on maximal runs of quotes, vectorised: a run outside a quoted cell must start a cell
    (after a comma, a line end or the start); a run that leaves the quoted state must be followed
    by a comma, a line end or the end; the file must end outside quotes. Under these conditions
    the inside/outside state before a run is the parity of the quotes before it, and the C
    parser and the careful reader (``csv`` in strict mode) read the same cells. Anything else (a
    quote inside an unquoted cell, text after a closing quote, an unclosed quote) is left to the
    careful reader, which accepts it or reports it by row.
    """
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(arr == _QUOTE)
    if len(quotes) == 0:
        return True
    if len(quotes) % 2:
        return False
    breaks = np.flatnonzero(np.diff(quotes) != 1) + 1
    first = np.concatenate([[0], breaks])  # index in ``quotes`` of each run's first quote
    last = np.concatenate([breaks, [len(quotes)]]) - 1
    start, end = quotes[first], quotes[last] + 1  # byte span of each run
    before = np.where(start > 0, arr[np.maximum(start - 1, 0)], _LF)
    after = np.where(end < len(arr), arr[np.minimum(end, len(arr) - 1)], _LF)
    starts_cell = (before == _COMMA) | (before == _LF)
    ends_cell = (after == _COMMA) | (after == _LF)
    odd = (last - first + 1) % 2 == 1
    inside = first % 2 == 1
    ok = np.where(inside, ~odd | ends_cell, starts_cell & (odd | ends_cell))
    return bool(ok.all())


def _read_plain_csv(data: bytes, file: str) -> RawTable | None:
    """A plain UTF-8 (or UTF-8 BOM) comma CSV read by pandas' C parser, or None.

    None whenever the careful reader (:func:`decode_text`, ``csv``) might read the file
    differently or must report something: another encoding, control characters, irregular
    quoting, a row wider than the header, a blank first line, a cell over ``csv``'s size limit.
    When a table is returned it is the one the careful reader returns (cells, header, row numbers,
    encoding; no problems), which ``tests/test_fast_csv.py`` checks on generated files.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    if b"\r" in body:  # as the careful reader: every line break becomes a line feed
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not body.strip() or body.startswith((b"\n", b"\xef\xbb\xbf")):
        return None
    if 0 in body.translate(_CONTROL_BYTES):
        return None
    if not _quotes_well_formed(body):
        return None
    try:
        raw = pd.read_csv(
            io.BytesIO(body),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8",
            engine="c",
            quotechar='"',
            doublequote=True,
            skipinitialspace=False,
            index_col=False,
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None  # not UTF-8, or a row wider than the first: the careful reader decides
    del body
    if len(data) >= csv.field_size_limit():
        longest = max((int(raw[c].str.len().max() or 0) for c in raw.columns), default=0)
        if longest >= csv.field_size_limit():
            return None  # the careful reader reports the over-long cell by row
    # the careful reader's checks of the header, in its order and with its messages
    first_line = data[3 if bom else 0 :].split(b"\n", 1)[0].decode("utf-8", "replace")
    _choose_delimiter(first_line, ",", file)
    header = [str(h).strip() for h in raw.iloc[0]]
    _check_header(header, file)
    cells = raw.iloc[1:].astype(str)
    cells.columns = pd.Index(header)
    cells.index = pd.RangeIndex(2, 2 + len(cells), name="source_row")
    encoding = "utf-8-sig" if bom else "utf-8"
    return RawTable(cells, file, "csv", {h: h for h in header}, encoding, [], reader="fast")


def read_delimited(
    path: Path | str,
    *,
    header_rows: int = 1,
    delimiter: str | None = ",",
    fast: bool = True,
) -> RawTable:
    """Read a delimited text export (CSV, Qualtrics, SmartSurvey) with its encoding detected.

    ``header_rows`` is 1 for a plain CSV, 3 for Qualtrics and 2 for SmartSurvey; see
    :func:`read_platform_table` for what each header row means. ``delimiter=None`` detects
    ``,``, ``;`` or tab from the header line (with a warning when it is not a comma).

    A plain comma CSV in UTF-8 (with or without BOM) and regular quoting is parsed by pandas' C
    parser (``fast``; several times quicker than the careful reader, which stays for every file
    that needs it); the result is the same table. ``fast=False`` forces the careful reader.
    """
    path = Path(path)
    file = str(path)
    data = _read_bytes(path)
    if fast and header_rows == 1 and delimiter == ",":
        table = _read_plain_csv(data, file)
        if table is not None:
            return table
    text, encoding, problems = decode_text(data, file)
    if not text.strip():
        raise InputError("the file is empty: no header row", file=file)
    delimiter, notes = _choose_delimiter(text, delimiter, file)
    problems += notes
    records = _parse_records(text, delimiter, file)
    del data, text  # the parsed records are all that is needed from here on
    if len(records) < header_rows:
        raise InputError(
            f"the file has {len(records)} row(s) but this format has {header_rows} header rows",
            file=file,
        )
    header = [h.strip() for h in records[0]]
    # SmartSurvey leaves the question cell blank over a question's further option columns.
    _check_header(header[:1] if header_rows == 2 else header, file)
    frame = _records_to_frame(records[header_rows:], header, header_rows + 1, file)
    table = RawTable(frame, file, "csv", {h: h for h in header}, encoding, problems)
    if header_rows == 3:
        _apply_qualtrics_header(table, records[1], records[2])
    elif header_rows == 2:
        _apply_smartsurvey_header(table, records[1])
    return table


def _apply_qualtrics_header(table: RawTable, questions: list[str], import_ids: list[str]) -> None:
    """Row 2 is the question wording; row 3 must be Qualtrics' ImportId JSON, or this is not one."""
    table.format = "qualtrics"
    columns = list(table.cells.columns)
    padded = (questions + [""] * len(columns))[: len(columns)]
    table.questions = {c: q.strip() or c for c, q in zip(columns, padded, strict=True)}
    for position, cell in enumerate(import_ids[: len(columns)]):
        try:
            ok = isinstance(json.loads(cell), dict) and "ImportId" in json.loads(cell)
        except json.JSONDecodeError:
            ok = False
        if not ok:
            raise InputError(
                Problem(
                    table.file,
                    3,
                    columns[position],
                    cell[:80],
                    'expected Qualtrics\' third header row ({"ImportId":"..."}): is this a '
                    "Qualtrics CSV export with 'Use choice text'?",
                )
            )


def _apply_smartsurvey_header(table: RawTable, options: list[str]) -> None:
    """Combine the question row (carried over blank cells) and the option row into names."""
    table.format = "smartsurvey"
    columns = list(table.cells.columns)
    padded = [o.strip() for o in (options + [""] * len(columns))[: len(columns)]]
    names: list[str] = []
    question = ""
    for column, option in zip(columns, padded, strict=True):
        question = column or question
        names.append(f"{question} | {option}" if option else question)
    table.cells.columns = names
    table.questions = {name: name.split(" | ")[0] for name in names}


# --- spreadsheets and SPSS --------------------------------------------------------------------


def _read_bytes(path: Path, limit: str = "SURVEY_BYTES") -> bytes:
    if not path.exists():
        raise InputError(f"file not found: {path}", file=path)
    if path.is_dir():
        raise InputError(f"expected a file but found a folder: {path}", file=path)
    check_file_size(path, limit)  # a size limit, with its own clear error (io.limits)
    return path.read_bytes()


def _xlsx_text(value: object) -> str:
    """A spreadsheet value as the text the user sees (whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _clean_cell(str(value))


def _trim_blank_edges(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing rows and columns that are blank throughout (formatted but unused cells)."""
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, cell in enumerate(row) if cell.strip()), default=0)
    return [row[:width] for row in rows]


def read_xlsx(path: Path | str, *, sheet: str | None = None) -> RawTable:
    """Read an XLSX export (Microsoft Forms, or any spreadsheet with its header in row 1)."""
    import openpyxl

    path = Path(path)
    file = str(path)
    _read_bytes(path, "XLSX_BYTES")
    check_zip(path)  # member sizes and ratios from the zip's directory, before openpyxl inflates
    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged or foreign file
        raise InputError(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); save it from Excel "
            "as 'Excel Workbook (.xlsx)'",
            file=file,
        ) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                f"the workbook has no sheet {sheet!r}; its sheets are {book.sheetnames}", file=file
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        merged = [str(r) for r in ws.merged_cells.ranges if r.min_row == 1]
        if merged:
            raise InputError(
                Problem(
                    file,
                    1,
                    None,
                    ", ".join(merged[:5]),
                    "the header row has merged cells: unmerge them so that every column has "
                    "its own header",
                )
            )
        rows = [[_xlsx_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = _trim_blank_edges(rows)
    if not rows:
        raise InputError("the sheet is empty: no header row", file=file)
    header = [h.strip() for h in rows[0]]
    _check_header(header, file)
    frame = _records_to_frame(rows[1:], header, 2, file)
    return RawTable(frame, file, "xlsx", {h: h for h in header})


def _spss_text(value: object, labels: dict) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if value in labels:
        return str(labels[value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return _clean_cell(str(value))


def read_spss(path: Path | str) -> RawTable:
    """Read an SPSS ``.sav`` file: value labels become answer text, variable labels questions."""
    import pyreadstat

    path = Path(path)
    file = str(path)
    _read_bytes(path)
    try:
        data, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own and OS errors on foreign files
        raise InputError(
            f"not a readable SPSS .sav file ({type(exc).__name__}: {exc})", file=file
        ) from exc
    value_labels = meta.variable_value_labels or {}
    columns: dict[str, list[str]] = {}
    for name in data.columns:
        labels = value_labels.get(name, {})
        columns[name] = [_spss_text(v, labels) for v in data[name].tolist()]
    index = pd.RangeIndex(1, len(data) + 1, name="source_row")
    frame = pd.DataFrame(columns, index=index, columns=list(data.columns), dtype=object)
    questions = {
        name: (meta.column_names_to_labels or {}).get(name) or name for name in data.columns
    }
    return RawTable(frame, file, "spss", questions, meta.file_encoding)


def read_platform_table(
    path: Path | str,
    format: str = "auto",
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read any supported export (``format``: one of :data:`FORMATS`, or ``"auto"`` by suffix).

    ``delimiter`` applies to the CSV formats (``None`` detects it). See the module docstring for
    what each format's header rows mean.
    """
    path = Path(path)
    if format == "auto":
        format = _SUFFIX_FORMATS.get(path.suffix.lower(), "")
        if not format:
            raise InputError(
                f"cannot tell the format of {path.name!r} from its suffix: expected .csv, .xlsx "
                "or .sav, or name the format in the mapping ('format: qualtrics', ...)",
                file=path,
            )
    if format == "xlsx":
        return read_xlsx(path, sheet=sheet)
    if format == "spss":
        return read_spss(path)
    if format in _HEADER_ROWS:
        return read_delimited(path, header_rows=_HEADER_ROWS[format], delimiter=delimiter)
    raise InputError(f"unknown export format {format!r}: expected one of {FORMATS}", file=path)
