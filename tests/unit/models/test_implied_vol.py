"""Implied volatility (hedgekit.models.options.implied_vol)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from hedgekit.errors import InputError
from hedgekit.models.options import black76, black_scholes, black_scholes_greeks, implied_vol

FAST = settings(max_examples=200, deadline=None)


def test_implied_vol__hull_example_price__returns_twenty_percent() -> None:
    price = float(black_scholes(42, 40, 0.5, 0.1, 0.2))
    assert float(implied_vol(price, 42, 40, 0.5, 0.1)) == pytest.approx(0.2, abs=1e-12)


@FAST
@given(
    st.floats(0.5, 2.0),  # K / S
    st.floats(0.02, 3.0),  # T
    st.floats(-0.01, 0.1),  # r
    st.floats(0.0, 0.05),  # q
    st.floats(0.01, 3.0),  # sigma
    st.sampled_from(["call", "put"]),
)
def test_implied_vol__round_trip__recovers_sigma(
    m: float, T: float, r: float, q: float, sigma: float, kind: str
) -> None:
    S, K = 100.0, 100.0 * m
    price = float(black_scholes(S, K, T, r, sigma, q, kind))
    iv = float(implied_vol(price, S, K, T, r, q, kind))
    vega = float(black_scholes_greeks(S, K, T, r, sigma, q, kind).vega)
    if math.isnan(iv):  # only when the price rounds onto the arbitrage bound
        intrinsic = max(
            (1 if kind == "call" else -1) * (S * math.exp(-q * T) - K * math.exp(-r * T)), 0.0
        )
        assert price <= intrinsic + 1e-12 * S
        return
    # the price is always reproduced; sigma itself wherever the price is sensitive to it
    assert float(black_scholes(S, K, T, r, iv, q, kind)) == pytest.approx(price, abs=1e-11 * S)
    if vega > 1e-4:
        assert iv == pytest.approx(sigma, abs=1e-8)


def test_implied_vol__array__agrees_with_scipy_brentq() -> None:
    K = np.array([60.0, 90.0, 100.0, 130.0, 200.0])
    sig = np.array([0.9, 0.35, 0.25, 0.4, 1.2])
    prices = black_scholes(100.0, K, 0.75, 0.02, sig)
    ours = implied_vol(prices, 100.0, K, 0.75, 0.02)
    for i in range(K.size):
        ref = brentq(
            lambda s, i=i: float(black_scholes(100.0, K[i], 0.75, 0.02, s)) - prices[i],
            1e-6,
            10.0,
            xtol=1e-14,
        )
        assert ours[i] == pytest.approx(ref, abs=1e-10)


def test_implied_vol__black76__via_spot_equal_forward_and_q_equal_r() -> None:
    price = float(black76(19.0, 19.0, 0.75, 0.1, 0.28, kind="put"))
    assert float(implied_vol(price, 19.0, 19.0, 0.75, 0.1, q=0.1, kind="put")) == pytest.approx(
        0.28, abs=1e-12
    )


def test_implied_vol__outside_no_arbitrage_bounds__is_nan_and_keeps_shape() -> None:
    # call on S=42, K=40, T=0.5, r=10 %: bounds [S - K e^-rT, S) = [3.95, 42)
    prices = np.array([[1.0, 4.76], [42.0, 50.0]])
    iv = implied_vol(prices, 42, 40, 0.5, 0.1)
    assert iv.shape == (2, 2)
    assert np.isnan(iv[0, 0]) and np.isnan(iv[1, 0]) and np.isnan(iv[1, 1])
    assert iv[0, 1] == pytest.approx(0.2, abs=1e-3)


def test_implied_vol__price_at_intrinsic__is_zero() -> None:
    assert float(implied_vol(2.0, 42.0, 40.0, 0.5, 0.0)) == 0.0
    assert float(implied_vol(0.0, 40.0, 42.0, 0.5, 0.0)) == 0.0


def test_implied_vol__strict_outside_bounds__raises_input_error() -> None:
    with pytest.raises(InputError, match="no-arbitrage"):
        implied_vol([4.76, 50.0], 42, 40, 0.5, 0.1, strict=True)


def test_implied_vol__unknown_kind_or_zero_expiry__raises_input_error() -> None:
    with pytest.raises(InputError, match="kind"):
        implied_vol(1.0, 42, 40, 0.5, 0.1, kind="digital")
    with pytest.raises(InputError, match="T"):
        implied_vol(1.0, 42, 40, 0.0, 0.1)
