"""Scrub personal data from free text before anything is published.

Staff describe racism at work in the survey's free text and in focus groups; a name, a phone
number or a payroll number in a published quote could identify them or the colleague they
describe. :func:`redact_text` replaces each kind with a typed placeholder and counts what it
replaced, so the report's manifest can say how much was removed (never what).

What is found (placeholders in brackets):

- ``[url]``: ``http(s)://...`` and ``www....`` addresses.
- ``[email]``: e-mail addresses.
- ``[NHS number]``: 10 digits (optionally ``3 3 4`` with spaces or dashes) whose last digit is
  the valid Modulus 11 check digit of the first nine.
- ``[phone]``: UK numbers: ``+44`` or ``0`` then 9-10 more digits, spaces, dashes and a
  bracketed area code allowed (``07700 900123``, ``+44 (0)161 496 0000``, ``0161 496 0000``).
- ``[staff number]``: a number after a staff, payroll, employee, assignment or ESR label
  ("staff number 123456", "payroll no. 12345678", "employee ID E12345"); and, by judgement,
  **any other run of 6 or more digits** (spaces or dashes allowed between groups) that is not a
  phone or NHS number, such as a 10-digit number failing the NHS check: it may well be an
  identifier, and no survey answer needs a six-digit number to make its point. Money (after
  ``£``, ``$`` or ``€``) and decimals are left alone; a bare 6-digit count of money would be
  redacted, which costs little.
- ``[postcode]``: full UK postcodes (``M1 1AE``, ``WN6 9EP``, ``L3 5PS``). Lower-case ones are
  taken only when their last part is not an ordinal ("b1 1st" is not a postcode).
- ``[name]``: names given by the caller (``names``: participants, staff named in a file), and
  names found by conservative patterns: a title (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Professor, Sister,
  Nurse, Matron) or a cue ("my manager", "colleague", "called", "named", "my name is") followed by a
  capitalised word, and any capitalised word in the shipped first-name list
  (``evaluation/data/first_names.txt``), with the capitalised words that follow it (a surname).
  Titles are kept ("Dr [name]") so the sentence still reads.

Ordinary words used in NHS text are not names: a stop list covers pay bands and grades ("Band 5",
"8a"), the framework's levels ("Bronze", "Silver", "Gold"), organisations and roles ("NHS",
"Trust", "Freedom to Speak Up Guardian"), months and days. Patterns cannot catch every name (a
surname alone, a nickname): the quotes chosen for a report still need a human read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

KINDS = ("url", "email", "nhs_number", "phone", "staff_number", "postcode", "name")
PLACEHOLDERS = {
    "url": "[url]",
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "phone": "[phone]",
    "staff_number": "[staff number]",
    "postcode": "[postcode]",
    "name": "[name]",
}

# An address ends before trailing punctuation ("see www.nhs.uk." keeps its full stop).
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")
_NHS = re.compile(r"(?<![\w+£$€.])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w.]\d|\d)")
_PHONE = re.compile(
    r"(?<![\w+£$€])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(0|0)(?:[ -]?\)?[ -]?\d){9,10}(?![\w])"
)
_STAFF_LABEL = re.compile(
    r"\b(?:staff|payroll|employee|assignment|ESR|personnel)[ \t]*"
    r"(?:number|no\.?|num\.?|id|ref(?:erence)?|#)?[ \t]*(?:is|:|#|-)?[ \t]*"
    r"(?P<number>[A-Z]{0,2}\d{4,12})\b",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\w£$€.,])\d(?: ?\d){5,}(?![\w]|[.,]\d)")
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?(?P<inward>\d[A-Z]{2})\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CAPITALISED = r"[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)?"
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof(?:essor)?|Sister|Nurse|Matron)\.?[ \t]+"
    rf"(?P<name>{_CAPITALISED}(?:[ \t]+{_CAPITALISED})?)"
)
_CUE = re.compile(  # the cue in any case, the name capitalised
    r"\b(?i:(?:my|our|the|a|line|ward|deputy)[ \t]+(?:manager|colleague|supervisor|boss|mentor|"
    r"matron)|colleague|called|named|my[ \t]+name[ \t]+is)[ \t]*,?[ \t]+"
    rf"(?P<name>{_CAPITALISED}(?:[ \t]+{_CAPITALISED})?)"
)
_WORD = re.compile(rf"\b{_CAPITALISED}\b")
_SURNAME = re.compile(rf"[ \t]+({_CAPITALISED})\b")
# Capitalised words that follow a title or cue, or a first name, without being names.
_NOT_NAMES = _word_set(
    """
    A An And But I If In It My No Not Of On Or Our So The Then They This To We When Who Yes You
    NHS Trust Trusts Foundation Board Band Bands Bronze Silver Gold Framework Anti Racist
    Assembly Region North West England Manager Managers Lead Leads Leader Team Teams Director
    Directors Chief Executive Officer Chair Consultant Consultants Nurse Nurses Nursing Matron
    Sister Doctor Doctors Practitioner Practitioners Associate Associates Assistant Assistants
    Bank Agency Staff Services Service Health Care Social Ward Wards Unit Units Department
    Human Resources Freedom Speak Up Guardian Guardians Network Networks Equality Diversity
    Inclusion Race Racism Black White Asian Mixed British English Irish Welsh Scottish African
    Caribbean Indian Pakistani Bangladeshi Chinese Arab Muslim Christian Hindu Sikh Jewish
    Medical Clinical Mental Community Acute Ambulance Hospital Hospitals Surgery Theatre
    Theatres Emergency Department Operations Patient Patients Safety Quality Workforce People
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June
    July August September October November December Covid Google Teams Zoom Microsoft Forms
    Said Says Told Asked Was Were Is Are Has Had Have Would Could Should Did Does Do
    """
)
# "called"/"named" after these words reports what someone was called (often a slur, which the
# analysis needs), not a person's name.
_NOT_AFTER = _word_set(
    """
    was were been being be is are am me him her them us you get got gets getting
    i'm he's she's they're we're you're i’m he’s she’s they’re we’re you’re
    """
)


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text and how many of each kind were replaced (a ``Counter`` over :data:`KINDS`)."""

    text: str
    counts: Counter


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped first-name list (package data), for finding names in free text."""
    text = resources.files("evaluation").joinpath("data/first_names.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number (spaces and dashes ignored).

    >>> nhs_number_is_valid("943 476 5919")
    True
    >>> nhs_number_is_valid("943 476 5918")
    False
    """
    digits = re.sub(r"[ -]", "", digits)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of people's names: given names, titles, cues, and first names from the list."""
    spans: list[tuple[int, int]] = []
    given: set[str] = set()
    for name in names:
        name = str(name).strip()
        if not name:
            continue
        spans += [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)]
        given |= {part for part in re.split(r"\s+", name) if len(part) > 1}
    for part in given:
        spans += [m.span() for m in re.finditer(rf"\b{re.escape(part)}\b", text)]
    for pattern in (_TITLE, _CUE):
        for match in pattern.finditer(text):
            before = text[: match.start()].split()[-1:]
            if before and before[0].casefold() in _NOT_AFTER and pattern is _CUE:
                continue  # "I was called Paki": a slur reported, not a name
            words = list(re.finditer(r"\S+", match.group("name")))
            kept = []
            for word in words:  # stop at the first word that is not a name ("Dr Khan Said")
                if word.group() in _NOT_NAMES:
                    break
                kept.append(word)
            if kept:
                start = match.start("name")
                spans.append((start + kept[0].start(), start + kept[-1].end()))
    known = first_names()
    for match in _WORD.finditer(text):
        if match.group() in known:
            end = match.end()
            surname = _SURNAME.match(text, end)  # one following capitalised word, a surname
            if surname and surname.group(1) not in _NOT_NAMES:
                end = surname.end()
            spans.append((match.start(), end))
    return spans


