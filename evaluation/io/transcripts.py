"""Focus-group transcripts (plain text, WebVTT, .docx) read into the turns frame, with offsets.

The turns frame (CONTRIBUTING.md) has one row per turn: ``source_id, turn, speaker, timestamp_s,
start, end, text``, where ``source_text[start:end] == text``. Offsets are what lets a coded
passage be found again in any tool (REFI-QDA exchange, the evaluator's own reading), so the
*source text* is defined once, by :func:`read_source_text`: the file decoded as UTF-8 with no
newline translation (CRLF stays two characters) and a leading byte-order mark dropped; for
.docx, the paragraphs' text joined by ``"\\n"``.

Formats:

- **bracket** (our own, and the synthetic data's): ``[hh:mm:ss] SPEAKER: text``; lines that do not
  start with a timestamp continue the previous turn (a line such as ``[laughs] yes`` is a
  continuation, a line such as ``[12:61:00] P01: ...`` is an error);
- **WebVTT** from Teams (``<v Speaker Name>text</v>``) or Zoom (``Speaker Name: text``); one turn
  per cue (merging cues would make a turn's text span timing lines); a cue without a speaker
  continues the previous cue's speaker;
- **.docx**: paragraphs in the bracket format, or the Teams style of a ``Speaker Name   0:00:12``
  paragraph followed by the paragraphs spoken (title lines before the first speaker are ignored).

Malformed input raises :class:`evaluation.errors.InputError` naming the file, the line and the
offending content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.errors import InputError, Problem
from evaluation.limits import check_file_size, check_zip

TURN_COLUMNS = ["source_id", "turn", "speaker", "timestamp_s", "start", "end", "text"]
PARTICIPANT_COLUMNS = ["speaker_id", "role_level", "org_type", "ethnicity_group"]
TRANSCRIPT_SUFFIXES = (".txt", ".vtt", ".docx")

_NEWLINE = re.compile(r"\r\n|\r|\n")
# A line that starts with something time-like in brackets claims to be a turn header.
_BRACKET_CLAIM = re.compile(r"[ \t]*\[(?P<ts>\d[\d:.]*)\][ \t]*(?P<rest>.*)")
_SPEAKER = re.compile(r"(?P<speaker>[^\W\d_][\w .'’-]{0,60}?)[ \t]*:(?P<gap>[ \t]*)")
_CLOCK = re.compile(r"(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:\.(?P<frac>\d{1,3}))?")
_VTT_TIME = r"(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}"
_VTT_TIMING = re.compile(rf"(?P<start>{_VTT_TIME})[ \t]+-->[ \t]+(?P<end>{_VTT_TIME})(?:[ \t].*)?")
_VTT_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+(?P<speaker>[^>]+)>")
_VTT_ZOOM = re.compile(r"(?P<speaker>[^\W\d_][^:<>\r\n]{0,60}?):[ \t]+")
# A name of one to five words (letters, apostrophes, hyphens, dots, commas), then a clock time.
_TEAMS_HEADER = re.compile(
    r"(?P<speaker>[^\W\d_][\w'’.,-]*(?: [^\W\d_][\w'’.,-]*){0,4})[ \t]+"
    r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*"
)


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, as an editor shows it
    start: int  # offset of the line's first character
    end: int  # offset just past its last character (before the line break)
    content: str


def _lines(text: str) -> Iterator[_Line]:
    """The lines of ``text`` split on CRLF, CR or LF only, with their offsets."""
    start = 0
    number = 1
    for m in _NEWLINE.finditer(text):
        yield _Line(number, start, m.start(), text[start : m.start()])
        start = m.end()
        number += 1
    yield _Line(number, start, len(text), text[start:])


def _seconds(clock: str) -> float | None:
    """``hh:mm:ss(.fff)`` or ``mm:ss`` as seconds; ``None`` if not a valid clock time."""
    m = _CLOCK.fullmatch(clock)
    if m is None or int(m["s"]) >= 60 or (m["h"] is not None and int(m["m"]) >= 60):
        return None
    seconds = int(m["h"] or 0) * 3600 + int(m["m"]) * 60 + int(m["s"])
    return seconds + (int(m["frac"]) / 10 ** len(m["frac"]) if m["frac"] else 0.0)


def _problem(file: str, line: _Line, message: str) -> InputError:
    return InputError(Problem(file, line.number, None, line.content[:120], message))


def _frame(source_id: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TURN_COLUMNS[1:])
    frame.insert(0, "source_id", source_id)
    frame["turn"] = range(1, len(frame) + 1)
    return frame.astype(
        {
            "source_id": "string",
            "turn": "int64",
            "speaker": "string",
            "timestamp_s": "float64",
            "start": "int64",
            "end": "int64",
            "text": "string",
        }
    )


class _TurnBuilder:
    """Collects turns whose text runs from a start offset to the end of the last non-blank line."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.rows: list[dict] = []
        self.open: dict | None = None
        self.open_line: _Line | None = None

    def begin(self, speaker: str, seconds: float, start: int, end: int, line: _Line) -> None:
        self.close()
        self.open = {"speaker": speaker, "timestamp_s": seconds, "start": start, "end": end}
        self.open_line = line
        if start == end:  # nothing said on the header line: text starts on the next line
            self.open["start"] = None

    def extend(self, line: _Line) -> None:
        """A continuation line: it belongs to the open turn if it has any text."""
        if not line.content.strip():
            return
        if self.open is None:
            raise _problem(self.file, line, "text before the first turn (expected a turn header)")
        if self.open["start"] is None:
            self.open["start"] = line.start + len(line.content) - len(line.content.lstrip())
        self.open["end"] = line.end

    def close(self) -> None:
        if self.open is None:
            return
        start, end = self.open["start"], self.open["end"]
        if start is None:
            assert self.open_line is not None
            raise _problem(self.file, self.open_line, "turn has no text")
        body = self.text[start:end]
        self.open["end"] = start + len(body.rstrip())
        self.open["text"] = self.text[start : self.open["end"]]
        self.rows.append(self.open)
        self.open = None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed so ``text[start:end]`` has no surrounding whitespace."""
    body = text[start:end]
    lead = len(body) - len(body.lstrip())
    return start + lead, start + lead + len(body.strip())


def parse_bracket_transcript(text: str, source_id: str, file: str = "<text>") -> pd.DataFrame:
    """Parse ``[hh:mm:ss] SPEAKER: text`` turns; continuation lines join the previous turn."""
    builder = _TurnBuilder(text, file)
    for line in _lines(text):
        claim = _BRACKET_CLAIM.fullmatch(line.content)
        if claim is None:
            builder.extend(line)
            continue
        seconds = _seconds(claim["ts"])
        if seconds is None:
            raise _problem(file, line, f"invalid timestamp [{claim['ts']}] (expected [hh:mm:ss])")
        speaker = _SPEAKER.match(claim["rest"])
        if speaker is None:
            raise _problem(file, line, "expected '[hh:mm:ss] SPEAKER: text'")
        text_start = line.start + claim.start("rest") + speaker.end()
        start, end = _strip_span(text, text_start, line.end)
        builder.begin(speaker["speaker"].strip(), seconds, start, end, line)
    builder.close()
    if not builder.rows:
        raise InputError(Problem(file, None, None, None, "no turns found"))
    return _frame(source_id, builder.rows)


def _vtt_blocks(lines: list[_Line]) -> Iterator[list[_Line]]:
    block: list[_Line] = []
    for line in lines:
        if line.content.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def parse_webvtt(text: str, source_id: str, file: str = "<text>") -> pd.DataFrame:
    """Parse a WebVTT caption file (Teams voice tags or Zoom ``Name: text`` cues) into turns."""
    lines = list(_lines(text))
    if not lines[0].content.startswith("WEBVTT"):
        raise _problem(file, lines[0], "not a WebVTT file: the first line must start with WEBVTT")
    rows: list[dict] = []
    speaker: str | None = None
    blocks = list(_vtt_blocks(lines))
    for block in blocks[1:] if blocks and blocks[0][0] is lines[0] else blocks:
        if block[0].content.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, ln in enumerate(block[:2]) if "-->" in ln.content), None)
        if timing_at is None:
            raise _problem(file, block[0], "cue without a timing line 'start --> end'")
        timing = _VTT_TIMING.fullmatch(block[timing_at].content.strip())
        if timing is None:
            raise _problem(file, block[timing_at], "invalid cue timing (expected hh:mm:ss.mmm)")
        seconds = _seconds(timing["start"])
        if seconds is None or _seconds(timing["end"]) is None:
            raise _problem(file, block[timing_at], "invalid cue timestamp")
        payload = block[timing_at + 1 :]
        if not payload:
            continue
        start, end = _strip_span(text, payload[0].start, payload[-1].end)
        body = text[start:end]
        voice = _VTT_VOICE.match(body)
        zoom = None if voice else _VTT_ZOOM.match(body)
        if voice:
            speaker = voice["speaker"].strip()
            start += voice.end()
            if text[start:end].endswith("</v>"):
                end -= len("</v>")
        elif zoom:
            speaker = zoom["speaker"].strip()
            start += zoom.end()
        elif speaker is None:
            raise _problem(file, payload[0], "cue has no speaker (expected <v Name> or 'Name: ')")
        start, end = _strip_span(text, start, end)
        if start == end:
            continue
        rows.append(
            {
                "speaker": speaker,
                "timestamp_s": seconds,
                "start": start,
                "end": end,
                "text": text[start:end],
            }
        )
    if not rows:
        raise InputError(Problem(file, None, None, None, "no cues with text found"))
    return _frame(source_id, rows)


def parse_teams_paragraphs(text: str, source_id: str, file: str = "<text>") -> pd.DataFrame:
    """Parse Teams-style text: a ``Name   0:00:12`` line, then the lines that were spoken."""
    builder = _TurnBuilder(text, file)
    for line in _lines(text):
        header = _TEAMS_HEADER.fullmatch(line.content)
        seconds = _seconds(header["ts"]) if header else None
        if header and seconds is not None:
            builder.begin(header["speaker"].strip(), seconds, line.end, line.end, line)
        elif builder.open is not None or builder.rows:
            builder.extend(line)
        # lines before the first speaker are the export's title block: ignored
    builder.close()
    if not builder.rows:
        raise InputError(Problem(file, None, None, None, "no 'Speaker  0:00:12' turns found"))
    return _frame(source_id, builder.rows)


def read_source_text(path: str | Path) -> str:
    """The source text that turn offsets index (see the module docstring for the definition)."""
    path = Path(path)
    check_file_size(path, "TRANSCRIPT_BYTES", "the transcript")  # io.limits
    if path.suffix.lower() == ".docx":
        from docx import Document

        check_zip(path)
        try:
            document = Document(str(path))
        except Exception as err:  # python-docx raises several unrelated types for bad files
            raise InputError(Problem(str(path), None, None, None, f"not a .docx: {err}")) from None
        return "\n".join(p.text for p in document.paragraphs)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start : err.start + 8]
        raise InputError(
            Problem(str(path), line, None, bad, "not valid UTF-8: save the file as UTF-8")
        ) from None
    return text.removeprefix("\ufeff")


def parse_transcript(text: str, source_id: str, kind: str, file: str = "<text>") -> pd.DataFrame:
    """Parse ``text`` of a given ``kind`` (``"txt"``, ``"vtt"`` or ``"docx"``) into turns."""
    if kind == "vtt":
        return parse_webvtt(text, source_id, file)
    if kind == "txt":
        return parse_bracket_transcript(text, source_id, file)
    if kind == "docx":
        if any(_BRACKET_CLAIM.fullmatch(line.content) for line in _lines(text)):
            return parse_bracket_transcript(text, source_id, file)
        return parse_teams_paragraphs(text, source_id, file)
    raise ValueError(f"unknown transcript kind {kind!r}")


def read_transcript(path: str | Path) -> pd.DataFrame:
    """Read one transcript file into the turns frame; ``source_id`` is the file stem."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if f".{kind}" not in TRANSCRIPT_SUFFIXES:
        raise InputError(
            Problem(str(path), None, None, path.suffix, "not a transcript (.txt, .vtt, .docx)")
        )
    return parse_transcript(read_source_text(path), path.stem, kind, str(path))


