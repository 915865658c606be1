"""The report context: what a report notebook uses (the scoped survey; numbered, safe tables
and figures).

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

Only ``arf-eval run`` publishes. The pipeline names its run folder in the kernel's environment
(:data:`RUN_DIR_ENV`); a notebook run by hand (JupyterLab, or papermill outside the pipeline) has
none, and writes into a scratch folder beside its config (``<config folder>/scratch/``), never
into ``reports/``: exploring with another ``min_cell`` cannot change a published report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.inputs import (
    PREVIOUS_CACHE,
    RELEASE_SUPPRESSION,
    RUN_FILE,
    WORK_DIR,
    load_inputs,
    scope_survey,
)
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import EvaluationConfig, load_config

RUN_DIR_ENV = "ARF_EVAL_RUN_DIR"
SCRATCH_DIR = "scratch"


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


def _html_table(frame: pd.DataFrame, caption: str = "", note: str = "") -> object:
    """A table as the report shows it: labels for people, caption inside, everything escaped."""
    from IPython.display import HTML

    from evaluation.plots.labels import html_table

    return HTML(html_table(frame, caption, note))


def _html(markup: str) -> object:
    from IPython.display import HTML

    return HTML(markup)


def figure_html(png: bytes, number: str, title: str, caption: str, alt: str) -> str:
    """A figure as the report shows it: the PNG inline, its own alt text, a numbered caption."""
    import base64
    import html

    data = base64.b64encode(png).decode("ascii")
    # shown at the figure's own size (saved at 150 dpi, drawn for 100): the PNG header has it
    width = int.from_bytes(png[16:20], "big") * 2 // 3 if png[:8] == b"\x89PNG\r\n\x1a\n" else 0
    size = f' width="{width}"' if width else ""
    parts = [
        '<figure class="arf-figure">',
        f'<img src="data:image/png;base64,{data}"{size} alt="{html.escape(alt, quote=True)}">',
        f"<figcaption><strong>Figure {html.escape(number)}.</strong> {html.escape(title)}",
    ]
    if caption:
        parts.append(f'<span class="figure-note">{html.escape(caption)}</span>')
    parts.append("</figcaption></figure>")
    return "".join(parts)


@dataclass
class ReportContext:
    """One notebook's view of the report being built (see the module docstring)."""

    config: EvaluationConfig
    output_dir: Path
    section: int
    scope: str = "region"
    scope_value: str | None = None
    min_cell: int = DEFAULT_MIN_CELL
    published: bool = False  # True in an ``arf-eval run``; False in a scratch (hand) run
    survey: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    previous: pd.DataFrame | None = field(default=None, repr=False)  # comparison reports
    previous_wave: int | None = None
    population: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # the whole wave
    account: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    turns: pd.DataFrame | None = field(default=None, repr=False)
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    codings: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _tables: int = 0
    _figures: int = 0

    @property
    def wave(self) -> int:
        return self.config.wave

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

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
        """The report's unit in words: the region, an ICB, or an organisation's name and code."""
        if self.scope == "region":
            return "North West region"
        if self.scope == "org" and "org_name" in self.survey and len(self.survey):
            return f"{self.survey['org_name'].iloc[0]} ({self.scope_value})"
        return f"{self.scope_value}"

    def publish(self, name: str, note: str = "") -> pd.DataFrame:
        """Build the declared survey table ``name`` (:mod:`evaluation.analyses.tables`) from the
        scoped survey, publish it under its declared title and return it (for a figure)."""
        from evaluation.analyses.tables import TABLES, build_table

        frame = build_table(name, self.survey, self.min_cell)
        title = TABLES[name].title.format(scope=self.scope_label)
        self.table(frame, name, title, note or str(frame.attrs.get("note", "")))
        return frame

    def table(self, frame: pd.DataFrame, name: str, title: str, note: str = "") -> None:
        """Round (:mod:`evaluation.rounding`), audit, write and show a publishable table as
        "Table <section>.<k>"."""
        from evaluation.disclosure import audit_table
        from evaluation.rounding import round_published
        from evaluation.safe_output import safe_path, write_csv

        self.released(frame, name)
        frame = round_published(frame)
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
        import html

        caption = f"<strong>Table {number}.</strong> {html.escape(title)}"
        _display(_html_table(frame, caption, note))

    def released(self, frame: pd.DataFrame, name: str) -> pd.DataFrame:
        """``frame`` (the table published as ``name``) with the cells the run's release pass
        chose for it hidden (:mod:`evaluation.pipeline.release`), in place: so a figure or a
        sentence drawn from the same frame shows what the table shows. :meth:`table` calls it;
        call it first where sentences are written before the table is published."""
        path = self.work_dir / RELEASE_SUPPRESSION
        declared = frame.attrs.get("disclosure")
        if not (self.published and declared and path.exists()):
            return frame
        cells = json.loads(path.read_text(encoding="utf-8")).get(name)
        if not cells:
            return frame
        from evaluation.release_audit import hide_cells

        out = hide_cells(frame.reset_index(drop=True), cells, declared, self.min_cell)
        for column in out.columns:
            frame[column] = out[column].to_numpy()
        frame.attrs["disclosure"] = out.attrs["disclosure"]
        return frame

    def figure(
        self, fig: plt.Figure, name: str, title: str, caption: str = "", alt: str = ""
    ) -> None:
        """Save a figure as PNG and SVG (no timestamps) and show it with its number.

        The image carries its own alternative text: ``alt``, else the text the plotting
        function wrote from the figure's data (:func:`evaluation.plots.style.set_alt_text`),
        else the title and caption.
        """
        from evaluation.plots.style import alt_text, save_figure
        from evaluation.safe_output import safe_filename

        self._figures += 1
        number = f"{self.section}.{self._figures}"
        png, _ = save_figure(fig, self.figures_dir, safe_filename(name))
        description = alt or alt_text(fig) or f"{title}. {caption}".strip()
        self._register(
            "figures",
            name,
            {"number": number, "title": title, "caption": caption, "alt": description},
        )
        _display(_html(figure_html(png.read_bytes(), number, title, caption, description)))
        plt.close(fig)

    def findings(self, sentences: list[str], heading: str = "Key findings") -> None:
        """Show computed findings as a bulleted list (each sentence built from a result)."""
        import html

        items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in sentences)
        _display(
            _html(
                f'<section class="findings"><h3>{html.escape(heading)}</h3>'
                f"<ul>{items}</ul></section>"
            )
        )

    def _register(self, kind: str, name: str, entry: dict) -> None:
        """Record a published table or figure in ``<kind>/index.json`` (for the manifest)."""
        folder = self.tables_dir if kind == "tables" else self.figures_dir
        folder.mkdir(parents=True, exist_ok=True)
        record_in_index(folder, name, {"section": self.section, **entry})


