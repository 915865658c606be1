"""The thematic codebook as data: load, validate and tabulate ``survey_data/codebook.yaml``.

A codebook is only useful if every coder (human, rule or model) applies the same, checkable
definitions; so loading fails loudly, naming the file and the code, when ids repeat, a parent is
missing, the hierarchy loops, a rule pattern does not compile or a code names an unknown principle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from evaluation.errors import InputError, Problem
from evaluation.text.patterns import PatternError, compile_pattern

FRAME_COLUMNS = [
    "code_id",
    "name",
    "parent",
    "definition",
    "include",
    "exclude",
    "examples",
    "principle",
    "patterns",
    "color",
]
# Okabe-Ito (colour-blind safe) for top-level themes; a theme's children get tints of its colour.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999")
_TINTS = (0.3, 0.5, 0.65)


def _tint(color: str, share: float) -> str:
    """``color`` mixed with white (``share`` of white), as ``#RRGGBB``."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02X}" for c in rgb)


@dataclass(frozen=True)
class Code:
    """One theme: its definition, inclusion and exclusion criteria, examples and rule patterns."""

    code_id: str
    name: str
    parent: str | None
    definition: str
    principle: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    color: str | None = None  # "#RRGGBB" from the YAML; None: the palette's (Codebook.colors)


