"""Disclosure control: primary and secondary suppression, the marker, the audit; property tests
that after suppression nothing small is shown and nothing hidden can be recovered by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.disclosure import MARKER, TableSpec, audit_table, infer_spec, suppress


def proportion_table(ns: list[int], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": [f"g{i}" for i in range(len(ns))],
            "n": ns,
            "n_yes": counts,
            "pct": [100 * c / n if n else np.nan for c, n in zip(counts, ns, strict=True)],
            "ci_low": [10.0] * len(ns),
        }
    )


def test_small_denominator_hides_the_whole_row_and_its_partner() -> None:
    out = suppress(proportion_table([100, 50, 8], [40, 20, 4]))
    assert out.loc[2, ["n", "n_yes", "pct", "ci_low"]].tolist() == [MARKER] * 4
    # overall total known: the next smallest group (50) is hidden too
    assert out.loc[1, "n"] == MARKER and out.loc[0, "n"] == 100
    assert audit_table(out) == []


def test_small_count_and_small_complement() -> None:
    out = suppress(proportion_table([100, 100, 100], [5, 95, 50]), totals_known=False)
    assert out.loc[0, "n_yes"] == MARKER and out.loc[0, "n"] == 100  # 5 said yes
    assert out.loc[1, "n_yes"] == MARKER  # 5 said no (the complement)
    assert out.loc[0, "pct"] == MARKER and out.loc[1, "ci_low"] == MARKER
    assert out.loc[2, "n_yes"] == 50


def test_zero_is_not_small() -> None:
    out = suppress(proportion_table([100, 100], [0, 100]), totals_known=False)
    assert out["n_yes"].tolist() == [0, 100]


def test_marker_never_zero_or_blank_and_suppression_is_idempotent() -> None:
    once = suppress(proportion_table([100, 50, 8], [40, 20, 4]))
    twice = suppress(once)
    pd.testing.assert_frame_equal(once, twice)
    assert (once == 0).sum().sum() == 0 and once.notna().all().all()


def test_distribution_secondary_within_group() -> None:
    table = pd.DataFrame(
        {
            "role": ["A"] * 3 + ["B"] * 3,
            "response": ["No", "Maybe", "Yes"] * 2,
            "n": [40] * 3 + [60] * 3,
            "count": [3, 17, 20, 20, 20, 20],
            "pct": [7.5, 42.5, 50, 33.3, 33.3, 33.3],
        }
    )
    out = suppress(table, totals_known=False)
    assert out["count"].tolist() == [MARKER, MARKER, 20, 20, 20, 20]
    assert audit_table(out) == []
    # with the totals over roles known, "No" in B is hidden too (A's 3 = total - B's No)
    out = suppress(table)
    assert out.loc[3, "count"] == MARKER
    assert audit_table(out) == []


def test_total_rows_are_used_as_totals() -> None:
    table = pd.DataFrame(
        {"role": ["A", "B", "C", "All"], "n": [50, 40, 5, 95], "n_yes": [25, 20, 2, 47]}
    )
    out = suppress(table, total_rows={"role": "All"}, totals_known=False)
    assert out.loc[2, "n"] == MARKER and out.loc[1, "n"] == MARKER and out.loc[3, "n"] == 95


def test_audit_finds_small_cells_leaks_and_recoverable_cells() -> None:
    table = pd.DataFrame(
        {"role": ["A", "B", "All"], "n": [50, 7, 57], "n_yes": [20, 3, 23], "pct": [40, 42.9, 40.4]}
    )
    messages = [p.message for p in audit_table(table)]
    assert any("n = 7 is shown" in m for m in messages)
    assert any("n_yes = 3 is shown" in m for m in messages)
    leaky = table.astype(object)
    leaky.loc[1, ["n", "n_yes"]] = MARKER
    problems = audit_table(leaky)
    assert any("derives from" in p.message and p.column == "pct" for p in problems)
    assert any("recoverable" in p.message and p.row == 2 for p in problems)
    blank = table.astype(object)
    blank.loc[1, "n"] = None
    assert any("blank" in p.message for p in audit_table(blank))


def test_audit_of_independent_indicators_assumes_no_hidden_total() -> None:
    table = pd.DataFrame(
        {"indicator": ["aware", "confident"], "n": [200, MARKER], "n_positive": [80, MARKER]}
    )
    assert audit_table(table) == []


def test_audit_reads_back_csv(tmp_path) -> None:
    out = suppress(proportion_table([100, 50, 8, 30], [40, 20, 4, 15]))
    path = tmp_path / "t.csv"
    out.to_csv(path, index=False)
    back = pd.read_csv(path)
    assert audit_table(back, TableSpec.from_dict(out.attrs["disclosure"])) == []
    assert audit_table(back) == []


def test_infer_spec() -> None:
    spec = infer_spec(proportion_table([20], [10]))
    assert spec.n_col == "n" and spec.count_cols == ("n_yes",)
    assert spec.group_cols == ("group",) and spec.dependent_cols == {"*": ("pct", "ci_low")}


def test_data_quality_style_call_counts_only() -> None:
    table = pd.DataFrame({"band": ["x", "y", "z"], "n": [30, 4, 50], "pct": [35.7, 4.8, 59.5]})
    out = suppress(table, count_cols=["n"], dependent_cols=["pct"])
    assert out["n"].tolist() == [MARKER, MARKER, 50]


# --- properties ----------------------------------------------------------------------------------

MIN = 11


def shown_numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column[column != MARKER]).to_numpy()


@st.composite
def distributions(draw: st.DrawFn) -> pd.DataFrame:
    groups = draw(st.integers(1, 4))
    levels = draw(st.integers(2, 4))
    rows = []
    for g in range(groups):
        counts = draw(st.lists(st.integers(0, 40), min_size=levels, max_size=levels))
        n = sum(counts)
        for k, c in enumerate(counts):
            rows.append({"group": f"g{g}", "response": f"r{k}", "n": n, "count": c})
    table = pd.DataFrame(rows)
    table["pct"] = np.where(table["n"] > 0, 100 * table["count"] / table["n"].clip(lower=1), 0)
    return table


def recoverable(table: pd.DataFrame, totals_known: bool) -> list[str]:
    """Independent check of the subtraction attack on a suppressed distribution table."""
    found = []
    for g, rows in table.groupby("group"):
        if (rows["n"] != MARKER).all() and (rows["count"] == MARKER).sum() == 1:
            found.append(f"{g}: one hidden level, n shown")
    if totals_known:
        for r, rows in table.groupby("response"):
            if (rows["count"] == MARKER).sum() == 1 and len(rows) > 1:
                found.append(f"{r}: one hidden group, level total known")
            if (rows["n"] == MARKER).sum() == 1 and len(rows) > 1:
                found.append(f"{r}: one hidden n, overall n known")
    return found


@settings(max_examples=100, deadline=None)
@given(distributions(), st.booleans())
def test_property_nothing_small_shown_nothing_recoverable(
    table: pd.DataFrame, totals_known: bool
) -> None:
    out = suppress(table, totals_known=totals_known, min_cell=MIN)
    for column in ("n", "count"):
        shown = shown_numbers(out[column])
        assert not ((shown > 0) & (shown < MIN)).any()
    both = (out["n"] != MARKER) & (out["count"] != MARKER)
    complement = pd.to_numeric(out.loc[both, "n"]) - pd.to_numeric(out.loc[both, "count"])
    assert not ((complement > 0) & (complement < MIN)).any()
    assert ((out["count"] == MARKER) <= (out["pct"] == MARKER)).all()
    assert recoverable(out, totals_known) == []
    assert audit_table(out) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=6))
def test_property_proportion_tables(pairs: list[tuple[int, int]]) -> None:
    ns = [a + b for a, b in pairs]
    table = proportion_table(ns, [a for a, _ in pairs])
    out = suppress(table, min_cell=MIN)
    for column in ("n", "n_yes"):
        shown = shown_numbers(out[column])
        assert not ((shown > 0) & (shown < MIN)).any()
    for column in ("n", "n_yes"):
        assert (out[column] == MARKER).sum() != 1 or len(out) == 1
    assert audit_table(out) == []


def test_label_columns_do_not_add_up() -> None:
    # funnel steps are nested, not parts of a total: a hidden step must not hide another step
    table = pd.DataFrame(
        {"step": ["asked", "reported", "satisfied"], "n": [200, 60, 9], "count": [60, 24, 2]}
    )
    out = suppress(table, group_cols=[], label_cols=["step"], dependent_cols=[])
    assert out["n"].tolist() == [200, 60, MARKER]
    by_group = pd.concat([table.assign(grp="a"), table.assign(grp="b", n=[300, 80, 40])])
    out = suppress(by_group, group_cols=["grp"], label_cols=["step"], dependent_cols=[])
    # the "satisfied" rows: a's n (9) hidden, so b's is hidden too (overall total known)
    assert (out.loc[out["step"] == "satisfied", "n"] == MARKER).all()
    assert (out.loc[out["step"] == "asked", "n"] != MARKER).all()


def test_a_hidden_residual_group_does_not_hide_a_substantive_group() -> None:
    # "Prefer not to say" (8) is hidden; with only an overall total published elsewhere, hiding
    # Global Majority too would remove the comparison without protecting anyone's ethnicity.
    table = pd.DataFrame(
        {
            "ethnicity_group": ["White", "Global Majority", "Prefer not to say"],
            "n": [213, 51, 8],
            "n_confident": [126, 19, 4],
        }
    )
    residual = ("Prefer not to say",)  # from the instrument, passed in
    assert suppress(table, dependent_cols=[])["n"].tolist() == [213, MARKER, MARKER]
    out = suppress(table, dependent_cols=[], residual_labels=residual)
    assert out["n"].tolist() == [213, 51, MARKER]
    assert audit_table(out) == []
    # the same residual inside a table that shows its own total is still protected
    with_total = pd.concat(
        [table, pd.DataFrame({"ethnicity_group": ["Total"], "n": [272], "n_confident": [149]})],
        ignore_index=True,
    )
    out = suppress(with_total, dependent_cols=[], total_rows={"ethnicity_group": "Total"})
    assert (out["n"] == MARKER).sum() == 2
