"""The survey instrument as data.

The instrument (``survey_data/instrument.yaml``) defines every survey variable once: column name,
question wording, type, allowed answers and their order, skip logic, and the derived groupings
(ethnicity into 5 ONS groups and into White / Global Majority, pay band into band groups). Loading,
validation, the synthetic generator, the analyses and the table dictionary all read it from here, so
a change of wording or of an answer option is made in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from evaluation.paths import SURVEY_DATA

INSTRUMENT_PATH = SURVEY_DATA / "instrument.yaml"
ORGANISATIONS_PATH = SURVEY_DATA / "organisations.csv"

VARIABLE_TYPES = {"id", "integer", "categorical", "flag", "text"}


class InstrumentError(ValueError):
    """The instrument file itself is inconsistent (a programming or configuration error)."""


@dataclass(frozen=True)
class Scale:
    """A named answer scale: its values in order and which of them count as favourable."""

    name: str
    values: tuple[str, ...]
    ordered: bool
    positive: tuple[str, ...]


@dataclass(frozen=True)
class Variable:
    """One survey column: wording, type, allowed answers and skip logic."""

    name: str
    type: str
    question: str
    section: str = ""
    values: tuple[str, ...] = ()
    ordered: bool = False
    positive: tuple[str, ...] = ()
    scale: str | None = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    asked_if: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    option: str = ""

    @property
    def is_categorical(self) -> bool:
        return self.type == "categorical"


@dataclass(frozen=True)
class Derived:
    """A grouping computed from one variable (ethnic group -> White / Global Majority, say)."""

    name: str
    source: str
    question: str
    mapping: dict[str, tuple[str, ...]]
    ordered: bool = False
    trend_order: tuple[str, ...] = ()

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.mapping)

    def lookup(self) -> dict[str, str]:
        """Source value -> group."""
        return {value: group for group, values in self.mapping.items() for value in values}


@dataclass(frozen=True)
class Instrument:
    """The whole survey: variables in questionnaire order, scales and derived groupings."""

    name: str
    version: str
    variables: tuple[Variable, ...]
    scales: dict[str, Scale]
    derived: tuple[Derived, ...]
    missing_labels: tuple[str, ...]
    organisations: pd.DataFrame = field(repr=False, compare=False, hash=False)
    residual_labels: tuple[str, ...] = ()

    def answered(self, frame: pd.DataFrame, variable: str) -> pd.Series:
        """``frame[variable]`` with residual answers ("Prefer not to say") blanked.

        The one definition of a question's population used by every published share: the
        respondents who gave an answer to the question. A missing answer and a residual answer
        ("Prefer not to say": :attr:`residual_labels`) are both left out of the denominator;
        "Not sure" is an answer (not aware, not favourable) and stays in it.
        """
        values = frame[variable]
        residual = values.isin(list(self.residual_labels)).fillna(False)
        if not residual.any():
            return values
        out = values.where(~residual)
        if isinstance(values.dtype, pd.CategoricalDtype):
            out = out.cat.remove_categories(
                [c for c in self.residual_labels if c in values.cat.categories]
            )
        return out

    def without_residual(self, frame: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
        """``frame`` with residual answers of ``variables`` blanked (:meth:`answered`)."""
        out = frame.copy()
        for variable in variables:
            if variable in out.columns:
                out[variable] = self.answered(out, variable)
        return out

    def __getitem__(self, name: str) -> Variable:
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"{name!r} is not a variable of the instrument {self.name!r}")

    def get(self, name: str, default: Variable | None = None) -> Variable | None:
        return next((v for v in self.variables if v.name == name), default)

    def __contains__(self, name: object) -> bool:
        return any(v.name == name for v in self.variables)

    @property
    def names(self) -> list[str]:
        """Column names in questionnaire order."""
        return [v.name for v in self.variables]

    def of_type(self, type_: str) -> list[Variable]:
        return [v for v in self.variables if v.type == type_]

    def in_section(self, section: str) -> list[Variable]:
        return [v for v in self.variables if v.section == section]

    def with_scale(self, scale: str) -> list[Variable]:
        return [v for v in self.variables if v.scale == scale]

    def derived_variable(self, name: str) -> Derived:
        for d in self.derived:
            if d.name == name:
                return d
        raise KeyError(f"{name!r} is not a derived grouping of the instrument")

    def categories(self, name: str) -> pd.CategoricalDtype:
        """The pandas dtype of a categorical or derived variable, in the instrument's order."""
        if any(d.name == name for d in self.derived):
            d = self.derived_variable(name)
            return pd.CategoricalDtype(list(d.groups), ordered=d.ordered)
        v = self[name]
        if not v.is_categorical:
            raise KeyError(f"{name!r} is a {v.type} variable, not categorical")
        return pd.CategoricalDtype(list(v.values), ordered=v.ordered)

    def question(self, name: str) -> str:
        if any(d.name == name for d in self.derived):
            return self.derived_variable(name).question
        return self[name].question

    def dictionary(self) -> pd.DataFrame:
        """One row per variable (collected and derived): the codebook of the survey, for reports."""
        rows = [
            {
                "variable": v.name,
                "section": v.section,
                "type": v.type,
                "question": v.question,
                "values": " | ".join(v.values) if v.values else "",
                "ordered": v.ordered,
                "asked_if": "; ".join(f"{k} in {list(vals)}" for k, vals in v.asked_if.items()),
                "source": v.source,
            }
            for v in self.variables
        ]
        rows += [
            {
                "variable": d.name,
                "section": "derived",
                "type": "derived",
                "question": d.question,
                "values": " | ".join(d.groups),
                "ordered": d.ordered,
                "asked_if": "",
                "source": f"derived from {d.source}",
            }
            for d in self.derived
        ]
        return pd.DataFrame(rows)


