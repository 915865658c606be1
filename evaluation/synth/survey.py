"""The synthetic staff survey: one row per respondent, answers as the instrument's labels.

Respondents are independent draws from the population of :mod:`evaluation.synth.parameters`:
organisation (by size), pay band, role level given band, ethnicity given band, staff group and
gender; then their answers from the wave's planted parameters. Everything is vectorised numpy
(a million respondents take seconds), with draws made in a fixed order from one seeded stream.

Missingness is planted too: a small share of item non-response (blank cells, missing completely
at random), "Prefer not to say" for ethnicity, the whole barrier question unanswered for a few,
and skip logic (``reported_it`` only for those who said Yes to experiencing or witnessing racism,
``satisfied_with_response`` only for those who reported).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.instrument import Instrument, load_instrument
from evaluation.synth.free_text import TEXT_FIELDS, free_text_answers
from evaluation.synth.parameters import (
    AGREEMENT,
    BANDS,
    CORPORATE_ORG_TYPES,
    MANAGER_LEVELS,
    ROLE_LEVELS,
    WORKFORCE,
    OrdinalModel,
    WaveParameters,
    org_weights,
    wave_parameters,
)
from evaluation.synth.streams import stream

YES_NO_UNSURE = ("Yes", "No", "Not sure")
YES_NO_PREFER = ("Yes", "No", "Prefer not to say")
ORG_STATUS = ("Not committed", "Committed but not yet awarded", "Bronze", "Silver", "Gold")
DONT_KNOW = "Don't know"
ORG_ITEMS = (
    "org_capability_to_respond",
    "leaders_accountable",
    "safe_to_speak_up",
    "arf_made_difference",
)


@dataclass(frozen=True)
class SyntheticSurvey:
    """A generated survey with what the file does not show.

    ``frame``: the survey as written to ``survey.csv`` (instrument columns, labels, ``NA`` for
    blank). ``global_majority`` and ``role_level``: each respondent's true ethnicity group and
    role level, known even where the answer is "Prefer not to say" or blank. ``themes``: true
    themes of the free-text answers (``source_id, unit, code_id``).
    """

    frame: pd.DataFrame
    global_majority: np.ndarray
    role_level: np.ndarray
    themes: pd.DataFrame


def _draw_rows(rng: np.random.Generator, keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from ``table[key]`` (a probability row per key)."""
    table = table / table.sum(axis=1, keepdims=True)
    out = np.empty(len(keys), dtype=np.int64)
    for key in range(len(table)):
        rows = np.flatnonzero(keys == key)
        if rows.size:
            out[rows] = rng.choice(table.shape[1], size=rows.size, p=table[key])
    return out


def _ordinal(
    rng: np.random.Generator,
    model: OrdinalModel,
    role: np.ndarray,
    global_majority: np.ndarray,
    aware: np.ndarray,
    climate: np.ndarray,
) -> np.ndarray:
    """Codes 0-4 on the agreement scale from the latent logistic model."""
    coefficients = np.array([model.role_level[r] for r in ROLE_LEVELS])
    latent = (
        model.shift
        + coefficients[role]
        + model.global_majority * global_majority
        + model.aware_yes * (aware == 0)
        + model.aware_not_sure * (aware == 2)
        + model.climate * climate
        + rng.logistic(size=len(role))
    )
    return np.searchsorted(np.asarray(model.thresholds), latent, side="left")


def _yes_no_prefer(rng: np.random.Generator, p_yes: np.ndarray, p_prefer: float) -> np.ndarray:
    """Codes in YES_NO_PREFER order: Yes with ``p_yes``, Prefer not to say with ``p_prefer``."""
    u = rng.random(len(p_yes))
    return np.where(u < p_yes, 0, np.where(u < p_yes + p_prefer, 2, 1))


