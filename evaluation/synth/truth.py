"""``truth.json``: the planted population parameters of a wave, and what they imply.

Conditional truths are the parameters themselves (P(aware | role level), P(experienced racism |
ethnicity group)...). Marginal truths (P(aware) over everyone, P(confident) among Global Majority
staff averaged over their role mix) are computed exactly from the workforce tables, integrating
over awareness and the shared climate factor where a model uses them, so an estimate from any
sample size can be compared with them. Nothing here depends on the sample drawn.
"""

from __future__ import annotations

from dataclasses import asdict, fields, is_dataclass

import numpy as np
import pandas as pd

from evaluation.instrument import load_instrument
from evaluation.synth.coders import CODERS
from evaluation.synth.focus_group import (
    NO_THEME_SHARE,
    TOPIC_GUIDE,
    TWO_THEME_SHARE,
    FocusGroup,
)
from evaluation.synth.free_text import BASE_WEIGHTS, MULTIPLIERS, THEME_COUNT
from evaluation.synth.parameters import (
    GROUPS,
    MANAGER_LEVELS,
    ROLE_LEVELS,
    WORKFORCE,
    OrdinalModel,
    WaveParameters,
    population_mix,
    previous_wave,
)

_NODES, _QUADRATURE_WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
_QUADRATURE_WEIGHTS = _QUADRATURE_WEIGHTS / _QUADRATURE_WEIGHTS.sum()


def _rounded(value: object) -> object:
    """Floats rounded to 6 decimals (stable, readable JSON), recursively."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _logistic(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def p_positive(model: OrdinalModel, params: WaveParameters, role: str, group: str) -> float:
    """P(Agree or Strongly agree | role level, ethnicity group), averaging awareness and climate."""
    aware = {
        "yes": params.aware_yes[role],
        "not_sure": params.aware_not_sure[role],
        "no": 1.0 - params.aware_yes[role] - params.aware_not_sure[role],
    }
    total = 0.0
    for state, p_state in aware.items():
        eta = (
            model.shift
            + model.role_level[role]
            + model.global_majority * (group == "Global Majority")
            + model.aware_yes * (state == "yes")
            + model.aware_not_sure * (state == "not_sure")
        )
        positive = 1.0 - _logistic(model.thresholds[2] - eta - model.climate * _NODES)
        total += p_state * float(np.dot(_QUADRATURE_WEIGHTS, positive))
    return total


def _marginals(cell: dict[tuple[str, str], float], mix: pd.DataFrame) -> dict[str, object]:
    """Average a (role, group) -> probability table over the population's role/group mix."""
    weight = {(r, g): p for r, g, p in mix.itertuples(index=False)}

    def average(keys: list[tuple[str, str]]) -> float:
        w = np.array([weight[k] for k in keys])
        return float(np.dot(w, [cell[k] for k in keys]) / w.sum())

    cells = list(cell)
    return {
        "by_role_level": {r: average([k for k in cells if k[0] == r]) for r in ROLE_LEVELS},
        "by_ethnicity_group": {g: average([k for k in cells if k[1] == g]) for g in GROUPS},
        "overall": average(cells),
    }


def _ordinal_effect(
    name: str, description: str, params: WaveParameters, mix: pd.DataFrame
) -> dict[str, object]:
    model: OrdinalModel = getattr(params, name)
    cells = {(r, g): p_positive(model, params, r, g) for r in ROLE_LEVELS for g in GROUPS}
    return {
        "description": description,
        "variable": name,
        "model": (
            "proportional odds (cumulative logit): P(answer <= k) = logistic(threshold_k - eta), "
            "eta = shift + role_level[r] + global_majority * GM + aware_yes * [aware=Yes] + "
            "aware_not_sure * [aware=Not sure] + climate * c, c ~ N(0, 1) shared by the "
            "organisation items"
        ),
        "reference": {"role_level": "Frontline", "ethnicity_group": "White"},
        "coefficients": {
            **{f"role_level[{r}]": v for r, v in model.role_level.items() if r != "Frontline"},
            "global_majority": model.global_majority,
            "aware_yes": model.aware_yes,
            "aware_not_sure": model.aware_not_sure,
            "climate": model.climate,
            "shift": model.shift,
        },
        "thresholds": list(model.thresholds),
        "p_positive_by_role_level_and_ethnicity_group": {
            r: {g: cells[(r, g)] for g in GROUPS} for r in ROLE_LEVELS
        },
        "p_positive": _marginals(cells, mix),
    }


