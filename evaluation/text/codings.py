"""Human coders' codings files: read them onto the text the report uses, and append to them.

A coder's file ``codings_<coder>.csv`` (in the wave's focus-group folder, or beside the survey
when the wave has none) holds coded segments (CONTRIBUTING.md) of transcripts **and** free-text
answers (``source_id = f"{respondent_id}__{field}"``, offsets into the answer text): the same
offsets contract for both. Two optional columns make it an append-only log:

- ``text_basis``: which text the offsets count in. ``recorded`` (the default, and what a file
  without the column means): the transcript or answer as recorded, so the offsets are moved
  through pseudonymisation and redaction like the turns. ``redacted``: the text as prepared for
  the report and exported to other tools (pseudonymised and redacted), so the offsets are kept
  as they are. Codings made in the coding session or imported from another tool's project
  (coded on the exported, redacted sources) are ``redacted``: moving them again would misplace
  every passage after a redaction that changed the text's length.
- ``decision``: ``accept`` / ``add`` (the code applies), ``reject`` (it does not), ``reviewed``
  (the passage was seen; no code implied). The latest decision on a passage and code wins, so
  a coder can change their mind without editing earlier rows. Rows without a decision apply.
- ``coded_at`` (UTC, ISO 8601), ``batch``: when and in which batch the decision was made.

:func:`read_wave_codings` gives, per coder, the segments that currently apply, on the redacted
text, with each segment's ``text`` re-read from it (a coding never carries text the report
scrubbed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.limits import check_file_size
from evaluation.text.segments import SEGMENT_COLUMNS, _typed

CODINGS_GLOB = "codings_*.csv"
RECORDED = "recorded"
REDACTED = "redacted"
BASES = (RECORDED, REDACTED)
APPLIES = ("accept", "add")
DECISIONS = (*APPLIES, "reject", "reviewed")
LOG_COLUMNS = [*SEGMENT_COLUMNS, "text_basis", "decision", "coded_at", "batch"]


def codings_path(folder: Path | str, coder: str) -> Path:
    """The codings file of ``coder`` in ``folder``."""
    return Path(folder) / f"codings_{coder}.csv"


def read_codings_log(path: Path | str) -> pd.DataFrame:
    """A codings file as a log: every row, the log's columns filled (``text_basis``,
    ``decision``...), file row numbers in ``file_row``. Bad rows raise :class:`InputError`."""
    path = Path(path)
    check_file_size(path, "TABLE_BYTES", "the codings file")  # io.limits: wherever it lives
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
    )
    missing = [c for c in SEGMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, ", ".join(missing), None, "missing columns"))
    for column, default in (("text_basis", RECORDED), ("decision", pd.NA), ("coded_at", pd.NA)):
        if column not in frame.columns:
            frame[column] = default
    if "batch" not in frame.columns:
        frame["batch"] = pd.NA
    frame["text_basis"] = frame["text_basis"].fillna(RECORDED).str.strip().str.lower()
    frame["decision"] = frame["decision"].str.strip().str.lower()
    frame["file_row"] = range(2, len(frame) + 2)
    problems: list[Problem] = []
    for row in frame.itertuples(index=False):
        where = (str(path), row.file_row)
        if row.text_basis not in BASES:
            problems.append(Problem(*where, "text_basis", row.text_basis, f"not one of {BASES}"))
        if not pd.isna(row.decision) and row.decision not in DECISIONS:
            problems.append(Problem(*where, "decision", row.decision, f"not one of {DECISIONS}"))
        try:
            start, end = int(row.start), int(row.end)
        except (TypeError, ValueError):
            problems.append(Problem(*where, "start", row.start, "offsets must be whole numbers"))
            continue
        if start < 0 or end < start:
            problems.append(Problem(*where, "start", row.start, "bad offsets (end before start)"))
        if pd.isna(row.source_id):
            problems.append(Problem(*where, "source_id", None, "source_id is missing"))
        if pd.isna(row.code_id) and row.decision != "reviewed":
            problems.append(Problem(*where, "code_id", None, "code_id is missing"))
    if problems:
        raise InputError(problems)
    frame["start"] = frame["start"].astype("int64")
    frame["end"] = frame["end"].astype("int64")
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").fillna(1.0)
    return frame


def current_segments(log: pd.DataFrame) -> pd.DataFrame:
    """The log's rows that apply now: the latest decision on each passage and code, if it
    applies (rows without a decision apply). Keeps ``text_basis`` and ``file_row``."""
    coded = log[log["decision"].fillna("accept") != "reviewed"]
    key = ["source_id", "start", "end", "code_id", "text_basis"]
    latest = coded.drop_duplicates(key, keep="last")
    return latest[latest["decision"].fillna("accept").isin(APPLIES)].reset_index(drop=True)


def append_to_log(path: Path | str, rows: pd.DataFrame) -> Path:
    """Append ``rows`` (the log's columns) to a codings file, never rewriting earlier rows.

    A file without the log's columns (a coder's first export) is upgraded once, in place:
    ``text_basis`` ``recorded`` and no decision on its earlier rows, which is what they meant.
    """
    path = Path(path)
    out = rows.reindex(columns=LOG_COLUMNS)
    if path.exists() and path.stat().st_size:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns.tolist()
        if header != LOG_COLUMNS:
            old = read_codings_log(path).drop(columns="file_row").reindex(columns=LOG_COLUMNS)
            old.to_csv(path, index=False, lineterminator="\n")
        out.to_csv(path, mode="a", header=False, index=False, lineterminator="\n")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(path, index=False, lineterminator="\n")
    return path


def _relocate(text: str, quote: str, start: int) -> int | None:
    """The start of the occurrence of ``quote`` in ``text`` nearest ``start``, or None."""
    found, at = [], text.find(quote)
    while at >= 0 and quote:
        found.append(at)
        at = text.find(quote, at + 1)
    return min(found, key=lambda a: abs(a - start)) if found else None


def read_wave_codings(
    folder: Path | str | None,
    redacted_sources: Mapping[str, str],
    recorded_sources: Mapping[str, str] | None = None,
    move: object | None = None,
    names: Iterable[str] = (),
    cleared: Iterable[str] | None = (),
) -> dict[str, pd.DataFrame]:
    """Every coder's current segments (coder -> segments frame) on the redacted texts.

    ``redacted_sources``: source id -> text as the report uses it (transcripts and free-text
    answers). ``recorded_sources``: the texts as recorded, for rows with ``text_basis``
    ``recorded`` (default: the redacted texts, i.e. nothing to move). ``move``: a
    :class:`~evaluation.io.transcripts.FocusGroupInput` whose ``move`` and ``sources`` put
    recorded transcript offsets onto the pseudonymised transcripts before redaction.
    A segment of an unknown source, or whose redacted-basis text is nowhere in its source, is an
    :class:`InputError` naming the file and row.
    """
    from evaluation.redact import redact_turns

    if folder is None or not Path(folder).is_dir():
        return {}
    recorded = dict(redacted_sources if recorded_sources is None else recorded_sources)
    codings: dict[str, pd.DataFrame] = {}
    for path in sorted(Path(folder).glob(CODINGS_GLOB)):
        segs = current_segments(read_codings_log(path))
        problems = [
            Problem(str(path), int(r.file_row), "source_id", r.source_id, "unknown source")
            for r in segs.itertuples(index=False)
            if r.source_id not in redacted_sources or r.source_id not in recorded
        ]
        if problems:
            raise InputError(problems)
        parts = []
        raw = segs[segs["text_basis"] == RECORDED]
        if len(raw):
            sources = {s: recorded[s] for s in pd.unique(raw["source_id"])}
            if move is not None:
                pseudonymised = move.sources  # type: ignore[attr-defined]
                raw = move.move(raw)  # type: ignore[attr-defined]
                sources |= {s: pseudonymised[s] for s in sources if s in pseudonymised}
            moved, _, _ = redact_turns(raw, sources, names, cleared)
            parts.append(moved)
        kept = segs[segs["text_basis"] == REDACTED].copy()
        for i, r in zip(kept.index, kept.itertuples(index=False), strict=True):
            text = redacted_sources[r.source_id]
            if not 0 <= r.start <= r.end <= len(text):
                raise InputError(
                    Problem(str(path), int(r.file_row), "end", r.end, "outside the source text")
                )
            if not pd.isna(r.text) and text[r.start : r.end] != r.text:
                at = _relocate(text, str(r.text), int(r.start))
                if at is None:
                    message = "text is not in the redacted source (was it coded on another text?)"
                    raise InputError(Problem(str(path), int(r.file_row), "text", r.text, message))
                kept.loc[i, ["start", "end"]] = [at, at + len(str(r.text))]
        kept["text"] = [
            redacted_sources[s][a:b]
            for s, a, b in zip(kept["source_id"], kept["start"], kept["end"], strict=True)
        ]
        parts.append(kept)
        merged = pd.concat(parts).sort_values("file_row", kind="stable")
        codings[path.stem.removeprefix("codings_")] = _typed(merged)
    return codings


def _offset_map(imported: str, reference: str) -> list[int] | None:
    """Positions of ``imported`` as positions of ``reference`` when the two differ only in CRs
    of line ends (another tool saved LF text with CRLF, or the reverse); None if they differ
    otherwise. Identical texts map to themselves."""
    if imported == reference:
        return list(range(len(imported) + 1))
    out, i, j = [], 0, 0
    while i < len(imported) or j < len(reference):
        a = imported[i] if i < len(imported) else ""
        b = reference[j] if j < len(reference) else ""
        if a and a == b:
            out.append(j)
            i, j = i + 1, j + 1
        elif a == "\r" and imported[i + 1 : i + 2] == "\n" and b == "\n":
            out.append(j)  # a CR the reference has not: both its edges land before the LF
            i += 1
        elif b == "\r" and reference[j + 1 : j + 2] == "\n" and a == "\n":
            j += 1
        else:
            return None
    out.append(j)
    return out


def coder_slug(name: object) -> str:
    """A coder's name from another tool as a coder id (``Jo Bloggs`` -> ``jo_bloggs``)."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_") or "coder"


