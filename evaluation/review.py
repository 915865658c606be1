"""The review queue: passages that may identify someone by description wait for a person.

"The only Black matron on Ward 7B at Tameside" names no one, yet points at one person. Patterns
cannot judge such descriptions (:func:`evaluation.redact.identifying_passages` finds candidates),
so each is written to ``review/queue.csv`` in the wave's own, private folder (never under
``reports/``) and, until a person sets its ``decision`` to ``cleared``, the passage is replaced by
``[held for review]`` before anything is coded, quoted or exported (the quote bank, the themes
and the QDPX all read the held text). A passage is keyed by its fingerprint (a hash of its
words), so a decision survives re-runs and applies to the same words wherever they recur.

``queue.csv`` columns: ``fingerprint, source_id, start, end, passage, decision``; ``passage`` is
the sentence with its names and numbers already redacted; ``decision`` is ``pending`` until a
person writes ``cleared`` (publish as it is) or ``held`` (keep it out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.limits import check_file_size
from evaluation.redact import identifying_passages, redact_text

QUEUE = Path("review") / "queue.csv"
COLUMNS = ["fingerprint", "source_id", "start", "end", "passage", "decision"]
DECISIONS = ("pending", "cleared", "held")


def read_queue(private_dir: Path | str | None) -> pd.DataFrame:
    """The wave's review queue (empty if none); an unknown decision is an input error."""
    path = Path(private_dir) / QUEUE if private_dir else None
    if path is None or not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    check_file_size(path, "TABLE_BYTES", "the review queue")  # io.limits: a clear error
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(str(path), 1, ", ".join(missing), None, "queue lacks columns"))
    bad = frame[~frame["decision"].str.strip().str.lower().isin(DECISIONS)]
    if len(bad):
        row = int(bad.index[0]) + 2
        raise InputError(
            Problem(str(path), row, "decision", bad.iloc[0]["decision"], f"expected {DECISIONS}")
        )
    return frame


def _cleared_rows(private_dir: Path | str | None) -> pd.DataFrame:
    queue = read_queue(private_dir)
    return queue[queue["decision"].str.strip().str.lower() == "cleared"]


def cleared(private_dir: Path | str | None) -> frozenset[str]:
    """Fingerprints a person has cleared for publication."""
    return frozenset(_cleared_rows(private_dir)["fingerprint"])


def cleared_as_redacted(private_dir: Path | str | None) -> frozenset[str]:
    """Fingerprints of the cleared passages as they read once redacted (the queue's
    ``passage``): text already redacted fingerprints differently from the raw words, and a
    person's decision must hold on both."""
    return frozenset(
        key
        for passage in _cleared_rows(private_dir)["passage"]
        for _, _, key in identifying_passages(passage)
    )


def find_items(texts: Mapping[str, str], names: Iterable[str] = ()) -> pd.DataFrame:
    """Every identifying passage in ``texts`` (source id -> raw text), with a redacted excerpt."""
    names = tuple(names)
    rows = []
    for source_id, text in texts.items():
        if not isinstance(text, str):
            continue
        for start, end, key in identifying_passages(text):
            passage = redact_text(text[start:end], names, cleared=None).text
            rows.append(
                {"fingerprint": key, "source_id": source_id, "start": start, "end": end,
                 "passage": passage, "decision": "pending"}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def update_queue(private_dir: Path | str | None, items: pd.DataFrame) -> Path | None:
    """Add new items to the wave's queue, keeping every decision already made.

    Writes nothing when there is nothing to review and no queue yet (a clean wave leaves no
    file behind). Returns the queue's path, or None.
    """
    if not private_dir:
        return None
    path = Path(private_dir) / QUEUE
    old = read_queue(private_dir)
    if items.empty and old.empty:
        return None
    known = set(old["fingerprint"])
    new = items[~items["fingerprint"].isin(known)].drop_duplicates("fingerprint")
    merged = pd.concat([old, new.astype("string")], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged.to_csv(path, index=False)
    return path


def pending(private_dir: Path | str | None) -> int:
    """How many passages still wait for a decision (for the run's closing note)."""
    queue = read_queue(private_dir)
    return int((queue["decision"].str.strip().str.lower() == "pending").sum())
