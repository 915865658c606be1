"""The coding loop: a human coder takes the batch the suggester proposes, codes it, retrains.

One round: :func:`next_batch` asks :meth:`CodeSuggester.code_next` for the uncoded passages
(participant turns and free-text answers) where a decision teaches the model most;
:func:`suggestions` shows each passage with its suggested codes and their probabilities;
:func:`record_decisions` appends the coder's decisions (accept, reject, add, each with its exact
span) to the coder's codings file, with the coder id and the UTC time (append-only: see
:mod:`evaluation.text.codings`); :func:`retrain` refits the suggester on everything the coder has
decided and measures, batch by batch, the suggester's cross-validated F1 against this coder and
the agreement with the other human coder on the passages both have coded
(:func:`evaluation.text.agreement.reliability`; the machine ``rules`` coder never counts as a
coder here).

Passages are shown and recorded on the text the report uses (pseudonymised, redacted), so
offsets are written with ``text_basis`` ``redacted``. The same loop runs in
``notebooks/coding_session.ipynb`` (ipywidgets) and from the command line for spreadsheet coders
(``arf-eval code next`` writes a batch file, ``arf-eval code take`` reads it back:
:func:`write_batch_file`, :func:`take_batch_file`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.text.agreement import reliability
from evaluation.text.codebook import Codebook
from evaluation.text.codings import (
    REDACTED,
    append_to_log,
    codings_path,
    read_codings_log,
    read_wave_codings,
)
from evaluation.text.evaluate import cross_validate_coder, units_code_sets
from evaluation.text.rules import RuleCoder
from evaluation.text.segments import (
    answer_units,
    coded_units,
    is_machine_coder,
    segment_id,
    turn_units,
)
from evaluation.text.suggester import CodeSuggester

DECISION_CHOICES = ("accept", "reject", "add")
BATCH_COLUMNS = [
    "batch",
    "coder",
    "source_id",
    "unit",
    "kind",
    "passage_start",
    "passage_end",
    "passage",
    "code_id",
    "probability",
    "suggested",
    "decision",
    "quote",
]
MIN_TRAINING_UNITS = 20  # fewer decided passages than this: the suggester is seeded by the rules
CV_FOLDS = 3


def coder_id(name: str) -> str:
    """A coder as named on the command line: ``A`` -> ``coder_a`` (``codings_coder_a.csv``);
    longer names (``coder_a``, ``jo_bloggs`` from an imported project) stay as they are."""
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise InputError(f"coder {name!r}: use letters, digits, _ or - only")
    return f"coder_{name.lower()}" if re.fullmatch(r"[A-Za-z]{1,2}", name) else name


@dataclass
class CodingSession:
    """One coder's session over a wave: the passages, the codings files, the suggester.

    ``units``: every passage a coder may code (``source_id, unit, speaker_or_respondent, start,
    end, text, kind``), redacted. ``sources``: source id -> redacted text. ``folder``: where the
    codings files are. ``load_codings``: reads every coder's current segments (coder -> frame).
    ``history``: one row per batch measured (see :func:`progress`).
    """

    codebook: Codebook
    units: pd.DataFrame
    sources: dict[str, str]
    folder: Path
    coder: str
    other: str | None
    load_codings: Callable[[], dict[str, pd.DataFrame]]
    suggester: CodeSuggester | None = None
    trained_on: str = ""
    history: list[dict[str, object]] = field(default_factory=list)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def codings_file(self) -> Path:
        return codings_path(self.folder, self.coder)

    @property
    def codes(self) -> list[str]:
        """The codes a coder applies: the codebook's leaves."""
        return self.codebook.leaf_ids


# -- opening -------------------------------------------------------------------------------------


