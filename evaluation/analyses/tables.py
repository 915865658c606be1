"""Every published table of the report, declared once as data, and the one builder of the survey
tables.

A :class:`Table` says what a published table is: its name (``tables/<name>.csv``), title,
population (who is counted), breakdown, a description of every column in order, and its
disclosure structure (which columns count respondents, which label rows, which partition a
group). :func:`build_table` makes any survey table declared with a ``compute`` (the unsuppressed
analysis of :mod:`.awareness`, :mod:`.reporting`, :mod:`.capability`, :mod:`.barriers` or
:mod:`.likert`): compute, select the declared columns, round by :mod:`evaluation.rounding`,
suppress by :mod:`evaluation.disclosure`. The other tables of the report (data quality,
themes, summary, year on year, outcomes) are made by their own modules; their declarations here
carry the description of every column, so the table dictionary (``table_dictionary.csv``,
:mod:`evaluation.publishing.dictionary`) describes every column of every table.

**Populations, one definition.** Every share counts the respondents in scope who answered the
question: a missing answer and a residual answer ("Prefer not to say",
:attr:`evaluation.instrument.Instrument.residual_labels`) are left out of its denominator;
"Not sure" is an answer and stays in it (not aware, not favourable). In a breakdown, a residual
group ("Prefer not to say" ethnicity) is shown as its own group and left out of models and tests.
:data:`POPULATION_RULE` states this in the dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, cast

import pandas as pd

from evaluation.analyses import awareness, barriers, capability, likert, reporting
from evaluation.analyses.survey_common import publish, publish_model
from evaluation.disclosure import DEFAULT_MIN_CELL, MARKER, excluded_note
from evaluation.instrument import load_instrument
from evaluation.stats import ModelResult

POPULATION_RULE = (
    "Every share counts the respondents in scope who answered the question: a missing answer and "
    '"Prefer not to say" are left out of the denominator; "Not sure" is an answer (not aware, '
    'not favourable) and stays in it. A "Prefer not to say" group of a breakdown is shown as its '
    "own group and left out of models and tests. Percentages 0-100 to 1 decimal, p-values to 4, "
    f"other estimates to 3. {MARKER} marks a value suppressed because it rests on too few "
    "respondents (or would reveal one that does)."
)

Suppression = Literal["cells", "model", "likert_detail", "likert_collapsed", "own"]


@dataclass(frozen=True)
class Table:
    """One published table (see the module docstring).

    ``suppression``: ``cells`` (counts and shares, :func:`~.survey_common.publish`), ``model``
    (coefficients, :func:`~.survey_common.publish_model`; ``compute`` returns ``(result,
    excluded)``), ``likert_detail`` / ``likert_collapsed`` (:mod:`.likert`), or ``own`` (made
    and suppressed by the module named in ``made_by``; not built here).
    """

    name: str
    title: str
    population: str
    columns: Mapping[str, str]
    breakdown: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    partition: str | None = None
    suppression: Suppression = "own"
    compute: Callable[[pd.DataFrame], object] | None = field(default=None, repr=False)
    items: tuple[str, ...] = ()
    model_terms: tuple[str, ...] = ("intercept", "slope")
    made_by: str = ""


# --- column descriptions shared by declarations -------------------------------------------------
GROUP_TEXT = {
    "role_level": "level of the respondent's role (ordered, frontline first)",
    "band_group": "Agenda for Change pay band group (Bands 8a to VSM = WRES senior grouping; "
    "Medical and Not stated kept apart)",
    "ethnicity_group": "White / Global Majority (WRES convention); Prefer not to say kept as its "
    "own group",
}
ITEM_TEXT = "survey item (variable name; wording in the instrument dictionary)"


def _interval(what: str, scale: str = "(0-100)") -> dict[str, str]:
    return {
        "ci_low": f"lower limit of the 95% Wilson interval for {what} {scale}",
        "ci_high": f"upper limit of the 95% Wilson interval for {what} {scale}",
    }


def _share(question: str, count: str, count_text: str, pct: str, pct_text: str) -> dict[str, str]:
    return {
        "n": f"respondents in the group who answered the {question} question",
        count: f"of these, respondents who {count_text}",
        pct: f"{pct_text} ({count} / n x 100)",
        **_interval(pct_text),
    }


def _distribution(answer: str) -> dict[str, str]:
    return {
        "response": answer,
        "n": "respondents in the group who answered the item",
        "count": "respondents giving this answer",
        "pct": "percentage of the group giving this answer (count / n x 100)",
        **_interval("this answer's percentage"),
    }


FIVE_POINT = "answer on the five-point agreement scale (in scale order)"
COLLAPSED = (
    "collapsed answer: Strongly disagree or disagree / Neither agree nor disagree / Agree or "
    "strongly agree"
)
LIKERT_RULE = (
    "; a group with any small answer has all its answers hidden (its collapsed answers are in "
    "the collapsed table)"
)
MODEL_TEXT = {
    "term": "model term: a level compared with its reference (ref.), or the intercept",
    "std_error": "standard error of log_odds, cluster-robust by organisation (linearised "
    "delete-one-cluster jackknife, CV3)",
    "ci_low": "lower limit of the 95% interval for log_odds: log_odds minus the t(G - 1) "
    "critical value times std_error, G the number of organisations",
    "ci_high": "upper limit of the 95% interval for log_odds: log_odds plus the t(G - 1) "
    "critical value times std_error",
    "p_value": "two-sided p-value that the log odds ratio is 0, from log_odds / std_error "
    "referred to Student's t with G - 1 degrees of freedom (blank: the level is held by fewer "
    "than 10 organisations or has fewer than 20 respondents, or the term is not estimable "
    "because of separation)",
}
PROFILE_TEXT = {
    "ci_low": "lower limit of the 95% interval for log_odds: robust-adjusted profile likelihood "
    "(the likelihood-ratio statistic scaled by model-based over jackknife variance stays below "
    "the squared t(G - 1) critical value; asymmetric where the likelihood is skewed)",
    "ci_high": "upper limit of the 95% interval for log_odds (robust-adjusted profile "
    "likelihood, as ci_low)",
}
PROFILE_P_VALUE = (
    "two-sided p-value that the log odds ratio is 0: the scaled likelihood-ratio statistic at 0 "
    "referred to F(1, G - 1), so the interval excludes 0 exactly when p < 0.05 (blank: the "
    "level is held by fewer than 10 organisations or has fewer than 20 respondents, or the term "
    "is not estimable because of separation)"
)
TEST_TEXT = {
    "statistic": "test statistic (chi-square distributed under no association)",
    "df": "degrees of freedom",
}
ANSWERED = "respondents in scope who answered the question"


def _likert(name: str, title: str, items: tuple[str, ...], by: str, part: str) -> Table:
    several = len(items) > 1
    answer = FIVE_POINT if part == "detail" else COLLAPSED
    return Table(
        name=name,
        title=title,
        population=f"{ANSWERED}, by {by}" + (LIKERT_RULE if part == "detail" else ""),
        columns={
            **({"item": ITEM_TEXT} if several else {}),
            by: GROUP_TEXT[by],
            **_distribution(answer),
        },
        breakdown=(by,),
        counts=("count",),
        labels=("item",) if several else (),
        partition="response",
        suppression=f"likert_{part}",  # type: ignore[arg-type]
        items=items,
    )


def _awareness(by: tuple[str, ...]) -> Callable[[pd.DataFrame], object]:
    return lambda frame: awareness.awareness_by(frame, list(by) if len(by) > 1 else by[0])


def _confidence(by: str) -> Callable[[pd.DataFrame], object]:
    return lambda frame: reporting.confidence_by(frame, by)


def _positive(by: str) -> Callable[[pd.DataFrame], object]:
    return lambda frame: capability.agreement_positive(frame, by)


def _funnel(by: str | None) -> Callable[[pd.DataFrame], object]:
    return lambda frame: reporting.reporting_funnel(frame, by=by)


def _barriers(by: str | None) -> Callable[[pd.DataFrame], object]:
    return lambda frame: barriers.barrier_prevalence(frame, by=by)


def _confidence_model(frame: pd.DataFrame) -> object:
    model = reporting.confidence_model(frame)
    return model.result, model.excluded


AWARE = _share("awareness", "n_aware", "are aware of the framework (answered Yes)", "pct_aware",
               "percentage aware")  # fmt: skip
CONFIDENT = _share("confidence-to-report", "n_confident", "agree or strongly agree",
                   "pct_confident", "percentage confident to report")  # fmt: skip
POSITIVE = _share("item's", "n_positive", "agree or strongly agree", "pct_positive",
                  "percentage agreeing")  # fmt: skip
FUNNEL = {
    "step": "funnel step (experienced_or_witnessed -> reported -> satisfied)",
    "description": "who the step counts, and its base",
    "n": "base of the step: respondents eligible for it who answered (Prefer not to say left out)",
    "count": "respondents at this step (answered Yes)",
    "pct": "percentage of the base (count / n x 100)",
    **_interval("the step's percentage"),
}
BARRIER = {
    "barrier": "barrier option (flag column name)",
    "option": "option wording in the questionnaire",
    "n": "respondents who answered the barriers question",
    "n_selected": "of these, respondents who selected this option",
    "pct_selected": "percentage selecting the option (n_selected / n x 100; options are not "
    "exclusive)",
    **_interval("the percentage selecting"),
}
CAPABILITY = capability.ITEMS
CONFIDENCE = (reporting.OUTCOME,)

SURVEY_TABLES: tuple[Table, ...] = (
    # --- section 2: awareness
    Table("awareness_by_role_level", "Awareness of the framework by role level, {scope}",
          "respondents in scope who answered the awareness question, by role level",
          {"role_level": GROUP_TEXT["role_level"], **AWARE}, ("role_level",), ("n_aware",),
          suppression="cells", compute=_awareness(("role_level",))),
    Table("awareness_by_band_group", "Awareness of the framework by pay band group",
          "respondents in scope who answered the awareness question, by pay band group",
          {"band_group": GROUP_TEXT["band_group"], **AWARE}, ("band_group",), ("n_aware",),
          suppression="cells", compute=_awareness(("band_group",))),
    Table("awareness_by_ethnicity_within_role_level",
          "Awareness by ethnicity group within role level",
          "respondents in scope who answered the awareness question, by role level and "
          "ethnicity group",
          {"role_level": GROUP_TEXT["role_level"], "ethnicity_group": GROUP_TEXT["ethnicity_group"],
           **AWARE}, ("role_level", "ethnicity_group"), ("n_aware",),
          suppression="cells", compute=_awareness(("role_level", "ethnicity_group"))),
    Table("awareness_trend_tests",
          "Trend and independence tests of awareness across role levels and band groups",
          "respondents in scope who answered the awareness question with a value on the grouping",
          {"grouping": "ordered grouping tested (role_level; band_group on Bands 2-4 < 5-7 < 8a "
           "to VSM)", "test": "the test", **TEST_TEXT,
           "p_value": "p-value (two-sided; not adjusted for the two groupings)",
           "effect": "effect size: correlation r for the trend, Cramér's V for independence",
           "effect_measure": "what the effect column measures",
           "n": "respondents included (answered the question, with a value on the grouping)",
           "levels": "the ordered levels used",
           "p_method": "how the p-value was computed: asymptotic chi-square, or Monte-Carlo with "
           "fixed margins (9,999 tables) where an expected count is below 1 or more than 20% "
           "are below 5"},
          labels=("grouping", "test"), suppression="cells",
          compute=awareness.awareness_trend_tests),
    Table("awareness_model", "Adjusted odds of awareness (logistic regression)",
          "respondents in scope who answered the awareness question with a role level, a stated "
          "ethnicity (Prefer not to say left out, counted in the note) and an organisation",
          {"term": MODEL_TEXT["term"],
           "log_odds": "estimated log odds ratio (intercept: log odds of awareness in the "
           "reference groups)",
           "std_error": MODEL_TEXT["std_error"], **PROFILE_TEXT,
           "odds_ratio": "exp(log_odds): odds of awareness relative to the reference level, "
           "adjusted",
           "or_ci_low": "lower limit of the 95% interval for the odds ratio",
           "or_ci_high": "upper limit of the 95% interval for the odds ratio",
           "p_value": PROFILE_P_VALUE,
           "wcb_p_value": "wild cluster score bootstrap p-value that the log odds ratio is 0 "
           "(Kline-Santos, 999 draws of Webb weights), beside the profile-likelihood one, which "
           "scales by the jackknife error: it does not rest on the error estimate",
           "wcb_ci_low": "lower limit of the wild cluster bootstrap 95% interval for log_odds "
           "(blank where the bootstrap cannot bound that side: too few organisations hold the "
           "level's rarer answer)",
           "wcb_ci_high": "upper limit of the wild cluster bootstrap 95% interval for log_odds "
           "(blank where the bootstrap cannot bound that side)"},
          labels=("term",), suppression="model", compute=awareness.awareness_model),
    # --- section 3: confidence to report, and the reporting funnel
    _likert("confidence_distribution_by_ethnicity",
            "Confidence to report racism: the five answers by ethnicity group",
            CONFIDENCE, "ethnicity_group", "detail"),
    _likert("confidence_collapsed_by_ethnicity",
            "Confidence to report racism: disagree, neither, agree by ethnicity group",
            CONFIDENCE, "ethnicity_group", "collapsed"),
    _likert("confidence_distribution_by_role_level",
            "Confidence to report racism: the five answers by role level",
            CONFIDENCE, "role_level", "detail"),
    _likert("confidence_collapsed_by_role_level",
            "Confidence to report racism: disagree, neither, agree by role level",
            CONFIDENCE, "role_level", "collapsed"),
    Table("confidence_by_ethnicity",
          "Confident to report racism (Agree or Strongly agree) by ethnicity group",
          "respondents in scope who answered the confidence-to-report question, by ethnicity "
          "group", {"ethnicity_group": GROUP_TEXT["ethnicity_group"], **CONFIDENT},
          ("ethnicity_group",), ("n_confident",), suppression="cells",
          compute=_confidence("ethnicity_group")),
    Table("confidence_by_role_level",
          "Confident to report racism (Agree or Strongly agree) by role level",
          "respondents in scope who answered the confidence-to-report question, by role level",
          {"role_level": GROUP_TEXT["role_level"], **CONFIDENT}, ("role_level",),
          ("n_confident",), suppression="cells", compute=_confidence("role_level")),
    Table("ordinal_model_confidence", "Proportional-odds model of confidence to report racism",
          "respondents in scope who answered the confidence-to-report question with a role "
          "level and a stated ethnicity (Prefer not to say left out, counted in the note)",
          {"term": "role level vs Frontline, or Global Majority vs White (ref. = reference level)",
           "log_odds": "log of the cumulative odds ratio (positive = more confident)",
           "std_error": MODEL_TEXT["std_error"], "ci_low": MODEL_TEXT["ci_low"],
           "ci_high": MODEL_TEXT["ci_high"],
           "odds_ratio": "exp(log_odds): odds of a more confident answer relative to the "
           "reference", "p_value": MODEL_TEXT["p_value"]},
          labels=("term",), suppression="model", compute=_confidence_model,
          model_terms=("slope",)),
    Table("ordinal_model_confidence_thresholds",
          "Thresholds of the proportional-odds model (log-odds scale, reference groups)",
          "as the proportional-odds model of confidence to report",
          {"term": "cut point between two adjacent answers (lower | higher)",
           "log_odds": "threshold on the log cumulative odds scale, for the reference groups",
           "std_error": MODEL_TEXT["std_error"], "ci_low": MODEL_TEXT["ci_low"],
           "ci_high": MODEL_TEXT["ci_high"]},
          labels=("term",), suppression="model", compute=_confidence_model,
          model_terms=("threshold",)),
    Table("confidence_model_proportional_odds_test",
          "Tests of the proportional-odds assumption (likelihood ratio, then Brant)",
          "as the proportional-odds model of confidence to report",
          {"test": "omnibus (all slopes) or one predictor; 'Brant: ' rows are Brant's Wald test",
           "statistic": "chi-square statistic for equal slopes across the cut points "
           "(likelihood ratio, or Brant's Wald)", "df": "degrees of freedom",
           "p_value": "p-value (small: the effect differs along the scale); blank where the "
           "test is not defined",
           "method": "the test, and any answer levels pooled because a group had fewer than 5 "
           "respondents on one side of a cut point"},
          labels=("test", "method"), suppression="cells",
          compute=reporting.confidence_proportional_odds_test),
    Table("reporting_funnel", "Reporting funnel: experienced or witnessed, reported, satisfied",
          "each step's base: respondents eligible for the step who answered Yes or No (Prefer "
          "not to say left out at every step)", FUNNEL, labels=("step", "description"),
          counts=("count",), suppression="cells", compute=_funnel(None)),
    Table("reporting_funnel_by_ethnicity", "Reporting funnel by ethnicity group",
          "as the reporting funnel, within each ethnicity group",
          {"step": FUNNEL["step"], "description": FUNNEL["description"],
           "ethnicity_group": GROUP_TEXT["ethnicity_group"],
           **{k: v for k, v in FUNNEL.items() if k not in ("step", "description")}},
          ("ethnicity_group",), ("count",), ("step", "description"), suppression="cells",
          compute=_funnel("ethnicity_group")),
    # --- section 4: the organisation's response, barriers
    _likert("capability_distribution_by_role_level",
            "Organisational-response items: the five answers by role level",
            CAPABILITY, "role_level", "detail"),
    _likert("capability_collapsed_by_role_level",
            "Organisational-response items: disagree, neither, agree by role level",
            CAPABILITY, "role_level", "collapsed"),
    _likert("capability_distribution_by_ethnicity",
            "Organisational-response items: the five answers by ethnicity group",
            CAPABILITY, "ethnicity_group", "detail"),
    _likert("capability_collapsed_by_ethnicity",
            "Organisational-response items: disagree, neither, agree by ethnicity group",
            CAPABILITY, "ethnicity_group", "collapsed"),
    Table("capability_positive_by_role_level",
          "Agreeing with each organisational-response item, by role level",
          "respondents in scope who answered the item, by role level",
          {"item": ITEM_TEXT, "role_level": GROUP_TEXT["role_level"], **POSITIVE},
          ("role_level",), ("n_positive",), ("item",), suppression="cells",
          compute=_positive("role_level")),
    Table("capability_positive_by_ethnicity",
          "Agreeing with each organisational-response item, by ethnicity group",
          "respondents in scope who answered the item, by ethnicity group",
          {"item": ITEM_TEXT, "ethnicity_group": GROUP_TEXT["ethnicity_group"], **POSITIVE},
          ("ethnicity_group",), ("n_positive",), ("item",), suppression="cells",
          compute=_positive("ethnicity_group")),
    Table("capability_tests", "Tests of difference per item (Benjamini-Hochberg adjusted)",
          "respondents in scope who answered the item with a value on the grouping (Prefer not "
          "to say ethnicity left out)",
          {"item": ITEM_TEXT, "grouping": "role_level or ethnicity_group",
           "test": "Pearson chi-square of independence, or linear-by-linear trend (role level)",
           **TEST_TEXT,
           "effect": "Cramér's V (chi-square) or correlation r (trend; positive = more "
           "agreement with seniority)", "n": "respondents in the test",
           "p_value": "unadjusted p-value",
           "p_adjusted": "p-value adjusted across all rows of this table",
           "adjustment": "the multiple-testing correction used"},
          labels=("item", "grouping", "test"), suppression="cells",
          compute=lambda frame: capability.capability_tests(
              frame, load_instrument().residual_labels)),
    Table("barriers_overall", "Barriers to anti-racism work: share selecting each option",
          "respondents in scope who answered the barriers question (ticked at least one option "
          "or none; skipped = all blank, left out)", BARRIER, counts=("n_selected",),
          labels=("barrier", "option"), suppression="cells", compute=_barriers(None)),
    Table("barriers_by_role_level", "Barriers to anti-racism work by role level",
          "as barriers_overall, within each role level",
          {"barrier": BARRIER["barrier"], "option": BARRIER["option"],
           "role_level": GROUP_TEXT["role_level"],
           **{k: v for k, v in BARRIER.items() if k not in ("barrier", "option")}},
          ("role_level",), ("n_selected",), ("barrier", "option"), suppression="cells",
          compute=_barriers("role_level")),
)  # fmt: skip

HEADLINE = {
    "indicator": "headline indicator id (definitions in headline_definitions)",
    "label": "what the indicator measures",
    "population": "who the indicator describes (before non-response)",
    "n": "respondents in the population who answered the question (Prefer not to say left out)",
    "n_positive": "of these, respondents giving a counted answer (favourable, or for racism the "
    "harmful one)",
    "pct": "percentage (n_positive / n x 100)",
    **_interval("the percentage"),
}
PROFILE = {
    "n": "respondents in the category",
    "pct": "percentage of all respondents in scope (0-100)",
}
KAPPA = "Cohen's kappa of the two coders' presence/absence of the theme per unit"
ALPHA = "Krippendorff's alpha (nominal) of the two coders"
OUTCOME_PANEL = "organisations' published NHS Staff Survey results (public files), by year"
OUTCOME_GROUPS = {
    "comparison": "the two groups of organisations compared",
    "group": "the group",
    "indicator": "Staff Survey question id",
    "year": "survey year",
    "orgs": "organisations in the group that year",
}

OTHER_TABLES: tuple[Table, ...] = (
    # --- section 1: data quality (evaluation.analyses.data_quality, evaluation.io.survey)
    Table("sample_overview", "Respondents in scope, wave", "respondents in scope",
          {"measure": "what is counted", "value": "the count or value"},
          made_by="evaluation.analyses.data_quality.sample_overview"),
    Table("row_account", "Rows of the survey file: analysed and excluded, by reason",
          "every row of the survey file",
          {"status": "analysed or excluded", "reason": "why a row was excluded (blank: analysed)",
           "rows": "number of rows"}, made_by="evaluation.io.survey.account_summary"),
    Table("item_missingness", "Answers missing, by question",
          "respondents in scope who were asked each question (skip logic applied)",
          {"variable": "survey variable", "section": "questionnaire section",
           "asked": "respondents who were asked the question", "answered": "of these, answered",
           "not_answered": "of these, left it blank",
           "pct_not_answered": "percentage not answered (not_answered / asked x 100)"},
          made_by="evaluation.analyses.data_quality"),
    *(
        Table(f"profile_{by}", f"Respondents by {by}", "respondents in scope",
              {by: text, **PROFILE}, (by,),
              made_by="evaluation.analyses.data_quality.response_profile")
        for by, text in {
            "icb": "Integrated Care Board of the respondent's organisation",
            "org_type": "type of the respondent's organisation (acute, mental health, ...)",
            "band_group": GROUP_TEXT["band_group"],
            "role_level": GROUP_TEXT["role_level"],
            "ethnicity_5": "ONS 2021 high-level ethnic group (5 groups), Prefer not to say kept",
            "staff_group": "the respondent's staff group",
        }.items()
    ),
    Table("organisations_without_pack", "Organisations with too few respondents for a pack",
          "organisations of the region below the pack threshold",
          {"unit": "organisation code", "name": "organisation name",
           "reason": "why no separate pack is built"},
          made_by="evaluation.analyses.units.units_without_pack"),
    # --- section 5: themes (evaluation.text)
    Table("codebook", "Codebook: themes, definitions and the ARF principle each speaks to",
          "the codebook's themes",
          {"code_id": "theme code", "name": "theme name", "parent": "parent theme (blank: top)",
           "definition": "what the theme covers", "include": "what to code with it",
           "exclude": "what not to code with it", "examples": "example passages (synthetic)",
           "principle": "the ARF principle the theme speaks to",
           "color": "the theme's colour in figures and in the REFI-QDA export (hex RGB)"},
          made_by="evaluation.text.codebook"),
    Table("themes_signed_off_quotes",
          "Quotes signed off for publication, by theme",
          "passages of the quote bank signed off by a person, in the report's scope, unchanged "
          "since sign-off and not held for review",
          {"Theme": "the theme the quote illustrates (codebook name)",
           "Quote": "the passage as published (redacted)",
           "Who": "pseudonym: Respondent N (free text) or P01... (focus-group participant)",
           "Role level": "the speaker's role level where its group passes the minimum cell size "
           "in every report the quote appears in; otherwise (not shown)"},
          made_by="evaluation.themes.report_quotes"),
    Table("themes_free_text_prevalence", "Respondents raising each theme in free text",
          "respondents in scope who wrote a free-text answer",
          {"code_id": "theme code (codebook)", "n": "respondents who wrote free text",
           "count": "of these, respondents whose answers were coded with the theme",
           "pct": "percentage raising the theme (count / n x 100)",
           **_interval("the percentage raising the theme")},
          counts=("count",), labels=("code_id",), made_by="evaluation.text.framework"),
    Table("themes_free_text_by_role_level",
          "Respondents raising each theme in free text, by role level",
          "respondents in scope who wrote a free-text answer, by role level",
          {"role_level": GROUP_TEXT["role_level"], "code_id": "theme code (codebook)",
           "n": "respondents in the role level who wrote free text",
           "count": "of these, respondents whose answers were coded with the theme",
           "pct": "percentage raising the theme (count / n x 100)",
           **_interval("the percentage raising the theme")},
          ("role_level",), ("count",), ("code_id",), made_by="evaluation.text.framework"),
    Table("themes_joint_display_role_level",
          "Joint display by role level: confident to report and themes raised",
          "survey strand: respondents who answered confident_to_report; free-text strand: "
          "respondents who wrote free text",
          {"role_level": GROUP_TEXT["role_level"],
           "strand": "survey (a share of answers) or free text (a share raising a theme)",
           "indicator": "the survey indicator or the theme", "n": "the strand's base in the group",
           "count": "respondents counted (agreeing, or raising the theme)",
           "pct": "percentage (count / n x 100)", **_interval("the percentage")},
          ("role_level",), ("count",), ("strand", "indicator"),
          made_by="evaluation.text.framework"),
    Table("themes_intercoder_reliability", "Inter-coder reliability per theme",
          "the passages coded by both human coders",
          {"code_id": "theme code (codebook)", "n_units": "units (passages) both coders coded",
           "prevalence": "share of units either coder coded with the theme (0-1)",
           "percent_agreement": "percentage of units on which the coders agree (0-100)",
           "kappa": KAPPA, "kappa_lo": "lower limit of kappa's 95% bootstrap interval",
           "kappa_hi": "upper limit of kappa's 95% bootstrap interval", "alpha": ALPHA,
           "alpha_lo": "lower limit of alpha's 95% bootstrap interval",
           "alpha_hi": "upper limit of alpha's 95% bootstrap interval",
           "flag": "reliability reading (e.g. below the 0.67 threshold, too rare to judge)"},
          made_by="evaluation.text.agreement"),
    Table("themes_coding_vs_truth", "Coding against the planted themes (synthetic data only)",
          "the synthetic wave's passages with planted themes",
          {"coder": "rule coding, suggester or a human coder", "code_id": "theme code",
           "support": "passages that truly carry the theme",
           "precision": "share of the coder's codings that are true (0-1)",
           "recall": "share of the true passages the coder found (0-1)",
           "f1": "harmonic mean of precision and recall (0-1)"},
          made_by="evaluation.text.evaluate"),
    Table("themes_candidate_topics", "Candidate themes from topic modelling (top terms)",
          "free-text passages in scope", {"topic": "topic number",
           "n_passages": "passages assigned to the topic ([c] below the minimum cell size)",
           "top_terms": "the topic's most characteristic terms",
           "uncoded_share": "share of its passages no codebook theme codes (0-1)"},
          made_by="evaluation.text.discovery"),
    # --- section 6: summary (evaluation.analyses.headlines, scorecard, weighted, year_on_year)
    Table("scorecard_by_principle", "Scorecard: the evidence on each ARF principle",
          "each indicator's population (headline_definitions); themes: respondents who wrote "
          "free text",
          {"principle": "the ARF principle (codebook.yaml `principles`)",
           "evidence": "the indicator (with its population) or the coded theme",
           "indicator": "its id: a headline indicator (headline_definitions), a survey item "
           "(instrument variable) or a theme (code_id)",
           "source": "survey, or free-text theme (rule coding)",
           "n": "respondents in the population who answered (themes: who wrote free text)",
           "n_positive": "of these, favourable (or harmful) answers / respondents raising the "
           "theme", "pct": "n_positive / n x 100", **_interval("the percentage"),
           "since_previous": "up / down (chi-square p < 0.05, uncorrected) or no clear change",
           "reading": "the value in plain words"},
          made_by="evaluation.analyses.scorecard.scorecard"),
    Table("equity_gaps", "Gaps between Global Majority and White staff",
          "respondents in scope who answered the question, White or Global Majority (Prefer "
          "not to say in neither)",
          {"variable": ITEM_TEXT, "finding": "what the share is, in words",
           "better": "which direction is favourable (higher / lower)",
           "n_gm": "Global Majority respondents who answered",
           "pct_gm": "% of them giving the favourable (or, for racism, the harmful) answer",
           "ci_low_gm": "lower limit of its 95% Wilson interval",
           "ci_high_gm": "upper limit of its 95% Wilson interval",
           "n_white": "White respondents who answered",
           "pct_white": "% of them giving the favourable (or harmful) answer",
           "ci_low_white": "lower limit of its 95% Wilson interval",
           "ci_high_white": "upper limit of its 95% Wilson interval",
           "gap_pp": "Global Majority minus White, percentage points",
           "gap_low": "lower limit of Newcombe's 95% interval for the gap",
           "gap_high": "upper limit of Newcombe's 95% interval for the gap",
           "p_value": "chi-square test of the 2 x 2 table (no continuity correction)",
           "p_holm": "p-value Holm-corrected across the items of the table",
           "significant": "significant at 5% after the Holm correction"},
          made_by="evaluation.analyses.headlines.equity_gaps"),
    Table("headline_indicators", "Headline indicators, with 95% intervals",
          "each indicator's population (headline_definitions), who answered", HEADLINE,
          counts=("n_positive",), labels=("indicator",),
          made_by="evaluation.analyses.headlines.headline_indicators"),
    Table("headline_definitions", "Definitions of the headline indicators", "the indicators",
          {"indicator": "headline indicator id", "label": "what the indicator measures",
           "variable": "the survey variable", "question": "the question's wording",
           "positive_answers": "the answers counted",
           "population": "who the indicator describes",
           "filter": "the population as a filter on survey columns",
           "better": "which direction is favourable (higher / lower)"},
          made_by="evaluation.analyses.headlines.headline_definitions"),
    Table("headline_indicators_weighted",
          "Headline indicators weighted to the workforce (raking), with unweighted shares",
          "as headline_indicators; weights rake respondents to workforce margins",
          {**{k: v for k, v in HEADLINE.items() if k not in ("ci_low", "ci_high")},
           "pct": "unweighted percentage (n_positive / n x 100)",
           "pct_weighted": "percentage weighted to the workforce margins (raking)",
           "ci_low": "lower limit of the 95% interval for the weighted percentage (effective "
           "sample size)",
           "ci_high": "upper limit of the 95% interval for the weighted percentage (effective "
           "sample size)",
           "n_eff": "Kish effective sample size of the weighted respondents"},
          made_by="evaluation.analyses.weighted.weighted_headline_indicators"),
    Table("raking_diagnostics", "Raking: workforce and weighted shares, and the design effect",
          "respondents in scope with the margin's workforce attribute stated",
          {"variable": "the workforce attribute raked to", "level": "its level",
           "target_pct": "the workforce's share in the level (0-100)",
           "weighted_pct": "the weighted respondents' share after raking (0-100)",
           "design_effect": "Kish design effect of the weights (1 + CV^2)",
           "converged": "whether raking converged"},
          made_by="evaluation.analyses.weighted.raking_diagnostics"),
    Table("planning_next_wave", "What next year's survey could detect",
          "as headline_indicators",
          {"indicator": HEADLINE["indicator"], "label": HEADLINE["label"],
           "population": HEADLINE["population"],
           "baseline_pct": "this wave's percentage (0-100)",
           "n": "this wave's respondents who answered",
           "next_n": "respondents assumed to answer next wave",
           "detectable_pp": "smallest change (percentage points) detectable with 80% power at "
           "5% two-sided (exact power of the chi-square test)",
           "needed_per_wave_5pp": "answers needed per wave to detect a 5-point change",
           "respondents_per_wave_5pp": "respondents needed per wave for that (allowing for the "
           "share of respondents in the population who answer)",
           "needed_per_wave_10pp": "answers needed per wave to detect a 10-point change",
           "respondents_per_wave_10pp": "respondents needed per wave for that"},
          made_by="evaluation.analyses.year_on_year.planning_table"),
    # --- section 7: year on year (evaluation.analyses.year_on_year; {wave}: a wave's year)
    Table("headlines_{wave}", "Headline indicators, one wave",
          "each indicator's population (headline_definitions), who answered, in that wave",
          HEADLINE, counts=("n_positive",), labels=("indicator",),
          made_by="evaluation.analyses.headlines.headline_indicators"),
    Table("instrument_changes", "Instrument changes between the two waves",
          "the two waves' instruments",
          {"variable": "survey variable", "change": "what changed (added, removed, renamed, "
           "wording or answers changed)", "previous": "the previous wave's version",
           "current": "the current wave's version"},
          made_by="evaluation.analyses.year_on_year.instrument_changes"),
    Table("year_on_year_change", "Headline indicators in two waves: change",
          "each indicator's population (headline_definitions), who answered, in each wave",
          {"indicator": HEADLINE["indicator"], "label": HEADLINE["label"],
           "population": HEADLINE["population"],
           "better": "which direction is favourable (higher / lower)",
           "n_{wave}": "respondents in the population who answered, that wave",
           "pct_{wave}": "percentage that wave (0-100)",
           "ci_low_{wave}": "lower limit of that wave's 95% Wilson interval (0-100)",
           "ci_high_{wave}": "upper limit of that wave's 95% Wilson interval (0-100)",
           "change_pp": "current minus previous wave, percentage points",
           "change_low": "lower limit of Newcombe's 95% interval for the change (this indicator "
           "on its own)",
           "change_high": "upper limit of Newcombe's 95% interval for the change (this "
           "indicator on its own)",
           "change_low_adj": "lower limit of the change's interval adjusted for the indicators "
           "tested (Bonferroni level; goes with p_adjusted)",
           "change_high_adj": "upper limit of the change's interval adjusted for the "
           "indicators tested (Bonferroni level; goes with p_adjusted)",
           "p_value": "chi-square test of the 2 x 2 table (wave x counted answer), unadjusted",
           "p_adjusted": "p-value adjusted across the indicators tested (method in correction)",
           "significant": "significant at 5% after the adjustment",
           "correction": "the multiple-testing correction used",
           "assessment": "better / worse / no significant change, by the indicator's direction",
           "note": "instrument changes touching the indicator's question or population"},
          made_by="evaluation.analyses.year_on_year.compare_waves"),
    # --- section 8: public outcomes (evaluation.outcomes.analysis)
    Table("outcomes_files", "Public outcome files read and skipped", "the public outcome files",
          {"file": "file name", "status": "read or skipped", "reason": "why a file was skipped"},
          made_by="evaluation.outcomes.analysis.files_table"),
    Table("outcomes_scorecard", "Public outcomes scorecard", OUTCOME_PANEL,
          {"ods_code": "organisation ODS code", "org_name": "organisation name",
           "benchmark_group": "NHS Staff Survey benchmarking group",
           "indicator": "Staff Survey question id", "label": "what the indicator measures",
           "year": "latest survey year", "pct": "published percentage, latest year (0-100)",
           "ci_low": "lower limit of the 95% Wilson interval from the published base (0-100)",
           "ci_high": "upper limit of the 95% Wilson interval from the published base (0-100)",
           "base": "responses the percentage rests on", "benchmark_median": "median of the "
           "benchmarking group, same year", "benchmark_orgs": "organisations in that median",
           "england": "England figure, same year", "first_year": "earliest year in the panel",
           "pct_first": "percentage in the earliest year", "change_pp": "latest minus earliest, "
           "percentage points", "change_ci_low": "lower limit of Newcombe's 95% interval for "
           "the change", "change_ci_high": "upper limit of Newcombe's 95% interval for the "
           "change", "group_year": "year of the ethnicity breakdown",
           "pct_white": "percentage among White staff", "pct_global_majority": "percentage "
           "among ethnic-minority (Global Majority) staff",
           "relative_likelihood": "Global Majority / White ratio of the percentages",
           "status": "published, or not published (fewer than 11 responses)"},
          made_by="evaluation.outcomes.analysis.scorecard"),
    Table("outcomes_comparison", "Outcomes by year at a fixed ethnic-minority share",
          OUTCOME_PANEL + ", by the organisations' ARF status",
          {**OUTCOME_GROUPS,
           "mean_pct": "mean published percentage (0-100)",
           "mean_share": "mean ethnic-minority share of the workforce (0-100)",
           "mean_adjusted": "mean percentage adjusted to a fixed ethnic-minority share (0-100)",
           "ci_low": "lower limit of the 95% interval for the adjusted mean (0-100)",
           "ci_high": "upper limit of the 95% interval for the adjusted mean (0-100)",
           "p_value": "test that the two groups' adjusted means are equal that year"},
          made_by="evaluation.outcomes.analysis"),
    Table("outcomes_relative_likelihood", "Global Majority / White relative likelihood",
          OUTCOME_PANEL + ", by the organisations' ARF status",
          {**OUTCOME_GROUPS,
           "mean_pct_white": "mean percentage among White staff (0-100)",
           "mean_pct_global_majority": "mean percentage among Global Majority staff (0-100)",
           "rl_geometric_mean": "geometric mean of the organisations' relative likelihoods",
           "rl_ci_low": "lower limit of its 95% interval",
           "rl_ci_high": "upper limit of its 95% interval"},
          made_by="evaluation.outcomes.analysis.relative_likelihood"),
    Table("outcomes_did", "Staggered difference-in-differences", OUTCOME_PANEL,
          {"indicator": "Staff Survey question id", "outcome": "what the outcome measures",
           "awarded_orgs": "organisations with an ARF award in the register",
           "dated_awards": "of these, with an award date",
           "usable_cohort_orgs": "awarded organisations usable as treated (data before and after)",
           "first_year": "first year of the panel", "last_year": "last year of the panel",
           "att": "average effect of the award on the treated, percentage points "
           "(Callaway-Sant'Anna, not-yet-treated controls)",
           "se": "standard error of att", "ci_low": "lower limit of the 95% interval for att",
           "ci_high": "upper limit of the 95% interval for att",
           "ri_p": "randomisation-inference p-value (award years permuted)",
           "ri_sd": "standard deviation of att over the permutations",
           "ri_ci_low": "lower limit of the randomisation-inference 95% interval",
           "ri_ci_high": "upper limit of the randomisation-inference 95% interval",
           "permutations": "permutations drawn",
           "pretrend_rms": "root mean square of the pre-award effects (parallel trends check)",
           "pretrend_periods": "pre-award periods in that check",
           "ri_pretrend_p": "randomisation-inference p-value of the pre-trend check",
           "treated_orgs": "treated organisations in the estimate",
           "control_orgs": "control organisations in the estimate",
           "mde1_pp": "minimum detectable effect (80% power, 5%), percentage points",
           "mde1_orgs": "organisations that minimum detectable effect assumes",
           "mde1_first_treated_year": "first award year that assumption uses",
           "planted_att": "the true effect planted in the synthetic panel (blank for real data)"},
          made_by="evaluation.outcomes.did"),
    Table("outcomes_event_study", "Event study: effect by years since the award", OUTCOME_PANEL,
          {"years_since": "years since the award (negative: before)",
           "att": "effect at that distance, percentage points", "se": "standard error of att",
           "ci_low": "lower limit of the 95% interval for att",
           "ci_high": "upper limit of the 95% interval for att"},
          made_by="evaluation.outcomes.did"),
    Table("outcomes_belief_vs_register",
          "Believed ARF status by the organisation's status in the register",
          "respondents in scope who answered the believed-status question",
          {"register_level": "the organisation's ARF status in the register",
           "believed_status": "the status the respondent believes their organisation holds",
           "matches_register": "whether the belief matches the register",
           "n": "respondents in the register level who answered", "count": "of these, "
           "respondents giving this belief", "pct": "percentage (count / n x 100)",
           **_interval("the percentage")},
          ("register_level", "believed_status"), ("count",),
          made_by="evaluation.outcomes.analysis.belief_vs_register"),
    Table("outcomes_awareness_by_register",
          "Awareness of the framework by the organisation's status in the register",
          "respondents in scope who answered the awareness question",
          {"register_level": "the organisation's ARF status in the register",
           "n": "respondents in the register level who answered the awareness question",
           "count": "of these, respondents aware of the framework (answered Yes)",
           "pct_aware": "percentage aware (count / n x 100)", **_interval("the percentage aware")},
          ("register_level",), ("count",),
          made_by="evaluation.outcomes.analysis.awareness_by_register"),
)  # fmt: skip

TABLES: dict[str, Table] = {t.name: t for t in (*SURVEY_TABLES, *OTHER_TABLES)}


def _matches(pattern: str, name: str) -> bool:
    """``name`` is ``pattern`` with each ``{placeholder}`` filled by a number (``n_{wave}``)."""
    if "{" not in pattern:
        return pattern == name
    regex = re.sub(r"\\\{\w+\\\}", "[0-9]+", re.escape(pattern))
    return re.fullmatch(regex, name) is not None


def declared(name: str) -> Table | None:
    """The declaration of a published table (``headlines_2025`` finds ``headlines_{wave}``)."""
    if name in TABLES:
        return TABLES[name]
    return next((table for key, table in TABLES.items() if _matches(key, name)), None)


def describe(table: Table, column: str) -> str:
    """The description of ``column`` in ``table`` (``pct_2025`` finds ``pct_{wave}``), or ""."""
    if column in table.columns:
        return table.columns[column]
    return next((text for key, text in table.columns.items() if _matches(key, column)), "")


def build_table(name: str, frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Build the published survey table ``name`` (declared in :data:`SURVEY_TABLES`) from a survey
    frame: compute, keep the declared columns, round, suppress (module docstring).

    Models carry ``attrs["note"]`` (n, who was left out and why, the method) for the report.
    """
    spec = TABLES[name]
    columns = list(spec.columns)
    if spec.suppression in ("likert_detail", "likert_collapsed"):
        tables = likert.agreement_tables(frame, spec.items, spec.breakdown[0], min_cell)
        table = tables.detail if spec.suppression == "likert_detail" else tables.collapsed
        return table[columns]
    if spec.compute is None:
        raise ValueError(f"table {name!r} is made by {spec.made_by}, not by build_table")
    if spec.suppression == "model":
        fitted = cast("tuple[ModelResult, dict[str, int]]", spec.compute(frame))
        result, excluded = fitted
        table = publish_model(result, columns, min_cell, kinds=spec.model_terms)
        # who was left out is a published count too: small reasons are named, not counted
        note = f"n = {result.n:,}. Excluded: {excluded_note(excluded, min_cell)}. "
        table.attrs |= {"excluded": excluded, "note": f"{note}Method: {result.method}."}
        return table
    if spec.suppression == "cells":
        computed = spec.compute(frame)
        assert isinstance(computed, pd.DataFrame)
        if "method" in spec.labels and len(computed):
            note = "Method: " + " | ".join(computed["method"].astype(str).drop_duplicates())
        elif "method" in spec.labels:
            note = "Not testable: fewer than three answer levels after pooling."
        else:
            note = ""
        table = publish(computed, columns, count_cols=spec.counts, group_cols=spec.breakdown,
                        label_cols=spec.labels, partition_col=spec.partition,
                        min_cell=min_cell)  # fmt: skip
        if note:
            table.attrs["note"] = note
        return table
    raise ValueError(f"table {name!r}: unknown suppression {spec.suppression!r}")
