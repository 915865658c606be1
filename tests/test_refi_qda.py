"""REFI-QDA exchange: deterministic export, schema validity, exact round trips, liberal import."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from evaluation.errors import InputError
from evaluation.text.refi_qda import (
    ORIGIN,
    SEGMENT_COLUMNS,
    export_qdc,
    export_qdpx,
    import_qdc,
    import_qdpx,
    stable_guid,
    validate_xml,
)

DATA = Path(__file__).parent / "data" / "qda"
NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

TRANSCRIPT = (
    "[00:00:01] F: What has changed?\r\n"
    "[00:00:07] P01: Honestly? Nothing 😞 — the café talk stays at the top.\r\n"
    "[00:00:15] P02: I wouldn't report it, reports go nowhere 🙄.\r\n"
)
ANSWER = "Leaders aren't held to account. Ça suffit 👍🏽!"


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def _frames() -> dict[str, pd.DataFrame]:
    """A small project: a CRLF transcript with two participants and one free-text answer."""
    codebook = pd.DataFrame(
        {
            "code_id": ["awareness", "uneven_awareness", "reporting", "low_reporting_confidence"],
            "name": ["Awareness", "Uneven awareness", "Reporting", "Low reporting confidence"],
            "parent": [pd.NA, "awareness", pd.NA, "reporting"],
            "definition": ["Who knows.", "Top, not frontline.", "Reporting.", "Not confident."],
            "principle": ["prioritising", "prioritising", pd.NA, "acting"],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["fg_2025_01", "R0042__comment_change"],
            "kind": ["transcript", "free_text"],
            "text": [TRANSCRIPT, ANSWER],
            "case_id": [pd.NA, "R0042"],
        }
    )
    rows = [
        ("a1", "fg_2025_01", "P01", "the café talk stays at the top", "uneven_awareness", "amina"),
        (
            "a2",
            "fg_2025_01",
            "P02",
            "I wouldn't report it, reports go nowhere 🙄",
            "low_reporting_confidence",
            "amina",
        ),
        (
            "r1",
            "fg_2025_01",
            "P02",
            "reports go nowhere 🙄.\r\n",
            "low_reporting_confidence",
            "rules",
        ),
        ("r2", "R0042__comment_change", "R0042", "Ça suffit 👍🏽", "reporting", "rules"),
    ]
    texts = dict(zip(sources["source_id"], sources["text"], strict=True))
    segments = pd.DataFrame(
        [
            {
                "segment_id": sid,
                "source_id": src,
                "speaker_or_respondent": who,
                "start": _span(texts[src], passage)[0],
                "end": _span(texts[src], passage)[1],
                "text": passage,
                "code_id": code,
                "coder": coder,
                "confidence": 1.0 if coder == "amina" else 0.625,
                "codebook_version": "1.0",
            }
            for sid, src, who, passage, code, coder in rows
        ]
    )
    cases = pd.DataFrame(
        {
            "case_id": ["P01", "P02", "R0042"],
            "role_level": ["frontline", "senior leader", pd.NA],
            "years_in_post": pd.array([3, 12, pd.NA], dtype="Int64"),
            "score": [0.5, 1e-05, float("nan")],
            "line_manager": pd.array([False, True, pd.NA], dtype="boolean"),
            "joined": pd.to_datetime(["2020-01-06", "2011-09-01", None]),
        }
    )
    turns = pd.DataFrame({"source_id": ["fg_2025_01"] * 3, "speaker": ["F", "P01", "P02"]})
    return {
        "codebook": codebook,
        "sources": sources,
        "segments": segments,
        "cases": cases,
        "turns": turns,
    }


def _values(series: pd.Series) -> list[object]:
    """Plain values with None for any missing marker (NA and NaN do not compare equal)."""
    return [None if pd.isna(v) else v for v in series.tolist()]


def _export(path: Path, frames: dict[str, pd.DataFrame] | None = None) -> Path:
    frames = frames or _frames()
    return export_qdpx(path, **frames, version="1.0", project_name="ARF wave 2025")


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def test_two_exports_of_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    first = _export(tmp_path / "a" / "project.qdpx").read_bytes()
    second = _export(tmp_path / "b" / "other.qdpx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / "project.qdpx") as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        assert names[1:] == sorted(names[1:])
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert b"DateTime" not in _qde(tmp_path / "a" / "project.qdpx")


def test_guids_are_stable_keys_and_texts_are_stored_under_them(tmp_path: Path) -> None:
    path = _export(tmp_path / "p.qdpx")
    root = etree.fromstring(_qde(path))
    guids = [value for value in root.xpath("//@guid | //@targetGUID | //@creatingUser")]
    assert guids and all(GUID.match(g) for g in guids)
    code = root.find(".//q:Code[@name='Uneven awareness']", NS)
    assert code.get("guid") == stable_guid("code", "uneven_awareness")
    source = root.find(".//q:TextSource[@name='fg_2025_01']", NS)
    guid = stable_guid("source", "fg_2025_01")
    assert source.get("plainTextPath") == f"internal://{guid}.txt"
    with zipfile.ZipFile(path) as archive:
        assert archive.read(f"Sources/{guid}.txt") == TRANSCRIPT.encode("utf-8")


def test_project_validates_against_the_refi_qda_schema_subset(tmp_path: Path) -> None:
    xml = _qde(_export(tmp_path / "p.qdpx"))
    assert validate_xml(xml, "project") == []
    root = etree.fromstring(xml)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    order = [etree.QName(child).localname for child in root]
    assert order == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Description"]
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind(".//q:Variable", NS)}
    assert types == {
        "role_level": "Text",
        "years_in_post": "Integer",
        "score": "Float",
        "line_manager": "Boolean",
        "joined": "Date",
    }
    # xs:decimal has no exponent: 1e-05 must be written out.
    assert root.xpath("//q:FloatValue/text()", namespaces=NS) == ["0.5", "0.00001"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.insert(0, r[1]), "not expected"),  # CodeBook moved before Users
        (lambda r: r.find(".//q:Code", NS).set("guid", "not-a-guid"), "guid"),
        (lambda r: r.find(".//q:PlainTextSelection", NS).attrib.pop("startPosition"), "start"),
    ],
)
def test_schema_catches_order_guid_and_required_attribute_errors(
    tmp_path: Path, mutate, expected: str
) -> None:
    root = etree.fromstring(_qde(_export(tmp_path / "p.qdpx")))
    mutate(root)
    errors = validate_xml(etree.tostring(root), "project")
    assert errors and any(expected in e for e in errors)


def test_round_trip_restores_every_frame(tmp_path: Path) -> None:
    frames = _frames()
    project = import_qdpx(_export(tmp_path / "p.qdpx", frames))
    assert project.warnings == []
    assert project.origin == ORIGIN and project.codebook_version == "1.0"

    expected = frames["segments"].sort_values("segment_id").reset_index(drop=True)
    got = project.segments.sort_values("segment_id").reset_index(drop=True)
    assert list(got.columns) == SEGMENT_COLUMNS
    for column in SEGMENT_COLUMNS:
        assert _values(got[column]) == _values(expected[column]), column

    sources = project.sources.set_index("source_id")
    assert sources.at["fg_2025_01", "text"] == TRANSCRIPT
    assert sources.at["fg_2025_01", "kind"] == "transcript"
    assert pd.isna(sources.at["fg_2025_01", "case_id"])  # several speakers
    assert sources.at["R0042__comment_change", "case_id"] == "R0042"

    codebook = project.codebook.set_index("code_id")
    original = frames["codebook"].set_index("code_id")
    for column in ["name", "parent", "definition", "principle"]:
        assert _values(codebook[column]) == _values(original[column]), column

    assert sorted(project.coders["coder"]) == ["amina", "rules"]
    cases = project.cases.set_index("case_id")
    assert set(cases.index) == {
        "F",
        "P01",
        "P02",
        "R0042",
    }  # F: the facilitator speaks, no attributes
    assert cases.at["P02", "years_in_post"] == 12
    assert bool(cases.at["P02", "line_manager"]) and not bool(cases.at["P01", "line_manager"])
    assert cases.at["P01", "joined"] == pd.Timestamp("2020-01-06")
    assert cases.at["P02", "score"] == pytest.approx(1e-05)
    assert pd.isna(cases.at["R0042", "role_level"])
    assert str(cases["years_in_post"].dtype) == "Int64"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_span_of_any_text_survives_export_and_import(data: st.DataObject) -> None:
    pieces = st.sampled_from(["a", "Z", " ", "é", "ß", "\r\n", "\n", "\r", "😊", "👍🏽", "—", "\t"])
    text = "".join(data.draw(st.lists(pieces, min_size=1, max_size=40)))
    spans = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted),
            min_size=1,
            max_size=5,
        )
    )
    frames = _frames()
    frames["sources"] = pd.DataFrame(
        {"source_id": ["s"], "kind": ["free_text"], "text": [text], "case_id": ["R1"]}
    )
    frames["segments"] = pd.DataFrame(
        {
            "segment_id": [f"seg{i}" for i in range(len(spans))],
            "source_id": "s",
            "speaker_or_respondent": "R1",
            "start": [s for s, _ in spans],
            "end": [e for _, e in spans],
            "text": [text[s:e] for s, e in spans],
            "code_id": "reporting",
            "coder": "rules",
            "confidence": 0.5,
            "codebook_version": "1.0",
        }
    )
    frames["cases"], frames["turns"] = None, None
    with tempfile.TemporaryDirectory() as folder:
        project = import_qdpx(_export(Path(folder) / "p.qdpx", frames))
    got = project.segments.sort_values("segment_id")
    assert project.sources["text"].tolist() == [text]
    assert got["text"].tolist() == [text[s:e] for s, e in spans]
    assert got["start"].tolist() == [s for s, _ in spans]
    assert got["end"].tolist() == [e for _, e in spans]


def test_codebook_qdc_round_trip_and_schema(tmp_path: Path) -> None:
    codebook = _frames()["codebook"].assign(color=["#AA0000", pd.NA, "#00f", pd.NA])
    path = export_qdc(tmp_path / "codebook.qdc", codebook, "2.3")
    xml = path.read_bytes()
    assert validate_xml(xml, "codebook") == []
    assert etree.fromstring(xml).tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    read = import_qdc(path)
    assert read.version == "2.3" and read.warnings == []
    assert read.codebook["code_id"].tolist() == codebook["code_id"].tolist()
    assert read.codebook["parent"].tolist()[1] == "awareness"
    assert _values(read.codebook["color"]) == ["#AA0000", None, "#00f", None]
    assert export_qdc(tmp_path / "again.qdc", codebook, "2.3").read_bytes() == xml


def test_the_fixture_archive_holds_the_hand_written_files() -> None:
    folder = DATA / "other_tool_style"
    with zipfile.ZipFile(DATA / "other_tool_style.qdpx") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}
    assert members == files
    assert b"\r\n" in files["project.qde"]


def test_import_of_another_tools_project() -> None:
    """Inline text, braced upper-case GUIDs, CRLF, ``sources/``, other position countings."""
    project = import_qdpx(DATA / "other_tool_style.qdpx")
    segments = project.segments
    texts = dict(zip(project.sources["source_id"], project.sources["text"], strict=True))
    for row in segments.itertuples():
        assert texts[row.source_id][row.start : row.end] == row.text
    by_passage = {(r.text, r.code_id): r for r in segments.itertuples()}
    # Inline PlainTextContent, positions in code points (the é counts one).
    assert ("only through the café chats", "uneven_awareness") in by_passage
    # One selection with two codings by two users: two segments.
    passage = "I wouldn't report racism here; nothing changes"
    assert by_passage[(passage, "low_reporting_confidence")].coder == "Amina"
    assert by_passage[(passage, "reporting")].coder == "BT"  # user with an id but no name
    # sources/<GUID>.txt with CRLF, positions counting CRLF as one character.
    assert ("nobody has heard of it", "uneven_awareness") in by_passage
    assert (
        by_passage[("Too many priorities", "competing_priorities")].speaker_or_respondent == "P03"
    )
    # An absolute Windows path; a UTF-8 BOM; positions in UTF-16 units (each emoji counts two).
    assert texts["Interview 3"].startswith("P04: ")
    assert "\r\n" in texts["Interview 3"]
    assert ("Reporting feels pointless 😞", "low_reporting_confidence") in by_passage
    assert ("for it", "inconsistent_accountability") in by_passage
    assert by_passage[("for it", "inconsistent_accountability")].speaker_or_respondent == "P04"
    assert set(segments["confidence"]) == {1.0}

    codebook = project.codebook.set_index("code_id")
    assert codebook.at["uneven_awareness", "parent"] == "awareness"
    assert not codebook.at["awareness", "is_codable"]
    assert codebook.at["awareness", "guid"] == "c0de0000-0000-4000-8000-000000000001"

    cases = project.cases.set_index("case_id")
    assert cases.at["P01", "Years in post"] == 4
    assert pd.isna(cases.at["P02", "Years in post"])  # "n/a" in an Integer variable
    assert cases.at["P01", "Joined"] == pd.Timestamp("2019-09-01")

    messages = " | ".join(f"{w.value}: {w.message}" for w in project.warnings)
    assert all(w.severity == "warning" for w in project.warnings)
    for expected in [
        "n/a: not a valid Integer",
        "outside source 'Interview 1'",
        "Focus group 2: positions in this source read as Unicode code points, CRLF counted as one",
        "Interview 3: positions in this source read as UTF-16 code units",
        "unknown code",
        "Board paper: PDFSource not imported",
    ]:
        assert expected in messages
    assert len(project.warnings) == 6


def test_codes_map_to_the_workbench_codebook_by_guid_or_name(tmp_path: Path) -> None:
    frames = _frames()
    path = _export(tmp_path / "p.qdpx", frames)
    # Another tool renames a code and drops the workbench's description lines; the GUID remains.
    xml = _qde(path).decode("utf-8")
    xml = xml.replace('name="Uneven awareness"', 'name="Awareness gap (renamed)"')
    xml = re.sub(r"\n\ncode_id: [a-z_]+", "", xml).replace(f'origin="{ORIGIN}"', 'origin="X"')
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(edited, "w") as target:
        for name in source.namelist():
            target.writestr(name, xml if name == "project.qde" else source.read(name))
    assert "awareness_gap_renamed" in set(import_qdpx(edited).segments["code_id"])
    mapped = import_qdpx(edited, codebook=frames["codebook"])
    assert set(mapped.segments["code_id"]) == set(frames["segments"]["code_id"])
    # By name: the fixture's "Low reporting confidence" has its own GUID.
    other = import_qdpx(
        DATA / "other_tool_style.qdpx",
        codebook=frames["codebook"].assign(code_id=lambda f: f["code_id"] + "_x"),
    )
    assert "low_reporting_confidence_x" in set(other.segments["code_id"])


def test_a_missing_source_file_is_a_warning_not_a_silent_drop(tmp_path: Path) -> None:
    path = _export(tmp_path / "p.qdpx")
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if "Sources/" + stable_guid("source", "fg_2025_01") not in name:
                target.writestr(name, source.read(name))
    project = import_qdpx(broken)
    assert project.sources["source_id"].tolist() == ["R0042__comment_change"]
    assert any("not found in the archive" in w.message for w in project.warnings)


def test_unreadable_inputs_raise_input_error(tmp_path: Path) -> None:
    not_zip = tmp_path / "a.qdpx"
    not_zip.write_text("hello")
    no_qde = tmp_path / "b.qdpx"
    with zipfile.ZipFile(no_qde, "w") as archive:
        archive.writestr("readme.txt", "x")
    bad_xml = tmp_path / "c.qdpx"
    with zipfile.ZipFile(bad_xml, "w") as archive:
        archive.writestr("project.qde", "<Project><Users>")
    for path, message in [(not_zip, "zip"), (no_qde, "project.qde"), (bad_xml, "not readable")]:
        with pytest.raises(InputError, match=message):
            import_qdpx(path)
    not_codebook = tmp_path / "d.qdc"
    not_codebook.write_text("<CodeBook/>")
    with pytest.raises(InputError, match="no Codes"):
        import_qdc(not_codebook)
    with pytest.raises(InputError, match="cannot read"):
        import_qdc(tmp_path / "missing.qdc")


def test_export_refuses_segments_that_break_the_contract(tmp_path: Path) -> None:
    frames = _frames()
    frames["segments"].loc[0, "text"] = "something else"
    frames["segments"].loc[1, "code_id"] = "no_such_code"
    with pytest.raises(InputError) as error:
        _export(tmp_path / "p.qdpx", frames)
    assert {p.column for p in error.value.problems} == {"text", "code_id"}
    frames = _frames()
    frames["codebook"].loc[1, "parent"] = "uneven_awareness"  # a code as its own parent
    with pytest.raises(InputError, match="parent cycle"):
        _export(tmp_path / "p.qdpx", frames)


def test_a_project_without_codings_and_duplicate_source_names(tmp_path: Path) -> None:
    from evaluation.text.segments import empty_segments

    frames = _frames() | {"segments": empty_segments(), "cases": None, "turns": None}
    path = _export(tmp_path / "p.qdpx", frames)
    xml = _qde(path)
    assert validate_xml(xml, "project") == []
    assert b"<Users>" not in xml  # no coder, no Users element
    # Another tool may give two sources one name: both are kept, under distinct ids.
    twice = xml.replace(b'name="R0042__comment_change"', b'name="fg_2025_01"')
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(edited, "w") as target:
        for name in source.namelist():
            target.writestr(name, twice if name == "project.qde" else source.read(name))
    project = import_qdpx(edited)
    assert project.sources["source_id"].is_unique and len(project.sources) == 2
    assert any("two sources share this name" in w.message for w in project.warnings)


def test_machine_coder_is_a_machine_user_and_codes_carry_colours_and_rules(tmp_path: Path) -> None:
    from evaluation.paths import CODEBOOK
    from evaluation.text.agreement import reliability
    from evaluation.text.codebook import load_codebook
    from evaluation.text.segments import MACHINE_CODERS

    frames = _frames()
    codebook = frames["codebook"].assign(
        color=["#E69F00", "#EEBC4C", "#56B4E9", "#89CAF0"],
        include=["Who has heard of it | who has not", pd.NA, pd.NA, "Fear of reprisal"],
        exclude=[pd.NA, "Awareness in general", pd.NA, pd.NA],
        examples=[pd.NA, '"Nobody on the ward knows"', pd.NA, pd.NA],
    )
    frames["codebook"] = codebook
    path = _export(tmp_path / "p.qdpx", frames)
    assert validate_xml(_qde(path), "project") == []
    root = etree.fromstring(_qde(path))
    users = {u.get("id"): u.get("name") for u in root.iterfind(".//q:User", NS)}
    assert users == {"amina": "amina", "rules": MACHINE_CODERS["rules"]}
    code = root.find(".//q:Code[@name='Awareness']", NS)
    assert code.get("color") == "#E69F00"
    memo = code.find("q:Description", NS).text
    assert memo.startswith("Who knows.\n\nInclude:\n- Who has heard of it\n- who has not")
    low = root.find(".//q:Code[@name='Low reporting confidence']", NS)
    assert "Include:\n- Fear of reprisal" in low.find("q:Description", NS).text

    project = import_qdpx(path)
    kinds = dict(zip(project.coders["coder"], project.coders["kind"], strict=True))
    assert kinds == {"amina": "human", "rules": "machine"}
    got = project.codebook.set_index("code_id")
    for column in ("definition", "include", "exclude", "examples", "color"):
        assert _values(got[column]) == _values(codebook.set_index("code_id")[column]), column

    # agreement between people leaves the rules out unless asked
    units = pd.DataFrame({"source_id": ["fg_2025_01"] * 2, "unit": ["2", "3"]})
    coded = pd.DataFrame(
        {
            "source_id": ["fg_2025_01"] * 3,
            "unit": ["2", "3", "3"],
            "code_id": ["uneven_awareness", "low_reporting_confidence", "low_reporting_confidence"],
            "coder": ["amina", "amina", "rules"],
        }
    )
    with pytest.raises(ValueError, match="two coders"):
        reliability(coded, units, ["uneven_awareness", "low_reporting_confidence"], n_boot=0)
    table = reliability(
        coded, units, ["uneven_awareness"], n_boot=0, include_machine=True
    ).set_index("code_id")
    assert table.attrs["coders"] == ["amina", "rules"]

    # the workbench's own codebook: every code has a colour, children tinted from the parent's
    frame = load_codebook(CODEBOOK).to_frame()
    assert frame["color"].str.fullmatch(r"#[0-9A-F]{6}").all()
    assert frame["color"].is_unique