def session_units(turns: pd.DataFrame | None, survey: pd.DataFrame) -> pd.DataFrame:
    """Participant turns (facilitators left out) and free-text answers, one row per passage."""
    from evaluation.io.transcripts import is_facilitator

    turn = turn_units(turns)
    turn = turn[~turn["speaker_or_respondent"].map(is_facilitator).astype(bool)]
    answers = answer_units(survey) if "respondent_id" in survey.columns else turn.iloc[:0]
    frame = pd.concat(
        [turn.assign(kind="transcript"), answers.assign(kind="free_text")], ignore_index=True
    )
    return frame.astype({"start": "int64", "end": "int64"})


def session_from_frames(
    codebook: Codebook,
    units: pd.DataFrame,
    sources: dict[str, str],
    folder: Path | str,
    coder: str,
    other: str | None = None,
    load_codings: Callable[[], dict[str, pd.DataFrame]] | None = None,
    train: bool = True,
) -> CodingSession:
    """A session over given (already redacted) passages; trains and measures the coder's last
    recorded batch unless ``train`` is false (a batch about to be taken retrains anyway).

    ``load_codings`` defaults to reading the folder's codings files with every offset on the
    given texts (no redaction to move through).
    """
    folder = Path(folder)
    loader = load_codings or (lambda: read_wave_codings(folder, sources))
    session = CodingSession(
        codebook, units.reset_index(drop=True), dict(sources), folder, coder_id(coder),
        None if other is None else coder_id(other), loader,
    )  # fmt: skip
    if train:
        retrain(session)
    return session


@dataclass
class WaveTexts:
    """A wave's passages and texts for coding: redacted as the report uses them, and as recorded
    (to read codings files whose offsets count in the recorded text)."""

    codebook: Codebook
    units: pd.DataFrame
    redacted: dict[str, str]
    folder: Path
    load_codings: Callable[[], dict[str, pd.DataFrame]]


def wave_texts(config: Path | str) -> WaveTexts:
    """The wave of ``config`` (its ``evaluation.yaml`` or folder), prepared as for the report:
    pseudonymised, redacted; codings files in the focus-group folder (else beside the survey)."""
    from evaluation.inputs import prepare_inputs, read_names
    from evaluation.io.transcripts import TRANSCRIPT_SUFFIXES, pseudonymise_focus_groups
    from evaluation.io.wave import load_wave
    from evaluation.pipeline.config import find_config, load_config
    from evaluation.review import cleared
    from evaluation.text.codebook import load_codebook

    cfg = load_config(find_config(config))
    loaded = load_wave(cfg)
    names = read_names(cfg.redact_names)
    prepared = prepare_inputs(loaded, cfg.focus_group, names, cfg.facilitators)
    fg = Path(cfg.focus_group) if cfg.focus_group else None
    has_fg = bool(
        fg and fg.is_dir() and any(p.suffix.lower() in TRANSCRIPT_SUFFIXES for p in fg.iterdir())
    )
    group = pseudonymise_focus_groups(fg, cfg.facilitators) if has_fg and fg else None
    folder = fg if fg and fg.is_dir() else Path(cfg.survey).parent
    units = session_units(prepared.turns, prepared.survey.frame)
    redacted = {**dict(zip(units["source_id"], units["text"], strict=True)), **prepared.sources}
    raw = loaded.frame
    recorded = {
        f"{rid}__{c}": v
        for c in ("comment_change", "comment_other")
        if c in raw.columns
        for rid, v in zip(raw["respondent_id"], raw[c], strict=True)
        if isinstance(v, str)
    }
    if group is not None:
        recorded |= group.sources
    private = Path(loaded.path).parent if loaded.path else None
    clear = cleared(private)

    def load() -> dict[str, pd.DataFrame]:
        return read_wave_codings(folder, redacted, recorded, group, prepared.names, clear)

    return WaveTexts(load_codebook(cfg.codebook), units, redacted, folder, load)


