"""Coded themes in forms researchers can reuse, and the alignment of two codings for agreement.

:func:`write_theme_exports` writes the ``themes/`` folder of a report: the whole project for QDA
tools (``project.qdpx``), the codebook (``codebook.qdc`` for QDA tools, ``codebook.yaml`` in the
workbench's own format), the coded segments (``coded_segments.csv`` / ``.parquet``, the contract
columns) and ``codes_by_case.csv`` for spreadsheet users. :func:`read_theme_file` reads a ``.qdpx``
or ``.qdc`` made by any REFI-QDA tool. :func:`align_codings` turns coded segments from several
coders (for example the workbench's and those imported from NVivo) into per-unit presence columns,
the input that Cohen's kappa and Krippendorff's alpha take.

**National scale.** A REFI-QDA project of hundreds of thousands of answers is a file no QDA tool
opens usefully. Above ``max_free_text_sources`` free-text answers (default
:data:`QDPX_MAX_FREE_TEXT`), ``project.qdpx`` holds every transcript and a stratified random
sample of the answers instead (strata: the cases' attributes, proportional allocation, at least
one per stratum), with its sampling frame in ``qdpx_sampling_frame.csv`` (per stratum: answers,
sampled, sampling fraction, weight) and the sampled answers in ``qdpx_sample.csv``; the project's
description says so. ``coded_segments.csv``/``.parquet`` and ``codes_by_case.csv`` stay complete:
they are what one analyses at that scale. The sample is a pure function of the source ids (a
SHA-1 order within each stratum), so re-running a report gives the same sample.

``codes_by_case.csv`` has one row per case (participant or respondent, pseudonymous ids) with the
attributes of ``cases``: research microdata for the evaluation team, not a published table. The
caller decides which attributes a case may carry (the application layer withholds any that would
rebuild a cell the report hides); the counts written here (the sampling frame's) go through
:func:`evaluation.disclosure.suppress`. Every CSV is written by
:func:`evaluation.safe_output.write_csv`: a passage or label starting ``= + - @``, tab or CR cannot
run as a formula in the spreadsheet that opens it (read back with
:func:`evaluation.safe_output.read_csv_restored`, which gives back the text as it was).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evaluation.disclosure import DEFAULT_MIN_CELL, suppress
from evaluation.errors import InputError
from evaluation.safe_output import write_csv
from evaluation.text.refi_qda import (
    SEGMENT_COLUMNS,
    QdaCodebook,
    QdaProject,
    export_qdc,
    export_qdpx,
    import_qdc,
    import_qdpx,
)

# Codebook fields that are lists in codebook.yaml (Codebook.to_frame joins them with " | ").
_LIST_FIELDS = ("include", "exclude", "examples", "patterns")
# Free-text answers in project.qdpx above which it holds a stratified sample of them instead.
QDPX_MAX_FREE_TEXT = 5_000
FREE_TEXT_KIND = "free_text"
_SAMPLE_SALT = "arf-qdpx-sample:"
_MISSING_STRATUM = "(not recorded)"


def write_theme_exports(
    folder: str | Path,
    codebook: pd.DataFrame,
    sources: pd.DataFrame,
    segments: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    turns: pd.DataFrame | None = None,
    *,
    version: str,
    project_name: str,
    principles: Mapping[str, str] | None = None,
    subfolder: str = "themes",
    max_free_text_sources: int | None = QDPX_MAX_FREE_TEXT,
    min_cell: int = DEFAULT_MIN_CELL,
) -> dict[str, Path]:
    """Write every theme export into ``folder/themes/`` (``folder/<subfolder>``; ``""``: into
    ``folder`` itself) and return the paths by short name.

    Files: ``project.qdpx`` (see :func:`~evaluation.text.refi_qda.export_qdpx` for the frames),
    ``codebook.qdc``, ``codebook.yaml``, ``coded_segments.csv``, ``coded_segments.parquet`` and
    ``codes_by_case.csv``; above ``max_free_text_sources`` free-text answers (None: no limit)
    ``project.qdpx`` holds a stratified sample of them, described by ``qdpx_sampling_frame.csv``
    and ``qdpx_sample.csv`` (see the module docstring). Every file is a pure function of the
    inputs (no dates), so re-running a report leaves them byte-identical. The sampling frame's
    counts are suppressed below ``min_cell``.
    """
    themes = Path(folder) / subfolder
    themes.mkdir(parents=True, exist_ok=True)
    project = {"sources": sources, "segments": segments, "cases": cases}
    note = None
    n_free_text = int((sources["kind"] == FREE_TEXT_KIND).sum())
    limit = n_free_text if max_free_text_sources is None else max_free_text_sources
    sampled = n_free_text > limit
    if sampled:
        frame, sample = sample_free_text_sources(sources, cases, limit)
        project = _restrict_project(sources, segments, cases, set(sample["source_id"]))
        note = (
            f"This project holds a stratified random sample of {len(sample):,} of the "
            f"{n_free_text:,} free-text answers (strata: {', '.join(_frame_strata(frame))}; "
            "proportional allocation) and every transcript. The sampling frame is in "
            "qdpx_sampling_frame.csv; coded_segments.csv holds every coded answer."
        )
    paths = {
        "qdpx": export_qdpx(
            themes / "project.qdpx",
            codebook,
            project["sources"],
            project["segments"],
            project["cases"],
            turns,
            version=version,
            project_name=project_name,
            note=note,
        ),
        "qdc": export_qdc(themes / "codebook.qdc", codebook, version),
        "yaml": write_codebook_yaml(themes / "codebook.yaml", codebook, version, principles),
    }
    tidy = tidy_segments(segments)
    paths["csv"] = write_csv(tidy, themes / "coded_segments.csv")
    paths["parquet"] = themes / "coded_segments.parquet"
    tidy.to_parquet(paths["parquet"], index=False)
    paths["codes_by_case"] = write_csv(
        codes_by_case(segments, codebook, cases, sources), themes / "codes_by_case.csv"
    )
    if sampled:
        paths["qdpx_sampling_frame"] = write_csv(
            suppress_sampling_frame(frame, min_cell), themes / "qdpx_sampling_frame.csv"
        )
        paths["qdpx_sample"] = write_csv(sample, themes / "qdpx_sample.csv")
    return paths


def suppress_sampling_frame(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """The QDPX sampling frame with stratum counts of 1 to ``min_cell - 1`` shown as ``[c]``
    (with the fraction and weight computed from them; the strata add up to a known total)."""
    strata = _frame_strata(frame)
    return suppress(
        frame.astype({c: "string" for c in strata}),
        n_col=None,
        count_cols=["answers", "sampled"],
        dependent_cols={"answers": ["fraction", "weight"], "sampled": ["fraction", "weight"]},
        group_cols=strata,
        totals_known=True,
        min_cell=min_cell,
    )


def _strata_columns(cases: pd.DataFrame | None) -> list[str]:
    """The case attributes that define the strata (all of them but ``case_id``)."""
    return [] if cases is None else [c for c in cases.columns if c != "case_id"]


def _frame_strata(frame: pd.DataFrame) -> list[str]:
    """The stratum columns of a sampling frame."""
    return [c for c in frame.columns if c not in ("answers", "sampled", "fraction", "weight")]


def _sample_key(source_id: str) -> str:
    return hashlib.sha1((_SAMPLE_SALT + source_id).encode()).hexdigest()


def sample_free_text_sources(
    sources: pd.DataFrame, cases: pd.DataFrame | None, size: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stratified sample of ``size`` free-text sources, and its sampling frame.

    Strata are the combinations of the answering case's attributes (``cases`` columns other than
    ``case_id`` that some answering case has; one stratum, ``stratum = "all"``, when there are
    none; a missing value is its own level). Allocation
    is proportional (largest remainders, at least one answer per stratum, so the total can exceed
    ``size`` by at most the number of strata); within a stratum the answers are taken in the
    order of a SHA-1 of their source id, which is a fixed pseudo-random order. Returns
    ``(frame, sample)``: ``frame`` one row per stratum (attributes, ``answers``, ``sampled``,
    ``fraction``, ``weight`` = answers / sampled); ``sample`` one row per sampled source
    (``source_id``, ``case_id``, attributes, ``weight``), sorted by source id.
    """
    if size < 1:
        raise InputError("the QDPX sample of free-text answers needs a size of at least 1")
    strata = _strata_columns(cases)
    free = sources.loc[sources["kind"] == FREE_TEXT_KIND, ["source_id", "case_id"]].astype(str)
    if strata and cases is not None:
        attributes = cases[["case_id", *strata]].astype("string")
        attributes["case_id"] = attributes["case_id"].astype(str)
        free = free.merge(attributes, on="case_id", how="left", validate="many_to_one")
        # attributes no answering case has (a focus-group participant's) make no strata
        strata = [c for c in strata if free[c].notna().any()]
        free = free[["source_id", "case_id", *strata]]
        free[strata] = free[strata].astype(object).fillna(_MISSING_STRATUM)
    if not strata:
        strata = ["stratum"]
        free["stratum"] = "all"
    free["_key"] = [_sample_key(s) for s in free["source_id"]]
    counts = free.groupby(strata, sort=True).size().rename("answers").reset_index()
    share = counts["answers"] * min(size, len(free)) / len(free)
    allocated = share.astype(int).clip(lower=1)
    spare = min(size, len(free)) - int(allocated.sum())
    if spare > 0:  # largest remainders first (ties: the larger stratum, then frame order)
        order = (share - share.astype(int)).sort_values(ascending=False, kind="stable").index
        allocated.loc[order[:spare]] += 1
    counts["sampled"] = allocated.clip(upper=counts["answers"]).astype("int64")
    counts["fraction"] = counts["sampled"] / counts["answers"]
    counts["weight"] = counts["answers"] / counts["sampled"]
    ranked = free.sort_values([*strata, "_key"], kind="stable")
    ranked["_rank"] = ranked.groupby(strata, sort=False).cumcount()
    ranked = ranked.merge(counts[[*strata, "sampled", "weight"]], on=strata, how="left")
    sample = ranked[ranked["_rank"] < ranked["sampled"]]
    sample = sample[["source_id", "case_id", *strata, "weight"]].sort_values("source_id")
    return counts, sample.reset_index(drop=True)


