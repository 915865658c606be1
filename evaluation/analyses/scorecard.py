"""The scorecard by ARF principle: what the survey and the coded themes say about each principle.

For each of the framework's five principles (``survey_data/codebook.yaml``), the evidence named
in ``survey_data/principles.yaml`` (headline indicators and agreement items) and every coded theme
whose codebook entry names the principle, each with its value, 95% Wilson interval, n, the
direction since the previous wave when one is given, and a reading in plain words.

Populations: a headline indicator's own population (:mod:`evaluation.analyses.headlines`); an
item is the share of respondents in scope who answered it giving a favourable answer; a theme is
the share of respondents who wrote free text whose answers the codebook's rules code with it
(rule coding, not a human coder). Direction since the previous wave compares the two shares with
the chi-square test of the 2 x 2 table, without a multiplicity correction (the year-on-year report
has the corrected tests): "up" / "down" only when p < 0.05, else "no clear change".
Small cells are suppressed as everywhere (``[c]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evaluation.analyses.headlines import HEADLINES, Headline, headline_estimates
from evaluation.disclosure import DEFAULT_MIN_CELL, MARKER, suppress
from evaluation.errors import InputError
from evaluation.instrument import load_instrument
from evaluation.paths import SURVEY_DATA

PRINCIPLES_PATH = SURVEY_DATA / "principles.yaml"
COLUMNS = ["principle", "evidence", "indicator", "source", "n", "n_positive", "pct", "ci_low",
           "ci_high", "since_previous", "reading"]  # fmt: skip


@dataclass(frozen=True)
class PrincipleMap:
    """Principle id -> the headline indicators and items that speak to it (from YAML)."""

    indicators: dict[str, tuple[str, ...]]
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)


def load_principle_map(path: Path | str = PRINCIPLES_PATH) -> PrincipleMap:
    """Read ``principles.yaml``; unknown indicator ids or variables are an :class:`InputError`."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    principles = raw.get("principles")
    if not isinstance(principles, dict):
        raise InputError("must have a `principles:` mapping", path)
    known = {h.id for h in HEADLINES}
    instrument = load_instrument()
    indicators, items = {}, {}
    for principle, entry in principles.items():
        entry = entry or {}
        ids = tuple(entry.get("indicators") or ())
        variables = tuple(entry.get("items") or ())
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InputError(f"principle {principle}: unknown headline indicators {unknown}", path)
        missing = [v for v in variables if v not in instrument or not instrument[v].positive]
        if missing:
            raise InputError(
                f"principle {principle}: items without favourable answers in the instrument "
                f"{missing}",
                path,
            )
        indicators[str(principle)], items[str(principle)] = ids, variables
    return PrincipleMap(indicators, items)


def _definitions(mapping: PrincipleMap) -> list[tuple[str, Headline]]:
    """(principle, definition) pairs: headline indicators, and items as whole-sample shares."""
    by_id = {h.id: h for h in HEADLINES}
    instrument = load_instrument()
    pairs = []
    for principle, ids in mapping.indicators.items():
        pairs += [(principle, by_id[i]) for i in ids]
        for variable in mapping.items.get(principle, ()):
            question = instrument.question(variable)
            pairs.append(
                (principle, Headline(f"item_{variable}", "item", question.rstrip("."), variable,
                                     "All respondents", "respondents", "agreed", "higher"))
            )  # fmt: skip
    return pairs


def _round(value: object) -> object:
    return value if value == MARKER else round(float(value), 1)  # type: ignore[arg-type]


