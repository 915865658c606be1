"""The quote bank: candidates per theme, sign-offs that survive a refresh, held passages never
quoted, attributes only where the group is large enough, and a report showing only signed quotes.

The unit tests use hand-made passages with a planted answer (the passage nearest the theme's
centroid must rank first); the wave tests copy the bundled synthetic wave, so they do not depend
on its exact wording (the synthetic language may be regenerated).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.paths import NOTEBOOKS, SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.text import quotes
from evaluation.text.codebook import load_codebook
from evaluation.themes import (
    HELD_MARKER,
    build_quote_bank,
    quote_bank_path,
    report_quotes,
    sign_quotes,
)

WAVE = SURVEY_DATA / "synthetic" / "2025"


def _units(texts: list[str], people: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": [f"R{i}__comment_other" for i in range(len(texts))],
            "unit": "answer",
            "speaker_or_respondent": people or [f"R{i}" for i in range(len(texts))],
            "start": 0,
            "end": [len(t) for t in texts],
            "text": texts,
        }
    )


def _coded(units: pd.DataFrame, code: str, rows: list[int], coder: str = "rules") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": units["source_id"].iloc[rows].tolist(),
            "unit": "answer",
            "code_id": code,
            "coder": coder,
        }
    )


TEXTS = [
    "Nobody ever tells you what happened after you report racism on the ward.",  # typical
    "Nobody tells you what happened after you report it, so people stop reporting.",
    "You report racism and nothing happens, nobody tells you what happened.",
    "Reports vanish; the car park is also always full on Mondays and Tuesdays.",  # off-centre
    "Short.",  # too short to quote
    "The framework gave our board a clear structure and a shared language for this.",
]


def test_the_passage_nearest_the_theme_centroid_ranks_first_and_rules_hold() -> None:
    units = _units(TEXTS)
    coded = pd.concat(
        [_coded(units, "reporting", [0, 1, 2, 3, 4]), _coded(units, "legitimacy", [5])]
    )
    out = quotes.candidate_quotes(units, coded, ["reporting", "legitimacy"], near_duplicate=1.01)
    reporting = out[out["code_id"] == "reporting"]
    assert reporting["rank"].tolist() == [1, 2, 3, 4]
    assert reporting["text"].iloc[-1] == TEXTS[3]  # the off-centre passage comes last
    assert TEXTS[4] not in set(out["text"])  # shorter than MIN_CHARS
    assert reporting["score"].is_monotonic_decreasing
    assert out.loc[out["code_id"] == "legitimacy", "text"].tolist() == [TEXTS[5]]
    # confidence weighs in: a model sure of passage 3 and unsure of the rest lifts it to first
    confidence = pd.DataFrame({"reporting": [0.2, 0.2, 0.2, 1.0, 1.0, 0.0], "legitimacy": 1.0})
    lifted = quotes.candidate_quotes(units, coded, ["reporting"], confidence=confidence)
    assert lifted["text"].iloc[0] == TEXTS[3]


def test_held_passages_one_quote_per_person_and_near_duplicates_are_left_out() -> None:
    texts = [
        f"{HELD_MARKER} Nobody ever tells you what happened after you report racism.",
        "Nobody ever tells you what happened after you report racism on the ward.",
        "Nobody ever tells you what happened after you report racism on the ward!",  # same words
        "After I reported it nobody told me what happened, and nobody ever does.",
        "After I reported it nobody told me what happened, so I gave up on Datix.",
        "I reported it twice and never heard back about what happened from anyone.",
    ]
    people = ["R0", "R1", "R2", "R3", "R3", "R5"]
    units = _units(texts, people)
    coded = _coded(units, "reporting", list(range(6)))
    out = quotes.candidate_quotes(
        units,
        coded,
        ["reporting"],
        exclude_if_contains=(HELD_MARKER,),
        is_held=lambda text: "Datix" in text,  # as if a review item were pending in it
    )
    assert not out["text"].str.contains(HELD_MARKER, regex=False).any()
    assert not out["text"].str.contains("Datix").any()
    assert out["case_id"].is_unique  # R3 once
    assert not {texts[1], texts[2]} <= set(out["text"])  # the near-duplicate pair gives one


def test_refresh_keeps_every_sign_off_and_marks_changed_words_stale() -> None:
    units = _units(TEXTS)
    coded = _coded(units, "reporting", [0, 1, 2, 3])
    first = quotes.candidate_quotes(units, coded, ["reporting"], near_duplicate=1.01)
    bank = quotes.merge_bank(None, first)
    assert not quotes.signed(bank).any() and (bank["status"] == quotes.CANDIDATE).all()
    bank.loc[0, ["signed_off_by", "signed_off_on", "notes"]] = ["A. Reader", "2026-01-05", "ok"]
    bank.loc[3, ["signed_off_by", "signed_off_on"]] = ["A. Reader", "2026-01-05"]
    bank.loc[2, "signed_off_by"] = "half-filled"  # no date: not a sign-off
    # the source of the fourth quote is edited; passage 0 is now a weaker candidate
    edited = units.copy()
    edited.loc[3, "text"] = "Reports vanish into a system nobody trusts, and nothing happens."
    new = quotes.candidate_quotes(edited, coded, ["reporting"], per_theme=2, near_duplicate=1.01)
    pairs = list(zip(edited["source_id"], edited["text"], strict=True))
    new.attrs["current"] = {quotes.quote_id("reporting", s, t) for s, t in pairs}
    again = quotes.merge_bank(bank, new)
    kept = again[quotes.signed(again)].set_index("quote_id")
    assert set(kept.index) == {bank.loc[0, "quote_id"], bank.loc[3, "quote_id"]}
    assert kept.loc[bank.loc[0, "quote_id"], "notes"] == "ok"
    assert kept.loc[bank.loc[3, "quote_id"], "status"] == quotes.STALE
    assert "half-filled" not in set(again["signed_off_by"].dropna())
    # shown: signed and words unchanged only
    current = {quotes.quote_id("reporting", s, t): t for s, t in pairs}
    shown = quotes.shown_quotes(again, current)
    assert shown["text"].tolist() == [bank.loc[0, "text"]]


def test_attributes_are_shown_only_for_groups_of_min_cell() -> None:
    values = pd.Series(["Frontline", "Senior leader", None, "Unknown"])
    out = quotes.disclose_attribute(values, {"Frontline": 11, "Senior leader": 10}, 11)
    assert out.tolist()[0] == "Frontline" and out.isna().tolist()[1:] == [True, True, True]


# -- on a copy of the bundled wave -----------------------------------------------------------
def _copy_wave(tmp_path: Path) -> Path:
    folder = tmp_path / "2025"
    shutil.copytree(WAVE, folder, ignore=shutil.ignore_patterns("scratch", "quotes", "review"))
    config = yaml.safe_load((WAVE / "evaluation.yaml").read_text())
    config |= {"codebook": str(SURVEY_DATA / "codebook.yaml"), "output": str(tmp_path / "out")}
    for key in ("previous_wave", "public_outcomes", "arf_status"):
        config.pop(key, None)
    (folder / "evaluation.yaml").write_text(yaml.safe_dump(config))
    return folder / "evaluation.yaml"


HELD_SENTENCE = "I'm the only Black matron on Ward 7B at Tameside."


@pytest.fixture(scope="module")
def wave(tmp_path_factory) -> Path:
    """A wave copy whose strongest candidate of one theme now starts with an identifying
    sentence (held in the review queue), with a quote bank built and two quotes signed."""
    config_path = _copy_wave(tmp_path_factory.mktemp("wave"))
    config = load_config(config_path)
    _, bank = build_quote_bank(config, use_suggester=False)
    top = bank[(bank["rank"] == 1) & (bank["kind"] == "free_text")].iloc[0]
    respondent, field = str(top["source_id"]).split("__")
    survey = pd.read_csv(config.survey, dtype=str, keep_default_na=False)
    row = survey.index[survey["respondent_id"] == respondent][0]
    survey.loc[row, field] = f"{HELD_SENTENCE} {top['text']}"
    survey.to_csv(config.survey, index=False, lineterminator="\n")
    build_quote_bank(config, use_suggester=False)
    return config_path


def test_review_held_items_are_never_candidates(wave: Path) -> None:
    config = load_config(wave)
    bank = quotes.read_bank(str(quote_bank_path(config)))
    queue = pd.read_csv(config.data_dir / "review" / "queue.csv", dtype=str)
    held = set(queue.loc[queue["decision"] != "cleared", "source_id"])
    assert held and not held & set(bank["source_id"])
    assert not bank["text"].str.contains(HELD_MARKER, regex=False).any()
    assert not bank["text"].str.contains("Ward 7B").any()
    assert bank.groupby("code_id").size().min() >= 1


def test_bank_attributes_pass_disclosure_in_the_wave(wave: Path) -> None:
    config = load_config(wave)
    bank = quotes.read_bank(str(quote_bank_path(config)))
    survey = pd.read_csv(config.survey, dtype=str, keep_default_na=False)
    wrote = (survey["comment_change"].str.strip() != "") | (
        survey["comment_other"].str.strip() != ""
    )
    writers = survey.loc[wrote, "role_level"].value_counts()
    participants = pd.read_csv(config.focus_group / "participants.csv")["role_level"].value_counts()
    answers, turns = bank[bank["kind"] == "free_text"], bank[bank["kind"] == "focus_group"]
    roles = survey.set_index("respondent_id")["role_level"]
    speakers = pd.read_csv(config.focus_group / "participants.csv").set_index("speaker_id")
    for frame, sizes, true in ((answers, writers, roles), (turns, participants,
                                                           speakers["role_level"])):  # fmt: skip
        role = frame["case_id"].map(true)
        large = role.map(sizes) >= config.min_cell
        assert (frame.loc[large, "attribute"] == role[large]).all()
        assert frame.loc[~large, "attribute"].isna().all()
    assert answers["attribute"].notna().any()  # not simply all withheld
    # respondents are called "Respondent N", never by their survey id
    assert answers["pseudonym"].str.fullmatch(r"Respondent \d+").all()
    assert not set(answers["pseudonym"]) & set(answers["case_id"])


def test_sign_offs_survive_a_refresh_through_the_cli(wave: Path) -> None:
    runner = CliRunner()
    config = load_config(wave)
    bank = quotes.read_bank(str(quote_bank_path(config)))
    chosen = bank["quote_id"].iloc[[0, 5]].tolist()
    result = runner.invoke(app, ["quotes", "sign", str(wave), *chosen, "--by", "A. Reader",
                                 "--on", "2026-01-05"])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["quotes", "build", str(wave), "--no-suggester"])
    assert result.exit_code == 0, result.output
    assert "2 signed off" in result.output
    again = quotes.read_bank(str(quote_bank_path(config))).set_index("quote_id")
    assert (again.loc[chosen, "signed_off_by"] == "A. Reader").all()
    assert (again.loc[chosen, "signed_off_on"] == "2026-01-05").all()
    unknown = runner.invoke(app, ["quotes", "sign", str(wave), "nope:x:y", "--by", "A"])
    assert unknown.exit_code == 2 and "no quote" in unknown.output
    nothing = runner.invoke(app, ["quotes", "sign", str(wave), "--by", "A"])
    assert nothing.exit_code == 2 and "quote_id" in nothing.output


def test_bulk_sign_off_is_for_synthetic_waves_only(tmp_path: Path) -> None:
    config_path = _copy_wave(tmp_path)
    (config_path.parent / "truth.json").unlink()
    config = load_config(config_path)
    build_quote_bank(config, use_suggester=False)
    with pytest.raises(Exception, match="only for a synthetic wave"):
        sign_quotes(config, [], "demo", top=1)


def test_report_quotes_omit_role_where_the_scope_group_is_small(wave: Path) -> None:
    config = load_config(wave)
    path = quote_bank_path(config)
    bank = quotes.read_bank(str(path))
    bank[["signed_off_by", "signed_off_on"]] = ["A. Reader", "2026-01-05"]
    from evaluation.safe_output import write_csv

    write_csv(bank, path)
    from evaluation.inputs import load_inputs

    prepared = load_inputs(config, config.folder / "nowhere")
    survey = prepared.survey.frame
    codebook = load_codebook(config.codebook)
    names = {c.code_id: c.name for c in codebook}
    whole = report_quotes(survey, prepared.turns, path, codebook.leaf_ids, names, config.min_cell)
    assert len(whole) == len(bank[bank["status"] == quotes.CANDIDATE])
    assert (whole.loc[whole["Role level"] != "(not shown)", "Role level"] == "Frontline").any()
    # one organisation: its groups are small, so no role level is shown, and only its quotes
    org = survey["org_code"].value_counts().index[0]
    scoped = survey[survey["org_code"] == org]
    part = report_quotes(scoped, None, path, codebook.leaf_ids, names, config.min_cell)
    writers = scoped.loc[scoped["comment_other"].notna() | scoped["comment_change"].notna()]
    small = writers["role_level"].value_counts()
    shown = part.loc[part["Role level"] != "(not shown)", "Role level"]
    assert all(small[r] >= config.min_cell for r in shown)
    assert set(part["Quote"]) <= set(whole["Quote"]) and len(part) < len(whole)


@pytest.mark.slow
def test_the_report_shows_signed_off_quotes_and_no_unsigned_one(tmp_path: Path) -> None:
    """``arf-eval run --out``: notebook 05 of the report shows exactly the signed quotes."""
    import lxml.html

    config_path = _copy_wave(tmp_path)
    config = load_config(config_path)
    _, bank = build_quote_bank(config, use_suggester=False)
    sign_quotes(config, [], "synthetic demo", "2026-01-05", top=1)
    bank = quotes.read_bank(str(quote_bank_path(config)))
    signed = bank[quotes.signed(bank)]
    unsigned = bank[~quotes.signed(bank)]
    assert len(signed) == bank["code_id"].nunique() and len(unsigned)
    from evaluation.pipeline.run import run_report

    out = tmp_path / "report"
    run_report(config, notebooks=[NOTEBOOKS / "05_thematic_coding.ipynb"], output_dir=out,
               progress=False)  # fmt: skip
    table = pd.read_csv(out / "tables" / "themes_signed_off_quotes.csv", encoding="utf-8-sig")
    assert sorted(table["Quote"]) == sorted(signed["text"])
    page = " ".join(lxml.html.parse(str(out / "report.html")).getroot().text_content().split())
    assert all(text in page for text in signed["text"])
    assert not any(text in page for text in set(unsigned["text"]) - set(signed["text"]))
    assert "signed_off_by" not in page and "synthetic demo" not in page  # signers stay private
    # every file of the restricted tier is described in its index
    import json

    index = json.loads((out / "themes" / "index.json").read_text())
    assert {p.stem for p in (out / "themes").glob("*.csv")} == set(index)


REGENERATE = (
    "the bundled wave's signed-off quotes no longer match its text (was the synthetic language "
    "regenerated?): run `arf-eval quotes build survey_data/synthetic/2025/evaluation.yaml` and "
    "`arf-eval quotes sign survey_data/synthetic/2025/evaluation.yaml --top 1 --by 'synthetic "
    "demo (no real person)' --on 2026-12-02`, then commit quotes/quote_bank.csv"
)


def test_the_bundled_wave_ships_signed_off_quotes_that_its_report_shows(tmp_path: Path) -> None:
    from evaluation.inputs import load_inputs

    config = load_config(WAVE / "evaluation.yaml")
    bank = quotes.read_bank(str(quote_bank_path(config)))
    assert bank is not None and quotes.signed(bank).sum() >= 1, REGENERATE
    prepared = load_inputs(config, tmp_path)
    codebook = load_codebook(config.codebook)
    names = {c.code_id: c.name for c in codebook}
    table = report_quotes(prepared.survey.frame, prepared.turns, quote_bank_path(config),
                          codebook.leaf_ids, names, config.min_cell)  # fmt: skip
    assert table.attrs["not_shown"] == 0 and len(table) == quotes.signed(bank).sum(), REGENERATE
    assert table["Theme"].is_unique  # one per theme


def test_a_role_shown_with_a_quote_is_shown_alike_in_every_report_it_appears_in(wave: Path) -> None:
    """The same words under the same pseudonym appear in the region report and in the packs of
    the writer's ICB and organisation: a role level shown in one would be known in all, so it
    is shown only where all allow it."""
    from evaluation.inputs import load_inputs

    config = load_config(wave)
    path = quote_bank_path(config)
    bank = quotes.read_bank(str(path))
    bank[["signed_off_by", "signed_off_on"]] = ["A. Reader", "2026-01-05"]
    from evaluation.safe_output import write_csv

    write_csv(bank, path)
    population = load_inputs(config, config.folder / "nowhere").survey.frame
    codebook = load_codebook(config.codebook)
    args = (path, codebook.leaf_ids, {c.code_id: c.code_id for c in codebook}, config.min_cell)
    pack_min = config.pack_min_respondents
    region = report_quotes(population, None, *args, population=population,
                           pack_min_respondents=pack_min)  # fmt: skip
    roles = {}
    for unit in ("icb", "org_code"):
        for _, members in population.groupby(unit):
            if len(members) < pack_min:  # no pack of its own
                continue
            pack = report_quotes(members, None, *args, population=population,
                                 pack_min_respondents=pack_min)  # fmt: skip
            for row in pack.itertuples(index=False):
                roles.setdefault((row.Who, row.Quote), set()).add(row[3])
    for row in region.itertuples(index=False):  # the same in every pack it appears in
        assert roles.get((row.Who, row.Quote), {row[3]}) == {row[3]}, row
    writers = population[population["comment_other"].notna() | population["comment_change"].notna()]
    shown = region[region["Role level"] != "(not shown)"]
    lookup = dict(zip(bank["pseudonym"], bank["case_id"], strict=False))
    assert len(roles) and len(shown)  # packs show quotes, and some with a role level
    for row in shown.itertuples(index=False):
        me = writers[writers["respondent_id"] == lookup[row.Who]].iloc[0]
        same = writers[writers["role_level"] == me["role_level"]]
        for unit in ("org_code", "icb"):
            if (population[unit] == me[unit]).sum() >= pack_min:
                assert (same[unit] == me[unit]).sum() >= config.min_cell
