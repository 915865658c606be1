"""What a report notebook uses: the scoped survey, and numbered, safe tables and figures.

A notebook opens a :class:`ReportContext` in its first cell. The context loads the wave once per
pipeline run (the pipeline caches the validated, redacted survey in the report's work folder, so
seven notebooks do not validate the same file seven times), restricts it to the report's scope
(region, one ICB or one organisation), and publishes:

- ``rep.table(frame, name, title)``: checks the table with the disclosure audit (a table with a
  cell resting on fewer than ``min_cell`` respondents, or a recoverable suppressed cell, is refused,
  not published), writes ``tables/<name>.csv`` with spreadsheet-formula neutralisation, records it
  in ``tables/index.json`` and shows it as "Table <section>.<k>";
- ``rep.figure(fig, name, title, caption)``: writes ``figures/<name>.png`` and ``.svg`` without
  timestamps and shows it as "Figure <section>.<k>".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.errors import InputError
from evaluation.io.survey import LoadedSurvey, load_survey

WORK_DIR = "_work"
SURVEY_CACHE = "survey.parquet"
ACCOUNT_CACHE = "row_account.csv"
TURNS_CACHE = "turns.parquet"
SOURCES_CACHE = "sources.json"
CODINGS_PREFIX = "codings_"
SCOPES = ("region", "icb", "org")


def _display(*objects: object) -> None:
    """Show objects in a notebook; silently do nothing outside IPython."""
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    display(*objects)


def _markdown(text: str) -> object:
    from IPython.display import Markdown

    return Markdown(text)


def _html_table(frame: pd.DataFrame) -> object:
    """A table as the report shows it: no index column, no truncated text, blanks for missing."""
    from IPython.display import HTML

    with pd.option_context("display.max_colwidth", None):
        return HTML(frame.to_html(index=False, na_rep="", border=0, classes="arf-table"))


def scope_survey(frame: pd.DataFrame, scope: str, scope_value: str | None) -> pd.DataFrame:
    """Restrict a survey frame to a report's scope: the region, one ICB or one organisation."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    if scope == "region":
        return frame
    if not scope_value:
        raise ValueError(f"scope {scope!r} needs a scope_value (the ICB name or org_code)")
    column = "icb" if scope == "icb" else "org_code"
    scoped = frame[frame[column] == scope_value]
    if scoped.empty:
        raise ValueError(f"no respondents with {column} = {scope_value!r}")
    return scoped.reset_index(drop=True)


@dataclass
class ReportContext:
    """One notebook's view of the report being built (see the module docstring)."""

    data_dir: Path
    output_dir: Path
    section: int
    scope: str = "region"
    scope_value: str | None = None
    min_cell: int = 11
    survey: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    account: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    turns: pd.DataFrame | None = field(default=None, repr=False)
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    codings: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _tables: int = 0
    _figures: int = 0

    @property
    def tables_dir(self) -> Path:
        return self.output_dir / "tables"

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"

    @property
    def work_dir(self) -> Path:
        return self.output_dir / WORK_DIR

    @property
    def scope_label(self) -> str:
        return "North West region" if self.scope == "region" else f"{self.scope_value}"

    def table(self, frame: pd.DataFrame, name: str, title: str, note: str = "") -> None:
        """Audit, write and show a publishable table as "Table <section>.<k>"."""
        from evaluation.disclosure import audit_table
        from evaluation.safe_output import safe_path, write_csv

        problems = audit_table(frame, min_cell=self.min_cell)
        if problems:
            listed = "; ".join(str(p) for p in problems[:5])
            raise ValueError(f"table {name!r} is not safe to publish: {listed}")
        self._tables += 1
        number = f"{self.section}.{self._tables}"
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        write_csv(frame, safe_path(self.tables_dir, f"{name}.csv"))
        entry = {
            "number": number,
            "title": title,
            "note": note,
            "columns": [str(c) for c in frame.columns],
            "rows": len(frame),
            "disclosure": frame.attrs.get("disclosure"),
        }
        self._register("tables", name, entry)
        _display(_markdown(f"**Table {number}.** {title}"), _html_table(frame))
        if note:
            _display(_markdown(f"*{note}*"))

    def figure(self, fig: plt.Figure, name: str, title: str, caption: str = "") -> None:
        """Save a figure as PNG and SVG (no timestamps) and show it with its number."""
        from evaluation.plots.style import save_figure
        from evaluation.safe_output import safe_filename

        self._figures += 1
        number = f"{self.section}.{self._figures}"
        save_figure(fig, self.figures_dir, safe_filename(name))
        self._register("figures", name, {"number": number, "title": title, "caption": caption})
        _display(_markdown(f"**Figure {number}.** {title}"), fig)
        if caption:
            _display(_markdown(f"*{caption}*"))
        plt.close(fig)

    def findings(self, sentences: list[str], heading: str = "Key findings") -> None:
        """Show computed findings as a bulleted list (each sentence built from a result)."""
        bullets = "\n".join(f"- {sentence}" for sentence in sentences)
        _display(_markdown(f"**{heading}**\n\n{bullets}"))

    def _register(self, kind: str, name: str, entry: dict) -> None:
        """Record a published table or figure in ``<kind>/index.json`` (for the manifest).

        Notebooks of one report run in parallel, so the read-modify-write holds a file lock.
        """
        import fcntl

        folder = self.tables_dir if kind == "tables" else self.figures_dir
        folder.mkdir(parents=True, exist_ok=True)
        index_path = folder / "index.json"
        with open(folder / ".index.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            index = json.loads(index_path.read_text()) if index_path.exists() else {}
            index[name] = {"section": self.section, **entry}
            text = json.dumps(dict(sorted(index.items())), indent=2, sort_keys=True) + "\n"
            index_path.write_text(text)


TEXT_COLUMNS = ("comment_change", "comment_other")


@dataclass
class PreparedInputs:
    """The wave's inputs made safe for a report: validated, redacted, with redaction counts."""

    survey: LoadedSurvey
    turns: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)
    redactions: pd.DataFrame = field(default_factory=pd.DataFrame)
    codings: dict[str, pd.DataFrame] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # real names redacted (speakers, names file): for the audit