def _spans(text: str, names: Iterable[str], with_names: bool = True) -> list[tuple[int, int, str]]:
    """Every candidate span with its kind, in priority order (earlier kinds win overlaps)."""
    found: list[tuple[int, int, str]] = []
    found += [(*m.span(), "url") for m in _URL.finditer(text)]
    found += [(*m.span(), "email") for m in _EMAIL.finditer(text)]
    found += [(*m.span(), "nhs_number") for m in _NHS.finditer(text) if nhs_number_is_valid(m[0])]
    found += [(*m.span(), "phone") for m in _PHONE.finditer(text)]
    found += [(*m.span("number"), "staff_number") for m in _STAFF_LABEL.finditer(text)]
    found += [(*m.span(), "staff_number") for m in _DIGIT_RUN.finditer(text)]
    found += [
        (*m.span(), "postcode")
        for m in _POSTCODE.finditer(text)
        if m[0].isupper() or not _ORDINAL.fullmatch(m["inward"])
    ]
    if with_names:
        found += [(*span, "name") for span in _name_spans(text, names)]
    return found


def _choose(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: by kind priority, then the longer one; adjacent names merge."""
    priority = {kind: i for i, kind in enumerate(KINDS)}
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda s: (priority[s[2]], s[0], -(s[1] - s[0]))):
        if start < end and all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    return sorted(chosen)


def redaction_spans(text: str, names: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """The ``(start, end, kind)`` spans :func:`redact_text` replaces, in text order."""
    return _choose(_spans(text, tuple(names)))


def pattern_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans of :func:`redaction_spans` other than names, found without looking for names.

    Names have the lowest priority, so leaving them out changes no other span; this is what the
    report audit needs (it does not check names), at a fraction of the cost on large exports.
    """
    return _choose(_spans(text, (), with_names=False))


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, kind in spans:
        pieces += [text[last:start], PLACEHOLDERS[kind]]
        last = end
    return "".join([*pieces, text[last:]])


def redact_text(text: str, names: Iterable[str] = ()) -> RedactionResult:
    """Replace personal data in ``text`` by typed placeholders; count each kind replaced.

    >>> redact_text("Ring Sarah on 07700 900123 or sarah.j@nhs.net").text
    'Ring [name] on [phone] or [email]'
    """
    spans = redaction_spans(text, names)
    return RedactionResult(_apply(text, spans), Counter(kind for _, _, kind in spans))


def _counts_frame(rows: list[dict], by: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[by, "type", "count"])
    return frame.astype({"count": "int64"})


def redact_frame(
    frame: pd.DataFrame, columns: Iterable[str], names: Iterable[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Redact free-text ``columns`` of a frame: ``(redacted copy, counts)``.

    ``counts`` is tidy: one row per column and kind (``column, type, count``, zeros included),
    for the manifest. Missing values stay missing.
    """
    names = tuple(names)
    out = frame.copy()
    rows = []
    for column in columns:
        total: Counter = Counter()

        def scrub(value: object, total: Counter = total) -> object:
            if not isinstance(value, str):
                return value
            result = redact_text(value, names)
            total.update(result.counts)
            return result.text

        out[column] = frame[column].map(scrub).astype(frame[column].dtype)
        rows += [{"column": column, "type": kind, "count": total[kind]} for kind in KINDS]
    return out, _counts_frame(rows, "column")


def redact_turns(
    turns: pd.DataFrame, sources: Mapping[str, str], names: Iterable[str] = ()
) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """Redact transcripts and keep the turns' offsets true: ``(turns, sources, counts)``.

    ``turns`` follows the turns-frame contract (``source_id``, ``start``, ``end``, ``text`` with
    ``sources[source_id][start:end] == text``). Each source text is redacted once and every
    turn's ``start``/``end`` moved to the redacted text, so the contract still holds for the
    redacted sources; a span that crossed a turn boundary would widen that turn to the whole
    placeholder. ``counts`` has one row per source and kind (``source_id, type, count``).
    """
    names = tuple(names)
    redacted: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    rows = []
    for source_id, text in sources.items():
        spans[source_id] = redaction_spans(text, names)
        redacted[source_id] = _apply(text, spans[source_id])
        counts = Counter(kind for _, _, kind in spans[source_id])
        rows += [{"source_id": source_id, "type": kind, "count": counts[kind]} for kind in KINDS]
    out = turns.copy()
    out["start"] = [
        _moved(int(p), spans[s], is_end=False)
        for s, p in zip(turns["source_id"], turns["start"], strict=True)
    ]
    out["end"] = [
        _moved(int(p), spans[s], is_end=True)
        for s, p in zip(turns["source_id"], turns["end"], strict=True)
    ]
    out["text"] = [
        redacted[s][a:b] for s, a, b in zip(out["source_id"], out["start"], out["end"], strict=True)
    ]
    return out, redacted, _counts_frame(rows, "source_id")


def _moved(position: int, spans: list[tuple[int, int, str]], *, is_end: bool) -> int:
    """Where an offset of the original text lands in the redacted text.

    A position inside a replaced span snaps to the placeholder's start (a turn's start) or end (a
    turn's end), so the turn covers the whole placeholder.
    """
    shift = 0
    for start, end, kind in spans:
        if position <= start:
            break
        if position < end:
            return start + shift + (len(PLACEHOLDERS[kind]) if is_end else 0)
        shift += len(PLACEHOLDERS[kind]) - (end - start)
    return position + shift
