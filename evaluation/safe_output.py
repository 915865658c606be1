"""Write published files safely: no spreadsheet formulas, no escape from the report folder.

Published tables are opened in Excel by people who did not make them. Two things can go wrong:

**CSV injection** (OWASP "CSV Injection"). A cell that begins with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return, which Excel skips before reading one of those) is run as a formula
when the file is opened: ``=HYPERLINK(...)`` in a free-text answer or an organisation name can
leak data or mislead. :func:`neutralise_formulas` prefixes such *text* cells with a single quote,
which Excel shows as text. The rule:

- text cells starting with ``= + - @``, tab or CR are prefixed with ``'``;
- except text that is exactly a number (``-0.25``, ``+3``, ``-1e-05``): Excel reads it as that
  number, not as a formula, and a published table of differences must stay numeric;
- numeric columns are never touched (``-0.25`` as a float is written as ``-0.25``);
- column names are treated like text cells.

**Path traversal and unportable names.** File names built from organisation names
(``"Wrightington, Wigan and Leigh NHS Foundation Trust"``, ``"../../etc"``, ``"CON"``) must stay
inside the report folder and open on Windows, macOS and in a zip. :func:`safe_filename` keeps
ASCII letters, digits, ``.``, ``_`` and ``-`` (accents folded: "Zoë" -> "Zoe"), avoids Windows'
reserved device names, and never returns ``.``/``..`` or a hidden name; :func:`safe_path` joins
sanitised parts to a folder and checks, after resolving links, that the result is inside it.

**Encoding.** :func:`write_csv` writes UTF-8 *with* a byte-order mark: Excel on Windows opens a
double-clicked CSV in the machine's legacy code page unless the file starts with a BOM, which
would garble "Zoë", curly quotes and dashes in quotes and organisation names. pandas
(``encoding="utf-8-sig"``), Python's csv module with ``utf-8-sig``, R's ``readr`` and LibreOffice
all read the BOM correctly. Lines end with ``"\\n"``; floats are written in Python's shortest
round-trip form (the same digits on every platform); missing values are blank cells.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10)}
MAX_NAME_LENGTH = 100


def neutralise_cell(value: object) -> object:
    """One cell: text that Excel would run as a formula gets a leading ``'``; all else unchanged.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-0.25"), neutralise_cell(-0.25), neutralise_cell("-foo")
    ('-0.25', -0.25, "'-foo")
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas.

    Numeric and boolean columns are unchanged; text-like columns (object, string, categorical)
    have each cell passed through :func:`neutralise_cell`.
    """
    out = frame.copy()
    for position in range(frame.shape[1]):  # by position: column names may repeat
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        out.isetitem(position, series.map(neutralise_cell))
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in frame.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a published table: formulas neutralised, UTF-8 with BOM, ``\\n``, no index."""
    path = Path(path)
    neutralise_formulas(frame).to_csv(
        path, index=False, encoding="utf-8-sig", lineterminator="\n", na_rep=""
    )
    return path


def safe_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A portable file name made from any text (an organisation name, a table title).

    >>> safe_filename("Wrightington, Wigan and Leigh NHS Foundation Trust")
    'Wrightington-Wigan-and-Leigh-NHS-Foundation-Trust'
    >>> safe_filename("../../etc/passwd"), safe_filename("CON"), safe_filename("Zoë's table.csv")
    ('etc-passwd', '_CON', 'Zoes-table.csv')

    A name with no usable character (say, only non-Latin script) becomes ``name-<hash>``, so
    different inputs still give different, stable names.
    """
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    folded = re.sub(r"['’`]", "", folded)
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned).strip("-._")
    if not re.search(r"[A-Za-z0-9]", cleaned):
        digest = hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:12]
        cleaned = f"name-{digest}"
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    if len(cleaned) > max_length:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            cleaned = stem[: max_length - len(suffix) - 1].rstrip("-._") + "." + suffix
        else:
            cleaned = cleaned[:max_length].rstrip("-._")
    return cleaned


def safe_path(folder: Path | str, *names: str) -> Path:
    """``folder / safe_filename(n1) / safe_filename(n2) ...``, guaranteed inside ``folder``.

    Raises :class:`ValueError` if the result, once links are resolved, is outside ``folder`` (a
    symbolic link inside the report folder pointing elsewhere, say).
    """
    root = Path(folder).resolve()
    path = root.joinpath(*(safe_filename(n) for n in names)).resolve()
    if path != root and root not in path.parents:
        raise ValueError(f"{path} is outside the output folder {root}")
    return path


def restore_cell(value: object) -> object:
    """Undo :func:`neutralise_cell` on a cell read back from a file the workbench wrote.

    A text cell of ``'`` followed by a formula trigger (``= + - @``, tab, CR) loses the ``'``;
    anything else is unchanged. (A text that itself began with ``'=`` cannot be told apart; no
    passage, label or code does.)

    >>> restore_cell("'=HYPERLINK(1)"), restore_cell("'- the rota"), restore_cell("'tis")
    ('=HYPERLINK(1)', '- the rota', "'tis")
    """
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in _TRIGGERS:
        rest = value[1:]
        return value if _NUMBER.fullmatch(rest) else rest
    return value


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a frame read from a neutralised CSV with :func:`restore_cell` on every text
    cell and column name (what was written is what is read: offsets still fit the text)."""
    out = frame.copy()
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out.isetitem(position, series.map(restore_cell).astype(series.dtype))
    out.columns = [restore_cell(c) if isinstance(c, str) else c for c in frame.columns]
    return out


def read_csv_restored(path: Path | str, **kwargs: object) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` (BOM, neutralised cells) back as it was."""
    options: dict[str, object] = {"encoding": "utf-8-sig"} | kwargs
    return restore_formulas(pd.read_csv(path, **options))