def _barriers(params: WaveParameters, mix: pd.DataFrame) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, barrier in params.barriers.items():
        cells = {
            (r, g): float(barrier.probability(r in MANAGER_LEVELS, g == "Global Majority"))
            for r in ROLE_LEVELS
            for g in GROUPS
        }
        out[name] = {
            "frontline_white": barrier.frontline_white,
            "manager_odds_ratio": barrier.manager_odds_ratio,
            "global_majority_odds_ratio": barrier.global_majority_odds_ratio,
            "prevalence": _marginals(cells, mix),
        }
    return out


def _funnel(params: WaveParameters, r: float) -> dict[str, object]:
    """P(reported_it is asked | group): a Yes to experienced or witnessed survives non-response."""
    asked: dict[str, object] = {}
    for group in GROUPS:
        pe, pn = params.experienced_racism[group], params.witnessed_if_not_experienced[group]
        pw = params.witnessed_if_experienced
        not_asked = pe * r * (1 - pw * (1 - r)) + (1 - pe) * (1 - pn * (1 - r))
        asked[group] = 1.0 - not_asked
    return asked


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if is_dataclass(value):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: list(value) if isinstance(value, tuple) else value}


def _changes(params: WaveParameters, effects: dict[str, dict]) -> dict[str, object] | None:
    previous = previous_wave(params.wave)
    if previous is None:
        return None
    before, after = _flatten(previous), _flatten(params)
    ignored = {"wave", "change_notes"}
    changed = [
        {"parameter": key, "previous": before[key], "current": after[key]}
        for key in after
        if key not in ignored and before.get(key) != after[key]
    ]
    previous_effects = build_effects(previous)
    awareness = {
        r: {
            "previous": previous.aware_yes[r],
            "current": params.aware_yes[r],
            "difference": params.aware_yes[r] - previous.aware_yes[r],
        }
        for r in ROLE_LEVELS
    }
    implied = {}
    for name in ("confident_to_report", "org_capability_to_respond"):
        old = previous_effects[name]["p_positive"]["overall"]
        new = effects[name]["p_positive"]["overall"]
        implied[f"{name}.p_positive.overall"] = {
            "previous": old,
            "current": new,
            "difference": new - old,
        }
    return {
        "from_wave": previous.wave,
        "description": "Planted differences between this wave's parameters and the previous one's.",
        "notes": list(params.change_notes),
        "parameters": changed,
        "awareness_by_role_level": awareness,
        "implied": implied,
    }


