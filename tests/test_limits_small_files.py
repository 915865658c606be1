"""The names file, the review queue and any codings file are size-checked before they are read:
one clear error naming the file, no traceback, nothing read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evaluation.errors import InputError
from evaluation.inputs import read_names
from evaluation.review import QUEUE, read_queue
from evaluation.text.codings import read_codings_log


def _names(folder: Path) -> Path:
    path = folder / "names.txt"
    path.write_text("Wendy\n" * 50, encoding="utf-8")
    return path


def _queue(folder: Path) -> Path:
    path = folder / QUEUE
    path.parent.mkdir()
    path.write_text("fingerprint,source_id,start,end,passage,decision\n" + "a,s,0,1,x,held\n" * 20)
    return path


def _codings(folder: Path) -> Path:
    path = folder / "elsewhere" / "codings_coder_a.csv"
    path.parent.mkdir()
    path.write_text("segment_id,source_id\n" + "x,y\n" * 50, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "read"),
    [
        (_names, read_names),
        (_queue, lambda p: read_queue(p.parent.parent)),
        (_codings, read_codings_log),
    ],
)
def test_small_input_files_over_the_limit_are_refused_by_name(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], Path],
    read: Callable[[Path], object],
) -> None:
    path = make(tmp_path)
    monkeypatch.setenv("ARF_EVAL_LIMIT_TABLE_BYTES", "64")
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert str(path) in message and "over the limit" in message and "\n" not in message.strip()
