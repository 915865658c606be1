"""Themes for the wave: the coding project, the restricted ``themes/`` tier and the quote bank.

This is the application layer of the thematic strand: it knows the ARF survey (which columns are
free text, which attributes a case carries), the wave's folders and the report context, and it
composes the general text tools of :mod:`evaluation.text` (rules, suggester, REFI-QDA, quotes),
which know none of that.

**The ``themes/`` tier (restricted).** ``themes/`` beside a report's ``tables/`` holds passages
and pseudonymous cases for the evaluation team (NVivo, ATLAS.ti, MAXQDA, QualCoder, a
spreadsheet), never for publication. Its rules:

1. Every passage is redacted, and a passage held in the review queue reads
   ``[held for review]`` (:func:`evaluation.inputs.prepare_inputs` does both before any coding).
2. Nothing in it rebuilds a cell the report hides. A respondent case carries its role level
   (the only survey attribute the report breaks themes down by) only when its role group's row
   of the themes-by-role breakdown is shown in full (no ``[c]``), for the rules' coding and for
   every coder together; otherwise the role is withheld (blank) for every case of that group.
   Respondents carry no other survey attribute (two attributes would give role x ethnicity cells
   no published table checks). Summing ``codes_by_case.csv`` over the role groups it shows gives
   only published cells; over the withheld cases, only sums of two or more hidden cells (the
   published table's secondary suppression guarantees that). Focus-group participants keep the
   attributes of ``participants.csv``: the team recorded them itself, and no published table
   breaks focus-group themes down by them.
3. Every other count in it goes through :func:`evaluation.disclosure.suppress` and is audited
   before it is written (:func:`publish_restricted`; the candidate topics' ``n_passages``, the
   QDPX sampling frame's stratum counts).
4. Every CSV in it is written by :func:`evaluation.safe_output.write_csv` (spreadsheet formulas
   neutralised, UTF-8 with BOM), and each is described in ``themes/index.json``.

**The quote bank** (``<wave folder>/quotes/quote_bank.csv``, private, beside ``review/``):
candidate quotes per theme (:func:`evaluation.text.quotes.candidate_quotes`), each with its
case's pseudonym and role level (only where the wave's group has at least ``min_cell``
members), and ``signed_off_by`` / ``signed_off_on`` for a person to fill. ``arf-eval quotes
build`` refreshes it without losing a sign-off; the report shows only signed-off quotes
(:func:`report_quotes`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, MARKER, TableSpec, audit_table, suppress
from evaluation.errors import InputError
from evaluation.io.transcripts import is_facilitator
from evaluation.safe_output import safe_path, write_csv
from evaluation.text import quotes as quote_tools
from evaluation.text.codebook import Codebook, load_codebook
from evaluation.text.exports import (
    QDPX_MAX_FREE_TEXT,
    read_theme_file,
    suppress_sampling_frame,
    write_theme_exports,
)
from evaluation.text.framework import themes_by_attribute
from evaluation.text.refi_qda import QdaProject
from evaluation.text.rules import RuleCoder
from evaluation.text.segments import answer_units, segments_to_units, turn_units

if TYPE_CHECKING:
    from evaluation.inputs import PreparedInputs
    from evaluation.io.survey import LoadedSurvey
    from evaluation.pipeline.config import EvaluationConfig
    from evaluation.publishing import ReportContext

RESPONDENT_ATTRIBUTE = "role_level"
PARTICIPANT_ATTRIBUTES = ("role_level", "org_type", "ethnicity_group")
THEMES_DIR = "themes"
QUOTES_DIR = "quotes"
QUOTE_BANK = "quote_bank.csv"
HELD_MARKER = "[held for review]"
FREE_TEXT_KIND = "free_text"


def _is_facilitator(speakers: pd.Series) -> pd.Series:
    """Facilitators are F, or F1, F2... once pseudonymised (the rule of
    :func:`evaluation.io.transcripts.is_facilitator`), for a column of speakers."""
    return speakers.map(is_facilitator).astype(bool)


# -- the restricted tier ----------------------------------------------------------------------
def publish_restricted(
    rep: ReportContext,
    frame: pd.DataFrame,
    name: str,
    description: str,
    *,
    spec: TableSpec | None = None,
) -> Path:
    """Write ``themes/<name>.csv`` of the report (formula-safe), described in
    ``themes/index.json``; the restricted tier's counterpart of ``rep.table``.

    A frame with counts must come through :func:`~evaluation.disclosure.suppress` (its structure
    in ``frame.attrs["disclosure"]``, or ``spec``): it is audited like a published table, with
    the report's ``min_cell``, and refused if a cell is unsafe. Every file notebook 05 writes to
    ``themes/`` goes through here.
    """
    declared = spec.as_dict() if spec is not None else frame.attrs.get("disclosure")
    if declared:
        problems = audit_table(
            frame, TableSpec.from_dict(declared), min_cell=rep.min_cell, name=name
        )
        if problems:
            listed = "; ".join(str(p) for p in problems[:5])
            raise ValueError(f"themes/{name}.csv is not safe to write: {listed}")
    folder = Path(rep.output_dir) / THEMES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = write_csv(frame, safe_path(folder, f"{name}.csv"))
    _describe(folder, path.stem, description, frame, declared)
    return path


def _describe(
    folder: Path, name: str, description: str, frame: pd.DataFrame, declared: object
) -> None:
    """Record ``themes/<name>.csv`` in ``themes/index.json``, keyed like ``tables/index.json``
    (by stem), so the report audit checks its declared structure."""
    from evaluation.publishing.context import record_in_index

    entry = {
        "description": description,
        "columns": [str(c) for c in frame.columns],
        "disclosure": declared or None,
        "tier": "restricted: the evaluation team, not for publication",
    }
    record_in_index(folder, name, entry, sort_keys=False)


def topics_table(topics: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Candidate topics with their passage counts suppressed (the topics partition the passages,
    so their total is treated as known: one small topic hides a second)."""
    frame = topics.copy()
    frame["topic"] = frame["topic"].astype(str)
    return suppress(
        frame,
        n_col=None,
        count_cols=["n_passages"],
        dependent_cols={"n_passages": ["uncoded_share"]},
        group_cols=["topic"],
        label_cols=[],
        totals_known=True,
        min_cell=min_cell,
    )


