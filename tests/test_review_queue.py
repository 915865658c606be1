"""The review queue's decisions hold through redaction: a cleared passage stays quotable, an
uncleared one stays held."""

from __future__ import annotations

from pathlib import Path

from evaluation.redact import redact_text
from evaluation.review import QUEUE, find_items, update_queue
from evaluation.themes import HELD_MARKER, _is_held

TEXT = (
    "We raised it twice. I am the only Black matron on Ward 7B at Tameside and Wendy Smith told"
    " me to drop it. Nothing changed."
)


def test_a_cleared_passage_stays_cleared_and_an_uncleared_one_held(tmp_path: Path) -> None:
    items = find_items({"s": TEXT}, ["Wendy"])
    assert len(items) == 1
    update_queue(tmp_path, items)
    queue = tmp_path / QUEUE

    held_text = redact_text(TEXT, ["Wendy"], frozenset()).text
    assert HELD_MARKER in held_text and "matron" not in held_text

    queue.write_text(queue.read_text().replace("pending", "cleared"), encoding="utf-8")
    cleared = frozenset(items["fingerprint"])
    shown = redact_text(TEXT, ["Wendy"], cleared).text
    assert "matron" in shown and "Wendy" not in shown  # redacted, not held
    assert not _is_held(tmp_path)(shown)  # the person's decision stands on the redacted words
    other = "I am the only Black porter on Ward 9 at Salford and nobody listened."
    assert _is_held(tmp_path)(other)  # a description nobody cleared is still held