def load_participants(path: str | Path) -> pd.DataFrame:
    """Read ``participants.csv``: one row per speaker id (per source, if it has ``source_id``)."""
    path = Path(path)
    check_file_size(path, "TABLE_BYTES", "the participants file")  # io.limits
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in PARTICIPANT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            Problem(str(path), 1, ", ".join(missing), None, "participants file lacks columns")
        )
    key = ["source_id", "speaker_id"] if "source_id" in frame.columns else ["speaker_id"]
    dupes = frame[frame.duplicated(key, keep="first")]
    if len(dupes):
        row = int(dupes.index[0]) + 2
        raise InputError(
            Problem(str(path), row, "speaker_id", dupes.iloc[0]["speaker_id"], "duplicate speaker")
        )
    return frame


def join_participants(
    turns: pd.DataFrame,
    participants: pd.DataFrame,
    facilitators: Sequence[str] = ("F",),
    file: str = "participants.csv",
) -> pd.DataFrame:
    """Add the participants' attributes to each turn; facilitators get missing attributes.

    A speaker who is neither a facilitator nor listed is an error: a turn that cannot be attributed
    would silently drop out of every by-attribute table.
    """
    by_source = "source_id" in participants.columns
    left = ["source_id", "speaker"] if by_source else ["speaker"]
    right = ["source_id", "speaker_id"] if by_source else ["speaker_id"]
    joined = turns.merge(
        participants,
        left_on=left,
        right_on=right,
        how="left",
        indicator=True,
    )
    unknown = joined[(joined["_merge"] == "left_only") & ~joined["speaker"].isin(facilitators)]
    if len(unknown):
        problems = [
            Problem(file, None, "speaker_id", speaker, f"speaker in {src} is not in participants")
            for (src, speaker), _ in unknown.groupby(["source_id", "speaker"], sort=True)
        ]
        raise InputError(problems)
    return joined.drop(columns=["_merge", "speaker_id"]).reset_index(drop=True)


