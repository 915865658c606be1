"""Simulation study of the published statistics: coverage of every interval type, size of every
test, separation and real power, over many synthetic waves (issue 17).

``python -m benchmarks.simulation_study --waves 500`` (``--respondents`` per wave, default 1000;
``--out results.json`` writes the figures too). Each wave is drawn with the project's own
generator (:mod:`evaluation.synth`), loaded with its loader and analysed with its estimators; the
truth is the generator's planted parameters. Per wave:

- **Wilson**: awareness by role level (truth ``aware_yes[role]``) and confidence to report by
  ethnicity group (truth from the planted ordinal model), every cell with at least 11 answers;
- **Newcombe** and the **year-on-year test**: two independent waves with the same parameters
  (every true change is 0): coverage of 0 by the unadjusted and the Bonferroni-adjusted
  intervals, the size of the per-indicator test, the family-wise error of Holm, and how often an
  interval excludes 0 beside a row saying "no significant change";
- **model intervals**: the awareness logistic model (truth: log odds ratios of the planted
  role-level probabilities; 0 for ethnicity and organisation type) and the confidence ordinal
  model (planted slopes): coverage per published term (each must hold, not only the pool) and
  pooled over every published term with an interval; separated terms published with a finite
  estimate (must be 0);
- **proportional-odds tests** (the confidence model is generated under proportional odds): size
  of the likelihood-ratio and Brant tests, share of p-values above 0.9;
- **chi-square and trend tests**: awareness shuffled within the wave (independence true by
  construction, the real table's sparsity kept): size by role level and by band group;
- **power**: for each planning-table row, one pair of waves drawn at the baseline and the
  baseline moved by the detectable change, tested as the year-on-year table does (nominal 80%);
- **attribute disclosure**: every breakdown table built as the report builds it (counts and
  shares, Likert distributions) is read as published: a shown count of none or all of a shown
  group of fewer than :data:`~evaluation.disclosure.ATTRIBUTE_MIN_GROUP` (or a shown share of 0%
  or 100% beside it) must never occur (checked here from the published cells, not by the
  suppression code);
- **weighted**: a workforce three times the wave, respondents drawn with planted non-response by
  band and ethnicity (:mod:`evaluation.synth.nonresponse`), raked to the workforce's margins:
  coverage of the workforce's true share by the weighted intervals (linearisation variance with
  the finite population correction of a workforce of known size) and, for contrast, the
  unweighted ones, of every published headline.

About 3-6 seconds a wave at 1,000 respondents on one core of a shared machine; ``--jobs`` splits
the waves over processes, and chunks run apart (``--first``, ``--out``) are added up with
``--combine a.json b.json`` (``--bench-out benchmarks`` then writes ``results.json`` as
``python -m benchmarks`` does).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.analyses import awareness, reporting
from evaluation.analyses.headlines import headline_estimates, headline_indicators
from evaluation.analyses.tables import SURVEY_TABLES, build_table
from evaluation.analyses.weighted import weighted_headline_indicators
from evaluation.analyses.year_on_year import _p_value, compare_waves, planning_table
from evaluation.disclosure import ATTRIBUTE_MIN_GROUP
from evaluation.io.survey import load_survey
from evaluation.synth import generate_survey
from evaluation.synth.nonresponse import planted_nonresponse
from evaluation.synth.parameters import wave_parameters
from evaluation.synth.wave import write_survey_csv

WAVE = 2025
# parts of the study, for --only (the random draws of a wave are the same whichever run)
FAMILIES = (
    "wilson",
    "year_on_year",
    "logistic",
    "ordinal",
    "chi_square",
    "power",
    "disclosure",
    "weighted",
)
MIN_CELL = 11
SUPPRESSED = "[c]"


class Tally:
    """Counts of successes per named figure (coverage or rejections)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = defaultdict(int)
        self.total: dict[str, int] = defaultdict(int)

    def add(self, name: str, hit: bool) -> None:
        self.total[name] += 1
        self.hits[name] += int(bool(hit))

    def rate(self, name: str) -> float:
        return self.hits[name] / self.total[name] if self.total[name] else math.nan

    def merge(self, other: Tally) -> None:
        """Add another tally's counts (a chunk of waves run elsewhere)."""
        for name, total in other.total.items():
            self.total[name] += total
            self.hits[name] += other.hits[name]

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Tally:
        """A tally back from :func:`report`'s rows (``hits`` and ``count``)."""
        tally = cls()
        for row in rows:
            tally.total[row["figure"]] += int(row["count"])
            tally.hits[row["figure"]] += int(row["hits"])
        return tally


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _load(frame: pd.DataFrame, folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    write_survey_csv(frame, path)
    return load_survey(path).frame


def _shown(value: object) -> bool:
    return value != SUPPRESSED and not pd.isna(value)


def _wilson(tally: Tally, survey: pd.DataFrame, params) -> None:
    table = awareness.awareness_by(survey, "role_level")
    for row in table.itertuples():
        if row.n >= MIN_CELL:
            truth = 100 * params.aware_yes[str(row.role_level)]
            tally.add("Wilson: awareness by role level", row.ci_low <= truth <= row.ci_high)
    from evaluation.synth.truth import build_effects

    planted = build_effects(params)["confident_to_report"]["p_positive"]["by_ethnicity_group"]
    table = reporting.confidence_by(survey, "ethnicity_group")
    for row in table.itertuples():
        group = str(row.ethnicity_group)
        if row.n >= MIN_CELL and group in planted:
            truth = 100 * planted[group]
            tally.add("Wilson: confidence by ethnicity", row.ci_low <= truth <= row.ci_high)


def _year_on_year(tally: Tally, first: pd.DataFrame, second: pd.DataFrame) -> None:
    table = compare_waves(first, second, WAVE, WAVE + 1)
    tested = table[table["p_value"].map(_shown)]
    any_holm = False
    for row in tested.itertuples():
        low, high = float(row.change_low), float(row.change_high)
        low_adj, high_adj = float(row.change_low_adj), float(row.change_high_adj)
        tally.add("Newcombe 95% (unadjusted): covers true change 0", low <= 0 <= high)
        tally.add("Newcombe Bonferroni-adjusted: covers true change 0", low_adj <= 0 <= high_adj)
        tally.add("year-on-year test, unadjusted p < 0.05 (size)", float(row.p_value) < 0.05)
        not_significant = row.assessment == "no significant change"
        tally.add(
            "unadjusted interval excludes 0 beside 'no significant change'",
            not_significant and not (low <= 0 <= high),
        )
        tally.add(
            "adjusted interval excludes 0 beside 'no significant change'",
            not_significant and not (low_adj <= 0 <= high_adj),
        )
        any_holm |= bool(row.significant)
    if len(tested):
        tally.add("Holm family-wise false positives (waves)", any_holm)


def _models(tally: Tally, survey: pd.DataFrame, params, only: set[str]) -> None:
    if "logistic" in only:
        _logistic(tally, survey, params)
    if "ordinal" in only:
        _ordinal(tally, survey, params)


def _logistic(tally: Tally, survey: pd.DataFrame, params) -> None:
    result, _ = awareness.awareness_model(survey)
    published = build_table("awareness_model", survey).set_index("term")
    frontline = _logit(params.aware_yes["Frontline"])
    if result.not_estimable:
        tally.add("waves with a separated awareness-model term", True)
    else:
        tally.add("waves with a separated awareness-model term", False)
    for row in result.coefficients.itertuples():
        if row.kind != "slope":
            continue
        shown = published.loc[row.term]
        finite = _shown(shown["log_odds"]) and np.isfinite(float(shown["log_odds"]))
        if row.term in result.not_estimable:
            tally.add("separated terms published with a finite estimate", finite)
            continue
        if not (_shown(shown["ci_low"]) and _shown(shown["ci_high"])):
            continue
        if row.variable == "role_level":
            truth = _logit(params.aware_yes[row.level]) - frontline
        else:
            truth = 0.0  # awareness does not depend on ethnicity or organisation type
        covered = float(shown["ci_low"]) <= truth <= float(shown["ci_high"])
        tally.add(f"logistic model interval: {row.term}", covered)
        tally.add("logistic model interval: every published term", covered)
        if truth == 0.0 and _shown(shown["p_value"]):
            tally.add(
                "logistic model profile-likelihood p < 0.05 where truth is 0 (size)",
                float(shown["p_value"]) < 0.05,
            )
        if "wcb_ci_low" in shown and _shown(shown["wcb_ci_low"]) and _shown(shown["wcb_ci_high"]):
            wcb_covered = float(shown["wcb_ci_low"]) <= truth <= float(shown["wcb_ci_high"])
            tally.add(f"logistic model wild cluster bootstrap interval: {row.term}", wcb_covered)
            tally.add(
                "logistic model wild cluster bootstrap interval: every published term",
                wcb_covered,
            )
            if truth == 0.0:
                tally.add(
                    "logistic model bootstrap p < 0.05 where truth is 0 (size)",
                    float(shown["wcb_p_value"]) < 0.05,
                )


def _ordinal(tally: Tally, survey: pd.DataFrame, params) -> None:
    model = reporting.confidence_model(survey).result
    planted = params.confident_to_report
    published = build_table("ordinal_model_confidence", survey).set_index("term")
    for row in model.coefficients.itertuples():
        if row.kind != "slope":
            continue
        shown = published.loc[row.term]
        if row.term in model.not_estimable:
            finite = _shown(shown["log_odds"]) and np.isfinite(float(shown["log_odds"]))
            tally.add("separated terms published with a finite estimate", finite)
            continue
        if not (_shown(shown["ci_low"]) and _shown(shown["ci_high"])):
            continue
        if row.variable == "role_level":
            truth = planted.role_level[row.level] - planted.role_level["Frontline"]
        else:
            truth = planted.global_majority
        covered = float(shown["ci_low"]) <= truth <= float(shown["ci_high"])
        tally.add(f"ordinal model interval: {row.term}", covered)
        tally.add("ordinal model interval: every published term", covered)
    po = model.proportional_odds
    tally.add("proportional-odds tests not computable (too sparse)", po is None)
    if po is not None:
        lr = po.tests.set_index("test").loc["omnibus", "p_value"]
        tally.add("PO likelihood-ratio omnibus p < 0.05 (size)", lr < 0.05)
        tally.add("PO likelihood-ratio omnibus p > 0.9", lr > 0.9)
        brant = po.brant.set_index("test").loc["omnibus", "p_value"]
        if np.isfinite(brant):
            tally.add("PO Brant omnibus p < 0.05 (size)", brant < 0.05)
            tally.add("PO Brant omnibus p > 0.9", brant > 0.9)
        tally.add("PO Brant omnibus not defined (ill-conditioned)", not np.isfinite(brant))


def _chi_square(tally: Tally, survey: pd.DataFrame, rng: np.random.Generator) -> None:
    shuffled = survey.copy()
    answered = shuffled["arf_aware"].notna().to_numpy()
    values = shuffled["arf_aware"].to_numpy().copy()
    values[answered] = rng.permutation(values[answered])
    shuffled["arf_aware"] = pd.Categorical(values, categories=survey["arf_aware"].cat.categories)
    tests = awareness.awareness_trend_tests(shuffled)
    for row in tests.itertuples():
        if pd.isna(row.p_value):
            continue
        kind = "trend" if row.test.startswith("linear") else "chi-square"
        tally.add(f"{kind} test by {row.grouping}, p < 0.05 (size)", float(row.p_value) < 0.05)


def _power(tally: Tally, survey: pd.DataFrame, rng: np.random.Generator) -> None:
    headlines = headline_indicators(survey)
    table = planning_table(headlines, changes=())
    better = {r.indicator: r.better for r in headline_estimates(survey).itertuples()}
    for row in table.itertuples():
        if not _shown(row.detectable_pp) or not _shown(row.baseline_pct):
            continue
        p, d = float(row.baseline_pct) / 100, float(row.detectable_pp) / 100
        q = p + d if better.get(row.indicator, "higher") == "higher" else p - d
        if not 0 < q < 1:
            continue
        n1, n2 = int(row.n), int(row.next_n)
        x1, x2 = rng.binomial(n1, p), rng.binomial(n2, q)
        tally.add(
            "real power at the planning table's detectable change (nominal 80%)",
            _p_value(x1, n1, x2, n2) < 0.05,
        )


ATTRIBUTE_FIGURE = f"shown 0% or 100% of a group under {ATTRIBUTE_MIN_GROUP} (attribute disclosure)"


def _disclosure(tally: Tally, survey: pd.DataFrame) -> None:
    """Every shown count (and share) of a shown group under the attribute threshold: a hit is
    a count of none or all of the group."""
    for table in SURVEY_TABLES:
        if table.suppression not in ("cells", "likert_detail", "likert_collapsed"):
            continue
        built = build_table(table.name, survey)
        spec = built.attrs.get("disclosure") or {}
        n_col, counts = spec.get("n_col"), spec.get("count_cols", ())
        if not n_col or n_col not in built:
            continue
        dependent = spec.get("dependent_cols", {})
        for _, row in built.iterrows():
            n = pd.to_numeric(row[n_col], errors="coerce")
            if not (np.isfinite(n) and 0 < n < ATTRIBUTE_MIN_GROUP):
                continue
            for column in counts:
                count = pd.to_numeric(row[column], errors="coerce")
                if np.isfinite(count):
                    tally.add(ATTRIBUTE_FIGURE, bool(count == 0 or count == n))
                for share in dependent.get(column, ()):
                    if "pct" not in share or share not in built:
                        continue
                    value = pd.to_numeric(row[share], errors="coerce")
                    if np.isfinite(value):
                        tally.add(ATTRIBUTE_FIGURE, bool(value in (0.0, 100.0)))


def _weighted(tally: Tally, workforce: pd.DataFrame, seed: int) -> None:
    sample = planted_nonresponse(workforce, seed)
    truth = headline_estimates(sample.workforce).set_index("indicator")["pct"]
    table = weighted_headline_indicators(
        sample.respondents,
        sample.margins,
        min_cell=MIN_CELL,
        population_size=sample.population_size,
    )
    unweighted = headline_estimates(sample.respondents).set_index("indicator")
    for row in table.itertuples():
        if not (_shown(row.ci_low) and _shown(row.ci_high)):
            continue
        t = float(truth[row.indicator])
        tally.add(
            "weighted (raked, linearised, FPC) Wilson: covers workforce share",
            float(row.ci_low) <= t <= float(row.ci_high),
        )
        u = unweighted.loc[row.indicator]
        tally.add(
            "unweighted Wilson under planted non-response: covers workforce share",
            float(u["ci_low"]) <= t <= float(u["ci_high"]),
        )


def run(
    waves: int,
    respondents: int,
    seed: int = 1,
    jobs: int = 1,
    offset: int = 0,
    checkpoint: Path | None = None,
    families: Sequence[str] = FAMILIES,
) -> tuple[Tally, float]:
    """Run the study on waves ``offset .. offset + waves - 1``; returns the tallies and the
    seconds taken. ``jobs > 1`` splits the waves over that many processes (each wave's seeds
    depend only on its number, so the figures are those of one process). With ``checkpoint``
    the figures so far are written there (as ``--out``) every 10 waves. ``families`` picks
    parts of the study (:data:`FAMILIES`; the random draws of a wave do not depend on it, so a
    family's figures are the same whether it runs alone or with the others)."""
    only = set(families)
    unknown = only - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown families {sorted(unknown)}; choose from {FAMILIES}")
    start = time.perf_counter()
    if jobs > 1 and waves > 1:
        from concurrent.futures import ProcessPoolExecutor

        bounds = np.linspace(offset, offset + waves, min(jobs, waves) + 1).astype(int)
        with ProcessPoolExecutor(len(bounds) - 1) as pool:
            parts = [
                pool.submit(run, int(b - a), respondents, seed, 1, int(a), None, families)
                for a, b in itertools.pairwise(bounds)
            ]
            tally = Tally()
            for part in parts:
                tally.merge(part.result()[0])
        return tally, time.perf_counter() - start
    params = wave_parameters(WAVE)
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for w in range(offset, offset + waves):
            base = seed * 1_000_003 + 7 * w
            rng = np.random.default_rng(base)
            if only & set(FAMILIES[:-1]):
                first = _load(
                    generate_survey(WAVE, respondents, base, with_text=False).frame, folder, "a"
                )
            if "year_on_year" in only:
                second = _load(
                    generate_survey(WAVE, respondents, base + 1, with_text=False).frame,
                    folder,
                    "b",
                )
            if "weighted" in only:
                workforce = _load(
                    generate_survey(WAVE, 3 * respondents, base + 2, with_text=False).frame,
                    folder,
                    "w",
                )
            if "wilson" in only:
                _wilson(tally, first, params)
            if "year_on_year" in only:
                _year_on_year(tally, first, second)
            if only & {"logistic", "ordinal"}:
                _models(tally, first, params, only)
            if "chi_square" in only:
                _chi_square(tally, first, rng)
            if "power" in only:
                _power(tally, first, np.random.default_rng([base, 1]))
            if "disclosure" in only:
                _disclosure(tally, first)
            if "weighted" in only:
                _weighted(tally, workforce, base + 3)
            if (w + 1 - offset) % 10 == 0:
                print(f"  {w + 1} waves, {time.perf_counter() - start:.0f} s", file=sys.stderr)
                if checkpoint is not None:  # the waves so far, should the run be stopped
                    write_out(checkpoint, tally, w + 1 - offset, respondents, seed, start,
                              families=families)  # fmt: skip
    return tally, time.perf_counter() - start


def report(tally: Tally) -> pd.DataFrame:
    """One row per figure: the rate (0-100), its Monte-Carlo standard error and the count."""
    rows = []
    for name in sorted(tally.total):
        rate, n = tally.rate(name), tally.total[name]
        rows.append(
            {
                "figure": name,
                "percent": round(100 * rate, 1),
                "mc_se": round(100 * math.sqrt(rate * (1 - rate) / n), 1) if n else math.nan,
                "hits": tally.hits[name],
                "count": n,
            }
        )
    return pd.DataFrame(rows)


QUICK_WAVES, FULL_WAVES, FULL_RESPONDENTS = 2, 500, 1000


def target(name: str) -> tuple[str, tuple[float, float] | None]:
    """The issue's target for a figure (percent range), by the figure's kind."""
    if name.startswith(("Wilson", "Newcombe 95%", "weighted")):
        return "93-97%", (93.0, 97.0)
    if "model interval" in name or "bootstrap interval" in name:
        return "92-97%", (92.0, 97.0)
    if "(size)" in name:
        return "3-7%", (3.0, 7.0)
    if name.startswith("separated terms published"):
        return "0%", (0.0, 0.0)
    if name.startswith("real power"):
        return "77-83%", (77.0, 83.0)
    if name.startswith(("adjusted interval excludes 0", "shown 0% or 100%")):
        return "0%", (0.0, 0.0)
    return "", None


def figures(quick: bool = False, jobs: int | None = None) -> list:
    """The study as rows of the benchmark harness (``python -m benchmarks``): one per figure,
    ``size`` the number of waves, ``met`` whether the rate is in the issue's target range.

    The full study is :data:`FULL_WAVES` waves of :data:`FULL_RESPONDENTS`, over ``jobs``
    processes (default: every core; about 3-5 s a wave a core, so some 40 min on one core)."""
    import os

    waves = QUICK_WAVES if quick else FULL_WAVES
    jobs = 1 if quick else (jobs or os.cpu_count() or 1)
    tally, seconds = run(waves, 400 if quick else FULL_RESPONDENTS, jobs=jobs)
    return harness_rows(tally, waves, seconds, quick)


def harness_rows(tally: Tally, waves: int, seconds: float, quick: bool = False) -> list:
    """Rows of the benchmark harness from a tally (see :func:`figures`)."""
    from benchmarks.harness import Figure

    rows = []
    for row in report(tally).itertuples():
        text, bounds = target(row.figure)
        met = None if bounds is None or quick else bounds[0] <= row.percent <= bounds[1]
        rows.append(
            Figure(
                f"simulation/{row.figure}",
                waves,
                None,
                target=text,
                met=met,
                note=f"{row.percent}% (MC s.e. {row.mc_se}) of {row.count}",
            )
        )
    rows.append(Figure("simulation/total", waves, seconds))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=500)
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--first", type=int, default=0, help="number of the first wave")
    parser.add_argument("--jobs", type=int, default=1, help="processes")
    parser.add_argument(
        "--only", nargs="+", choices=FAMILIES, default=list(FAMILIES), help="parts of the study"
    )
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        default=None,
        help="add up the --out files of chunks run apart (no new waves are run): chunks of "
        "other waves (--first) add up, chunks of other families (--only) sit side by side",
    )
    parser.add_argument(
        "--bench-out",
        type=Path,
        default=None,
        help="folder to write results.json and results.md as python -m benchmarks does",
    )
    args = parser.parse_args(argv)
    if args.combine:
        tally, chunks = Tally(), [json.loads(p.read_text(encoding="utf-8")) for p in args.combine]
        for chunk in chunks:
            tally.merge(Tally.from_rows(chunk["figures"]))
        # chunks of other waves add up; chunks of other families (--only) sit side by side
        args.waves = combined_waves(chunks)
        args.only = sorted({f for c in chunks for f in c.get("families", ())}) or args.only
        args.respondents = chunks[0]["respondents"]
        args.seed = [c["seed"] for c in chunks]
        seconds = sum(c["seconds"] for c in chunks)
    else:
        tally, seconds = run(
            args.waves,
            args.respondents,
            args.seed,
            args.jobs,
            args.first,
            checkpoint=args.out if args.jobs == 1 else None,
            families=args.only,
        )
    table = report(tally)
    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        print(
            f"simulation study: {args.waves} waves of {args.respondents} respondents "
            f"(seed {args.seed}), {seconds:.0f} s"
        )
        print(table.to_string(index=False))
    if args.out:
        write_out(args.out, tally, args.waves, args.respondents, args.seed, None, seconds,
                  families=args.only)  # fmt: skip
    if args.bench_out:
        write_bench_results(harness_rows(tally, args.waves, seconds), seconds, args.bench_out)
    return 0