def _restrict_project(
    sources: pd.DataFrame,
    segments: pd.DataFrame,
    cases: pd.DataFrame | None,
    keep: set[str],
) -> dict[str, pd.DataFrame | None]:
    """The project frames with only the sampled free-text sources (and every other source)."""
    ids = sources["source_id"].astype(str)
    kept = (sources["kind"] != FREE_TEXT_KIND) | ids.isin(keep)
    out_sources = sources[kept]
    out_segments = segments[segments["source_id"].astype(str).isin(set(ids[kept]))]
    if cases is None:
        return {"sources": out_sources, "segments": out_segments, "cases": None}
    free_cases = set(sources.loc[sources["kind"] == FREE_TEXT_KIND, "case_id"].dropna().astype(str))
    kept_cases = set(out_sources["case_id"].dropna().astype(str))
    case_ids = cases["case_id"].astype(str)
    out_cases = cases[~case_ids.isin(free_cases) | case_ids.isin(kept_cases)]
    return {"sources": out_sources, "segments": out_segments, "cases": out_cases}


def read_theme_file(
    path: str | Path, codebook: pd.DataFrame | None = None
) -> QdaProject | QdaCodebook:
    """Read a ``.qdpx`` project or ``.qdc`` codebook from any REFI-QDA tool (chosen by suffix).

    ``codebook`` (for projects) maps the file's codes onto the workbench's code ids; see
    :func:`~evaluation.text.refi_qda.import_qdpx`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".qdpx":
        return import_qdpx(path, codebook)
    if suffix == ".qdc":
        return import_qdc(path)
    raise InputError(f"{path.name}: expected a .qdpx project or a .qdc codebook", file=path)


def tidy_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The coded segments with exactly the contract columns, in order, with stable dtypes.

    Offsets are ``Int64``, ``confidence`` is ``Float64``, everything else ``string``; rows sorted
    by source, offsets, code and coder so that the file does not depend on the order of coding.
    """
    missing = [c for c in SEGMENT_COLUMNS if c not in segments.columns]
    if missing:
        raise InputError(f"the segments frame lacks column(s) {missing}", file="segments")
    frame = segments[SEGMENT_COLUMNS].astype(
        {c: "string" for c in SEGMENT_COLUMNS if c not in ("start", "end", "confidence")}
        | {"start": "Int64", "end": "Int64", "confidence": "Float64"}
    )
    order = ["source_id", "start", "end", "code_id", "coder", "segment_id"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def write_codebook_yaml(
    path: str | Path,
    codebook: pd.DataFrame,
    version: str,
    principles: Mapping[str, str] | None = None,
) -> Path:
    """Write the codebook in the layout of ``survey_data/codebook.yaml`` (``version``, ``codes``).

    Each code is written under ``id`` (the frame's ``code_id``) with its other columns, missing
    values left out, so ``evaluation.text.codebook.load_codebook`` can read the file back. The
    list fields (``include``, ``exclude``, ``examples``, ``patterns``) are written as lists: given
    as lists, or as text joined with ``" | "`` (how ``Codebook.to_frame`` writes them). With
    ``principles`` (id -> name), a principle given by its name is written as its id.
    """
    principle_ids = {name: key for key, name in (principles or {}).items()}
    codes = []
    for record in codebook.to_dict(orient="records"):
        code: dict[str, object] = {"id": str(record.pop("code_id"))}
        for key, value in record.items():
            plain = _plain(value)
            if key in _LIST_FIELDS and isinstance(plain, str):
                plain = plain.split(" | ") if plain else []
            if key == "principle" and plain in principle_ids:
                plain = principle_ids[plain]
            if plain is not None or key == "parent":
                code[key] = plain
        codes.append(code)
    document: dict[str, object] = {"version": str(version)}
    if principles:
        document["principles"] = dict(principles)
    document["codes"] = codes
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
    return path


def _plain(value: object) -> object:
    """A YAML-safe Python value: lists for arrays, None for missing, builtins for numpy scalars."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):  # type: ignore[arg-type]
        return None
    return value.item() if isinstance(value, np.generic) else value


def codes_by_case(
    segments: pd.DataFrame,
    codebook: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per case, its attributes, then one 0/1 column per code (codebook order).

    A cell is 1 when any segment attributed to the case (``speaker_or_respondent``) carries the
    code, whoever coded it; codes are not rolled up to their parents. Cases are those in ``cases``,
    in ``sources.case_id`` and in the segments, so a case with no coded passage appears with zeros.
    Filter ``segments`` by ``coder`` first for one coder's view.
    """
    ids = set(segments["speaker_or_respondent"].dropna().astype(str))
    if cases is not None:
        ids |= set(cases["case_id"].astype(str))
    if sources is not None:
        ids |= set(sources["case_id"].dropna().astype(str))
    code_ids = list(codebook["code_id"].astype(str))
    present = segments.dropna(subset=["speaker_or_respondent"])
    table = pd.crosstab(
        present["speaker_or_respondent"].astype(str), present["code_id"].astype(str)
    )
    table = (table > 0).astype("int64").reindex(index=sorted(ids), columns=code_ids, fill_value=0)
    table = table.rename_axis(index="case_id", columns=None).reset_index()
    if cases is None:
        return table
    attributes = cases.assign(case_id=cases["case_id"].astype(str))
    return attributes.merge(table, on="case_id", how="right", validate="one_to_one")


def align_codings(
    codings: Mapping[str, pd.DataFrame],
    *,
    by: Sequence[str] = ("source_id",),
    codes: Sequence[str] | None = None,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Align several codings into per-unit presence: one row per (unit, code), one 0/1 column each.

    ``codings`` maps a label (``"workbench"``, ``"nvivo"``, a coder's name) to a segments frame. A
    unit is a combination of the ``by`` columns: a source by default, or (``source_id``,
    ``speaker_or_respondent``) for a participant's contribution to a transcript. The cell is 1
    when that coding applied the code anywhere in the unit. Presence per unit, rather than
    overlap of character spans, is what agreement statistics on qualitative codings usually use,
    and it is robust to coders choosing slightly different passage boundaries.

    Units are the union of units any coding touched, plus the rows of ``units`` (give it the full
    list of sources so that a unit nobody coded counts as agreement on absence). Codes are the
    union of applied codes unless ``codes`` (e.g. the codebook's ids) is given. Output columns:
    ``*by, code_id, <label>...``; feed the label columns to kappa or alpha.
    """
    by = list(by)
    if len(codings) < 2:
        raise InputError("align_codings needs at least two codings to compare")
    frames = []
    for label, frame in codings.items():
        missing = [c for c in [*by, "code_id"] if c not in frame.columns]
        if missing:
            raise InputError(f"coding {label!r} lacks column(s) {missing}")
        frames.append(frame[[*by, "code_id"]].astype("string").assign(_label=label))
    stacked = pd.concat(frames, ignore_index=True).dropna()
    unit_frame = stacked[by].drop_duplicates()
    if units is not None:
        unit_frame = pd.concat([unit_frame, units[by].astype("string")]).drop_duplicates()
    code_list = list(codes) if codes is not None else sorted(stacked["code_id"].unique())
    grid = unit_frame.merge(
        pd.DataFrame({"code_id": pd.array(code_list, dtype="string")}), how="cross"
    )
    present = stacked.drop_duplicates().assign(_present=1)
    wide = present.pivot_table(
        index=[*by, "code_id"], columns="_label", values="_present", aggfunc="max"
    )
    aligned = grid.merge(wide.reset_index(), on=[*by, "code_id"], how="left")
    labels = list(codings)
    for label in labels:
        if label not in aligned.columns:
            aligned[label] = 0
    aligned[labels] = aligned[labels].fillna(0).astype("int64")
    aligned = aligned.sort_values([*by, "code_id"], kind="stable").reset_index(drop=True)
    return aligned[[*by, "code_id", *labels]]
