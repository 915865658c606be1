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
- ``[NI number]``: National Insurance numbers (``QQ 12 34 56 C``, spaces optional).
- ``[phone]``: UK numbers: ``+44`` or ``0`` then 9-10 more digits, spaces, dashes and a
  bracketed area code allowed (``07700 900123``, ``+44 (0)161 496 0000``, ``0161 496 0000``).
- ``[date of birth]``: a date (``14/03/1987``, ``14 March 1987``, ``March 14th, 1987``,
  ``1987-03-14``) or a year after "born", "DOB", "d.o.b." or "date of birth"; other dates are
  left alone (a meeting "on 12/03/2025" identifies no one).
- ``[address]``: a house number and a street ("27 Acacia Grove", "Flat 3, 12 High St"), with the
  town after a comma ("27 Acacia Grove, Salford").
- ``[staff number]``: a number after a staff, payroll, employee, assignment or ESR label
  ("staff number 123456", "payroll no. 12345678", "employee ID E12345"); and, by judgement,
  **any other run of 6 or more digits** (spaces or dashes allowed between groups) that is not a
  phone or NHS number, such as a 10-digit number failing the NHS check: it may well be an
  identifier, and no survey answer needs a six-digit number to make its point. Money (after
  ``£``, ``$`` or ``€``) and decimals are left alone.
- ``[postcode]``: full UK postcodes (``M1 1AE``, ``WN6 9EP``, ``L3 5PS``). Lower-case ones are
  taken only when their last part is not an ordinal ("b1 1st" is not a postcode).
- ``[handle]``: social-media handles (``@ward7_banter``).
- ``[ward]``: ward, bay, bed and room identifiers ("Ward 7B", "bay 3", "Bed 12", "side room 4"):
  with a role and a shift they point at one person.
