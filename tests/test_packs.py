"""Which organisations and ICBs get a pack of their own, and which are listed without one."""

from __future__ import annotations

import pandas as pd

from evaluation.analyses.units import pack_units, units_without_pack


def _frame() -> pd.DataFrame:
    rows = [("A1", "Alpha Trust", "ICB North")] * 40 + [("B2", "Beta Trust", "ICB North")] * 12
    rows += [("C3", "Gamma Trust", "ICB South")] * 29
    return pd.DataFrame(rows, columns=["org_code", "org_name", "icb"])


def test_units_at_or_above_the_threshold_get_a_pack():
    units = pack_units(_frame(), "org", 29)
    assert units.set_index("unit")["gets_pack"].to_dict() == {"A1": True, "B2": False, "C3": True}
    icbs = pack_units(_frame(), "icb", 30)
    assert icbs.set_index("unit")["respondents"].to_dict() == {"ICB North": 52, "ICB South": 29}


def test_units_without_a_pack_are_listed_by_name_without_counts():
    small = units_without_pack(_frame(), "org", 30)
    assert small["name"].tolist() == ["Beta Trust", "Gamma Trust"]
    assert "respondents" not in small.columns  # a count of a small unit is itself disclosive
