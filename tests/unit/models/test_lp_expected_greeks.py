"""Expected LP value under a driftless lognormal and its Greeks (hedgekit.models.lp_expected)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models_strategies import REGIONS, log_uniform, position_and_price
from scipy import integrate

from hedgekit.errors import InputError
from hedgekit.models import lp, lp_expected, lvr
from hedgekit.models.options import black76
from hedgekit.models.processes import gbm_paths

FAST = settings(max_examples=120, deadline=None)
positions = st.sampled_from(REGIONS).flatmap(position_and_price)
sigmas = st.floats(0.05, 2.0)
horizons = st.floats(0.01, 2.0)


def quadrature_expected_value(
    P: float, L: float, pa: float, pb: float, s: float, T: float
) -> float:
    """E[V(P_T)] by integrating V against the normal density of ln P_T, split at the edges."""
    w = s * s * T
    v = math.sqrt(w)

    def f(z: float) -> float:
        return float(lp.value(P * math.exp(-w / 2 + v * z), L, pa, pb)) * math.exp(-z * z / 2)

    cuts = sorted(
        {
            -40.0,
            40.0,
            *(
                min(max((math.log(k / P) + w / 2) / v, -40.0), 40.0)
                for k in (pa, pb)
                if 0 < k < math.inf
            ),
        }
    )
    total = sum(
        integrate.quad(f, a, b, epsabs=0, epsrel=1e-12, limit=200)[0]
        for a, b in itertools.pairwise(cuts)
    )
    return total / math.sqrt(2 * math.pi)


def put_strip_expected_value(P: float, L: float, pa: float, pb: float, s: float, T: float) -> float:
    """Carr-Madan: E[V] = L (sb - sa) - int_Pa^Pb L/(2 K^1.5) Put(K) dK, undiscounted puts."""

    def integrand(K: float) -> float:
        return L / (2 * K**1.5) * float(black76(P, K, T, 0.0, s, kind="put"))

    strip = integrate.quad(integrand, pa, pb, epsabs=0, epsrel=1e-12, limit=200, points=[P])[0]
    return L * (math.sqrt(pb) - math.sqrt(pa)) - strip


# --- the closed form against independent computations -----------------------------------


@FAST
@given(positions, sigmas, horizons)
def test_expected_value__any_region__matches_numerical_integration(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    got = float(lp_expected.expected_value(P, L, pa, pb, sigma=s, horizon=T))
    assert got == pytest.approx(quadrature_expected_value(P, L, pa, pb, s, T), rel=1e-8)


@settings(max_examples=40, deadline=None)
@given(positions, sigmas, horizons)
def test_expected_value__any_region__equals_static_put_strip(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    got = float(lp_expected.expected_value(P, L, pa, pb, sigma=s, horizon=T))
    scale = L * math.sqrt(P)
    assert got == pytest.approx(put_strip_expected_value(P, L, pa, pb, s, T), abs=1e-8 * scale)


def test_expected_value__monte_carlo_gbm__within_four_standard_errors() -> None:
    P, L, pa, pb, s, T = 2000.0, 5.0, 1500.0, 2600.0, 0.8, 0.25
    terminal = gbm_paths(P, 0.0, s, [0.0, T], 200_000, rng=2024)[:, -1]
    values = lp.value(terminal, L, pa, pb)
    se = values.std(ddof=1) / math.sqrt(values.size)
    expected = float(lp_expected.expected_value(P, L, pa, pb, sigma=s, horizon=T))
    assert abs(values.mean() - expected) < 4 * se


# --- v2 closed forms ---------------------------------------------------------------------


@FAST
@given(log_uniform(-2, 5), log_uniform(-2, 6), sigmas, horizons)
def test_v2_expected_value_vega_theta__equal_closed_forms(
    P: float, L: float, s: float, T: float
) -> None:
    ev = 2 * L * math.sqrt(P) * math.exp(-s * s * T / 8)
    kw = {"sigma": s, "horizon": T}
    assert float(lp_expected.expected_value(P, L, **kw)) == pytest.approx(ev, rel=1e-12)
    assert float(lp_expected.vega(P, L, **kw)) == pytest.approx(-s * T / 4 * ev, rel=1e-12)
    assert float(lp_expected.theta(P, L, **kw)) == pytest.approx(-s * s / 8 * ev, rel=1e-12)
    assert float(lp_expected.in_range_weight(P, **kw)) == 1.0


# --- analytic Greeks vs central finite differences ------------------------------------------


@FAST
@given(positions, sigmas, horizons)
def test_expected_delta__any_region__matches_central_difference(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    h = 1e-5 * P

    def ev(p: float) -> float:
        return float(lp_expected.expected_value(p, L, pa, pb, sigma=s, horizon=T))

    fd = (ev(P + h) - ev(P - h)) / (2 * h)
    an = float(lp_expected.expected_delta(P, L, pa, pb, sigma=s, horizon=T))
    assert an == pytest.approx(fd, rel=1e-6, abs=1e-8 * L / math.sqrt(P))


@FAST
@given(positions, sigmas, horizons)
def test_expected_gamma__any_region__matches_central_difference_of_expected_delta(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    h = 1e-5 * P

    def ed(p: float) -> float:
        return float(lp_expected.expected_delta(p, L, pa, pb, sigma=s, horizon=T))

    fd = (ed(P + h) - ed(P - h)) / (2 * h)
    an = float(lp_expected.expected_gamma(P, L, pa, pb, sigma=s, horizon=T))
    assert an == pytest.approx(fd, rel=1e-5, abs=1e-8 * L * P**-1.5)


@FAST
@given(positions, sigmas, horizons)
def test_vega__any_region__matches_central_difference_in_sigma(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    h = 1e-6

    def ev(sig: float) -> float:
        return float(lp_expected.expected_value(P, L, pa, pb, sigma=sig, horizon=T))

    fd = (ev(s + h) - ev(s - h)) / (2 * h)
    an = float(lp_expected.vega(P, L, pa, pb, sigma=s, horizon=T))
    assert an <= 0.0
    assert an == pytest.approx(fd, rel=1e-5, abs=1e-8 * L * math.sqrt(P))


@FAST
@given(positions, sigmas, horizons)
def test_theta__any_region__matches_central_difference_in_horizon(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    P, L, pa, pb = pos
    h = 1e-5 * T

    def ev(t: float) -> float:
        return float(lp_expected.expected_value(P, L, pa, pb, sigma=s, horizon=t))

    fd = (ev(T + h) - ev(T - h)) / (2 * h)
    an = float(lp_expected.theta(P, L, pa, pb, sigma=s, horizon=T))
    assert an <= 0.0
    assert an == pytest.approx(fd, rel=1e-5, abs=1e-8 * L * math.sqrt(P) / T)


@FAST
@given(positions, sigmas, horizons)
def test_theta__any_horizon__solves_the_driftless_pricing_pde(
    pos: tuple[float, float, float, float], s: float, T: float
) -> None:
    # dE/dT = sigma^2/2 P^2 d2E/dP2 (backward equation); vega = sigma T P^2 gamma
    P, L, pa, pb = pos
    kw = {"sigma": s, "horizon": T}
    gamma_e = float(lp_expected.expected_gamma(P, L, pa, pb, **kw))
    assert float(lp_expected.theta(P, L, pa, pb, **kw)) == pytest.approx(
        0.5 * s * s * P * P * gamma_e, rel=1e-12, abs=1e-300
    )
    assert float(lp_expected.vega(P, L, pa, pb, **kw)) == pytest.approx(
        s * T * P * P * gamma_e, rel=1e-12, abs=1e-300
    )


# --- the T -> 0 limit: theta = -LVR ----------------------------------------------------------


@FAST
@given(position_and_price("inside"), sigmas)
def test_theta__small_horizon_inside_range__equals_minus_lvr_rate_to_1e_6(
    pos: tuple[float, float, float, float], s: float
) -> None:
    P, L, pa, pb = pos
    T = 1e-10
    theta = float(lp_expected.theta(P, L, pa, pb, sigma=s, horizon=T))
    rate = float(lvr.lvr_rate(P, L, pa, pb, sigma=s))
    assert rate == pytest.approx(0.5 * s * s * P * P * abs(float(lp.gamma(P, L, pa, pb))))
    assert theta == pytest.approx(-rate, rel=1e-6)


@FAST
@given(st.sampled_from(["below", "above"]).flatmap(position_and_price), sigmas)
def test_theta__small_horizon_outside_range__equals_zero_lvr(
    pos: tuple[float, float, float, float], s: float
) -> None:
    P, L, pa, pb = pos
    theta = float(lp_expected.theta(P, L, pa, pb, sigma=s, horizon=1e-10))
    assert float(lvr.lvr_rate(P, L, pa, pb, sigma=s)) == 0.0
    assert theta == pytest.approx(0.0, abs=1e-12 * L * math.sqrt(P))


@FAST
@given(log_uniform(-2, 5), log_uniform(-2, 6), sigmas)
def test_theta__small_horizon_v2__is_minus_sigma_squared_over_8_of_value(
    P: float, L: float, s: float
) -> None:
    theta = float(lp_expected.theta(P, L, sigma=s, horizon=1e-10))
    assert theta == pytest.approx(-s * s / 8 * float(lp.value(P, L)), rel=1e-6)


def test_expected_greeks__zero_horizon__reduce_to_intrinsic() -> None:
    P = np.array([50.0, 150.0, 400.0])
    L, pa, pb, s = 3.0, 100.0, 200.0, 0.9
    kw = {"sigma": s, "horizon": 0.0}
    np.testing.assert_allclose(
        lp_expected.expected_value(P, L, pa, pb, **kw), lp.value(P, L, pa, pb), rtol=1e-14
    )
    np.testing.assert_allclose(
        lp_expected.expected_delta(P, L, pa, pb, **kw),
        lp.delta(P, L, pa, pb),
        rtol=1e-14,
        atol=1e-15,
    )
    np.testing.assert_allclose(
        lp_expected.theta(P, L, pa, pb, **kw), -lvr.lvr_rate(P, L, pa, pb, sigma=s), rtol=1e-14
    )
    np.testing.assert_array_equal(lp_expected.vega(P, L, pa, pb, **kw), 0.0)


# --- aggregate and validation -----------------------------------------------------------


def test_lp_greeks__one_pass__equals_the_individual_functions() -> None:
    rng = np.random.default_rng(5)
    n = 1000
    pa = rng.uniform(1000, 2000, n)
    pb = pa * rng.uniform(1.1, 2.0, n)
    P = rng.uniform(800, 4000, n)
    L = rng.uniform(1, 10, n)
    kw = {"sigma": 0.7, "horizon": rng.uniform(0.01, 1.0, n)}
    g = lp_expected.lp_greeks(P, L, pa, pb, **kw)
    np.testing.assert_allclose(g.value, lp.value(P, L, pa, pb), rtol=1e-14)
    np.testing.assert_array_equal(g.delta, lp.delta(P, L, pa, pb))
    np.testing.assert_array_equal(g.gamma, lp.gamma(P, L, pa, pb))
    np.testing.assert_allclose(
        g.expected_value, lp_expected.expected_value(P, L, pa, pb, **kw), rtol=1e-14
    )
    np.testing.assert_allclose(
        g.expected_gamma, lp_expected.expected_gamma(P, L, pa, pb, **kw), rtol=1e-14
    )
    np.testing.assert_allclose(g.vega, lp_expected.vega(P, L, pa, pb, **kw), rtol=1e-13)
    np.testing.assert_allclose(g.theta, lp_expected.theta(P, L, pa, pb, **kw), rtol=1e-13)
    np.testing.assert_allclose(g.lvr_rate, lvr.lvr_rate(P, L, pa, pb, sigma=0.7), rtol=1e-13)


@pytest.mark.parametrize(("sigma", "horizon"), [(-0.1, 1.0), (0.5, -1.0), (float("nan"), 1.0)])
def test_expected_value__negative_sigma_or_horizon__raises_input_error(
    sigma: float, horizon: float
) -> None:
    with pytest.raises(InputError):
        lp_expected.expected_value(1.0, 1.0, 0.5, 2.0, sigma=sigma, horizon=horizon)
