"""The public outcome indicators and how each is recognised in a published file.

The NHS Staff Survey renumbers its questions between years (harassment was Q13 in 2020 and Q14
from 2021), so an indicator is recognised by the **wording** of its question, never its number.
Each indicator says which words its question must contain (all of them, case-insensitive), which
it must not, and how its percentage is formed from the published answer columns:

- ``yes``: the ``% Yes`` column;
- ``not_never``: 100 minus ``% Never`` (at least once in the last 12 months);
- ``not_white``: 100 minus the sum of the ``% White ...`` columns (ethnic-minority share of the
  respondents who gave their ethnic group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GROUPS = ("all", "White", "Global Majority")
PANEL_COLUMNS = ["ods_code", "org_name", "year", "indicator", "group", "pct", "base", "source"]
ORGANISATION_COLUMNS = ["ods_code", "year", "org_name", "benchmark_group", "region", "ics"]


@dataclass(frozen=True)
class Indicator:
    """One outcome indicator: its id, label, how to recognise its question and form its %."""

    id: str
    label: str
    must: tuple[str, ...]
    rule: str
    must_not: tuple[str, ...] = ()
    higher_is_better: bool = False
    wres: str = ""

    def matches(self, wording: str) -> bool:
        text = " ".join(wording.lower().split())
        return all(re.search(p, text) for p in self.must) and not any(
            re.search(p, text) for p in self.must_not
        )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "q14a",
        "Harassment, bullying or abuse from patients or the public (at least once)",
        (r"harassment, bullying or abuse", r"patients|service users|public"),
        "not_never",
        (r"report",),
        wres="WRES 5",
    ),
    Indicator(
        "q14b",
        "Harassment, bullying or abuse from managers (at least once)",
        (r"harassment, bullying or abuse", r"from managers"),
        "not_never",
        (r"report", r"patients"),
    ),
    Indicator(
        "q14c",
        "Harassment, bullying or abuse from other colleagues (at least once)",
        (r"harassment, bullying or abuse", r"from other colleagues"),
        "not_never",
        (r"report", r"patients", r"managers"),
    ),
    Indicator(
        "q15",
        "Organisation acts fairly on career progression (Yes)",
        (r"act fairly", r"career progression"),
        "yes",
        higher_is_better=True,
        wres="WRES 7",
    ),
    Indicator(
        "q16a",
        "Discrimination from patients or the public (Yes)",
        (r"experienced discrimination", r"patients|service users|public"),
        "yes",
    ),
    Indicator(
        "q16b",
        "Discrimination from a manager or colleagues (Yes)",
        (r"experienced discrimination", r"manager|colleague"),
        "yes",
        (r"patients",),
        wres="WRES 8",
    ),
    Indicator(
        "ethnic_minority_share",
        "Respondents from an ethnic minority (not White)",
        (r"what is your ethnic group",),
        "not_white",
    ),
)
INDICATOR_IDS = tuple(i.id for i in INDICATORS)
BY_ID = {i.id: i for i in INDICATORS}


def match_indicator(wording: str) -> Indicator | None:
    """The indicator whose question this wording is (None when it is none of them)."""
    found = [i for i in INDICATORS if i.matches(wording)]
    if len(found) > 1:
        raise ValueError(f"question matches several indicators {[i.id for i in found]}: {wording}")
    return found[0] if found else None


def question_wording(header: str) -> tuple[str, str] | None:
    """``("Q16b", "In the last 12 months ...")`` from a block header ``"Q16b - In the ..."``."""
    m = re.match(r"^\s*(Q\d+[a-z]?(?:_\d+)?)\s*[-\u2013:]\s*(.+)$", str(header), flags=re.S)
    return (m.group(1), " ".join(m.group(2).split())) if m else None


# Indicators that only derived files carry (no single question of their own).
EXTRA_LABELS = {"q14_staff": "Harassment, bullying or abuse from managers or colleagues (WRES 6)"}
LABELS = {i.id: i.label for i in INDICATORS} | EXTRA_LABELS