- ``[name]``: people's names, found by several rules, in this order of strength:

  1. names given by the caller (``names``: participants, staff named in a file), whole and by
     part;
  2. a capitalised word after a title (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sister, Nurse, Matron),
     a cue ("my manager", "colleague", "called", "named", "my name is") or a verb of speech or
     contact ("ask", "told", "spoke to", "reported it to", "emailed", "rang", "thanks to");
  3. a capitalised word in the shipped first-name or surname lists
     (``evaluation/data/first_names.txt``, ``surnames.txt``), even alone ("Okafor on our ward");
  4. **a name no list holds**: a capitalised word (or hyphenated pair, "Okonkwo-Baptiste") that
     is not an ordinary English word, judged by its frequency in the ``wordfreq`` package's
     English word list (shipped with the package, nothing downloaded): Zipf frequency below
     :data:`RARE_ZIPF` inside a sentence, below :data:`RARE_ZIPF_INITIAL` at a sentence's start,
     where a capital says nothing;
  5. capitalised words next to a name found above ("Wendell Achterberg": the rare surname
     carries the first name with it), unless they are common words;
  6. **names in lower case** ("ask chidinma", "my manager siobhan", "ngozi said", "me and
     ife"): a lower-case word after a verb of speech or contact, a role, a title or "me and",
     or before a verb of speech, that is on a name list (and rarer than
     :data:`LOWER_LISTED_ZIPF`) or rare as a word (:data:`LOWER_RARE_ZIPF` after a cue,
     :data:`LOWER_BEFORE_ZIPF` before a verb). Lower-case names that are ordinary words
     ("ask grace") are not found.

  Words of the project's own vocabulary are never names by rules 3-5: North West places and
  organisations (``survey_data/organisations.csv`` and ``evaluation/data/vocabulary.txt``), NHS
  services, systems and roles, the instrument's and the codebook's terms. Titles are kept
  ("Dr [name]") so the sentence still reads.

Identifying descriptions ("the only Black matron on Ward 7B", "the sole Filipino nurse in our
team") name no one but can point at one person. Patterns cannot judge them, so
:func:`identifying_passages` flags them for a person to read (:mod:`evaluation.review`); until
cleared, a flagged passage is replaced by ``[held for review]`` (pass the cleared fingerprints
as ``cleared``).

Every pattern runs in time linear in the text (no nested or overlapping repetition; the e-mail
finder starts only at an ``@`` and scans a bounded window), so a hostile 1 MB answer cannot hang
a run; ``tests/test_redact_property.py`` checks it with long adversarial inputs.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

# Priority order: an earlier kind wins where spans overlap. A passage held for review replaces
# everything inside it; a URL may hold an "@", an address a number.
KINDS = (
    "review", "url", "email", "nhs_number", "ni_number", "phone", "date_of_birth", "address",
    "staff_number", "postcode", "handle", "ward", "name",
)  # fmt: skip
PLACEHOLDERS = {
    "review": "[held for review]",
    "url": "[url]",
    "email": "[email]",
    "nhs_number": "[NHS number]",
    "ni_number": "[NI number]",
    "phone": "[phone]",
    "date_of_birth": "[date of birth]",
    "address": "[address]",
    "staff_number": "[staff number]",
    "postcode": "[postcode]",
    "handle": "[handle]",
    "ward": "[ward]",
    "name": "[name]",
}
RARE_ZIPF = 3.0
"""A capitalised word inside a sentence whose Zipf frequency (log10 of uses per billion words,
wordfreq's English list) is below this is taken for a name: "Achterberg" 1.2, "Okonkwo" 1.9,
"Tameside" 2.1 (a place: in the vocabulary); ordinary words are above it ("matron" 3.0,
"pharmacy" 3.9)."""
RARE_ZIPF_INITIAL = 3.0
"""The same at a sentence's start, where every word is capitalised. Measured (benchmark): 2.0
missed surnames that start a sentence ("Wozniak" 2.6, "Fairweather" 2.4); 3.0 costs 0.35 more
redactions per 1,000 words of clean patient feedback (1.35 -> 1.70), mostly misspellings."""
COMMON_ZIPF = 5.25
"""A capitalised word next to a name is taken as part of it ("Wendell Achterberg") only if it is
rarer than this ("Dr Grace Brown": brown 4.9), so "Very Good Achterberg" keeps "Very Good"."""

INITIAL_JOIN_ZIPF = 4.5
"""A sentence's first word joins the name after it only if rarer than this: "Wendell
Achterberg said" (3.2) is one name, "Ring Achterberg" (4.8) is an instruction and a name."""

# An address ends before trailing punctuation ("see www.nhs.uk." keeps its full stop).
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)
# Not glued to letters either side: "b47d898e-8053-5593-aa38-1555664296bd" (a GUID in a QDPX)
# holds a valid check digit run and is no NHS number.
_NHS = re.compile(r"(?<![\w+£$€.])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\w|[.,]\d)")
_NI = re.compile(
    r"(?<![\w])[A-Z]{2}"
    r"[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D](?![\w])",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+£$€])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(0|0)(?:[ -]?\)?[ -]?\d){9,10}(?![\w])"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}{_ORD}(?:[ \t]{{1,3}}of)?[ \t]{{1,3}}{_MONTH}\.?,?[ \t]{{1,3}}\d{{4}}"
    rf"|{_MONTH}\.?[ \t]{{1,3}}\d{{1,2}}{_ORD},?[ \t]{{1,3}}\d{{4}}"
    r"|(?:in[ \t]{1,3})?(?:19|20)\d{2})"
)
_DOB = re.compile(
    r"\b(?:born(?:[ \t]{1,3}on)?|d\.?o\.?b\.?|date[ \t]{1,3}of[ \t]{1,3}birth"
    r"(?:[ \t]{1,3}(?:is|was))?)[ \t]{0,3}[:=-]?[ \t]{0,3}"
    rf"(?P<date>{_DATE})(?![\w/.-]\d)",
    re.IGNORECASE,
)
_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Grove|Close|Drive|Way|Crescent|Cres|Court|Ct"
    r"|Place|Pl|Terrace|Gardens|Gdns|Square|Sq|Walk|Mews|Row|View|Rise|Hill|Park|Parade|Green"
    r"|Brow|Fold|Meadows?|Croft|Vale|Boulevard|Parkway|Avenue)"
)
_ADDRESS = re.compile(
    r"(?<![\w£$€.,/:-])(?:(?:Flat|Apartment|Apt)[ \t]{1,3}\d{1,4}[A-Za-z]?,?[ \t]{1,3})?"
    r"\d{1,4}[A-Za-z]?,?[ \t]{1,3}(?:[A-Z][a-z]+['’]?s?[ \t]{1,3}){1,3}"
    rf"{_STREET}\b\.?(?:,[ \t]{{1,3}}[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)?"
)
_STAFF_LABEL = re.compile(
    r"\b(?:staff|payroll|employee|assignment|ESR|personnel)[ \t]{0,3}"
    r"(?:number|no\.?|num\.?|id|ref(?:erence)?|#)?[ \t]{0,3}(?:is|:|#|-)?[ \t]{0,3}"
    r"(?P<number>[A-Z]{0,2}\d{4,12})\b",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\w£$€.,])\d(?: ?\d){5,}(?![\w]|[.,]\d)")
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?(?P<inward>\d[A-Z]{2})\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.\]])@[A-Za-z0-9_]{2,30}(?![\w@])")
_WARD = re.compile(
    r"\b(?i:ward|bay|bed|room|side[ \t]room|cubicle|pod)[ \t]{1,3}"
    r"(?:\d{1,3}[A-Za-z]?|[A-Z]\d{1,2}|(?!I\b)[A-Z])(?![\w%])"
)
# Identifying descriptions: "the only / sole / one of two ..." in one sentence with a place, a
# team or a role. Flagged for a person's reading, not redacted (see identifying_passages).
_UNIQUE = re.compile(
    r"(?i:\b(?:the|i'm[ \t]the|i[ \t]am[ \t]the|as[ \t]the|being[ \t]the|was[ \t]the)"
    r"[ \t]{1,3}(?:only|sole|single|first|one[ \t]and[ \t]only)"
    r"|\bone[ \t]of[ \t](?:only[ \t])?(?:two|three|2|3|the[ \t]few))\b"
)
_UNIQUE_WHERE = re.compile(
    r"(?i:\b(?:on|in|at|of|from|within|across)[ \t]{1,3}(?:the[ \t]|our[ \t]|my[ \t]|this[ \t])?"
    r"(?:ward|team|department|dept|unit|bay|theatre|practice|service|site|floor|shift|"
    r"directorate|hospital|trust|board|division|office|clinic|station|base|rota|staff|band))"
    r"|\b(?:Ward|Bay|Unit|Team|Band)\b|\b(?:on|in|at|from)[ \t]{1,3}[A-Z][a-z]+"
)
_UNIQUE_WHO = re.compile(  # a person described: identity, role or grade after "the only"
    r"(?i:\b(?:black|asian|white|brown|mixed|muslim|hindu|sikh|jewish|christian|filipin[oa]|"
    r"nigerian|ghanaian|indian|pakistani|bangladeshi|african|caribbean|chinese|polish|"
    r"international|overseas|gay|lesbian|trans|disabled|deaf|blind|hijab|turban|male|female|"
    r"man|woman|person|one|member|nurse|matron|sister|charge|doctor|consultant|registrar|"
    r"midwife|porter|manager|lead|therapist|pharmacist|paramedic|hca|assistant|cleaner|"
    r"domestic|receptionist|administrator|band|staff|colleague|surgeon|anaesthetist|physio|"
    r"radiographer|technician|healthcare|student|apprentice|medic|gp)s?\b)"
)
_SENTENCE_END = re.compile(r"[.!?\n]")

