"""Audit a finished report folder before it is shared: the last check, on the files themselves.

:func:`evaluation.publishing.ReportContext.table` audits each table before writing it; this module
audits what actually sits in the folder, so a table written by hand, edited afterwards or left
over from an older run is caught too. For every published table (``tables/*.csv`` anywhere under
the folder, so a wave folder with its organisation packs is audited in one go) it checks:

- small cells and recoverable suppressed cells, with
  :func:`evaluation.disclosure.audit_table`, using the structure that
  :func:`~evaluation.disclosure.suppress` declared for the table (recorded by the report in
  ``tables/index.json``), else one inferred from its columns (``n``, ``n_*``/``count`` counts,
  ``pct*``/``ci_*`` dependents, marker ``[c]``);
- cells that would run as a formula in Excel (text starting ``= + - @``, tab or CR that
  :func:`evaluation.safe_output.write_csv` would have neutralised);
- personal data in text cells (also in ``themes/*.csv``, the coded passages): e-mail addresses,
  phone numbers, NHS numbers, postcodes and staff numbers, found by :mod:`evaluation.redact`'s
  patterns (names are not checked here: organisation and group labels are capitalised words and
  would swamp the report).

and, since a report is more than its tables, **every other output file** (:func:`file_texts`):
the HTML report's text, executed notebooks (markdown, code and outputs, not images), SVG text,
JSON strings, Parquet text columns, the QDPX's members (project XML and sources), Markdown,
YAML and plain text, for the same personal-data patterns (an unlabelled run of digits is not
taken for a staff number there: seeds, sizes and counts are digits) and for the wave's
participant names (``names``: speakers' real names and the names file), whole or by part.

Ordinary text shapes are not problems: a coded passage that starts "- " (a list item) in the
restricted ``themes/`` tier is text, not a formula (published ``tables/`` are held to the strict
rule, since :func:`~evaluation.safe_output.write_csv` neutralises them); a long transcript is
scanned in linear time. A problem in free text names the file, row and column, never the value.

Rows in the problems are rows of the CSV as a spreadsheet shows them (the header is row 1).
``arf-eval audit REPORT_DIR`` wraps :func:`audit_exit_code`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, TableSpec, audit_table
from evaluation.errors import InputError, Problem
from evaluation.redact import PLACEHOLDERS, _given_patterns, pattern_spans
from evaluation.safe_output import neutralise_cell

PERSONAL_KINDS = (
    "email", "phone", "nhs_number", "ni_number", "postcode", "staff_number", "date_of_birth",
    "address", "handle",
)  # fmt: skip
MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""A zip member (QDPX) larger than this is not read (a problem in itself: no report has one)."""
TEXT_SUFFIXES = {".html", ".htm", ".ipynb", ".svg", ".json", ".parquet", ".qdpx", ".qde", ".xml",
                 ".md", ".txt", ".yaml", ".yml", ".qdc", ".csv"}  # fmt: skip
_LIST_ITEM = re.compile(r"[-+•*][ \t]+\S")
_LABELLED_STAFF = re.compile(
    r"(?i:staff|payroll|employee|assignment|esr|personnel)[ \t]{0,3}"
    r"(?i:number|no\.?|num\.?|id|ref(?:erence)?|#)?[ \t]{0,3}(?:is|:|#|-)?[ \t]{0,3}$"
)


def published_tables(report_dir: Path | str) -> list[Path]:
    """Every ``tables/*.csv`` under ``report_dir``, in a stable order."""
    root = Path(report_dir)
    return sorted(p for p in root.rglob("*.csv") if p.parent.name == "tables")


def theme_files(report_dir: Path | str) -> list[Path]:
    """Every ``themes/*.csv`` (the restricted tier): checked for personal data, and for cell sizes
    where ``themes/index.json`` declares the file's counts."""
    return sorted(p for p in Path(report_dir).rglob("*.csv") if p.parent.name == "themes")


