"""A run that is stopped leaves nothing behind: no respondent-level cache, no processes, and the
next run clears what a SIGKILL could not."""

from __future__ import annotations

import fcntl
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import processes_of

from evaluation.pipeline.run import RUN_LOCK, remove_stale_runs

EXPORTS = Path(__file__).parent / "data" / "exports"


def test_stale_run_folders_are_removed_and_live_ones_kept(tmp_path):
    final = tmp_path / "2025" / "region"
    stale = tmp_path / "2025" / ".region.killed"
    (stale / "_work").mkdir(parents=True)
    (stale / "_work" / "survey.parquet").write_bytes(b"respondents")
    (stale / RUN_LOCK).touch()
    live = tmp_path / "2025" / ".region.running"
    live.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.flock(f, fcntl.LOCK_EX);"
         "print('locked', flush=True); time.sleep(60)", str(live / RUN_LOCK)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_stale_runs(final) == [stale]
        assert not stale.exists() and live.exists()
    finally:
        holder.kill()
        holder.wait()
    with open(live / RUN_LOCK) as handle:  # the lock dies with its process
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")
def test_sigterm_mid_run_cleans_up_and_keeps_nothing_personal(tmp_path):
    wave = tmp_path / "wave"
    wave.mkdir()
    shutil.copy(EXPORTS / "qualtrics.csv", wave / "qualtrics.csv")
    shutil.copy(EXPORTS / "qualtrics_mapping.yaml", wave / "mapping.yaml")
    (wave / "evaluation.yaml").write_text(
        "wave: 2025\nsurvey: qualtrics.csv\nmapping: mapping.yaml\noutput: reports\n"
    )
    parent = wave / "reports" / "2025"
    run = subprocess.Popen(
        [sys.executable, "-m", "evaluation", "run", "--config", str(wave / "evaluation.yaml"),
         "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(parent.glob(".region.*/notebooks/*.ipynb")):
        time.sleep(0.2)  # wait until notebooks are running
    assert list(parent.glob(".region.*")), "the run never started its notebooks"
    time.sleep(1)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert "Traceback" not in err and "nothing new was published" in err
    assert not list(parent.glob(".region.*"))  # no hidden folder left
    assert not list(parent.rglob("_work"))  # no respondent-level cache anywhere
    assert not (parent / "region").exists()  # nothing published
    deadline = time.monotonic() + 30
    while processes_of(str(parent)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_of(str(parent)) == []  # no kernel or worker outlives the run


def test_the_manifest_keeps_no_free_text_value():
    from evaluation.errors import Problem
    from evaluation.paths import SURVEY_DATA
    from evaluation.pipeline.config import load_config
    from evaluation.pipeline.manifest import _kept_problem

    config = load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")
    answer = Problem(str(config.survey), 3, "comment_other", "call Jane on 07700 900123", "odd")
    assert "07700" not in str(_kept_problem(answer, config))
    assert "row 3" in str(_kept_problem(answer, config))
    choice = Problem(str(config.survey), 4, "arf_aware", "Yess", "not an answer")
    assert "'Yess'" in str(_kept_problem(choice, config))  # a coded answer is no free text