def shown_role_groups(
    segments: pd.DataFrame,
    answers: pd.DataFrame,
    writers: pd.DataFrame,
    codes: Sequence[str],
    min_cell: int,
) -> set[str]:
    """Role groups whose themes-by-role row is shown in full, for the rules and every coder.

    ``writers``: one row per free-text writer (``speaker_or_respondent``, ``role_level``). A group
    with any ``[c]`` in either view is withheld (see the module docstring, rule 2).
    """
    answer_ids = set(answers["source_id"].astype(str))
    mine = segments[segments["source_id"].astype(str).isin(answer_ids)]
    views = [mine[mine["coder"] == "rules"], mine]
    shown: set[str] | None = None
    for view in views:
        coded = segments_to_units(view, answers)
        table = themes_by_attribute(
            coded, answers, writers, RESPONDENT_ATTRIBUTE, codes, min_cell=min_cell
        )
        hidden = (table[["n", "count"]].astype("string") == MARKER).any(axis=1)
        full = set(table[RESPONDENT_ATTRIBUTE].astype(str)) - set(
            table.loc[hidden, RESPONDENT_ATTRIBUTE].astype(str)
        )
        shown = full if shown is None else shown & full
    return shown or set()


# -- the coding project -----------------------------------------------------------------------
@dataclass
class ThemeProject:
    """The frames of one coding project (see :func:`evaluation.text.refi_qda.export_qdpx`)."""

    codebook: Codebook
    sources: pd.DataFrame
    segments: pd.DataFrame
    cases: pd.DataFrame
    turns: pd.DataFrame | None
    min_cell: int = DEFAULT_MIN_CELL

    def write(
        self,
        folder: Path | str,
        project_name: str,
        subfolder: str = THEMES_DIR,
        max_free_text_sources: int | None = QDPX_MAX_FREE_TEXT,
    ) -> dict[str, Path]:
        """Write ``folder/themes/`` (or ``folder/<subfolder>``): project.qdpx, codebook.qdc and
        .yaml, coded segments, codes by case (all CSVs formula-safe, counts suppressed).

        Above ``max_free_text_sources`` answers the project holds a stratified sample of them
        (see :mod:`evaluation.text.exports`); None writes every answer whatever their number.
        """
        paths = write_theme_exports(
            folder,
            self.codebook.to_frame(),
            self.sources,
            self.segments,
            self.cases,
            self.turns,
            version=self.codebook.version,
            project_name=project_name,
            subfolder=subfolder,
            max_free_text_sources=max_free_text_sources,
            min_cell=self.min_cell,
        )
        target = Path(folder) / subfolder
        for key, path in paths.items():
            if path.suffix == ".csv":
                declared = None
                if key == "qdpx_sampling_frame":  # its structure, as suppression declared it
                    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
                    declared = suppress_sampling_frame(frame, self.min_cell).attrs["disclosure"]
                else:  # the header only: coded_segments.csv can be large
                    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", nrows=0)
                _describe(target, path.stem, _EXPORT_DESCRIPTIONS.get(key, key), frame, declared)
        return paths


