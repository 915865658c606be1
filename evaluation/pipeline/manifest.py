"""The report's manifest: what went in, with what settings and software, and what came out.

``manifest.json`` lets anyone check that a report is what it claims to be: the SHA-256 of every
input file, the parameters, the versions of the packages that computed it, the git commit of the
workbench, each notebook's run time, the row account (rows read, analysed, excluded and why) and
the published tables and figures.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pandas as pd

from evaluation.errors import Problem, group_problems
from evaluation.io.survey import LoadedSurvey
from evaluation.paths import REPO_ROOT
from evaluation.pipeline.config import EvaluationConfig

PACKAGES = (
    "arf-evaluation", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "nltk",
    "matplotlib", "seaborn", "papermill", "nbconvert", "pandera", "pyarrow",
)  # fmt: skip


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(config: EvaluationConfig) -> list[Path]:
    """Every file the report reads: survey, focus-group folder, codebook, instrument, config."""
    from evaluation.instrument import INSTRUMENT_PATH, ORGANISATIONS_PATH

    files = [config.path, config.survey, config.codebook, INSTRUMENT_PATH, ORGANISATIONS_PATH]
    files += [p for p in (config.mapping, config.margins) if p]
    if config.focus_group and config.focus_group.is_dir():
        files += sorted(p for p in config.focus_group.rglob("*") if p.is_file())
    return [p for p in files if p.exists()]


def input_hashes(config: EvaluationConfig) -> dict[str, str]:
    """The SHA-256 of every input file, by its path as the config names it (the manifest's
    ``inputs``)."""
    return {config.display_path(p): sha256(p) for p in input_files(config)}


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> dict[str, object]:
    """The workbench's commit and whether the working tree had uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "HEAD")
    return {
        "commit": commit or None,
        "dirty": bool(git("status", "--porcelain")) if commit else None,
    }


def _redaction_counts(redactions: pd.DataFrame | None) -> dict[str, object]:
    """Personal data removed before analysis: totals by kind and by source (never the values)."""
    if redactions is None or redactions.empty:
        return {"total": 0, "by_type": {}, "by_source": {}}
    by_type = redactions.groupby("type")["count"].sum()
    by_source = redactions.groupby("source")["count"].sum()
    return {
        "total": int(redactions["count"].sum()),
        "by_type": {str(k): int(v) for k, v in by_type.items()},
        "by_source": {str(k): int(v) for k, v in by_source.items()},
    }


def _kept_problem(problem: Problem, config: EvaluationConfig) -> Problem:
    """A problem as the manifest keeps it: the file named as the config names it, and no value
    of a free-text column (an answer may hold a name or a phone number; row and column say
    where to look)."""
    from evaluation.instrument import load_instrument

    text_columns = {v.name for v in load_instrument().variables if v.type == "text"}
    value = None if problem.column in text_columns else problem.value
    return replace(problem, file=config.display_path(Path(problem.file)), value=value)


def _read_index(folder: Path) -> dict:
    index = folder / "index.json"
    return json.loads(index.read_text()) if index.exists() else {}


def write_manifest(
    report_dir: Path,
    config: EvaluationConfig,
    parameters: dict,
    loaded: LoadedSurvey,
    timings: dict[str, float],
    redactions: pd.DataFrame | None = None,
) -> Path:
    """Write ``manifest.json`` into a finished report folder.

    Every path is relative to the config's folder, so the same inputs give the same manifest on
    any machine (apart from ``timings_seconds``).
    """
    account = loaded.account
    manifest = {
        "title": config.title,
        "wave": config.wave,
        "parameters": {k: v for k, v in parameters.items() if k != "output_dir"},
        "config": config.as_dict(),
        "inputs": input_hashes(config),
        "software": package_versions(),
        "workbench": git_commit(),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "row_account": {
            "rows_read": len(account),
            "analysed": int((account["status"] == "analysed").sum()),
            "excluded": int((account["status"] == "excluded").sum()),
            "excluded_by_reason": {
                str(k): int(v)
                for k, v in account.loc[account["status"] == "excluded", "reason"]
                .value_counts()
                .sort_index()
                .items()
            },
            "problems": [str(_kept_problem(p, config)) for p in group_problems(loaded.problems)],
        },
        "redactions": _redaction_counts(redactions),
        "tables": _read_index(report_dir / "tables"),
        "figures": _read_index(report_dir / "figures"),
    }
    path = report_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
    return path
