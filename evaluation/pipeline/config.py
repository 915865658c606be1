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
    redact_names: null                 # file of names to redact (one per line), besides patterns
    facilitators: [F]                  # facilitators as recorded in transcripts: become F1, F2...
    previous_wave: ../2024/evaluation.yaml   # for year-on-year (optional)
    output: ../../../reports           # reports/<wave>/<scope>/ is written under this

Paths are resolved relative to the config file so a wave folder can be moved as a whole.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from evaluation.errors import InputError, Problem
from evaluation.paths import REPORTS, SURVEY_DATA

KNOWN_KEYS = {
    "wave", "survey", "mapping", "focus_group", "codebook", "min_cell", "pack_min_respondents",
    "margins", "on_invalid_rows", "previous_wave", "output", "seed", "title", "redact_names",
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
    min_cell: int = 11
    pack_min_respondents: int = 30
    mapping: Path | None = None
    margins: Path | None = None
    on_invalid_rows: str = "exclude"
    previous_wave: Path | None = None
    redact_names: Path | None = None
    seed: int = 20250101
    title: str = "Evaluation of the NHS North West Anti-racist Framework"
    facilitators: tuple[str, ...] = ("F",)

    @property
    def data_dir(self) -> Path:
        return self.survey.parent

    def parameters(self, scope: str = "region", scope_value: str | None = None) -> dict:
        """The notebook parameters (papermill) for one report of this wave."""
        return {
            "wave": self.wave,
            "data_dir": str(self.data_dir),
            "focus_group_dir": str(self.focus_group) if self.focus_group else "",
            "codebook_path": str(self.codebook),
            "margins_path": str(self.margins) if self.margins else "",
            "min_cell": self.min_cell,
            "pack_min_respondents": self.pack_min_respondents,
            "scope": scope,
            "scope_value": scope_value or "",
            "seed": self.seed,
        }

    def as_dict(self) -> dict:
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        # facilitators are named as recorded (real names): the manifest shows their pseudonyms
        out["facilitators"] = [f"F{i + 1}" for i in range(len(self.facilitators))]
        return out


def _problem(path: Path, key: str, message: str, value: object = None) -> InputError:
    return InputError([Problem(str(path), None, key, value, message)])


def load_config(path: Path | str) -> EvaluationConfig:
    """Read and check an evaluation config; every path must exist (except the output folder)."""
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"config file not found: {path}", file=path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from exc
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
    min_cell = int(raw.get("min_cell", 11))
    if min_cell < 1:
        raise _problem(path, "min_cell", "must be at least 1", min_cell)
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
        pack_min_respondents=int(raw.get("pack_min_respondents", 30)),
        mapping=resolve("mapping"),
        margins=resolve("margins"),
        on_invalid_rows=on_invalid,
        previous_wave=resolve("previous_wave"),
        redact_names=resolve("redact_names"),
        seed=int(raw.get("seed", 20250101)),
        title=str(raw.get("title", EvaluationConfig.title)),
        facilitators=_facilitators(path, raw.get("facilitators", ["F"])),
    )


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