_EXPORT_DESCRIPTIONS = {
    "csv": "Coded segments (contract columns): every coder's passages, offsets into the sources",
    "codes_by_case": "One row per case, 0/1 per code; respondents' role level only where the "
    "published themes-by-role row is shown in full",
    "qdpx_sampling_frame": "Strata of the QDPX sample of free-text answers (counts suppressed)",
    "qdpx_sample": "The free-text answers sampled into project.qdpx",
}


def _cases(
    survey: pd.DataFrame,
    answers: pd.DataFrame,
    turns: pd.DataFrame | None,
    shown_roles: set[str],
) -> pd.DataFrame:
    """Cases: respondents with a role level only in ``shown_roles``; participants as recorded."""
    writers = survey[survey["respondent_id"].isin(answers["speaker_or_respondent"])]
    respondents = pd.DataFrame(
        {
            "case_id": writers["respondent_id"].astype("string"),
            "role_level": writers[RESPONDENT_ATTRIBUTE].astype("string"),
        }
    )
    respondents["role_level"] = respondents["role_level"].where(
        respondents["role_level"].isin(shown_roles)
    )
    frames = [respondents]
    if turns is not None:
        present = [c for c in PARTICIPANT_ATTRIBUTES if c in turns.columns]
        participants = (
            turns.loc[~_is_facilitator(turns["speaker"]), ["speaker", *present]]
            .drop_duplicates("speaker")
            .rename(columns={"speaker": "case_id"})
        )
        frames.append(participants.astype("string"))
    return pd.concat(frames, ignore_index=True).sort_values("case_id").reset_index(drop=True)


def build_theme_project(
    codebook: Codebook,
    survey: pd.DataFrame,
    turns: pd.DataFrame | None = None,
    sources: dict[str, str] | None = None,
    codings: dict[str, pd.DataFrame] | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    rules: pd.DataFrame | None = None,
) -> ThemeProject:
    """Code every free-text answer and participant turn with the codebook's rules, add the human
    codings, and gather sources and cases (attributes as the tier's rules allow). Inputs must
    already be redacted. ``rules``: the rules' segments of these units when they are already
    coded (notebook 05's :attr:`ThemeInputs.rule_segments`), so they are not coded again."""
    answers = answer_units(survey)
    units = [answers]
    source_rows = [
        pd.DataFrame(
            {
                "source_id": answers["source_id"],
                "kind": FREE_TEXT_KIND,
                "text": answers["text"],
                "case_id": answers["speaker_or_respondent"],
            }
        )
    ]
    if turns is not None and sources:
        participant_turns = turn_units(turns)
        units.append(
            participant_turns[~_is_facilitator(participant_turns["speaker_or_respondent"])]
        )
        source_rows.append(
            pd.DataFrame(
                {
                    "source_id": list(sources),
                    "kind": "transcript",
                    "text": list(sources.values()),
                    "case_id": pd.NA,
                }
            )
        )
    if rules is None:
        rules = RuleCoder(codebook).code(pd.concat(units, ignore_index=True))
    segments = pd.concat([rules, *(codings or {}).values()], ignore_index=True)
    writers = survey.loc[
        survey["respondent_id"].isin(answers["speaker_or_respondent"]),
        ["respondent_id", RESPONDENT_ATTRIBUTE],
    ].rename(columns={"respondent_id": "speaker_or_respondent"})
    roles = shown_role_groups(segments, answers, writers, [c.code_id for c in codebook], min_cell)
    return ThemeProject(
        codebook=codebook,
        sources=pd.concat(source_rows, ignore_index=True).astype({"source_id": "string"}),
        segments=segments.sort_values(
            ["source_id", "start", "code_id", "coder"], kind="stable"
        ).reset_index(drop=True),
        cases=_cases(survey, answers, turns, roles),
        turns=turns,
        min_cell=min_cell,
    )


