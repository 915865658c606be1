"""The attacking audit: a suppressed cell that other published tables pin down is found with its
exact value; alone, the same table protects it. Checked on a planted release and on the bundled
2025 region report's kind of tables (distribution beside "positive" table)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from evaluation.disclosure import TableSpec
from evaluation.release_audit import (
    Cell,
    attack_report,
    exposed,
    feasible_intervals,
    mark_sensitive,
    narrowest,
    spanning,
    summary,
)
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
    # the 3 is sensitive (hidden for its own sake) and fails; the 14 was hidden only to protect
    # it: worked out, it reveals no one (14 of 53), so it is reported, not failed
    assert hidden.loc[6, "sensitive"] and hidden.loc[6, "exposed"]
    assert not hidden.loc[4, "sensitive"] and not hidden.loc[4, "exposed"]
    text = summary(together, model)
    assert "2 suppressed cells checked" in text and "1 sensitive" in text
    assert "1 secondary cells (1 of them worked out exactly" in text


def test_sensitive_cells_follow_the_disclosure_rule():
    """Primary cells: 1 to 10, a complement of 1 to 10, none or all of a group under 50."""
    spec = TableSpec(n_col="n", count_cols=("count",))

    def cells(n: int, count: int) -> list[Cell]:
        def of(k: int) -> np.ndarray:
            return np.arange(400) < k

        return [Cell("t", 2, "n", None, of(n)), Cell("t", 2, "count", None, of(count))]

    for n, count, want in [
        (40, 5, True),  # a small count
        (40, 30, True),  # 30 of 40, 10 not: the complement is small
        (60, 30, False),  # 30 of 60
        (40, 38, True),  # complement 2
        (20, 0, True),  # none of 20: attribute disclosure
        (300, 0, False),  # none of 300 reveals no one
        (300, 300, False),
        (45, 45, True),  # all of 45
        (120, 60, False),  # a secondary suppression
    ]:
        table = cells(n, count)
        mark_sensitive(table, spec)
        assert table[1].sensitive is want, (n, count)
    small = cells(7, 7)
    mark_sensitive(small, spec)
    assert small[0].sensitive  # an n of 7
    assert small[1].base == 7


def test_a_residual_groups_size_is_not_sensitive_but_its_answers_are():
    spec = TableSpec(n_col="n", count_cols=("count",), residual_labels=("Prefer not to say",))
    group = ("label", "ethnicity_group", "Prefer not to say")
    of = lambda k: np.arange(100) < k  # noqa: E731
    table = [
        Cell("t", 2, "n", None, of(8), (group, ("all",))),
        Cell("t", 2, "count", None, of(5), (group, ("in", "answer", ("Agree",)))),
        Cell("t", 3, "n", None, of(8), (("label", "ethnicity_group", "White"), ("all",))),
    ]
    mark_sensitive(table, spec)
    assert [c.sensitive for c in table] == [False, True, True]


def test_a_count_spanning_its_whole_base_is_protected():
    """A count of a group of 2 can be no wider than 0 to 2: when the attack leaves it anywhere
    in that range it learns nothing beyond the group's size; 0 to 1 of 2 still fails."""
    rows = pd.DataFrame(
        {
            "low": [0.0, 0.0, 0.0, 1.0],
            "high": [2.0, 1.4, 1.0, 9.0],
            "sensitive": True,
            "base": [2, 2, None, None],
        }
    )
    rows["width"] = rows["high"] - rows["low"]
    assert exposed(rows, 3).tolist() == [False, True, True, False]
    assert spanning(rows, 3) == 1  # the first: passes because it spans its base
    assert narrowest(rows) == 1.0  # of the cells held to the protection level


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