def load_focus_groups(folder: str | Path, facilitators: Sequence[str] = ("F",)) -> pd.DataFrame:
    """All transcripts in ``folder`` (.txt, .vtt, .docx) as one turns frame, with participants.

    ``participants.csv`` in the same folder is joined when present.
    """
    folder = Path(folder)
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    if not paths:
        raise InputError(Problem(str(folder), None, None, None, "no transcripts in folder"))
    for table in sorted(folder.glob("*.csv")):  # participants, codings: checked before any read
        check_file_size(table, "TABLE_BYTES", "the table")
    turns = pd.concat([read_transcript(p) for p in paths], ignore_index=True)
    participants = folder / "participants.csv"
    if participants.exists():
        turns = join_participants(
            turns, load_participants(participants), facilitators, str(participants)
        )
    return turns


# --- Speakers pseudonymised at ingestion --------------------------------------------------------

PSEUDONYM = re.compile(r"P\d{2,}|F\d+")
"""A speaker label that is already a pseudonym (kept as it is): ``P01``, ``P12``, ``F1``."""
SPEAKER_MAP = "speaker_map.csv"
NAME_COLUMNS = ("name", "speaker_name", "full_name")


def is_facilitator(speaker: object) -> bool:
    """Whether a (pseudonymised) speaker is a facilitator: ``F``, ``F1``, ``F2``..."""
    return isinstance(speaker, str) and re.fullmatch(r"F\d*", speaker) is not None