def open_session(
    config: Path | str, coder: str, other: str | None = None, train: bool = True
) -> CodingSession:
    """A session over a wave (its ``evaluation.yaml`` or folder): see :func:`wave_texts`;
    ``train``: see :func:`session_from_frames`.

    ``other`` defaults to the one other human coder with a codings file, if there is one.
    """
    wave = wave_texts(config)
    if other is None:
        others = [
            p.stem.removeprefix("codings_")
            for p in sorted(wave.folder.glob("codings_*.csv"))
            if p.stem.removeprefix("codings_") != coder_id(coder)
            and not is_machine_coder(p.stem.removeprefix("codings_"))
        ]
        other = others[0] if len(others) == 1 else None
    return session_from_frames(
        wave.codebook, wave.units, wave.redacted, wave.folder, coder, other, wave.load_codings,
        train,
    )  # fmt: skip


def import_coded_project(config: Path | str, project: Path | str) -> tuple[list[Path], list[str]]:
    """``arf-eval code import``: a project coded in another tool (NVivo, ATLAS.ti, MAXQDA,
    QualCoder), exported by the workbench and coded there, appended to each of its human
    coders' codings files (``codings_<coder>.csv``) on the wave's redacted texts.

    Returns the files written and the warnings (the REFI-QDA reader's and the alignment's).
    """
    from evaluation.text.codings import codings_from_project
    from evaluation.text.refi_qda import import_qdpx

    wave = wave_texts(config)
    read = import_qdpx(project, codebook=wave.codebook.to_frame())
    frames, problems = codings_from_project(
        read.segments, read.sources, wave.redacted, str(project)
    )
    unknown = (
        sorted(set().union(*(set(f["code_id"]) for f in frames.values())) - set(wave.codebook.ids))
        if frames
        else []
    )
    if unknown:
        raise InputError(f"{project}: codes not in the wave's codebook: {unknown}", file=project)
    written, skipped = [], []
    key = ["source_id", "code_id", "start", "end"]
    for coder, rows in frames.items():
        path = codings_path(wave.folder, coder)
        keys = rows[key].astype(str).agg("\x1f".join, axis=1)
        old = (
            set(read_codings_log(path)[key].astype(str).agg("\x1f".join, axis=1))
            if path.exists()
            else set()
        )
        fresh = rows[~keys.isin(old) & ~keys.duplicated()]
        if len(fresh) < len(rows):  # idempotent: re-importing one's own export adds nothing
            skipped.append(f"skipped {len(rows) - len(fresh)} passages already in {path.name}")
        if len(fresh):
            written.append(append_to_log(path, fresh))
    return written, [str(w) for w in [*read.warnings, *problems]] + skipped


# -- what each coder has seen ----------------------------------------------------------------


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["source_id"].astype(str) + "\x1f" + frame["unit"].astype(str)


def reviewed_mask(session: CodingSession, coder: str) -> np.ndarray:
    """Which of the session's passages ``coder`` has decided on.

    A passage counts when the coder's file has a session row on it (any decision), or when the
    file holds codings of its source made before the log existed (rows without a decision): those
    coders were given whole transcripts, so every passage of the source counts.
    """
    path = codings_path(session.folder, coder)
    if not path.exists():
        return np.zeros(len(session.units), dtype=bool)
    log = read_codings_log(path)
    legacy = set(log.loc[log["decision"].isna(), "source_id"])
    mask = session.units["source_id"].isin(legacy).to_numpy().copy()
    rows = log[log["decision"].notna()]
    if len(rows):
        mask |= _keys(session.units).isin(set(_unit_keys(session, rows))).to_numpy()
    return mask


def _unit_keys(session: CodingSession, rows: pd.DataFrame) -> list[str]:
    """The passage (unit key) each row's start falls in."""
    from evaluation.text.segments import segments_to_units

    located = segments_to_units(rows.assign(code_id="-", coder="-"), session.units)
    return list(_keys(located))


def training_data(session: CodingSession) -> tuple[list[str], list[set[str]], pd.DataFrame]:
    """Texts and code sets of the passages the coder decided, and those passages."""
    mask = reviewed_mask(session, session.coder)
    units = session.units[mask].reset_index(drop=True)
    codings = session.load_codings()
    mine = {session.coder: codings[session.coder]} if session.coder in codings else {}
    coded = coded_units(mine, units)
    sets = [s & set(session.codes) for s in units_code_sets(units, coded)]
    return units["text"].astype(str).tolist(), sets, units