def build_effects(params: WaveParameters) -> dict[str, dict]:
    """The planted effects of a wave with their implied marginal quantities."""
    mix = population_mix(load_instrument().organisations)
    aware_cells = {(r, g): params.aware_yes[r] for r in ROLE_LEVELS for g in GROUPS}
    knows_cells = {(r, g): params.knows_how_to_report_yes[r] for r in ROLE_LEVELS for g in GROUPS}
    p_witnessed = {
        g: params.experienced_racism[g] * params.witnessed_if_experienced
        + (1 - params.experienced_racism[g]) * params.witnessed_if_not_experienced[g]
        for g in GROUPS
    }
    return {
        "awareness_by_role_level": {
            "description": (
                "Awareness of the framework rises steeply with seniority: P(arf_aware = Yes | "
                "role level). Not sure and No share the rest."
            ),
            "variable": "arf_aware",
            "value": "Yes",
            "probability": dict(params.aware_yes),
            "p_not_sure": dict(params.aware_not_sure),
            "p_yes": _marginals(aware_cells, mix),
        },
        "understanding": _ordinal_effect(
            "understanding",
            "Understanding of what the framework asks follows awareness and seniority.",
            params,
            mix,
        ),
        "org_arf_status": {
            "description": (
                "Respondents' belief about their organisation's status: the true status is Bronze "
                "where organisations.csv has public evidence of Bronze, else committed but not yet "
                "awarded; aware staff name it correctly more often, the rest mostly say Don't know."
            ),
            "p_correct_if_aware": params.org_status_correct_if_aware,
            "p_correct_if_not_aware": params.org_status_correct_if_unaware,
        },
        "confident_to_report": _ordinal_effect(
            "confident_to_report",
            (
                "Confidence to report racism: lower for Global Majority staff, higher with "
                "seniority. No climate or awareness term, so an ordinal logit on role level and "
                "Global Majority recovers the coefficients and thresholds."
            ),
            params,
            mix,
        ),
        "knows_how_to_report": {
            "description": "P(knows_how_to_report = Yes | role level); others split the rest.",
            "probability": dict(params.knows_how_to_report_yes),
            "p_yes": _marginals(knows_cells, mix),
        },
        "experienced_racism_by_ethnicity_group": {
            "description": (
                "P(experienced_racism_12m = Yes | true ethnicity group), about twice as high for "
                "Global Majority staff (cf. NHS Staff Survey). Estimate among those who stated "
                "their ethnicity; Prefer not to say (ethnicity) is drawn independently of group."
            ),
            "variable": "experienced_racism_12m",
            "value": "Yes",
            "probability": dict(params.experienced_racism),
            "p_prefer_not_to_say": params.racism_prefer_not_to_say,
            "relative_risk": params.experienced_racism["Global Majority"]
            / params.experienced_racism["White"],
        },
        "witnessed_racism": {
            "description": (
                "P(witnessed_racism_12m = Yes): higher for those who experienced racism; "
                "probability is the implied P(Yes | ethnicity group)."
            ),
            "p_if_experienced": params.witnessed_if_experienced,
            "p_if_not_experienced": dict(params.witnessed_if_not_experienced),
            "probability": p_witnessed,
            "p_prefer_not_to_say": params.racism_prefer_not_to_say,
        },
        "reporting_funnel": {
            "description": (
                "Experienced or witnessed -> reported -> satisfied, leaking at each step. "
                "reported_it is asked when experienced or witnessed is Yes; "
                "satisfied_with_response when reported_it is Yes."
            ),
            "p_asked_reported_by_ethnicity_group": _funnel(params, params.item_nonresponse),
            "p_reported_given_asked": params.reported_given_asked,
            "p_reported_prefer_not_to_say": params.reported_prefer_not_to_say,
            "p_satisfaction_given_reported": dict(params.satisfied_given_reported),
        },
        "org_capability_to_respond": _ordinal_effect(
            "org_capability_to_respond",
            (
                "Confidence that the organisation would address racism effectively: low overall, "
                "lower for Global Majority staff. The climate factor attenuates marginal "
                "coefficients."
            ),
            params,
            mix,
        ),
        "leaders_accountable": _ordinal_effect(
            "leaders_accountable",
            "Senior leaders held accountable: a minority agree, senior staff more often.",
            params,
            mix,
        ),
        "safe_to_speak_up": _ordinal_effect(
            "safe_to_speak_up",
            "Safe to speak up: about half agree, Global Majority staff less often.",
            params,
            mix,
        ),
        "arf_made_difference": _ordinal_effect(
            "arf_made_difference",
            "The framework made a difference: mostly neutral, more positive among aware staff.",
            params,
            mix,
        ),
        "barriers": {
            "description": (
                "Each barrier option is selected independently with probability "
                "logistic(logit(frontline_white) + log(manager OR) * manager + log(GM OR) * GM), "
                "manager = Middle manager and above. Led by competing priorities and inconsistent "
                "leadership accountability; complex submission mostly named by managers; fear of "
                "repercussions by Global Majority staff. prevalence is among those who answered "
                "the question."
            ),
            "options": _barriers(params, mix),
        },
    }


