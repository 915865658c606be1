"""Every kind of personal data seeded into free-text answers and a Teams session with a named
facilitator reaches no output file: values, speakers' surnames and names are all gone.

The fast test runs the stages that carry text to outputs (prepare: pseudonymise, hold, redact;
the theme project with its QDPX, CSV and Parquet; the audit). The slow one runs the full report
(``arf-eval run``) on the seeded copy of the 2025 wave and searches every file it wrote.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evaluation.paths import SURVEY_DATA

WAVE = SURVEY_DATA / "synthetic" / "2025"
# (sentence seeded into an answer, the values that must not appear in any output)
SEEDS = [
    ("You could ask Chidinma in pharmacy, she saw it.", ["Chidinma"]),
    ("I reported it to Wendell Achterberg and nothing happened.", ["Wendell", "Achterberg"]),
    ("Okonkwo-Baptiste on our ward keeps making jokes.", ["Okonkwo-Baptiste", "Okonkwo"]),
    ("She was born 14/03/1987 and they still mock her accent.", ["14/03/1987"]),
    ("A patient came to 27 Acacia Grove, Salford after me.", ["27 Acacia Grove", "Acacia"]),
    ("Look up @ward7_banter to see what they say.", ["ward7_banter"]),
    ("I am the only Black matron on Ward 7B at Tameside.", ["only Black matron", "Ward 7B"]),
    ("My manager told me Tunde Bakare had complained.", ["Tunde", "Bakare"]),
    ("HR read out my NI number QQ 12 34 56 C in the office.", ["QQ 12 34 56 C", "12 34 56"]),
    ("Email t.bakare@nhs.net or ring 07700 900123.", ["t.bakare@nhs.net", "07700 900123"]),
    ("The NHS number 943 476 5919 was on the board.", ["943 476 5919"]),
    ("They posted it to M13 9WL by mistake.", ["M13 9WL"]),
    ("Quote my payroll no. 40917226 if you like.", ["40917226"]),
    ("Photos went up at www.facebook.com/ward7banter last week.", ["facebook.com/ward7banter"]),
    ("Dr Fairweather said it was banter.", ["Fairweather"]),
    ("DOB: 3rd May 1990, printed on the rota.", ["3rd May 1990"]),
]
TEAMS = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Jane Moorcroft>Welcome, everyone. Wendell, would you start?</v>

00:00:07.000 --> 00:00:15.000
<v Wendell Achterberg>I reported racist comments to Jane Moorcroft and nothing followed.</v>

00:00:16.000 --> 00:00:24.000
<v Chidinma Eze>Same for me. Achterberg is right, leaders are not held to account.</v>

00:00:25.000 --> 00:00:31.000
<v Jane Moorcroft>Thank you, Chidinma. What would help?</v>

00:00:32.000 --> 00:00:40.000
<v Chidinma Eze>Protected time for the network, and managers who listen.</v>
"""
SPEAKERS = ["Moorcroft", "Achterberg", "Eze", "Jane", "Wendell", "Chidinma"]


def seed_wave(destination: Path, output: Path) -> Path:
    """A copy of the 2025 wave with every kind seeded; returns its config path."""
    shutil.copytree(WAVE, destination)
    survey = pd.read_csv(destination / "survey.csv", dtype=str, keep_default_na=False)
    rows = survey.index[survey["comment_change"] != ""][: len(SEEDS)]
    for row, (sentence, _) in zip(rows, SEEDS, strict=True):
        survey.loc[row, "comment_change"] = f"{survey.loc[row, 'comment_change']} {sentence}"
    survey.to_csv(destination / "survey.csv", index=False)
    focus = destination / "focus_group"
    (focus / "teams_session_02.vtt").write_text(TEAMS, encoding="utf-8")
    with open(focus / "participants.csv", "a", encoding="utf-8") as handle:
        handle.write("Wendell Achterberg,Frontline,acute,White\n")
        handle.write("Chidinma Eze,Team leader,acute,Global Majority\n")
    config = destination / "evaluation.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("../../codebook.yaml", str(SURVEY_DATA / "codebook.yaml"))
    text = text.replace("../../../reports", str(output))
    config.write_text(text + "facilitators: [F, Jane Moorcroft]\n", encoding="utf-8")
    return config


