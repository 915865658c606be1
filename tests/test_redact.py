"""Redaction of personal data in free text: every kind found, ordinary NHS words left alone."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.redact import (
    KINDS,
    first_names,
    nhs_number_is_valid,
    redact_frame,
    redact_text,
    redact_turns,
)


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("mail me at j.smith-jones@nhs.net please", "mail me at [email] please", "email"),
        ("call 07700 900123 today", "call [phone] today", "phone"),
        ("call 07700900123.", "call [phone].", "phone"),
        ("ring +44 7700 900123", "ring [phone]", "phone"),
        ("ring +44 (0)161 496 0000 now", "ring [phone] now", "phone"),
        ("switchboard 0161 496 0000", "switchboard [phone]", "phone"),
        ("on (01942) 244000 ext", "on [phone] ext", "phone"),
        ("London 020 7946 0018", "London [phone]", "phone"),
        ("NHS no 943 476 5919.", "NHS no [NHS number].", "nhs_number"),
        ("9434765919 was mine", "[NHS number] was mine", "nhs_number"),
        ("patient 943-476-5919", "patient [NHS number]", "nhs_number"),
        ("lives at WN6 9EP now", "lives at [postcode] now", "postcode"),
        ("from M1 1AE", "from [postcode]", "postcode"),
        ("near l3 5ps", "near [postcode]", "postcode"),
        ("my staff number 123456 was", "my staff number [staff number] was", "staff_number"),
        ("payroll no. 12345678", "payroll no. [staff number]", "staff_number"),
        ("employee ID E12345", "employee ID [staff number]", "staff_number"),
        ("ESR number: 87654321", "ESR number: [staff number]", "staff_number"),
        ("see https://www.nhs.uk/a?b=1 and", "see [url] and", "url"),
        ("at www.example.org.", "at [url].", "url"),
        ("Dr Okafor said", "Dr [name] said", "name"),
        ("Professor Fenton spoke", "Professor [name] spoke", "name"),
        ("Mrs. Patel and", "Mrs. [name] and", "name"),
        ("Sister Mary Doyle was", "Sister [name] was", "name"),
        ("my manager Sarah Jones said", "my manager [name] said", "name"),
        ("a porter called Kevin helped", "a porter called [name] helped", "name"),
        ("He told Ahmed to go back", "He told [name] to go back", "name"),
        ("Ngozi Okonkwo raised it", "[name] raised it", "name"),
    ],
)
def test_each_kind_is_replaced_and_counted(text, expected, kind):
    result = redact_text(text)
    assert result.text == expected
    assert result.counts == {kind: 1}


def test_invalid_nhs_number_is_still_redacted_as_a_possible_staff_number():
    assert not nhs_number_is_valid("943 476 5918")
    result = redact_text("ref 943 476 5918 and 1234567")
    assert result.text == "ref [staff number] and [staff number]"
    assert result.counts == {"staff_number": 2}


@pytest.mark.parametrize(
    "text",
    [
        "Band 5 and Band 8a staff, and a Band 8d lead.",
        "We got Bronze in 2024 and aim for Silver, then Gold.",
        "The NHS Trust board met on 12/03/2025 and 2025-03-12.",
        "Budgets for 2024-25 and 2024-2025 rose by 45.5% (£250,000).",
        "A Nurse Practitioner and the Freedom to Speak Up Guardian.",
        "I was called Paki at work and nobody did anything.",
        "He was named Employee of the Month in March.",
        "Our ward is on the 1st floor; shift starts at 7am; 12 beds, 3 bays.",
        "Our EDI lead and HR set up a WRES action plan with the ICB.",
        "will you hope for grace? may be, said Mark's mum",  # lower case, not names
        "About 30 of 120 staff (25%) came; 3 of them Black.",
    ],
)
def test_ordinary_nhs_text_is_left_alone(text):
    result = redact_text(text)
    assert result.text == text and sum(result.counts.values()) == 0


def test_given_names_are_redacted_whole_and_by_part():
    result = redact_text("Olamide Balogun spoke; later Balogun left.", names=["Olamide Balogun"])
    assert result.text == "[name] spoke; later [name] left."
    assert result.counts == {"name": 2}


def test_first_name_list_is_shipped_and_diverse():
    names = first_names()
    assert len(names) > 300
    assert {"Sarah", "Mohammed", "Priya", "Ngozi", "Kwame", "Agnieszka", "Wei"} <= names
    assert not {"Will", "Grace", "Hope", "May", "Mark"} & names


def test_frame_redaction_counts_by_column_and_kind_and_keeps_missing():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "comment": pd.array(["Call Sarah on 07700 900123", None, "fine"], dtype="string"),
        }
    )
    out, counts = redact_frame(frame, ["comment"])
    assert out["comment"].tolist()[0] == "Call [name] on [phone]"
    assert out["comment"].isna().tolist() == [False, True, False]
    assert out["comment"].dtype == frame["comment"].dtype
    assert list(counts.columns) == ["column", "type", "count"] and len(counts) == len(KINDS)
    assert counts.set_index("type")["count"].to_dict() == {
        **dict.fromkeys(KINDS, 0),
        "name": 1,
        "phone": 1,
    }
    assert frame.loc[0, "comment"] == "Call Sarah on 07700 900123"  # input untouched


def test_turn_offsets_stay_true_after_redaction():
    source = "[00:00:01] F: Welcome.\n[00:00:05] P01: My manager Sarah Jones, 07700 900123.\n"
    start = source.index("Welcome.")
    second = source.index("My manager")
    turns = pd.DataFrame(
        {
            "source_id": ["fg1", "fg1"],
            "turn": [1, 2],
            "start": [start, second],
            "end": [start + 8, len(source) - 1],
        }
    )
    turns["text"] = [source[a:b] for a, b in zip(turns["start"], turns["end"], strict=True)]
    out, sources, counts = redact_turns(turns, {"fg1": source})
    assert out["text"].tolist() == ["Welcome.", "My manager [name], [phone]."]
    for row in out.itertuples():
        assert sources["fg1"][row.start : row.end] == row.text
    assert counts.query("type == 'name'")["count"].item() == 1