def test_headline_predicates_count_the_published_headline_populations() -> None:
    """The audit attacks a headline table only if its cells' respondents are the published
    ones: each headline's population leaves out "Prefer not to say" (the one definition of a
    question's population). The audit's predicate once kept them in, so experienced racism
    and "reported it" differed by 1 to 9 respondents on the bundled wave and no headline table
    was ever attacked."""
    from evaluation.analyses.headlines import headline_estimates
    from evaluation.io.wave import load_wave
    from evaluation.paths import SURVEY_DATA
    from evaluation.pipeline.config import load_config
    from evaluation.release_audit import predicate_mask

    frame = load_wave(load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")).frame
    estimates = headline_estimates(frame)
    assert (frame["experienced_racism_12m"] == "Prefer not to say").any()  # the case that differed
    for row in estimates.itertuples():
        n = predicate_mask(frame, ("headline", row.indicator, "n")).sum()
        positive = predicate_mask(frame, ("headline", row.indicator, "positive")).sum()
        assert (n, positive) == (row.n, row.n_positive), row.indicator


def test_an_empty_hidden_headline_cell_is_not_exactly_zero_by_construction() -> None:
    """Nobody satisfied with the response, the count hidden beside its shown population: the
    attacker must rule out a made-up satisfied respondent from what is published, as for any
    empty cell. Without one the cell was "exactly 0" (the 50-respondent example wave was
    withheld for it). The made-up respondent's memberships follow :func:`predicate_holds`,
    which must agree with :func:`predicate_mask` on every real respondent."""
    from evaluation.io.wave import load_wave
    from evaluation.paths import SURVEY_DATA
    from evaluation.pipeline.config import load_config
    from evaluation.release_audit import predicate_holds, predicate_mask

    frame = load_wave(load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")).frame
    frame.loc[frame["satisfied_with_response"] == "Yes", "satisfied_with_response"] = "Partly"
    for part in ("n", "positive"):
        predicate = ("headline", "satisfied_with_response", part)
        mask = predicate_mask(frame, predicate)
        rows = frame.to_dict("records")
        assert [predicate_holds(r, predicate) for r in rows] == mask.tolist()
    n = predicate_mask(frame, ("headline", "satisfied_with_response", "n"))
    empty = predicate_mask(frame, ("headline", "satisfied_with_response", "positive"))
    assert n.sum() > 0 and empty.sum() == 0
    cells = [
        Cell("headline", 2, "n", int(n.sum()), n, (("headline", "satisfied_with_response", "n"),)),
        Cell("headline", 2, "n_positive", None, empty,
             (("headline", "satisfied_with_response", "positive"),)),
    ]  # fmt: skip
    assert feasible_intervals(cells).loc[0, "width"] == 0  # no made-up respondent: exactly 0
    interval = feasible_intervals(cells, frame).iloc[0]
    assert (interval["low"], interval["high"]) == (0, n.sum())


def test_respondents_moved_between_units_widen_only_what_the_packs_do_not_pin() -> None:
    """A unit without a pack (B) is the region minus the pack (A). Its respondents' answers
    are allowed in A, and A's answers in B (made-up moved respondents), so only the published
    tables place them. B (2 respondents, both X) beside A (20, all Y): the region shows 2 X of
    22 and A's size; A's X count is hidden, so B's X could be 0, 1 or 2 (A could hold them).
    The patterns that occur alone made it exactly 2 (nobody else answered X). Shown, A's X
    count pins it, moved respondents or not."""
    from evaluation.release_audit import _moved

    frame = pd.DataFrame(
        {"org_code": ["A"] * 20 + ["B"] * 2, "icb": ["I"] * 22, "org_type": ["acute"] * 22,
         "answer": ["Y"] * 20 + ["X", "X"]}
    )  # fmt: skip
    a, b = (frame["org_code"] == "A").to_numpy(), (frame["org_code"] == "B").to_numpy()
    x = (frame["answer"] == "X").to_numpy()
    answer_x = (("in", "answer", ("X",)),)
    everyone = (("all",),)

    def cells(a_x: int | None) -> list[Cell]:
        return [
            Cell("region", 2, "n", 2, x, answer_x),
            Cell("region", 3, "n", 22, np.ones(22, bool), everyone),
            Cell("pack A", 2, "n", 20, a, everyone, a),
            Cell("pack A", 3, "n", a_x, a & x, answer_x, a),
            Cell("B [no pack]", 3, "n", None, b & x, answer_x, b, True),
        ]

    membership = np.stack([c.mask for c in cells(None)])
    assert len(_moved(cells(None), membership, frame)) == 2  # B's X in A; A's Y in B
    free = feasible_intervals(cells(None), frame).iloc[-1]
    assert (free["low"], free["high"]) == (0, 2)
    without = feasible_intervals(cells(None)).iloc[-1]  # the patterns that occur only
    assert (without["low"], without["high"]) == (2, 2)
    pinned = feasible_intervals(cells(0), frame).iloc[-1]
    assert (pinned["low"], pinned["high"]) == (2, 2)  # A shows no X: both X are in B


def test_a_question_whose_every_cell_is_hidden_takes_the_tables_meaning():
    """A distribution of two questions by group: q2's rows are all hidden, so no shown count
    identifies them; they take the meaning q1's rows were identified by (the row's answer, the
    group who answered), and so are checked like the rest."""
    from evaluation.release_audit import _model_table, candidate_predicates

    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "group": pd.Categorical(rng.choice(["A", "B"], 120)),
            "q1": pd.Categorical(rng.choice(SCALE, 120), categories=SCALE, ordered=True),
            "q2": pd.Categorical(rng.choice(SCALE, 120), categories=SCALE, ordered=True),
        }
    )
    rows = []
    for item in ("q1", "q2"):
        for g in ("A", "B"):
            inside = frame["group"] == g
            for answer in SCALE:
                count = int((inside & (frame[item] == answer)).sum())
                shown = item == "q1"
                rows.append({"item": item, "group": g, "response": answer,
                             "n": int(inside.sum()) if shown else "[c]",
                             "count": count if shown else "[c]"})  # fmt: skip
    table = pd.DataFrame(rows)
    spec = TableSpec(n_col="n", count_cols=("count",), group_cols=("group", "response"),
                     partition_col="response", label_cols=("item",))  # fmt: skip
    cells, why = _model_table("t", table, spec, frame, candidate_predicates(frame))
    assert why is None and len(cells) == 2 * len(table)
    hidden = [c for c in cells if c.value is None]
    assert len(hidden) == 20
    for cell in hidden:
        row = table.iloc[cell.row - 2]
        inside = (frame["group"] == row["group"]).to_numpy()
        if cell.column == "count":
            want = inside & (frame["q2"] == row["response"]).to_numpy()
        else:
            want = inside & frame["q2"].notna().to_numpy()
        assert np.array_equal(cell.mask, want)


def test_collapsed_answers_are_read_from_their_labels():
    from evaluation.release_audit import _answers

    series = pd.Series(pd.Categorical(["Agree"], categories=SCALE))
    assert _answers("Agree or strongly agree", series) == ("Agree", "Strongly agree")
    assert _answers("Neither", series) == ("Neither",)
    assert _answers("Agree or maybe", series) is None


def test_item_response_counts_are_sensitive_only_when_few_answered():
    spec = TableSpec(n_col="asked", count_cols=("answered", "not_answered"))
    asked = ("asked", "q", (), "asked")
    of = lambda k: np.arange(100) < k  # noqa: E731
    table = [
        Cell("t", 2, "asked", None, of(17), (asked,)),
        Cell("t", 2, "answered", None, of(17), (("asked", "q", (), "answered"),)),
        Cell("t", 2, "not_answered", None, of(0), (("asked", "q", (), "missing"),)),
        Cell("t", 3, "answered", None, of(6), (("asked", "r", (), "answered"),)),
    ]
    mark_sensitive(table, spec)
    # all 17 answered: no one's attribute; none left it blank: a residual's size; 6 answered
    assert [c.sensitive for c in table] == [False, False, False, True]