def _read_table(path: Path) -> pd.DataFrame:
    """A published table as written: blank cells missing, everything else as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def _declared_spec(path: Path) -> TableSpec | None:
    """The disclosure structure recorded for a table in its folder's ``index.json``, if any."""
    index = path.parent / "index.json"
    if not index.exists():
        return None
    entry = json.loads(index.read_text(encoding="utf-8")).get(path.stem, {})
    declared = entry.get("disclosure")
    return TableSpec.from_dict(declared) if declared else None


# The coded-segments and cases contract's identifier columns: the survey's pseudonymous
# respondent ids ("R25-000001") and what is built from them. A six-digit run there is the id's
# serial number, not a staff number in someone's text.
_ID_COLUMNS = {"segment_id", "source_id", "speaker_or_respondent", "case_id", "respondent_id"}
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
# Every personal-data kind the audit looks for needs a digit (phone, NHS, NI and staff numbers,
# postcodes, dates of birth, addresses) or an "@" (e-mail, handles): other text is not scanned.
_CANDIDATE = re.compile(r"[\d@]")


def _numeric_column(column: pd.Series) -> bool:
    """Whether every cell is a number or the suppression marker: counts, percentages, intervals.

    In such a column a run of six or more digits is a count, not an identifier: a count of
    100,000 respondents would otherwise read as a staff number and block every large report.
    (NHS numbers, which carry a check digit, and phone numbers are still looked for.)
    """
    present = column.dropna().astype(str)
    return bool(present.str.fullmatch(f"{_NUMBER}|\\[c\\]").all()) if len(present) else False


def _personal_kinds(
    text: str, names: tuple[str, ...] = (), *, strict_digits: bool = True, numeric: bool = False
) -> list[str]:
    """The personal-data kinds found in ``text`` (pattern kinds, and given names as "name").

    ``strict_digits=False`` (text outside tables): only a labelled number is a staff number
    ("staff number 123456"), since seeds, file sizes and counts are runs of digits too;
    ``numeric`` (a count or id column): no staff numbers at all.
    """
    kinds = []
    for start, _, kind in pattern_spans(text) if _CANDIDATE.search(text) else ():
        if kind not in PERSONAL_KINDS:
            continue
        if kind == "staff_number":
            labelled = _LABELLED_STAFF.search(text[max(0, start - 40) : start])
            if numeric or (not strict_digits and not labelled):
                continue
        kinds.append(kind)
    if names:
        whole, parts = _given_patterns(names)
        if whole is not None and whole.search(text):
            kinds.append("name")
        elif parts is not None:
            kinds += ["name" for m in parts.finditer(text) if len(m.group()) >= 3][:1]
    return kinds


def _text_problems(
    frame: pd.DataFrame, file: str, names: tuple[str, ...] = (), *, restricted: bool = False
) -> list[Problem]:
    """Formula-like cells and personal data in the text cells of a table.

    ``restricted``: a ``themes/`` file (coded passages for the evaluation team), where a passage
    that starts like a list item ("- the rota") is ordinary text, not a formula. Each distinct
    value of a column is checked once (labels and 0/1 cells repeat in every row); only values
    with a problem are then looked up row by row, so a large coded-segments export costs one
    scan of its distinct passages. Free text is never repeated in a problem.
    """
    problems: list[Problem] = []
    numeric = {str(c) for c in frame.columns if _numeric_column(frame[c])} | _ID_COLUMNS

    def messages(column: str, value: str) -> list[tuple[object, str]]:
        found: list[tuple[object, str]] = []
        if neutralise_cell(value) != value and not (restricted and _LIST_ITEM.match(value)):
            shown = None if restricted else value  # free text is never repeated
            found.append((shown, "would run as a formula when opened in Excel"))
        for kind in dict.fromkeys(_personal_kinds(value, names, numeric=column in numeric)):
            label = "a participant's name" if kind == "name" else PLACEHOLDERS[kind]
            found.append((None, f"looks like personal data ({label}): redact it"))
        return found

    for name in frame.columns:
        for value, message in messages(str(name), str(name)):
            problems.append(Problem(file, 1, str(name), value, message))
    for position in range(frame.shape[1]):  # by position: column names may repeat
        column = str(frame.columns[position])
        cells = frame.iloc[:, position].tolist()
        distinct = dict.fromkeys(v for v in cells if isinstance(v, str))
        flagged = {v: found for v in distinct if (found := messages(column, v))}
        if not flagged:
            continue
        for i, value in enumerate(cells):
            if isinstance(value, str) and value in flagged:
                problems += [Problem(file, i + 2, column, v, m) for v, m in flagged[value]]
    return problems