# -- the loop --------------------------------------------------------------------------------


def recorded_batch(session: CodingSession) -> int:
    """The coder's highest batch number in their codings file (0 before any): batches count on
    per coder across sessions, so a CLI take and a notebook save number them the same way."""
    if not session.codings_file.exists():
        return 0
    numbers = pd.to_numeric(read_codings_log(session.codings_file)["batch"], errors="coerce")
    return 0 if numbers.isna().all() else int(numbers.max())


@dataclass(frozen=True)
class Round:
    """What one retraining measured: agreement table, cross-validation, the progress so far."""

    agreement: pd.DataFrame
    cv_per_code: pd.DataFrame
    progress: pd.DataFrame


def retrain(session: CodingSession, n_boot: int = 200) -> Round:
    """Refit the suggester on the coder's decisions and measure this batch.

    With fewer than ``MIN_TRAINING_UNITS`` decided passages (or fewer than two codes among
    them) the suggester is seeded with the codebook rules' codes of every passage: a cold
    start, said in ``trained_on``. The cross-validated F1 is measured on the coder's own
    decisions only (``CV_FOLDS``-fold, seed 0), never on rule codes.
    """
    texts, sets, units = training_data(session)
    learned = {c for s in sets for c in s}
    if len(texts) >= MIN_TRAINING_UNITS and len(learned) >= 2:
        session.suggester = CodeSuggester().fit(texts, sets)
        session.trained_on = f"{len(texts)} passages decided by {session.coder}"
    else:
        seed_units = session.units
        rule_sets = RuleCoder(session.codebook).match(seed_units["text"].astype(str).tolist())
        mine = dict(zip(_keys(units), sets, strict=True))
        seed_sets = [mine.get(k, r) for k, r in zip(_keys(seed_units), rule_sets, strict=True)]
        session.suggester = CodeSuggester().fit(seed_units["text"].astype(str).tolist(), seed_sets)
        session.trained_on = f"{len(texts)} passages decided by {session.coder}, seeded by rules"
    cv = None
    if len(texts) >= 2 * CV_FOLDS and learned:
        cv = cross_validate_coder(CodeSuggester(), texts, sets, sorted(learned), CV_FOLDS, seed=0)
    table = agreement_table(session, n_boot=n_boot)
    batch = recorded_batch(session)
    overall = table[table["code_id"] == "overall"]
    session.history.append(
        {
            "batch": batch,
            "decided_passages": len(texts),
            "coded_segments": len(session.load_codings().get(session.coder, [])),
            "trained_on": session.trained_on,
            "cv_macro_f1": np.nan if cv is None else cv.macro_f1,
            "cv_micro_f1": np.nan if cv is None else cv.micro_f1,
            "other_coder": session.other,
            "shared_passages": int(overall["n_units"].iloc[0]) if len(overall) else 0,
            "kappa": float(overall["kappa"].iloc[0]) if len(overall) else np.nan,
            "alpha": float(overall["alpha"].iloc[0]) if len(overall) else np.nan,
        }
    )
    per_code = pd.DataFrame() if cv is None else cv.per_code.assign(batch=batch)
    return Round(table.assign(batch=batch), per_code, progress(session))


def agreement_table(session: CodingSession, n_boot: int = 200) -> pd.DataFrame:
    """Cohen's kappa and Krippendorff's alpha per code and overall, between the session's coder
    and the other human coder, on the passages both have decided. Empty without another coder
    or shared passages. The machine ``rules`` coder is never one of the two."""
    columns = ["code_id", "n_units", "prevalence", "percent_agreement", "kappa", "alpha", "flag"]
    other = session.other
    if other is None or is_machine_coder(other) or is_machine_coder(session.coder):
        return pd.DataFrame(columns=columns)
    both = reviewed_mask(session, session.coder) & reviewed_mask(session, other)
    units = session.units[both].reset_index(drop=True)
    if len(units) == 0:
        return pd.DataFrame(columns=columns)
    codings = session.load_codings()
    humans = {c: codings[c] for c in (session.coder, other) if c in codings}
    coded = coded_units(humans, units)
    coded = coded.astype({"coder": "string"}) if len(coded) else coded
    table = reliability(coded, units, session.codes, [session.coder, other], n_boot=n_boot)
    return table