def record_in_index(folder: Path, name: str, entry: dict, *, sort_keys: bool = True) -> None:
    """Set ``name``'s entry in ``folder/index.json``. Notebooks of one report run in parallel,
    so the read-modify-write holds a file lock (``folder/.index.lock``)."""
    import fcntl

    index_path = folder / "index.json"
    with open(folder / ".index.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        index = json.loads(index_path.read_text()) if index_path.exists() else {}
        index[name] = entry
        text = json.dumps(dict(sorted(index.items())), indent=2, sort_keys=sort_keys) + "\n"
        index_path.write_text(text)


def scratch_dir(config: EvaluationConfig, scope: str, scope_value: str | None) -> Path:
    """Where a notebook run by hand writes: beside its config, never under ``reports/``."""
    from evaluation.safe_output import safe_path

    base = config.folder / SCRATCH_DIR / scope
    return base if scope == "region" else safe_path(base, scope_value or "")


def _run_settings(
    config: Path | str, scope: str, scope_value: str | None, min_cell: int | None
) -> tuple[EvaluationConfig, Path, bool, dict]:
    """(config, output folder, published?, run record) for a pipeline run or a hand run."""
    run_dir = os.environ.get(RUN_DIR_ENV)
    if not run_dir:
        cfg = load_config(config)
        return cfg, scratch_dir(cfg, scope, scope_value), False, {}
    run = json.loads((Path(run_dir) / WORK_DIR / RUN_FILE).read_text(encoding="utf-8"))
    cfg = load_config(run["config"])
    if (scope, scope_value or "") != (run["scope"], run["scope_value"]):
        raise ValueError(
            f"this run reports on scope {run['scope']!r} {run['scope_value']!r}, "
            f"not {scope!r} {scope_value!r}"
        )
    if min_cell not in (None, cfg.min_cell):
        raise ValueError(
            f"a published report uses the config's min_cell ({cfg.min_cell}), not {min_cell}: "
            "explore other thresholds in a notebook run by hand (it writes to scratch/)"
        )
    return cfg, Path(run_dir), True, run


def open_report(
    config: Path | str,
    section: int,
    scope: str = "region",
    scope_value: str | None = None,
    min_cell: int | None = None,
    previous_config: Path | str | None = None,
) -> ReportContext:
    """Open a notebook's report context (the first call of every report notebook).

    ``config`` is the wave's ``evaluation.yaml`` for a notebook run by hand; in an ``arf-eval run``
    the run's own config and cached inputs are used and the notebook publishes into the run.
    ``min_cell`` (default: the config's) may differ only in a hand run. ``previous_config`` opens
    the previous wave too (``rep.previous``), for the year-on-year report; without it, the config's
    ``previous_wave`` (if any) is opened, for "since the previous wave" readings.
    """
    scope_value = scope_value or None
    cfg, output_dir, published, run = _run_settings(config, scope, scope_value, min_cell)
    prepared = load_inputs(cfg, output_dir)
    previous, previous_wave = None, None
    earlier_path = run.get("previous_config") or previous_config or cfg.previous_wave
    if earlier_path:  # the comparison's previous wave, or the config's previous_wave
        earlier = load_config(earlier_path)
        cached = output_dir / WORK_DIR / PREVIOUS_CACHE
        use_cache = published and cached.exists()
        frame = pd.read_parquet(cached) if use_cache else load_wave(earlier).frame
        try:
            previous, previous_wave = scope_survey(frame, scope, scope_value), earlier.wave
        except ValueError:  # a unit without respondents last wave: nothing to compare with
            if previous_config is not None:
                raise
    rep = ReportContext(
        config=cfg,
        output_dir=output_dir,
        section=section,
        scope=scope,
        scope_value=scope_value,
        min_cell=cfg.min_cell if min_cell is None else int(min_cell),
        published=published,
        survey=scope_survey(prepared.survey.frame, scope, scope_value),
        previous=previous,
        previous_wave=previous_wave,
        population=prepared.survey.frame,
        account=prepared.survey.account,
        turns=prepared.turns,
        sources=prepared.sources,
        codings=prepared.codings,
    )
    if not published:
        _display(_markdown(f"*Scratch run (not a published report): outputs go to "
                           f"`{cfg.relative(output_dir)}/` beside the config. Only `arf-eval run` "
                           "publishes.*"))  # fmt: skip
    return rep
