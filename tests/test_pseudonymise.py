"""Speakers become stable pseudonyms at ingestion: P01.. per wave, facilitators F1.. from the
config; a Teams transcript's real names reach no turn, source text or coding; the map stays in
the wave's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import InputError
from evaluation.io.transcripts import SPEAKER_MAP, is_facilitator, pseudonymise_focus_groups
from evaluation.paths import SURVEY_DATA

TEAMS = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Jane Moorcroft>Welcome everyone, thanks for coming.</v>

00:00:05.000 --> 00:00:09.000
<v Wendell Achterberg>I reported it to my manager and Jane knows that.</v>

00:00:10.000 --> 00:00:14.000
<v Chidinma Eze>Wendell is right.</v>

00:00:15.000 --> 00:00:18.000
<v Wendell Achterberg>Nothing changed.</v>
"""
PEOPLE = ("Jane Moorcroft", "Wendell Achterberg", "Chidinma Eze")


def _folder(tmp_path: Path, participants: str) -> Path:
    folder = tmp_path / "wave" / "focus_group"
    folder.mkdir(parents=True)
    (folder / "teams_01.vtt").write_text(TEAMS, encoding="utf-8")
    (folder / "participants.csv").write_text(participants, encoding="utf-8")
    return folder


BY_NAME = (
    "speaker_id,role_level,org_type,ethnicity_group\n"
    "Wendell Achterberg,Frontline,acute,White\n"
    "Chidinma Eze,Team leader,acute,Global Majority\n"
)


def test_teams_speakers_become_pseudonyms_everywhere(tmp_path):
    folder = _folder(tmp_path, BY_NAME)
    group = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    assert group.turns["speaker"].tolist() == ["F1", "P01", "P02", "P01"]
    assert group.turns["role_level"].tolist()[1:] == ["Frontline", "Team leader", "Frontline"]
    source = group.sources["teams_01"]
    assert "<v F1>" in source and "<v P01>" in source and "<v P02>" in source
    for person in PEOPLE:
        assert person not in source  # the labels are gone; names inside turns are redaction's
    for row in group.turns.itertuples():
        assert source[row.start : row.end] == row.text
    assert set(group.names) == set(PEOPLE)
    saved = pd.read_csv(folder / SPEAKER_MAP)
    assert dict(zip(saved["speaker"], saved["pseudonym"], strict=True)) == {
        "Jane Moorcroft": "F1", "Wendell Achterberg": "P01", "Chidinma Eze": "P02"
    }  # fmt: skip


def test_participants_keyed_by_id_with_a_name_column(tmp_path):
    folder = _folder(
        tmp_path,
        "speaker_id,name,role_level,org_type,ethnicity_group\n"
        "P07,Wendell Achterberg,Frontline,acute,White\n"
        "P03,chidinma  eze,Team leader,acute,Global Majority\n",  # any case, any spacing
    )
    group = pseudonymise_focus_groups(folder, ["jane moorcroft"])
    assert group.turns["speaker"].tolist() == ["F1", "P07", "P03", "P07"]
    assert "name" not in group.turns.columns


def test_pseudonyms_are_stable_when_participants_are_added(tmp_path):
    folder = _folder(tmp_path, BY_NAME)
    first = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    # a new participant listed first, who would take P01 if numbering started afresh
    (folder / "participants.csv").write_text(
        BY_NAME.replace(
            "ethnicity_group\n", "ethnicity_group\nAmara Osei,Frontline,acute,Global Majority\n"
        )
    )
    second = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    assert second.turns["speaker"].tolist() == first.turns["speaker"].tolist()


def test_unknown_speaker_and_unnamed_facilitator_are_errors(tmp_path):
    folder = _folder(tmp_path, BY_NAME)
    with pytest.raises(InputError, match="not in participants"):
        pseudonymise_focus_groups(folder)  # the facilitator is not "F" here


def test_codings_follow_the_pseudonymised_text(tmp_path):
    folder = _folder(tmp_path, BY_NAME)
    group = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    raw = TEAMS
    start = raw.index("Nothing changed.")
    segments = pd.DataFrame(
        {"source_id": ["teams_01"], "speaker_or_respondent": ["Wendell Achterberg"],
         "start": [start], "end": [start + 16], "text": ["Nothing changed."]}
    )  # fmt: skip
    moved = group.move(segments)
    assert moved.loc[0, "speaker_or_respondent"] == "P01"
    row = moved.iloc[0]
    assert group.sources["teams_01"][row["start"] : row["end"]] == "Nothing changed."