def _redacted_codings(
    folder: Path,
    raw_sources: dict[str, str],
    names: tuple[str, ...],
    group: object | None = None,
    cleared: frozenset[str] = frozenset(),
) -> dict[str, pd.DataFrame]:
    """Human codings (``codings_<coder>.csv``) moved onto the redacted transcripts.

    A coder's offsets point into the transcript as recorded; pseudonymising the speakers and
    redaction change its length, so each segment's offsets are moved with the same replacements
    as the turns (``group``: the :class:`~evaluation.io.transcripts.FocusGroupInput`) and its
    text re-read from the redacted transcript (a coding never carries text the report would have
    scrubbed, nor a speaker's name).
    """
    from evaluation.redact import redact_turns
    from evaluation.text.segments import read_segments

    codings = {}
    for path in sorted(folder.glob("codings_*.csv")):
        segments = read_segments(path)
        unknown = sorted(set(segments["source_id"]) - set(raw_sources))
        if unknown:
            raise InputError(f"codings refer to transcripts not in the folder: {unknown}", path)
        sources = raw_sources
        if group is not None:
            segments, sources = group.move(segments), group.sources
        moved, _, _ = redact_turns(segments, sources, names, cleared)
        codings[path.stem.removeprefix("codings_")] = moved
    return codings


def read_names(path: Path | str | None) -> tuple[str, ...]:
    """Names to redact wherever they appear (one per line; ``#`` starts a comment)."""
    if not path:
        return ()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(line.split("#")[0].strip() for line in lines if line.split("#")[0].strip())


