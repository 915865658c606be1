"""Fault suite (issue 19): a report run under faults and hostile files, each trial checked for

- no traceback (a clear one-line error or a clean report),
- no hang past its limit (every command has a timeout),
- nothing personal left on disk outside the wave's private folder (the seeded values and any
  respondent-level cache are searched for under the output root and the run's TMPDIR),
- the previous report intact (byte for byte) when the run did not publish.

Faults: SIGTERM and SIGKILL mid-run, disk full on a small tmpfs the test mounts (skipped, with
the reason, when it cannot mount), a read-only output folder (the same tmpfs remounted
read-only), two runs at once. Hostile files, generated here: a zip bomb and a 1 GiB member in a
``.qdpx``, a zip-bomb ``.xlsx``, an alias-bomb mapping, a deeply nested config, a non-numeric
setting, a damaged ``.docx`` transcript, binary junk as the survey CSV, a CSV mixing a UTF-8 BOM
with Windows-1252 bytes, a transcript over the size limit, a scope that climbs out of the output
folder; and in one full run of the 2025 wave: formula cells in free text, an answer starting
"- ", and a 100,000-character transcript, which must publish and pass the audit.

Every trial is tallied; the last test prints the counts and writes them to
``benchmarks/fault_suite_results.json``. ``pytest -m slow tests/test_fault_suite.py``.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import processes_of

from evaluation.paths import SURVEY_DATA

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc"),
]

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = Path(__file__).parent / "data" / "exports"
RESULTS = ROOT / "benchmarks" / "fault_suite_results.json"
RUN_LIMIT = 300  # seconds: a full report run (about 30-90 s here)
FAIL_FAST_LIMIT = 60  # seconds: a hostile file must be refused well within this
# Seeded into hostile inputs: none may reach the output root or TMPDIR.
SEEDED = ["Wendell Achterberg", "Achterberg", "07700 900123", "QQ 12 34 56 C", "Chidinma"]
TRIALS: list[dict] = []


@contextlib.contextmanager
def trial(category: str, case: str) -> Iterator[dict]:
    """Tally one trial: recorded as tried, and as passed only if its checks all held."""
    entry = {"category": category, "case": case, "passed": False}
    TRIALS.append(entry)
    start = time.monotonic()
    try:
        yield entry
    except pytest.skip.Exception as skipped:
        entry["skipped"] = str(skipped)
        raise
    entry["passed"] = True
    entry["seconds"] = round(time.monotonic() - start, 1)


def _env(tmpdir: Path, **extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TMPDIR"] = str(tmpdir)
    env.update(extra)
    return env


def _cli(args: list[str], tmpdir: Path, timeout: float, **extra: str) -> tuple[int, str, float]:
    """Run ``arf-eval ARGS``: (exit code, stderr + stdout, seconds); a hang fails the test."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "evaluation", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_env(tmpdir, **extra),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"arf-eval {' '.join(args)} hung past its limit of {timeout} s")
    return done.returncode, done.stderr + done.stdout, time.monotonic() - start


def _digest(folder: Path) -> str:
    """One hash over every file's path and bytes: the report exactly as it was."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _personal_left(*roots: Path) -> list[str]:
    """Files under ``roots`` holding a seeded value or a respondent-level cache (``_work``)."""
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if "_work" in path.parts:
                found.append(f"{path}: a run's respondent-level cache")
            if not path.is_file():
                continue
            data = path.read_bytes()
            if path.suffix in {".qdpx", ".xlsx", ".docx"} and zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    data += b"".join(archive.read(n) for n in archive.namelist())
            found += [f"{path}: {v!r}" for v in SEEDED if v.encode() in data]
    return found


def _all_bytes(folder: Path) -> bytes:
    """Every file's bytes under ``folder``, zip members (QDPX) included."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts.append(path.read_bytes())
        if path.suffix == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(n) for n in archive.namelist()]
    return b"\n".join(parts)


def _no_traceback(output: str) -> None:
    assert "Traceback" not in output, output[-3000:]