def free_text_themes(
    survey: pd.DataFrame, codebook, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Share of free-text writers whose answers the codebook's rules code with each theme."""
    from evaluation.text import framework, segments
    from evaluation.text.rules import RuleCoder

    answers = segments.answer_units(survey)
    coded = segments.segments_to_units(RuleCoder(codebook).code(answers), answers)
    return framework.theme_prevalence(coded, answers, codebook.leaf_ids, min_cell=min_cell)


def _direction(x1: int, n1: int, x0: int, n0: int) -> str:
    from evaluation.stats import chi_square_test

    if min(n1, n0) == 0:
        return ""
    p = float(chi_square_test(np.array([[x1, n1 - x1], [x0, n0 - x0]]))["p_value"])
    if not p < 0.05:
        return "no clear change"
    return "up" if x1 / n1 > x0 / n0 else "down"


def _reading(pct: float, better: str, who: str) -> str:
    share = "most" if pct >= 66.5 else "over half" if pct > 50 else "about half" if pct >= 45 \
        else "a third or more" if pct >= 33 else "a minority" if pct >= 15 else "few"  # fmt: skip
    if better == "lower":
        return f"{share} of {who} ({pct:.0f}%); lower is better"
    return f"{share} of {who} ({pct:.0f}%)"


def scorecard(
    survey: pd.DataFrame,
    codebook=None,
    theme_prevalence: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    mapping: PrincipleMap | None = None,
) -> pd.DataFrame:
    """The published scorecard (see the module docstring), principles in the codebook's order.

    ``theme_prevalence`` is :func:`evaluation.text.framework.theme_prevalence` of the free-text
    answers (already suppressed); ``previous`` the previous wave's survey in the same scope.
    ``codebook`` defaults to the bundled one.
    """
    if codebook is None:
        from evaluation.paths import CODEBOOK
        from evaluation.text.codebook import load_codebook

        codebook = load_codebook(CODEBOOK)
    mapping = mapping or load_principle_map()
    pairs = _definitions(mapping)
    definitions = [h for _, h in pairs]
    now = headline_estimates(survey, definitions)
    before = headline_estimates(previous, definitions) if previous is not None else None
    rows = []
    for k, (principle, h) in enumerate(pairs):
        est = now.iloc[k]
        since = ""
        if before is not None:
            old = before.iloc[k]
            since = _direction(int(est.n_positive), int(est.n), int(old.n_positive), int(old.n))
        rows.append(
            {"principle": principle, "evidence": f"{h.label} ({h.population_label})",
             "indicator": h.variable if h.id == f"item_{h.variable}" else h.id,
             "source": "survey", "n": int(est.n), "n_positive": int(est.n_positive),
             "pct": round(float(est.pct), 1), "ci_low": round(float(est.ci_low), 1),
             "ci_high": round(float(est.ci_high), 1), "since_previous": since,
             "reading": "" if not est.n else _reading(float(est.pct), h.better, h.who)}
        )  # fmt: skip
    survey_rows = pd.DataFrame(rows)
    shown = suppress(
        survey_rows,
        n_col="n",
        count_cols=["n_positive"],
        dependent_cols=["pct", "ci_low", "ci_high", "reading", "since_previous"],
        group_cols=[],
        label_cols=["principle", "evidence", "indicator", "source"],
        totals_known=False,
        min_cell=min_cell,
    )
    parts = [shown]
    if theme_prevalence is not None:
        names = {c.code_id: c.name for c in codebook}
        of = {c.code_id: c.principle for c in codebook}
        themes = []
        for row in theme_prevalence.to_dict("records"):
            hidden = row["pct"] == MARKER
            themes.append(
                {"principle": of.get(row["code_id"], ""), "evidence": names.get(row["code_id"],
                 row["code_id"]), "indicator": row["code_id"],
                 "source": "free-text theme (rule coding)", "n": row["n"],
                 "n_positive": row["count"], "pct": _round(row["pct"]),
                 "ci_low": _round(row["ci_low"]), "ci_high": _round(row["ci_high"]),
                 "since_previous": MARKER if hidden else "",
                 "reading": MARKER if hidden else
                 f"raised by {float(row['pct']):.0f}% of those who wrote free text"}
            )  # fmt: skip
        parts.append(pd.DataFrame(themes))
    table = pd.concat(parts, ignore_index=True)
    order = list(getattr(codebook, "principles", {}) or mapping.indicators)
    table["_order"] = table["principle"].map({p: i for i, p in enumerate(order)}).fillna(99)
    table = table.sort_values(["_order"], kind="stable").drop(columns="_order")
    labels = getattr(codebook, "principles", {}) or {}
    table["principle"] = table["principle"].map(lambda p: labels.get(p, p))
    table = table[COLUMNS].reset_index(drop=True)
    if previous is None:  # the column stays (one shape for the dictionary), saying why it is empty
        table["since_previous"] = table["since_previous"].where(
            table["since_previous"] == MARKER, "no previous wave in this report"
        )
    table.attrs["disclosure"] = shown.attrs["disclosure"]
    return table
