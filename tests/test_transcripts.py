"""Transcript readers: bracket text, WebVTT (Teams, Zoom), .docx; offsets; participants; errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.errors import InputError
from evaluation.io.transcripts import (
    TURN_COLUMNS,
    join_participants,
    load_focus_groups,
    load_participants,
    parse_bracket_transcript,
    parse_transcript,
    parse_webvtt,
    read_source_text,
    read_transcript,
)

BRACKET = (
    "[00:00:05] F: Welcome, everyone.\n"
    "[00:00:12] P01: Nobody on my ward has heard of it.\n"
    "It stays at the top.\n"
    "\n"
    "[laughs] Honestly.\n"
    "[00:01:02] P02: I wouldn't feel safe reporting.  \n"
)


def assert_offsets(turns: pd.DataFrame, source: str) -> None:
    for row in turns.itertuples():
        assert source[row.start : row.end] == row.text


def test_bracket_turns_continuations_and_offsets() -> None:
    turns = parse_bracket_transcript(BRACKET, "fg")
    assert list(turns.columns) == TURN_COLUMNS
    assert turns["speaker"].tolist() == ["F", "P01", "P02"]
    assert turns["turn"].tolist() == [1, 2, 3]
    assert turns["timestamp_s"].tolist() == [5.0, 12.0, 62.0]
    assert turns.loc[1, "text"] == (
        "Nobody on my ward has heard of it.\nIt stays at the top.\n\n[laughs] Honestly."
    )
    assert turns.loc[2, "text"] == "I wouldn't feel safe reporting."  # trailing blanks trimmed
    assert_offsets(turns, BRACKET)


def test_crlf_survives_in_offsets(tmp_path: Path) -> None:
    path = tmp_path / "fg_crlf.txt"
    path.write_bytes(BRACKET.replace("\n", "\r\n").encode("utf-8"))
    source = read_source_text(path)
    assert "\r\n" in source
    turns = read_transcript(path)
    assert turns["source_id"].unique().tolist() == ["fg_crlf"]
    assert "\r\n" in turns.loc[1, "text"]
    assert_offsets(turns, source)


def test_bom_is_not_part_of_the_source_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + BRACKET.encode("utf-8"))
    assert read_source_text(path) == BRACKET
    assert read_transcript(path).loc[0, "start"] == BRACKET.index("Welcome")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[00:00:05] F: hi\n[00:61:00] P01: bad minute\n", 2, "invalid timestamp"),
        ("[00:00:05] F: hi\n[00:00:09] : no speaker\n", 2, "SPEAKER"),
        ("A title line\n[00:00:05] F: hi\n", 1, "before the first turn"),
        ("[00:00:05] F:\n[00:00:07] P01: hello\n", 1, "no text"),
    ],
)
def test_malformed_bracket_names_line_and_content(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        parse_bracket_transcript(text, "fg", file="fg.txt")
    problem = err.value.problems[0]
    assert problem.file == "fg.txt"
    assert problem.row == line
    assert fragment in problem.message
    assert problem.value == text.splitlines()[line - 1]


def test_invalid_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("[00:00:01] F: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_transcript(path)


TEAMS_VTT = (
    "WEBVTT\r\n\r\n"
    "3f2a-1\r\n00:00:01.000 --> 00:00:04.500\r\n<v Jane Smith>It hasn't filtered down.</v>\r\n\r\n"
    "NOTE a comment block\r\n\r\n"
    "00:00:05.000 --> 00:00:08.000 align:start\r\n<v.loud Sam O'Neil>Two lines\r\nof text</v>\r\n"
)
ZOOM_VTT = (
    "WEBVTT\n\n1\n00:01:00.000 --> 00:01:03.000\nAsha Patel: We report on Datix.\n\n"
    "2\n00:01:03.500 --> 00:01:06.000\nand nothing happens.\n"
)


def test_webvtt_teams_voice_tags() -> None:
    turns = parse_webvtt(TEAMS_VTT, "teams")
    assert turns["speaker"].tolist() == ["Jane Smith", "Sam O'Neil"]
    assert turns["text"].tolist() == ["It hasn't filtered down.", "Two lines\r\nof text"]
    assert turns["timestamp_s"].tolist() == [1.0, 5.0]
    assert_offsets(turns, TEAMS_VTT)


def test_webvtt_zoom_speaker_prefix_and_carried_speaker() -> None:
    turns = parse_webvtt(ZOOM_VTT, "zoom")
    assert turns["speaker"].tolist() == ["Asha Patel", "Asha Patel"]
    assert turns["text"].tolist() == ["We report on Datix.", "and nothing happens."]
    assert turns["timestamp_s"].tolist() == [60.0, 63.5]
    assert_offsets(turns, ZOOM_VTT)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Not a caption file\n", "WEBVTT"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\n<v A>hi\n", "timing"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nno speaker here\n", "no speaker"),
    ],
)
def test_malformed_webvtt(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        parse_webvtt(text, "bad", file="bad.vtt")


def _docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_docx_teams_style(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "teams.docx",
        [
            "Transcript",
            "March 3, 2025, 10:00AM",
            "Jane Smith   0:00:12",
            "Nobody has heard of it.",
            "Not on the wards.",
            "Sam O'Neil  1:05",
            "It's paperwork.",
        ],
    )
    turns = read_transcript(path)
    source = read_source_text(path)
    assert turns["speaker"].tolist() == ["Jane Smith", "Sam O'Neil"]
    assert turns["timestamp_s"].tolist() == [12.0, 65.0]
    assert turns.loc[0, "text"] == "Nobody has heard of it.\nNot on the wards."
    assert_offsets(turns, source)


def test_docx_bracket_style(tmp_path: Path) -> None:
    path = _docx(tmp_path / "bracket.docx", BRACKET.rstrip("\n").split("\n"))
    turns = read_transcript(path)
    assert turns["speaker"].tolist() == ["F", "P01", "P02"]
    assert_offsets(turns, read_source_text(path))


def test_not_a_docx_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("plain text")
    with pytest.raises(InputError, match=r"not a \.docx"):
        read_transcript(path)


def test_participants_join_and_unknown_speaker(tmp_path: Path) -> None:
    folder = tmp_path / "focus_group"
    folder.mkdir()
    (folder / "fg01.txt").write_text(BRACKET, encoding="utf-8")
    participants = folder / "participants.csv"
    participants.write_text(
        "speaker_id,role_level,org_type,ethnicity_group\n"
        "P01,Frontline,acute,Global Majority\nP02,Senior leader,mental health,White\n",
        encoding="utf-8",
    )
    turns = load_focus_groups(folder)
    assert turns.loc[turns["speaker"] == "P01", "role_level"].tolist() == ["Frontline"]
    assert turns.loc[turns["speaker"] == "F", "role_level"].isna().all()
    only_p01 = load_participants(participants).iloc[[0]]
    with pytest.raises(InputError, match="P02"):
        join_participants(read_transcript(folder / "fg01.txt"), only_p01)


def test_duplicate_participant_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(
        "speaker_id,role_level,org_type,ethnicity_group\nP01,a,b,c\nP01,a,b,c\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_participants(path)
    assert err.value.problems[0].row == 3


# --- properties -------------------------------------------------------------------------------

_speech = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="[]"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("[]0123456789: \r\n\tFP.-<>vWEBVTTa\u00e9\u2028")),
        max_size=120,
    ),
    st.sampled_from(["txt", "vtt", "docx"]),
)
def test_any_text_parses_or_raises_input_error(text: str, kind: str) -> None:
    try:
        turns = parse_transcript(text, "x", kind)
    except InputError:
        return
    assert (turns["end"] >= turns["start"]).all()
    assert_offsets(turns, text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4 * 3600),
            st.sampled_from(["F", "P01", "P02", "P10"]),
            st.lists(_speech, min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_well_formed_transcripts_round_trip(turns_in: list, newline: str) -> None:
    lines = []
    for seconds, speaker, parts in turns_in:
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        lines.append(f"[{h:02d}:{m:02d}:{s:02d}] {speaker}: {parts[0]}")
        lines.extend(parts[1:])
    text = newline.join(lines) + newline
    try:
        turns = parse_transcript(text, "x", "txt")
    except InputError as err:  # a generated continuation may itself look like a header
        assert any("timestamp" in p.message or "text" in p.message for p in err.problems)
        return
    assert_offsets(turns, text)
    assert turns["speaker"].tolist() == [t[1] for t in turns_in]
    assert turns["timestamp_s"].tolist() == [float(t[0]) for t in turns_in]
