"""A wave's coding project: every source, every coded segment and every case, ready to export.

This assembles what the report's ``themes/`` folder and ``arf-eval export-themes`` hand to other
tools (NVivo, ATLAS.ti, MAXQDA, QualCoder): the (redacted) transcripts and free-text answers as
sources; the codebook rules' segments and the human coders' segments; and the cases with a few
coarse attributes. Respondents carry only role level and White / Global Majority, participants
the attributes of ``participants.csv``: enough to chart themes by group in another tool, not
enough to rebuild the survey's microdata.

``arf-eval import-themes`` reads another tool's ``.qdpx`` or ``.qdc`` back into the same tidy
frames, written as CSV files, with a list of what could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.text.codebook import Codebook, load_codebook
from evaluation.text.exports import QDPX_MAX_FREE_TEXT, read_theme_file, write_theme_exports
from evaluation.text.refi_qda import QdaProject
from evaluation.text.rules import RuleCoder
from evaluation.text.segments import answer_units, turn_units

RESPONDENT_ATTRIBUTES = ("role_level", "ethnicity_group")
PARTICIPANT_ATTRIBUTES = ("role_level", "org_type", "ethnicity_group")
FACILITATOR = "F"  # facilitators are F, or F1, F2... once pseudonymised (io.transcripts)


def _is_facilitator(speakers: pd.Series) -> pd.Series:
    return speakers.astype("string").str.fullmatch(r"F\d*").fillna(False).astype(bool)


@dataclass
class ThemeProject:
    """The frames of one coding project (see :func:`evaluation.text.refi_qda.export_qdpx`)."""

    codebook: Codebook
    sources: pd.DataFrame
    segments: pd.DataFrame
    cases: pd.DataFrame
    turns: pd.DataFrame | None

    def write(
        self,
        folder: Path | str,
        project_name: str,
        subfolder: str = "themes",
        max_free_text_sources: int | None = QDPX_MAX_FREE_TEXT,
    ) -> dict[str, Path]:
        """Write ``folder/themes/`` (or ``folder/<subfolder>``): project.qdpx, codebook.qdc and
        .yaml, coded segments, cases.

        Above ``max_free_text_sources`` answers the project holds a stratified sample of them
        (see :mod:`evaluation.text.exports`); None writes every answer whatever their number.
        """
        return write_theme_exports(
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
        )


def _cases(survey: pd.DataFrame, answers: pd.DataFrame, turns: pd.DataFrame | None) -> pd.DataFrame:
    writers = survey[survey["respondent_id"].isin(answers["speaker_or_respondent"])]
    respondents = writers[["respondent_id", *RESPONDENT_ATTRIBUTES]].rename(
        columns={"respondent_id": "case_id"}
    )
    frames = [respondents.astype("string")]
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
) -> ThemeProject:
    """Code every free-text answer and participant turn with the codebook's rules, add the human
    codings, and gather sources and cases. Inputs must already be redacted."""
    answers = answer_units(survey)
    units = [answers]
    source_rows = [
        pd.DataFrame(
            {
                "source_id": answers["source_id"],
                "kind": "free_text",
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
    rules = RuleCoder(codebook).code(pd.concat(units, ignore_index=True))
    segments = pd.concat([rules, *(codings or {}).values()], ignore_index=True)
    return ThemeProject(
        codebook=codebook,
        sources=pd.concat(source_rows, ignore_index=True).astype({"source_id": "string"}),
        segments=segments.sort_values(
            ["source_id", "start", "code_id", "coder"], kind="stable"
        ).reset_index(drop=True),
        cases=_cases(survey, answers, turns),
        turns=turns,
    )


def export_wave_themes(
    loaded: object,
    focus_group: Path | None,
    out: Path | str,
    codebook_path: Path | str,
    names: tuple[str, ...] = (),
    project_name: str = "ARF evaluation",
    facilitators: tuple[str, ...] = ("F",),
) -> list[Path]:
    """``arf-eval export-themes``: redact, code and export a loaded wave's themes into ``out``."""
    from evaluation.inputs import prepare_inputs

    prepared = prepare_inputs(loaded, focus_group, names, facilitators)  # type: ignore[arg-type]
    project = build_theme_project(
        load_codebook(codebook_path),
        prepared.survey.frame,
        prepared.turns,
        prepared.sources,
        prepared.codings,
    )
    paths = project.write(out, project_name=project_name, subfolder="")
    return list(paths.values())


def import_themes_to_folder(
    path: Path | str, out: Path | str, codebook_path: Path | str
) -> tuple[list[Path], list[str]]:
    """``arf-eval import-themes``: another tool's .qdpx/.qdc as tidy CSV files, and warnings.

    Codes are matched to the workbench's codebook (by GUID, id, then name) so that imported
    codings can be compared with the workbench's own (see :mod:`evaluation.text.agreement`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = read_theme_file(path, codebook=load_codebook(codebook_path).to_frame())
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
    written = []
    for name, frame in frames.items():
        target = out / f"{name}.csv"
        frame.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written, [str(w) for w in result.warnings]