def _prepare(config: EvaluationConfig) -> tuple[LoadedSurvey, PreparedInputs]:
    """The wave loaded and prepared (validated, pseudonymised, redacted, held passages held)."""
    from evaluation.inputs import prepare_inputs, read_names
    from evaluation.io.wave import load_wave

    loaded = load_wave(config)
    prepared = prepare_inputs(
        loaded, config.focus_group, read_names(config.redact_names), config.facilitators
    )
    return loaded, prepared


def export_wave_themes(
    config: EvaluationConfig,
    out: Path | str,
    codebook_path: Path | str | None = None,
) -> list[Path]:
    """``arf-eval export-themes``: redact, code and export a wave's themes into ``out``."""
    _, prepared = _prepare(config)
    project = build_theme_project(
        load_codebook(codebook_path or config.codebook),
        prepared.survey.frame,
        prepared.turns,
        prepared.sources,
        prepared.codings,
        min_cell=config.min_cell,
    )
    paths = project.write(out, project_name=f"ARF evaluation {config.wave}", subfolder="")
    return list(paths.values())


def import_themes_to_folder(
    path: Path | str, out: Path | str, codebook_path: Path | str | None = None
) -> tuple[list[Path], list[str]]:
    """``arf-eval import-themes``: another tool's .qdpx/.qdc as tidy CSV files, and warnings.

    Codes are matched to the workbench's codebook (by GUID, id, then name) so that imported
    codings can be compared with the workbench's own (see :mod:`evaluation.text.agreement`).
    Every file is written formula-safe (a passage or code name starting ``=`` in someone else's
    project cannot run in the spreadsheet that opens it); read them back with
    :func:`evaluation.safe_output.read_csv_restored`.
    """
    from evaluation.paths import CODEBOOK

    book = load_codebook(codebook_path or CODEBOOK)  # the bundled one
    result = read_theme_file(path, codebook=book.to_frame())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)  # after reading: a refusal creates nothing
    if isinstance(result, QdaProject):
        frames = {
            "codebook": result.codebook,
            "sources": result.sources,
            "segments": result.segments,
            "coders": result.coders,
            "cases": result.cases,
        }
    else:
        frames = {"codebook": result.codebook}
    written = [write_csv(frame, safe_path(out, f"{name}.csv")) for name, frame in frames.items()]
    return written, [str(w) for w in result.warnings]


# -- the quote bank ---------------------------------------------------------------------------
def quote_bank_path(config: EvaluationConfig) -> Path:
    """``<wave folder>/quotes/quote_bank.csv``: private, beside ``review/``, never in reports."""
    return Path(config.data_dir) / QUOTES_DIR / QUOTE_BANK


def _is_held(private_dir: Path | str | None) -> Callable[[str], bool]:
    """A test for (redacted) text holding an identifying passage not cleared in the wave's
    review queue: cleared passages are recognised by their raw and their redacted words."""
    from evaluation.redact import identifying_passages
    from evaluation.review import cleared, cleared_as_redacted

    known = cleared(private_dir) | cleared_as_redacted(private_dir)

    def held(text: str) -> bool:
        return any(key not in known for _, _, key in identifying_passages(text))

    return held


def quotable_units(
    survey: pd.DataFrame, turns: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, people): free-text answers and participants' turns, and each unit's case with
    its kind (``free_text`` / ``focus_group``) and role level."""
    answers = answer_units(survey)
    participant_turns = turn_units(turns)
    participant_turns = participant_turns[
        ~_is_facilitator(participant_turns["speaker_or_respondent"])
    ]
    units = pd.concat([answers, participant_turns], ignore_index=True)
    respondents = survey.loc[
        survey["respondent_id"].isin(answers["speaker_or_respondent"]),
        ["respondent_id", RESPONDENT_ATTRIBUTE],
    ].rename(columns={"respondent_id": "case_id"})
    respondents = respondents.assign(kind=FREE_TEXT_KIND)
    frames = [respondents.astype("string")]
    if turns is not None and RESPONDENT_ATTRIBUTE in turns.columns:
        speakers = turns.loc[~_is_facilitator(turns["speaker"]), ["speaker", RESPONDENT_ATTRIBUTE]]
        frames.append(
            speakers.drop_duplicates("speaker")
            .rename(columns={"speaker": "case_id"})
            .assign(kind="focus_group")
            .astype("string")
        )
    people = pd.concat(frames, ignore_index=True).drop_duplicates("case_id")
    return units, people.reset_index(drop=True)


def group_sizes(people: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Members of each (kind, role level) group: writers by role, participants by role."""
    counts = people.dropna(subset=[RESPONDENT_ATTRIBUTE]).groupby(
        ["kind", RESPONDENT_ATTRIBUTE], observed=True
    )
    return {(str(k), str(r)): int(n) for (k, r), n in counts.size().items()}


