"""Expected value of a v2/v3 LP position under a driftless lognormal price, and its Greeks.

Model (the "process"): P_T = P exp(-w / 2 + sqrt(w) Z), Z ~ N(0, 1), w = sigma^2 T, so that
E[P_T] = P (driftless in token1: zero rates, or the forward measure). sigma is the annualised
volatility of ln P (1.00 = 100 %/sqrt(year)); T = ``horizon`` in years (365 days).

Expected value (the "engine"): split E[V(P_T)] over the three regions of the range and use the
lognormal partial expectations E[P_T^a 1{P_T < K}] with a = 0, 1/2, 1. With v = sqrt(w) and, for a
strike K,  d1(K) = (ln(P/K) + w/2) / v,  d2(K) = d1(K) - v,  d0(K) = ln(P/K) / v::

    E[V(P_T)] = L [ sb N(d2(Pb)) - sa N(d2(Pa)) + (P/sa) N(-d1(Pa)) - (P/sb) N(-d1(Pb))
                    + 2 sqrt(P) exp(-w/8) pi ]

    pi = N(-d0(Pb)) - N(-d0(Pa)) = N(ln(Pb/P)/v) - N(ln(Pa/P)/v)

pi is the probability that P_T ends in the range under the "sqrt-price" measure
(dQ/dP proportional to sqrt(P_T)). Equivalently (Carr-Madan, see ``replication``),
V = L (sb - sa) - int_Pa^Pb L / (2 K^(3/2)) (K - P)^+ dK, so E[V(P_T)] is that cash minus a
strip of undiscounted Black-76 puts. v2 (Pa = 0, Pb = inf): E[V] = 2 L sqrt(P) exp(-sigma^2 T/8).

Greeks. E depends on (sigma, T) only through w, and the put strip gives
dE/dw = -(L/4) sqrt(P) exp(-w/8) pi. Hence, writing G for the expected gamma::

    expected_delta  dE/dP   = L [ N(-d1(Pa))/sa - N(-d1(Pb))/sb + exp(-w/8) pi / sqrt(P) ]
    expected_gamma  d2E/dP2 = G = -L / (2 P^(3/2)) exp(-w/8) pi
    vega            dE/dsigma = 2 sigma T dE/dw = sigma T P^2 G   (per 1.00 of vol)
    theta           dE/dT     = sigma^2 dE/dw   = sigma^2/2 P^2 G  (per year)

**Theta convention.** ``theta`` is the derivative of the expected value *at horizon T* with respect
to the horizon, d/dT E[V(P_T)], in token1 per year. By Ito (Dynkin) it equals the expected
instantaneous value drift at time T, E[sigma^2/2 P_T^2 V''(P_T)] = -E[LVR rate at T]; at T -> 0 it
is -sigma^2/2 P^2 |gamma| = -(sigma^2/4) L sqrt(P) in range, minus the LVR rate of Milionis et al.
(sigma^2/8 of value for v2). It is *not* the option-style calendar theta -dV/dT of
``hedgekit.models.options`` (an LP position has no expiry; its V(P) has no explicit time).
Theta excludes fees; see ``lvr`` for fee income and net carry.

At T = 0 or sigma = 0 every function returns its intrinsic limit (E = V, pi = 1{in range}
with 1/2 exactly at an edge).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hedgekit.models import lp
from hedgekit.models._normal import mul0, ncdf_diff, ncdf_ratio, ratio
from hedgekit.models._validate import FloatArray, as_float, require_non_negative

__all__ = [
    "LPGreeks",
    "expected_delta",
    "expected_gamma",
    "expected_value",
    "in_range_weight",
    "lp_greeks",
    "theta",
    "vega",
]


def _inputs(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> tuple[FloatArray, ...]:
    P, L, Pa, Pb = lp._inputs(price, liquidity, lower, upper)
    s = as_float(sigma, "sigma")
    T = as_float(horizon, "horizon")
    require_non_negative(s, "sigma")
    require_non_negative(T, "horizon")
    return P, L, Pa, Pb, s, T


def _pi_and_decay(
    P: FloatArray, Pa: FloatArray, Pb: FloatArray, v: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(pi, exp(-w/8)): sqrt-measure in-range probability and the sqrt-price decay."""
    with np.errstate(divide="ignore"):
        log_a = np.log(Pa / P)  # -inf for v2
        log_b = np.log(Pb / P)  # +inf for v2
    pi = ncdf_diff(ratio(log_a, v), ratio(log_b, v))
    return pi, np.asarray(np.exp(-v * v / 8.0), dtype=np.float64)


@dataclass(frozen=True)
class _Terms:
    """The normal probabilities shared by E[V] and its delta (one evaluation each)."""

    n_d2a: FloatArray  # N(d2(Pa))
    n_d2b: FloatArray  # N(d2(Pb))
    n_md1a: FloatArray  # N(-d1(Pa))
    n_md1b: FloatArray  # N(-d1(Pb))
    pi: FloatArray
    decay: FloatArray  # exp(-w/8)


def _terms(P: FloatArray, Pa: FloatArray, Pb: FloatArray, v: FloatArray) -> _Terms:
    half_w = 0.5 * v * v
    with np.errstate(divide="ignore"):
        log_pa, log_pb = np.log(P / Pa), np.log(P / Pb)  # ln(P/K): +inf at Pa = 0, -inf at Pb = inf
    pi = ncdf_diff(ratio(-log_pa, v), ratio(-log_pb, v))
    decay = np.asarray(np.exp(-half_w / 4.0), dtype=np.float64)
    return _Terms(
        n_d2a=ncdf_ratio(log_pa - half_w, v),
        n_d2b=ncdf_ratio(log_pb - half_w, v),
        n_md1a=ncdf_ratio(-log_pa - half_w, v),
        n_md1b=ncdf_ratio(-log_pb - half_w, v),
        pi=pi,
        decay=decay,
    )