# Names: a capitalised word (O'Brien, McDonald, Okonkwo-Baptiste); not one inside another word,
# a handle, or a contraction ("Don't" is not Don).
_CAP = r"(?:[A-Z][a-z]?['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?"
_CAPWORD = re.compile(
    rf"(?<![\w'’@#-]){_CAP}(?:-{_CAP}){{0,3}}(?![\w@])(?!['’](?:t|ll|re|ve|d|m)\b)"
)
_RUN_GAP = re.compile(r"[ \t]{1,2}")
_AND_GAP = re.compile(
    r"(?:[ \t]{0,2}(?:,|&|/)[ \t]{0,2}|[ \t]{1,2}(?:and|or)[ \t]{1,2})(?:and[ \t])?"
)
_TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse|Matron)\.?[ \t]{1,3}$"
)
_VERB_CUES = (  # verbs of speech and contact
    r"ask|asked|asking|tell|told|telling|spoke[ \t]to|speak[ \t]to|speaking[ \t]to|"
    r"talk(?:ed|ing)?[ \t]to|report(?:ed|ing)?(?:[ \t](?:it|this|that|him|her|them|everything))?"
    r"[ \t]to|escalated(?:[ \t](?:it|this|that))?[ \t]to|complained[ \t]to|went[ \t]to[ \t]see|"
    r"e-?mailed|messaged|texted|rang|phoned|contacted|contact|thanks[ \t]to|thank|cc'?d?|via|"
    r"supported[ \t]by|helped[ \t]by|managed[ \t]by|replaced[ \t]by|according[ \t]to"
)
_CUE_BEFORE = re.compile(
    r"\b(?i:(?:my|our|the|a|line|ward|deputy)[ \t]{1,3}(?:manager|colleague|supervisor|boss|"
    r"mentor|matron|line[ \t]manager|lead|educator)|colleague|called|named|my[ \t]name[ \t]is|"
    rf"{_VERB_CUES})"
    r"[ \t]{0,2},?[ \t]{1,3}$"
)
# Names written in lower case ("ask chidinma", "my manager siobhan", "ngozi said"): informal
# answers drop capitals, so a capital cannot mark a name. A lower-case word is taken only in a
# context that introduces a person (after a verb of speech or contact, a role, a title or "me
# and"; or before a verb of speech), and only if it looks like a name there: on a name list and
# not among the commonest words, or rare as a word (see LOWER_RARE_ZIPF).
_LOWER_WORD = r"(?P<name>[a-z][a-z'’]{2,}(?:-[a-z]{2,})?)(?![\w@])(?!['’](?:t|ll|re|ve|d|m|s)\b)"
_ROLE_CUES = (  # a role that introduces its holder's name: "my manager siobhan"
    r"(?:my|our|the|a|line|ward|deputy|team)[ \t]{1,3}(?:manager|colleague|supervisor|boss|"
    r"mentor|matron|line[ \t]manager|ward[ \t]manager|lead|educator|sister|charge[ \t]nurse|"
    r"friend|consultant|registrar|director|head)|colleague|called|named|my[ \t]name[ \t]is|"
    r"dr|mr|mrs|ms|mx|prof|me[ \t](?:and|&)|(?:and|&)[ \t]me[ \t]and"  # not "miss": a verb
)
_LOWER_AFTER_CUE = re.compile(
    rf"(?<![\w'’-])(?i:{_VERB_CUES}|{_ROLE_CUES})\.?[ \t]{{1,3}},?[ \t]{{0,2}}{_LOWER_WORD}"
)
_LOWER_BEFORE_SPEECH = re.compile(  # "ngozi said", "olu told me"
    rf"(?<![\w'’@#-]){_LOWER_WORD}[ \t]{{1,3}}"
    r"(?:said|says|told|tells|asked|asks|shouted|replied|laughed|yelled|screamed|insisted|"
    r"refused|complained|admitted|suggested|warned)\b"
)
LOWER_RARE_ZIPF = 3.3
"""A lower-case word after a cue is a name below this Zipf frequency, or on a name list and below
:data:`LOWER_LISTED_ZIPF`. Measured (benchmark): 2.5 missed "esi" (2.5), "marisol" (2.5),
"amara" (2.6), "nia" (3.1), "wendell" (3.2); see benchmarks/redaction_results.json for the cost
on clean text."""
LOWER_LISTED_ZIPF = 5.0
"""A listed name as common as an ordinary word is not taken in lower case (the lists leave out
names that are words, such as Will or Grace; this guards the rest: "ben" 4.7 is, "dan" not)."""
LOWER_BEFORE_ZIPF = 3.0
"""Before a verb of speech, where "she said", "staff said" and "everyone said" are common, an
unlisted word must be rarer than after a cue."""