def _attributes(
    frame: pd.DataFrame, people: pd.DataFrame, min_cell: int
) -> tuple[pd.Series, pd.Series]:
    """(kind, role level where its group of that kind has at least ``min_cell`` members)."""
    lookup = people.set_index("case_id")
    kind = frame["case_id"].map(lookup["kind"]).astype("string")
    role = frame["case_id"].map(lookup[RESPONDENT_ATTRIBUTE]).astype("string")
    sizes = group_sizes(people)
    ok = [
        pd.notna(r) and sizes.get((str(k), str(r)), 0) >= min_cell
        for k, r in zip(kind, role, strict=True)
    ]
    return kind, role.where(pd.Series(ok, index=role.index, dtype=bool))


def _pseudonyms(frame: pd.DataFrame, old: pd.DataFrame | None) -> pd.Series:
    """Participants keep their speaker pseudonym (P01...); respondents become "Respondent N",
    numbered in order of first appearance and kept across refreshes."""
    given: dict[str, str] = {}
    if old is not None and not old.empty:
        known = old.dropna(subset=["case_id", "pseudonym"])
        given = dict(zip(known["case_id"].astype(str), known["pseudonym"].astype(str), strict=True))
    used = {int(p.split()[-1]) for p in given.values() if p.startswith("Respondent ")}
    following = max(used, default=0)
    out = []
    for case, kind in zip(frame["case_id"].astype(str), frame["kind"], strict=True):
        if case not in given:
            if kind == FREE_TEXT_KIND:
                following += 1
                given[case] = f"Respondent {following}"
            else:
                given[case] = case
        out.append(given[case])
    return pd.Series(out, index=frame.index, dtype="string")


def _suggester_confidence(
    units: pd.DataFrame, codings: Mapping[str, pd.DataFrame], codes: Sequence[str], seed: int
) -> pd.DataFrame | None:
    """The suggester's probability of each code per unit, trained on the human codings (None
    without any)."""
    from evaluation.text.segments import coded_units
    from evaluation.text.suggester import CodeSuggester

    if not codings:
        return None
    human = coded_units(dict(codings), units)
    if human.empty:
        return None
    key = units["source_id"].astype(str) + "\x1f" + units["unit"].astype(str)
    human_key = human["source_id"].astype(str) + "\x1f" + human["unit"].astype(str)
    coded = set(human_key)
    train = units[key.isin(coded).to_numpy()]
    labels = human.assign(_key=human_key).groupby("_key")["code_id"].agg(set)
    train_key = train["source_id"].astype(str) + "\x1f" + train["unit"].astype(str)
    model = CodeSuggester(random_state=seed).fit(
        train["text"].astype(str).tolist(), [labels.get(k, set()) for k in train_key]
    )
    proba = model.predict_proba(units["text"].astype(str).tolist())
    return proba.reindex(columns=list(codes))


def build_quote_bank(
    config: EvaluationConfig,
    *,
    per_theme: int = quote_tools.PER_THEME,
    use_suggester: bool = True,
) -> tuple[Path, pd.DataFrame]:
    """``arf-eval quotes build``: write or refresh the wave's quote bank; keep every sign-off.

    Candidates come from the prepared (redacted, review-held) free-text answers and
    participants' turns of the whole wave, coded by the codebook's rules and the human coders;
    confidence is the suggester's probability (trained on the human codings) where there are
    any, else 1.0. Returns the bank's path and the bank.
    """
    from evaluation.text.segments import coded_units

    _, prepared = _prepare(config)
    survey = prepared.survey.frame
    codebook = load_codebook(config.codebook)
    codes = codebook.leaf_ids
    units, people = quotable_units(survey, prepared.turns)
    rules = RuleCoder(codebook).code(units)
    codings = prepared.codings
    coded = coded_units({"rules": rules, **codings}, units)
    confidence = (
        _suggester_confidence(units, codings, codes, config.seed) if use_suggester else None
    )
    held = _is_held(config.data_dir)
    candidates = quote_tools.candidate_quotes(
        units,
        coded,
        codes,
        confidence=confidence,
        per_theme=per_theme,
        exclude_if_contains=(HELD_MARKER,),
        is_held=held,
    )
    path = quote_bank_path(config)
    old = quote_tools.read_bank(str(path))
    kind, role = _attributes(candidates, people, config.min_cell)
    candidates = candidates.assign(kind=kind, attribute=role)
    candidates["pseudonym"] = _pseudonyms(candidates, old)
    candidates.attrs["current"] = set(current_quotes(units, codes))
    bank = quote_tools.merge_bank(old, candidates)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(bank, path)
    return path, bank


