"""Inter-coder reliability: Cohen's kappa, Krippendorff's alpha (nominal), bootstrap intervals.

Agreement is computed on *units* (transcript turns, survey answers), per code as the binary
decision "does this unit carry the code?", and overall by pooling every unit-by-code decision.
Each statistic is reported with:

- a bootstrap 95% interval over **units** (resampling units keeps each unit's decisions together,
  as Krippendorff and Hayes recommend; seeded, so reruns give the same interval);
- the code's **prevalence** (share of coder-unit decisions that apply it), because a rare code can
  show 95% raw agreement and a kappa under 0.67: the chance-corrected statistic, not the raw one,
  says whether coders agree about the code;
- a **flag** on alpha: ``reliable`` (>= 0.800), ``tentative`` (0.667 to 0.800), ``unreliable``
  (< 0.667), Krippendorff's (2004) conventions; ``undefined`` when a code has no variation.

Statistics are computed from per-unit contingency contributions summed over units, so a bootstrap
replicate is one matrix product (fast enough for thousands of replicates). Known answers are in
the tests: Krippendorff's (2011) worked nominal example (alpha = 0.743), scikit-learn's
``cohen_kappa_score`` and NLTK's ``AnnotationTask``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.text.segments import is_machine_coder

RELIABLE = 0.800
TENTATIVE = 0.667
OVERALL = "overall"


def _category_indices(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Values (missing as ``None``/NaN) as integer categories, -1 for missing; and how many."""
    flat = pd.Series(values.ravel(), dtype=object)
    missing = flat.isna().to_numpy()
    codes, uniques = pd.factorize(flat.where(~missing, None), use_na_sentinel=True)
    codes = np.where(missing, -1, codes)
    return codes.reshape(values.shape), len(uniques)


def unit_coincidences(data: np.ndarray, k: int) -> np.ndarray:
    """Per-unit coincidence contributions, shape ``(units, k, k)``.

    ``data`` is units x coders of category indices (-1 missing). A unit with ``m >= 2`` values
    contributes every ordered pair of its values (from different coders) with weight
    ``1 / (m - 1)``; units with fewer values are unpairable and contribute nothing.
    """
    counts = np.zeros((data.shape[0], k))
    for c in range(k):
        counts[:, c] = (data == c).sum(axis=1)
    m = counts.sum(axis=1)
    weight = np.divide(1.0, m - 1, out=np.zeros_like(m), where=m >= 2)
    pairs = counts[:, :, None] * counts[:, None, :]
    pairs[:, np.arange(k), np.arange(k)] -= counts  # a value is not paired with itself
    return pairs * weight[:, None, None]


def unit_joint_tables(data: np.ndarray, k: int) -> np.ndarray:
    """Per-unit joint table of two coders, shape ``(units, k, k)``; units missing either are 0."""
    out = np.zeros((data.shape[0], k, k))
    ok = (data[:, 0] >= 0) & (data[:, 1] >= 0)
    out[np.flatnonzero(ok), data[ok, 0], data[ok, 1]] = 1.0
    return out


def alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Nominal alpha from coincidence matrices (``(..., k, k)``): ``1 - D_o / D_e``."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    disagree = n - np.trace(o, axis1=-2, axis2=-1)
    expected = (n**2 - (n_c**2).sum(axis=-1)) / np.where(n > 1, n - 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1 - disagree / expected, np.nan)


def kappa_from_tables(t: np.ndarray) -> np.ndarray:
    """Cohen's kappa from joint tables (``(..., k, k)``): ``(p_o - p_e) / (1 - p_e)``."""
    n = t.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = np.trace(t, axis1=-2, axis2=-1) / n
        p_e = (t.sum(axis=-1) * t.sum(axis=-2)).sum(axis=-1) / n**2
        return np.where(p_e < 1, (p_o - p_e) / (1 - p_e), np.nan)


def krippendorff_alpha_nominal(data: Sequence[Sequence[object]] | np.ndarray) -> float:
    """Krippendorff's alpha for nominal data; ``data`` is units x coders, missing as None/NaN."""
    indices, k = _category_indices(np.asarray(data, dtype=object))
    return float(alpha_from_coincidences(unit_coincidences(indices, k).sum(axis=0)))


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa of two coders' labels for the same units (units missing either are dropped)."""
    indices, k = _category_indices(np.column_stack([np.asarray(a, object), np.asarray(b, object)]))
    return float(kappa_from_tables(unit_joint_tables(indices, k).sum(axis=0)))


def _bootstrap(per_unit: np.ndarray, statistic, n_boot: int, rng: np.random.Generator):
    """Percentile 95% interval of ``statistic`` over units resampled with replacement."""
    n = per_unit.shape[0]
    if n == 0 or n_boot == 0:
        return np.nan, np.nan
    idx = rng.integers(0, n, size=(n_boot, n))
    weights = np.bincount((idx + n * np.arange(n_boot)[:, None]).ravel(), minlength=n * n_boot)
    weights = weights.reshape(n_boot, n).astype(float)
    tables = (weights @ per_unit.reshape(n, -1)).reshape(n_boot, *per_unit.shape[1:])
    values = statistic(tables)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.nan, np.nan
    lo, hi = np.quantile(values, [0.025, 0.975])
    return float(lo), float(hi)


def flag(alpha: float) -> str:
    """Krippendorff's reading of an alpha value."""
    if np.isnan(alpha):
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