def progress(session: CodingSession) -> pd.DataFrame:
    """Batch by batch: passages decided, segments coded, CV F1, agreement with the other coder."""
    return pd.DataFrame(session.history)


def next_batch(session: CodingSession, n: int = 20) -> pd.DataFrame:
    """The ``n`` passages not yet decided by the coder that the suggester most wants decided.

    Returns ``rank, source_id, unit, kind, speaker_or_respondent, start, end, text, margin,
    closest_code, probability, threshold`` (``code_next``'s ranking: smallest margin first).
    """
    if session.suggester is None:
        retrain(session)
    assert session.suggester is not None
    pool = session.units[~reviewed_mask(session, session.coder)].reset_index(drop=True)
    if len(pool) == 0:
        return pool.assign(rank=[], margin=[], closest_code=[], probability=[], threshold=[])
    ranked = session.suggester.code_next(pool["text"].astype(str).tolist(), k=n)
    chosen = pool.iloc[ranked["position"].to_numpy()].reset_index(drop=True)
    out = chosen.assign(
        rank=np.arange(1, len(chosen) + 1),
        margin=ranked["margin"].to_numpy(),
        closest_code=ranked["code"].to_numpy(),
        probability=ranked["probability"].to_numpy(),
        threshold=ranked["threshold"].to_numpy(),
    )
    first = ["rank", "source_id", "unit", "kind", "speaker_or_respondent", "start", "end", "text"]
    return out[[*first, "margin", "closest_code", "probability", "threshold"]]


