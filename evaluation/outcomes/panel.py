"""One tidy outcome panel from every file a folder holds, and the choice of one value per cell.

:func:`read_folder` reads each file it recognises (see :mod:`evaluation.outcomes.readers`, and a
``synthetic_public_outcomes.yaml`` spec, which generates the synthetic panel) and says which files
it skipped and why. Several files may publish the same figure (the 2024 official workbook and a
compiled 2021-2024 panel both hold 2024 Q16b): :func:`best_values` keeps one value per
organisation, year, indicator and group, preferring the official files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError
from evaluation.outcomes import readers
from evaluation.outcomes.indicators import ORGANISATION_COLUMNS, PANEL_COLUMNS

SYNTHETIC_SPEC = "synthetic_public_outcomes.yaml"
SOURCE_PREFERENCE = (
    "organisational workbook",
    "national workbook",
    "synthetic",
    "compiled panel",
    "White/BME rates",
)
KEY = ["ods_code", "year", "indicator", "group"]


@dataclass
class OutcomesData:
    """The tidy panel (all sources), the organisations, and the files read and skipped."""

    panel: pd.DataFrame
    organisations: pd.DataFrame
    read: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    truth: dict | None = None  # the planted effects, for a synthetic panel

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.panel["year"].unique())


def _kind(path: Path) -> tuple[str | None, str]:
    """What a file is (a reader's name) or None with the reason it is skipped."""
    suffix = path.suffix.lower()
    if path.name == SYNTHETIC_SPEC:
        return "synthetic", ""
    if path.name.startswith((".", "~$")):
        return None, "hidden or temporary file"
    if suffix == ".xlsx":
        kind = readers.sniff_workbook(path)
        if kind is None:
            return None, (
                f"a workbook without the NHS Staff Survey header on row {readers.HEADER_ROW} "
                "('ODS code, Organisation name, ...' or 'Base, Breakdown, Breakdown subgroup, ...')"
            )
        return kind, ""
    if suffix == ".csv":
        kind = readers.sniff_csv(path)
        if kind is None:
            header = pd.read_csv(path, nrows=0).columns
            if "arf_status_seen" in header or "awarded_on" in header:
                return None, "ARF award evidence, not outcomes (name a register as arf_status)"
            return None, "a CSV whose columns are neither a compiled panel nor White/BME rates"
        return kind, ""
    if suffix in {".xls", ".ods"}:
        return None, "old or OpenDocument spreadsheet: save it as .xlsx"
    return None, "not a data file this reader knows (.xlsx, .csv)"


def read_folder(folder: Path | str) -> OutcomesData:
    """Every recognised file of ``folder`` as one tidy panel (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"public outcomes folder not found: {folder}", folder)
    panels, orgs, read, skipped = [], [], [], []
    truth = None
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        kind, reason = _kind(path)
        if kind is None:
            skipped.append((path.name, reason))
            continue
        if kind == "organisational":
            tidy = readers.read_org_workbook(path)
        elif kind == "national":
            tidy = readers.read_national_workbook(path)
        elif kind == "panel":
            tidy = readers.read_compiled_panel(path)
        elif kind == "white_bme":
            tidy = readers.read_white_bme(path)
        else:
            from evaluation.outcomes.synthetic import from_spec

            tidy, truth = from_spec(path)
        panels.append(tidy.panel)
        orgs.append(tidy.organisations)
        read.append(path.name)
    panel = pd.concat(panels, ignore_index=True) if panels else pd.DataFrame(columns=PANEL_COLUMNS)
    organisations = (
        pd.concat([o for o in orgs if len(o)], ignore_index=True)
        if any(len(o) for o in orgs)
        else pd.DataFrame(columns=ORGANISATION_COLUMNS)
    )
    organisations = organisations.drop_duplicates(["ods_code", "year"]).sort_values(
        ["ods_code", "year"], ignore_index=True
    )
    names = organisations.drop_duplicates("ods_code", keep="last").set_index("ods_code")["org_name"]
    blank = panel["org_name"].fillna("").eq("")
    panel.loc[blank, "org_name"] = panel.loc[blank, "ods_code"].map(names).fillna("")
    panel = panel.sort_values([*KEY, "source"], ignore_index=True)
    return OutcomesData(panel[PANEL_COLUMNS], organisations, read, skipped, truth)


def source_rank(source: pd.Series) -> pd.Series:
    """0 for the most preferred source kind (see :data:`SOURCE_PREFERENCE`)."""
    rank = pd.Series(len(SOURCE_PREFERENCE), index=source.index)
    for k, prefix in reversed(list(enumerate(SOURCE_PREFERENCE))):
        rank[source.str.startswith(prefix)] = k
    return rank


def best_values(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation, year, indicator and group: the preferred source's value."""
    ranked = panel.assign(_rank=source_rank(panel["source"]))
    ranked = ranked.sort_values([*KEY, "_rank"]).drop_duplicates(KEY)
    return ranked.drop(columns="_rank").reset_index(drop=True)


def latest_organisations(organisations: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation: its most recent name, benchmarking group and NHS region.

    The compiled panel puts an ICS name in ``Region`` in some years; the region kept is the most
    recent value that is one of England's seven NHS regions.
    """
    regions = {
        "North West",
        "North East and Yorkshire",
        "Midlands",
        "East of England",
        "London",
        "South East",
        "South West",
    }
    frame = organisations.sort_values(["ods_code", "year"])
    latest = frame.drop_duplicates("ods_code", keep="last").set_index("ods_code")
    known = frame[frame["region"].isin(regions)].drop_duplicates("ods_code", keep="last")
    latest["region"] = known.set_index("ods_code")["region"].reindex(latest.index).fillna("")
    return latest.reset_index()[["ods_code", "org_name", "benchmark_group", "region", "ics"]]
