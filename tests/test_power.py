"""Power for two independent proportions, against published answers and against each other.

Known answers:
- R's documented examples for ``stats::power.prop.test`` (the pooled normal approximation):
  ``power.prop.test(n = 50, p1 = .50, p2 = .75)`` gives power 0.740,
  ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` gives n = 76.7 per group and
  ``power.prop.test(n = 50, p1 = .5, power = .90)`` gives p2 = 0.8026.
- Cohen (1988, ch. 6), arcsine approach: the variance of ``2 asin(sqrt(p_hat))`` is ``1/n``, so
  ``n = 2 (z_{1-alpha/2} + z_{power})^2 / h^2`` per group (392.4 for h = 0.2 at 80% power),
  computed here from scipy's normal quantiles, independently of statsmodels.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from evaluation.stats.power import (
    cohens_h,
    minimum_detectable_difference,
    power_two_proportions,
    sample_size_per_group,
)


def test_normal_method_reproduces_r_power_prop_test_examples() -> None:
    assert power_two_proportions(0.50, 0.75, 50, 50, method="normal") == pytest.approx(
        0.740, abs=5e-4
    )
    assert sample_size_per_group(0.50, 0.75, power=0.90, method="normal") == 77  # n = 76.7
    mdd = minimum_detectable_difference(0.5, 50, 50, power=0.90, method="normal")
    assert 0.5 + mdd == pytest.approx(0.8026, abs=5e-5)


def test_arcsine_method_matches_cohens_closed_form() -> None:
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.80)
    n_closed = 2 * z**2 / 0.2**2
    assert n_closed == pytest.approx(392.4, abs=0.05)
    p1 = 0.5
    p2 = math.sin(math.asin(math.sqrt(p1)) + 0.1) ** 2  # h = 0.2 exactly
    assert cohens_h(p1, p2) == pytest.approx(0.2)
    assert sample_size_per_group(p1, p2) == math.ceil(n_closed)
    # the detectable difference at that n gives h = 0.2 back
    mdd = minimum_detectable_difference(p1, n_closed, n_closed)
    assert cohens_h(p1, p1 + mdd) == pytest.approx(0.2, abs=1e-4)


@pytest.mark.parametrize("p", [0.2, 0.35, 0.5, 0.65, 0.8])
@pytest.mark.parametrize("n1,n2", [(200, 200), (1500, 1500), (300, 900)])
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_the_two_methods_agree_within_half_a_point(p, n1, n2, direction) -> None:
    arcsine = minimum_detectable_difference(p, n1, n2, direction=direction)
    normal = minimum_detectable_difference(p, n1, n2, direction=direction, method="normal")
    assert arcsine == pytest.approx(normal, abs=0.005)
    # and the detectable difference does have 80% power under its own method
    target = p + arcsine if direction == "increase" else p - arcsine
    assert power_two_proportions(p, target, n1, n2) == pytest.approx(0.80, abs=1e-3)


def test_detectable_difference_shrinks_with_n_and_depends_on_direction() -> None:
    small = minimum_detectable_difference(0.3, 200, 200)
    large = minimum_detectable_difference(0.3, 2000, 2000)
    assert large < small / 3  # roughly 1/sqrt(10)
    # the variance is largest at 0.5: a rise from 30% must be larger than a fall to be detected
    assert minimum_detectable_difference(0.3, 500, 500, direction="increase") > (
        minimum_detectable_difference(0.3, 500, 500, direction="decrease")
    )


def test_impossible_and_invalid_requests() -> None:
    assert math.isnan(minimum_detectable_difference(0.02, 10, 10, direction="decrease"))
    assert math.isnan(
        minimum_detectable_difference(0.02, 10, 10, direction="decrease", method="normal")
    )
    with pytest.raises(ValueError, match="strictly between"):
        minimum_detectable_difference(0.0, 100, 100)
    with pytest.raises(ValueError, match="method"):
        sample_size_per_group(0.3, 0.4, method="simulated")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="equal"):
        sample_size_per_group(0.3, 0.3)
