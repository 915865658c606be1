"""Size limits for every file the workbench reads, each failing with one clear error.

A survey export, a transcript or a REFI-QDA project comes from outside: a wrong file, a damaged
one or a hostile one (a zip "bomb": a few kilobytes that inflate to gigabytes) must end in an
:class:`~evaluation.errors.InputError` that names the file and the limit, quickly, not in a
``MemoryError`` minutes later (a 1 GiB member in a ``.qdpx`` took 164 s to run out of memory).

Limits (defaults far above any real file; each can be raised or lowered with an environment
variable ``ARF_EVAL_LIMIT_<NAME>``, a number of bytes or with a ``K``/``M``/``G`` suffix):

========================  =========  ===============================================================
name                      default    what
========================  =========  ===============================================================
``SURVEY_BYTES``          1 GiB      a survey export on disk (CSV, Qualtrics, SmartSurvey, .sav)
``XLSX_BYTES``            256 MiB    a spreadsheet on disk (.xlsx, .xlsm)
``TRANSCRIPT_BYTES``      50 MiB     a transcript on disk (.txt, .vtt, .docx)
``TABLE_BYTES``           256 MiB    a small input table (participants, codings, review queue)
``QDPX_BYTES``            1 GiB      a REFI-QDA project or codebook on disk (.qdpx, .qdc)
``ZIP_TOTAL_BYTES``       1 GiB      a zip's members together, uncompressed (.xlsx, .docx, .qdpx)
``ZIP_MEMBER_BYTES``      256 MiB    one zip member, uncompressed
``ZIP_MEMBERS``           100000     members in one zip
``ZIP_RATIO``             100        one member's uncompressed / compressed size (members over
                                     1 MiB; text and XML deflate about 3-10 times, a bomb ~1000)
========================  =========  ===============================================================

Zip members are checked from the archive's directory before anything is inflated. Python's
``zipfile`` stops a member at the size its directory declares (and then fails its CRC check), so
a member cannot inflate past the size checked here, whatever its header claims.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from evaluation.errors import InputError, Problem

ENV_PREFIX = "ARF_EVAL_LIMIT_"
KIB, MIB, GIB = 1024, 1024**2, 1024**3
DEFAULTS: dict[str, int] = {
    "SURVEY_BYTES": GIB,
    "XLSX_BYTES": 256 * MIB,
    "TRANSCRIPT_BYTES": 50 * MIB,
    "TABLE_BYTES": 256 * MIB,
    "QDPX_BYTES": GIB,
    "ZIP_TOTAL_BYTES": GIB,
    "ZIP_MEMBER_BYTES": 256 * MIB,
    "ZIP_MEMBERS": 100_000,
    "ZIP_RATIO": 100,
}
RATIO_FROM_BYTES = MIB
"""Members smaller than this are not held to the compression ratio (a small padded file can
deflate 1000-fold and harm no one)."""
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": KIB, "M": MIB, "G": GIB}


def parse_size(text: str) -> int:
    """``"200M"`` -> 209715200; ``"1.5G"``, ``"512KiB"``, ``"1000"`` (bytes) also read.

    >>> parse_size("2K"), parse_size("10"), parse_size("1GiB")
    (2048, 10, 1073741824)
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a size: {text!r} (a number of bytes, or with K, M or G)")
    unit = (match.group(2) or "").upper()[:1]
    return int(float(match.group(1)) * _UNITS[unit])


def limit(name: str) -> int:
    """The limit ``name`` (one of :data:`DEFAULTS`), from ``ARF_EVAL_LIMIT_<NAME>`` if set."""
    if name not in DEFAULTS:
        raise KeyError(f"unknown limit {name!r}: one of {sorted(DEFAULTS)}")
    raw = os.environ.get(ENV_PREFIX + name)
    if raw is None or not raw.strip():
        return DEFAULTS[name]
    try:
        value = parse_size(raw)
    except ValueError as exc:
        raise InputError(f"environment variable {ENV_PREFIX}{name}: {exc}") from None
    if value <= 0:
        raise InputError(f"environment variable {ENV_PREFIX}{name}: must be above 0 ({raw!r})")
    return value


def human(size: float) -> str:
    """A byte count as people read it: ``"1.0 GiB"``, ``"300 KiB"``, ``"12 bytes"``."""
    for unit, step in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if size >= step:
            value = size / step
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(size)} bytes"


def _too_large(file: Path | str, what: str, size: float, name: str, unit: str = "") -> InputError:
    bound = limit(name)
    shown = (lambda v: f"{int(v):,}{unit}") if unit else human
    return InputError(
        Problem(
            str(file),
            None,
            None,
            None,
            f"{what} is {shown(size)}, over the limit of {shown(bound)}: not read "
            f"(a damaged or hostile file? If it is genuine, set {ENV_PREFIX}{name} higher)",
        )
    )


def check_file_size(path: Path | str, name: str, what: str = "the file") -> int:
    """The size of ``path`` in bytes, or an :class:`InputError` if it is over the limit ``name``.

    A missing file or a folder is left to the reader's own message.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    if path.is_file() and size > limit(name):
        raise _too_large(path, what, size, name)
    return size


def check_zip(path: Path | str, archive: zipfile.ZipFile | None = None) -> None:
    """Refuse a zip (``.xlsx``, ``.docx``, ``.qdpx``) whose members are too many, too large,
    too large together or too compressed: checked from its directory, before inflating anything.

    ``archive``: an already open ``ZipFile`` of ``path``; otherwise ``path`` is opened (a file
    that is not a zip is left to the reader's own message).
    """
    path = Path(path)
    if archive is None:
        try:
            opened = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError):
            return
        with opened:
            check_zip(path, opened)
        return
    infos = archive.infolist()
    if len(infos) > limit("ZIP_MEMBERS"):
        raise _too_large(path, "the number of zip members", len(infos), "ZIP_MEMBERS", " members")
    total = 0
    member_limit, ratio_limit = limit("ZIP_MEMBER_BYTES"), limit("ZIP_RATIO")
    for info in infos:
        what = f"zip member {info.filename[:80]!r}"
        if info.file_size > member_limit:
            raise _too_large(path, f"{what} (uncompressed)", info.file_size, "ZIP_MEMBER_BYTES")
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size >= RATIO_FROM_BYTES and ratio > ratio_limit:
            raise _too_large(path, f"the compression ratio of {what}", ratio, "ZIP_RATIO", "x")
        total += info.file_size
    if total > limit("ZIP_TOTAL_BYTES"):
        what = "the zip's members together (uncompressed)"
        raise _too_large(path, what, total, "ZIP_TOTAL_BYTES")
