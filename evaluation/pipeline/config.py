"""The evaluation config: one YAML per wave that says what to analyse and how.

``survey_data/<source>/<wave>/evaluation.yaml``::

    wave: 2025
    survey: survey.csv                 # relative to this file; CSV/XLSX, or an export + mapping
    mapping: null                      # column mapping file for platform exports (optional)
    focus_group: focus_group           # folder of transcripts, participants.csv, codings
    codebook: ../../codebook.yaml
    min_cell: 11                       # the NHS Staff Survey rule
    pack_min_respondents: 30           # organisations/ICBs below this get no pack of their own
    margins: null                      # population margins for raking weights (optional)
    on_invalid_rows: exclude           # or "fail": stop at the first invalid row
    max_excluded_share: 0.25           # refuse a run that would exclude more of the rows than this
    redact_names: null                 # file of names to redact (one per line), besides patterns
    facilitators: [F]                  # facilitators as recorded in transcripts: become F1, F2...
    previous_wave: ../2024/evaluation.yaml   # for year-on-year (optional)
    output: ../../../reports           # reports/<wave>/<scope>/ is written under this
    public_outcomes: null              # folder of public NHS Staff Survey results (optional)
    arf_status: null                   # ARF status register, arf_status.csv (optional)

Paths are resolved relative to the config file so a wave folder can be moved as a whole.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.errors import InputError, Problem
from evaluation.paths import REPO_ROOT, REPORTS, SURVEY_DATA
from evaluation.safe_yaml import load_yaml

Number = TypeVar("Number", int, float)

KNOWN_KEYS = {
    "wave", "survey", "mapping", "focus_group", "codebook", "min_cell", "pack_min_respondents",
    "margins", "on_invalid_rows", "previous_wave", "output", "seed", "title", "redact_names",
    "max_excluded_share",
    "public_outcomes", "arf_status",
    "facilitators",
}  # fmt: skip


@dataclass(frozen=True)
class EvaluationConfig:
    """A wave's evaluation settings, with every path resolved."""

    path: Path
    wave: int
    survey: Path
    focus_group: Path | None
    codebook: Path
    output: Path
    min_cell: int = DEFAULT_MIN_CELL
    pack_min_respondents: int = 30
    mapping: Path | None = None
    margins: Path | None = None
    on_invalid_rows: str = "exclude"
    previous_wave: Path | None = None
    redact_names: Path | None = None
    seed: int = 20250101
    title: str = "Evaluation of the NHS North West Anti-racist Framework"
    max_excluded_share: float = 0.25
    public_outcomes: Path | None = None
    arf_status: Path | None = None
    facilitators: tuple[str, ...] = ("F",)

    @property
    def data_dir(self) -> Path:
        return self.survey.parent

    @property
    def folder(self) -> Path:
        """The config's own folder: every path it names, and every path it reports, is relative
        to it, so a wave folder can move (or be run on another machine) as a whole."""
        return self.path.parent

    def relative(self, path: Path | None) -> str:
        """``path`` as the config would name it: relative to the config's folder, with ``/``."""
        if path is None:
            return ""
        return Path(os.path.relpath(path, self.folder)).as_posix()

    def display_path(self, path: Path | None) -> str:
        """``path`` named the same on any machine: relative to the config's folder when inside
        it, ``workbench:<path>`` for the workbench's own files (codebook, instrument), otherwise
        relative to the config's folder."""
        if path is None:
            return ""
        path = Path(path).resolve()
        if not path.is_relative_to(self.folder) and path.is_relative_to(REPO_ROOT):
            return f"workbench:{path.relative_to(REPO_ROOT).as_posix()}"
        return self.relative(path)

    def as_dict(self) -> dict:
        """Every setting, paths named as :meth:`display_path` does (the same on any machine).

        Facilitators are named as recorded (real names): the manifest shows their pseudonyms.
        """
        out = {
            k: (self.display_path(v) if isinstance(v, Path) else v)
            for k, v in asdict(self).items()
            if k != "path"
        } | {"path": self.path.name}
        out["facilitators"] = [f"F{i + 1}" for i in range(len(self.facilitators))]
        return out


def _problem(path: Path, key: str, message: str, value: object = None) -> InputError:
    return InputError([Problem(str(path), None, key, value, message)])


