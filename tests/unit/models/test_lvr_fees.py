"""LVR, fee income, net carry and break-even volatility (hedgekit.models.lvr)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models_strategies import log_uniform, position_and_price
from scipy import integrate

from hedgekit.errors import InputError
from hedgekit.models import lp, lp_expected, lvr

FAST = settings(max_examples=120, deadline=None)
sigmas = st.floats(0.05, 2.0)


@FAST
@given(log_uniform(-2, 5), log_uniform(-2, 6), sigmas)
def test_lvr_rate__v2__is_sigma_squared_over_8_of_value(P: float, L: float, s: float) -> None:
    rate = float(lvr.lvr_rate(P, L, sigma=s))
    assert rate == pytest.approx(s * s / 8 * float(lp.value(P, L)), rel=1e-14)


@FAST
@given(
    st.sampled_from(["below", "inside", "above", "lower_edge", "upper_edge"]).flatmap(
        position_and_price
    ),
    sigmas,
)
def test_lvr_rate__any_region__is_half_sigma_squared_p_squared_abs_gamma(
    pos: tuple[float, float, float, float], s: float
) -> None:
    P, L, pa, pb = pos
    expected = 0.5 * s * s * P * P * abs(float(lp.gamma(P, L, pa, pb)))
    assert float(lvr.lvr_rate(P, L, pa, pb, sigma=s)) == pytest.approx(expected, rel=1e-13)


def test_expected_lvr__v2__is_value_times_one_minus_exp_decay() -> None:
    P, L, s, T = 3000.0, 7.0, 0.9, 0.5
    expected = float(lp.value(P, L)) * (1 - math.exp(-s * s * T / 8))
    assert float(lvr.expected_lvr(P, L, sigma=s, horizon=T)) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["below", "inside", "above"]).flatmap(position_and_price),
    sigmas,
    st.floats(0.05, 1.0),
)
def test_expected_lvr__v3__equals_integral_of_minus_theta(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    integral = integrate.quad(
        lambda t: -float(lp_expected.theta(P, L, pa, pb, sigma=s, horizon=t)),
        0.0,
        T,
        epsabs=0,
        epsrel=1e-11,
        limit=200,
    )[0]
    got = float(lvr.expected_lvr(P, L, pa, pb, sigma=s, horizon=T))
    assert got == pytest.approx(integral, rel=1e-7, abs=1e-9 * L * math.sqrt(P))


def test_fee_rate_from_apr__in_and_out_of_range__apr_times_value_or_zero() -> None:
    P = np.array([50.0, 150.0, 400.0])
    rate = lvr.fee_rate_from_apr(P, 2.0, 100.0, 200.0, fee_apr=0.3)
    np.testing.assert_allclose(rate, [0.0, 0.3 * float(lp.value(150.0, 2.0, 100.0, 200.0)), 0.0])


def test_fee_rate_from_fee_growth__in_range__is_liquidity_times_growth_per_year() -> None:
    # 0.001 token0 and 2.0 token1 per unit of liquidity over one week
    rate = lvr.fee_rate_from_fee_growth(
        2000.0, 5.0, 1500.0, 2500.0, fee_growth0=0.001, fee_growth1=2.0, elapsed=7 / 365
    )
    assert float(rate) == pytest.approx(5.0 * (0.001 * 2000.0 + 2.0) * 365 / 7, rel=1e-14)
    out = lvr.fee_rate_from_fee_growth(
        3000.0, 5.0, 1500.0, 2500.0, fee_growth0=0.001, fee_growth1=2.0, elapsed=7 / 365
    )
    assert float(out) == 0.0


@FAST
@given(log_uniform(-2, 5), log_uniform(-2, 6), st.floats(0.001, 2.0))
def test_break_even_volatility__v2_with_fee_apr__is_sqrt_8_apr(
    P: float, L: float, apr: float
) -> None:
    fees = lvr.fee_rate_from_apr(P, L, fee_apr=apr)
    sigma = float(lvr.break_even_volatility(P, L, fee_rate=fees))
    assert sigma == pytest.approx(math.sqrt(8 * apr), rel=1e-12)


@FAST
@given(position_and_price("inside"), st.floats(0.01, 1.0), st.floats(0.5, 2.0))
def test_net_carry__at_break_even_volatility__is_zero_and_changes_sign_around_it(
    pos: tuple[float, float, float, float], apr: float, bump: float
) -> None:
    P, L, pa, pb = pos
    fees = lvr.fee_rate_from_apr(P, L, pa, pb, fee_apr=apr)
    s_star = float(lvr.break_even_volatility(P, L, pa, pb, fee_rate=fees))
    carry = float(lvr.net_carry(P, L, pa, pb, sigma=s_star, fee_rate=fees))
    assert carry == pytest.approx(0.0, abs=1e-12 * float(fees))
    carry_bumped = float(lvr.net_carry(P, L, pa, pb, sigma=s_star * bump, fee_rate=fees))
    assert math.copysign(1.0, carry_bumped) == (1.0 if bump < 1 else -1.0) or bump == 1.0


def test_break_even_volatility__out_of_range__is_nan() -> None:
    sigma = lvr.break_even_volatility(np.array([50.0, 150.0]), 1.0, 100.0, 200.0, fee_rate=1.0)
    assert math.isnan(sigma[0])
    assert math.isfinite(sigma[1])


def test_fee_rate_from_fee_growth__zero_elapsed__raises_input_error() -> None:
    with pytest.raises(InputError, match="elapsed"):
        lvr.fee_rate_from_fee_growth(1.0, 1.0, fee_growth0=0.0, fee_growth1=0.0, elapsed=0.0)
