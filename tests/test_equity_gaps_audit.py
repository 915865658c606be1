"""The equity gaps table in the attacking audit: its ``n`` cells are each group's answers to the
row's question and each shown share gives its positive count back (``pct x n``), so a count
hidden elsewhere that the gaps table pins down is found, and the release pass hides the share
with its gap and test. Checked on a planted release and on the bundled 2025 wave."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from evaluation.analyses.headlines import GAP_TESTS, GAP_TOPICS, equity_gaps, gap_sentences
from evaluation.disclosure import MARKER, audit_table, suppress
from evaluation.release_audit import (
    attack_report,
    hide_cells,
    implied_numerator,
    model_release,
    predicate_holds,
    predicate_mask,
    protect_release,
)
from evaluation.safe_output import write_csv

SCALE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
# answers to confident_to_report, strongly disagree .. strongly agree (positive: the top two)
ANSWERS = {
    "Global Majority": [5, 5, 5, 12, 8],  # 35 answered, 20 positive
    "White": [7, 8, 10, 10, 5],  # 40 answered, 15 positive
    "Prefer not to say": [2, 3, 3, 3, 1],  # 12 answered, 4 positive: the cell to protect
}
VARIABLE = "confident_to_report"


def _frame() -> pd.DataFrame:
    rows = [
        (group, answer)
        for group, counts in ANSWERS.items()
        for answer, k in zip(SCALE, counts, strict=True)
        for _ in range(k)
    ]
    frame = pd.DataFrame(rows, columns=["ethnicity_group", VARIABLE])
    frame["ethnicity_group"] = pd.Categorical(frame["ethnicity_group"], categories=list(ANSWERS))
    frame[VARIABLE] = pd.Categorical(frame[VARIABLE], categories=SCALE, ordered=True)
    return frame


def _publish(folder: Path, name: str, table: pd.DataFrame, declared: dict) -> None:
    """Write a table and its declared structure as ``ReportContext.table`` does."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(table, folder / f"{name}.csv")
    index = folder / "index.json"
    entries = json.loads(index.read_text()) if index.exists() else {}
    entries[name] = {"section": 6, "disclosure": declared}
    index.write_text(json.dumps(entries))


def _by_ethnicity(frame: pd.DataFrame) -> pd.DataFrame:
    """Confidence by ethnicity with a total row, suppressed on its own: "Prefer not to say"'s
    4 positive is hidden, and White's 15 beside it (else the total gives it back)."""
    positive = frame[VARIABLE].isin(SCALE[-2:])
    rows = [
        {"variable": VARIABLE, "ethnicity_group": group, "n": int(where.sum()),
         "n_positive": int((where & positive).sum())}
        for group, where in [(g, frame["ethnicity_group"] == g) for g in ANSWERS]
        + [("All", frame["ethnicity_group"].notna())]
    ]  # fmt: skip
    return suppress(pd.DataFrame(rows), n_col="n", count_cols=["n_positive"],
                    dependent_cols={}, group_cols=["ethnicity_group"], label_cols=["variable"],
                    total_rows={"ethnicity_group": "All"}, totals_known=False)  # fmt: skip


def _release(report: Path, frame: pd.DataFrame, old_declaration: bool = False) -> None:
    gaps = equity_gaps(frame, topics=GAP_TOPICS[:1])
    declared = dict(gaps.attrs["disclosure"])
    if old_declaration:  # as before the audit modelled it: counts and shares undeclared
        declared.pop("count_groups")
        declared.pop("implied_counts")
        declared["dependent_cols"] = {
            k: v for k, v in declared["dependent_cols"].items() if k.startswith("n_")
        }
    _publish(report / "tables", "equity_gaps", gaps, declared)
    table = _by_ethnicity(frame)
    _publish(report / "tables", "confidence_by_ethnicity", table, table.attrs["disclosure"])


def _pns_positive(intervals: pd.DataFrame) -> pd.Series:
    """The interval of "Prefer not to say"'s hidden positive count (row 4 of the by-ethnicity
    table)."""
    rows = intervals[intervals["table"].str.endswith("confidence_by_ethnicity.csv")
                     & (intervals["row"] == 4) & (intervals["column"] == "n_positive")]  # fmt: skip
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_by_ethnicity_table_alone_protects_the_cell() -> None:
    table = _by_ethnicity(_frame())
    assert table["n_positive"].tolist() == [20, MARKER, MARKER, 39]
    assert equity_gaps(_frame(), topics=GAP_TOPICS[:1]).loc[0, "pct_white"] == 37.5


def test_shown_share_times_n_pins_a_cell_hidden_in_another_table(tmp_path: Path) -> None:
    """39 positive in all, 20 Global Majority, and White's 37.5% of 40 = 15: "Prefer not to
    say" is 39 - 20 - 15 = 4, exactly. Unmodelled, the gaps table gave nothing away to the
    audit; modelled, the audit finds the cell; the release pass then hides a cell holding the
    bound, and the cell is protected."""
    frame = _frame()
    old = tmp_path / "old"
    _release(old, frame, old_declaration=True)
    before, model = attack_report([old], frame)
    assert "old/tables/equity_gaps.csv" in model.not_modelled
    assert _pns_positive(before)["width"] >= 3 and not before["exposed"].any()

    report = tmp_path / "region"
    _release(report, frame)
    now, model = attack_report([report], frame)
    assert "region/tables/equity_gaps.csv" not in model.not_modelled
    cell = _pns_positive(now)
    assert (cell["low"], cell["high"], cell["true_value"]) == (4, 4, 4)

    result = protect_release([report], frame)
    assert int(result.after["exposed"].sum()) == 0
    assert _pns_positive(result.after)["width"] >= 3
    # the pass hides a cell holding the bound where the least precision is lost: the total's
    # positive count (39 of 80) rather than a group's; Global Majority's share stays
    added = {Path(t).stem: cells for t, cells in result.added.items()}
    assert added.get("confidence_by_ethnicity") == [(5, "n_positive")], added
    gaps = pd.read_csv(report / "tables" / "equity_gaps.csv", dtype=str)
    assert gaps.loc[0, "pct_gm"] != MARKER and gaps.loc[0, "pct_white"] != MARKER
    again, _ = attack_report([report], frame)  # the table as now published, audited afresh
    assert not again["exposed"].any()


