"""Interactive exploration for evaluators: pick a wave, an ICB or organisation, an item and a
breakdown, and see the same suppressed table and figure a report would publish.

Everything shown passes through :mod:`evaluation.disclosure`, so exploring in JupyterLab never
shows a cell that a published report would hide.

Waves are opened from their configs through the same loader as a report
(:func:`evaluation.io.wave.load_wave`): the bundled synthetic waves, plus any wave kept outside
the repository, named by its ``evaluation.yaml`` in the notebook's ``configs`` parameter or in the
``ARF_EVAL_CONFIGS`` environment variable (paths separated by ``:``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.analyses.survey_common import positive, publish
from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.instrument import load_instrument
from evaluation.io.wave import load_wave
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
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


CONFIGS_ENV = "ARF_EVAL_CONFIGS"


def wave_configs(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Path]:
    """Waves to explore, label -> config: the bundled synthetic waves, then ``extra`` configs and
    those named in ``ARF_EVAL_CONFIGS`` (a real wave kept outside the repository)."""
    bundled = sorted((SURVEY_DATA / "synthetic").glob("*/evaluation.yaml"))
    named = [*extra, *filter(None, os.environ.get(CONFIGS_ENV, "").split(os.pathsep))]
    waves: dict[str, Path] = {}
    for path in [*bundled, *(Path(p).expanduser().resolve() for p in named)]:
        config = load_config(path)
        source = "synthetic" if path in bundled else path.parent.name
        waves[f"{config.wave} ({source})"] = path
    return waves


@lru_cache(maxsize=4)
def wave_survey(config_path: str) -> pd.DataFrame:
    """A wave's survey frame, loaded from its config as a report loads it (once per session)."""
    return load_wave(load_config(config_path)).frame


def wave_min_cell(config_path: str) -> int:
    """The wave's minimum cell size, from its config (what its reports suppress below)."""
    return load_config(config_path).min_cell


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


def item_breakdown(
    frame: pd.DataFrame, item: str, by: str, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
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


def show_breakdown(
    frame: pd.DataFrame, item: str, by: str, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Display the suppressed table and its figure (for the explore notebook's widgets)."""
    from IPython.display import display

    table = item_breakdown(frame, item, by, min_cell=min_cell)
    figure = item_figure(table, item, by)
    display(table, figure)
    plt.close(figure)
    return table