@dataclass(frozen=True)
class Codebook:
    """A versioned set of codes in file order, with the principles they may speak to."""

    version: str
    codes: tuple[Code, ...]
    principles: dict[str, str] = field(default_factory=dict)
    source: str = "<codebook>"

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, code_id: str) -> Code:
        for code in self.codes:
            if code.code_id == code_id:
                return code
        raise KeyError(code_id)

    @property
    def ids(self) -> list[str]:
        """All code ids, in file order."""
        return [c.code_id for c in self.codes]

    @property
    def leaf_ids(self) -> list[str]:
        """Ids of codes with no children: the most specific themes, which coders apply."""
        parents = {c.parent for c in self.codes}
        return [c.code_id for c in self.codes if c.code_id not in parents]

    def children(self, code_id: str) -> list[str]:
        """Ids of the direct children of ``code_id``."""
        return [c.code_id for c in self.codes if c.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Ids from the parent of ``code_id`` up to its root (empty for a root)."""
        out: list[str] = []
        parent = self[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self[parent].parent
        return out

    def colors(self) -> dict[str, str]:
        """Each code's display colour (exported to REFI-QDA): the YAML's ``color`` if given, else
        the palette's colour of its top-level theme, tinted for children, so themes read as
        families in another tool."""
        out: dict[str, str] = {}
        roots = [c.code_id for c in self.codes if c.parent is None]
        for code in self.codes:
            if code.color:
                out[code.code_id] = code.color.upper()
                continue
            chain = [code.code_id, *self.ancestors(code.code_id)]
            root = chain[-1]
            base = PALETTE[roots.index(root) % len(PALETTE)]
            if len(chain) == 1:
                out[code.code_id] = base
            else:
                siblings = self.children(chain[1])
                share = _TINTS[siblings.index(code.code_id) % len(_TINTS)]
                out[code.code_id] = _tint(base, share)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per code; list fields joined with " | " so the frame writes cleanly to CSV."""
        colors = self.colors()
        rows = [
            {
                "code_id": c.code_id,
                "name": c.name,
                "parent": c.parent,
                "definition": c.definition,
                "include": " | ".join(c.include),
                "exclude": " | ".join(c.exclude),
                "examples": " | ".join(c.examples),
                "principle": self.principles.get(c.principle, c.principle),
                "patterns": " | ".join(c.patterns),
                "color": colors[c.code_id],
            }
            for c in self.codes
        ]
        return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def _text_list(value: Any, where: str, key: str, problems: list[Problem], file: str) -> tuple:
    """A YAML list of strings (or a single string, or nothing) as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problems.append(
        Problem(file, None, key, value, f"code {where!r}: {key} must be a list of text")
    )
    return ()


def _check_hierarchy(codes: list[Code], file: str) -> list[Problem]:
    """Parents that do not exist, and cycles in the parent chain."""
    problems: list[Problem] = []
    by_id = {c.code_id: c for c in codes}
    for code in codes:
        if code.parent is not None and code.parent not in by_id:
            problems.append(
                Problem(file, None, "parent", code.parent, f"code {code.code_id!r}: unknown parent")
            )
    for code in codes:
        seen = [code.code_id]
        parent = code.parent
        while parent is not None and parent in by_id:
            if parent in seen:
                chain = " -> ".join([*seen, parent])
                problems.append(
                    Problem(file, None, "parent", chain, f"code {code.code_id!r}: cycle in parents")
                )
                break
            seen.append(parent)
            parent = by_id[parent].parent
    return problems


def parse_codebook(data: Any, file: str = "<codebook>") -> Codebook:
    """Validate a codebook already read from YAML (``file`` names it in error messages)."""
    if not isinstance(data, dict):
        raise InputError(Problem(file, None, None, None, "the codebook must be a YAML mapping"))
    problems: list[Problem] = []
    version = data.get("version")
    if version is None or str(version).strip() == "":
        problems.append(Problem(file, None, "version", version, "the codebook needs a version"))
    principles = data.get("principles") or {}
    if not isinstance(principles, dict):
        problems.append(Problem(file, None, "principles", principles, "must be a mapping id: name"))
        principles = {}
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        problems.append(Problem(file, None, "codes", raw_codes, "the codebook lists no codes"))
        raw_codes = []

    codes: list[Code] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_codes, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            problems.append(Problem(file, None, "id", raw, f"code number {i} has no text id"))
            continue
        code_id = raw["id"]
        if code_id in seen:
            problems.append(Problem(file, None, "id", code_id, f"duplicate code id {code_id!r}"))
            continue
        seen.add(code_id)
        for key in ("name", "definition"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                problems.append(
                    Problem(file, None, key, raw.get(key), f"code {code_id!r}: {key} is missing")
                )
        principle = raw.get("principle")
        if principle not in principles:
            problems.append(
                Problem(
                    file,
                    None,
                    "principle",
                    principle,
                    f"code {code_id!r}: unknown principle (known: {', '.join(principles)})",
                )
            )
        patterns = _text_list(raw.get("patterns"), code_id, "patterns", problems, file)
        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except PatternError as err:
                problems.append(
                    Problem(file, None, "patterns", pattern, f"code {code_id!r}: {err}")
                )
        parent = raw.get("parent")
        color = raw.get("color")
        if color is not None and not (
            isinstance(color, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", color.strip())
        ):
            problems.append(
                Problem(file, None, "color", color, f"code {code_id!r}: color must be #RRGGBB")
            )
            color = None
        codes.append(
            Code(
                code_id=code_id,
                name=str(raw.get("name") or ""),
                parent=None if parent in (None, "") else str(parent),
                definition=str(raw.get("definition") or "").strip(),
                principle=str(principle),
                include=_text_list(raw.get("include"), code_id, "include", problems, file),
                exclude=_text_list(raw.get("exclude"), code_id, "exclude", problems, file),
                examples=_text_list(raw.get("examples"), code_id, "examples", problems, file),
                patterns=patterns,
                color=None if color is None else color.strip(),
            )
        )
    problems.extend(_check_hierarchy(codes, file))
    if problems:
        raise InputError(problems)
    return Codebook(
        version=str(version),
        codes=tuple(codes),
        principles={str(k): str(v) for k, v in principles.items()},
        source=file,
    )


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file (the wave config's ``codebook``; the bundled one is
    :data:`evaluation.paths.CODEBOOK`)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), None, None, None, "codebook file not found")) from None
    except yaml.YAMLError as err:
        raise InputError(Problem(str(path), None, None, None, f"not valid YAML: {err}")) from None
    return parse_codebook(data, file=str(path))