def _wait_no_processes(prefix: str, seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while processes_of(prefix) and time.monotonic() < deadline:
        time.sleep(0.5)
    return processes_of(prefix)


def _write_config(wave: Path, name: str, output: Path, **keys: object) -> Path:
    settings = {"wave": 2025, "survey": "qualtrics.csv", "mapping": "mapping.yaml"} | keys
    lines = [
        f"{k}: {json.dumps(v) if isinstance(v, str) else v}"
        for k, v in settings.items()
        if v is not None
    ]
    path = wave / name
    path.write_text("\n".join([*lines, f"output: {json.dumps(str(output))}"]) + "\n")
    return path


def _small_wave(folder: Path) -> Path:
    """The 50-respondent Qualtrics example wave (no focus groups): a report in about 30 s."""
    folder.mkdir(parents=True)
    shutil.copy(EXPORTS / "qualtrics.csv", folder / "qualtrics.csv")
    shutil.copy(EXPORTS / "qualtrics_mapping.yaml", folder / "mapping.yaml")
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults")
    (path / "tmp").mkdir()
    return path


@pytest.fixture(scope="module")
def published(base) -> dict:
    """A small wave with a published report, which every failing trial must leave intact."""
    wave = _small_wave(base / "wave")
    out = base / "out"
    config = _write_config(wave, "evaluation.yaml", out)
    code, output, _ = _cli(
        ["run", "--config", str(config), "--no-progress"], base / "tmp", RUN_LIMIT
    )
    assert code == 0, output[-3000:]
    report = out / "2025" / "region"
    return {"wave": wave, "out": out, "config": config, "report": report}


def _intact(published: dict, before: str) -> None:
    assert _digest(published["report"]) == before, "the previous report changed"
    hidden = [p for p in published["report"].parent.glob(".region.*")]
    assert hidden == [], hidden


# --- kill mid-run ------------------------------------------------------------------------------


def _start_and_wait_for_notebooks(config: Path, parent: Path, tmpdir: Path) -> subprocess.Popen:
    run = subprocess.Popen(
        [sys.executable, "-m", "evaluation", "run", "--config", str(config), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmpdir),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(parent.glob(".region.*/notebooks/*.ipynb")):
        time.sleep(0.2)
    assert list(parent.glob(".region.*")), "the run never started its notebooks"
    time.sleep(1.5)  # kernels running
    return run


def test_sigterm_mid_run(published, base):
    with trial("kill mid-run", "SIGTERM"):
        before = _digest(published["report"])
        parent = published["report"].parent
        run = _start_and_wait_for_notebooks(published["config"], parent, base / "tmp")
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=120)
        assert run.returncode == 130, err
        _no_traceback(err)
        assert "nothing new was published" in err
        _intact(published, before)
        assert _wait_no_processes(str(parent)) == []
        assert _personal_left(published["out"], base / "tmp") == []


def test_sigkill_mid_run_then_the_next_run_clears_it(published, base):
    with trial("kill mid-run", "SIGKILL, then the next run"):
        before = _digest(published["report"])
        parent = published["report"].parent
        run = _start_and_wait_for_notebooks(published["config"], parent, base / "tmp")
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=60)
        assert run.returncode == -signal.SIGKILL
        assert _digest(published["report"]) == before
        assert _wait_no_processes(str(parent)) == []  # kernels and workers die with the run
        # the killed run's hidden folder can only be cleared by the next run of the report
        assert list(parent.glob(".region.*"))
        code, output, _ = _cli(
            ["run", "--config", str(published["config"]), "--no-progress"], base / "tmp", RUN_LIMIT
        )
        assert code == 0, output[-3000:]
        _no_traceback(output)
        assert list(parent.glob(".region.*")) == []
        assert _personal_left(published["out"], base / "tmp") == []


def test_two_runs_at_once(published, base):
    with trial("concurrent runs", "two runs of one report at once"):
        args = [
            sys.executable,
            "-m",
            "evaluation",
            "run",
            "--config",
            str(published["config"]),
            "--no-progress",
        ]
        runs = [
            subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(base / "tmp"),
            )
            for _ in range(2)
        ]
        results = [r.communicate(timeout=RUN_LIMIT) for r in runs]
        for run, (out, err) in zip(runs, results, strict=True):
            _no_traceback(err + out)
            assert run.returncode == 0 or err.startswith("error:"), err
        assert any(r.returncode == 0 for r in runs)
        report = published["report"]
        assert (report / "manifest.json").exists() and (report / "report.html").exists()
        assert list(report.parent.glob(".region.*")) == []
        assert _personal_left(published["out"], base / "tmp") == []


# --- disk full and read-only output (a tmpfs the test mounts) ----------------------------------


