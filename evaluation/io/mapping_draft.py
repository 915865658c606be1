"""``arf-eval mapping draft``: a first column mapping for a new export, for a person to confirm.

Question numbers change between years and platforms; the wording survives. The draft matches
each export column's question wording (or header) to the instrument's questions, finds the
multi-select barriers question (one separated cell, or one column per option), drops the
columns platforms add (e-mail, name, IP address, timings), maps answer texts that differ from the
instrument's labels ("Neutral" -> "Neither agree nor disagree"), and marks everything it could not
match with a ``# CHECK`` or ``# NOT MATCHED`` comment. An unmatched column is left out on purpose:
loading then stops with "neither mapped nor dropped" until a person decides what it is, so a
new personal-data column can never slip through a draft.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evaluation.instrument import Instrument, Variable, load_instrument
from evaluation.io.platforms import RawTable, read_platform_table

MATCH_THRESHOLD = 0.75
# Columns platforms add that are not survey answers (personal data or timings): dropped.
PERSONAL_WORDS = re.compile(
    r"e-?mail|ip ?address|recipient|first ?name|last ?name|full ?name|phone|latitude|longitude"
    r"|external ?ref",
    re.IGNORECASE,
)
PLATFORM_COLUMNS = re.compile(
    r"(start|end|completion|recorded|submitted|last ?modified) ?(date|time)|status|progress"
    r"|duration.*|finished|user ?language|location|distribution ?channel|name|email",
    re.IGNORECASE,
)
ID_COLUMNS = re.compile(r"response ?id|respondent[_ ]?id|resp_id|user ?id|id", re.IGNORECASE)
WAVE_COLUMNS = re.compile(r"wave|year|survey ?year", re.IGNORECASE)
# Answer wordings platforms use for the instrument's labels.
SYNONYMS = {
    "neutral": "Neither agree nor disagree",
    "neither agree or disagree": "Neither agree nor disagree",
    "unsure": "Not sure",
    "don't know": "Not sure",
    "dont know": "Not sure",
    "prefer not to answer": "Prefer not to say",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9']+", " ", str(text).casefold()).strip()


def _wording(raw: RawTable, header: str) -> str:
    return raw.questions.get(header, header) or header


@dataclass
class Draft:
    """The drafted mapping and what a person must check."""

    mapping: dict
    checks: list[str] = field(default_factory=list)
    unmatched_columns: list[str] = field(default_factory=list)
    unmatched_variables: list[str] = field(default_factory=list)

    def yaml(self, export: str) -> str:
        """The mapping file's text, with the checks as comments at the top."""
        lines = [
            f"# Draft column mapping for {export}, written by `arf-eval mapping draft`.",
            "# Matched by question wording: CONFIRM every line before using it.",
        ]
        lines += [f"# CHECK: {c}" for c in self.checks]
        lines += [
            f"# NOT MATCHED column {c!r}: map it under 'columns' or add it to 'drop'"
            for c in self.unmatched_columns
        ]
        lines += [
            f"# NOT MATCHED variable {v!r}: map it under 'columns', give it under 'constants', "
            "or list it under 'not_asked'"
            for v in self.unmatched_variables
        ]
        text = yaml.safe_dump(self.mapping, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(lines) + "\n" + text


def _score(variable: Variable, header: str, wording: str) -> float:
    if header == variable.name:
        return 1.0
    return difflib.SequenceMatcher(None, _norm(variable.question), _norm(wording)).ratio()


def _flag_stem(instrument: Instrument) -> str:
    """The multi-select question's wording without its option (``...? (select all...): X``)."""
    first = instrument.of_type("flag")[0].question
    return re.split(r"\s*\(select all|:\s", first)[0]


def _multi_select(raw: RawTable, instrument: Instrument, free: list[str]) -> tuple[dict, set]:
    """The barriers question: per-option columns, or one column of separated options."""
    flags = instrument.of_type("flag")
    per_option: dict[str, str] = {}
    for flag in flags:  # columns named as the instrument names them
        if flag.name in free:
            per_option[flag.name] = flag.name
    for header in free:
        wording = _norm(f"{header} {_wording(raw, header)}")
        for flag in flags:
            if header in per_option.values():
                break
            if flag.name not in per_option and _norm(flag.option) in wording:
                per_option[flag.name] = header
                break
    if len(per_option) >= len(flags) // 2:
        return {"columns": per_option}, set(per_option.values())
    options = {_norm(f.option) for f in flags}
    stem = _norm(_flag_stem(instrument))
    best, best_share = None, 0.0
    for header in free:
        cells = [c for c in raw.cells[header].tolist() if str(c).strip()]
        for sep in (";", ","):
            pieces = [_norm(p) for c in cells for p in str(c).split(sep) if p.strip()]
            share = sum(p in options for p in pieces) / len(pieces) if pieces else 0.0
            if stem and stem in _norm(_wording(raw, header)):
                share = max(share, 0.9)
            if share > best_share:
                best, best_share, best_sep = header, share, sep
    if best is None or best_share < 0.5:
        return {}, set()
    return {"column": best, "separator": best_sep}, {best}


def _answers(raw: RawTable, header: str, variable: Variable, missing: set[str]) -> dict:
    """Answer texts of one column that are not the instrument's labels: text -> label."""
    labels = {_norm(v): v for v in variable.values}
    found: dict[str, str] = {}
    for value in sorted({str(v).strip() for v in raw.cells[header].tolist()} - {""}):
        key = _norm(value)
        if key in labels or key in missing:
            continue
        target = SYNONYMS.get(key)
        if target is None or target not in variable.values:
            close = difflib.get_close_matches(key, list(labels), n=1, cutoff=0.8)
            target = labels[close[0]] if close else None
        if target is not None:
            found[value] = target
    return found


def draft_mapping(
    export: Path | str,
    format: str = "auto",
    wave: int | None = None,
    instrument: Instrument | None = None,
) -> Draft:
    """Draft a mapping for ``export`` (see the module docstring)."""
    instrument = instrument or load_instrument()
    raw = read_platform_table(export, format)
    headers = [str(h) for h in raw.cells.columns]
    checks: list[str] = []
    id_column = next((h for h in headers if ID_COLUMNS.fullmatch(h.strip())), None)
    wave_column = next((h for h in headers if WAVE_COLUMNS.fullmatch(h.strip())), None)
    drop = [
        h
        for h in headers
        if h not in (id_column, wave_column)
        and (PERSONAL_WORDS.search(h) or PLATFORM_COLUMNS.fullmatch(h.strip()))
    ]
    free = [h for h in headers if h not in drop and h not in (id_column, wave_column)]
    columns: dict[str, str] = {}
    if id_column:
        columns["respondent_id"] = id_column
    if wave_column:
        columns["wave"] = wave_column
    candidates = [v for v in instrument.variables if v.type not in {"flag", "id"}]
    scored = sorted(
        ((_score(v, h, _wording(raw, h)), v.name, h) for v in candidates for h in free),
        reverse=True,
    )
    used: set[str] = set()
    for score, name, header in scored:
        if score < MATCH_THRESHOLD or name in columns or header in used:
            continue
        columns[name] = header
        used.add(header)
        if score < 0.95:
            checks.append(f"{name} <- {header!r} (wording {score:.0%} alike)")
    multi, multi_used = _multi_select(raw, instrument, [h for h in free if h not in used])
    used |= multi_used
    mapping: dict = {"format": raw.format, "drop": drop}
    constants: dict[str, str] = {}
    if "wave" not in columns and wave is not None:
        constants["wave"] = str(wave)
    organisation = ("org_code", "org_name", "icb", "org_type")
    if "org_name" in columns or "org_code" in columns:
        key = "org_code" if "org_code" in columns else "org_name"
        if any(n not in columns for n in organisation):
            mapping["organisation_from"] = key
            for name in organisation:
                if name != key:
                    columns.pop(name, None)
    if constants:
        mapping["constants"] = constants
    missing = {_norm(m) for m in instrument.missing_labels}
    answers: dict[str, str] = {}
    for name, header in columns.items():
        variable = instrument[name]
        if variable.type == "categorical":
            for text, label in _answers(raw, header, variable, missing).items():
                if answers.get(text, label) != label:
                    checks.append(f"answer {text!r} means different labels in different questions")
                answers[text] = label
    if answers:
        mapping["answers"] = answers
        checks += [f"answer {t!r} read as {label!r}" for t, label in answers.items()]
    mapping["columns"] = {n: columns[n] for n in instrument.names if n in columns}
    if multi:
        mapping["multi_select"] = [multi]
    given = set(columns) | set(constants)
    if "organisation_from" in mapping:
        given |= set(organisation)
    if multi:
        given |= {v.name for v in instrument.of_type("flag")}
    unmatched_variables = [n for n in instrument.names if n not in given]
    unmatched_columns = [h for h in free if h not in used]
    return Draft(mapping, checks, unmatched_columns, unmatched_variables)


def write_draft(
    export: Path | str, out: Path | str, format: str = "auto", wave: int | None = None
) -> Draft:
    """Draft the mapping of ``export`` and write it to ``out`` (YAML with comments)."""
    draft = draft_mapping(export, format, wave)
    Path(out).write_text(draft.yaml(Path(export).name), encoding="utf-8")
    return draft
