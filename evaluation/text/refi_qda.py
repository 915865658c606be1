"""REFI-QDA exchange: coded themes as ``.qdpx`` projects and ``.qdc`` codebooks.

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the exchange standard that NVivo, ATLAS.ti, MAXQDA
and QualCoder read and write. Exporting to it lets researchers open the workbench's codings in the
tool they already use, recode, and bring their codings back for comparison.

**Writing** (:func:`export_qdpx`, :func:`export_qdc`) works from tidy frames (codebook, sources,
segments, cases; see CONTRIBUTING.md) and is deterministic: every GUID is a UUID5 of a stable key
(``"code:<code_id>"``, ``"source:<source_id>"``...), no timestamps are written, and zip entries
carry a fixed date in a fixed order, so two exports of the same inputs are byte-identical and a
re-export keeps the identity of every code, source and selection.

**Reading** (:func:`import_qdpx`, :func:`import_qdc`) is liberal about what other tools produce:
``Sources/`` or ``sources/``, ``internal://`` or relative or absolute source paths, inline
``PlainTextContent``, GUIDs in braces and any case, CRLF line endings, missing optional parts.
What cannot be read is reported in ``warnings`` (:class:`~evaluation.errors.Problem` records with
severity ``"warning"``), never dropped silently.

**Positions.** The standard counts ``startPosition``/``endPosition`` in characters of the source's
plain text; the workbench writes Unicode code points of the text exactly as stored in
``Sources/<guid>.txt`` (CRLF counts as two characters, an emoji as one). Some tools count
differently (CRLF as one character, or UTF-16 code units, so an emoji counts two). On import, for
each source from another tool, every plausible counting is tried and the one that fits the
selections best wins: first the number of selections that fall inside the text without splitting a
CRLF pair or a surrogate pair, then the number whose ``name`` repeats the selected text (several
tools write the quotation there), then the number of selection edges on word boundaries; a tie
keeps code points. Any other choice is reported as a warning. Imported offsets are always code
points of the imported source text (``text[start:end]`` is the passage). Inline
``PlainTextContent`` loses its CRs to XML line-end normalisation, so for inline text from a
``project.qde`` written with CRLF, counting each line end as two characters is tried too.

The XML is parsed with lxml and matched on local names, so a missing or different namespace does
not stop a read. Files written by the workbench carry ``origin="ARF Evaluation Workbench"`` and are
read back exactly (no position guessing).
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pandas as pd
from lxml import etree

from evaluation.errors import InputError, Problem
from evaluation.limits import check_file_size, check_zip
from evaluation.text.segments import MACHINE_CODERS, SEGMENT_COLUMNS, is_machine_coder

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "ARF Evaluation Workbench"
CODEBOOK_COLUMNS = ["code_id", "name", "parent", "definition", "principle"]

# Fixed namespace for the workbench's UUID5 GUIDs: changing it changes every GUID ever exported.
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:arf-evaluation-workbench:refi-qda")
_GUID_PREFIX = _GUID_NAMESPACE.bytes
# Zip entries carry this date so that an export does not depend on when it was made.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})\}?$")
# Characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR; surrogates; U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# "key: value" lines the workbench appends to descriptions so that ids survive a round trip.
_CODE_KEYS = ("code_id", "principle")
_SELECTION_KEYS = ("confidence", "codebook_version")
# Sections of a code's description (its memo in QualCoder, its description in NVivo), after the
# definition: the codebook's coding rules travel with the code.
_RULE_SECTIONS = (("include", "Include"), ("exclude", "Exclude"), ("examples", "Examples"))


def code_memo(definition: object, include: object, exclude: object, examples: object) -> str:
    """A code's definition followed by its coding rules, as a memo other tools show.

    List fields are the codebook frame's ``" | "``-joined text; each becomes a section
    (``Include:`` / ``Exclude:`` / ``Examples:``) of ``- `` lines.
    """
    parts = ["" if pd.isna(definition) else str(definition).strip()]
    for value, (_, title) in zip((include, exclude, examples), _RULE_SECTIONS, strict=True):
        items = [] if pd.isna(value) else [v.strip() for v in str(value).split(" | ") if v.strip()]
        if items:
            parts.append(f"{title}:\n" + "\n".join(f"- {item}" for item in items))
    return "\n\n".join(part for part in parts if part)


def split_memo(body: str) -> dict[str, object]:
    """:func:`code_memo` read back: ``definition`` and the ``" | "``-joined rule sections."""
    out: dict[str, object] = {"definition": body.strip() or pd.NA}
    out.update({key: pd.NA for key, _ in _RULE_SECTIONS})
    titles = {f"{title}:": key for key, title in _RULE_SECTIONS}
    blocks = body.strip().split("\n\n")
    definition: list[str] = []
    for block in blocks:
        lines = block.strip().splitlines()
        key = titles.get(lines[0].strip()) if lines else None
        if key and all(line.strip().startswith("- ") for line in lines[1:]) and len(lines) > 1:
            out[key] = " | ".join(line.strip()[2:].strip() for line in lines[1:])
        else:
            definition.append(block)
    out["definition"] = "\n\n".join(definition).strip() or pd.NA
    return out


def stable_guid(kind: str, key: str) -> str:
    """The GUID the workbench gives object ``kind`` (``code``, ``source``...) with id ``key``.

    UUID5 of a fixed namespace, so the same code, source or segment gets the same GUID in every
    export, and tools that match objects by GUID recognise them on re-import.
    """
    # uuid.uuid5 computed directly (SHA-1 of namespace + name, version and variant bits set):
    # the same strings, at a third of the cost, for the hundreds of thousands of GUIDs of a
    # national export. tests/test_refi_qda.py checks it against uuid.uuid5.
    digest = bytearray(hashlib.sha1(_GUID_PREFIX + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def schema_path(kind: str) -> Path:
    """Path of the bundled XSD subset for ``kind`` = ``"project"`` or ``"codebook"``.

    These are subsets of the REFI-QDA schemas written for the workbench (see the header of each
    file): they check element order, required attributes and the GUID pattern of what is written.
    """
    resource = resources.files("evaluation.text") / "data" / f"refi_qda_{kind}_subset.xsd"
    return Path(str(resource))


def validate_xml(xml: bytes, kind: str) -> list[str]:
    """Validate XML against the bundled ``kind`` schema; return the errors (empty when valid)."""
    schema = etree.XMLSchema(etree.parse(str(schema_path(kind))))
    schema.validate(etree.fromstring(xml))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


def export_qdpx(
    path: str | Path,
    codebook: pd.DataFrame,
    sources: pd.DataFrame,
    segments: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    turns: pd.DataFrame | None = None,
    *,
    version: str,
    project_name: str,
    note: str | None = None,
) -> Path:
    """Write a whole coded project as a REFI-QDA ``.qdpx`` file and return its path.

    ``codebook``: ``code_id, name, parent, definition, principle`` (optional ``color`` as
    ``#RRGGBB``, ``is_codable``, and ``include, exclude, examples``, which are written after the
    definition in the code's description: the memo QualCoder and NVivo show). Machine coders
    (:data:`MACHINE_CODERS`) get a user whose name says so, their coder id in the user's ``id``.
    ``sources``: ``source_id, kind, text, case_id``. ``segments``: the coded-segment contract
    columns. ``cases``: ``case_id`` plus attribute columns, written as typed
    Variables. ``turns`` (``source_id, speaker``) says which speakers took part in which transcript.

    Cases are every case id in ``cases``, in ``sources.case_id``, among the turns' speakers and the
    segments' ``speaker_or_respondent``. Each case refers to the sources it speaks in (SourceRef)
    and to the selections coded on its words (SelectionRef), which is how a selection in a
    multi-speaker transcript is tied to one participant.

    Source texts are stored exactly as given (UTF-8, no line-end translation), so positions are
    code points of the stored text. Raises :class:`InputError` when the frames break the contract
    (unknown source or code, offsets outside the text, segment text different from the source text
    at its offsets...). ``note`` (for example, that the project holds a sample) is added to the
    project's description.
    """
    xml, texts = _build_project_xml(
        codebook,
        sources,
        segments,
        cases,
        turns,
        version=version,
        project_name=project_name,
        note=note,
    )
    entries = {"project.qde": xml}
    entries.update(
        {f"Sources/{guid}.txt": text.encode("utf-8") for guid, text in sorted(texts.items())}
    )
    return _write_zip(Path(path), entries)


def export_qdc(path: str | Path, codebook: pd.DataFrame, version: str) -> Path:
    """Write the codebook alone as a REFI-QDA ``.qdc`` file (``urn:QDA-XML:codebook:1.0``).

    The version goes into the ``origin`` attribute (the only place the codebook schema offers), as
    ``"ARF Evaluation Workbench; codebook version <version>"``; :func:`import_qdc` reads it back.
    """
    frame = _check_codebook(codebook)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"{ORIGIN}; codebook version {version}")
    _append_codes(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), frame, CODEBOOK_NS)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_serialise(root))
    return path


def _build_project_xml(
    codebook: pd.DataFrame,
    sources: pd.DataFrame,
    segments: pd.DataFrame,
    cases: pd.DataFrame | None,
    turns: pd.DataFrame | None,
    *,
    version: str,
    project_name: str,
    note: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` bytes and the plain texts to store, keyed by source GUID."""
    codes = _check_codebook(codebook)
    src = _check_sources(sources)
    segs = _check_segments(segments, src, set(codes["code_id"]))
    attributes = _check_cases(cases)

    ns = PROJECT_NS
    root = etree.Element(f"{{{ns}}}Project", nsmap={None: ns})
    root.set("name", _xml_safe(project_name))
    root.set("origin", ORIGIN)

    coders = sorted(set(segs["coder"]))
    if coders:
        users = etree.SubElement(root, f"{{{ns}}}Users")
        for coder in coders:
            name = MACHINE_CODERS.get(coder, coder)
            etree.SubElement(
                users, f"{{{ns}}}User", guid=stable_guid("user", coder), name=_xml_safe(name)
            ).set("id", _xml_safe(coder))

    book = etree.SubElement(root, f"{{{ns}}}CodeBook")
    _append_codes(etree.SubElement(book, f"{{{ns}}}Codes"), codes, ns)

    variables = _variable_types(attributes)
    if variables:
        node = etree.SubElement(root, f"{{{ns}}}Variables")
        for name, kind in variables.items():
            etree.SubElement(
                node,
                f"{{{ns}}}Variable",
                guid=stable_guid("variable", name),
                name=_xml_safe(name),
                typeOfVariable=kind,
            )

    case_sources = _case_sources(src, segs, turns)
    case_ids = sorted(set(case_sources) | set(attributes["case_id"]))
    if case_ids:
        _append_cases(root, case_ids, attributes, variables, case_sources, segs)

    texts: dict[str, str] = {}
    sources_node = etree.SubElement(root, f"{{{ns}}}Sources")
    # Group the selections by source once (a filter per source would be quadratic in sources).
    by_source: dict[object, list[object]] = {}
    ordered = segs.sort_values(["source_id", "start", "end", "segment_id"])
    for seg in ordered.itertuples(index=False):
        by_source.setdefault(seg.source_id, []).append(seg)
    for row in src.sort_values("source_id").itertuples(index=False):
        guid = stable_guid("source", row.source_id)
        texts[guid] = row.text
        node = etree.SubElement(
            sources_node,
            f"{{{ns}}}TextSource",
            guid=guid,
            name=_xml_safe(row.source_id),
            plainTextPath=f"internal://{guid}.txt",
        )
        if not pd.isna(row.kind):
            etree.SubElement(node, f"{{{ns}}}Description").text = f"kind: {row.kind}"
        for seg in by_source.get(row.source_id, ()):
            _append_selection(node, seg)

    description = f"Exported by the {ORIGIN}.\ncodebook_version: {version}"
    if note:
        description = f"{_xml_safe(note)}\n\n{description}"
    etree.SubElement(root, f"{{{ns}}}Description").text = description
    return _serialise(root), texts


def _append_codes(parent: etree._Element, codes: pd.DataFrame, ns: str) -> None:
    """Append the codebook as nested ``Code`` elements, children in codebook order."""
    children: dict[object, list[pd.Series]] = {}
    for _, row in codes.iterrows():
        key = None if pd.isna(row["parent"]) else row["parent"]
        children.setdefault(key, []).append(row)

    def add(node: etree._Element, row: pd.Series) -> None:
        element = etree.SubElement(
            node,
            f"{{{ns}}}Code",
            guid=stable_guid("code", row["code_id"]),
            name=_xml_safe(str(row["name"])),
            isCodable="true" if row["is_codable"] else "false",
        )
        if not pd.isna(row["color"]):
            element.set("color", str(row["color"]))
        extra = {"code_id": row["code_id"], "principle": row["principle"]}
        memo = code_memo(row["definition"], row["include"], row["exclude"], row["examples"])
        etree.SubElement(element, f"{{{ns}}}Description").text = _with_keys(memo, extra)
        for child in children.get(row["code_id"], []):
            add(element, child)

    for row in children.get(None, []):
        add(parent, row)


def _append_cases(
    root: etree._Element,
    case_ids: list[str],
    attributes: pd.DataFrame,
    variables: dict[str, str],
    case_sources: dict[str, set[str]],
    segs: pd.DataFrame,
) -> None:
    """Append ``Cases``: variable values, the sources each case speaks in, its coded selections."""
    ns = PROJECT_NS
    node = etree.SubElement(root, f"{{{ns}}}Cases")
    # One pass over the attributes and the segments (a lookup or filter per case would make
    # the export quadratic in cases at survey scale).
    by_case = {record["case_id"]: record for record in attributes.to_dict(orient="records")}
    selections: dict[object, list[str]] = {}
    for case_id, segment_id in zip(segs["speaker_or_respondent"], segs["segment_id"], strict=True):
        selections.setdefault(case_id, []).append(segment_id)
    for case_id in case_ids:
        case = etree.SubElement(node, f"{{{ns}}}Case", guid=stable_guid("case", case_id))
        case.set("name", _xml_safe(case_id))
        record = by_case.get(case_id)
        if record is not None:
            for name, kind in variables.items():
                value = record[name]
                if pd.isna(value):
                    continue
                holder = etree.SubElement(case, f"{{{ns}}}VariableValue")
                etree.SubElement(
                    holder, f"{{{ns}}}VariableRef", targetGUID=stable_guid("variable", name)
                )
                tag, text = _variable_value(kind, value)
                etree.SubElement(holder, f"{{{ns}}}{tag}").text = text
        for source_id in sorted(case_sources.get(case_id, ())):
            etree.SubElement(
                case, f"{{{ns}}}SourceRef", targetGUID=stable_guid("source", source_id)
            )
        for segment_id in sorted(selections.get(case_id, ())):
            etree.SubElement(
                case, f"{{{ns}}}SelectionRef", targetGUID=stable_guid("selection", segment_id)
            )


def _append_selection(node: etree._Element, seg: Any) -> None:  # a row of itertuples()
    """Append one coded segment as a ``PlainTextSelection`` holding one ``Coding``."""
    ns = PROJECT_NS
    user = stable_guid("user", seg.coder)
    selection = etree.SubElement(
        node,
        f"{{{ns}}}PlainTextSelection",
        guid=stable_guid("selection", seg.segment_id),
        name=_xml_safe(seg.segment_id),
        startPosition=str(int(seg.start)),
        endPosition=str(int(seg.end)),
        creatingUser=user,
    )
    keys = {"confidence": seg.confidence, "codebook_version": seg.codebook_version}
    description = _with_keys("", keys)
    if description:
        etree.SubElement(selection, f"{{{ns}}}Description").text = description
    coding = etree.SubElement(
        selection,
        f"{{{ns}}}Coding",
        guid=stable_guid("coding", seg.segment_id),
        creatingUser=user,
    )
    etree.SubElement(coding, f"{{{ns}}}CodeRef", targetGUID=stable_guid("code", seg.code_id))


def _with_keys(text: object, keys: Mapping[str, object]) -> str:
    """``text`` followed by ``key: value`` lines for the values that are present."""
    lines = [f"{key}: {_format_key(value)}" for key, value in keys.items() if not pd.isna(value)]
    body = "" if pd.isna(text) else _xml_safe(str(text)).strip()
    return "\n\n".join(part for part in (body, "\n".join(lines)) if part)


def _format_key(value: object) -> str:
    """Deterministic text for a description key (floats in their shortest exact form)."""
    return repr(float(value)) if isinstance(value, float) else _xml_safe(str(value))


def _variable_types(attributes: pd.DataFrame) -> dict[str, str]:
    """REFI-QDA ``typeOfVariable`` for each attribute column, from its dtype."""
    types: dict[str, str] = {}
    for name in attributes.columns.drop("case_id"):
        column = attributes[name]
        if pd.api.types.is_bool_dtype(column.dtype):
            types[name] = "Boolean"
        elif pd.api.types.is_integer_dtype(column.dtype):
            types[name] = "Integer"
        elif pd.api.types.is_float_dtype(column.dtype):
            types[name] = "Float"
        elif pd.api.types.is_datetime64_any_dtype(column.dtype):
            present = column.dropna()
            midnight = (present == present.dt.normalize()).all()
            types[name] = "Date" if midnight else "DateTime"
        else:
            types[name] = "Text"
    return types


def _variable_value(kind: str, value: object) -> tuple[str, str]:
    """The ``*Value`` element name and its lexical form for one attribute value."""
    if kind == "Boolean":
        return "BooleanValue", "true" if bool(value) else "false"
    if kind == "Integer":
        return "IntegerValue", str(int(value))  # type: ignore[call-overload]
    if kind == "Float":
        # xs:decimal has no exponent and no NaN/inf: write the float's exact shortest decimal.
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            raise InputError(f"attribute value {number!r} cannot be written as a REFI-QDA Float")
        return "FloatValue", format(Decimal(repr(number)), "f")
    if kind == "Date":
        return "DateValue", pd.Timestamp(value).date().isoformat()
    if kind == "DateTime":
        return "DateTimeValue", pd.Timestamp(value).isoformat()
    return "TextValue", _xml_safe(str(value))


def _case_sources(
    sources: pd.DataFrame, segs: pd.DataFrame, turns: pd.DataFrame | None
) -> dict[str, set[str]]:
    """Case id -> the sources the case speaks or answers in."""
    links: dict[str, set[str]] = {}
    pairs: list[tuple[object, object]] = list(
        zip(sources["case_id"], sources["source_id"], strict=True)
    )
    pairs += list(zip(segs["speaker_or_respondent"], segs["source_id"], strict=True))
    if turns is not None:
        _require_columns(turns, ["source_id", "speaker"], "turns")
        pairs += list(zip(turns["speaker"], turns["source_id"], strict=True))
    for case_id, source_id in pairs:
        if not pd.isna(case_id):
            links.setdefault(str(case_id), set()).add(str(source_id))
    return links


def _check_codebook(codebook: pd.DataFrame) -> pd.DataFrame:
    """The codebook with optional columns filled, after checking ids and the hierarchy."""
    _require_columns(codebook, ["code_id", "name", "parent", "definition"], "codebook")
    frame = codebook.copy()
    defaults = {"principle": pd.NA, "color": pd.NA, "is_codable": True}
    defaults |= {key: pd.NA for key, _ in _RULE_SECTIONS}
    for column, default in defaults.items():
        if column not in frame.columns:
            frame[column] = default
    frame["code_id"] = frame["code_id"].astype(str)
    problems: list[Problem] = []
    duplicated = frame["code_id"][frame["code_id"].duplicated()]
    problems += [_problem("codebook", "code_id", v, "duplicate code id") for v in duplicated]
    ids = set(frame["code_id"])
    parents = dict(zip(frame["code_id"], frame["parent"], strict=True))
    for code_id, parent in parents.items():
        if not pd.isna(parent) and parent not in ids:
            problems.append(
                _problem("codebook", "parent", parent, f"parent of {code_id!r} unknown")
            )
    if not problems:
        for code_id in ids:
            seen = {code_id}
            parent = parents[code_id]
            while not pd.isna(parent):
                if parent in seen:
                    problems.append(_problem("codebook", "parent", code_id, "parent cycle"))
                    break
                seen.add(parent)
                parent = parents[parent]
    for color in frame["color"].dropna():
        if not re.fullmatch(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", str(color)):
            problems.append(_problem("codebook", "color", color, "not a #RRGGBB colour"))
    if problems:
        raise InputError(problems)
    return frame


def _check_sources(sources: pd.DataFrame) -> pd.DataFrame:
    """The sources frame, after checking ids are unique and every text is a string."""
    _require_columns(sources, ["source_id", "kind", "text", "case_id"], "sources")
    frame = sources.copy()
    frame["source_id"] = frame["source_id"].astype(str)
    problems = [
        _problem("sources", "source_id", v, "duplicate source id")
        for v in frame["source_id"][frame["source_id"].duplicated()]
    ]
    problems += [
        _problem("sources", "text", sid, "source text is missing")
        for sid, text in zip(frame["source_id"], frame["text"], strict=True)
        if not isinstance(text, str)
    ]
    if problems:
        raise InputError(problems)
    return frame


def _check_segments(segments: pd.DataFrame, sources: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """The segments frame, after checking each segment against its source text and the codebook."""
    _require_columns(segments, SEGMENT_COLUMNS, "segments")
    frame = segments[SEGMENT_COLUMNS].copy()
    frame["segment_id"] = frame["segment_id"].astype(str)
    frame["coder"] = frame["coder"].astype(str)
    texts = dict(zip(sources["source_id"], sources["text"], strict=True))
    problems = [
        _problem("segments", "segment_id", v, "duplicate segment id")
        for v in frame["segment_id"][frame["segment_id"].duplicated()]
    ]
    for row in frame.itertuples(index=False):
        text = texts.get(row.source_id)
        if text is None:
            problems.append(_problem("segments", "source_id", row.source_id, "unknown source"))
        elif row.code_id not in codes:
            problems.append(_problem("segments", "code_id", row.code_id, "not in the codebook"))
        elif not 0 <= row.start <= row.end <= len(text):
            problems.append(
                _problem("segments", "start", row.segment_id, "offsets outside the source text")
            )
        elif text[int(row.start) : int(row.end)] != row.text:
            problems.append(
                _problem("segments", "text", row.segment_id, "text differs from source at offsets")
            )
    if problems:
        raise InputError(problems)
    return frame


def _check_cases(cases: pd.DataFrame | None) -> pd.DataFrame:
    """The case attributes (``case_id`` first), or an empty frame when there are none."""
    if cases is None:
        return pd.DataFrame({"case_id": pd.Series([], dtype="string")})
    _require_columns(cases, ["case_id"], "cases")
    frame = cases.copy()
    frame["case_id"] = frame["case_id"].astype(str)
    duplicated = frame["case_id"][frame["case_id"].duplicated()]
    if len(duplicated):
        raise InputError([_problem("cases", "case_id", v, "duplicate case id") for v in duplicated])
    return frame


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the {what} frame lacks column(s) {missing}", file=what)


def _problem(what: str, column: str | None, value: object, message: str) -> Problem:
    return Problem(what, None, column, value, message)


def _xml_safe(text: str) -> str:
    """``text`` with characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_zip(path: Path, entries: Mapping[str, bytes]) -> Path:
    """Write ``entries`` in order, with fixed dates and permissions (reproducible bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------


@dataclass
class QdaProject:
    """A REFI-QDA project read into the workbench's tidy frames.

    ``codebook``: ``code_id, name, parent, definition, principle, include, exclude, examples,
    guid, is_codable, color`` (the rule sections read back from the code's description).
    ``sources``: ``source_id, kind, text, case_id, guid`` (``kind`` is NA unless the workbench wrote
    it; ``case_id`` is set when exactly one case refers to the source). ``segments``: the contract
    columns, offsets in code points of ``sources.text``. ``coders``: ``coder, guid, user_id,
    kind`` (``machine`` for the workbench's rule coder, else ``human``).
    ``cases``: ``case_id`` plus one typed column per Variable. ``warnings``: what could not be read.
    """

    name: str
    origin: str | None
    codebook_version: str | None
    codebook: pd.DataFrame
    sources: pd.DataFrame
    segments: pd.DataFrame
    coders: pd.DataFrame
    cases: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class QdaCodebook:
    """A REFI-QDA codebook (``.qdc``) read into a codebook frame, with its version if recorded."""

    codebook: pd.DataFrame
    version: str | None
    warnings: list[Problem] = field(default_factory=list)


def import_qdc(path: str | Path) -> QdaCodebook:
    """Read a ``.qdc`` codebook (or any XML whose root holds ``Codes``) into a codebook frame."""
    path = Path(path)
    root = _parse_xml(_read_bytes(path), path)
    warnings: list[Problem] = []
    codes = _first(root, "Codes")
    if codes is None:
        raise InputError(f"{path.name} has no Codes element: not a REFI-QDA codebook", file=path)
    frame = _read_codes(codes, str(path), warnings)
    match = re.search(r"codebook version (.+)$", root.get("origin", ""))
    return QdaCodebook(frame, match.group(1).strip() if match else None, warnings)


def import_qdpx(path: str | Path, codebook: pd.DataFrame | None = None) -> QdaProject:
    """Read a ``.qdpx`` project from any REFI-QDA tool into tidy frames plus warnings.

    ``codebook`` (optional, the workbench's codebook frame) maps imported codes to the workbench's
    ``code_id`` by GUID (a code exported by the workbench and kept by the other tool), then by code
    id, then by name (case-insensitive), so that imported human codings can be compared with the
    workbench's. Codes that match nothing keep the id read from the file (see :func:`_read_codes`).
    """
    path = Path(path)
    file = str(path)
    check_file_size(path, "QDPX_BYTES", "the project file")  # io.limits: sizes, clear errors
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        message = f"cannot open {path.name} as a .qdpx (zip) file: {error}"
        raise InputError(message, file=path) from error
    with archive:
        check_zip(path, archive)  # members' sizes, count and ratio, before inflating any
        members = [name for name in archive.namelist() if not name.endswith("/")]
        qde = _find_project_member(members)
        if qde is None:
            raise InputError(f"{path.name} holds no project.qde", file=path)
        raw = archive.read(qde)
        root = _parse_xml(raw, path)
        warnings: list[Problem] = []
        origin = root.get("origin")
        ours = origin == ORIGIN
        codes_node = _first(_first(root, "CodeBook"), "Codes")
        codes = (
            _read_codes(codes_node, file, warnings) if codes_node is not None else _empty_codebook()
        )
        if codebook is not None:
            codes = _match_codebook(codes, codebook)
        code_ids = dict(zip(codes["guid"], codes["code_id"], strict=True))
        coders = _read_users(root, ours)
        cases, selection_case, source_cases = _read_cases(root, file, warnings)
        version = _description_keys(_text(_first(root, "Description"))).get("codebook_version")
        reader = _SourceReader(archive, members, file, ours, b"\r\n" in raw, warnings)
        sources, segments = reader.read(root, code_ids, coders, selection_case, source_cases)
    if version is not None:
        segments["codebook_version"] = segments["codebook_version"].fillna(version)
    return QdaProject(
        name=root.get("name", path.stem),
        origin=origin,
        codebook_version=version,
        codebook=codes,
        sources=sources,
        segments=segments,
        coders=coders.drop(columns="key"),
        cases=cases,
        warnings=warnings,
    )


def _find_project_member(members: list[str]) -> str | None:
    """The zip member holding the project XML: ``project.qde`` in any case, else any ``*.qde``."""
    qde = sorted(name for name in members if name.lower().endswith(".qde"))
    exact = [name for name in qde if name.lower() == "project.qde"]
    found = exact or qde
    return found[0] if found else None


def _read_bytes(path: Path) -> bytes:
    check_file_size(path, "QDPX_BYTES", "the codebook file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}", file=path) from error


def _parse_xml(raw: bytes, path: Path) -> etree._Element:
    """Parse XML safely (no entities, no network); unreadable XML is an :class:`InputError`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"{path.name} is not readable XML: {error}", file=path) from error


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, name: str) -> Iterator[etree._Element]:
    """Child elements called ``name``, whatever their namespace."""
    if element is not None:
        yield from (child for child in element if _local(child) == name)


def _first(element: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(element, name), None)


def _text(element: etree._Element | None) -> str:
    return "" if element is None or element.text is None else element.text


def _warn(warnings: list[Problem], file: str, value: object, message: str) -> None:
    warnings.append(Problem(file, None, None, value, message, "warning"))


def _ref(element: etree._Element, name: str) -> str | None:
    """The canonical ``targetGUID`` of the child reference ``name`` (``CodeRef``...), if any."""
    child = _first(element, name)
    return None if child is None else _guid(child.get("targetGUID"))


def _guid(value: str | None) -> str | None:
    """A GUID in canonical form (lower case, no braces), or None when ``value`` is not a GUID."""
    match = _GUID_RE.match((value or "").strip())
    return match.group(1).lower() if match else None


def _description_keys(description: str) -> dict[str, str]:
    """The trailing ``key: value`` lines of a description (as written by :func:`_with_keys`)."""
    keys: dict[str, str] = {}
    for line in reversed(description.strip().splitlines()):
        match = re.fullmatch(r"([a-z_]+): (.*)", line.strip())
        if not match:
            break
        keys[match.group(1)] = match.group(2).strip()
    return keys


def _description_body(description: str, known: Iterable[str]) -> str:
    """A description without the trailing ``key: value`` lines the workbench added."""
    lines = description.strip().splitlines()
    while lines and re.fullmatch(rf"({'|'.join(known)}): .*", lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_") or "code"


def _empty_codebook() -> pd.DataFrame:
    columns = [*CODEBOOK_COLUMNS, "include", "exclude", "examples", "guid", "is_codable", "color"]
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in columns}).astype(
        {"is_codable": "boolean"}
    )


def _read_codes(codes: etree._Element, file: str, warnings: list[Problem]) -> pd.DataFrame:
    """Flatten nested ``Code`` elements into a codebook frame.

    ``code_id`` is the ``code_id:`` line the workbench writes in the description; for codes from
    other tools it is made from the name (lower case, non-alphanumerics as ``_``), with a numeric
    suffix when two names give the same id.
    """
    rows: list[dict[str, object]] = []
    taken: set[str] = set()

    def visit(node: etree._Element, parent: str | None) -> None:
        guid = _guid(node.get("guid"))
        name = node.get("name") or ""
        if guid is None:
            _warn(warnings, file, node.get("guid"), "code without a valid GUID; one was made up")
            guid = stable_guid("imported-code", f"{parent}/{name}")
        description = _text(_first(node, "Description"))
        keys = _description_keys(description)
        memo = split_memo(_description_body(description, _CODE_KEYS))
        code_id = keys.get("code_id") or _slug(name)
        base, n = code_id, 1
        while code_id in taken:
            n += 1
            code_id = f"{base}_{n}"
        taken.add(code_id)
        rows.append(
            {
                "code_id": code_id,
                "name": name,
                "parent": parent,
                "definition": memo["definition"],
                "principle": keys.get("principle", pd.NA),
                "include": memo["include"],
                "exclude": memo["exclude"],
                "examples": memo["examples"],
                "guid": guid,
                "is_codable": (node.get("isCodable") or "true").strip().lower() in ("true", "1"),
                "color": node.get("color") or pd.NA,
            }
        )
        for child in _children(node, "Code"):
            visit(child, code_id)

    for code in _children(codes, "Code"):
        visit(code, None)
    if not rows:
        return _empty_codebook()
    frame = pd.DataFrame(rows)
    strings = [c for c in frame.columns if c != "is_codable"]
    return frame.astype({c: "string" for c in strings} | {"is_codable": "boolean"})


def _match_codebook(codes: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Rename imported codes to the workbench's ids where GUID, id or name matches."""
    by_guid = {stable_guid("code", c): c for c in codebook["code_id"]}
    by_id = set(codebook["code_id"])
    by_name = {
        str(n).strip().lower(): c
        for n, c in zip(codebook["name"], codebook["code_id"], strict=True)
    }
    rename: dict[str, str] = {}
    for guid, code_id, name in zip(codes["guid"], codes["code_id"], codes["name"], strict=True):
        if guid in by_guid:
            rename[code_id] = by_guid[guid]
        elif code_id not in by_id and str(name).strip().lower() in by_name:
            rename[code_id] = by_name[str(name).strip().lower()]
    frame = codes.copy()
    frame["code_id"] = frame["code_id"].replace(rename)
    frame["parent"] = frame["parent"].replace(rename)
    return frame


def _read_users(root: etree._Element, ours: bool = False) -> pd.DataFrame:
    """Users: ``coder``, ``guid``, ``user_id``, ``kind`` (``human``/``machine``), ``key``.

    ``coder`` is the name (else id, else GUID); in the workbench's own files the id, which is the
    coder id (a machine user's name says it is a machine). A machine user another tool kept
    under its exported name is read back as the machine coder's id.
    """
    rows = []
    for user in _children(_first(root, "Users"), "User"):
        guid = _guid(user.get("guid"))
        name, user_id = user.get("name"), user.get("id")
        coder = (user_id if ours else None) or name or user_id or user.get("guid") or "unknown"
        machine = {label: coder_id for coder_id, label in MACHINE_CODERS.items()}
        coder = machine.get(coder, coder)  # a machine user kept by another tool
        kind = "machine" if is_machine_coder(coder) else "human"
        rows.append({"coder": coder, "guid": guid, "user_id": user_id, "kind": kind, "key": guid})
    frame = pd.DataFrame(rows, columns=["coder", "guid", "user_id", "kind", "key"])
    return frame.astype("string")


def _read_cases(
    root: etree._Element, file: str, warnings: list[Problem]
) -> tuple[pd.DataFrame, dict[str, str], dict[str, list[str]]]:
    """Case attributes (typed by Variable), selection GUID -> case, source GUID -> cases."""
    variables: dict[str, tuple[str, str]] = {}
    for variable in _children(_first(root, "Variables"), "Variable"):
        guid = _guid(variable.get("guid"))
        if guid is not None:
            variables[guid] = (variable.get("name") or guid, variable.get("typeOfVariable", "Text"))
    rows: list[dict[str, object]] = []
    selection_case: dict[str, str] = {}
    source_cases: dict[str, list[str]] = {}
    for case in _children(_first(root, "Cases"), "Case"):
        case_id = case.get("name") or case.get("guid") or "case"
        row: dict[str, object] = {"case_id": case_id}
        for holder in _children(case, "VariableValue"):
            target = _ref(holder, "VariableRef")
            if target not in variables:
                _warn(warnings, file, case_id, "case has a value of an unknown variable; skipped")
                continue
            value = next((child for child in holder if _local(child).endswith("Value")), None)
            row[variables[target][0]] = None if value is None else (value.text or "")
        rows.append(row)
        for ref in _children(case, "SelectionRef"):
            selection_case.setdefault(_guid(ref.get("targetGUID")) or "", case_id)
        for ref in _children(case, "SourceRef"):
            source_cases.setdefault(_guid(ref.get("targetGUID")) or "", []).append(case_id)
    columns = ["case_id"] + [name for name, _ in variables.values()]
    frame = pd.DataFrame(rows, columns=columns)
    for name, kind in variables.values():
        frame[name] = _typed(frame[name], kind, file, warnings)
    frame["case_id"] = frame["case_id"].astype("string")
    return frame, selection_case, source_cases


def _typed(values: pd.Series, kind: str, file: str, warnings: list[Problem]) -> pd.Series:
    """A variable's text values as the pandas dtype of its REFI-QDA type; bad values become NA."""
    text = values.astype("string").str.strip()
    if kind == "Boolean":
        mapped = text.str.lower().map({"true": True, "1": True, "false": False, "0": False})
        result = mapped.astype("boolean")
    elif kind in ("Integer", "Float"):
        result = pd.to_numeric(text, errors="coerce").astype(
            "Int64" if kind == "Integer" else "Float64"
        )
    elif kind in ("Date", "DateTime"):
        result = pd.to_datetime(text, errors="coerce")
    else:
        return text.where(values.notna(), pd.NA)
    lost = values[values.notna() & result.isna()]
    for value in lost:
        _warn(warnings, file, value, f"not a valid {kind} value of {values.name!r}; read as NA")
    return result


@dataclass(frozen=True)
class _Counting:
    """How a tool counted positions: UTF-16 code units or code points; how it counted line ends."""

    utf16: bool = False
    line_ends: str = "as_stored"  # "crlf_as_one" | "lf_as_crlf" (text lost its CRs in the XML)

    def describe(self) -> str:
        units = "UTF-16 code units" if self.utf16 else "Unicode code points"
        ends = {
            "as_stored": "",
            "crlf_as_one": ", CRLF counted as one character",
            "lf_as_crlf": ", line ends counted as CRLF",
        }[self.line_ends]
        return units + ends

    def bounds(self, text: str) -> tuple[list[int], list[bool]]:
        """For each position the tool could write: the code-point offset, and whether it is clean.

        A position is not clean when it falls between the two halves of a pair the tool counts as
        two units (a surrogate pair, or CR and LF).
        """
        offsets, clean = [0], [True]
        for i, char in enumerate(text):
            if self.line_ends == "crlf_as_one" and char == "\n" and i and text[i - 1] == "\r":
                offsets[-1], clean[-1] = i + 1, True
                continue
            if (self.utf16 and ord(char) > 0xFFFF) or (
                self.line_ends == "lf_as_crlf" and char == "\n"
            ):
                offsets.append(i)
                clean.append(False)
            offsets.append(i + 1)
            clean.append(not (char == "\r" and text[i + 1 : i + 2] == "\n"))
        return offsets, clean


def _countings(text: str, inline_lost_cr: bool) -> list[_Counting]:
    """The position countings worth trying for ``text`` (code points first: the standard's)."""
    astral = any(ord(c) > 0xFFFF for c in text)
    ends = ["as_stored"]
    if "\r\n" in text:
        ends.append("crlf_as_one")
    if inline_lost_cr and "\n" in text and "\r" not in text:
        ends.append("lf_as_crlf")
    return [_Counting(utf16, e) for utf16 in ((False, True) if astral else (False,)) for e in ends]


def _fit(text: str, counting: _Counting, spans: list[tuple[int, int, str]]) -> tuple[int, int, int]:
    """How well ``counting`` explains the selections ``(start, end, name)`` of one source."""
    offsets, clean = counting.bounds(text)
    inside = named = aligned = 0
    for start, end, name in spans:
        if not (0 <= start <= end < len(offsets) and clean[start] and clean[end]):
            continue
        inside += 1
        a, b = offsets[start], offsets[end]
        quote = name.strip().rstrip(".…").strip()
        named += len(quote) >= 3 and text[a:b].strip().startswith(quote)
        aligned += _word_edge(text, a) + _word_edge(text, b)
    return inside, named, aligned


def _word_edge(text: str, i: int) -> bool:
    """Whether offset ``i`` is not inside a word (a plausible edge for a human selection)."""
    return i in (0, len(text)) or not (text[i - 1].isalnum() and text[i].isalnum())


class _SourceReader:
    """Reads ``TextSource`` elements: their text, their selections and codings."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        members: list[str],
        file: str,
        ours: bool,
        qde_has_crlf: bool,
        warnings: list[Problem],
    ) -> None:
        self.archive = archive
        self.by_lower = {name.lower(): name for name in members}
        self.file = file
        self.ours = ours
        self.qde_has_crlf = qde_has_crlf
        self.warnings = warnings

    def warn(self, value: object, message: str) -> None:
        _warn(self.warnings, self.file, value, message)

    def read(
        self,
        root: etree._Element,
        code_ids: Mapping[str, str],
        coders: pd.DataFrame,
        selection_case: Mapping[str, str],
        source_cases: Mapping[str, list[str]],
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The sources frame and the segments frame."""
        users = dict(zip(coders["key"], coders["coder"], strict=True))
        source_rows: list[dict[str, object]] = []
        segment_rows: list[dict[str, object]] = []
        taken: set[str] = set()
        for node in _sources(root):
            kind = _local(node)
            name = node.get("name") or node.get("guid") or "source"
            if kind != "TextSource":
                self.warn(name, f"{kind} not imported (only text sources are)")
                continue
            guid = _guid(node.get("guid")) or stable_guid("imported-source", name)
            if name in taken:
                unique = f"{name} ({guid})"
                self.warn(name, f"two sources share this name; this one is read as {unique!r}")
                name = unique
            taken.add(name)
            loaded = self.text_of(node, name)
            if loaded is None:
                continue
            text, inline = loaded
            cases = source_cases.get(guid, [])
            keys = _description_keys(_text(_first(node, "Description")))
            source_rows.append(
                {
                    "source_id": name,
                    "kind": keys.get("kind", pd.NA),
                    "text": text,
                    "case_id": cases[0] if len(cases) == 1 else pd.NA,
                    "guid": guid,
                }
            )
            only_case = cases[0] if len(cases) == 1 else None
            segment_rows += self.segments(
                node, name, text, inline, code_ids, users, selection_case, only_case
            )
        sources = pd.DataFrame(
            source_rows, columns=["source_id", "kind", "text", "case_id", "guid"]
        )
        segments = pd.DataFrame(segment_rows, columns=SEGMENT_COLUMNS)
        return (
            sources.astype("string"),
            segments.astype(
                {c: "string" for c in SEGMENT_COLUMNS if c not in ("start", "end", "confidence")}
                | {"start": "Int64", "end": "Int64", "confidence": "Float64"}
            ),
        )

    def text_of(self, node: etree._Element, name: str) -> tuple[str, bool] | None:
        """The source's plain text and whether it was inline, or None (with a warning)."""
        content = _first(node, "PlainTextContent")
        if content is not None:
            return _text(content), True
        path = node.get("plainTextPath")
        if not path:
            self.warn(name, "text source has neither PlainTextContent nor plainTextPath; skipped")
            return None
        member = self.member_for(path)
        if member is None:
            self.warn(path, f"plain text of source {name!r} not found in the archive; skipped")
            return None
        return self.decode(self.archive.read(member), name), False

    def member_for(self, path: str) -> str | None:
        """The zip member a ``plainTextPath`` points to (``internal://``, relative or absolute)."""
        cleaned = re.sub(r"^internal://", "", path.strip(), flags=re.IGNORECASE)
        cleaned = re.sub(r"^file:/*", "", cleaned, flags=re.IGNORECASE)
        base = PureWindowsPath(cleaned).name if "\\" in cleaned else PurePosixPath(cleaned).name
        for candidate in (cleaned, f"sources/{cleaned}", f"sources/{base}", base):
            found = self.by_lower.get(candidate.lower())
            if found is not None:
                return found
        return None

    def decode(self, data: bytes, name: str) -> str:
        """Source bytes as text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252."""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.warn(name, "source text is not UTF-8; read as Windows-1252")
            return data.decode("cp1252", errors="replace")

    def segments(
        self,
        node: etree._Element,
        source_id: str,
        text: str,
        inline: bool,
        code_ids: Mapping[str, str],
        users: Mapping[str, str],
        selection_case: Mapping[str, str],
        only_case: str | None,
    ) -> list[dict[str, object]]:
        """One row per (selection, coding) of a text source, offsets in code points."""
        selections = []
        for selection in _children(node, "PlainTextSelection"):
            try:
                start = int(float(selection.get("startPosition", "")))
                end = int(float(selection.get("endPosition", "")))
            except ValueError:
                self.warn(selection.get("guid"), f"selection in {source_id!r} without positions")
                continue
            selections.append((selection, start, end))
        spans = [(s, e, x.get("name") or "") for x, s, e in selections]
        counting = self.counting(source_id, text, inline, spans)
        offsets, clean = counting.bounds(text)
        rows: list[dict[str, object]] = []
        for selection, start, end in selections:
            guid = _guid(selection.get("guid")) or ""
            if not 0 <= start <= end < len(offsets):
                self.warn(
                    selection.get("guid"),
                    f"selection {start}-{end} lies outside source {source_id!r}; skipped",
                )
                continue
            if not (clean[start] and clean[end]):
                self.warn(selection.get("guid"), "selection edge splits a character pair; moved")
            a, b = offsets[start], offsets[end]
            keys = _description_keys(_text(_first(selection, "Description")))
            codings = list(_children(selection, "Coding"))
            if not codings:
                self.warn(selection.get("guid"), f"selection in {source_id!r} has no coding")
            for coding in codings:
                target = _ref(coding, "CodeRef")
                if target is None or target not in code_ids:
                    self.warn(coding.get("guid"), "coding refers to an unknown code; skipped")
                    continue
                code_id = code_ids[target]
                user = _guid(coding.get("creatingUser")) or _guid(selection.get("creatingUser"))
                name = selection.get("name")
                segment_id = name if self.ours and name else guid
                if len(codings) > 1:
                    segment_id = f"{segment_id}__{code_id}"
                rows.append(
                    {
                        "segment_id": segment_id,
                        "source_id": source_id,
                        "speaker_or_respondent": selection_case.get(guid, only_case),
                        "start": a,
                        "end": b,
                        "text": text[a:b],
                        "code_id": code_id,
                        "coder": users.get(user or "", user or "unknown"),
                        "confidence": float(keys.get("confidence", 1.0)),
                        "codebook_version": keys.get("codebook_version"),
                    }
                )
        for coding in _children(node, "Coding"):
            self.warn(coding.get("guid"), f"whole-document coding of {source_id!r} not imported")
        return rows

    def counting(
        self, source_id: str, text: str, inline: bool, spans: list[tuple[int, int, str]]
    ) -> _Counting:
        """The position counting that best explains this source's selections (see module doc)."""
        if self.ours or not spans:
            return _Counting()
        candidates = _countings(text, inline and self.qde_has_crlf)
        best = max(candidates, key=lambda c: _fit(text, c, spans))
        if best != _Counting():
            self.warn(
                source_id,
                f"positions in this source read as {best.describe()} "
                f"(fits the selections better than Unicode code points); converted to code points",
            )
        return best


def _sources(root: etree._Element) -> Iterator[etree._Element]:
    """Every source element under ``Sources``."""
    for sources in _children(root, "Sources"):
        yield from (child for child in sources if _local(child))