def _key(name: object) -> str:
    return " ".join(str(name).split()).casefold()


@dataclass
class FocusGroupInput:
    """A wave's focus groups with every speaker replaced by a stable pseudonym.

    ``turns``: the turns frame, ``speaker`` a pseudonym (``P01``... per wave, facilitators ``F1``,
    ``F2``... in the config's order), participants' attributes joined. ``sources``: the source
    texts with each turn's speaker label (``<v Wendell Achterberg>``, ``Wendell Achterberg:``,
    ``Wendell Achterberg   0:00:12``) replaced by the pseudonym, offsets moved to match.
    ``speaker_map``: ``speaker`` (as recorded), ``pseudonym``, ``role``: private, written only to
    the wave's own folder. ``names``: the real names (and their parts), for redaction of the text.
    ``replacements``: per source, what was replaced, to move other offsets (human codings).
    """

    turns: pd.DataFrame
    sources: dict[str, str]
    speaker_map: pd.DataFrame
    names: tuple[str, ...]
    replacements: dict[str, list[tuple[int, int, str]]]

    def pseudonym(self, speaker: object) -> object:
        """The pseudonym of a speaker as recorded (or as already pseudonymised)."""
        lookup = dict(
            zip(self.speaker_map["speaker"].map(_key), self.speaker_map["pseudonym"], strict=True)
        )
        if not isinstance(speaker, str):
            return speaker
        return lookup.get(_key(speaker), speaker)

    def move(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Coded segments of the raw transcripts moved onto the pseudonymised sources."""
        from evaluation.redact import move_offsets

        moved = move_offsets(segments, self.replacements)
        if "speaker_or_respondent" in moved.columns:
            moved["speaker_or_respondent"] = moved["speaker_or_respondent"].map(self.pseudonym)
        if "text" in moved.columns:
            moved["text"] = [
                self.sources[s][a:b] if s in self.sources else t
                for s, a, b, t in zip(
                    moved["source_id"], moved["start"], moved["end"], moved["text"], strict=True
                )
            ]
        return moved


def _read_map(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    if not {"speaker", "pseudonym"} <= set(frame.columns):
        raise InputError(Problem(str(path), 1, None, None, "expected columns speaker, pseudonym"))
    return dict(zip(frame["speaker"].map(_key), frame["pseudonym"], strict=True))


def pseudonymise_focus_groups(
    folder: str | Path,
    facilitators: Sequence[str] = ("F",),
    private_dir: str | Path | None = None,
) -> FocusGroupInput:
    """Read a wave's transcripts and replace every speaker by a stable pseudonym, before anything
    is coded or exported.

    - Facilitators (``facilitators``, names or labels as recorded, any case) become ``F1``,
      ``F2``... in that order.
    - Participants: ``participants.csv`` may key them by id (``speaker_id`` = ``P03``) or by real
      name (``speaker_id`` = ``Wendell Achterberg``, or a ``name`` column beside the id). A
      speaker whose label is already a pseudonym keeps it; anyone else gets the next free
      ``Pnn``, in the participants file's order (then in order of first speaking), reusing the
      wave's map when one exists, so pseudonyms are stable across runs.
    - The map (speaker as recorded -> pseudonym) is written to ``private_dir/speaker_map.csv``
      (default: the focus-group folder, inside the wave's private folder) only when some speaker
      had a real name; never under the reports folder.

    A speaker who is neither a facilitator nor in ``participants.csv`` (when it exists) is an
    error, as in :func:`join_participants`.
    """
    from evaluation.redact import move_offsets

    folder = Path(folder)
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    if not paths:
        raise InputError(Problem(str(folder), None, None, None, "no transcripts in folder"))
    raw_sources = {p.stem: read_source_text(p) for p in paths}
    turns = pd.concat(
        [
            parse_transcript(raw_sources[p.stem], p.stem, p.suffix.lower().lstrip("."), str(p))
            for p in paths
        ],
        ignore_index=True,
    )
    participants_path = folder / "participants.csv"
    participants = load_participants(participants_path) if participants_path.exists() else None
    private = Path(private_dir) if private_dir is not None else folder
    saved = _read_map(private / SPEAKER_MAP)

    facilitator_keys = {_key(f): f"F{i + 1}" for i, f in enumerate(facilitators)}
    mapping: dict[str, str] = {}  # key of the speaker as recorded -> pseudonym
    roles: dict[str, str] = {}
    recorded: dict[str, str] = {}
    for key, pseudonym in facilitator_keys.items():
        mapping[key], roles[key] = pseudonym, "facilitator"
    used = {p for p in saved.values()} | {
        s for s in turns["speaker"] if PSEUDONYM.fullmatch(str(s))
    }

    def next_free() -> str:
        n = 1
        while f"P{n:02d}" in used:
            n += 1
        used.add(f"P{n:02d}")
        return f"P{n:02d}"

    candidates: list[tuple[str, list[str]]] = []  # (speaker id, other labels for the same person)
    if participants is not None:
        extra = [c for c in NAME_COLUMNS if c in participants.columns]
        for _, row in participants.iterrows():
            labels = [str(row[c]) for c in extra if str(row[c]).strip()]
            candidates.append((str(row["speaker_id"]), labels))
    else:
        candidates += [(str(s), []) for s in dict.fromkeys(turns["speaker"])]
    id_to_pseudonym: dict[str, str] = {}
    for speaker_id, labels in candidates:
        key = _key(speaker_id)
        if key in mapping:
            id_to_pseudonym[speaker_id] = mapping[key]
            continue
        if PSEUDONYM.fullmatch(speaker_id):
            pseudonym = speaker_id
        else:
            pseudonym = (
                next((saved[k] for k in [key, *map(_key, labels)] if k in saved), None)
                or next_free()
            )
        id_to_pseudonym[speaker_id] = pseudonym
        for label in [speaker_id, *labels]:
            mapping[_key(label)], roles[_key(label)] = pseudonym, "participant"
            recorded[_key(label)] = label

    unknown = sorted(
        {
            (str(src), str(s))
            for src, s in zip(turns["source_id"], turns["speaker"], strict=True)
            if _key(s) not in mapping
        }
    )
    if unknown:
        where = str(participants_path) if participants is not None else str(folder)
        raise InputError(
            [
                Problem(where, None, "speaker_id", s, f"speaker in {src} is not in participants")
                for src, s in unknown
            ]
        )

    replacements: dict[str, list[tuple[int, int, str]]] = {}
    for source_id, group in turns.groupby("source_id", sort=False):
        text = raw_sources[source_id]
        found, previous_end = [], 0
        for speaker, start, end in zip(group["speaker"], group["start"], group["end"], strict=True):
            pseudonym = mapping[_key(speaker)]
            if speaker != pseudonym:
                at = text.rfind(speaker, previous_end, int(start))
                if at != -1:
                    found.append((at, at + len(speaker), pseudonym))
            previous_end = int(end)
        replacements[str(source_id)] = found
    sources = {}
    for source_id, text in raw_sources.items():
        pieces, last = [], 0
        for a, b, new in replacements.get(source_id, []):
            pieces += [text[last:a], new]
            last = b
        sources[source_id] = "".join([*pieces, text[last:]])
    moved = move_offsets(turns, replacements)
    moved["speaker"] = [mapping[_key(s)] for s in turns["speaker"]]
    moved["text"] = [
        sources[s][a:b]
        for s, a, b in zip(moved["source_id"], moved["start"], moved["end"], strict=True)
    ]
    moved = moved.astype({"speaker": "string", "text": "string"})
    if participants is not None:
        attributes = participants.drop(columns=[c for c in NAME_COLUMNS if c in participants])
        attributes = attributes.assign(speaker_id=attributes["speaker_id"].map(id_to_pseudonym))
        moved = join_participants(
            moved, attributes, [f"F{i + 1}" for i in range(len(facilitators))],
            str(participants_path),
        )  # fmt: skip

    # Only real names go in the map: a bare label such as "F" (-> F1) identifies no one.
    real = {k: v for k, v in mapping.items() if k != _key(v) and not re.fullmatch(r"f\d*|p\d+", k)}
    speaker_map = pd.DataFrame(
        [
            {"speaker": recorded.get(k, next((f for f in facilitators if _key(f) == k), k)),
             "pseudonym": v, "role": roles[k]}
            for k, v in real.items()
        ],
        columns=["speaker", "pseudonym", "role"],
    )  # fmt: skip
    names = {str(s) for s in speaker_map.loc[speaker_map["role"] == "participant", "speaker"]}
    names |= {str(f) for f in facilitators if not re.fullmatch(r"F\d*", str(f))}
    if len(speaker_map):
        private.mkdir(parents=True, exist_ok=True)
        known = pd.DataFrame(
            {"speaker": list(saved), "pseudonym": list(saved.values()), "role": ""}
        )
        merged = pd.concat([speaker_map, known], ignore_index=True)
        merged = merged.drop_duplicates(subset="speaker", keep="first")
        merged.to_csv(private / SPEAKER_MAP, index=False)
    return FocusGroupInput(
        turns=moved.reset_index(drop=True),
        sources=sources,
        speaker_map=speaker_map,
        names=tuple(sorted(names)),
        replacements=replacements,
    )
