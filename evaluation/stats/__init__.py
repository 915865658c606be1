"""General statistics for survey tables: no knowledge of the ARF, the instrument or notebooks.

One module per idea: :mod:`.proportions` (Wilson intervals, Kish effective n), :mod:`.crosstabs`
(tidy group shares and distributions), :mod:`.association` (chi-square, Cramér's V, trend test),
:mod:`.design` (collapsed design matrices), :mod:`.regression` (logistic), :mod:`.ordinal`
(proportional odds + likelihood-ratio and Brant tests), :mod:`.separation` (Konis linear
programme), :mod:`.bootstrap` (wild cluster score bootstrap), :mod:`.relative_likelihood` (WRES
ratio), :mod:`.multiplicity` (Holm / Benjamini-Hochberg), :mod:`.power` (approximate and exact
power), :mod:`.weighting` (raking).
"""

from evaluation.stats.association import chi_square_test, linear_by_linear, small_expected
from evaluation.stats.crosstabs import (
    contingency_table,
    distribution_by,
    proportion_by,
    success_indicator,
)
from evaluation.stats.design import CollapsedDesign, Term, collapse
from evaluation.stats.multiplicity import adjust_pvalues
from evaluation.stats.ordinal import (
    OrdinalResult,
    ProportionalOddsTest,
    brant_test,
    fit_ordinal,
    ordinal_logit,
)
from evaluation.stats.proportions import (
    kish_effective_n,
    newcombe_difference,
    proportion,
    wilson_interval,
)
from evaluation.stats.regression import (
    COEFFICIENT_COLUMNS,
    ModelResult,
    coefficient_table,
    fit_logistic,
    logistic_regression,
)
from evaluation.stats.relative_likelihood import relative_likelihood
from evaluation.stats.separation import SeparationCheck, check_separation
from evaluation.stats.weighting import RakingResult, rake

__all__ = [
    "COEFFICIENT_COLUMNS",
    "CollapsedDesign",
    "ModelResult",
    "OrdinalResult",
    "ProportionalOddsTest",
    "RakingResult",
    "SeparationCheck",
    "Term",
    "adjust_pvalues",
    "brant_test",
    "check_separation",
    "chi_square_test",
    "coefficient_table",
    "collapse",
    "contingency_table",
    "distribution_by",
    "fit_logistic",
    "fit_ordinal",
    "kish_effective_n",
    "linear_by_linear",
    "logistic_regression",
    "newcombe_difference",
    "ordinal_logit",
    "proportion",
    "proportion_by",
    "rake",
    "relative_likelihood",
    "small_expected",
    "success_indicator",
    "wilson_interval",
]