def find_config(path: Path | str) -> Path:
    """A config named directly, or the ``evaluation.yaml`` of a wave folder."""
    path = Path(path)
    if path.is_dir():
        if not (path / "evaluation.yaml").is_file():
            raise InputError(f"no evaluation.yaml in the folder {path}", file=path)
        return path / "evaluation.yaml"
    return path


def load_config(path: Path | str) -> EvaluationConfig:
    """Read and check an evaluation config; every path must exist (except the output folder)."""
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"config file not found: {path}", file=path)
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise InputError("expected a mapping of settings", file=path)
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise _problem(path, unknown[0], f"unknown setting; known: {sorted(KNOWN_KEYS)}")
    base = path.parent

    def resolve(key: str, default: str | None = None, must_exist: bool = True) -> Path | None:
        value = raw.get(key, default)
        if value in (None, ""):
            return None
        resolved = (base / str(value)).resolve()
        if must_exist and not resolved.exists():
            raise _problem(path, key, f"path does not exist: {resolved}", value)
        return resolved

    if "wave" not in raw:
        raise _problem(path, "wave", "the wave (year) is required")
    try:
        wave = int(raw["wave"])
    except (TypeError, ValueError) as exc:
        raise _problem(path, "wave", "expected a year", raw["wave"]) from exc
    on_invalid = raw.get("on_invalid_rows", "exclude")
    if on_invalid not in {"exclude", "fail"}:
        raise _problem(path, "on_invalid_rows", "expected 'exclude' or 'fail'", on_invalid)
    min_cell = _number(raw, "min_cell", 11, int, path, minimum=1)
    pack_min = _number(raw, "pack_min_respondents", 30, int, path, minimum=1)
    seed = _number(raw, "seed", 20250101, int, path, minimum=0)
    max_excluded = _number(raw, "max_excluded_share", 0.25, float, path, minimum=0.0)
    if max_excluded > 1:
        raise _problem(path, "max_excluded_share", "a share: between 0 and 1", max_excluded)
    codebook = resolve("codebook") or (SURVEY_DATA / "codebook.yaml")
    output = resolve("output", must_exist=False) or REPORTS
    return EvaluationConfig(
        path=path,
        wave=wave,
        survey=resolve("survey", "survey.csv"),  # type: ignore[arg-type]
        focus_group=resolve("focus_group"),
        codebook=codebook,
        output=output,
        min_cell=min_cell,
        pack_min_respondents=pack_min,
        mapping=resolve("mapping"),
        margins=resolve("margins"),
        on_invalid_rows=on_invalid,
        previous_wave=resolve("previous_wave"),
        redact_names=resolve("redact_names"),
        seed=seed,
        title=str(raw.get("title", EvaluationConfig.title)),
        max_excluded_share=max_excluded,
        public_outcomes=resolve("public_outcomes"),
        arf_status=resolve("arf_status"),
        facilitators=_facilitators(path, raw.get("facilitators", ["F"])),
    )


def _number(
    raw: dict, key: str, default: Number, kind: type[Number], path: Path, minimum: float
) -> Number:
    """A numeric setting, or an :class:`InputError` naming the file, the key and the value."""
    value = raw.get(key, default)
    wanted = "a whole number" if kind is int else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _problem(path, key, f"expected {wanted}", value)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise _problem(path, key, f"expected {wanted}", value) from None
    if kind is int and isinstance(value, float) and value != number:
        raise _problem(path, key, f"expected {wanted}", value)
    if number < minimum:
        raise _problem(path, key, f"must be at least {minimum}", value)
    return number


def _facilitators(path: Path, value: object) -> tuple[str, ...]:
    """The ``facilitators:`` setting: a name or a list of names (speakers as recorded)."""
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str | int) and str(v).strip() for v in value)
    ):
        raise _problem(path, "facilitators", "expected a list of names, e.g. [F] or [Jane Doe]")
    return tuple(str(v).strip() for v in value)


def destination(config: EvaluationConfig, scope: str, scope_value: str | None) -> Path:
    """``reports/<wave>/<scope>`` (region) or ``reports/<wave>/<scope>/<safe name>``."""
    from evaluation.safe_output import safe_path

    base = config.output / str(config.wave) / scope
    return base if scope == "region" else safe_path(base, scope_value or "")
