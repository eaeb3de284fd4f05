"""Merton (1976) jump diffusion (hedgekit.models.options.merton).

Published values: Haug, "Option Pricing Formulas" (1998) p. 9, Merton jump-diffusion call table
(S=100, r=8 %, q=0, total vol 25 %, gamma = share of the variance from jumps), with the values
converged to 1e-2 as tabulated in QuantLib's test-suite jumpdiffusion.cpp. Haug's parameters map
to ours as jump_vol = v sqrt(gamma/lambda), sigma = v sqrt(1 - gamma), jump_mean =
-jump_vol^2/2 (zero mean jump, k = 0). An independent Fourier (Gil-Pelaez) price cross-checks
the Poisson series.
"""

from __future__ import annotations

import cmath
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from hedgekit.models.options import (
    black_scholes,
    black_scholes_greeks,
    merton_jump_diffusion,
    merton_jump_diffusion_greeks,
)

FAST = settings(max_examples=60, deadline=None)

HAUG_TABLE = [
    # strike, T, lambda, gamma, call
    (80.0, 0.10, 1.0, 0.25, 20.67),
    (80.0, 0.50, 10.0, 0.25, 23.61),
    (90.0, 0.25, 1.0, 0.25, 12.74),
    (90.0, 0.50, 5.0, 0.25, 15.42),
    (100.0, 0.10, 1.0, 0.25, 3.42),
    (100.0, 0.25, 5.0, 0.25, 5.96),
    (100.0, 0.50, 10.0, 0.25, 9.03),
    (110.0, 0.25, 1.0, 0.25, 2.11),
    (120.0, 0.50, 10.0, 0.25, 2.25),
    (80.0, 0.25, 5.0, 0.50, 21.73),
    (90.0, 0.10, 1.0, 0.50, 11.04),
    (100.0, 0.10, 1.0, 0.50, 3.14),
    (100.0, 0.50, 5.0, 0.50, 8.96),
    (110.0, 0.25, 10.0, 0.50, 2.14),
    (120.0, 0.10, 1.0, 0.50, 0.19),
    (80.0, 0.50, 1.0, 0.75, 23.86),
    (90.0, 0.25, 5.0, 0.75, 12.78),
    (100.0, 0.10, 1.0, 0.75, 2.70),
    (100.0, 0.25, 10.0, 0.75, 5.85),
    (110.0, 0.50, 1.0, 0.75, 3.99),
    (120.0, 0.10, 10.0, 0.75, 0.11),
    (120.0, 0.50, 5.0, 0.75, 2.21),
]


def haug_params(lam: float, gamma: float, v: float = 0.25) -> tuple[float, float, float]:
    """(sigma, jump_mean, jump_vol) from Haug's (lambda, gamma, total vol)."""
    jump_vol = v * math.sqrt(gamma / lam)
    return v * math.sqrt(1 - gamma), -0.5 * jump_vol * jump_vol, jump_vol


@pytest.mark.parametrize(("K", "T", "lam", "gamma", "value"), HAUG_TABLE)
def test_merton_call__haug_table__matches_within_one_cent(
    K: float, T: float, lam: float, gamma: float, value: float
) -> None:
    sigma, mu, delta = haug_params(lam, gamma)
    price = float(merton_jump_diffusion(100.0, K, T, 0.08, sigma, lam, mu, delta))
    # printed to 2 decimals (some entries truncated rather than rounded): QuantLib's 1e-2
    assert price == pytest.approx(value, abs=1e-2)


def fourier_call(
    S: float,
    K: float,
    T: float,
    r: float,
    q: float,
    sigma: float,
    lam: float,
    mu: float,
    delta: float,
) -> float:
    """Gil-Pelaez inversion of the Merton characteristic function of ln S_T (independent)."""
    k = math.exp(mu + 0.5 * delta * delta) - 1
    drift = math.log(S) + (r - q - lam * k - 0.5 * sigma * sigma) * T

    def cf(u: complex) -> complex:
        jump = cmath.exp(1j * u * mu - 0.5 * delta * delta * u * u) - 1
        return cmath.exp(1j * u * drift - 0.5 * sigma * sigma * u * u * T + lam * T * jump)

    log_k = math.log(K)
    fwd = cf(-1j)

    def p1(u: float) -> float:
        return (cmath.exp(-1j * u * log_k) * cf(u - 1j) / (1j * u * fwd)).real

    def p2(u: float) -> float:
        return (cmath.exp(-1j * u * log_k) * cf(u) / (1j * u)).real

    opts = {"epsabs": 1e-13, "epsrel": 1e-12, "limit": 500}
    P1 = 0.5 + integrate.quad(p1, 1e-12, 200.0, **opts)[0] / math.pi
    P2 = 0.5 + integrate.quad(p2, 1e-12, 200.0, **opts)[0] / math.pi
    return S * math.exp(-q * T) * P1 - K * math.exp(-r * T) * P2