def _categorical(codes: np.ndarray, labels: tuple[str, ...], instrument: Instrument, name: str):
    """Codes into ``labels`` (-1 = blank) as a Categorical in the instrument's categories."""
    variable = instrument[name]
    position = np.array([variable.values.index(label) for label in labels])
    mapped = np.where(codes >= 0, position[np.clip(codes, 0, None)], -1)
    return pd.Categorical.from_codes(
        mapped, categories=list(variable.values), ordered=variable.ordered
    )


def _organisation_status(
    rng: np.random.Generator, bronze: np.ndarray, aware: np.ndarray, params: WaveParameters
) -> np.ndarray:
    """What respondents believe their organisation's status is (codes into ORG_STATUS + Don't know).

    The true status is Bronze where the organisation has public evidence of Bronze, otherwise
    committed but not yet awarded. Aware staff more often know it; the rest mostly say Don't know.
    """
    rows = []
    for is_bronze in (False, True):
        for is_aware in (False, True):
            if is_aware:
                correct, dont_know_share = params.org_status_correct_if_aware, 0.75
            else:
                correct, dont_know_share = params.org_status_correct_if_unaware, 0.85
            rest = 1.0 - correct
            wrong = rest * (1.0 - dont_know_share)
            true_status, other_status = (2, 1) if is_bronze else (1, 2)
            row = np.zeros(len(ORG_STATUS) + 1)
            row[true_status] = correct
            row[-1] = rest * dont_know_share
            row[other_status] = wrong * 0.5
            row[0] = wrong * 0.4
            row[3] = wrong * 0.1
            rows.append(row)
    key = bronze.astype(int) * 2 + (aware == 0).astype(int)
    return _draw_rows(rng, key, np.array(rows))


def _blank(rng: np.random.Generator, codes: np.ndarray, rate: float) -> np.ndarray:
    """Item non-response: each answer blank (-1) with probability ``rate``."""
    return np.where(rng.random(len(codes)) < rate, -1, codes)


def respondent_ids(wave: int, respondents: int) -> list[str]:
    """Pseudonymous ids that include the wave (``R25-0001``), so waves never collide."""
    width = max(4, len(str(respondents)))
    return [f"R{wave % 100:02d}-{i:0{width}d}" for i in range(1, respondents + 1)]


