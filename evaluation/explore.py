"""Interactive exploration for evaluators: pick a wave, an ICB or organisation, an item and a
breakdown, and see the same suppressed table and figure a report would publish.

Everything shown passes through :mod:`evaluation.disclosure`, so exploring in JupyterLab never
shows a cell that a published report would hide.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.analyses.survey_common import positive, publish
from evaluation.instrument import load_instrument
from evaluation.io.survey import load_survey
from evaluation.paths import SURVEY_DATA
from evaluation.plots.survey import proportions_with_intervals
from evaluation.stats.crosstabs import proportion_by

BREAKDOWNS = {
    "Role level": "role_level",
    "Pay band group": "band_group",
    "Ethnicity (White / Global Majority)": "ethnicity_group",
    "Ethnic group (5 groups)": "ethnicity_5",
    "Organisation type": "org_type",
    "ICB": "icb",
}
ALL = "(all)"


def wave_folders(source: str = "synthetic") -> dict[int, Path]:
    """Waves available under ``survey_data/<source>/``: year -> folder."""
    root = SURVEY_DATA / source
    return {
        int(p.name): p
        for p in sorted(root.iterdir())
        if p.name.isdigit() and (p / "survey.csv").exists()
    }


@lru_cache(maxsize=4)
def wave_survey(folder: str) -> pd.DataFrame:
    """A wave's survey frame (loaded once per session)."""
    return load_survey(Path(folder), on_error="exclude").frame


def item_choices() -> dict[str, str]:
    """Items with favourable answers (agreement and yes/no questions, barriers): label -> name."""
    instrument = load_instrument()
    choices = {}
    for v in instrument.variables:
        if (v.type == "categorical" and v.positive) or v.type == "flag":
            label = v.option if v.type == "flag" else v.question
            choices[f"{v.name}: {label[:70]}"] = v.name
    return choices


def select_scope(frame: pd.DataFrame, icb: str = ALL, org_code: str = ALL) -> pd.DataFrame:
    """Respondents of one ICB and/or organisation (``(all)`` keeps everyone)."""
    if icb != ALL:
        frame = frame[frame["icb"] == icb]
    if org_code != ALL:
        frame = frame[frame["org_code"] == org_code]
    return frame


def item_breakdown(frame: pd.DataFrame, item: str, by: str, min_cell: int = 11) -> pd.DataFrame:
    """% giving the favourable answer to ``item`` per group of ``by``, Wilson 95%, suppressed."""
    instrument = load_instrument()
    variable = instrument[item]
    if variable.type == "flag":
        table = proportion_by(frame.assign(_item=frame[item].astype("boolean")), "_item", by=by)
    else:
        table = proportion_by(frame, item, positive(item), by=by)
    return publish(
        table, [by, "n", "count", "pct", "ci_low", "ci_high"], count_cols=["count"],
        group_cols=[by], min_cell=min_cell,
    )  # fmt: skip


def item_figure(table: pd.DataFrame, item: str, by: str) -> plt.Figure:
    """The breakdown as percentages with interval bars (suppressed groups labelled)."""
    question = load_instrument().question(item)
    return proportions_with_intervals(table, by, "pct", f"{question[:80]}", caption="")


def show_breakdown(frame: pd.DataFrame, item: str, by: str, min_cell: int = 11) -> pd.DataFrame:
    """Display the suppressed table and its figure (for the explore notebook's widgets)."""
    from IPython.display import display

    table = item_breakdown(frame, item, by, min_cell=min_cell)
    figure = item_figure(table, item, by)
    display(table, figure)
    plt.close(figure)
    return table