def current_quotes(units: pd.DataFrame, codes: Sequence[str]) -> dict[str, str]:
    """Every (theme, passage) key a quote could have now, mapped to the passage's words."""
    words = units["text"].astype(str).map(lambda t: " ".join(t.split()))
    out = {}
    for source, text in zip(units["source_id"].astype(str), words, strict=True):
        for code in codes:
            out[quote_tools.quote_id(code, source, text)] = text
    return out


def sign_quotes(
    config: EvaluationConfig,
    quote_ids: Sequence[str],
    by: str,
    on: str | None = None,
    *,
    top: int = 0,
) -> tuple[Path, int]:
    """``arf-eval quotes sign``: record a person's sign-off of the given quotes in the bank.

    ``top`` signs the best ``top`` current candidates of every theme at once: only for a
    synthetic wave (its folder holds ``truth.json``), to ship a demonstration bank; a real
    quote is read and signed by a person, one by one. Returns the bank's path and how many
    quotes were signed.
    """
    path = quote_bank_path(config)
    bank = quote_tools.read_bank(str(path))
    if bank is None:
        raise InputError(f"no quote bank yet: run `arf-eval quotes build {config.path}` first")
    if not by.strip():
        raise InputError("--by names the person signing off")
    chosen = set(quote_ids)
    if not chosen and not top:
        raise InputError("name the quote(s) to sign off by their quote_id (or --top N, synthetic)")
    unknown = sorted(chosen - set(bank["quote_id"]))
    if unknown:
        raise InputError(f"{path}: no quote(s) {unknown[:5]} in the bank", file=path)
    if top:
        if not (Path(config.data_dir) / "truth.json").exists():
            raise InputError(
                "--top signs quotes unread: only for a synthetic wave (with truth.json); "
                "sign a real quote by its id after reading it"
            )
        rank = pd.to_numeric(bank["rank"], errors="coerce")
        best = bank[(bank["status"] == quote_tools.CANDIDATE) & (rank <= top)]
        chosen |= set(best["quote_id"])
    rows = bank["quote_id"].isin(chosen)
    bank.loc[rows, "signed_off_by"] = by.strip()
    bank.loc[rows, "signed_off_on"] = on or date.today().isoformat()
    write_csv(bank, path)
    return path, int(rows.sum())


# -- notebook 05 ------------------------------------------------------------------------------
@dataclass
class ThemeInputs:
    """What notebook 05 codes and counts, built once from the report context."""

    codebook: Codebook
    codes: list[str]
    names: dict[str, str]
    answers: pd.DataFrame  # free-text answers in scope, one unit each
    answer_segments: pd.DataFrame  # the rules' segments of the answers
    answer_coded: pd.DataFrame  # source_id, unit, code_id, coder
    writers: pd.DataFrame  # speaker_or_respondent, role_level: who wrote free text
    turns: pd.DataFrame  # every turn as a unit (facilitators' too)
    participant_turns: pd.DataFrame
    human: pd.DataFrame  # the human coders' presence per turn
    units: pd.DataFrame  # participant turns and answers
    rule_segments: pd.DataFrame  # the rules' segments of ``units`` (coded once)
    rules_coded: pd.DataFrame  # the rules' presence per unit of ``units``
    truth: pd.DataFrame | None  # the synthetic wave's planted themes (None for real data)
    role_order: list[str]