def build_truth(
    params: WaveParameters,
    *,
    seed: int,
    respondents: int,
    with_text: bool,
    focus_group: FocusGroup | None,
) -> dict[str, object]:
    """Everything planted in a wave, as a JSON-ready mapping (floats rounded to 6 places)."""
    instrument = load_instrument()
    mix = population_mix(instrument.organisations)
    effects = build_effects(params)
    gm_share = float(mix.loc[mix["ethnicity_group"] == "Global Majority", "probability"].sum())
    truth: dict[str, object] = {
        "synthetic": True,
        "description": (
            "Synthetic evaluation wave: every respondent, answer, transcript turn and coding is "
            "generated; no real person is described. Values are the true population parameters "
            "used by the generator."
        ),
        "generator": "evaluation.synth",
        "wave": params.wave,
        "seed": seed,
        "respondents": respondents,
        "instrument_version": instrument.version,
        "population": {
            "description": (
                "Respondent population implied by the workforce tables (independent of the sample)."
            ),
            "global_majority_share": gm_share,
            "global_majority_share_by_band": dict(WORKFORCE.global_majority_given_band),
            "role_level_share": mix.groupby("role_level", sort=False)["probability"]
            .sum()
            .to_dict(),
            "women_share_by_staff_group": dict(WORKFORCE.women_share),
            "organisation_relative_size": dict(WORKFORCE.org_size),
        },
        "effects": effects,
        "missingness": {
            "description": "Blank answers, missing completely at random unless stated.",
            "item_nonresponse": params.item_nonresponse,
            "demographic_nonresponse": params.demographic_nonresponse,
            "barrier_question_not_answered": params.barrier_block_nonresponse,
            "ethnicity_prefer_not_to_say": params.ethnicity_prefer_not_to_say,
        },
        "free_text": {
            "description": (
                "Who answers and which leaf themes an answer carries; weight = base weight x the "
                "multipliers of the conditions that hold for the respondent. True themes per "
                "answer are in truth_themes.csv (source_id = respondent_id__field, unit = answer)."
            ),
            "generated": with_text,
            "answer_rate": {
                "comment_change_if_aware": params.comment_change_rate_aware,
                "comment_change_if_not_aware": params.comment_change_rate_unaware,
                "comment_other": params.comment_other_rate,
            },
            "theme_count_probability": dict(zip(("0", "1", "2"), THEME_COUNT, strict=True)),
            "base_weights": BASE_WEIGHTS,
            "multipliers": MULTIPLIERS,
        },
    }
    if focus_group is not None:
        participant_turns = sum(t.speaker != "F" for t in focus_group.turns)
        truth["focus_group"] = {
            "description": (
                "One specialist focus group; themes per participant turn in truth_themes.csv "
                "(source_id = transcript stem, unit = turn number counted from 1 in file order, "
                "facilitator turns included). Offsets index the file's text read as UTF-8 "
                "without newline translation."
            ),
            "source_id": focus_group.source_id,
            "participants": len(focus_group.participants),
            "global_majority_participants": int(
                (focus_group.participants["ethnicity_group"] == "Global Majority").sum()
            ),
            "turns": len(focus_group.turns),
            "participant_turns": int(participant_turns),
            "topic_guide": [topic.name for topic in TOPIC_GUIDE],
            "p_no_theme_turn": NO_THEME_SHARE,
            "p_two_themes_given_themed": TWO_THEME_SHARE,
        }
        truth["coders"] = {
            "description": (
                "Simulated human coders of the participant turns (whole turns as segments): each "
                "misses a true code with miss_rate, adds one spurious code to a turn with "
                "spurious_rate, and coder_b over-applies one code to turns carrying any of "
                "over_apply_when with over_apply_rate."
            ),
            **{profile.name: asdict(profile) for profile in CODERS},
        }
    changes = _changes(params, effects)
    if changes is not None:
        truth["changes_from_previous_wave"] = changes
    return _rounded(truth)  # type: ignore[return-value]  # a dict stays a dict
