"""LP value, amounts, delta, gamma and impermanent loss (hedgekit.models.lp)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models_strategies import log_uniform, position_and_price

from hedgekit.errors import InputError
from hedgekit.models import lp
from hedgekit.models.lp import LPRange

FAST = settings(max_examples=150, deadline=None)


# --- published values: the v2 impermanent-loss table ------------------------------------


def test_impermanent_loss_v2__price_doubles__is_minus_5_72_percent() -> None:
    assert round(float(lp.impermanent_loss_v2(2.0)) * 100, 2) == -5.72


@pytest.mark.parametrize(
    ("ratio", "percent", "decimals"),
    [
        (1.25, -0.6, 1),
        (1.5, -2.0, 1),
        (2.0, -5.72, 2),
        (3.0, -13.4, 1),
        (4.0, -20.0, 1),
        (5.0, -25.5, 1),
    ],
)
def test_impermanent_loss_v2__published_table__matches_to_the_printed_digits(
    ratio: float, percent: float, decimals: int
) -> None:
    assert round(float(lp.impermanent_loss_v2(ratio)) * 100, decimals) == percent


@FAST
@given(log_uniform(-3, 3))
def test_impermanent_loss_v2__symmetric_in_ratio_and_inverse(r: float) -> None:
    assert lp.impermanent_loss_v2(r) == pytest.approx(lp.impermanent_loss_v2(1 / r), abs=1e-14)


@FAST
@given(log_uniform(-3, 3), log_uniform(-2, 4))
def test_impermanent_loss_fraction__full_range__equals_v2_formula(r: float, p0: float) -> None:
    frac = lp.impermanent_loss_fraction(p0 * r, p0, 0.0, np.inf)
    assert frac == pytest.approx(lp.impermanent_loss_v2(r), rel=1e-12, abs=1e-14)


@FAST
@given(
    st.sampled_from(["below", "inside", "above"]).flatmap(position_and_price), log_uniform(-1, 1)
)
def test_impermanent_loss__any_move__is_non_positive_and_zero_at_reference(
    pos: tuple[float, float, float, float], move: float
) -> None:
    p0, L, pa, pb = pos
    il = float(lp.impermanent_loss(p0 * move, p0, L, pa, pb))
    assert il <= 1e-9 * float(lp.value(p0, L, pa, pb) + lp.value(p0 * move, L, pa, pb))
    assert lp.impermanent_loss(p0, p0, L, pa, pb) == pytest.approx(0.0, abs=1e-12 * L)
    assert lp.impermanent_loss_delta(p0, p0, L, pa, pb) == pytest.approx(0.0, abs=1e-12 * L)


# --- value and amounts ---------------------------------------------------------------------


def test_value__v2__is_two_l_sqrt_p() -> None:
    assert lp.value(2500.0, 3.0) == pytest.approx(2 * 3.0 * 50.0, rel=1e-15)


def test_amounts__three_regions__match_whitepaper_table() -> None:
    L, pa, pb = 2.0, 100.0, 400.0
    x, y = lp.amounts(np.array([50.0, 225.0, 900.0]), L, pa, pb)
    np.testing.assert_allclose(x, [L * (1 / 10 - 1 / 20), L * (1 / 15 - 1 / 20), 0.0])
    np.testing.assert_allclose(y, [0.0, L * (15 - 10), L * (20 - 10)])


@FAST
@given(st.sampled_from(["lower_edge", "upper_edge"]).flatmap(position_and_price))
def test_value__at_range_edges__is_continuous(pos: tuple[float, float, float, float]) -> None:
    P, L, pa, pb = pos
    eps = 1e-9
    v = [float(lp.value(P * f, L, pa, pb)) for f in (1 - eps, 1.0, 1 + eps)]
    assert v[0] == pytest.approx(v[1], rel=1e-8)
    assert v[2] == pytest.approx(v[1], rel=1e-8)


# --- analytic Greeks vs finite differences ---------------------------------------------


@FAST
@given(
    st.sampled_from(["below", "inside", "above", "lower_edge", "upper_edge"]).flatmap(
        position_and_price
    )
)
def test_delta__any_region_including_edges__matches_central_difference_of_value(
    pos: tuple[float, float, float, float],
) -> None:
    # V is C1, so the central difference converges at the edges too
    P, L, pa, pb = pos
    h = 1e-6 * P
    fd = (lp.value(P + h, L, pa, pb) - lp.value(P - h, L, pa, pb)) / (2 * h)
    scale = L / math.sqrt(P)
    assert float(lp.delta(P, L, pa, pb)) == pytest.approx(float(fd), abs=1e-6 * scale)


@FAST
@given(st.sampled_from(["below", "inside", "above"]).flatmap(position_and_price))
def test_gamma__away_from_edges__matches_central_difference_of_delta(
    pos: tuple[float, float, float, float],
) -> None:
    P, L, pa, pb = pos
    h = 1e-5 * P
    fd = (lp.delta(P + h, L, pa, pb) - lp.delta(P - h, L, pa, pb)) / (2 * h)
    scale = L * P**-1.5
    assert float(lp.gamma(P, L, pa, pb)) == pytest.approx(float(fd), abs=1e-5 * scale)


@FAST
@given(st.sampled_from(["lower_edge", "upper_edge"]).flatmap(position_and_price))
def test_gamma__at_edges__is_the_one_sided_difference_from_inside(
    pos: tuple[float, float, float, float],
) -> None:
    P, L, pa, pb = pos
    h = 1e-6 * P
    if pa == P:  # right-hand difference (into the range)
        fd = (lp.delta(P + h, L, pa, pb) - lp.delta(P, L, pa, pb)) / h
    else:  # left-hand difference
        fd = (lp.delta(P, L, pa, pb) - lp.delta(P - h, L, pa, pb)) / h
    assert float(lp.gamma(P, L, pa, pb)) == pytest.approx(float(fd), rel=1e-4)
    assert float(lp.gamma(P, L, pa, pb)) == pytest.approx(-0.5 * L * P**-1.5, rel=1e-12)


def test_gamma__v2__is_minus_l_over_two_p_to_three_halves() -> None:
    assert lp.gamma(4.0, 2.0) == pytest.approx(-0.5 * 2.0 / 8.0, rel=1e-15)


# --- vectorization -----------------------------------------------------------------------


def test_value_delta_gamma__array_of_positions__equal_scalar_calls() -> None:
    rng = np.random.default_rng(11)
    n = 300
    pa = rng.uniform(500, 2000, n)
    pb = pa * rng.uniform(1.05, 3.0, n)
    P = rng.uniform(300, 6000, n)
    L = rng.uniform(1, 100, n)
    for fn in (lp.value, lp.delta, lp.gamma):
        vec = fn(P, L, pa, pb)
        assert vec.shape == (n,)
        loop = [float(fn(P[i], L[i], pa[i], pb[i])) for i in range(n)]
        np.testing.assert_array_equal(vec, loop)


def test_lp_range__methods__equal_module_functions() -> None:
    pos = LPRange(np.array([1.0, 2.0]), np.array([10.0, 20.0]), np.array([40.0, 80.0]))
    P = np.array([25.0, 100.0])
    np.testing.assert_array_equal(pos.value(P), lp.value(P, pos.liquidity, pos.lower, pos.upper))
    np.testing.assert_array_equal(pos.delta(P), lp.delta(P, pos.liquidity, pos.lower, pos.upper))
    np.testing.assert_array_equal(pos.gamma(P), lp.gamma(P, pos.liquidity, pos.lower, pos.upper))
    assert LPRange.v2(1.0).value(4.0) == pytest.approx(4.0)


# --- invalid inputs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "liquidity", "lower", "upper", "match"),
    [
        (-1.0, 1.0, 1.0, 2.0, "price"),
        (0.0, 1.0, 1.0, 2.0, "price"),
        (float("nan"), 1.0, 1.0, 2.0, "price"),
        (1.5, -1.0, 1.0, 2.0, "liquidity"),
        (1.5, 1.0, 2.0, 2.0, "lower must be below upper"),
        (1.5, 1.0, 3.0, 2.0, "lower must be below upper"),
        (1.5, 1.0, -1.0, 2.0, "lower"),
    ],
)
def test_value__invalid_inputs__raise_input_error(
    price: float, liquidity: float, lower: float, upper: float, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        lp.value(price, liquidity, lower, upper)


def test_lp_range__lower_above_upper__raises_input_error() -> None:
    with pytest.raises(InputError):
        LPRange(1.0, 5.0, 4.0)


def test_impermanent_loss_v2__non_positive_ratio__raises_input_error() -> None:
    with pytest.raises(InputError):
        lp.impermanent_loss_v2([1.0, 0.0])