@pytest.fixture(scope="module")
def small_disk(base) -> Iterator[Path]:
    """A 12 MiB tmpfs: room for one report (about 7 MiB) but not for a second one beside it."""
    mount = base / "small_disk"
    mount.mkdir()
    reason = None
    if os.geteuid() != 0:
        reason = "mounting a tmpfs needs root: disk-full and read-only trials not run"
    else:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            reason = f"cannot mount a tmpfs here ({done.stderr.strip()}): not run"
    if reason is not None:
        for category in ("disk full", "read-only output"):
            TRIALS.append(
                {"category": category, "case": "tmpfs", "passed": False, "skipped": reason}
            )
        pytest.skip(reason)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture(scope="module")
def on_small_disk(small_disk, published, base) -> dict:
    out = small_disk / "reports"
    config = _write_config(published["wave"], "evaluation_small_disk.yaml", out)
    code, output, _ = _cli(
        ["run", "--config", str(config), "--no-progress"], base / "tmp", RUN_LIMIT
    )
    assert code == 0, output[-3000:]
    return {
        "wave": published["wave"],
        "out": out,
        "config": config,
        "report": out / "2025" / "region",
        "mount": small_disk,
    }


def _one_error_line(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output[-3000:]
    return errors[0]


def test_disk_full(on_small_disk, base):
    with trial("disk full", "12 MiB tmpfs, second report") as entry:
        before = _digest(on_small_disk["report"])
        code, output, _ = _cli(
            ["run", "--config", str(on_small_disk["config"]), "--no-progress"],
            base / "tmp",
            RUN_LIMIT,
        )
        assert code != 0
        _no_traceback(output)
        line = entry["error_line"] = _one_error_line(output)
        assert "No space left on device" in line or "disk" in line.lower(), line
        assert _digest(on_small_disk["report"]) == before
        assert list(on_small_disk["report"].parent.glob(".region.*")) == []
        assert _personal_left(on_small_disk["out"], base / "tmp") == []
        for failed in on_small_disk["report"].parent.glob("*.failed"):
            shutil.rmtree(failed)  # free the space for the next trial


def test_read_only_output(on_small_disk, base):
    with trial("read-only output", "tmpfs remounted read-only") as entry:
        before = _digest(on_small_disk["report"])
        mount = on_small_disk["mount"]
        done = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        try:
            code, output, _ = _cli(
                ["run", "--config", str(on_small_disk["config"]), "--no-progress"],
                base / "tmp",
                RUN_LIMIT,
            )
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], capture_output=True)
        assert code != 0
        _no_traceback(output)
        line = entry["error_line"] = _one_error_line(output)
        assert "cannot read or write" in line and "Read-only" in line, line
        assert _digest(on_small_disk["report"]) == before


# --- hostile files ----------------------------------------------------------------------------


