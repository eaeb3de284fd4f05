"""Black-Scholes-Merton and Black-76 prices and Greeks (hedgekit.models.options.black_scholes).

Published values: Hull, "Options, Futures and Other Derivatives" (the BSM chapter example:
S=42, K=40, r=10 %, sigma=20 %, T=0.5) and Haug, "The Complete Guide to Option Pricing Formulas"
(ch. 1 examples, as tabulated in QuantLib's test-suite europeanoption.cpp).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.models.options import (
    black76,
    black76_greeks,
    black_scholes,
    black_scholes_greeks,
    generalized_black_scholes,
)

FAST = settings(max_examples=150, deadline=None)


def test_black_scholes__hull_example__call_4_76_put_0_81() -> None:
    assert round(float(black_scholes(42, 40, 0.5, 0.1, 0.2)), 2) == 4.76
    assert round(float(black_scholes(42, 40, 0.5, 0.1, 0.2, kind="put")), 2) == 0.81


@pytest.mark.parametrize(
    ("model", "kind", "S", "K", "T", "r", "q", "sigma", "value"),
    [
        ("bs", "call", 60.0, 65.0, 0.25, 0.08, 0.00, 0.30, 2.1334),  # Black-Scholes 1973
        ("bs", "put", 100.0, 95.0, 0.50, 0.10, 0.05, 0.20, 2.4648),  # Merton 1973, yield q
        ("b76", "put", 19.0, 19.0, 0.75, 0.10, 0.0, 0.28, 1.7011),  # Black 1976
        ("b76", "call", 19.0, 19.0, 0.75, 0.10, 0.0, 0.28, 1.7011),
        ("bs", "call", 1.56, 1.60, 0.50, 0.06, 0.08, 0.12, 0.0291),  # Garman-Kohlhagen
        ("bs", "put", 75.0, 70.0, 0.50, 0.10, 0.05, 0.35, 4.0870),  # generalized, b = 0.05
    ],
)
def test_price__haug_examples__match_to_four_decimals(
    model: str,
    kind: str,
    S: float,
    K: float,
    T: float,
    r: float,
    q: float,
    sigma: float,
    value: float,
) -> None:
    if model == "bs":
        price = black_scholes(S, K, T, r, sigma, q, kind)
    else:
        price = black76(S, K, T, r, sigma, kind)
    assert float(price) == pytest.approx(value, abs=5e-5)


def test_greeks__haug_examples__match_published_values() -> None:
    # delta: futures option F=105, K=100, T=0.5, r=10 %, sigma=36 %
    assert float(black76_greeks(105, 100, 0.5, 0.1, 0.36).delta) == pytest.approx(0.5946, abs=5e-5)
    put = black76_greeks(105, 100, 0.5, 0.1, 0.36, kind="put")
    assert float(put.delta) == pytest.approx(-0.3566, abs=5e-5)
    # gamma and vega (per 1.00 vol): S=55, K=60, T=0.75, r=10 %, sigma=30 %
    g = black_scholes_greeks(55, 60, 0.75, 0.1, 0.3)
    assert float(g.gamma) == pytest.approx(0.0278, abs=5e-5)
    assert float(g.vega) == pytest.approx(18.9358, abs=5e-5)
    # theta per year: put S=430, K=405, T=1/12, r=7 %, q=5 %, sigma=20 %
    th = black_scholes_greeks(430, 405, 1 / 12, 0.07, 0.2, q=0.05, kind="put").theta
    assert float(th) == pytest.approx(-31.1924, abs=5e-5)
    # rho per 1.00 of rate: call S=72, K=75, T=1, r=9 %, sigma=19 %
    assert float(black_scholes_greeks(72, 75, 1.0, 0.09, 0.19).rho) == pytest.approx(
        38.7325, abs=5e-5
    )


option_cases = st.tuples(
    st.floats(10, 1000),  # S
    st.floats(0.5, 2.0),  # K / S
    st.floats(0.05, 3.0),  # T
    st.floats(-0.02, 0.15),  # r
    st.floats(0.0, 0.1),  # q
    st.floats(0.05, 1.5),  # sigma
    st.sampled_from(["call", "put"]),
)


@FAST
@given(option_cases)
def test_black_scholes_greeks__analytic__match_central_differences(
    case: tuple[float, float, float, float, float, float, str],
) -> None:
    S, m, T, r, q, s, kind = case
    K = S * m
    g = black_scholes_greeks(S, K, T, r, s, q, kind)

    def price(S: float = S, T: float = T, r: float = r, s: float = s) -> float:
        return float(black_scholes(S, K, T, r, s, q, kind))

    def delta(S: float) -> float:
        return float(black_scholes_greeks(S, K, T, r, s, q, kind).delta)

    # price steps small against the width of the lognormal kernel, S sigma sqrt(T)
    hs, ht, hr, hv = 1e-4 * S * s * math.sqrt(T), 1e-5, 1e-6, 1e-6
    assert float(g.price) == pytest.approx(price())
    assert float(g.delta) == pytest.approx((price(S=S + hs) - price(S=S - hs)) / (2 * hs), abs=1e-8)
    fd_gamma = (delta(S + hs) - delta(S - hs)) / (2 * hs)
    assert float(g.gamma) == pytest.approx(fd_gamma, rel=1e-6, abs=1e-9 / S)
    assert float(g.vega) == pytest.approx(
        (price(s=s + hv) - price(s=s - hv)) / (2 * hv), rel=1e-6, abs=1e-7 * S
    )
    fd_theta = -(price(T=T + ht) - price(T=T - ht)) / (2 * ht)
    assert float(g.theta) == pytest.approx(fd_theta, rel=1e-5, abs=1e-6 * S)
    assert float(g.rho) == pytest.approx(
        (price(r=r + hr) - price(r=r - hr)) / (2 * hr), rel=1e-6, abs=1e-6 * S
    )


@FAST
@given(option_cases)
def test_black76_greeks__analytic__match_central_differences(
    case: tuple[float, float, float, float, float, float, str],
) -> None:
    F, m, T, r, _, s, kind = case
    K = F * m
    g = black76_greeks(F, K, T, r, s, kind)

    def price(F: float = F, T: float = T, r: float = r) -> float:
        return float(black76(F, K, T, r, s, kind))

    h = 1e-4 * F * s * math.sqrt(T)
    assert float(g.delta) == pytest.approx((price(F=F + h) - price(F=F - h)) / (2 * h), abs=1e-8)
    fd_gamma = (
        black76_greeks(F + h, K, T, r, s, kind).delta
        - black76_greeks(F - h, K, T, r, s, kind).delta
    ) / (2 * h)
    assert float(g.gamma) == pytest.approx(float(fd_gamma), rel=1e-6, abs=1e-9 / F)
    assert float(g.rho) == pytest.approx(-T * float(g.price), rel=1e-12, abs=1e-300)
    assert float(g.rho) == pytest.approx(
        (price(r=r + 1e-6) - price(r=r - 1e-6)) / 2e-6, rel=1e-6, abs=1e-6 * F
    )
    fd_theta = -(price(T=T + 1e-5) - price(T=T - 1e-5)) / 2e-5
    assert float(g.theta) == pytest.approx(fd_theta, rel=1e-5, abs=1e-6 * F)


@FAST
@given(option_cases)
def test_black_scholes__put_call_parity__holds(
    case: tuple[float, float, float, float, float, float, str],
) -> None:
    S, m, T, r, q, s, _ = case
    K = S * m
    c = float(black_scholes(S, K, T, r, s, q, "call"))
    p = float(black_scholes(S, K, T, r, s, q, "put"))
    assert c - p == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-10 * S)


def test_black_scholes__zero_expiry_or_vol__is_discounted_intrinsic() -> None:
    S = np.array([80.0, 100.0, 120.0])
    np.testing.assert_array_equal(black_scholes(S, 100.0, 0.0, 0.05, 0.3), [0.0, 0.0, 20.0])
    np.testing.assert_allclose(
        black_scholes(S, 100.0, 1.0, 0.0, 0.0, kind="put"), [20.0, 0.0, 0.0], atol=1e-15
    )


def test_black_scholes__vectorized_million__matches_generalized_with_b_r_minus_q() -> None:
    rng = np.random.default_rng(0)
    n = 1_000_000
    S, K = rng.uniform(50, 150, n), rng.uniform(50, 150, n)
    T, s = rng.uniform(0.01, 2, n), rng.uniform(0.1, 1.0, n)
    out = black_scholes(S, K, T, 0.03, s, 0.01)
    assert out.shape == (n,)
    np.testing.assert_allclose(out, generalized_black_scholes(S, K, T, 0.03, 0.02, s), atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "straddle"}, "kind"),
        ({"S": -1.0}, "S"),
        ({"K": 0.0}, "K"),
        ({"T": -0.1}, "T"),
        ({"sigma": -0.2}, "sigma"),
    ],
)
def test_black_scholes__invalid_inputs__raise_input_error(
    kwargs: dict[str, object], match: str
) -> None:
    args: dict[str, object] = {"S": 100.0, "K": 100.0, "T": 1.0, "r": 0.0, "sigma": 0.2}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        black_scholes(**args)  # type: ignore[arg-type]