def test_a_hidden_share_hides_its_interval_gap_and_test() -> None:
    gaps = equity_gaps(_frame(), topics=GAP_TOPICS[:1])
    hidden = hide_cells(gaps, [(2, "pct_white")], gaps.attrs["disclosure"])
    assert [c for c in hidden.columns if hidden.loc[0, c] == MARKER] == [
        "pct_white", "ci_low_white", "ci_high_white", *GAP_TESTS,
    ]  # fmt: skip
    assert audit_table(hidden) == []
    shown = hidden.copy()
    shown.attrs = hidden.attrs
    shown.loc[0, "gap_pp"] = -17.9  # White's share is pct_gm - gap_pp
    assert any(p.column == "gap_pp" for p in audit_table(shown))


def test_a_gap_sentence_says_why_it_is_hidden() -> None:
    frame = _frame()
    gaps = equity_gaps(frame, topics=GAP_TOPICS[:1])
    assert gaps.attrs["too_few"] == []
    released = hide_cells(gaps, [(2, "pct_white")], gaps.attrs["disclosure"])
    released.attrs["too_few"] = gaps.attrs["too_few"]
    (sentence,) = gap_sentences(released)
    assert "not shown" in sentence and "worked out" in sentence and "too few" not in sentence
    small = frame[frame["ethnicity_group"] != "Global Majority"].copy()
    small = pd.concat([small, frame[frame["ethnicity_group"] == "Global Majority"].head(6)])
    gaps = equity_gaps(small, topics=GAP_TOPICS[:1])
    assert gaps.attrs["too_few"] == [VARIABLE]
    (sentence,) = gap_sentences(gaps)
    assert "too few respondents in a group" in sentence and "worked out" not in sentence


def test_the_summary_reads_the_gaps_as_the_release_pass_left_them(tmp_path: Path) -> None:
    """Notebook 06 writes the gap sentences before it publishes the table: ``rep.released``
    applies the release pass's decisions first, so the sentence and the table agree."""
    from evaluation.inputs import RELEASE_SUPPRESSION, WORK_DIR
    from evaluation.paths import SURVEY_DATA
    from evaluation.pipeline.config import load_config
    from evaluation.publishing import ReportContext

    config = load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")
    rep = ReportContext(config=config, output_dir=tmp_path, section=6, published=True)
    (tmp_path / WORK_DIR).mkdir()
    decisions = {"equity_gaps": [[2, "pct_white"]]}
    (tmp_path / WORK_DIR / RELEASE_SUPPRESSION).write_text(json.dumps(decisions))
    gaps = rep.released(equity_gaps(_frame(), topics=GAP_TOPICS[:1]), "equity_gaps")
    (sentence,) = gap_sentences(gaps)
    assert "not shown" in sentence and "worked out" in sentence
    rep.table(gaps, "equity_gaps", "t")
    written = pd.read_csv(tmp_path / "tables" / "equity_gaps.csv", dtype=str)
    assert written.loc[0, "pct_white"] == MARKER and written.loc[0, "gap_pp"] == MARKER
    assert written.loc[0, "pct_gm"] == "57.1"


def test_implied_numerator_is_the_one_count_that_rounds_to_the_share() -> None:
    assert implied_numerator(59.2, 213) == 126
    assert implied_numerator(37.5, 40) == 15
    assert implied_numerator(33.3, 3000) is None  # 999 and 1000 both round to 33.3
    assert implied_numerator(12.0, 0) is None


def test_bundled_wave_every_gaps_cell_is_modelled_and_reproduces_the_table(tmp_path) -> None:
    from evaluation.io.wave import load_wave
    from evaluation.paths import SURVEY_DATA
    from evaluation.pipeline.config import load_config

    frame = load_wave(load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")).frame
    gaps = equity_gaps(frame)
    _publish(tmp_path / "region" / "tables", "equity_gaps", gaps, gaps.attrs["disclosure"])
    model = model_release([tmp_path / "region"], frame)
    assert model.not_modelled == {}
    cells = {(c.row, c.column): c for c in model.cells}
    columns = ("n_gm", "pct_gm", "n_white", "pct_white")
    assert set(cells) == {(i + 2, c) for i in range(len(gaps)) for c in columns}
    for (row, column), cell in cells.items():
        shown = gaps.loc[row - 2, column]
        if shown == MARKER:
            assert cell.value is None
            continue
        assert cell.value == int(cell.mask.sum())  # the shown n, or the count pct x n gives
        n = int(gaps.loc[row - 2, f"n_{column.split('_')[1]}"])
        assert cell.value == (n if column.startswith("n_") else implied_numerator(shown, n))
    # the group's answers exclude "Prefer not to say" (as the table's n does), and a made-up
    # respondent's membership agrees with the frame's
    assert (frame["experienced_racism_12m"] == "Prefer not to say").any()
    records = frame.to_dict("records")
    for variable, _, _ in GAP_TOPICS:
        predicate = ("substantive", variable)
        mask = predicate_mask(frame, predicate)
        assert [predicate_holds(r, predicate) for r in records] == mask.tolist()