def _zip_with_zeros(path: Path, member: str, size: int, extra: dict[str, str]) -> Path:
    chunk = b"\0" * (8 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in extra.items():
            archive.writestr(name, text)
        with archive.open(member, "w", force_zip64=True) as handle:
            for _ in range(max(1, size // len(chunk))):
                handle.write(chunk)
    return path


QDE = "<Project xmlns='urn:QDA-XML:project:1.0' name='Wendell Achterberg'/>"
ALIAS_BOMB = (
    "a: &a ["
    + ",".join(["x"] * 9)
    + "]\n"
    + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def _hostile_cases(wave: Path, out: Path) -> dict[str, tuple[list[str], dict[str, str], str]]:
    """case -> (arf-eval arguments, extra environment, a word the one error line must hold)."""
    cases: dict[str, tuple[list[str], dict[str, str], str]] = {}
    imported = str(out.parent / "imported")

    bomb = _zip_with_zeros(wave / "bomb.qdpx", "Sources/a.txt", 64 * 1024**2, {"project.qde": QDE})
    cases["zip bomb .qdpx (64 MiB of zeros, ratio ~1000)"] = (
        ["import-themes", str(bomb), "--out", imported],
        {},
        "ZIP_RATIO",
    )
    huge = _zip_with_zeros(wave / "huge.qdpx", "Sources/b.txt", 1024**3, {"project.qde": QDE})
    cases["1 GiB member in a .qdpx"] = (
        ["import-themes", str(huge), "--out", imported],
        {},
        "ZIP_MEMBER_BYTES",
    )
    _zip_with_zeros(wave / "bomb.xlsx", "xl/worksheets/sheet1.xml", 64 * 1024**2, {})
    cases["zip bomb .xlsx as the survey"] = (
        [
            "run",
            "--config",
            str(_write_config(wave, "c_xlsx.yaml", out, survey="bomb.xlsx", mapping=None)),
        ],
        {},
        "ZIP_RATIO",
    )
    (wave / "alias_bomb.yaml").write_text(ALIAS_BOMB)
    cases["YAML alias bomb as the mapping"] = (
        [
            "run",
            "--config",
            str(_write_config(wave, "c_alias.yaml", out, mapping="alias_bomb.yaml")),
        ],
        {},
        "aliases",
    )
    deep = wave / "c_deep.yaml"
    deep.write_text("wave: 2025\nsurvey: qualtrics.csv\nextra: " + "[" * 200 + "]" * 200 + "\n")
    cases["YAML nested 200 deep as the config"] = (["run", "--config", str(deep)], {}, "nested")
    cases["non-numeric setting (min_cell: eleven)"] = (
        ["run", "--config", str(_write_config(wave, "c_num.yaml", out, min_cell="eleven"))],
        {},
        "min_cell",
    )
    focus = wave / "fg_docx"
    focus.mkdir()
    (focus / "session.docx").write_bytes(b"PK\x03\x04 Wendell Achterberg 07700 900123" * 50)
    cases["damaged .docx transcript"] = (
        ["run", "--config", str(_write_config(wave, "c_docx.yaml", out, focus_group="fg_docx"))],
        {},
        "docx",
    )
    (wave / "junk.csv").write_bytes(os.urandom(64 * 1024) + b"Wendell Achterberg 07700 900123")
    cases["binary junk as the survey CSV"] = (
        ["run", "--config", str(_write_config(wave, "c_junk.yaml", out, survey="junk.csv"))],
        {},
        "junk.csv",
    )
    mixed = (EXPORTS / "qualtrics.csv").read_bytes() + "caf\u00e9 Achterberg\r\n".encode("cp1252")
    (wave / "mixed.csv").write_bytes(mixed)  # a UTF-8 BOM and a Windows-1252 byte in one file
    cases["CSV mixing UTF-8 (BOM) and Windows-1252"] = (
        ["run", "--config", str(_write_config(wave, "c_mixed.yaml", out, survey="mixed.csv"))],
        {},
        "mixed.csv",
    )
    big = wave / "fg_big"
    big.mkdir()
    (big / "session.txt").write_text("[00:00:01] F: Welcome.\n" + "[00:00:02] P01: x\n" * 80_000)
    cases["transcript over its size limit (1 MiB set)"] = (
        ["run", "--config", str(_write_config(wave, "c_big.yaml", out, focus_group="fg_big"))],
        {"ARF_EVAL_LIMIT_TRANSCRIPT_BYTES": "1M"},
        "TRANSCRIPT_BYTES",
    )
    cases["--scope climbing out of the output folder"] = (
        ["run", "--config", str(wave / "evaluation.yaml"), "--scope", "../..", "--only", "x"],
        {},
        "scope",
    )
    return cases


def test_hostile_files_are_refused_with_one_clear_line(published, base):
    cases = _hostile_cases(published["wave"], published["out"])
    outside = {p for p in base.parent.iterdir()}
    for case, (args, extra, word) in cases.items():
        with trial("hostile file", case) as entry:
            before = _digest(published["report"])
            code, output, seconds = _cli(args, base / "tmp", FAIL_FAST_LIMIT, **extra)
            _no_traceback(output)
            assert code == 2, (case, code, output[-2000:])
            line = entry["error_line"] = _one_error_line(output)
            assert word.lower() in line.lower(), (case, line)
            assert seconds < FAIL_FAST_LIMIT
            assert not any(v in line for v in SEEDED), (case, line)  # no value echoed
            _intact(published, before)
            assert _personal_left(published["out"], base / "tmp") == [], case
            imported = published["out"].parent / "imported"  # import-themes writes nothing
            assert not imported.exists() or not any(p.is_file() for p in imported.rglob("*"))
    assert {p for p in base.parent.iterdir()} == outside  # nothing created outside


# --- hostile text shapes that must publish ----------------------------------------------------

CODED = " a couple of passionate people carry it and if they left it would stop"
"""A phrase the rule coder codes (so the answer reaches themes/*.csv as a coded passage)."""
FORMULAS = [
    '=HYPERLINK("http://x.example","click")' + CODED,
    "+SUM(1,2)" + CODED,
    "@cmd" + CODED,
    "-2+3" + CODED,
]
LIST_ANSWER = "- the rota, always the rota;" + CODED


def _shapes_wave(folder: Path, out: Path) -> Path:
    """The 2025 wave with formula cells, an answer starting "- " and a 100,000-character
    transcript (with seeded personal data in both answers and transcript)."""
    wave = SURVEY_DATA / "synthetic" / "2025"
    shutil.copytree(wave, folder)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    rows = survey.index[survey["comment_change"] != ""]
    for row, text in zip(rows, [*FORMULAS, LIST_ANSWER], strict=False):
        survey.loc[row, "comment_change"] = text
    survey.loc[rows[len(FORMULAS) + 1], "comment_change"] = (
        "I reported it to Wendell Achterberg, ring 07700 900123, NI QQ 12 34 56 C"
    )
    survey.to_csv(folder / "survey.csv", index=False)
    participants = pd.read_csv(folder / "focus_group" / "participants.csv", dtype=str)
    speakers = participants["speaker_id"].tolist()[:3]
    turns = ["[00:00:01] F: Welcome, and thank you for coming."]
    seconds = 2
    while sum(map(len, turns)) < 100_000:
        speaker = speakers[seconds % len(speakers)]
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        turns.append(
            f"[{clock}] {speaker}: Leaders talk about the framework but the rota "
            "never changes and nobody is held to account for it."
        )
        seconds += 7
    turns.insert(40, "[00:04:40] " + speakers[0] + ": Ask Chidinma, she rang 07700 900123.")
    (folder / "focus_group" / "focus_group_long.txt").write_text("\n".join(turns) + "\n")
    config = folder / "evaluation.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("../../codebook.yaml", str(SURVEY_DATA / "codebook.yaml"))
    text = text.replace("../../../reports", json.dumps(str(out)))
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("public_", "arf_")))
    config.write_text(text + "\n", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def shapes(base) -> Path:
    """One published run of the shapes wave (both tests below read it): it must publish, leave
    nothing personal behind and pass the audit."""
    out = base / "shapes_out"
    wave = base / "shapes_wave"
    config = _shapes_wave(wave, out)
    assert len((wave / "focus_group" / "focus_group_long.txt").read_text()) > 100_000
    code, output, _ = _cli(
        ["run", "--config", str(config), "--no-progress"], base / "tmp", RUN_LIMIT
    )
    _no_traceback(output)
    assert code == 0, output[-3000:]
    report = out / "2025" / "region"
    assert (report / "manifest.json").exists()
    assert _personal_left(out, base / "tmp") == []
    code, output, _ = _cli(["audit", str(report)], base / "tmp", FAIL_FAST_LIMIT)
    assert code == 0, output[-2000:]
    return report


def test_a_list_item_answer_and_a_long_transcript_publish(shapes):
    """Ordinary text shapes are not personal data: the audit lets the report through."""
    with trial("hostile file", "answer starting '- ' and a 100k-char transcript: publish"):
        themes = b"".join(p.read_bytes() for p in shapes.rglob("themes/*.csv"))
        assert b"the rota, always the rota" in themes  # kept, as a coded passage


def test_formula_cells_in_answers_publish_neutralised(shapes):
    with trial("hostile file", "formula cells in answers: publish, neutralised"):
        themes = b"".join(p.read_bytes() for p in shapes.rglob("themes/*.csv"))
        assert b"HYPERLINK" in themes  # the check below has teeth
        for path in shapes.rglob("*.csv"):  # every CSV the run wrote: no live formula
            with open(path, newline="", encoding="utf-8-sig") as handle:
                for row in csv.reader(handle):
                    for cell in row:
                        assert not cell.startswith(("=", "+", "@", "-2+3")), (path, cell)


def test_zz_counts():
    """The tally of what was tried (printed, and written for the closing note)."""
    by_category: dict[str, dict[str, int]] = {}
    for t in TRIALS:
        counts = by_category.setdefault(
            t["category"], {"tried": 0, "passed": 0, "skipped": 0, "failed": 0}
        )
        counts["tried"] += 1
        counts["passed"] += t["passed"]
        counts["skipped"] += "skipped" in t
        counts["failed"] += not t["passed"] and "skipped" not in t
    summary = {
        "tried": len(TRIALS),
        "passed": sum(t["passed"] for t in TRIALS),
        "by_category": by_category,
        "trials": TRIALS,
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nfault suite: {summary['passed']} of {summary['tried']} trials passed")
    for category, counts in by_category.items():
        print(f"  {category:<20} {counts}")
    for t in TRIALS:
        if not t["passed"]:
            print(f"  not passed: {t['case']}: {t.get('skipped') or t.get('known_issue', '')}")
    assert summary["tried"] > 0