def test_bundled_wave_keeps_its_ids_and_writes_no_map(tmp_path):
    folder = tmp_path / "focus_group"
    shutil.copytree(SURVEY_DATA / "synthetic" / "2025" / "focus_group", folder)
    group = pseudonymise_focus_groups(folder)
    speakers = set(group.turns["speaker"])
    assert "F1" in speakers and "F" not in speakers
    assert {s for s in speakers if s != "F1"} == {f"P{i:02d}" for i in range(1, 11)}
    assert not (folder / SPEAKER_MAP).exists() and group.names == ()
    assert is_facilitator("F1") and is_facilitator("F") and not is_facilitator("P01")


def test_config_facilitators_setting(tmp_path):
    from evaluation.pipeline.config import load_config

    wave = SURVEY_DATA / "synthetic" / "2025"
    text = (wave / "evaluation.yaml").read_text()
    config_path = wave / "evaluation.yaml"
    assert load_config(config_path).facilitators == ("F",)
    copy = tmp_path / "evaluation.yaml"
    base = f"survey: {wave / 'survey.csv'}\ncodebook: {SURVEY_DATA / 'codebook.yaml'}\nwave: 2025\n"
    copy.write_text(base + "facilitators: [Jane Moorcroft, F]\n")
    assert load_config(copy).facilitators == ("Jane Moorcroft", "F")
    copy.write_text(base + "facilitators: {a: 1}\n")
    with pytest.raises(InputError, match="facilitators"):
        load_config(copy)
    assert "facilitators" not in text  # the bundled config relies on the default


ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Jane Moorcroft: Welcome back.

2
00:00:05.000 --> 00:00:09.000
Wendell Achterberg: It still happens on nights.
"""


def test_zoom_style_cues_are_pseudonymised(tmp_path):
    folder = _folder(tmp_path, BY_NAME)
    (folder / "teams_01.vtt").unlink()
    (folder / "zoom_01.vtt").write_text(ZOOM, encoding="utf-8")
    group = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    source = group.sources["zoom_01"]
    assert "F1: Welcome back." in source and "P01: It still happens" in source
    assert "Moorcroft" not in source and "Achterberg" not in source


def test_teams_docx_paragraphs_are_pseudonymised(tmp_path):
    from docx import Document

    folder = _folder(tmp_path, BY_NAME)
    (folder / "teams_01.vtt").unlink()
    document = Document()
    for line in ["Focus group 3", "Jane Moorcroft   0:00:03", "Welcome, all.",
                 "Chidinma Eze   0:00:10", "Nobody is held to account."]:  # fmt: skip
        document.add_paragraph(line)
    document.save(folder / "session_03.docx")
    group = pseudonymise_focus_groups(folder, ["Jane Moorcroft"])
    assert group.turns["speaker"].tolist() == ["F1", "P02"]
    source = group.sources["session_03"]
    assert "F1   0:00:03" in source and "P02   0:00:10" in source and "Eze" not in source
    for row in group.turns.itertuples():
        assert source[row.start : row.end] == row.text


def test_a_cleared_passage_is_published_and_a_pending_one_held(tmp_path):
    from evaluation.inputs import prepare_inputs
    from evaluation.io.survey import LoadedSurvey
    from evaluation.review import QUEUE, read_queue

    wave = tmp_path / "wave"
    wave.mkdir()
    frame = pd.DataFrame(
        {"respondent_id": ["R1", "R2"],
         "comment_change": pd.array(["I am the only Black matron on our ward.",
                                     "Fine, thanks."], dtype="string")}
    )  # fmt: skip
    loaded = LoadedSurvey(frame=frame, account=pd.DataFrame(), path=wave / "survey.csv")
    held = prepare_inputs(loaded, None)
    assert held.survey.frame.loc[0, "comment_change"] == "[held for review]"
    queue = read_queue(wave)
    assert queue["decision"].tolist() == ["pending"]
    assert queue["source_id"].tolist() == ["R1__comment_change"]
    queue.loc[0, "decision"] = "cleared"
    queue.to_csv(wave / QUEUE, index=False)
    cleared = prepare_inputs(loaded, None)
    assert cleared.survey.frame.loc[0, "comment_change"] == frame.loc[0, "comment_change"]
    assert read_queue(wave)["decision"].tolist() == ["cleared"]  # the decision is kept