@pytest.mark.parametrize(
    ("S", "K", "T", "r", "q", "sigma", "lam", "mu", "delta"),
    [
        (100.0, 100.0, 0.5, 0.05, 0.0, 0.2, 1.0, -0.1, 0.2),
        (100.0, 80.0, 1.0, 0.03, 0.02, 0.3, 5.0, 0.05, 0.1),
        (3000.0, 3600.0, 0.25, 0.0, 0.0, 0.6, 12.0, -0.03, 0.08),
        (50.0, 45.0, 2.0, 0.08, 0.0, 0.15, 0.5, -0.4, 0.3),
    ],
)
def test_merton_call__poisson_series__equals_fourier_inversion(
    S: float,
    K: float,
    T: float,
    r: float,
    q: float,
    sigma: float,
    lam: float,
    mu: float,
    delta: float,
) -> None:
    series = float(merton_jump_diffusion(S, K, T, r, sigma, lam, mu, delta, q))
    assert series == pytest.approx(fourier_call(S, K, T, r, q, sigma, lam, mu, delta), rel=1e-7)


def test_merton__no_jumps__equals_black_scholes_greeks() -> None:
    m = merton_jump_diffusion_greeks(100, 95, 0.7, 0.04, 0.3, 0.0, -0.2, 0.1, 0.01, "put")
    b = black_scholes_greeks(100, 95, 0.7, 0.04, 0.3, 0.01, "put")
    for name in ("price", "delta", "gamma", "vega", "theta", "rho"):
        assert float(getattr(m, name)) == pytest.approx(float(getattr(b, name)), rel=1e-12)


merton_cases = st.tuples(
    st.floats(0.6, 1.6),  # K / S
    st.floats(0.05, 2.0),  # T
    st.floats(0.0, 0.1),  # r
    st.floats(0.0, 0.05),  # q
    st.floats(0.05, 0.8),  # sigma
    st.floats(0.0, 8.0),  # lambda
    st.floats(-0.3, 0.2),  # mu
    st.floats(0.01, 0.4),  # jump vol
    st.sampled_from(["call", "put"]),
)


@FAST
@given(merton_cases)
def test_merton_greeks__analytic__match_central_differences(
    case: tuple[float, float, float, float, float, float, float, float, str],
) -> None:
    m, T, r, q, s, lam, mu, dj, kind = case
    S, K = 100.0, 100.0 * m
    g = merton_jump_diffusion_greeks(S, K, T, r, s, lam, mu, dj, q, kind)

    def price(S: float = S, T: float = T, r: float = r, s: float = s) -> float:
        return float(merton_jump_diffusion(S, K, T, r, s, lam, mu, dj, q, kind))

    def delta(S: float) -> float:
        return float(merton_jump_diffusion_greeks(S, K, T, r, s, lam, mu, dj, q, kind).delta)

    h = 1e-5
    hs = 1e-4 * S * s * math.sqrt(T)  # small against the width of the diffusion kernel
    assert float(g.price) == pytest.approx(price(), rel=1e-14)
    assert float(g.delta) == pytest.approx((price(S=S + hs) - price(S=S - hs)) / (2 * hs), abs=1e-8)
    assert float(g.gamma) == pytest.approx(
        (delta(S + hs) - delta(S - hs)) / (2 * hs), rel=1e-6, abs=1e-9
    )
    assert float(g.vega) == pytest.approx(
        (price(s=s + h) - price(s=s - h)) / (2 * h), rel=1e-6, abs=1e-6
    )
    assert float(g.theta) == pytest.approx(
        -(price(T=T + h) - price(T=T - h)) / (2 * h), rel=1e-6, abs=1e-6
    )
    assert float(g.rho) == pytest.approx(
        (price(r=r + h) - price(r=r - h)) / (2 * h), rel=1e-6, abs=1e-6
    )


@FAST
@given(merton_cases)
def test_merton__put_call_parity__holds_with_the_compensator(
    case: tuple[float, float, float, float, float, float, float, float, str],
) -> None:
    m, T, r, q, s, lam, mu, dj, _ = case
    S, K = 100.0, 100.0 * m
    c = float(merton_jump_diffusion(S, K, T, r, s, lam, mu, dj, q, "call"))
    p = float(merton_jump_diffusion(S, K, T, r, s, lam, mu, dj, q, "put"))
    assert c - p == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-10)


def test_merton__jumps_fatten_the_wings__otm_put_above_black_scholes_at_equal_variance() -> None:
    sigma, mu, dj = haug_params(5.0, 0.5)
    jump = float(merton_jump_diffusion(100, 70, 0.25, 0.0, sigma, 5.0, mu, dj, kind="put"))
    plain = float(black_scholes(100, 70, 0.25, 0.0, 0.25, kind="put"))
    assert jump > plain
