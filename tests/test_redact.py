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


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [  # the kinds that reached a report's outputs before (issue 18), and their neighbours
        ("ask Chidinma in pharmacy", "ask [name] in pharmacy", "name"),
        ("I reported it to Wendell Achterberg.", "I reported it to [name].", "name"),
        ("Okonkwo-Baptiste on our ward", "[name] on our ward", "name"),
        ("nobody challenges Achterberg here", "nobody challenges [name] here", "name"),
        ("Dr Grace Brown said no", "Dr [name] said no", "name"),
        ("I told Hope and she cried", "I told [name] and she cried", "name"),
        ("born 14/03/1987 in Bolton", "born [date of birth] in Bolton", "date_of_birth"),
        ("DOB: 3rd May 1990.", "DOB: [date of birth].", "date_of_birth"),
        ("date of birth 1985-07-09", "date of birth [date of birth]", "date_of_birth"),
        ("lives at 27 Acacia Grove, Salford now", "lives at [address] now", "address"),
        ("sent to Flat 3, 18 Wellington Street", "sent to [address]", "address"),
        ("follow @ward7_banter for it", "follow [handle] for it", "handle"),
        ("my NI number QQ 12 34 56 C was", "my NI number [NI number] was", "ni_number"),
        ("on Ward 7B again", "on [ward] again", "ward"),
        ("the patient in bay 4", "the patient in [ward]", "ward"),
        ("you could ask chidinma on nights", "you could ask [name] on nights", "name"),
        ("i told sarah about it", "i told [name] about it", "name"),
    ],
)
def test_names_no_list_holds_and_the_new_kinds(text, expected, kind):
    result = redact_text(text)
    assert result.text == expected
    assert result.counts == {kind: 1}


@pytest.mark.parametrize(
    "text",
    [
        "Salford Royal and Tameside General are both in Greater Manchester.",
        "We use Datix and ESR, and the rota is on Healthroster.",
        "Occupational Health referred me to the Chaplaincy team.",
        "The board met on 14/03/2025 to discuss 3 complaints.",
        "She was born in a hurry, apparently.",
        "I was called Paki at work.",
        "The only problem was the wait.",
        "Our ward has 12 beds and 3 bays.",
        "ask them about it, or speak to occupational health",
    ],
)
def test_vocabulary_and_ordinary_text_survive_the_new_rules(text):
    result = redact_text(text)
    assert result.text == text, result.text


def test_identifying_description_is_held_until_cleared():
    from evaluation.redact import identifying_passages

    text = "It was fine. I am the only Black matron on Ward 7B at Tameside. Nobody else."
    ((start, end, key),) = identifying_passages(text)
    assert text[start:end] == "I am the only Black matron on Ward 7B at Tameside."
    held = redact_text(text)
    assert held.text == "It was fine. [held for review] Nobody else."
    assert held.counts == {"review": 1}
    cleared = redact_text(text, cleared={key})
    assert (
        cleared.text
        == "It was fine. I am the only Black matron on [ward] at Tameside. Nobody else."
    )


def test_email_finder_agrees_with_addresses_in_context():
    result = redact_text("a.b-c+d@nhs.net, x@y.co.uk. not@this and @handle_x or me@")
    assert result.text == "[email], [email]. not@this and [handle] or me@"


def test_given_names_in_directory_form_are_split_into_parts():
    result = redact_text(
        "Achterberg said no at MFT; Wendell left.", names=["Achterberg, Wendell (MFT)"]
    )
    assert result.text == "[name] said no at MFT; [name] left."
