"""European options under Black-Scholes-Merton: price and analytic Greeks (vectorized).

Generalized Black-Scholes-Merton with cost of carry b (Haug, "The Complete Guide to Option
Pricing Formulas", 2nd ed., ch. 1): b = r - q for a stock or token paying a yield q
(:func:`black_scholes`), b = 0 with S = F for an option on a future or forward (:func:`black76`)::

    d1 = (ln(S/K) + (b + sigma^2/2) T) / (sigma sqrt(T)),   d2 = d1 - sigma sqrt(T)
    call = S e^((b-r)T) N(d1)  - K e^(-rT) N(d2)
    put  = K e^(-rT) N(-d2)    - S e^((b-r)T) N(-d1)

Greeks (``OptionGreeks``), with phi the normal density and c = e^((b-r)T)::

    delta = c N(d1)  (call),  c (N(d1) - 1)  (put)       per 1 unit of underlying price
    gamma = c phi(d1) / (S sigma sqrt(T))                 per unit of price, per unit of price
    vega  = S c phi(d1) sqrt(T)                           per 1.00 of vol (/100 per vol point)
    theta = -S c phi(d1) sigma / (2 sqrt(T)) -+ (b-r) S c N(+-d1) -+ r K e^(-rT) N(+-d2)
            (upper signs call)                            per year, calendar: dV/dt = -dV/dT
    rho   = dV/dr per 1.00 of rate (/100 per 1 %). black_scholes holds q fixed (b moves with r):
            call K T e^(-rT) N(d2), put -K T e^(-rT) N(-d2); black76 holds F fixed: -T V.

Units: prices in the quote currency (token1), T in years (365 days), rates continuously
compounded per year, sigma annualised. At T = 0 or sigma = 0 the price is the discounted
intrinsic value of the forward and gamma is 0 (the Dirac mass at the money is dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hedgekit.models._normal import ncdf, npdf, ratio
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    check_kind,
    require_finite,
    require_non_negative,
    require_positive,
)

__all__ = [
    "OptionGreeks",
    "black76",
    "black76_greeks",
    "black_scholes",
    "black_scholes_greeks",
    "generalized_black_scholes",
]


@dataclass(frozen=True)
class OptionGreeks:
    """Price and Greeks of European options (arrays broadcast from the inputs).

    price in quote currency; delta per 1 unit of underlying price; gamma per unit of price
    squared; vega per 1.00 of volatility; theta per year of calendar time (dV/dt); rho per 1.00
    of the risk-free rate.
    """

    price: FloatArray
    delta: FloatArray
    gamma: FloatArray
    vega: FloatArray
    theta: FloatArray
    rho: FloatArray


def _inputs(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    b: npt.ArrayLike,
    sigma: npt.ArrayLike,
) -> tuple[FloatArray, ...]:
    S_, K_, T_ = as_float(S, "S"), as_float(K, "K"), as_float(T, "T")
    r_, b_, s_ = as_float(r, "r"), as_float(b, "b"), as_float(sigma, "sigma")
    require_positive(S_, "S")
    require_positive(K_, "K")
    require_non_negative(T_, "T")
    require_finite(r_, "r")
    require_finite(b_, "b")
    require_non_negative(s_, "sigma")
    return S_, K_, T_, r_, b_, s_


def _d1_d2(
    S: FloatArray, K: FloatArray, T: FloatArray, b: FloatArray, sigma: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    sd = sigma * np.sqrt(T)
    d1 = ratio(np.log(S / K) + (b + 0.5 * sigma * sigma) * T, sd)
    d2 = ratio(np.log(S / K) + (b - 0.5 * sigma * sigma) * T, sd)
    return d1, d2, np.asarray(sd, dtype=np.float64)


def generalized_black_scholes(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    b: npt.ArrayLike,
    sigma: npt.ArrayLike,
    kind: str = "call",
) -> FloatArray:
    """Generalized BSM price with cost of carry ``b`` (module docstring)."""
    k = check_kind(kind)
    S_, K_, T_, r_, b_, s_ = _inputs(S, K, T, r, b, sigma)
    d1, d2, _ = _d1_d2(S_, K_, T_, b_, s_)
    carry = np.exp((b_ - r_) * T_)
    disc = np.exp(-r_ * T_)
    if k == "call":
        price = S_ * carry * ncdf(d1) - K_ * disc * ncdf(d2)
    else:
        price = K_ * disc * ncdf(-d2) - S_ * carry * ncdf(-d1)
    return np.asarray(price, dtype=np.float64)


def black_scholes(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    q: npt.ArrayLike = 0.0,
    kind: str = "call",
) -> FloatArray:
    """Black-Scholes-Merton price of a European option on spot S paying yield q (b = r - q)."""
    r_, q_ = as_float(r, "r"), as_float(q, "q")
    require_finite(q_, "q")
    return generalized_black_scholes(S, K, T, r_, r_ - q_, sigma, kind)


def black76(
    F: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    kind: str = "call",
) -> FloatArray:
    """Black-76 price of a European option on a forward/future F, discounted at r (b = 0)."""
    return generalized_black_scholes(F, K, T, r, 0.0, sigma, kind)


def _greeks(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    b: npt.ArrayLike,
    sigma: npt.ArrayLike,
    kind: str,
    db_dr: float,
) -> OptionGreeks:
    k = check_kind(kind)
    S_, K_, T_, r_, b_, s_ = _inputs(S, K, T, r, b, sigma)
    d1, d2, sd = _d1_d2(S_, K_, T_, b_, s_)
    carry = np.exp((b_ - r_) * T_)
    disc = np.exp(-r_ * T_)
    n1 = npdf(d1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.where(sd > 0.0, carry * n1 / (S_ * sd), 0.0)
        decay = np.where(T_ > 0.0, -S_ * carry * n1 * s_ / (2.0 * np.sqrt(T_)), 0.0)
    vega = S_ * carry * n1 * np.sqrt(T_)
    if k == "call":
        N1, N2 = ncdf(d1), ncdf(d2)
        price = S_ * carry * N1 - K_ * disc * N2
        delta = carry * N1
        theta = decay - (b_ - r_) * S_ * carry * N1 - r_ * K_ * disc * N2
        carry_rho = T_ * S_ * carry * N1  # dV/db
    else:
        N1, N2 = ncdf(-d1), ncdf(-d2)
        price = K_ * disc * N2 - S_ * carry * N1
        delta = -carry * N1
        theta = decay + (b_ - r_) * S_ * carry * N1 + r_ * K_ * disc * N2
        carry_rho = -T_ * S_ * carry * N1
    rho = -T_ * price + db_dr * carry_rho
    return OptionGreeks(
        price=np.asarray(price, dtype=np.float64),
        delta=np.asarray(delta, dtype=np.float64),
        gamma=np.asarray(gamma, dtype=np.float64),
        vega=np.asarray(vega, dtype=np.float64),
        theta=np.asarray(theta, dtype=np.float64),
        rho=np.asarray(rho, dtype=np.float64),
    )


def black_scholes_greeks(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    q: npt.ArrayLike = 0.0,
    kind: str = "call",
) -> OptionGreeks:
    """Price, delta, gamma, vega (per 1.00 vol), theta (per year), rho (dV/dr, q fixed)."""
    r_, q_ = as_float(r, "r"), as_float(q, "q")
    require_finite(q_, "q")
    return _greeks(S, K, T, r_, r_ - q_, sigma, kind, db_dr=1.0)


def black76_greeks(
    F: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    kind: str = "call",
) -> OptionGreeks:
    """Black-76 price and Greeks; delta/gamma are w.r.t. F, rho = -T V (F held fixed)."""
    return _greeks(F, K, T, r, 0.0, sigma, kind, db_dr=0.0)