# Endings of common nouns, adjectives and verb forms, rarely of a name: an unlisted lower-case
# word with one is a department, a task or a misspelling ("emailed phlebotomy", "i miss
# handovers"), not a person.
_WORD_ENDING = re.compile(
    r"(?:ing|ings|tions?|sions?|ments?|ness|ology|ologists?|omy|graphy|ics|ery|ists|ers|ies|"
    r"ity|ance|ence|able|ible|ful|less|ous|ised|ized)$"
)


def _lower_name(word: str, rare: float) -> bool:
    """Whether a lower-case word in a name's context is a name (see _LOWER_AFTER_CUE)."""
    parts = word.split("-")
    if _is_vocabulary(word.capitalize()) or any(p.capitalize() in _NOT_NAMES for p in parts):
        return False
    rarity = min(zipf(p) for p in parts)
    listed = _is_listed("-".join(p.capitalize() for p in parts))
    if listed:
        return rarity < LOWER_LISTED_ZIPF
    return rarity < rare and not _WORD_ENDING.search(word)


_SLUR_BEFORE = re.compile(  # "I was called Paki": a slur reported, not a name
    r"(?i:\b(?:was|were|been|being|be|is|are|am|me|him|her|them|us|you|get|got|gets|getting|"
    r"i'm|he's|she's|they're|we're|you're|i’m|he’s|she’s|they’re|we’re|you’re)"
    r"[ \t]{1,3}(?:called|named)[ \t]{1,3})$"
)
_INITIAL_BEFORE = re.compile(r"(?:^|[.!?:;\n\r•*\"“”(\[–—-])[ \t\"'“‘(\[]{0,4}$")
LOOKBEHIND = 48  # characters of context read before a word (bounded: keeps the scan linear)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are never names (besides the vocabulary): function words that start
# sentences, the framework's and the NHS's own words.
_NOT_NAMES = _word_set(
    """
    A An And But I If In It My No Not Of On Or Our So The Then They This To We When Who Yes You
    Its At As By For From With Into Onto Upon About After Before During Since Until Unless While
    He She Her His Him Hers Their Them There These Those That What Which Where Why How Whose
    Me Us Your Yours Ours Mine Myself Everyone Everybody Someone Somebody Anyone Nobody None
    All Any Some Many Much Most More Less Few Each Every Both Either Neither Other Others Such
    Very Really Just Only Even Still Also Too Again Never Always Often Sometimes Here Now
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


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text and how many of each kind were replaced (a ``Counter`` over :data:`KINDS`)."""

    text: str
    counts: Counter


def _data_lines(name: str) -> list[str]:
    text = resources.files("evaluation").joinpath(f"data/{name}").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped first-name list (package data), for finding names in free text."""
    return frozenset(_data_lines("first_names.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """The shipped surname list (package data): surnames that are not ordinary words."""
    return frozenset(_data_lines("surnames.txt"))


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Capitalised words that are not names, case-folded: the shipped vocabulary, and the words
    of the organisation list, the instrument and the codebook (``survey_data/``), when present."""
    words = {w for line in _data_lines("vocabulary.txt") for w in line.split()}
    from evaluation.paths import SURVEY_DATA

    if SURVEY_DATA.is_dir():
        for name in ("organisations.csv", "instrument.yaml", "codebook.yaml"):
            path = SURVEY_DATA / name
            if path.exists():
                words |= set(re.findall(r"[A-Z][A-Za-z]+", path.read_text("utf-8")))
    return frozenset(w.casefold() for w in words)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's English word frequencies (proportions), loaded once; empty if not installed."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return {}
    return wordfreq.get_frequency_dict("en")


def zipf(word: str) -> float:
    """Zipf frequency of a word in English (0 for a word wordfreq has never seen).

    >>> zipf("hospital") > 4.5 > zipf("Achterberg")
    True
    """
    frequency = _frequencies().get(word.casefold().replace("’", "'"), 0.0)
    return math.log10(frequency * 1e9) if frequency > 0 else 0.0


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


_LOCAL_CHARS = frozenset("._%+'-")
_DOMAIN_CHARS = frozenset(".-_")


def _email_spans(text: str) -> Iterator[tuple[int, int]]:
    """E-mail addresses, found from each ``@`` outwards within bounded windows.

    A regex such as ``[\\w.]+@`` retries from every start position of a long run of word
    characters (quadratic: 55 s for a 128 kB answer); scanning at most 64 characters left and
    255 right of each ``@`` is linear in the text.
    """
    at = text.find("@")
    while at != -1:
        left = at
        while (
            left > 0
            and at - left < 64
            and (text[left - 1].isalnum() or text[left - 1] in _LOCAL_CHARS)
        ):
            left -= 1
        while left < at and not text[left].isalnum():
            left += 1
        right = at + 1
        while (
            right < len(text)
            and right - at < 255
            and (text[right].isalnum() or text[right] in _DOMAIN_CHARS)
        ):
            right += 1
        while right > at + 1 and not text[right - 1].isalnum():
            right -= 1
        domain = text[at + 1 : right]
        labels = domain.split(".")
        if (
            left < at
            and len(labels) >= 2
            and all(labels)
            and labels[-1].isalpha()
            and len(labels[-1]) >= 2
        ):
            yield left, right
        at = text.find("@", max(at + 1, right if left < at else at + 1))


def _given_pattern(names: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """One pattern for the given names (any case) and one for their parts (as written)."""
    whole = sorted({str(n).strip() for n in names if str(n).strip()}, key=len, reverse=True)
    parts = sorted(
        {
            p
            for n in whole
            for p in re.split(r"[\s,;()\[\]/]+", n)
            if len(p) > 1 and not p.isupper()
        },
        key=len,
        reverse=True,
    )
    if not whole:
        return None, None
    alternation = "|".join(re.escape(n) for n in whole)
    part_alternation = "|".join(re.escape(p) for p in parts)
    return (
        re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE),
        re.compile(rf"(?<!\w)(?:{part_alternation})(?!\w)") if parts else None,
    )


@lru_cache(maxsize=64)
def _given_patterns(names: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    return _given_pattern(names)


def _is_vocabulary(word: str) -> bool:
    vocab = vocabulary()
    parts = word.split("-")
    return all(p in _NOT_NAMES or p.casefold() in vocab for p in parts)


def _is_listed(word: str) -> bool:
    known, family = first_names(), surnames()
    return any(p in known or p in family for p in word.split("-")) or word in family


def _rarity(word: str) -> float:
    """The lowest Zipf frequency of a word's hyphenated parts (a name part is the rare one)."""
    return min(zipf(p) for p in word.split("-"))


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of people's names (see the module docstring for the rules)."""
    spans: list[tuple[int, int]] = []
    whole, parts = _given_patterns(tuple(names))
    if whole is not None:
        spans += [m.span() for m in whole.finditer(text)]
    if parts is not None:
        spans += [m.span() for m in parts.finditer(text)]
    for match in _LOWER_AFTER_CUE.finditer(text):
        if _lower_name(match.group("name"), LOWER_RARE_ZIPF):
            spans.append(match.span("name"))
    for match in _LOWER_BEFORE_SPEECH.finditer(text):
        if _lower_name(match.group("name"), LOWER_BEFORE_ZIPF):
            spans.append(match.span("name"))
    words = list(_CAPWORD.finditer(text))
    # 2: a name on its own; 1: a name only next to one; 0: not a name; -1: never (vocabulary)
    flags: list[int] = []
    rarities: list[float] = []
    initials: list[bool] = []
    last_name_end = -1
    for match in words:
        word = match.group()
        before = text[max(0, match.start() - LOOKBEHIND) : match.start()]
        initial = bool(_INITIAL_BEFORE.search(before))
        initials.append(initial)
        if _is_vocabulary(word) or _SLUR_BEFORE.search(before):
            flags.append(-1)
            rarities.append(99.0)
            continue
        cued = bool(
            _TITLE_BEFORE.search(before)
            or _CUE_BEFORE.search(before)
            or (last_name_end >= 0 and _AND_GAP.fullmatch(text, last_name_end, match.start()))
        )
        rarity = _rarity(word)
        rarities.append(rarity)
        if cued or _is_listed(word) or rarity < (RARE_ZIPF_INITIAL if initial else RARE_ZIPF):
            flags.append(2)
            last_name_end = match.end()
        else:
            flags.append(1 if rarity < COMMON_ZIPF else 0)
    adjacent = [False] + [
        bool(_RUN_GAP.fullmatch(text, words[k - 1].end(), words[k].start()))
        for k in range(1, len(words))
    ]
    chosen = [f == 2 for f in flags]
    for k in range(len(words)):  # a weak word next to a name joins it (both directions)
        if flags[k] == 2:
            j = k + 1
            while j < len(words) and adjacent[j] and flags[j] == 1 and j - k <= 2:
                chosen[j] = True
                j += 1
            j = k - 1
            while (
                j >= 0
                and adjacent[j + 1]
                and flags[j] == 1
                and k - j <= 2
                and not (initials[j] and rarities[j] >= INITIAL_JOIN_ZIPF)
            ):
                chosen[j] = True
                j -= 1
    k = 0
    while k < len(words):
        if not chosen[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(words) and chosen[j + 1] and adjacent[j + 1]:
            j += 1
        spans.append((words[k].start(), words[j].end()))
        k = j + 1
    return spans


def fingerprint(passage: str) -> str:
    """A stable key for a flagged passage (its words, case-folded, hashed): clearing a passage in
    the review queue clears it wherever the same words recur, and nowhere else."""
    words = " ".join(re.findall(r"\w+", passage.casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def identifying_passages(text: str) -> list[tuple[int, int, str]]:
    """Sentences that may identify someone by description: ``(start, end, fingerprint)``.

    "The only Black matron on Ward 7B", "I'm the sole Filipino nurse in our team", "one of two
    Muslim porters at the base": a uniqueness word and a place, team, unit or role in the same
    sentence. Names and numbers are the redactor's; these need a person's judgement.
    """
    found = []
    last_end = -1
    for match in _UNIQUE.finditer(text):
        if match.start() < last_end:
            continue
        start = match.start()
        while (
            start > 0 and not _SENTENCE_END.match(text, start - 1) and match.start() - start < 300
        ):
            start -= 1
        end_match = _SENTENCE_END.search(text, match.end(), min(len(text), match.end() + 300))
        end = end_match.end() if end_match else min(len(text), match.end() + 300)
        while start < end and text[start].isspace():
            start += 1
        sentence = text[start:end]
        after = match.end() - start
        who = [w.strip(",.;:!?()\"'") for w in sentence[after : after + 80].split()[:3]]
        if any(_UNIQUE_WHO.fullmatch(w) for w in who) and _UNIQUE_WHERE.search(sentence, after):
            found.append((start, end, fingerprint(sentence)))
            last_end = end
    return found


def _spans(
    text: str, names: Iterable[str], cleared: frozenset[str] | None, with_names: bool = True
) -> list[tuple[int, int, str]]:
    """Every candidate span with its kind (overlaps resolved by :func:`_choose`); names only
    ``with_names`` (the audit's pattern check leaves them out, see :func:`pattern_spans`)."""
    found: list[tuple[int, int, str]] = []
    if cleared is not None:
        found += [
            (s, e, "review") for s, e, key in identifying_passages(text) if key not in cleared
        ]
    found += [(*m.span(), "url") for m in _URL.finditer(text)]
    found += [(*span, "email") for span in _email_spans(text)]
    found += [(*m.span(), "nhs_number") for m in _NHS.finditer(text) if nhs_number_is_valid(m[0])]
    found += [(*m.span(), "ni_number") for m in _NI.finditer(text)]
    found += [(*m.span(), "phone") for m in _PHONE.finditer(text)]
    found += [(*m.span("date"), "date_of_birth") for m in _DOB.finditer(text)]
    found += [(*m.span(), "address") for m in _ADDRESS.finditer(text)]
    found += [(*m.span("number"), "staff_number") for m in _STAFF_LABEL.finditer(text)]
    found += [(*m.span(), "staff_number") for m in _DIGIT_RUN.finditer(text)]
    found += [
        (*m.span(), "postcode")
        for m in _POSTCODE.finditer(text)
        if m[0].isupper() or not _ORDINAL.fullmatch(m["inward"])
    ]
    found += [(*m.span(), "handle") for m in _HANDLE.finditer(text)]
    found += [(*m.span(), "ward") for m in _WARD.finditer(text)]
    if with_names:
        found += [(*span, "name") for span in _name_spans(text, names)]
    return found


_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}


def _choose(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: by kind priority, then the longer one (n log n: a sorted list of
    the chosen spans is searched, not scanned, for each candidate)."""
    starts: list[int] = []
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda s: (_PRIORITY[s[2]], s[0], -(s[1] - s[0]))):
        if start >= end:
            continue
        i = bisect.bisect_right(starts, start)
        if i > 0 and chosen[i - 1][1] > start:
            continue  # overlaps the chosen span that starts before it
        if i < len(chosen) and chosen[i][0] < end:
            continue  # overlaps the chosen span that starts after it
        starts.insert(i, start)
        chosen.insert(i, (start, end, kind))
    return chosen


def redaction_spans(
    text: str, names: Iterable[str] = (), cleared: Iterable[str] | None = ()
) -> list[tuple[int, int, str]]:
    """The ``(start, end, kind)`` spans :func:`redact_text` replaces, in text order.

    ``cleared``: fingerprints of identifying passages a person has cleared (see
    :func:`identifying_passages`); any other such passage is held (kind ``review``). ``None``
    skips the check (the audit's use: it looks for personal data, not descriptions).
    """
    return _choose(_spans(text, tuple(names), None if cleared is None else frozenset(cleared)))


def pattern_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans of :func:`redaction_spans` other than names, found without looking for names.

    Names have the lowest priority, so leaving them out changes no other span; this is what the
    report audit needs (it does not check names), at a fraction of the cost on large exports.
    """
    return _choose(_spans(text, (), None, with_names=False))


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, kind in spans:
        pieces += [text[last:start], PLACEHOLDERS[kind]]
        last = end
    return "".join([*pieces, text[last:]])


def redact_text(
    text: str, names: Iterable[str] = (), cleared: Iterable[str] | None = ()
) -> RedactionResult:
    """Replace personal data in ``text`` by typed placeholders; count each kind replaced.

    >>> redact_text("Ring Sarah on 07700 900123 or sarah.j@nhs.net").text
    'Ring [name] on [phone] or [email]'
    """
    spans = redaction_spans(text, names, cleared)
    return RedactionResult(_apply(text, spans), Counter(kind for _, _, kind in spans))


def _counts_frame(rows: list[dict], by: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[by, "type", "count"])
    return frame.astype({"count": "int64"})


def redact_frame(
    frame: pd.DataFrame,
    columns: Iterable[str],
    names: Iterable[str] = (),
    cleared: Iterable[str] | None = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Redact free-text ``columns`` of a frame: ``(redacted copy, counts)``.

    ``counts`` is tidy: one row per column and kind (``column, type, count``, zeros included),
    for the manifest. Missing values stay missing.
    """
    names = tuple(names)
    cleared = None if cleared is None else frozenset(cleared)
    out = frame.copy()
    rows = []
    for column in columns:
        total: Counter = Counter()

        def scrub(value: object, total: Counter = total) -> object:
            if not isinstance(value, str):
                return value
            result = redact_text(value, names, cleared)
            total.update(result.counts)
            return result.text

        out[column] = frame[column].map(scrub).astype(frame[column].dtype)
        rows += [{"column": column, "type": kind, "count": total[kind]} for kind in KINDS]
    return out, _counts_frame(rows, "column")


def redact_turns(
    turns: pd.DataFrame,
    sources: Mapping[str, str],
    names: Iterable[str] = (),
    cleared: Iterable[str] | None = (),
) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """Redact transcripts and keep the turns' offsets true: ``(turns, sources, counts)``.

    ``turns`` follows the turns-frame contract (``source_id``, ``start``, ``end``, ``text`` with
    ``sources[source_id][start:end] == text``). Each source text is redacted once and every
    turn's ``start``/``end`` moved to the redacted text, so the contract still holds for the
    redacted sources; a span that crossed a turn boundary would widen that turn to the whole
    placeholder. ``counts`` has one row per source and kind (``source_id, type, count``).
    """
    names = tuple(names)
    cleared = None if cleared is None else frozenset(cleared)
    redacted: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    rows = []
    for source_id, text in sources.items():
        spans[source_id] = redaction_spans(text, names, cleared)
        redacted[source_id] = _apply(text, spans[source_id])
        counts = Counter(kind for _, _, kind in spans[source_id])
        rows += [{"source_id": source_id, "type": kind, "count": counts[kind]} for kind in KINDS]
    replacements = {
        s: [(a, b, PLACEHOLDERS[kind]) for a, b, kind in found] for s, found in spans.items()
    }
    out = move_offsets(turns, replacements)
    out["text"] = [
        redacted[s][a:b] for s, a, b in zip(out["source_id"], out["start"], out["end"], strict=True)
    ]
    return out, redacted, _counts_frame(rows, "source_id")


def move_offsets(
    frame: pd.DataFrame, replacements: Mapping[str, list[tuple[int, int, str]]]
) -> pd.DataFrame:
    """``frame``'s ``start``/``end`` moved through text replacements, per ``source_id``.

    ``replacements[source_id]`` lists ``(start, end, new_text)`` in text order, not overlapping.
    A position inside a replaced span snaps to the new text's start (a start) or end (an end), so
    a passage covers the whole replacement. Sources without replacements keep their offsets.
    """
    out = frame.copy()
    tables = {s: _shift_table(r) for s, r in replacements.items()}
    out["start"] = [
        _moved(int(p), tables.get(s), is_end=False)
        for s, p in zip(frame["source_id"], frame["start"], strict=True)
    ]
    out["end"] = [
        _moved(int(p), tables.get(s), is_end=True)
        for s, p in zip(frame["source_id"], frame["end"], strict=True)
    ]
    return out.astype({"start": "int64", "end": "int64"})


def _shift_table(
    replacements: list[tuple[int, int, str]],
) -> tuple[list[int], list[tuple[int, int, int, int]]]:
    """Span starts (for bisection) and, per span, ``(start, end, shift before it, new length)``."""
    starts, rows, shift = [], [], 0
    for start, end, new in replacements:
        starts.append(start)
        rows.append((start, end, shift, len(new)))
        shift += len(new) - (end - start)
    return starts, rows


def _moved(position: int, table, *, is_end: bool) -> int:
    """Where an offset of the original text lands in the replaced text (see move_offsets)."""
    if not table or not table[0]:
        return position
    starts, rows = table
    i = bisect.bisect_left(starts, position) - 1  # the last span starting before position
    if i < 0:
        return position
    start, end, shift, length = rows[i]
    if position < end:
        return start + shift + (length if is_end else 0)
    return position + shift + length - (end - start)