def presence_matrix(
    codings: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str], coders: Sequence[str]
) -> np.ndarray:
    """Binary presence, shape ``(units, codes, coders)``, from ``source_id, unit, code_id, coder``.

    Every unit in ``units`` counts for every coder: a unit a coder left uncoded is an "absent"
    decision, not a missing one (the coders were given every unit).
    """
    unit_key = units["source_id"].astype(str) + "\x1f" + units["unit"].astype(str)
    position = pd.Series(np.arange(len(units)), index=unit_key.to_numpy())
    coded = codings[codings["code_id"].isin(codes) & codings["coder"].isin(coders)]
    key = (coded["source_id"].astype(str) + "\x1f" + coded["unit"].astype(str)).to_numpy()
    keep = np.isin(key, position.index)
    out = np.zeros((len(units), len(codes), len(coders)), dtype=int)
    code_pos = {c: i for i, c in enumerate(codes)}
    coder_pos = {c: i for i, c in enumerate(coders)}
    out[
        position[key[keep]].to_numpy(),
        coded["code_id"].map(code_pos).to_numpy()[keep],
        coded["coder"].map(coder_pos).to_numpy()[keep],
    ] = 1
    return out


def human_coders(codings: pd.DataFrame, include_machine: bool = False) -> list[str]:
    """The coders of ``codings`` in name order, machine coders (the ``rules``) left out unless
    ``include_machine``: agreement is between people; a rule coder's agreement with a person is
    a score of the rules, not a reliability."""
    coders = sorted(str(c) for c in codings["coder"].dropna().unique())
    return [c for c in coders if include_machine or not is_machine_coder(c)]


def reliability(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    include_machine: bool = False,
) -> pd.DataFrame:
    """Per-code and overall agreement between coders on the presence of each code per unit.

    ``codings``: ``source_id, unit, code_id, coder`` (e.g. from
    :func:`evaluation.text.segments.segments_to_units`); ``units``: every unit the coders were
    given. Returns one row per code plus ``overall`` (all unit-by-code decisions pooled) with
    ``n_units, prevalence, percent_agreement, kappa`` (two coders only) ``, kappa_lo, kappa_hi,
    alpha, alpha_lo, alpha_hi, flag``. Percentages are 0-100. ``coders`` defaults to every human
    coder of ``codings`` (:func:`human_coders`; ``include_machine`` adds the ``rules``).
    """
    coders = human_coders(codings, include_machine) if coders is None else list(coders)
    if len(coders) < 2:
        raise ValueError("agreement needs at least two coders")
    codes = list(codes)
    presence = presence_matrix(codings, units, codes, coders)
    rng = np.random.default_rng(seed)
    rows = []
    pooled_o = np.zeros((len(units), 2, 2))
    pooled_t = np.zeros((len(units), 2, 2))
    for j, code in enumerate([*codes, OVERALL]):
        if code == OVERALL:
            o, t = pooled_o, pooled_t
            decisions = presence
        else:
            decisions = presence[:, j, :]
            o = unit_coincidences(decisions, 2)
            t = unit_joint_tables(decisions, 2) if len(coders) == 2 else np.zeros_like(o)
            pooled_o += o
            pooled_t += t
        alpha = float(alpha_from_coincidences(o.sum(axis=0)))
        kappa = float(kappa_from_tables(t.sum(axis=0))) if len(coders) == 2 else np.nan
        all_agree = (decisions == decisions[..., :1]).all(axis=-1)
        a_lo, a_hi = _bootstrap(o, alpha_from_coincidences, n_boot, rng)
        k_lo, k_hi = (
            _bootstrap(t, kappa_from_tables, n_boot, rng) if len(coders) == 2 else (np.nan,) * 2
        )
        rows.append(
            {
                "code_id": code,
                "n_units": len(units),
                "prevalence": 100 * float(decisions.mean()) if decisions.size else np.nan,
                "percent_agreement": 100 * float(all_agree.mean()) if all_agree.size else np.nan,
                "kappa": kappa,
                "kappa_lo": k_lo,
                "kappa_hi": k_hi,
                "alpha": alpha,
                "alpha_lo": a_lo,
                "alpha_hi": a_hi,
                "flag": flag(alpha),
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(coders=coders, n_boot=n_boot, seed=seed, unit="presence of code per unit")
    return frame


def disagreements(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None = None,
    include_machine: bool = False,
) -> pd.DataFrame:
    """The passages where coders disagree: one row per unit and code not applied by all coders.

    Returns ``source_id, unit, speaker_or_respondent`` (if ``units`` has it), ``code_id,
    applied_by, not_applied_by, text`` (if ``units`` has it): the list a coding team reviews to
    sharpen the codebook's definitions. Machine coders are left out unless ``include_machine``.
    """
    coders = human_coders(codings, include_machine) if coders is None else list(coders)
    codes = list(codes)
    presence = presence_matrix(codings, units, codes, coders)
    unit_i, code_j = np.nonzero(presence.min(axis=-1) != presence.max(axis=-1))
    names = np.asarray(coders, dtype=object)
    rows = []
    for i, j in zip(unit_i, code_j, strict=True):
        applied = presence[i, j].astype(bool)
        rows.append(
            {
                "row": i,
                "code_id": codes[j],
                "applied_by": ", ".join(names[applied]),
                "not_applied_by": ", ".join(names[~applied]),
            }
        )
    found = pd.DataFrame(rows, columns=["row", "code_id", "applied_by", "not_applied_by"])
    context = [c for c in ("speaker_or_respondent", "text") if c in units.columns]
    info = units[["source_id", "unit", *context]].reset_index(drop=True)
    out = info.iloc[found["row"].to_numpy()].reset_index(drop=True)
    out = pd.concat([out, found.drop(columns="row")], axis=1)
    return out[
        ["source_id", "unit", *context[:1], "code_id", "applied_by", "not_applied_by", *context[1:]]
    ]
