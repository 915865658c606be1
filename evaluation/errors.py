"""The workbench's own input error: every problem names the file, row, column and value.

Commands catch :class:`InputError` and print its message (never a traceback), so an evaluator
who exported the wrong file learns what to fix, where.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the 1-based line/row number as the user sees it in the file (the header is row 1 of
    a CSV), or ``None`` when the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    message: str
    severity: str = "error"  # "error": the row or file cannot be used; "warning": kept, but look
    rows: tuple[int, ...] = ()  # a grouped problem (see group_problems): every row it concerns

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        value = "" if self.value is None else f" (value {self.value!r})"
        rows = f"; {len(self.rows)} rows: {_rows_text(list(self.rows))}" if self.rows else ""
        return f"{', '.join(where)}: {self.message}{value}{rows}"


def _rows_text(rows: list[int], shown: int = 10) -> str:
    listed = ", ".join(str(r) for r in rows[:shown])
    return listed + (f", ... ({len(rows) - shown} more)" if len(rows) > shown else "")


def group_problems(problems: list[Problem]) -> list[Problem]:
    """The same problem on many rows as one problem with its count and rows.

    A mapping that forgets one answer label makes the same complaint on every row that gave that
    answer; a reader needs it once, with how many rows and which, not hundreds of near-identical
    lines. Problems are grouped by file, column, value, message and severity, in first-seen order.

    >>> ps = [Problem("f.csv", r, "q1", "Neutral", "not recognised") for r in (2, 5, 9)]
    >>> print(group_problems(ps)[0])
    f.csv, column 'q1': not recognised (value 'Neutral'); 3 rows: 2, 5, 9
    """
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.file, p.column, repr(p.value), p.message, p.severity, p.row is None)
        groups.setdefault(key, []).append(p)
    out = []
    for members in groups.values():
        first = members[0]
        rows = sorted({p.row for p in members if p.row is not None})
        if len(rows) <= 1:  # one row (or the whole file): identical problems shown once
            out.append(first)
            continue
        out.append(Problem(first.file, None, first.column, first.value, first.message,
                           first.severity, rows=tuple(rows)))  # fmt: skip
    return out


NO_FILE = "<input>"


class InputError(ValueError):
    """Input that cannot be used. Carries one or more :class:`Problem` records."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str | Path | None = None):
        if isinstance(problems, str):
            problems = [Problem(str(file or NO_FILE), None, None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        grouped = group_problems(self.problems)
        shown = "\n".join(f"  - {p}" for p in grouped[:20])
        more = len(grouped) - 20
        if more > 0:
            shown += f"\n  ... and {more} more"
        if len(grouped) == 1:  # one mistake: one line
            super().__init__(str(grouped[0]).removeprefix(f"{NO_FILE}: "))
        else:
            super().__init__(f"{len(self.problems)} problem(s) in the input:\n{shown}")


class PipelineError(RuntimeError):
    """A report could not be built; the message names the notebook and the cell."""