def combined_waves(chunks: list[dict]) -> int:
    """Waves behind combined chunks: a family's chunks (of other waves) add up, other families
    sit side by side. A chunk without ``families`` (written before they were recorded) counts
    as one family of its own figures, so a figure two such chunks share is counted once each."""
    per_family: dict[str, int] = defaultdict(int)
    for chunk in chunks:
        for family in chunk.get("families") or {row["figure"] for row in chunk["figures"]}:
            per_family[family] += chunk["waves"]
    return max(per_family.values(), default=0)


def write_out(
    path: Path,
    tally: Tally,
    waves: int,
    respondents: int,
    seed: object,
    start: float | None,
    seconds: float | None = None,
    families: Sequence[str] = (),
) -> None:
    """The study's figures as JSON (``--out``; ``--combine`` reads them back), with the
    families they come from."""
    if seconds is None:
        seconds = time.perf_counter() - (start or 0.0)
    record = {
        "waves": waves,
        "respondents": respondents,
        "seed": seed,
        "seconds": round(seconds, 1),
        "families": list(families),
        "figures": report(tally).to_dict("records"),
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def write_bench_results(rows: list, seconds: float, folder: Path) -> None:
    """``results.json`` and ``results.md`` in ``folder``, as ``python -m benchmarks --only
    simulation`` writes them."""
    import platform

    from benchmarks.harness import markdown_table

    results = {
        "quick": False,
        "total_seconds": seconds,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [f.as_dict() for f in rows],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    targets = [f for f in rows if f.met is not None]
    summary = (
        f"Simulation study only: {seconds / 60:.1f} min of process time; targets met "
        f"{sum(bool(f.met) for f in targets)} of {len(targets)}."
    )
    (folder / "results.md").write_text(
        f"# Benchmark results\n\n{summary}\n\n{markdown_table(rows)}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
