"""The attacking audit: a suppressed cell that other published tables pin down is found with its
exact value; alone, the same table protects it. Checked on a planted release and on the bundled
2025 region report's kind of tables (distribution beside "positive" table)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from evaluation.release_audit import Cell, attack_report, feasible_intervals, summary
from evaluation.safe_output import write_csv

SCALE = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
# group A: 3 strongly agree (small), 14 neither; group B: 12 of each answer
COUNTS = {"A": [12, 12, 14, 12, 3], "B": [12, 12, 12, 12, 12]}


def _frame() -> pd.DataFrame:
    rows = [
        (g, a)
        for g, counts in COUNTS.items()
        for a, k in zip(SCALE, counts, strict=True)
        for _ in range(k)
    ]
    frame = pd.DataFrame(rows, columns=["group", "answer"])
    frame["group"] = pd.Categorical(frame["group"])
    frame["answer"] = pd.Categorical(frame["answer"], categories=SCALE, ordered=True)
    return frame


def _publish(folder, name, table, spec):
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(table, folder / f"{name}.csv")
    index = folder / "index.json"
    entries = json.loads(index.read_text()) if index.exists() else {}
    entries[name] = {"disclosure": spec}
    index.write_text(json.dumps(entries))


def _distribution(tables):
    rows = []
    for g, counts in COUNTS.items():
        for a, k in zip(SCALE, counts, strict=True):
            hidden = g == "A" and a in ("Strongly agree", "Neither")  # primary 3, secondary 14
            rows.append(
                {"group": g, "response": a, "n": sum(counts), "count": "[c]" if hidden else k}
            )
    spec = {
        "n_col": "n",
        "count_cols": ["count"],
        "group_cols": ["group", "response"],
        "partition_col": "response",
        "dependent_cols": {},
        "label_cols": [],
        "total_rows": {},
    }
    _publish(tables, "distribution", pd.DataFrame(rows), spec)


def _positive(tables):
    rows = [{"group": g, "n": sum(c), "n_positive": c[3] + c[4]} for g, c in COUNTS.items()]
    spec = {
        "n_col": "n",
        "count_cols": ["n_positive"],
        "group_cols": ["group"],
        "partition_col": None,
        "dependent_cols": {},
        "label_cols": [],
        "total_rows": {},
    }
    _publish(tables, "positive", pd.DataFrame(rows), spec)


def test_a_cell_protected_in_its_table_is_given_away_by_another(tmp_path):
    report = tmp_path / "region"
    _distribution(report / "tables")
    alone, model = attack_report([report], _frame())
    assert model.modelled == ["region/tables/distribution.csv"]
    assert len(alone) == 2 and not alone["exposed"].any()
    assert alone["width"].min() == 17  # each hidden cell: anything from 0 to 17

    _positive(report / "tables")
    together, model = attack_report([report], _frame())
    assert len(model.modelled) == 2
    hidden = together.set_index("row")
    # rows of the CSV: A's answers are rows 2-6; "Neither" row 4, "Strongly agree" row 6
    assert hidden.loc[6, ["low", "high"]].tolist() == [3.0, 3.0]  # 15 positive - 12 agree
    assert hidden.loc[4, ["low", "high"]].tolist() == [14.0, 14.0]  # then n gives the other
    assert together["exposed"].all()
    assert "2 suppressed cells checked" in summary(together, model)


def test_intervals_agree_with_brute_force_on_a_small_system():
    """Independent check: enumerate every integer filling of three atoms."""
    # atoms x, y, z >= 0; shown: x + y = 5, y + z = 4; hidden: y, and x + z
    masks = {
        "xy": np.array([1, 1, 0], bool), "yz": np.array([0, 1, 1], bool),
        "y": np.array([0, 1, 0], bool), "xz": np.array([1, 0, 1], bool),
    }  # fmt: skip
    cells = [Cell("t", 2, "a", 5, masks["xy"]), Cell("t", 3, "a", 4, masks["yz"]),
             Cell("t", 4, "a", None, masks["y"]), Cell("t", 5, "a", None, masks["xz"])]  # fmt: skip
    result = feasible_intervals(cells)
    fillings = [(x, y, z) for x in range(10) for y in range(10) for z in range(10)
                if x + y == 5 and y + z == 4]  # fmt: skip
    ys = [f[1] for f in fillings]
    rest = [f[0] + f[2] for f in fillings]
    assert result.loc[0, ["low", "high"]].tolist() == [min(ys), max(ys)]
    assert result.loc[1, ["low", "high"]].tolist() == [min(rest), max(rest)]


def test_secondary_suppression_chosen_over_the_release_protects_the_cell(tmp_path):
    from evaluation.release_audit import choose_secondary, model_release

    report = tmp_path / "region"
    _distribution(report / "tables")
    _positive(report / "tables")
    model = model_release([report], _frame())
    extra, info = choose_secondary(model.cells, protection=3)
    assert "Optimal" in info["status"]
    chosen = [(model.cells[i].table.rsplit("/", 1)[-1], model.cells[i].column) for i in extra]
    assert chosen == [("positive.csv", "n_positive")]  # one cell: group A's positive count
    for i in extra:
        model.cells[i].value = None
    after = feasible_intervals(model.cells)
    assert (after["width"] >= 3).all()