def generate_survey(
    wave: int,
    respondents: int,
    seed: int,
    *,
    with_text: bool = True,
    instrument: Instrument | None = None,
) -> SyntheticSurvey:
    """Draw ``respondents`` survey responses for ``wave`` from its planted parameters.

    ``with_text=False`` leaves the free-text columns blank (for very large samples); the other
    columns are identical either way because text has its own random stream.
    """
    if respondents < 1:
        raise ValueError(f"respondents must be at least 1, got {respondents}")
    params = wave_parameters(wave)
    instrument = instrument or load_instrument()
    rng = stream(seed, wave, "survey")
    n = respondents
    orgs = instrument.organisations.reset_index(drop=True)

    org = rng.choice(len(orgs), size=n, p=org_weights(orgs))
    corporate_org = orgs["org_type"].isin(CORPORATE_ORG_TYPES).to_numpy()
    corporate = corporate_org[org]
    band_table = np.array(
        [[WORKFORCE.band_mix[g].get(b, 0.0) for b in BANDS] for g in ("provider", "corporate")]
    )
    band = _draw_rows(rng, corporate.astype(int), band_table)
    role = _draw_rows(rng, band, np.array([WORKFORCE.role_given_band[b] for b in BANDS]))
    p_gm = np.array([WORKFORCE.global_majority_given_band[b] for b in BANDS])
    global_majority = rng.random(n) < p_gm[band]

    gm_labels = tuple(WORKFORCE.global_majority_categories)
    white_labels = tuple(WORKFORCE.white_categories)
    ethnic_labels = (*gm_labels, *white_labels, "Prefer not to say")
    gm_code = rng.choice(
        len(gm_labels), size=n, p=_normalised(WORKFORCE.global_majority_categories)
    )
    white_code = rng.choice(len(white_labels), size=n, p=_normalised(WORKFORCE.white_categories))
    ethnic = np.where(global_majority, gm_code, len(gm_labels) + white_code)
    ethnic = np.where(
        rng.random(n) < params.ethnicity_prefer_not_to_say, len(ethnic_labels) - 1, ethnic
    )

    staff_labels = tuple(instrument["staff_group"].values)
    band_classes = tuple(WORKFORCE.staff_group_given_band_class)
    class_table = np.array(
        [[band_classes.index(WORKFORCE.band_class(b, c)) for b in BANDS] for c in (False, True)]
    )
    band_class = class_table[corporate.astype(int), band]
    staff_table = np.array(
        [
            [WORKFORCE.staff_group_given_band_class[c].get(s, 0.0) for s in staff_labels]
            for c in band_classes
        ]
    )
    staff = _draw_rows(rng, band_class, staff_table)
    ambulance = (orgs["org_type"].to_numpy() == "ambulance")[org]
    operational = (
        ambulance
        & (band != BANDS.index("Medical"))
        & (rng.random(n) < WORKFORCE.ambulance_operational_share)
    )
    staff = np.where(operational, staff_labels.index("Ambulance (operational)"), staff)

    gender_labels = ("Woman", "Man", *WORKFORCE.gender_other)
    other = sum(WORKFORCE.gender_other.values())
    gender_table = np.array(
        [
            [
                (1 - other) * p_woman,
                (1 - other) * (1 - p_woman),
                *WORKFORCE.gender_other.values(),
            ]
            for p_woman in (
                WORKFORCE.women_share.get(s, WORKFORCE.women_share["default"]) for s in staff_labels
            )
        ]
    )
    gender = _draw_rows(rng, staff, gender_table)

    aware_table = np.array(
        [
            [
                params.aware_yes[r],
                1 - params.aware_yes[r] - params.aware_not_sure[r],
                params.aware_not_sure[r],
            ]
            for r in ROLE_LEVELS
        ]
    )
    aware = _draw_rows(rng, role, aware_table)
    climate = rng.standard_normal(n)
    understanding = _ordinal(rng, params.understanding, role, global_majority, aware, climate)
    bronze = (orgs["arf_bronze_public_evidence"].to_numpy() == "yes")[org]
    status = _organisation_status(rng, bronze, aware, params)
    confident = _ordinal(rng, params.confident_to_report, role, global_majority, aware, climate)
    knows_table = np.array(
        [
            [p, (1 - p) / 2, (1 - p) / 2]
            for p in (params.knows_how_to_report_yes[r] for r in ROLE_LEVELS)
        ]
    )
    knows = _draw_rows(rng, role, knows_table)

    group = global_majority.astype(int)
    p_experienced = np.array([params.experienced_racism[g] for g in ("White", "Global Majority")])
    experienced = _yes_no_prefer(rng, p_experienced[group], params.racism_prefer_not_to_say)
    p_witnessed_not = np.array(
        [params.witnessed_if_not_experienced[g] for g in ("White", "Global Majority")]
    )
    p_witnessed = np.where(
        experienced == 0, params.witnessed_if_experienced, p_witnessed_not[group]
    )
    witnessed = _yes_no_prefer(rng, p_witnessed, params.racism_prefer_not_to_say)
    experienced = _blank(rng, experienced, params.item_nonresponse)
    witnessed = _blank(rng, witnessed, params.item_nonresponse)
    asked_reported = (experienced == 0) | (witnessed == 0)
    reported = _yes_no_prefer(
        rng, np.full(n, params.reported_given_asked), params.reported_prefer_not_to_say
    )
    reported = np.where(asked_reported, _blank(rng, reported, params.item_nonresponse), -1)
    satisfaction_labels = tuple(params.satisfied_given_reported)
    satisfied = rng.choice(
        len(satisfaction_labels), size=n, p=_normalised(params.satisfied_given_reported)
    )
    satisfied = np.where(reported == 0, _blank(rng, satisfied, params.item_nonresponse), -1)

    org_items = {
        name: _ordinal(rng, getattr(params, name), role, global_majority, aware, climate)
        for name in ORG_ITEMS
    }

    manager = np.isin(np.asarray(ROLE_LEVELS)[role], MANAGER_LEVELS)
    barrier_block_blank = rng.random(n) < params.barrier_block_nonresponse
    barriers = {
        name: np.where(
            barrier_block_blank,
            -1,
            rng.random(n) < barrier.probability(manager, global_majority),
        )
        for name, barrier in params.barriers.items()
    }

    demographic_rate = params.demographic_nonresponse
    item_rate = params.item_nonresponse
    columns: dict[str, object] = {
        "respondent_id": pd.array(respondent_ids(wave, n), dtype="string"),
        "wave": pd.array(np.full(n, wave), dtype="Int64"),
        "org_code": _categorical(org, tuple(orgs["org_code"]), instrument, "org_code"),
        "org_name": _categorical(org, tuple(orgs["org_name"]), instrument, "org_name"),
        "icb": _categorical(org, tuple(orgs["icb"]), instrument, "icb"),
        "org_type": _categorical(org, tuple(orgs["org_type"]), instrument, "org_type"),
        "staff_group": _categorical(
            _blank(rng, staff, demographic_rate), staff_labels, instrument, "staff_group"
        ),
        "afc_band": _categorical(band, BANDS, instrument, "afc_band"),
        "role_level": _categorical(
            _blank(rng, role, demographic_rate), ROLE_LEVELS, instrument, "role_level"
        ),
        "ethnic_group": _categorical(ethnic, ethnic_labels, instrument, "ethnic_group"),
        "gender": _categorical(
            _blank(rng, gender, demographic_rate), gender_labels, instrument, "gender"
        ),
        "arf_aware": _categorical(
            _blank(rng, aware, item_rate), YES_NO_UNSURE, instrument, "arf_aware"
        ),
        "arf_understanding": _categorical(
            _blank(rng, understanding, item_rate), AGREEMENT, instrument, "arf_understanding"
        ),
        "org_arf_status": _categorical(
            _blank(rng, status, item_rate), (*ORG_STATUS, DONT_KNOW), instrument, "org_arf_status"
        ),
        "confident_to_report": _categorical(
            _blank(rng, confident, item_rate), AGREEMENT, instrument, "confident_to_report"
        ),
        "knows_how_to_report": _categorical(
            _blank(rng, knows, item_rate), YES_NO_UNSURE, instrument, "knows_how_to_report"
        ),
        "experienced_racism_12m": _categorical(
            experienced, YES_NO_PREFER, instrument, "experienced_racism_12m"
        ),
        "witnessed_racism_12m": _categorical(
            witnessed, YES_NO_PREFER, instrument, "witnessed_racism_12m"
        ),
        "reported_it": _categorical(reported, YES_NO_PREFER, instrument, "reported_it"),
        "satisfied_with_response": _categorical(
            satisfied, satisfaction_labels, instrument, "satisfied_with_response"
        ),
    }
    for name, codes in org_items.items():
        columns[name] = _categorical(_blank(rng, codes, item_rate), AGREEMENT, instrument, name)
    for name, flags in barriers.items():
        columns[name] = pd.arrays.IntegerArray(
            np.where(flags < 0, 0, flags).astype(np.int8), mask=flags < 0
        )
    for name in TEXT_FIELDS:
        columns[name] = pd.Series(pd.NA, index=range(n), dtype="string")
    frame = pd.DataFrame(columns)[instrument.names]

    role_labels = np.asarray(ROLE_LEVELS)[role]
    themes = pd.DataFrame(columns=["source_id", "unit", "code_id"])
    if with_text:
        texts, themes = free_text_answers(
            frame, global_majority, role_labels, params, stream(seed, wave, "text")
        )
        for name, values in texts.items():
            frame[name] = values
    return SyntheticSurvey(frame, global_majority, role_labels, themes)


def _normalised(weights: dict[str, float]) -> np.ndarray:
    values = np.array(list(weights.values()), dtype=float)
    return values / values.sum()
