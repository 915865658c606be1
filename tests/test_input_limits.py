"""Every file the workbench reads has a size limit with one clear error naming file and limit:
survey exports (CSV, XLSX, SAV), transcripts (.txt, .vtt, .docx), participants and codings, and
every zip (.xlsx, .docx, .qdpx) by total and member size, member count and compression ratio.
A 1 GiB member in a .qdpx fails in well under a second (it ran out of memory after 164 s)."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest

from evaluation.errors import InputError
from evaluation.io.platforms import read_platform_table
from evaluation.io.transcripts import load_focus_groups, read_transcript
from evaluation.limits import DEFAULTS, ENV_PREFIX, GIB, MIB, check_zip, limit, parse_size
from evaluation.text.refi_qda import import_qdc, import_qdpx

DATA = Path(__file__).parent / "data"


def _one_line(error: InputError, file: Path, name: str) -> str:
    message = str(error)
    assert "\n" not in message, message
    assert str(file) in message and f"{ENV_PREFIX}{name}" in message, message
    return message


def _huge_member_zip(path: Path, size: int, name: str = "Sources/huge.txt") -> Path:
    """A zip with one member of ``size`` zero bytes, deflated (1 GiB -> about 1 MiB on disk)."""
    chunk = b"\0" * (8 * MIB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0'/>")
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return path


def test_sizes_read_as_people_write_them():
    assert parse_size("200M") == 200 * MIB and parse_size("1G") == GIB
    assert parse_size(" 512 KiB ") == 512 * 1024 and parse_size("77") == 77
    with pytest.raises(ValueError):
        parse_size("lots")


def test_limits_come_from_the_environment(monkeypatch):
    assert limit("ZIP_MEMBERS") == DEFAULTS["ZIP_MEMBERS"]
    monkeypatch.setenv(ENV_PREFIX + "ZIP_MEMBERS", "12")
    assert limit("ZIP_MEMBERS") == 12
    monkeypatch.setenv(ENV_PREFIX + "ZIP_MEMBERS", "many")
    with pytest.raises(InputError, match="ARF_EVAL_LIMIT_ZIP_MEMBERS"):
        limit("ZIP_MEMBERS")


def test_a_1_gib_member_in_a_qdpx_fails_fast(tmp_path):
    qdpx = _huge_member_zip(tmp_path / "bomb.qdpx", GIB)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        import_qdpx(qdpx)
    assert time.perf_counter() - start < 2
    message = _one_line(caught.value, qdpx, "ZIP_MEMBER_BYTES")
    assert "1.0 GiB" in message and "256 MiB" in message and "huge.txt" in message


def test_compression_ratio_member_count_and_total_are_limited(tmp_path, monkeypatch):
    bomb = _huge_member_zip(tmp_path / "ratio.qdpx", 16 * MIB)  # about 1000-fold
    with pytest.raises(InputError) as caught:
        import_qdpx(bomb)
    assert "compression ratio" in _one_line(caught.value, bomb, "ZIP_RATIO")

    many = tmp_path / "many.qdpx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0'/>")
        for i in range(30):
            archive.writestr(f"Sources/{i}.txt", "x")
    monkeypatch.setenv(ENV_PREFIX + "ZIP_MEMBERS", "20")
    with pytest.raises(InputError) as caught:
        import_qdpx(many)
    assert "31 members" in _one_line(caught.value, many, "ZIP_MEMBERS")
    monkeypatch.delenv(ENV_PREFIX + "ZIP_MEMBERS")

    monkeypatch.setenv(ENV_PREFIX + "ZIP_TOTAL_BYTES", "20")
    with pytest.raises(InputError) as caught:
        import_qdpx(many)
    assert "together" in _one_line(caught.value, many, "ZIP_TOTAL_BYTES")


def test_an_ordinary_project_passes_the_zip_checks():
    project = DATA / "qda" / "other_tool_style.qdpx"
    check_zip(project)  # no error
    assert len(import_qdpx(project).sources) > 0


def test_a_huge_sheet_in_an_xlsx_is_refused_before_openpyxl(tmp_path):
    xlsx = tmp_path / "forms.xlsx"
    shutil.copy(DATA / "exports" / "forms.xlsx", xlsx)
    with (
        zipfile.ZipFile(xlsx, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(40):
            member.write(b"<row/>" * (MIB // 6 + 1) * 8)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_platform_table(xlsx)
    assert time.perf_counter() - start < 5
    _one_line(caught.value, xlsx, "ZIP_MEMBER_BYTES")


def test_survey_exports_over_their_size_limit(tmp_path, monkeypatch):
    csv = tmp_path / "survey.csv"
    shutil.copy(DATA / "exports" / "qualtrics.csv", csv)
    assert len(read_platform_table(csv, "qualtrics").cells) > 0
    monkeypatch.setenv(ENV_PREFIX + "SURVEY_BYTES", "1K")
    with pytest.raises(InputError) as caught:
        read_platform_table(csv, "qualtrics")
    assert "1.0 KiB" in _one_line(caught.value, csv, "SURVEY_BYTES")
    sav = tmp_path / "survey.sav"
    sav.write_bytes(b"\0" * 2048)
    with pytest.raises(InputError) as caught:
        read_platform_table(sav)
    _one_line(caught.value, sav, "SURVEY_BYTES")
    monkeypatch.setenv(ENV_PREFIX + "XLSX_BYTES", "1K")
    xlsx = tmp_path / "forms.xlsx"
    shutil.copy(DATA / "exports" / "forms.xlsx", xlsx)
    with pytest.raises(InputError) as caught:
        read_platform_table(xlsx)
    _one_line(caught.value, xlsx, "XLSX_BYTES")


def test_transcripts_and_focus_group_tables_over_their_limit(tmp_path, monkeypatch):
    folder = tmp_path / "focus_group"
    folder.mkdir()
    transcript = folder / "session.txt"
    transcript.write_text("[00:00:01] F: Welcome.\n[00:00:05] P01: Thank you.\n" * 50)
    (folder / "codings_coder_a.csv").write_text("x\n" * 3000)
    assert len(read_transcript(transcript)) == 100
    monkeypatch.setenv(ENV_PREFIX + "TABLE_BYTES", "4K")
    with pytest.raises(InputError) as caught:
        load_focus_groups(folder)
    _one_line(caught.value, folder / "codings_coder_a.csv", "TABLE_BYTES")
    monkeypatch.setenv(ENV_PREFIX + "TRANSCRIPT_BYTES", "1K")
    with pytest.raises(InputError) as caught:
        read_transcript(transcript)
    _one_line(caught.value, transcript, "TRANSCRIPT_BYTES")
    vtt = folder / "teams.vtt"
    vtt.write_text("WEBVTT\n\n" + "x" * 2000)
    with pytest.raises(InputError) as caught:
        read_transcript(vtt)
    _one_line(caught.value, vtt, "TRANSCRIPT_BYTES")


def test_a_docx_bomb_is_refused(tmp_path):
    docx = _huge_member_zip(tmp_path / "session.docx", 16 * MIB, "word/document.xml")
    with pytest.raises(InputError) as caught:
        read_transcript(docx)
    _one_line(caught.value, docx, "ZIP_RATIO")


def test_a_codebook_over_its_limit(tmp_path, monkeypatch):
    qdc = tmp_path / "codes.qdc"
    qdc.write_text("<CodeBook>" + " " * 4096 + "</CodeBook>")
    monkeypatch.setenv(ENV_PREFIX + "QDPX_BYTES", "1K")
    with pytest.raises(InputError) as caught:
        import_qdc(qdc)
    _one_line(caught.value, qdc, "QDPX_BYTES")