def suggestions(session: CodingSession, batch: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Each passage of ``batch`` with its candidate codes: every code the suggester suggests
    (probability at or above its threshold) and the ``top`` most probable others.

    One row per passage and code: ``rank, source_id, unit, kind, text, code_id, name,
    probability, threshold, suggested``, most probable first within a passage.
    """
    assert session.suggester is not None
    proba = session.suggester.predict_proba(batch["text"].astype(str).tolist())
    thresholds = session.suggester.thresholds_
    names = {c.code_id: c.name for c in session.codebook}
    rows = []
    for i, passage in enumerate(batch.itertuples(index=False)):
        p = proba.iloc[i].sort_values(ascending=False, kind="stable")
        for order, (code, prob) in enumerate(p.items()):
            hit = bool(prob >= thresholds[code])
            if not hit and order >= top:
                continue
            rows.append(
                {
                    "rank": passage.rank,
                    "source_id": passage.source_id,
                    "unit": passage.unit,
                    "kind": passage.kind,
                    "text": passage.text,
                    "code_id": code,
                    "name": names.get(code, code),
                    "probability": float(prob),
                    "threshold": float(thresholds[code]),
                    "suggested": hit,
                }
            )
    columns = ["rank", "source_id", "unit", "kind", "text", "code_id", "name", "probability"]
    return pd.DataFrame(rows, columns=[*columns, "threshold", "suggested"])


def record_decisions(
    session: CodingSession,
    decisions: pd.DataFrame,
    passages: pd.DataFrame | None = None,
    file: str = "<decisions>",
) -> pd.DataFrame:
    """Append the coder's decisions to their codings file; return the rows appended.

    ``decisions``: ``source_id, unit, code_id, decision`` (``accept`` / ``reject`` / ``add``),
    optionally the exact span as ``start, end`` (offsets into the source text) or ``quote``
    (the exact words, found in the passage); by default the whole passage. ``passages`` (the
    batch): every one is recorded as reviewed, coded or not, so a passage left without codes
    counts as "no code applies". Rows carry the coder id, the UTC time and the batch number.
    Problems (unknown passage or code, a span outside its passage, a quote not in it) raise
    :class:`InputError` naming ``file``, the row (``file_row`` if given) and the column.
    """
    units = session.units.assign(key=_keys(session.units)).set_index("key")
    known = set(session.codebook.ids)
    batch = recorded_batch(session) + 1
    stamp = session.now().astimezone(UTC).isoformat(timespec="seconds")
    problems: list[Problem] = []
    rows: list[dict[str, object]] = []

    def add(unit: pd.Series, start: int, end: int, code: object, decision: str) -> None:
        source = str(unit["source_id"])
        tag = "reviewed" if decision == "reviewed" else str(code)
        rows.append(
            {
                "segment_id": segment_id(session.coder, source, start, end, tag),
                "source_id": source,
                "speaker_or_respondent": unit["speaker_or_respondent"],
                "start": start,
                "end": end,
                "text": session.sources[source][start:end],
                "code_id": pd.NA if decision == "reviewed" else code,
                "coder": session.coder,
                "confidence": 1.0,
                "codebook_version": session.codebook.version,
                "text_basis": REDACTED,
                "decision": decision,
                "coded_at": stamp,
                "batch": batch,
            }
        )

    for i, row in enumerate(decisions.to_dict(orient="records")):
        where = (file, int(row.get("file_row", i + 2)))
        key = f"{row.get('source_id')}\x1f{row.get('unit')}"
        if key not in units.index:
            problems.append(Problem(*where, "source_id", row.get("source_id"), "unknown passage"))
            continue
        unit = units.loc[key]
        decision = str(row.get("decision", "")).strip().lower()
        if decision not in DECISION_CHOICES:
            problems.append(
                Problem(*where, "decision", row.get("decision"), f"write one of {DECISION_CHOICES}")
            )
            continue
        code = row.get("code_id")
        if code not in known:
            problems.append(Problem(*where, "code_id", code, "not a code of the codebook"))
            continue
        span = _span(row, unit, session.sources[str(unit["source_id"])], where, problems)
        if span is not None:
            add(unit, *span, code, decision)
    if problems:
        raise InputError(problems)
    if passages is not None:
        for key in _keys(passages):
            if key in units.index:
                unit = units.loc[key]
                add(unit, int(unit["start"]), int(unit["end"]), None, "reviewed")
    appended = pd.DataFrame(rows)
    if len(appended):
        append_to_log(session.codings_file, appended)
    return appended


def _span(
    row: dict[str, object],
    unit: pd.Series,
    text: str,
    where: tuple[str, int],
    problems: list[Problem],
) -> tuple[int, int] | None:
    """The decision's exact span: ``quote`` found in the passage, ``start``/``end``, or all."""
    lo, hi = int(unit["start"]), int(unit["end"])
    quote = row.get("quote")
    if isinstance(quote, str) and quote.strip():
        at = text.find(quote.strip(), lo, hi)
        if at < 0:
            problems.append(Problem(*where, "quote", quote, "these words are not in the passage"))
            return None
        return at, at + len(quote.strip())
    start, end = row.get("start"), row.get("end")
    if start is None or pd.isna(start) or end is None or pd.isna(end):
        return lo, hi
    try:
        a, b = int(float(str(start))), int(float(str(end)))
    except (TypeError, ValueError):
        problems.append(Problem(*where, "start", start, "offsets must be whole numbers"))
        return None
    if not lo <= a < b <= hi:
        problems.append(Problem(*where, "start", f"{a}-{b}", f"span outside the passage {lo}-{hi}"))
        return None
    return a, b


# -- spreadsheet batches (arf-eval code next / take) ---------------------------------------------


def write_batch_file(session: CodingSession, n: int, out: Path | str | None = None) -> Path:
    """Write the next batch as a CSV a spreadsheet coder fills: one row per passage and
    candidate code, ``decision`` to fill with ``accept`` or ``reject`` (required on suggested
    rows; blank elsewhere means not applied); new rows with ``decision`` ``add`` add a code;
    ``quote`` (optional) narrows a code to the exact words. Default place: the codings folder's
    ``coding_batches/`` (it holds passages of the wave: keep it with the wave, not a report)."""
    from evaluation.safe_output import write_csv

    batch = next_batch(session, n)
    shown = suggestions(session, batch)
    spans = batch.set_index(_keys(batch))
    key = _keys(shown)
    frame = pd.DataFrame(
        {
            "batch": len(session.history),
            "coder": session.coder,
            "source_id": shown["source_id"],
            "unit": shown["unit"],
            "kind": shown["kind"],
            "passage_start": spans.loc[key, "start"].to_numpy(),
            "passage_end": spans.loc[key, "end"].to_numpy(),
            "passage": shown["text"],
            "code_id": shown["code_id"],
            "probability": shown["probability"].round(3),
            "suggested": shown["suggested"].map({True: "yes", False: "no"}),
            "decision": "",
            "quote": "",
        },
        columns=BATCH_COLUMNS,
    )
    if out is None:
        number = len(list((session.folder / "coding_batches").glob(f"{session.coder}_*.csv")))
        out = session.folder / "coding_batches" / f"{session.coder}_batch_{number + 1:03d}.csv"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(frame, out)  # formulas neutralised: a passage may start with '=' or '-'
    return out


def read_batch_file(session: CodingSession, path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A filled batch file as ``(decisions, passages)``, checked row by row against the wave.

    Every problem names the file, the row (as a spreadsheet shows it: the header is row 1) and
    the column: missing columns, another coder's batch, a passage whose text changed since the
    batch was written, a suggested code left undecided, an unknown decision.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(
            f"cannot read {path.name} as a CSV batch file: {error}", file=path
        ) from None
    required = ["coder", "source_id", "unit", "passage", "code_id", "suggested", "decision"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, ", ".join(missing), None, "missing columns"))
    frame = frame.assign(file_row=np.arange(2, len(frame) + 2))
    units = session.units.assign(key=_keys(session.units)).set_index("key")
    problems: list[Problem] = []
    keep = []
    for row in frame.to_dict(orient="records"):
        where = (str(path), int(row["file_row"]))
        if row["coder"].strip() and coder_id(row["coder"]) != session.coder:
            problems.append(Problem(*where, "coder", row["coder"], f"not {session.coder}'s batch"))
            continue
        key = f"{row['source_id']}\x1f{row['unit']}"
        if key not in units.index:
            problems.append(Problem(*where, "source_id", row["source_id"], "unknown passage"))
            continue
        text = str(units.loc[key, "text"])
        if row["passage"].strip() and row["passage"] not in (text, "'" + text):
            message = "the passage's text differs from the wave's (batch from another run?)"
            problems.append(Problem(*where, "passage", row["passage"][:40], message))
            continue
        decision = row["decision"].strip().lower()
        if not decision:
            if row["suggested"].strip().lower() == "yes":
                message = "a suggested code needs a decision: accept or reject"
                problems.append(Problem(*where, "decision", "", message))
            continue
        if decision not in DECISION_CHOICES:
            problems.append(
                Problem(*where, "decision", row["decision"], f"write one of {DECISION_CHOICES}")
            )
            continue
        keep.append({**row, "decision": decision})
    if problems:
        raise InputError(problems)
    decisions = pd.DataFrame(keep, columns=[*frame.columns])
    for column in ("start", "end"):
        if column not in decisions.columns:
            decisions[column] = None
    decisions["start"] = decisions["start"].replace("", None)
    decisions["end"] = decisions["end"].replace("", None)
    passages = frame.drop_duplicates(["source_id", "unit"])[["source_id", "unit"]]
    return decisions, passages


def batch_coder(path: Path | str) -> str:
    """The coder a batch file belongs to (its ``coder`` column names exactly one)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        message = f"cannot read {path.name} as a CSV batch file: {error}"
        raise InputError(message, file=path) from None
    if "coder" not in frame.columns:
        raise InputError(Problem(str(path), 1, "coder", None, "missing column"))
    names = sorted({c.strip() for c in frame["coder"] if c.strip()})
    if len(names) != 1:
        raise InputError(Problem(str(path), None, "coder", names, "must name exactly one coder"))
    return names[0]


def take_batch_file(session: CodingSession, path: Path | str) -> tuple[pd.DataFrame, Round]:
    """Read a filled batch file, append its decisions to the coder's file, retrain, measure."""
    decisions, passages = read_batch_file(session, path)
    appended = record_decisions(session, decisions, passages, file=str(path))
    return appended, retrain(session)


# -- the notebook's panel (ipywidgets) -----------------------------------------------------------


class CodingPanel:
    """A batch as a JupyterLab panel: each passage with a checkbox per candidate code (ticked when
    suggested, labelled with its probability), a list of further codes to add, and a box for the
    exact words (the span; empty = the whole passage). **Save** appends the decisions
    (:func:`record_decisions`) and retrains (:func:`retrain`); ``save()`` does the same from code.
    """

    def __init__(self, session: CodingSession, batch: pd.DataFrame) -> None:
        import ipywidgets as w  # type: ignore[import-untyped]

        self.session, self.batch = session, batch
        self.shown = suggestions(session, batch)
        self.result: Round | None = None
        self._rows: list[tuple[pd.Series, dict[str, w.Checkbox], w.SelectMultiple, w.Text]] = []
        boxes = []
        for _, passage in batch.iterrows():
            mine = self.shown[self.shown["rank"] == passage["rank"]]
            checks = {
                c.code_id: w.Checkbox(
                    value=bool(c.suggested),
                    description=f"{c.name} ({c.probability:.2f})",
                    indent=False,
                )
                for c in mine.itertuples(index=False)
            }
            extra = w.SelectMultiple(
                options=[c for c in session.codes if c not in checks], description="add", rows=3
            )
            quote = w.Text(placeholder="exact words (blank: whole passage)", description="span")
            self._rows.append((passage, checks, extra, quote))
            header = w.HTML(
                f"<b>{passage['rank']}. {passage['source_id']} / {passage['unit']}</b>"
                f" ({passage['kind']})<br><i>{_escape(str(passage['text']))}</i>"
            )
            boxes.append(w.VBox([header, w.HBox(list(checks.values())), w.HBox([extra, quote])]))
        button = w.Button(description="Save and retrain", button_style="primary")
        self.output = w.Output()
        button.on_click(lambda _: self.save())
        self.widget = w.VBox([*boxes, button, self.output])

    def decisions(self) -> pd.DataFrame:
        """The panel's state as decisions: ticked suggested codes accepted, unticked rejected,
        ticked unsuggested or added codes added."""
        picked = self.shown[self.shown["suggested"]]
        suggested = set(zip(picked["rank"], picked["code_id"], strict=True))
        rows = []
        for passage, checks, extra, quote in self._rows:
            base = {
                "source_id": passage["source_id"],
                "unit": passage["unit"],
                "quote": quote.value,
            }
            for code, box in checks.items():
                was = (passage["rank"], code) in suggested
                if was:
                    rows.append(
                        {**base, "code_id": code, "decision": "accept" if box.value else "reject"}
                    )
                elif box.value:
                    rows.append({**base, "code_id": code, "decision": "add"})
            rows += [{**base, "code_id": code, "decision": "add"} for code in extra.value]
        return pd.DataFrame(rows, columns=["source_id", "unit", "code_id", "decision", "quote"])

    def save(self) -> Round:
        """Append the decisions shown, retrain, and show the progress table."""
        record_decisions(self.session, self.decisions(), passages=self.batch)
        self.result = retrain(self.session)
        self.output.clear_output()
        with self.output:
            from IPython.display import display

            display(self.result.progress)
        return self.result


def _escape(text: str) -> str:
    import html

    return html.escape(text)