def _xml_texts(data: bytes) -> Iterator[str]:
    """Text nodes and attribute values of an XML document (no entities, no network)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    for element in root.iter():
        if isinstance(element.tag, str):
            yield from (v for v in element.attrib.values() if v)
        if element.text and element.text.strip():
            yield element.text
        if element.tail and element.tail.strip():
            yield element.tail


def _html_text(data: str) -> str:
    """The text a reader sees in an HTML page (scripts and styles dropped), and alt/title."""
    import lxml.html

    if not data.strip():
        return ""
    document = lxml.html.document_fromstring(data)
    for element in document.xpath("//script|//style"):
        element.drop_tree()
    extras = [v for el in document.iter() for k, v in el.attrib.items() if k in ("alt", "title")]
    # one text node a line: table cells must not run together ("265" "103" "38.9" read as
    # one long number would look like a phone or staff number)
    return "\n".join([*document.itertext(), *extras])


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def _notebook_texts(notebook: dict) -> Iterator[str]:
    """Cell sources and text outputs of an executed notebook (images skipped)."""
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        yield "".join(source) if isinstance(source, list) else str(source)
        for output in cell.get("outputs", []):
            if "text" in output:
                text = output["text"]
                yield "".join(text) if isinstance(text, list) else str(text)
            for mime, data in output.get("data", {}).items():
                text = "".join(data) if isinstance(data, list) else data
                if not isinstance(text, str):
                    continue
                if mime == "text/html":
                    yield _html_text(text)
                elif mime.startswith("text/") or mime.endswith("json"):
                    yield text


def file_texts(path: Path) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every piece of text in an output file (see the module docstring)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        yield str(path), _html_text(path.read_text(encoding="utf-8", errors="replace"))
    elif suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        yield from ((str(path), t) for t in _notebook_texts(notebook))
    elif suffix in (".svg", ".qde", ".xml", ".qdc"):
        yield from ((str(path), t) for t in _xml_texts(path.read_bytes()))
    elif suffix == ".json":
        yield from ((str(path), t) for t in _json_strings(json.loads(path.read_text("utf-8"))))
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
        for column in frame.columns:
            yield str(path), str(column)
            if not (pd.api.types.is_numeric_dtype(frame[column]) or
                    pd.api.types.is_bool_dtype(frame[column])):  # fmt: skip
                yield from ((f"{path} [{column}]", v) for v in frame[column].dropna().astype(str))
    elif suffix in (".qdpx", ".zip"):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                where = f"{path}!{info.filename}"
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError(f"zip member too large to audit: {info.filename}", file=path)
                data = archive.read(info)
                name = info.filename.lower()
                if name.endswith((".qde", ".xml")):
                    yield from ((where, t) for t in _xml_texts(data))
                else:
                    yield where, data.decode("utf-8", errors="replace")
    elif suffix == ".csv":
        frame = _read_table(path)
        for column in frame.columns:
            yield str(path), str(column)
            yield from ((str(path), v) for v in frame[column].dropna())
    else:
        yield str(path), path.read_text(encoding="utf-8", errors="replace")


def output_files(report_dir: Path | str) -> list[Path]:
    """Every file of a report folder whose text could carry personal data (not images)."""
    root = Path(report_dir)
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and "_work" not in p.parts
    )  # fmt: skip


def audit_files(report_dir: Path | str, names: Iterable[str] = ()) -> list[Problem]:
    """Personal data (patterns, participants' names) in every output file but the tables."""
    names = tuple(str(n) for n in names if str(n).strip())
    skip = set(published_tables(report_dir)) | set(theme_files(report_dir))
    problems: list[Problem] = []
    for path in output_files(report_dir):
        if path in skip:
            continue
        found: dict[str, set[str]] = {}
        try:
            for where, text in file_texts(path):
                for kind in _personal_kinds(text, names, strict_digits=False):
                    found.setdefault(kind, set()).add(where)
        except InputError as exc:
            problems.append(Problem(str(path), None, None, None, str(exc)))
            continue
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            problems.append(Problem(str(path), None, None, None, f"could not be read: {exc}"))
            continue
        for kind, places in sorted(found.items()):
            label = "a participant's name" if kind == "name" else PLACEHOLDERS[kind]
            inside = sorted(p for p in places if p != str(path))
            detail = f" in {', '.join(inside[:3])}" if inside else ""
            problems.append(
                Problem(str(path), None, None, None,
                        f"looks like personal data ({label}){detail}: redact it")
            )  # fmt: skip
    return problems


def audit_report(
    report_dir: Path | str, min_cell: int = DEFAULT_MIN_CELL, names: Iterable[str] = ()
) -> list[Problem]:
    """Every disclosure, formula and personal-data problem in a report folder's files.

    ``names``: the wave's participants' real names (and the names file's), looked for in every
    file. An empty list means every published table and file passed. A folder without any
    ``tables/*.csv`` is a problem in itself (the wrong folder, or a report that failed to build).
    """
    root = Path(report_dir)
    if not root.is_dir():
        raise InputError(f"report folder not found: {root}", file=root)
    tables = published_tables(root)
    if not tables:
        return [
            Problem(str(root), None, None, None, "no published tables (tables/*.csv) found here")
        ]
    names = tuple(str(n) for n in names if str(n).strip())
    problems: list[Problem] = []
    for path in tables:
        file = str(path)
        try:
            frame = _read_table(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(Problem(file, None, None, None, f"not a readable CSV table: {exc}"))
            continue
        for p in audit_table(frame, _declared_spec(path), min_cell=min_cell, name=file):
            row = None if p.row is None else p.row + 1  # audit_table counts data rows from 1
            problems.append(Problem(file, row, p.column, p.value, p.message, p.severity))
        problems += _text_problems(frame, file, names)
    for path in theme_files(root):
        frame = _read_table(path)
        spec = _declared_spec(path)  # a themes/ file with counts declares them (restricted tier)
        if spec is not None:
            for p in audit_table(frame, spec, min_cell=min_cell, name=str(path)):
                row = None if p.row is None else p.row + 1
                problems.append(Problem(str(path), row, p.column, p.value, p.message, p.severity))
        problems += _text_problems(frame, str(path), names, restricted=True)
    problems += audit_files(root, names)
    return problems


def audit_exit_code(report_dir: Path | str, min_cell: int = DEFAULT_MIN_CELL) -> tuple[int, str]:
    """``(exit code, text)`` for a command line: 0 all tables safe, 1 problems, 2 cannot audit."""
    try:
        problems = audit_report(report_dir, min_cell)
    except InputError as exc:
        return 2, str(exc)
    count = len(published_tables(report_dir))
    if not problems:
        return 0, f"{count} published table(s) audited under {report_dir}: no problems found."
    lines = [f"{len(problems)} problem(s) in {count} published table(s) under {report_dir}:"]
    lines += [f"  - {p}" for p in problems]
    return 1, "\n".join(lines)