def theme_inputs(rep: ReportContext) -> ThemeInputs:
    """Code the report's answers and turns with the codebook's rules and gather the human
    codings (the inputs are the run's prepared, redacted ones)."""
    from evaluation.text.segments import coded_units

    codebook = load_codebook(rep.config.codebook)
    answers = answer_units(rep.survey)
    people = rep.survey[["respondent_id", RESPONDENT_ATTRIBUTE]].rename(
        columns={"respondent_id": "speaker_or_respondent"}
    )
    turns = turn_units(rep.turns)
    participant_turns = turns[~_is_facilitator(turns["speaker_or_respondent"])].reset_index(
        drop=True
    )
    units = pd.concat([participant_turns, answers], ignore_index=True)
    rule_segments = RuleCoder(codebook).code(units)  # one pass: every table below reuses it
    answer_segments = rule_segments[
        rule_segments["source_id"].isin(answers["source_id"])
    ].reset_index(drop=True)
    truth_path = Path(rep.data_dir) / "truth_themes.csv"
    role = rep.survey[RESPONDENT_ATTRIBUTE]
    return ThemeInputs(
        codebook=codebook,
        codes=codebook.leaf_ids,
        names={c.code_id: c.name for c in codebook},
        answers=answers,
        answer_segments=answer_segments,
        answer_coded=segments_to_units(answer_segments, answers),
        writers=people[people["speaker_or_respondent"].isin(answers["speaker_or_respondent"])],
        turns=turns,
        participant_turns=participant_turns,
        human=coded_units(rep.codings, turns),
        units=units,
        rule_segments=rule_segments,
        rules_coded=segments_to_units(rule_segments, units),
        truth=pd.read_csv(truth_path, dtype=str) if truth_path.exists() else None,
        role_order=[str(c) for c in role.cat.categories] if hasattr(role, "cat") else [],
    )


def coding_vs_truth(t: ThemeInputs, seed: int = 0) -> pd.DataFrame | None:
    """Rules (every unit), the suggester out of fold (trained on coder A's turns) and coder A
    against the planted themes; None without planted themes or human codings."""
    from evaluation.text import evaluate
    from evaluation.text.suggester import CodeSuggester

    coder_a = t.human[t.human["coder"] == "coder_a"]
    if t.truth is None or coder_a.empty:
        return None
    suggested = evaluate.out_of_fold_coding(
        CodeSuggester(random_state=seed), t.participant_turns, coder_a, t.codes, seed=seed
    )
    scores = pd.concat(
        [
            evaluate.score_against_truth(t.units, t.rules_coded, t.truth, t.codes).assign(
                coder="rules"
            ),
            evaluate.score_against_truth(t.participant_turns, suggested, t.truth, t.codes).assign(
                coder="suggester (turns)"
            ),
            evaluate.score_against_truth(t.participant_turns, coder_a, t.truth, t.codes).assign(
                coder="coder A (turns)"
            ),
        ]
    )
    return scores[["coder", "code_id", "support", "precision", "recall", "f1"]].round(3)


def candidate_topics(t: ThemeInputs, min_cell: int, seed: int = 0) -> pd.DataFrame:
    """Candidate themes by topic modelling of every unit, passage counts suppressed."""
    from evaluation.text import discovery, evaluate

    topics = discovery.discover_themes(
        t.units, n_topics=8, code_sets=evaluate.units_code_sets(t.units, t.rules_coded), seed=seed
    )
    return topics_table(topics, min_cell)


def show_quotes(rep: ReportContext, t: ThemeInputs) -> pd.DataFrame:
    """Publish the signed-off quotes of the wave's bank that this report may show (a table);
    with none, say so and how to sign one off. Returns the quotes shown."""
    bank = quote_bank_path(rep.config)
    shown = report_quotes(
        rep.survey,
        rep.turns,
        bank,
        t.codes,
        t.names,
        rep.min_cell,
        population=rep.population,
        pack_min_respondents=rep.config.pack_min_respondents,
    )
    if len(shown):
        rep.table(
            shown,
            "themes_signed_off_quotes",
            "Quotes signed off for publication, by theme (pseudonyms; role level where its "
            f"group has at least {rep.min_cell} members)",
        )
    else:
        rep.findings(no_quotes_note(bank, _config_name(rep.config.path)), heading="Quotes")
    if shown.attrs.get("not_shown", 0) > 0:
        rep.findings(
            [
                f"{shown.attrs['not_shown']} signed-off quote(s) of this report's people are not "
                "shown: their words changed since sign-off, or a passage is now held for review. "
                f"Refresh the bank (`arf-eval quotes build {_config_name(rep.config.path)}`) "
                "and sign them again after reading them."
            ],
            heading="Quotes not shown",
        )
    return shown


# -- the report -------------------------------------------------------------------------------
UNIT_COLUMNS = ("icb", "org_code")  # the units a pack can report on