def codings_from_project(
    segments: pd.DataFrame, sources: pd.DataFrame, redacted_sources: Mapping[str, str], file: str
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Human codings of a project coded in another tool (REFI-QDA import: ``segments`` and
    ``sources`` of :class:`~evaluation.text.refi_qda.QdaProject`), as codings-file rows on the
    wave's redacted texts, one frame per coder, and the warnings.

    The project's sources are the workbench's exported, redacted sources, found by name (the
    export names each source by its id). A source the other tool saved with other line ends
    is mapped character by character; one whose text differs otherwise is left out with a
    warning (positions in it would not mean the same characters). Rows are written with
    ``text_basis`` ``redacted`` so that the loader keeps their offsets; machine coders are left
    out (their codings are the workbench's own).
    """
    from evaluation.text.segments import is_machine_coder

    problems: list[Problem] = []
    maps: dict[str, list[int]] = {}
    for source_id, text in zip(sources["source_id"], sources["text"], strict=True):
        reference = redacted_sources.get(str(source_id))
        if reference is None:
            problems.append(Problem(file, None, "source", source_id, "not a source of this wave"))
            continue
        mapping = _offset_map(str(text), reference)
        if mapping is None:
            message = "text differs from the wave's redacted text; its codings are left out"
            problems.append(Problem(file, None, "source", source_id, message))
            continue
        maps[str(source_id)] = mapping
    rows = segments[~segments["coder"].map(is_machine_coder).astype(bool)]
    rows = rows[rows["source_id"].isin(maps)].copy()
    rows["start"] = [maps[s][int(a)] for s, a in zip(rows["source_id"], rows["start"], strict=True)]
    rows["end"] = [maps[s][int(b)] for s, b in zip(rows["source_id"], rows["end"], strict=True)]
    rows["text"] = [
        redacted_sources[s][a:b]
        for s, a, b in zip(rows["source_id"], rows["start"], rows["end"], strict=True)
    ]
    rows["coder"] = rows["coder"].map(coder_slug)
    rows["text_basis"] = REDACTED
    out = {
        str(coder): group.reindex(columns=LOG_COLUMNS).reset_index(drop=True)
        for coder, group in rows.groupby("coder", sort=True)
    }
    return out, problems
