"""``arf-eval`` (also ``python -m evaluation``): the workbench's command line.

Each command is a thin wrapper over a package function. Bad input never shows a traceback: the
workbench's :class:`~evaluation.errors.InputError` is printed as the list of problems (file, row,
column, value) and the command exits with status 2; a failed report run exits with status 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.errors import InputError

app = typer.Typer(
    help="ARF Evaluation Workbench: validate, generate, analyse and report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., object])
mapping_app = typer.Typer(help="Column mappings of survey-platform exports.", no_args_is_help=True)
app.add_typer(mapping_app, name="mapping")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"arf-eval {version('arf-evaluation')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """ARF Evaluation Workbench: validate, generate, analyse and report."""


def friendly_errors(command: F) -> F:
    """Print input and pipeline errors as plain messages with a non-zero exit code."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> object:
        from evaluation.errors import PipelineError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except PipelineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM during a run: cleaned up already
            typer.echo(f"error: {exc or 'interrupted'}; nothing new was published", err=True)
            raise typer.Exit(130) from None
        except OSError as exc:  # disk full, read-only or missing output folder
            where = f" {exc.filename}" if exc.filename else ""
            typer.echo(f"error: cannot read or write{where}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _stop_cleanly_on_sigterm() -> None:
    """SIGTERM (a scheduler's stop, ``kill``) ends a run like Ctrl-C: the run's clean-up runs
    (no respondent-level cache left behind, the previous report kept)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


@app.command()
@friendly_errors
def validate(
    path: Annotated[
        Path,
        typer.Argument(help="A wave's evaluation.yaml, a wave folder, or a survey file."),
    ],
) -> None:
    """Validate a wave (as its config loads it: mapping applied) and print a readable report."""
    from evaluation.io.validation import validate_path

    report = validate_path(path)
    typer.echo(report.text())
    raise typer.Exit(0 if report.ok else 1)


@app.command()
@friendly_errors
def synth(
    wave: Annotated[int, typer.Option(help="Evaluation year.")] = 2025,
    respondents: Annotated[int, typer.Option(help="Number of survey respondents.")] = 274,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    out: Annotated[Path, typer.Option(help="Output wave folder.")] = Path("synthetic_wave"),
) -> None:
    """Generate a synthetic evaluation wave with planted, recorded effects."""
    from evaluation.synth import WAVES, generate_wave

    if wave not in WAVES:
        raise InputError(f"no synthetic parameters for wave {wave}: choose one of {sorted(WAVES)}")
    if respondents < 1:
        raise InputError(f"--respondents must be at least 1, not {respondents}")

    folder = generate_wave(wave=wave, respondents=respondents, seed=seed, out=out)
    typer.echo(f"wrote synthetic wave {wave} ({respondents} respondents, seed {seed}) to {folder}")


@app.command()
@friendly_errors
def run(
    config: Annotated[Path, typer.Option(help="The wave's evaluation.yaml.")],
    scope: Annotated[str, typer.Option(help="region, icb or org.")] = "region",
    only: Annotated[
        str | None, typer.Option(help="One ICB name or org_code (with --scope icb/org).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Parallel packs (0 = all cores).")] = 0,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    pdf: Annotated[
        bool, typer.Option(help="Also print report.pdf beside report.html (headless Chromium).")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Build packs on this Dask scheduler (tcp://HOST:PORT), not locally."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the report here (region or --only), not reports/.")
    ] = None,
) -> None:
    """Run the wave's report notebooks and publish the report (or one pack per ICB/org)."""
    from evaluation.pipeline.config import load_config
    from evaluation.pipeline.packs import run_packs
    from evaluation.pipeline.run import check_scope, run_report

    _stop_cleanly_on_sigterm()
    check_scope(scope, only)
    cfg = load_config(config)
    if scope == "region" or only:
        result = run_report(cfg, scope, only, progress=progress, output_dir=out)
        typer.echo(f"report written to {result.output_dir / 'report.html'}")
        for step, seconds in result.timings.items():
            typer.echo(f"  {step:<32} {seconds:7.1f} s")
        if pdf:
            _print_pdf(result.output_dir / "report.html")
        return
    if scheduler:
        from evaluation.pipeline.distributed import run_packs_distributed

        summary = run_packs_distributed(cfg, scope, scheduler, progress=progress)
    else:
        summary = run_packs(cfg, scope, workers=workers or None, progress=progress)
    typer.echo(summary.text())
    if not summary.ok:
        raise typer.Exit(1)


def _print_pdf(html_path: Path) -> None:
    """Print a written report to PDF, or fail with a one-line reason (exit 2)."""
    from evaluation.pipeline.html import PdfEngineMissing, write_pdf

    try:
        typer.echo(f"PDF written to {write_pdf(html_path)}")
    except (PdfEngineMissing, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
@friendly_errors
def compare(
    more: Annotated[
        list[int] | None, typer.Argument(metavar="WAVES", help="The waves, e.g. 2025 2026.")
    ] = None,
    waves: Annotated[
        int | None, typer.Option(help="First wave; `--waves 2025 2026` also works.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="A wave's evaluation.yaml: compare with its previous_wave.")
    ] = None,
    source: Annotated[str, typer.Option(help="Data source folder under survey_data/.")] = (
        "synthetic"
    ),
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    pdf: Annotated[bool, typer.Option(help="Also print report.pdf (headless Chromium).")] = False,
) -> None:
    """Compare headline indicators between two waves (year-on-year report)."""
    from evaluation.pipeline.compare import run_comparison, run_comparison_from_config
    from evaluation.pipeline.config import load_config

    if config is not None:
        result = run_comparison_from_config(load_config(config), progress=progress)
    else:
        chosen = ([waves] if waves is not None else []) + list(more or [])
        if len(chosen) != 2:
            raise typer.BadParameter(
                f"give exactly two waves (got {chosen}), e.g. --waves 2025 2026, or --config"
            )
        result = run_comparison(chosen, source=source, progress=progress)
    typer.echo(f"comparison written to {result.output_dir / 'report.html'}")
    if pdf:
        _print_pdf(result.output_dir / "report.html")


@app.command()
@friendly_errors
def audit(
    report_dir: Annotated[Path, typer.Argument(help="A report folder (with tables/).")],
    min_cell: Annotated[int, typer.Option(help="Minimum cell size.")] = DEFAULT_MIN_CELL,
) -> None:
    """Check every published table for small or recoverable cells; non-zero exit if any."""
    from evaluation.audit import audit_exit_code

    code, text = audit_exit_code(report_dir, min_cell=min_cell)
    typer.echo(text)
    raise typer.Exit(code)


@app.command("export-themes")
@friendly_errors
def export_themes(
    wave: Annotated[
        Path, typer.Argument(help="A wave's evaluation.yaml, or a wave folder holding one.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for project.qdpx, codebook.qdc, CSVs.")],
    codebook: Annotated[Path | None, typer.Option(help="Codebook YAML.")] = None,
) -> None:
    """Code a wave's transcripts and free text and export the themes (REFI-QDA, CSV, Parquet)."""
    from evaluation.pipeline.config import find_config, load_config
    from evaluation.themes import export_wave_themes

    cfg = load_config(find_config(wave))
    written = export_wave_themes(cfg, out, codebook_path=codebook)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("import-survey")
@friendly_errors
def import_survey(
    export: Annotated[Path, typer.Argument(help="A platform export (CSV, XLSX, SPSS .sav).")],
    mapping: Annotated[Path, typer.Option(help="Its column mapping (YAML).")],
    out: Annotated[Path, typer.Option(help="The canonical survey CSV to write.")],
) -> None:
    """Write a platform export as the canonical survey CSV (instrument columns and labels)."""
    from evaluation.io.mapping import write_canonical_survey

    result = write_canonical_survey(export, mapping, out)
    typer.echo(result.text())
    raise typer.Exit(0 if result.ok else 1)


@mapping_app.command("draft")
@friendly_errors
def mapping_draft(
    export: Annotated[Path, typer.Argument(help="A platform export (CSV, XLSX, SPSS .sav).")],
    out: Annotated[Path, typer.Option(help="Where to write the draft mapping (YAML).")],
    format: Annotated[
        str, typer.Option(help="csv, xlsx, qualtrics, smartsurvey, spss, or auto.")
    ] = "auto",
    wave: Annotated[int | None, typer.Option(help="The wave, if the export has no column.")] = None,
) -> None:
    """Draft a column mapping by matching the export's question wording to the instrument's."""
    from evaluation.io.mapping_draft import write_draft

    if out.exists():
        raise InputError(f"{out} exists: the draft would overwrite it; choose another --out")
    draft = write_draft(export, out, format, wave)
    typer.echo(f"wrote {out}: {len(draft.mapping.get('columns', {}))} variables matched")
    for line in draft.checks:
        typer.echo(f"  check: {line}")
    for column in draft.unmatched_columns:
        typer.echo(f"  not matched: column {column!r} (map it or drop it)")
    for variable in draft.unmatched_variables:
        typer.echo(f"  not matched: variable {variable!r}")
    typer.echo("Confirm every line of the draft before using it (mapping: in evaluation.yaml).")


@app.command("import-themes")
@friendly_errors
def import_themes(
    project: Annotated[Path, typer.Argument(help="A .qdpx project or .qdc codebook.")],
    out: Annotated[Path, typer.Option(help="Folder for the tidy CSV frames.")],
) -> None:
    """Import a REFI-QDA project or codebook made by another tool into tidy CSV frames."""
    from evaluation.paths import CODEBOOK
    from evaluation.themes import import_themes_to_folder

    written, warnings = import_themes_to_folder(project, out, CODEBOOK)
    for path in written:
        typer.echo(f"wrote {path}")
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


quotes_app = typer.Typer(
    help="The wave's quote bank: candidate quotes per theme, signed off by a person.",
    no_args_is_help=True,
)
app.add_typer(quotes_app, name="quotes")


@quotes_app.command("build")
@friendly_errors
def quotes_build(
    wave: Annotated[Path, typer.Argument(help="A wave's evaluation.yaml, or its folder.")],
    per_theme: Annotated[int, typer.Option(help="Candidate quotes per theme.")] = 5,
    suggester: Annotated[
        bool, typer.Option(help="Rank by the suggester's probability (trained on human codes).")
    ] = True,
) -> None:
    """Build or refresh the wave's quote bank (quotes/quote_bank.csv); sign-offs are kept."""
    from evaluation.pipeline.config import find_config, load_config
    from evaluation.text.quotes import CANDIDATE, signed
    from evaluation.themes import build_quote_bank

    if per_theme < 1:
        raise InputError(f"--per-theme must be at least 1, not {per_theme}")
    cfg = load_config(find_config(wave))
    path, bank = build_quote_bank(cfg, per_theme=per_theme, use_suggester=suggester)
    candidates = bank[bank["status"] == CANDIDATE]
    themes, done = candidates["code_id"].nunique(), int(signed(bank).sum())
    typer.echo(f"wrote {path}: {len(candidates)} candidates, {themes} themes, {done} signed off")
    typer.echo("Read each candidate; sign it off by filling signed_off_by and signed_off_on.")


@quotes_app.command("sign")
@friendly_errors
def quotes_sign(
    wave: Annotated[Path, typer.Argument(help="A wave's evaluation.yaml, or its folder.")],
    quote_ids: Annotated[list[str] | None, typer.Argument(help="Quote ids to sign off.")] = None,
    by: Annotated[str, typer.Option(help="Who signs off (kept in the private bank only).")] = "",
    on: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today.")] = None,
    top: Annotated[
        int, typer.Option(help="Synthetic waves only: sign the best N candidates per theme.")
    ] = 0,
) -> None:
    """Record a sign-off of quotes in the wave's bank (the report shows only signed quotes)."""
    from evaluation.pipeline.config import find_config, load_config
    from evaluation.themes import sign_quotes

    cfg = load_config(find_config(wave))
    path, count = sign_quotes(cfg, quote_ids or [], by, on, top=top)
    typer.echo(f"signed off {count} quote(s) in {path}")


outcomes_app = typer.Typer(help="Public NHS Staff Survey outcomes.", no_args_is_help=True)
app.add_typer(outcomes_app, name="outcomes")


@outcomes_app.command("tidy")
@friendly_errors
def outcomes_tidy(
    folder: Annotated[Path, typer.Argument(help="A folder of public NHS Staff Survey files.")],
    out: Annotated[Path, typer.Option(help="The tidy panel CSV to write.")],
) -> None:
    """Read every public outcomes file in FOLDER into one tidy panel; say what was skipped."""
    from evaluation.outcomes.panel import read_folder

    data = read_folder(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    data.panel.to_csv(out, index=False)
    organisations = out.with_name(f"{out.stem}_organisations.csv")
    data.organisations.to_csv(organisations, index=False)
    for name in data.read:
        typer.echo(f"read {name}")
    for name, reason in data.skipped:
        typer.echo(f"skipped {name}: {reason}")
    typer.echo(f"wrote {len(data.panel):,} rows to {out} and the organisations to {organisations}")


code_app = typer.Typer(
    help="The coding loop for spreadsheet coders: a batch to code, then read it back.",
    no_args_is_help=True,
)
app.add_typer(code_app, name="code")


@code_app.command("next")
@friendly_errors
def code_next_batch(
    coder: Annotated[str, typer.Option(help="The coder: A (codings_coder_a.csv), B...")],
    n: Annotated[int, typer.Option(min=1, help="Passages in the batch.")] = 20,
    config: Annotated[Path, typer.Option(help="The wave's evaluation.yaml or folder.")] = Path(),
    other: Annotated[str | None, typer.Option(help="The other human coder.")] = None,
    out: Annotated[Path | None, typer.Option(help="Batch file (default: coding_batches/).")] = None,
) -> None:
    """Write the next batch the suggester proposes as a CSV to fill (accept / reject / add)."""
    from evaluation.coding_session import open_session, write_batch_file

    session = open_session(config, coder, other)
    path = write_batch_file(session, n, out)
    typer.echo(f"wrote {path}: fill 'decision' (accept / reject; add rows with 'add')")


@code_app.command("take")
@friendly_errors
def code_take_batch(
    file: Annotated[Path, typer.Argument(help="A filled batch file from 'arf-eval code next'.")],
    config: Annotated[Path, typer.Option(help="The wave's evaluation.yaml or folder.")] = Path(),
    other: Annotated[str | None, typer.Option(help="The other human coder.")] = None,
) -> None:
    """Check a filled batch file, append it to the coder's codings file, retrain and measure."""
    from evaluation.coding_session import batch_coder, open_session, take_batch_file

    session = open_session(config, batch_coder(file), other, train=False)
    appended, measured = take_batch_file(session, file)
    typer.echo(f"appended {len(appended)} rows to {session.codings_file}")
    typer.echo(measured.progress.to_string(index=False))


@code_app.command("import")
@friendly_errors
def code_import_project(
    project: Annotated[Path, typer.Argument(help="A .qdpx coded in another tool.")],
    config: Annotated[Path, typer.Option(help="The wave's evaluation.yaml or folder.")] = Path(),
) -> None:
    """Append a project coded elsewhere (from the workbench's export) to its coders' files."""
    from evaluation.coding_session import import_coded_project

    written, warnings = import_coded_project(config, project)
    for path in written:
        typer.echo(f"appended to {path}")
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
