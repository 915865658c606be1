"""The instrument file is complete and internally consistent."""

from __future__ import annotations

import pytest

from evaluation.instrument import InstrumentError, parse_instrument

DESIGN_VARIABLES = [
    "respondent_id", "wave", "org_code", "org_name", "icb", "org_type", "staff_group",
    "afc_band", "role_level", "ethnic_group", "gender", "arf_aware", "arf_understanding",
    "org_arf_status", "confident_to_report", "knows_how_to_report", "experienced_racism_12m",
    "witnessed_racism_12m", "reported_it", "satisfied_with_response", "org_capability_to_respond",
    "leaders_accountable", "safe_to_speak_up", "arf_made_difference", "comment_change",
    "comment_other",
]  # fmt: skip


def test_every_design_variable_is_defined_with_wording(instrument):
    for name in DESIGN_VARIABLES:
        assert name in instrument
        assert len(instrument[name].question) > 10, name


def test_ethnicity_has_19_ons_categories_plus_prefer_not_to_say(instrument):
    values = instrument["ethnic_group"].values
    assert len(values) == 20
    assert values[-1] == "Prefer not to say"
    five = instrument.derived_variable("ethnicity_5").lookup()
    assert five["Mixed: White and Black Caribbean"] == "Mixed or multiple"  # Mixed, not White
    assert five["White: Irish"] == "White"
    group = instrument.derived_variable("ethnicity_group").lookup()
    assert group["Prefer not to say"] == "Prefer not to say"  # kept, never folded in
    assert sum(g == "Global Majority" for g in group.values()) == 14


def test_role_levels_are_ordered_frontline_to_board(instrument):
    dtype = instrument.categories("role_level")
    assert dtype.ordered
    assert list(dtype.categories) == [
        "Frontline", "Team leader", "Middle manager", "Senior leader", "Executive or board"
    ]  # fmt: skip


def test_band_groups_follow_the_wres_senior_grouping(instrument):
    lookup = instrument.derived_variable("band_group").lookup()
    assert {lookup[b] for b in ["Band 8a", "Band 9", "VSM"]} == {"Band 8a to VSM"}
    assert lookup["Band 5"] == "Bands 5-7"
    assert lookup["Medical"] == "Medical"
    assert lookup["Not stated"] == "Not stated"


def test_barriers_are_flags_and_agreement_items_share_one_scale(instrument):
    assert len(instrument.of_type("flag")) == 7
    agreement = instrument.scales["agreement5"]
    assert agreement.values[0] == "Strongly disagree" and agreement.values[-1] == "Strongly agree"
    assert len(instrument.with_scale("agreement5")) == 6


def test_organisation_values_come_from_the_reference_list(instrument):
    assert len(instrument["org_code"].values) == len(instrument.organisations) == 31
    assert set(instrument["icb"].values) >= {"NHS Greater Manchester ICB"}


def test_inconsistent_derived_mapping_is_rejected(instrument):
    raw = {
        "variables": [{"name": "x", "type": "categorical", "values": ["a", "b"]}],
        "derived": [{"name": "g", "from": "x", "mapping": {"A": ["a"]}}],
    }
    with pytest.raises(InstrumentError, match="unmapped"):
        parse_instrument(raw, instrument.organisations)


def test_dictionary_lists_every_variable(instrument):
    dictionary = instrument.dictionary()
    assert len(dictionary) == len(instrument.variables) + len(instrument.derived)