def _texts(path: Path):
    """Every file's text as written; zip members and Parquet text columns decoded."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        yield "\n".join(frame[c].astype(str).str.cat(sep="\n") for c in frame.columns)
    elif path.suffix in (".qdpx", ".zip"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield archive.read(name).decode("utf-8", errors="replace")
    elif path.suffix not in (".png", ".jpg"):
        yield path.read_bytes().decode("utf-8", errors="replace")


def leaks(folder: Path) -> list[tuple[str, str]]:
    """(file, value) for every seeded value or speaker name found under ``folder``."""
    values = [v for _, vs in SEEDS for v in vs]
    patterns = [(v, re.compile(rf"(?<!\w){re.escape(v)}(?!\w)")) for v in values + SPEAKERS]
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for text in _texts(path):
            found += [(str(path), v) for v, pattern in patterns if pattern.search(text)]
    return sorted(set(found))


def test_seeded_personal_data_reaches_no_stage_output(tmp_path):
    from evaluation.audit import audit_report
    from evaluation.inputs import cache_inputs, prepare_inputs
    from evaluation.io.survey import load_survey
    from evaluation.pipeline.config import load_config
    from evaluation.text.codebook import load_codebook
    from evaluation.themes import build_theme_project

    out = tmp_path / "reports"
    config = load_config(seed_wave(tmp_path / "wave", out))
    loaded = load_survey(config.survey, on_error="exclude")
    prepared = prepare_inputs(loaded, config.focus_group, (), config.facilitators)
    report = out / "2025" / "region"
    cache_inputs(prepared, report)  # the run's private work folder, also searched
    project = build_theme_project(
        load_codebook(config.codebook),
        prepared.survey.frame,
        prepared.turns,
        prepared.sources,
        prepared.codings,
    )
    project.write(report, project_name="seeded")
    (report / "tables").mkdir()
    assert leaks(report) == []
    # the speakers are pseudonyms, and their real names are what the audit then looks for
    speakers = set(prepared.turns["speaker"])
    assert {"F1", "F2", "P11", "P12"} <= speakers and not any(" " in s for s in speakers)
    assert {"Jane Moorcroft", "Wendell Achterberg", "Chidinma Eze"} <= set(prepared.names)
    assert [
        p for p in audit_report(report, names=prepared.names) if "no published" not in p.message
    ] == []
    # the map and the review queue live in the wave's own folder, not under reports/
    assert (tmp_path / "wave" / "focus_group" / "speaker_map.csv").exists()
    queue = pd.read_csv(tmp_path / "wave" / "review" / "queue.csv")
    assert queue["decision"].eq("pending").all() and len(queue) >= 1
    assert not list(out.rglob("speaker_map.csv")) and not list(out.rglob("queue.csv"))
    # redaction counts reach the manifest's input, by kind
    by_kind = prepared.redactions.groupby("type")["count"].sum()
    for kind in ("name", "date_of_birth", "address", "handle", "ni_number", "review", "email"):
        assert by_kind[kind] >= 1, kind


def test_the_audit_finds_what_a_stage_would_have_leaked(tmp_path):
    """The search itself can fail: unredacted, the same files hold the values."""
    report = tmp_path / "r"
    (report / "themes").mkdir(parents=True)
    pd.DataFrame({"text": [s for s, _ in SEEDS]}).to_parquet(report / "themes" / "x.parquet")
    found = {v for _, v in leaks(report)}
    assert {"Achterberg", "QQ 12 34 56 C", "ward7_banter"} <= found


@pytest.mark.slow
def test_full_report_on_a_seeded_wave_leaks_nothing(tmp_path):
    from evaluation.pipeline.config import load_config
    from evaluation.pipeline.run import run_report

    out = tmp_path / "reports"
    config = load_config(seed_wave(tmp_path / "wave", out))
    result = run_report(config, progress=False)
    assert (result.output_dir / "report.html").exists()
    assert leaks(out) == []
