"""Shared fixtures: the instrument and a small valid survey file built from it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.instrument import Instrument, load_instrument
from evaluation.pipeline.run import CELL_TIMEOUT_ENV
from evaluation.publishing.context import RUN_DIR_ENV

# a hung kernel costs a test run 10 minutes, then the notebook runs once more (run.CELL_TIMEOUT):
# every cell on the test data takes seconds
os.environ.setdefault(CELL_TIMEOUT_ENV, "600")


@pytest.fixture(scope="session")
def instrument() -> Instrument:
    return load_instrument()


def make_survey_cells(instrument: Instrument, n: int = 30, seed: int = 0) -> pd.DataFrame:
    """A valid survey of ``n`` respondents as the text cells a platform would export."""
    rng = np.random.default_rng(seed)
    orgs = instrument.organisations
    rows = []
    for i in range(n):
        org = orgs.iloc[int(rng.integers(len(orgs)))]
        row: dict[str, str] = {}
        for v in instrument.variables:
            if v.type == "id":
                row[v.name] = f"T-{i:04d}"
            elif v.type == "integer":
                row[v.name] = "2025"
            elif v.name in ("org_code", "org_name", "icb", "org_type"):
                row[v.name] = str(org[v.name])
            elif v.type == "categorical":
                row[v.name] = str(rng.choice(list(v.values)))
            elif v.type == "flag":
                row[v.name] = str(int(rng.integers(2)))
            else:
                row[v.name] = "Some words about the framework." if rng.random() < 0.5 else ""
        experienced = row["experienced_racism_12m"] == "Yes" or row["witnessed_racism_12m"] == "Yes"
        if not experienced:
            row["reported_it"] = ""
        if row["reported_it"] != "Yes":
            row["satisfied_with_response"] = ""
        rows.append(row)
    return pd.DataFrame(rows, columns=instrument.names)


@pytest.fixture
def survey_csv(tmp_path: Path, instrument: Instrument) -> Path:
    path = tmp_path / "survey.csv"
    make_survey_cells(instrument).to_csv(path, index=False)
    return path


def processes_of(run_dir_prefix: str) -> list[int]:
    """Processes whose environment names a run folder under this prefix (kernels, workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(v.startswith(f"{RUN_DIR_ENV}={run_dir_prefix}".encode()) for v in environ):
            found.append(int(entry.name))
    return found


def check_pack(
    folder: Path, manifest: dict, unit: str, name: str, comparators: int, min_cell: int
) -> None:
    """A built pack names its unit, shows it first beside ``comparators`` comparators ending
    with the region, and passes the disclosure audit."""
    from evaluation.audit import audit_report

    assert name in manifest["title"]
    assert manifest["parameters"]["scope_value"] == unit
    benchmark = pd.read_csv(folder / "tables" / "benchmark_headlines.csv", dtype=str)
    shown = benchmark["comparator"].unique().tolist()
    assert shown[0].startswith(name) and shown[-1] == "North West region"
    assert len(shown) == comparators
    assert audit_report(folder, min_cell=min_cell) == []
