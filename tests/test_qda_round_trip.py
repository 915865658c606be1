"""Round trip through another tool: export redacted, code elsewhere (NVivo's conventions), import.

The wave's transcript and one free-text answer name a person and give an e-mail address, so
redaction changes the text's length (``Priya Raman`` -> ``[name]``, the address -> ``[email]``).
The workbench exports the redacted sources; a hand-made project then plays the part of NVivo
coding that export: its own GUIDs (upper case, in braces), a user with a name and an id, codes
matched by name, source texts in ``sources/`` saved with a BOM and CRLF line ends, positions
counting a CRLF as one character, selections named by their opening words. Imported, every
passage must land on exactly the characters the coder selected in the redacted text.

The test also shows what happened before ``text_basis``: the same offsets read as offsets into
the recorded text are moved through pseudonymisation and redaction a second time, and every
passage is misplaced (after a redaction by its change of length, before one by the facilitator's
label becoming ``F1``).
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from evaluation.coding_session import import_coded_project
from evaluation.inputs import prepare_inputs, read_names
from evaluation.io.wave import load_wave
from evaluation.paths import CODEBOOK, SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.text.codebook import load_codebook
from evaluation.text.codings import read_codings_log
from evaluation.themes import export_wave_themes

WAVE = SURVEY_DATA / "synthetic" / "2025"
NS = "urn:QDA-XML:project:1.0"
NAME = "Priya Raman"
EMAIL = "priya.raman@nhs.net"


def _wave(tmp: Path) -> Path:
    """The synthetic wave, no codings, a name and an e-mail address in a turn and an answer."""
    folder = tmp / "wave"
    shutil.copytree(WAVE, folder)
    for path in (folder / "focus_group").glob("codings_*.csv"):
        path.unlink()
    config = folder / "evaluation.yaml"
    lines = [
        f"codebook: {SURVEY_DATA / 'codebook.yaml'}"
        if line.startswith("codebook:")
        else f"output: {tmp / 'reports'}"
        if line.startswith("output:")
        else line
        for line in config.read_text().splitlines()
    ]
    config.write_text("\n".join([*lines, "redact_names: names.txt"]) + "\n")
    (folder / "names.txt").write_text(f"{NAME}\n")
    transcript = folder / "focus_group" / "focus_group_01.txt"
    text = transcript.read_text(encoding="utf-8")
    marker = "P10: "  # the participant's first turn: a name and an e-mail at its start
    assert marker in text
    text = text.replace(marker, f"P10: I asked {NAME} ({EMAIL}) and so, you know, ", 1)
    transcript.write_text(text, encoding="utf-8")
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    first = survey.index[survey["comment_change"].str.strip() != ""][0]
    survey.loc[first, "comment_change"] = (
        f"{NAME} in HR ({EMAIL}) said: " + survey.loc[first, "comment_change"]
    )
    survey.to_csv(folder / "survey.csv", index=False)
    return folder


def _exported_sources(qdpx: Path) -> dict[str, str]:
    with zipfile.ZipFile(qdpx) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        out = {}
        for source in root.iter(f"{{{NS}}}TextSource"):
            member = source.get("plainTextPath").replace("internal://", "Sources/")
            out[source.get("name")] = archive.read(member).decode("utf-8")
    return out


def _guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def _nvivo_project(path: Path, texts: dict[str, str], coded: list[tuple[str, str, str]]) -> Path:
    """A project as NVivo writes one, coding ``(source, passage, code name)`` of ``texts``."""
    user = _guid()
    codebook = load_codebook(CODEBOOK)
    code_guids = {c.name: _guid() for c in codebook}
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    root.set("name", "ARF evaluation 2025 (coded in NVivo)")
    root.set("origin", "NVivo 14.24.0.0 (Windows)")
    users = etree.SubElement(root, f"{{{NS}}}Users")
    etree.SubElement(users, f"{{{NS}}}User", guid=user, name="Jo Bloggs", id="JB")
    codes = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    nodes: dict[str | None, etree._Element] = {None: codes}
    for code in codebook:  # parents come before their children in the codebook
        nodes[code.code_id] = etree.SubElement(
            nodes[code.parent], f"{{{NS}}}Code", guid=code_guids[code.name], name=code.name,
            isCodable="true",
        )  # fmt: skip
    sources = etree.SubElement(root, f"{{{NS}}}Sources")
    files = {}
    for name in sorted({source for source, _, _ in coded}):
        guid = _guid()
        node = etree.SubElement(
            sources, f"{{{NS}}}TextSource", guid=guid, name=name,
            plainTextPath=f"internal://{guid}.txt", creatingUser=user,
        )  # fmt: skip
        text = texts[name]
        files[f"sources/{guid}.txt"] = "\ufeff".encode() + text.replace("\n", "\r\n").encode()
        for source, passage, code_name in coded:
            if source != name:
                continue
            start = text.index(passage)  # CRLF counted as one: positions of the LF text
            selection = etree.SubElement(
                node, f"{{{NS}}}PlainTextSelection", guid=_guid(),
                name=passage[:30] + ("…" if len(passage) > 30 else ""),
                startPosition=str(start), endPosition=str(start + len(passage)),
                creatingUser=user, creationDateTime="2026-11-30T10:00:00Z",
            )  # fmt: skip
            coding = etree.SubElement(selection, f"{{{NS}}}Coding", guid=_guid(), creatingUser=user)
            etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=code_guids[code_name])
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.replace(b"\n", b"\r\n"))
        for member, data in files.items():
            archive.writestr(member, data)
    return path


def test_a_project_coded_elsewhere_lands_every_passage_exactly(tmp_path: Path) -> None:
    wave = _wave(tmp_path)
    cfg = load_config(wave / "evaluation.yaml")
    names = read_names(cfg.redact_names)
    out = tmp_path / "export"
    export_wave_themes(cfg, out)
    texts = _exported_sources(out / "project.qdpx")
    transcript = texts["focus_group_01"]
    answer_id = next(s for s, t in texts.items() if t.startswith("[name] in HR"))
    assert NAME not in transcript and EMAIL not in transcript  # exported redacted
    assert "I asked [name] ([email]) and so" in transcript

    book = {c.code_id: c.name for c in load_codebook(CODEBOOK)}
    turns = [line.split(": ", 1)[1] for line in transcript.splitlines() if ": " in line]
    participant = [t for t in turns if len(t) > 40][2:14]
    coded = [
        ("focus_group_01", "Thanks everyone for coming", book["structure_and_legitimacy"]),
        ("focus_group_01", "and so, you know, ", book["uneven_awareness"]),
        ("focus_group_01", "I asked [name] ([email])", book["inconsistent_accountability"]),
        (answer_id, "said: ", book["submission_burden"]),
        (answer_id, "[name] in HR ([email])", book["capability_gaps"]),
    ]
    codes = list(book.values())
    coded += [
        ("focus_group_01", turn[5:35], codes[i % len(codes)])
        for i, turn in enumerate(participant)
        if transcript.count(turn[5:35]) == 1
    ]
    project = _nvivo_project(tmp_path / "coded_in_nvivo.qdpx", texts, coded)

    written, warnings = import_coded_project(wave, project)
    assert [p.name for p in written] == ["codings_jo_bloggs.csv"]
    assert not [w for w in warnings if "left out" in w or "outside" in w]
    crlf = [w for w in warnings if "CRLF counted as one" in w]
    assert len(crlf) == 1 and "focus_group_01" in crlf[0]  # NVivo's counting, recognised
    log_file = wave / "focus_group" / "codings_jo_bloggs.csv"
    rows_once = len(read_codings_log(log_file))
    _, again = import_coded_project(wave, project)  # the same project imported twice: no new rows
    assert len(read_codings_log(log_file)) == rows_once
    assert f"skipped {len(coded)} passages already in codings_jo_bloggs.csv" in again

    prepared = prepare_inputs(load_wave(cfg), cfg.focus_group, names, cfg.facilitators)
    redacted = dict(prepared.sources)
    frame = prepared.survey.frame
    redacted |= {
        f"{r}__{c}": v
        for c in ("comment_change", "comment_other")
        for r, v in zip(frame["respondent_id"], frame[c], strict=True)
        if isinstance(v, str)
    }
    got = prepared.codings["jo_bloggs"]
    assert len(got) == len(coded)
    names_to_ids = {name: code_id for code_id, name in book.items()}
    exact = 0
    for source, passage, code_name in coded:
        start = texts[source].index(passage)
        hit = got[
            (got["source_id"] == source)
            & (got["code_id"] == names_to_ids[code_name])
            & (got["start"] == start)
            & (got["end"] == start + len(passage))
        ]
        assert len(hit) == 1, (source, passage)
        assert redacted[source][start : start + len(passage)] == passage == hit["text"].iloc[0]
        exact += 1
    assert exact == len(coded) >= 10

    # Before text_basis: the same offsets taken as offsets of the recorded text are moved
    # through redaction again, and passages after a redaction are misplaced.
    log_path = wave / "focus_group" / "codings_jo_bloggs.csv"
    log = read_codings_log(log_path).drop(columns=["file_row", "text_basis"])
    log.to_csv(log_path, index=False)
    old = prepare_inputs(load_wave(cfg), cfg.focus_group, names, cfg.facilitators)
    right = dict(zip(got["segment_id"], got["text"], strict=True))
    wrong = [
        right[r.segment_id]
        for r in old.codings["jo_bloggs"].itertuples(index=False)
        if redacted[r.source_id][r.start : r.end] != right[r.segment_id]
    ]
    # Every passage: after a redaction it moves by the length change; before one, it still moves
    # by the pseudonymisation of the facilitator's label (F -> F1, one character longer).
    assert len(wrong) == len(coded)