def _as_tuple(values: object) -> tuple[str, ...]:
    items = values if isinstance(values, list | tuple) else [] if values is None else [values]
    return tuple(str(v) for v in items)


def _parse_variable(raw: dict, scales: dict[str, Scale], orgs: pd.DataFrame) -> Variable:
    name = raw.get("name")
    if not name:
        raise InstrumentError(f"a variable has no name: {raw!r}")
    type_ = raw.get("type")
    if type_ not in VARIABLE_TYPES:
        raise InstrumentError(
            f"variable {name!r}: type {type_!r} is not one of {sorted(VARIABLE_TYPES)}"
        )
    values: tuple[str, ...] = _as_tuple(raw.get("values"))
    ordered = bool(raw.get("ordered", False))
    positive: tuple[str, ...] = ()
    scale_name = raw.get("scale")
    if scale_name:
        if scale_name not in scales:
            raise InstrumentError(f"variable {name!r}: unknown scale {scale_name!r}")
        scale = scales[scale_name]
        values, ordered, positive = scale.values, scale.ordered, scale.positive
    if raw.get("values_from"):
        table, column = str(raw["values_from"]).split(".")
        if table != "organisations" or column not in orgs.columns:
            raise InstrumentError(
                f"variable {name!r}: cannot take values from {raw['values_from']!r}"
            )
        values = tuple(dict.fromkeys(orgs[column].astype(str)))
    if type_ == "categorical" and not values:
        raise InstrumentError(f"categorical variable {name!r} has no values")
    return Variable(
        name=name,
        type=type_,
        question=str(raw.get("question", "")).strip(),
        section=str(raw.get("section", "")),
        values=values,
        ordered=ordered,
        positive=positive,
        scale=scale_name,
        required=bool(raw.get("required", False)),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        asked_if={k: _as_tuple(v) for k, v in (raw.get("asked_if") or {}).items()},
        source=str(raw.get("source", "")),
        option=str(raw.get("option", "")),
    )


def parse_instrument(raw: dict, organisations: pd.DataFrame) -> Instrument:
    """Build and check an :class:`Instrument` from the parsed YAML mapping."""
    scales = {
        name: Scale(
            name=name,
            values=_as_tuple(spec["values"]),
            ordered=bool(spec.get("ordered", False)),
            positive=_as_tuple(spec.get("positive")),
        )
        for name, spec in (raw.get("scales") or {}).items()
    }
    variables = tuple(_parse_variable(v, scales, organisations) for v in raw.get("variables", []))
    names = [v.name for v in variables]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InstrumentError(f"variables defined more than once: {duplicated}")
    by_name = {v.name: v for v in variables}
    for v in variables:
        for other, vals in v.asked_if.items():
            if other not in by_name:
                raise InstrumentError(f"{v.name}: asked_if refers to unknown variable {other!r}")
            unknown = set(vals) - set(by_name[other].values)
            if unknown:
                raise InstrumentError(f"{v.name}: asked_if values {sorted(unknown)} not in {other}")
    derived = []
    for spec in raw.get("derived", []):
        d = Derived(
            name=spec["name"],
            source=spec["from"],
            question=str(spec.get("question", "")).strip(),
            mapping={str(k): _as_tuple(v) for k, v in spec["mapping"].items()},
            ordered=bool(spec.get("ordered", False)),
            trend_order=_as_tuple(spec.get("trend_order")),
        )
        if d.source not in by_name:
            raise InstrumentError(f"derived {d.name!r} comes from unknown variable {d.source!r}")
        mapped = [v for vals in d.mapping.values() for v in vals]
        source_values = set(by_name[d.source].values)
        unmapped = source_values - set(mapped)
        extra = set(mapped) - source_values
        twice = {v for v in mapped if mapped.count(v) > 1}
        if unmapped or extra or twice:
            raise InstrumentError(
                f"derived {d.name!r}: unmapped {sorted(unmapped)}, unknown {sorted(extra)}, "
                f"mapped twice {sorted(twice)}"
            )
        derived.append(d)
    return Instrument(
        name=str(raw.get("name", "survey")),
        version=str(raw.get("version", "")),
        variables=variables,
        scales=scales,
        derived=tuple(derived),
        missing_labels=_as_tuple(raw.get("missing_labels")),
        organisations=organisations,
        residual_labels=_as_tuple(raw.get("residual_labels")),
    )


def read_organisations(path: Path = ORGANISATIONS_PATH) -> pd.DataFrame:
    """The North West organisations committed to the framework, with ICB and type."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@lru_cache(maxsize=8)
def _load_cached(path: str, organisations_path: str) -> Instrument:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return parse_instrument(raw, read_organisations(Path(organisations_path)))


def load_instrument(
    path: Path | str = INSTRUMENT_PATH, organisations_path: Path | str = ORGANISATIONS_PATH
) -> Instrument:
    """Read the instrument (cached: it is read once per process)."""
    return _load_cached(str(Path(path).resolve()), str(Path(organisations_path).resolve()))
