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

from evaluation.errors import InputError

app = typer.Typer(
    help="ARF Evaluation Workbench: validate, generate, analyse and report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., object])


def friendly_errors(command: F) -> F:
    """Print input and pipeline errors as plain messages with a non-zero exit code."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> object:
        from evaluation.pipeline.run import PipelineError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except PipelineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@friendly_errors
def validate(
    path: Annotated[Path, typer.Argument(help="A survey file (CSV/XLSX) or a wave folder.")],
) -> None:
    """Validate a survey file or wave folder and print a readable report."""
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
    from evaluation.synth import generate_wave

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
    scheduler: Annotated[
        str | None,
        typer.Option(help="Build packs on this Dask scheduler (tcp://HOST:PORT), not locally."),
    ] = None,
) -> None:
    """Run the wave's report notebooks and publish the report (or one pack per ICB/org)."""
    from evaluation.pipeline.config import load_config
    from evaluation.pipeline.packs import run_packs
    from evaluation.pipeline.run import run_report

    cfg = load_config(config)
    if scope == "region" or only:
        result = run_report(cfg, scope, only, progress=progress)
        typer.echo(f"report written to {result.output_dir / 'report.html'}")
        for step, seconds in result.timings.items():
            typer.echo(f"  {step:<32} {seconds:7.1f} s")
        return
    summary = run_packs(cfg, scope, workers=workers or None, progress=progress, scheduler=scheduler)
    typer.echo(summary.text())
    if not summary.ok:
        raise typer.Exit(1)


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


@app.command()
@friendly_errors
def audit(
    report_dir: Annotated[Path, typer.Argument(help="A report folder (with tables/).")],
    min_cell: Annotated[int, typer.Option(help="Minimum cell size.")] = 11,
) -> None:
    """Check every published table for small or recoverable cells; non-zero exit if any."""
    from evaluation.audit import audit_exit_code

    code, text = audit_exit_code(report_dir, min_cell=min_cell)
    typer.echo(text)
    raise typer.Exit(code)


@app.command("export-themes")
@friendly_errors
def export_themes(
    wave_dir: Annotated[Path, typer.Argument(help="A wave folder with focus_group/.")],
    out: Annotated[Path, typer.Option(help="Folder for project.qdpx, codebook.qdc, CSVs.")],
    codebook: Annotated[Path | None, typer.Option(help="Codebook YAML.")] = None,
) -> None:
    """Code a wave's transcripts and free text and export the themes (REFI-QDA, CSV, Parquet)."""
    from evaluation.text.project import export_wave_themes

    written = export_wave_themes(wave_dir, out, codebook_path=codebook)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("import-themes")
@friendly_errors
def import_themes(
    project: Annotated[Path, typer.Argument(help="A .qdpx project or .qdc codebook.")],
    out: Annotated[Path, typer.Option(help="Folder for the tidy CSV frames.")],
) -> None:
    """Import a REFI-QDA project or codebook made by another tool into tidy CSV frames."""
    from evaluation.text.project import import_themes_to_folder

    written, warnings = import_themes_to_folder(project, out)
    for path in written:
        typer.echo(f"wrote {path}")
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