def release_safe_roles(
    population: pd.DataFrame, min_cell: int, pack_min_respondents: int = 0
) -> set[str]:
    """Free-text writers whose role level any report of the release may show with their quote.

    The same quote (same words, same pseudonym) appears in the region report and in the packs
    of its ICB and organisation, so a role level shown in one is known in all: it is shown only
    if the writer's role group has at least ``min_cell`` writers in the wave, in their ICB and
    in their organisation (a unit with fewer than ``pack_min_respondents`` respondents gets no
    pack, so it sets no limit).
    """
    answers = answer_units(population)
    writers = population[population["respondent_id"].isin(answers["speaker_or_respondent"])]
    ok = writers[RESPONDENT_ATTRIBUTE].notna()
    for unit in (None, *[c for c in UNIT_COLUMNS if c in writers.columns]):
        keys = [RESPONDENT_ATTRIBUTE] if unit is None else [unit, RESPONDENT_ATTRIBUTE]
        size = writers.groupby(keys, observed=True, dropna=False)["respondent_id"].transform("size")
        if unit is None:
            ok &= size >= min_cell
            continue
        respondents = population[unit].astype("string").value_counts()
        in_unit = writers[unit].astype("string").map(respondents).fillna(0).astype(int)
        has_pack = in_unit >= pack_min_respondents
        ok &= ~has_pack | (size >= min_cell)
    return set(writers.loc[ok, "respondent_id"].astype(str))


def report_quotes(
    survey: pd.DataFrame,
    turns: pd.DataFrame | None,
    bank_path: Path | str,
    codes: Sequence[str],
    names: Mapping[str, str],
    min_cell: int,
    population: pd.DataFrame | None = None,
    pack_min_respondents: int = 0,
) -> pd.DataFrame:
    """The signed-off quotes a report in this scope may show, as a table for ``rep.table``.

    Shown: signed off, words unchanged since sign-off, the passage in the report's scope and not
    held; the role level only where the scope's group of that kind (writers, participants) has
    at least ``min_cell`` members and, given the whole wave (``population``), only where every
    report the quote can appear in (packs: units of ``pack_min_respondents`` or more) allows it
    (:func:`release_safe_roles`). Columns ``Theme,
    Quote, Who, Role level``.
    """

    units, people = quotable_units(survey, turns)
    current = current_quotes(units, codes)
    bank = quote_tools.read_bank(str(bank_path))
    if bank is not None:
        in_scope = set(people["case_id"].astype(str))
        bank = bank[bank["case_id"].astype(str).isin(in_scope)].copy()
        bank["attribute"] = _attributes(bank, people, min_cell)[1]
        if population is not None:
            answer = bank["kind"] == FREE_TEXT_KIND
            allowed = release_safe_roles(population, min_cell, pack_min_respondents)
            safe = bank["case_id"].astype(str).isin(allowed)
            bank["attribute"] = bank["attribute"].where(~answer | safe)
    held = _is_held(Path(bank_path).parent.parent)
    shown = quote_tools.shown_quotes(
        bank,
        current,
        exclude_if_contains=(HELD_MARKER,),
        is_held=held,
    )
    shown = shown[shown["code_id"].isin(list(codes))]
    table = pd.DataFrame(
        {
            "Theme": shown["code_id"].map(names).fillna(shown["code_id"]).astype("string"),
            "Quote": shown["text"].astype("string"),
            "Who": shown["pseudonym"].astype("string"),
            "Role level": shown["attribute"].astype("string").fillna("(not shown)"),
        }
    ).reset_index(drop=True)
    # signed quotes of this scope's cases that are not shown: words changed, or now held
    signed_here = 0 if bank is None else int(quote_tools.signed(bank).sum())
    table.attrs["not_shown"] = signed_here - len(table)
    return table


def _config_name(path: Path) -> str:
    """The config as a command would name it: relative to the workbench, else its file name."""
    from evaluation.paths import REPO_ROOT

    resolved = Path(path).resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return resolved.relative_to(REPO_ROOT).as_posix()
    return f"<the wave's {resolved.name}>"


def no_quotes_note(bank_path: Path | str, config_path: Path | str) -> list[str]:
    """What the report says when no quote is signed off: that, and how to sign one off."""
    return [
        "No quote has been signed off for this report yet, so none is shown.",
        f"Build or refresh the wave's quote bank with `arf-eval quotes build {config_path}`; it "
        f"is written to {Path(bank_path).parent.name}/{Path(bank_path).name} in the wave's own "
        "(private) folder.",
        "A person reads each candidate and signs it off by filling `signed_off_by` and "
        "`signed_off_on` (or `arf-eval quotes sign CONFIG QUOTE_ID --by NAME`); the next run "
        "shows the signed-off quotes, each with its pseudonym and role level where allowed.",
    ]