def prepare_inputs(
    loaded: LoadedSurvey,
    focus_group_dir: Path | str | None,
    names: tuple[str, ...] = (),
    facilitators: tuple[str, ...] = ("F",),
) -> PreparedInputs:
    """Pseudonymise speakers, hold identifying passages and redact, before any notebook runs.

    This happens once, here, so no table, quote, figure or export downstream can carry an
    e-mail address, phone number, NHS number, postcode, staff number, URL, name or a speaker's
    real name; the counts (never the values) go to the manifest. Speakers become ``P01``...
    and ``F1``... (:func:`evaluation.io.transcripts.pseudonymise_focus_groups`; the map stays in
    the focus-group folder); passages that may identify someone by description wait in the
    wave's ``review/queue.csv`` (:mod:`evaluation.review`) and are held until cleared.
    """
    from evaluation.io.transcripts import TRANSCRIPT_SUFFIXES, pseudonymise_focus_groups
    from evaluation.redact import redact_frame, redact_turns
    from evaluation.review import cleared as cleared_items
    from evaluation.review import find_items, update_queue

    private = Path(loaded.path).parent if loaded.path else None
    folder = Path(focus_group_dir) if focus_group_dir else None
    group = None
    if (
        folder
        and folder.is_dir()
        and any(p.suffix.lower() in TRANSCRIPT_SUFFIXES for p in folder.iterdir())
    ):
        group = pseudonymise_focus_groups(folder, facilitators)
        names = tuple(names) + group.names
    cleared = cleared_items(private)
    columns = [c for c in TEXT_COLUMNS if c in loaded.frame.columns]
    frame, counts = redact_frame(loaded.frame, columns, names, cleared)
    counts = counts.rename(columns={"column": "source"})
    survey = LoadedSurvey(frame=frame, account=loaded.account, problems=loaded.problems,
                          path=loaded.path)  # fmt: skip
    prepared = PreparedInputs(survey=survey, redactions=counts)
    answers = {
        f"{rid}__{c}": v
        for c in columns
        for rid, v in zip(loaded.frame["respondent_id"], loaded.frame[c], strict=True)
        if isinstance(v, str)
    } if "respondent_id" in loaded.frame.columns else {}  # fmt: skip
    if group is not None:
        turns, sources, turn_counts = redact_turns(group.turns, group.sources, names, cleared)
        turn_counts = turn_counts.rename(columns={"source_id": "source"})
        prepared.turns, prepared.sources = turns, sources
        prepared.redactions = pd.concat([counts, turn_counts], ignore_index=True)
        prepared.codings = _redacted_codings(folder, group.sources, names, group, cleared)
        answers |= group.sources
    update_queue(private, find_items(answers, names))
    prepared.names = tuple(names)
    return prepared


def cache_inputs(prepared: PreparedInputs, output_dir: Path) -> None:
    """Write the prepared inputs where every notebook of this run will find them."""
    work = Path(output_dir) / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    prepared.survey.frame.to_parquet(work / SURVEY_CACHE, index=False)
    prepared.survey.account.to_csv(work / ACCOUNT_CACHE, index=False)
    if prepared.turns is not None:
        prepared.turns.to_parquet(work / TURNS_CACHE, index=False)
        (work / SOURCES_CACHE).write_text(json.dumps(prepared.sources), encoding="utf-8")
    for coder, segments in prepared.codings.items():
        segments.to_parquet(work / f"{CODINGS_PREFIX}{coder}.parquet", index=False)


def load_inputs(
    data_dir: Path | str,
    output_dir: Path | str,
    focus_group_dir: Path | str | None = None,
    names: tuple[str, ...] = (),
) -> PreparedInputs:
    """The prepared inputs: from the pipeline's cache when present, else prepared now."""
    work = Path(output_dir) / WORK_DIR
    if (work / SURVEY_CACHE).exists():
        frame = pd.read_parquet(work / SURVEY_CACHE)
        account = pd.read_csv(work / ACCOUNT_CACHE, dtype={"reason": str}, keep_default_na=False)
        survey = LoadedSurvey(frame=frame, account=account, path=Path(data_dir) / "survey.csv")
        prepared = PreparedInputs(survey=survey)
        if (work / TURNS_CACHE).exists():
            prepared.turns = pd.read_parquet(work / TURNS_CACHE)
            prepared.sources = json.loads((work / SOURCES_CACHE).read_text(encoding="utf-8"))
        for path in sorted(work.glob(f"{CODINGS_PREFIX}*.parquet")):
            prepared.codings[path.stem.removeprefix(CODINGS_PREFIX)] = pd.read_parquet(path)
        return prepared
    loaded = load_survey(Path(data_dir), on_error="exclude")
    return prepare_inputs(loaded, focus_group_dir, names)


def open_report(
    data_dir: Path | str,
    output_dir: Path | str,
    section: int,
    scope: str = "region",
    scope_value: str | None = None,
    min_cell: int = 11,
    focus_group_dir: Path | str | None = None,
) -> ReportContext:
    """Open a notebook's report context (the first call of every report notebook)."""
    data_dir, output_dir = Path(data_dir), Path(output_dir)
    prepared = load_inputs(data_dir, output_dir, focus_group_dir)
    return ReportContext(
        data_dir=data_dir,
        output_dir=output_dir,
        section=section,
        scope=scope,
        scope_value=scope_value,
        min_cell=min_cell,
        survey=scope_survey(prepared.survey.frame, scope, scope_value),
        account=prepared.survey.account,
        turns=prepared.turns,
        sources=prepared.sources,
        codings=prepared.codings,
    )
