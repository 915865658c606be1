"""A hung kernel does not hang a report: a cell past the limit (``ARF_EVAL_CELL_TIMEOUT``) is run
again once on a new kernel, and a second hang is one clear error naming the notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from evaluation.errors import PipelineError
from evaluation.pipeline.run import (
    CELL_TIMEOUT_ENV,
    KERNEL_NAME,
    ensure_kernel,
    execute_notebook,
)


def _notebook(folder: Path) -> Path:
    """A notebook whose one cell sleeps past the limit while ``marker`` does not exist, and
    creates it: the first run hangs, the next one finishes."""
    parameters = nbformat.v4.new_code_cell('marker = ""\nalways = False')
    parameters.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import pathlib, time\n"
        "path = pathlib.Path(marker)\n"
        "if always or not path.exists():\n"
        "    path.write_text('started')\n"
        "    time.sleep(120)\n"
        "print('done')"
    )
    path = folder / "sleepy.ipynb"
    book = nbformat.v4.new_notebook(cells=[parameters, body])
    book.metadata["kernelspec"] = {"name": KERNEL_NAME, "language": "python", "display_name": ""}
    book.metadata["language_info"] = {"name": "python"}
    nbformat.write(book, str(path))
    return path


def test_a_hung_cell_is_run_again_once_then_a_clear_error(tmp_path, monkeypatch, capfd):
    ensure_kernel()
    monkeypatch.setenv(CELL_TIMEOUT_ENV, "5")
    notebook, marker = _notebook(tmp_path), tmp_path / "marker"
    seconds = execute_notebook(notebook, tmp_path / "out.ipynb", {"marker": str(marker)})
    assert marker.exists() and seconds < 100  # hung once (5 s), then finished on a new kernel
    assert "running the notebook again on a new kernel" in capfd.readouterr().err
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert "done" in str(executed.cells[-1].outputs)

    with pytest.raises(PipelineError, match=r"sleepy.ipynb: a cell ran past 5 s twice"):
        execute_notebook(notebook, tmp_path / "out2.ipynb", {"marker": str(marker), "always": True})


def test_the_limit_must_be_a_whole_number(monkeypatch):
    from evaluation.errors import InputError
    from evaluation.pipeline.run import cell_timeout

    monkeypatch.setenv(CELL_TIMEOUT_ENV, "ten")
    with pytest.raises(InputError, match=CELL_TIMEOUT_ENV):
        cell_timeout()
    monkeypatch.delenv(CELL_TIMEOUT_ENV)
    assert cell_timeout() == 3600