def _ev(P: FloatArray, L: FloatArray, Pa: FloatArray, Pb: FloatArray, t: _Terms) -> FloatArray:
    sa, sb = np.sqrt(Pa), np.sqrt(Pb)
    with np.errstate(divide="ignore"):
        p_over_sa = P / sa
    bracket = (
        mul0(sb, t.n_d2b)
        - sa * t.n_d2a
        + mul0(p_over_sa, t.n_md1a)
        - (P / sb) * t.n_md1b
        + 2.0 * np.sqrt(P) * t.decay * t.pi
    )
    return np.asarray(L * bracket, dtype=np.float64)


def _e_delta(P: FloatArray, L: FloatArray, Pa: FloatArray, Pb: FloatArray, t: _Terms) -> FloatArray:
    with np.errstate(divide="ignore"):
        inv_sa = 1.0 / np.sqrt(Pa)
    bracket = mul0(inv_sa, t.n_md1a) - t.n_md1b / np.sqrt(Pb) + t.decay * t.pi / np.sqrt(P)
    return np.asarray(L * bracket, dtype=np.float64)


def in_range_weight(
    price: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """pi = N(ln(Pb/P)/v) - N(ln(Pa/P)/v), v = sigma sqrt(T): probability that P_T is in range
    under the sqrt-price measure. Dimensionless in [0, 1]; 1 for v2; 1{in range} at T = 0."""
    P, _, Pa, Pb, s, T = _inputs(price, 1.0, lower, upper, sigma, horizon)
    return _pi_and_decay(P, Pa, Pb, s * np.sqrt(T))[0]


def expected_value(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """E[V(P_T)] in token1 under the driftless lognormal (module docstring formula)."""
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    return _ev(P, L, Pa, Pb, _terms(P, Pa, Pb, s * np.sqrt(T)))


def expected_delta(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """dE[V(P_T)]/dP in token0 (per 1 unit of token1 price move); equals ``lp.delta`` at T = 0."""
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    return _e_delta(P, L, Pa, Pb, _terms(P, Pa, Pb, s * np.sqrt(T)))


def expected_gamma(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """d2E[V(P_T)]/dP2 = -L / (2 P^(3/2)) exp(-sigma^2 T/8) pi, in token0 per unit of price.

    Smooth in P for T > 0 (the lognormal smooths the gamma jump at the edges).
    """
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    pi, decay = _pi_and_decay(P, Pa, Pb, s * np.sqrt(T))
    return np.asarray(-0.5 * L * P**-1.5 * decay * pi, dtype=np.float64)


def vega(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """dE[V(P_T)]/dsigma = -(sigma T L / 2) sqrt(P) exp(-sigma^2 T/8) pi = sigma T P^2 G.

    Unit: token1 per 1.00 of volatility (divide by 100 for per vol point). Always <= 0: the LP
    is short volatility. v2: -(sigma T / 4) E[V].
    """
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    pi, decay = _pi_and_decay(P, Pa, Pb, s * np.sqrt(T))
    return np.asarray(-0.5 * s * T * L * np.sqrt(P) * decay * pi, dtype=np.float64)


def theta(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """dE[V(P_T)]/dT = -(sigma^2 L / 4) sqrt(P) exp(-sigma^2 T/8) pi = sigma^2/2 P^2 G.

    Unit: token1 per year. Horizon derivative (module docstring): at T -> 0 it equals minus the
    LVR rate ``lvr.lvr_rate``; v2: -(sigma^2 / 8) E[V]. Excludes fees.
    """
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    pi, decay = _pi_and_decay(P, Pa, Pb, s * np.sqrt(T))
    return np.asarray(-0.25 * s * s * L * np.sqrt(P) * decay * pi, dtype=np.float64)


@dataclass(frozen=True)
class LPGreeks:
    """Value and Greeks of LP positions, one array per field (shapes broadcast from the inputs).

    value, expected_value, vega, theta, lvr_rate in token1 (vega per 1.00 vol, theta and
    lvr_rate per year); delta, expected_delta in token0; gamma, expected_gamma in token0 per
    unit of token1 price.
    """

    value: FloatArray
    delta: FloatArray
    gamma: FloatArray
    expected_value: FloatArray
    expected_delta: FloatArray
    expected_gamma: FloatArray
    vega: FloatArray
    theta: FloatArray
    lvr_rate: FloatArray


def lp_greeks(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> LPGreeks:
    """All of the above in one pass (inputs validated once, shared terms computed once)."""
    P, L, Pa, Pb, s, T = _inputs(price, liquidity, lower, upper, sigma, horizon)
    terms = _terms(P, Pa, Pb, s * np.sqrt(T))
    x, y = lp.amounts(P, L, Pa, Pb)
    g = lp.gamma(P, L, Pa, Pb)
    p2 = P * P
    e_gamma = -0.5 * L * terms.decay * terms.pi / (P * np.sqrt(P))
    return LPGreeks(
        value=np.asarray(x * P + y, dtype=np.float64),
        delta=x,
        gamma=g,
        expected_value=_ev(P, L, Pa, Pb, terms),
        expected_delta=_e_delta(P, L, Pa, Pb, terms),
        expected_gamma=np.asarray(e_gamma, dtype=np.float64),
        vega=np.asarray(s * T * p2 * e_gamma, dtype=np.float64),
        theta=np.asarray(0.5 * s * s * p2 * e_gamma, dtype=np.float64),
        lvr_rate=np.asarray(-0.5 * s * s * p2 * g, dtype=np.float64),
    )
