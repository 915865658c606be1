"""The coding loop: batches from code_next, decisions appended, retraining, agreement moving.

A simulated coder answers from the synthetic wave's planted themes (``truth_themes.csv``): on
each passage it accepts the suggested codes that are true, rejects the others and adds the true
codes not suggested, so the decisions (and what they should do to the files) are known.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.coding_session import (
    CodingSession,
    next_batch,
    open_session,
    progress,
    record_decisions,
    retrain,
    suggestions,
)
from evaluation.errors import InputError
from evaluation.paths import SURVEY_DATA
from evaluation.text.codings import read_codings_log

WAVE = SURVEY_DATA / "synthetic" / "2025"
REPO = Path(__file__).resolve().parents[1]


def copy_wave(tmp: Path) -> Path:
    """The synthetic 2025 wave in ``tmp``, its config pointing at the repo's codebook."""
    folder = tmp / "wave"
    shutil.copytree(WAVE, folder)
    config = folder / "evaluation.yaml"
    lines = []
    for line in config.read_text().splitlines():
        if line.startswith("codebook:"):
            line = f"codebook: {SURVEY_DATA / 'codebook.yaml'}"
        elif line.startswith("output:"):
            line = f"output: {tmp / 'reports'}"
        lines.append(line)
    config.write_text("\n".join(lines) + "\n")
    return folder


def truth_sets(folder: Path) -> dict[str, set[str]]:
    truth = pd.read_csv(folder / "truth_themes.csv", dtype=str)
    out: dict[str, set[str]] = {}
    for source, unit, code in truth.itertuples(index=False):
        out.setdefault(f"{source}\x1f{unit}", set()).add(code)
    return out


