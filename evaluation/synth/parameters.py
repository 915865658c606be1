"""The synthetic population: workforce tables (fixed) and one parameter set per wave (planted).

Everything the generator draws from is written here as data, so that ``truth.json`` can report
exactly what was planted and a reader can see, in one place, what differs between waves.

* :data:`WORKFORCE` describes who answers: organisation sizes, pay bands, role level given band,
  the Global Majority share by band (high at Band 5, falling from Band 8a), staff group, gender.
  It does not change between waves.
* :data:`WAVES` maps each wave to its :class:`WaveParameters`: the true answer probabilities and
  model coefficients. A new wave is a ``dataclasses.replace`` of the previous one, listing the
  planted changes in ``change_notes``.

Probabilities are population parameters for one respondent drawn at random, so a sample estimate
is a binomial estimate of them (respondents are independent draws).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

ROLE_LEVELS = ("Frontline", "Team leader", "Middle manager", "Senior leader", "Executive or board")
MANAGER_LEVELS = ("Middle manager", "Senior leader", "Executive or board")
GROUPS = ("White", "Global Majority")
AGREEMENT = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
BANDS = (
    "Band 2",
    "Band 3",
    "Band 4",
    "Band 5",
    "Band 6",
    "Band 7",
    "Band 8a",
    "Band 8b",
    "Band 8c",
    "Band 8d",
    "Band 9",
    "VSM",
    "Medical",
    "Not stated",
)
CORPORATE_ORG_TYPES = ("commissioner", "regional")


@dataclass(frozen=True)
class Workforce:
    """Who responds: the joint distribution of organisation, band, role, ethnicity and gender.

    Values are plausible, not official: organisation sizes follow the rough scale of each
    organisation's workforce (large acute groups many respondents, ICBs and small specialist
    trusts few, so per-organisation tables need suppression); the Global Majority share by band
    follows the WRES shape (highest at Band 5 and among medical staff, falling sharply from 8a),
    scaled down because the North West is less diverse than England (about 20% overall).
    """

    org_size: dict[str, float]
    org_size_by_type: dict[str, float]
    band_mix: dict[str, dict[str, float]]
    role_given_band: dict[str, tuple[float, float, float, float, float]]
    global_majority_given_band: dict[str, float]
    staff_group_given_band_class: dict[str, dict[str, float]]
    ambulance_operational_share: float
    women_share: dict[str, float]
    gender_other: dict[str, float]
    global_majority_categories: dict[str, float]
    white_categories: dict[str, float]

    def band_class(self, band: str, corporate: bool = False) -> str:
        """The class (of band, or corporate employer) that selects a staff-group mix."""
        if corporate and band != "Medical":
            return "Corporate"
        if band in ("Band 2", "Band 3"):
            return "Bands 2-3"
        if band == "Band 4":
            return "Band 4"
        if band in ("Band 5", "Band 6", "Band 7"):
            return "Bands 5-7"
        if band in ("Medical", "Not stated"):
            return band
        return "Band 8a and above"


def _by_band(*probabilities: float) -> dict[str, float]:
    return dict(zip(BANDS, probabilities, strict=True))


WORKFORCE = Workforce(
    # Relative number of respondents per organisation (org_code); organisations not listed take
    # the default for their type. Roughly proportional to workforce size, not official figures.
    org_size={
        "R0A": 10.0,
        "RM3": 8.0,
        "REM": 8.0,
        "RXN": 4.5,
        "RXR": 4.0,
        "RW4": 4.0,
        "RX7": 3.5,
        "RTX": 3.5,
        "RXL": 3.5,
        "RBN": 3.5,
        "RRF": 3.0,
        "RMC": 3.0,
        "RWJ": 3.0,
        "RBL": 3.0,
        "RW5": 3.0,
        "RWW": 2.5,
        "RXV": 2.5,
        "RMP": 2.0,
        "RBT": 2.0,
        "RJR": 2.0,
        "RT2": 2.0,
        "RXA": 1.8,
        "RBS": 1.8,
        "RBV": 1.5,
        "RJN": 1.0,
        "RY7": 0.8,
        "REN": 0.8,
        "QOP": 0.8,
        "QYG": 0.6,
        "Y62": 0.5,
        "QE1": 0.4,
    },
    org_size_by_type={
        "acute": 3.0,
        "mental health": 2.0,
        "community": 1.0,
        "ambulance": 3.0,
        "specialist": 1.2,
        "commissioner": 0.6,
        "regional": 0.5,
    },
    # P(band) in BANDS order (Band 2 ... VSM, Medical, Not stated), for providers and for the
    # commissioners and the region (older, more senior, few clinical staff).
    band_mix={
        "provider": _by_band(
            0.08, 0.11, 0.09, 0.20, 0.17, 0.12, 0.06, 0.03, 0.015, 0.01, 0.005, 0.005, 0.085, 0.02
        ),
        "corporate": _by_band(
            0.0, 0.05, 0.08, 0.07, 0.10, 0.20, 0.17, 0.12, 0.08, 0.05, 0.03, 0.03, 0.01, 0.01
        ),
    },
    # P(role level | band) in ROLE_LEVELS order.
    role_given_band={
        "Band 2": (0.98, 0.02, 0.0, 0.0, 0.0),
        "Band 3": (0.96, 0.04, 0.0, 0.0, 0.0),
        "Band 4": (0.90, 0.09, 0.01, 0.0, 0.0),
        "Band 5": (0.90, 0.09, 0.01, 0.0, 0.0),
        "Band 6": (0.72, 0.24, 0.04, 0.0, 0.0),
        "Band 7": (0.38, 0.40, 0.20, 0.02, 0.0),
        "Band 8a": (0.10, 0.30, 0.50, 0.10, 0.0),
        "Band 8b": (0.02, 0.10, 0.58, 0.30, 0.0),
        "Band 8c": (0.0, 0.02, 0.40, 0.56, 0.02),
        "Band 8d": (0.0, 0.0, 0.20, 0.72, 0.08),
        "Band 9": (0.0, 0.0, 0.05, 0.55, 0.40),
        "VSM": (0.0, 0.0, 0.0, 0.20, 0.80),
        "Medical": (0.68, 0.12, 0.10, 0.08, 0.02),
        "Not stated": (0.70, 0.15, 0.10, 0.05, 0.0),
    },
    global_majority_given_band={
        "Band 2": 0.14,
        "Band 3": 0.13,
        "Band 4": 0.12,
        "Band 5": 0.34,
        "Band 6": 0.20,
        "Band 7": 0.15,
        "Band 8a": 0.10,
        "Band 8b": 0.08,
        "Band 8c": 0.07,
        "Band 8d": 0.06,
        "Band 9": 0.06,
        "VSM": 0.06,
        "Medical": 0.40,
        "Not stated": 0.15,
    },
    staff_group_given_band_class={
        "Bands 2-3": {
            "Nursing or healthcare assistants": 0.45,
            "Administrative and clerical": 0.28,
            "Estates and ancillary": 0.17,
            "Other": 0.10,
        },
        "Band 4": {
            "Administrative and clerical": 0.45,
            "Nursing or healthcare assistants": 0.22,
            "Healthcare scientists and technical": 0.10,
            "Allied health professionals": 0.05,
            "Estates and ancillary": 0.06,
            "Other": 0.12,
        },
        "Bands 5-7": {
            "Registered nurses and midwives": 0.56,
            "Allied health professionals": 0.19,
            "Healthcare scientists and technical": 0.08,
            "Administrative and clerical": 0.08,
            "General management": 0.03,
            "Other": 0.06,
        },
        "Band 8a and above": {
            "General management": 0.40,
            "Registered nurses and midwives": 0.24,
            "Allied health professionals": 0.10,
            "Healthcare scientists and technical": 0.07,
            "Administrative and clerical": 0.11,
            "Other": 0.08,
        },
        "Medical": {"Medical and dental": 1.0},
        "Corporate": {
            "General management": 0.45,
            "Administrative and clerical": 0.35,
            "Registered nurses and midwives": 0.12,
            "Other": 0.08,
        },
        "Not stated": {
            "Registered nurses and midwives": 0.30,
            "Nursing or healthcare assistants": 0.20,
            "Administrative and clerical": 0.25,
            "Other": 0.25,
        },
    },
    # In the ambulance trust this share of non-medical staff are operational (paramedics, EMTs).
    ambulance_operational_share=0.6,
    # P(woman) by staff group family: most NHS staff are women; medical, estates and ambulance
    # operational staff less so. Everyone else: man, or the small shares in gender_other.
    women_share={
        "Medical and dental": 0.50,
        "Estates and ancillary": 0.45,
        "Ambulance (operational)": 0.48,
        "default": 0.80,
    },
    gender_other={
        "Non-binary": 0.005,
        "Prefer to self-describe": 0.003,
        "Prefer not to say": 0.012,
    },
    global_majority_categories={
        "Asian: Indian": 0.24,
        "Asian: Pakistani": 0.14,
        "Asian: Bangladeshi": 0.03,
        "Asian: Chinese": 0.04,
        "Asian: Any other Asian background": 0.11,
        "Black: African": 0.18,
        "Black: Caribbean": 0.04,
        "Black: Any other Black, Black British or Caribbean background": 0.02,
        "Mixed: White and Asian": 0.03,
        "Mixed: White and Black African": 0.02,
        "Mixed: White and Black Caribbean": 0.04,
        "Mixed: Any other Mixed or multiple ethnic background": 0.03,
        "Other: Arab": 0.03,
        "Other: Any other ethnic group": 0.05,
    },
    white_categories={
        "White: English, Welsh, Scottish, Northern Irish or British": 0.880,
        "White: Irish": 0.030,
        "White: Gypsy or Irish Traveller": 0.002,
        "White: Roma": 0.001,
        "White: Any other White background": 0.087,
    },
)


@dataclass(frozen=True)
class OrdinalModel:
    """A 5-point agreement item drawn from a latent logistic variable (proportional odds).

    ``y* = shift + role_level[r] + global_majority * GM + aware_yes * [aware = Yes]
    + aware_not_sure * [aware = Not sure] + climate * c + e`` with ``e`` standard logistic and
    ``c`` a standard normal respondent factor shared by the organisation items (it makes them
    correlate). The answer is the k-th of the agreement scale when
    ``thresholds[k-1] < y* <= thresholds[k]``; so ``P(y <= k) = logistic(thresholds[k] - eta)``,
    the parameterisation of statsmodels' ``OrderedModel`` and R's ``MASS::polr``. With
    ``climate = 0`` an ordinal logit on the same terms recovers the coefficients exactly; with
    ``climate > 0`` the marginal coefficients are attenuated.
    """

    thresholds: tuple[float, float, float, float]
    role_level: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ROLE_LEVELS, 0.0))
    global_majority: float = 0.0
    aware_yes: float = 0.0
    aware_not_sure: float = 0.0
    climate: float = 0.0
    shift: float = 0.0


@dataclass(frozen=True)
class Barrier:
    """P(option selected) for a White frontline respondent, with odds ratios for who differs."""

    frontline_white: float
    manager_odds_ratio: float = 1.0  # Middle manager and above versus Frontline/Team leader
    global_majority_odds_ratio: float = 1.0

    def probability(
        self, manager: np.ndarray | bool, global_majority: np.ndarray | bool
    ) -> np.ndarray:
        """P(selected) for each respondent (vectorised over boolean arrays)."""
        logit = np.log(self.frontline_white / (1.0 - self.frontline_white))
        logit = (
            logit
            + np.log(self.manager_odds_ratio) * np.asarray(manager, dtype=float)
            + np.log(self.global_majority_odds_ratio) * np.asarray(global_majority, dtype=float)
        )
        return 1.0 / (1.0 + np.exp(-logit))


@dataclass(frozen=True)
class WaveParameters:
    """Every planted parameter of one wave (the table that ``truth.json`` reports)."""

    wave: int
    change_notes: tuple[str, ...]
    aware_yes: dict[str, float]
    aware_not_sure: dict[str, float]
    understanding: OrdinalModel
    org_status_correct_if_aware: float
    org_status_correct_if_unaware: float
    confident_to_report: OrdinalModel
    knows_how_to_report_yes: dict[str, float]
    experienced_racism: dict[str, float]
    witnessed_if_experienced: float
    witnessed_if_not_experienced: dict[str, float]
    racism_prefer_not_to_say: float
    reported_given_asked: float
    reported_prefer_not_to_say: float
    satisfied_given_reported: dict[str, float]
    org_capability_to_respond: OrdinalModel
    leaders_accountable: OrdinalModel
    safe_to_speak_up: OrdinalModel
    arf_made_difference: OrdinalModel
    barriers: dict[str, Barrier]
    item_nonresponse: float
    demographic_nonresponse: float
    barrier_block_nonresponse: float
    ethnicity_prefer_not_to_say: float
    comment_change_rate_aware: float
    comment_change_rate_unaware: float
    comment_other_rate: float


_ROLE_STEP = dict(zip(ROLE_LEVELS, (0.0, 0.3, 0.6, 1.0, 1.4), strict=True))

WAVE_2025 = WaveParameters(
    wave=2025,
    change_notes=(),
    aware_yes=dict(zip(ROLE_LEVELS, (0.30, 0.50, 0.65, 0.85, 0.95), strict=True)),
    aware_not_sure=dict(zip(ROLE_LEVELS, (0.15, 0.12, 0.10, 0.05, 0.02), strict=True)),
    understanding=OrdinalModel(
        thresholds=(-1.5, 0.0, 1.2, 3.6),
        role_level=dict(zip(ROLE_LEVELS, (0.0, 0.2, 0.4, 0.7, 1.0), strict=True)),
        aware_yes=2.2,
        aware_not_sure=0.6,
    ),
    org_status_correct_if_aware=0.60,
    org_status_correct_if_unaware=0.12,
    confident_to_report=OrdinalModel(
        thresholds=(-2.2, -0.9, 0.1, 2.0),
        role_level=_ROLE_STEP,
        global_majority=-0.8,
    ),
    knows_how_to_report_yes=dict(zip(ROLE_LEVELS, (0.55, 0.68, 0.78, 0.86, 0.92), strict=True)),
    experienced_racism={"White": 0.07, "Global Majority": 0.16},
    witnessed_if_experienced=0.45,
    witnessed_if_not_experienced={"White": 0.10, "Global Majority": 0.14},
    racism_prefer_not_to_say=0.02,
    reported_given_asked=0.40,
    reported_prefer_not_to_say=0.06,
    satisfied_given_reported={"No": 0.45, "Partly": 0.35, "Yes": 0.20},
    org_capability_to_respond=OrdinalModel(
        thresholds=(-2.0, -0.5, 0.6, 2.6),
        role_level=dict(zip(ROLE_LEVELS, (0.0, 0.2, 0.4, 0.7, 1.0), strict=True)),
        global_majority=-0.6,
        climate=0.8,
    ),
    leaders_accountable=OrdinalModel(
        thresholds=(-1.6, -0.2, 1.0, 3.0),
        role_level=dict(zip(ROLE_LEVELS, (0.0, 0.1, 0.3, 0.6, 0.9), strict=True)),
        global_majority=-0.4,
        climate=0.8,
    ),
    safe_to_speak_up=OrdinalModel(
        thresholds=(-2.4, -1.0, -0.1, 2.2),
        role_level=dict(zip(ROLE_LEVELS, (0.0, 0.2, 0.4, 0.6, 0.8), strict=True)),
        global_majority=-0.5,
        climate=0.8,
    ),
    arf_made_difference=OrdinalModel(
        thresholds=(-1.2, 0.2, 2.2, 4.0),
        role_level=dict(zip(ROLE_LEVELS, (0.0, 0.1, 0.2, 0.4, 0.6), strict=True)),
        aware_yes=1.0,
        climate=0.6,
    ),
    barriers={
        "barrier_competing_priorities": Barrier(0.60, manager_odds_ratio=1.4),
        "barrier_inconsistent_accountability": Barrier(
            0.45, manager_odds_ratio=1.2, global_majority_odds_ratio=1.3
        ),
        "barrier_lack_of_resources": Barrier(0.38, manager_odds_ratio=1.2),
        "barrier_fear_of_repercussions": Barrier(
            0.22, manager_odds_ratio=0.7, global_majority_odds_ratio=2.2
        ),
        "barrier_low_awareness": Barrier(0.36, manager_odds_ratio=0.6),
        "barrier_individuals_without_authority": Barrier(0.26, global_majority_odds_ratio=1.5),
        "barrier_complex_submission": Barrier(0.08, manager_odds_ratio=4.0),
    },
    item_nonresponse=0.02,
    demographic_nonresponse=0.01,
    barrier_block_nonresponse=0.04,
    ethnicity_prefer_not_to_say=0.04,
    comment_change_rate_aware=0.60,
    comment_change_rate_unaware=0.40,
    comment_other_rate=0.45,
)

WAVE_2026 = replace(
    WAVE_2025,
    wave=2026,
    change_notes=(
        "Frontline awareness of the framework rises from 30% to 45% (team leaders 50% to 55%).",
        "Reporting confidence is unchanged: same proportional-odds coefficients and thresholds.",
        "Organisational capability to respond rises slightly: +0.25 on the latent logistic scale.",
        "Low awareness is named as a barrier less often: 36% to 30% for White frontline staff.",
    ),
    aware_yes={**WAVE_2025.aware_yes, "Frontline": 0.45, "Team leader": 0.55},
    org_capability_to_respond=replace(WAVE_2025.org_capability_to_respond, shift=0.25),
    barriers={
        **WAVE_2025.barriers,
        "barrier_low_awareness": Barrier(0.30, manager_odds_ratio=0.6),
    },
)

WAVES: dict[int, WaveParameters] = {p.wave: p for p in (WAVE_2025, WAVE_2026)}


def wave_parameters(wave: int) -> WaveParameters:
    """The planted parameters of ``wave``; a wave without a parameter set is an error."""
    try:
        return WAVES[wave]
    except KeyError:
        raise ValueError(
            f"no synthetic parameters for wave {wave}; defined waves: {sorted(WAVES)}"
        ) from None


def previous_wave(wave: int) -> WaveParameters | None:
    """The parameter set of the wave before ``wave``, if one is defined."""
    earlier = [w for w in WAVES if w < wave]
    return WAVES[max(earlier)] if earlier else None


def org_weights(organisations: pd.DataFrame) -> np.ndarray:
    """Sampling probability of each organisation (row order of ``organisations``)."""
    sizes = [
        WORKFORCE.org_size.get(code, WORKFORCE.org_size_by_type.get(kind, 1.0))
        for code, kind in zip(organisations["org_code"], organisations["org_type"], strict=True)
    ]
    weights = np.asarray(sizes, dtype=float)
    return weights / weights.sum()


def population_mix(organisations: pd.DataFrame) -> pd.DataFrame:
    """P(role level, ethnicity group) in the respondent population, from the workforce tables.

    Used to turn conditional truths into marginal ones (e.g. the expected share of Global
    Majority respondents who feel confident to report, averaged over their role mix). Columns:
    ``role_level, ethnicity_group, probability`` (sums to 1).
    """
    weights = org_weights(organisations)
    corporate = organisations["org_type"].isin(CORPORATE_ORG_TYPES).to_numpy()
    p_group = {"provider": weights[~corporate].sum(), "corporate": weights[corporate].sum()}
    rows = []
    for role_index, role in enumerate(ROLE_LEVELS):
        for group in GROUPS:
            total = 0.0
            for org_group, p_org in p_group.items():
                for band, p_band in WORKFORCE.band_mix[org_group].items():
                    p_gm = WORKFORCE.global_majority_given_band[band]
                    p_eth = p_gm if group == "Global Majority" else 1.0 - p_gm
                    total += p_org * p_band * WORKFORCE.role_given_band[band][role_index] * p_eth
            rows.append({"role_level": role, "ethnicity_group": group, "probability": total})
    mix = pd.DataFrame(rows)
    mix["probability"] /= mix["probability"].sum()
    return mix