def simulated_decisions(shown: pd.DataFrame, batch: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """Accept true suggestions, reject false ones, add true codes not shown as suggested."""
    rows = []
    for passage in batch.itertuples(index=False):
        true = truth.get(f"{passage.source_id}\x1f{passage.unit}", set())
        mine = shown[(shown["source_id"] == passage.source_id) & (shown["unit"] == passage.unit)]
        suggested = set(mine.loc[mine["suggested"], "code_id"])
        for code in sorted(suggested):
            rows.append(
                (passage.source_id, passage.unit, code, "accept" if code in true else "reject")
            )
        for code in sorted(true - suggested):
            rows.append((passage.source_id, passage.unit, code, "add"))
    return pd.DataFrame(rows, columns=["source_id", "unit", "code_id", "decision"])


@pytest.fixture(scope="module")
def wave(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_wave(tmp_path_factory.mktemp("coding"))
    return folder


def double_code_answers(session: CodingSession, truth: dict, coder: str) -> int:
    """Another coder codes every free-text answer from the truth (a double-coded sample)."""
    other = CodingSession(
        session.codebook, session.units, session.sources, session.folder, coder, None,
        session.load_codings,
    )  # fmt: skip
    answers = session.units[session.units["kind"] == "free_text"]
    rows = [
        (u.source_id, u.unit, code, "add")
        for i, u in enumerate(answers.itertuples(index=False))
        for code in sorted(truth.get(f"{u.source_id}\x1f{u.unit}", set()))
        if i % 7  # and misses a code now and then: agreement is not perfect
    ]
    decisions = pd.DataFrame(rows, columns=["source_id", "unit", "code_id", "decision"])
    record_decisions(other, decisions, passages=answers)
    return len(answers)


def test_two_batches_change_the_codings_file_the_suggester_and_agreement(wave: Path) -> None:
    truth = truth_sets(wave)
    first = open_session(wave, "B")  # B's session, only to write B's double-coded answers
    double_code_answers(first, truth, "coder_b")
    session = open_session(wave, "A", "B")
    assert session.coder == "coder_a" and session.other == "coder_b"
    before = session.codings_file.read_text(encoding="utf-8")
    log_before = read_codings_log(session.codings_file)
    probe = session.units["text"].astype(str).tolist()[:40]
    rounds = []
    seen: set[str] = set()
    for batch_number in (1, 2):
        model = session.suggester
        proba_before = model.predict_proba(probe)
        batch = next_batch(session, 12)
        keys = set(batch["source_id"] + "\x1f" + batch["unit"])
        assert len(batch) == 12 and not keys & seen  # never a passage already decided
        seen |= keys
        shown = suggestions(session, batch)
        # every passage shown with its candidates and their probabilities, most probable first
        assert set(shown["rank"]) == set(batch["rank"])
        assert shown["probability"].between(0, 1).all()
        assert (shown["suggested"] == (shown["probability"] >= shown["threshold"])).all()
        decisions = simulated_decisions(shown, batch, truth)
        if batch_number == 1:  # one exact span, given by its words
            first_add = decisions.index[decisions["decision"] != "reject"][0]
            passage = batch.set_index(batch["source_id"] + "\x1f" + batch["unit"]).loc[
                decisions.loc[first_add, "source_id"] + "\x1f" + decisions.loc[first_add, "unit"]
            ]
            words = str(passage["text"]).split()
            quote = " ".join(words[1:4])
            decisions["quote"] = ""
            decisions.loc[first_add, "quote"] = quote
        appended = record_decisions(session, decisions, passages=batch)
        result = retrain(session)
        rounds.append(result)
        # the codings file: the earlier bytes untouched, the new rows after them
        now = session.codings_file.read_text(encoding="utf-8")
        log = read_codings_log(session.codings_file)
        assert len(log) == len(log_before) + len(appended)
        new = log.iloc[len(log_before) :]
        assert (new["coder"] == "coder_a").all() and (new["text_basis"] == "redacted").all()
        assert new["coded_at"].str.endswith("+00:00").all()
        assert (new["batch"] == str(batch_number)).all()
        assert set(new["decision"]) <= {"accept", "reject", "add", "reviewed"}
        assert (new["decision"] == "reviewed").sum() == len(batch)
        for row in new.itertuples(index=False):
            assert session.sources[row.source_id][row.start : row.end] == row.text
        if batch_number == 1:
            assert now.startswith(before.splitlines()[0])
            hit = new[new["text"] == quote]
            assert len(hit) == 1  # the exact words, not the whole passage
        log_before = log
        # the suggester was refitted on the new decisions
        assert session.suggester is not model
        assert not session.suggester.predict_proba(probe).equals(proba_before)
    table = progress(session)
    assert list(table["batch"]) == [0, 1, 2]
    assert table["decided_passages"].diff().dropna().tolist() == [12, 12]
    assert table["shared_passages"].is_monotonic_increasing
    assert table["shared_passages"].iloc[-1] > table["shared_passages"].iloc[0]
    assert table["cv_macro_f1"].notna().all()
    # the agreement table moved: more shared passages, different statistics
    first_table, second_table = (r.agreement.set_index("code_id") for r in rounds)
    assert second_table.loc["overall", "n_units"] > first_table.loc["overall", "n_units"]
    assert table["alpha"].iloc[0] != table["alpha"].iloc[-1]
    # A's free-text codings reach the report's prepared codings, on the redacted answers
    from evaluation.inputs import prepare_inputs
    from evaluation.io.wave import load_wave
    from evaluation.pipeline.config import load_config

    cfg = load_config(wave / "evaluation.yaml")
    prepared = prepare_inputs(load_wave(cfg), cfg.focus_group, (), cfg.facilitators)
    mine = prepared.codings["coder_a"]
    free = mine[mine["source_id"].str.contains("__comment_")]
    assert len(free) > 0
    answers = {
        f"{r}__{c}": v
        for c in ("comment_change", "comment_other")
        for r, v in zip(
            prepared.survey.frame["respondent_id"], prepared.survey.frame[c], strict=True
        )
        if isinstance(v, str)
    }
    for row in free.itertuples(index=False):
        assert answers[row.source_id][row.start : row.end] == row.text


def test_bad_decisions_name_the_row_and_column(wave: Path) -> None:
    session = open_session(wave, "C")  # a new coder: cold start seeded by the rules
    assert "seeded by rules" in session.trained_on
    batch = next_batch(session, 3)
    passage = batch.iloc[0]
    bad = pd.DataFrame(
        {
            "source_id": [passage["source_id"], passage["source_id"], "nowhere"],
            "unit": [passage["unit"], passage["unit"], "answer"],
            "code_id": ["uneven_awareness", "not_a_code", "uneven_awareness"],
            "decision": ["accept", "accept", "accept"],
            "quote": ["words that are not there at all", "", ""],
        }
    )
    with pytest.raises(InputError) as caught:
        record_decisions(session, bad, file="batch.csv")
    text = str(caught.value)
    assert "batch.csv, row 2, column 'quote'" in text
    assert "batch.csv, row 3, column 'code_id'" in text
    assert "batch.csv, row 4, column 'source_id'" in text
    assert not session.codings_file.exists()  # nothing appended when anything is wrong


def test_cli_round_trips_a_batch(wave: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "batch.csv"
    result = runner.invoke(
        app, ["code", "next", "--coder", "A", "--n", "5", "--config", str(wave), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    batch = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert batch[["source_id", "unit"]].drop_duplicates().shape[0] == 5
    assert set(batch["coder"]) == {"coder_a"} and (batch["decision"] == "").all()
    # a spreadsheet coder: an undecided suggestion is an error naming file, row and column
    suggested = batch.index[batch["suggested"] == "yes"]
    if len(suggested):
        out.write_text(batch.to_csv(index=False), encoding="utf-8")
        failed = runner.invoke(app, ["code", "take", str(out), "--config", str(wave)])
        assert failed.exit_code == 2
        assert f"{out}, column 'decision'" in failed.output  # rows grouped: "9 rows: 2, 5..."
        expected = ", ".join(str(i + 2) for i in suggested[:10])
        assert failed.output.split("rows: ")[-1].startswith(expected)
    batch.loc[batch["suggested"] == "yes", "decision"] = "accept"
    first = batch.iloc[0]
    added = first.copy()
    added["code_id"], added["decision"], added["suggested"] = "submission_burden", "add", "no"
    filled = pd.concat([batch, added.to_frame().T], ignore_index=True)
    filled.to_csv(out, index=False)
    log = wave / "focus_group" / "codings_coder_a.csv"
    rows_before = len(read_codings_log(log))
    result = runner.invoke(app, ["code", "take", str(out), "--config", str(wave)])
    assert result.exit_code == 0, result.output
    new = read_codings_log(log).iloc[rows_before:]
    assert (new["decision"] == "reviewed").sum() == 5
    assert (new["decision"] == "accept").sum() == (batch["decision"] == "accept").sum()
    got = new[new["decision"] == "add"]
    assert list(got["code_id"]) == ["submission_burden"]
    assert got["source_id"].iloc[0] == first["source_id"]
    assert "cv_macro_f1" in result.output
    # the same batch taken again changes nothing that applies (latest decision wins)
    again = runner.invoke(app, ["code", "next", "--coder", "A", "--n", "5", "--config", str(wave)])
    assert again.exit_code == 0
    fresh = sorted((wave / "focus_group" / "coding_batches").glob("coder_a_batch_*.csv"))
    taken = set(batch["source_id"] + "|" + batch["unit"])
    proposed = pd.read_csv(fresh[-1], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert not taken & set(proposed["source_id"] + "|" + proposed["unit"])


def test_notebook_runs_two_batches(tmp_path: Path) -> None:
    import nbformat

    from evaluation.paths import NOTEBOOKS
    from evaluation.pipeline.run import ensure_kernel, execute_notebook

    wave = copy_wave(tmp_path)
    log = wave / "focus_group" / "codings_coder_a.csv"
    rows_before = len(read_codings_log(log))
    ensure_kernel()
    out = tmp_path / "coding_session.ipynb"
    params = {"config": str(wave / "evaluation.yaml"), "n": 6, "record_as_shown": 2}
    execute_notebook(NOTEBOOKS / "coding_session.ipynb", out, params)
    log_after = read_codings_log(log)
    new = log_after.iloc[rows_before:]
    assert set(new["batch"]) == {"1", "2"} and (new["decision"] == "reviewed").sum() == 12
    executed = nbformat.read(str(out), as_version=4)
    progress_cell = next(c for c in executed.cells if c.source == "cs.progress(session)")
    shown = progress_cell.outputs[0]["data"]["text/plain"]
    assert "cv_macro_f1" in shown and "\n2 " in shown  # batches 0, 1 and 2
    source = nbformat.read(str(NOTEBOOKS / "coding_session.ipynb"), as_version=4)
    assert all(not c.get("outputs") for c in source.cells if c.cell_type == "code")


def test_cli_takes_retrain_once_and_number_batches_per_coder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two CLI batches: each ``code take`` retrains once, and the batches are stamped 1 then 2."""
    import evaluation.coding_session as coding

    wave = copy_wave(tmp_path)
    calls: list[int] = []
    real = coding.retrain

    def counting(session: CodingSession, n_boot: int = 200) -> coding.Round:
        calls.append(1)
        return real(session, n_boot)

    monkeypatch.setattr(coding, "retrain", counting)
    runner = CliRunner()
    log = wave / "focus_group" / "codings_coder_a.csv"
    rows_before = len(read_codings_log(log))
    for number in (1, 2):
        out = tmp_path / f"batch_{number}.csv"
        args = ["code", "next", "--coder", "A", "--n", "3", "--config", str(wave)]
        assert runner.invoke(app, [*args, "--out", str(out)]).exit_code == 0
        batch = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        batch.loc[batch["suggested"] == "yes", "decision"] = "accept"
        batch.to_csv(out, index=False)
        calls.clear()
        result = runner.invoke(app, ["code", "take", str(out), "--config", str(wave)])
        assert result.exit_code == 0, result.output
        assert len(calls) == 1  # opening for a take does not train: only the take retrains
        new = read_codings_log(log).iloc[rows_before:]
        assert set(new["batch"]) == {str(number)}
        rows_before += len(new)
