"""European options under Merton's (1976) jump diffusion: price and analytic Greeks.

Process (risk neutral, with the jump compensator)::

    dS/S = (r - q - lambda k) dt + sigma dW + (J - 1) dN,   ln J ~ N(mu_J, delta^2),
    k = E[J - 1] = exp(mu_J + delta^2 / 2) - 1

with ``sigma`` the diffusion volatility, ``jump_intensity`` lambda (jumps per year),
``jump_mean`` mu_J (mean log jump size) and ``jump_vol`` delta (std of the log jump).

Price: conditional on n jumps, S_T is lognormal with forward and total variance::

    F_n = S exp((r - q - lambda k) T + n (mu_J + delta^2/2)),   W_n = sigma^2 T + n delta^2

so the price is a Poisson mixture of Black prices, C = sum_n p_n(lambda T) e^(-rT) B(F_n, K, W_n),
p_n(x) = e^-x x^n / n!. (This equals Merton's / Hull's form with lambda' = lambda (1 + k) and
r_n = r - lambda k + n ln(1 + k) / T.) The sum is truncated where the Poisson tail is below
~1e-25 (mean + 12 standard deviations + 25 terms).

Greeks (same units as ``black_scholes.OptionGreeks``), with d1_n = (ln(F_n/K) + W_n/2)/sqrt(W_n)::

    delta = sum p_n e^(-rT) (F_n/S) N(d1_n)         (put: N(d1_n) - 1)
    gamma = sum p_n e^(-rT) F_n phi(d1_n) / (S^2 sqrt(W_n))
    vega  = sum p_n e^(-rT) F_n phi(d1_n) sigma T / sqrt(W_n)       dV/dsigma (diffusion vol)
    rho   = -T V + sum p_n e^(-rT) T F_n N(d1_n)    (put: -N(-d1_n)); q held fixed
    theta = -dV/dT = -[lambda sum p_n (f_(n+1) - f_n)
                       + sum p_n (-r f_n + e^(-rT) (dB/dF F_n (r - q - lambda k) + dB/dW sigma^2))]

where f_n = e^(-rT) B(F_n, K, W_n): the first sum is the derivative of the Poisson weights.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, xlogy

from hedgekit.models._normal import ncdf, npdf, ratio
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    check_kind,
    require_finite,
    require_non_negative,
    require_positive,
)
from hedgekit.models.options.black_scholes import OptionGreeks

__all__ = ["merton_jump_diffusion", "merton_jump_diffusion_greeks"]

_TAIL_SDS = 12.0
_TAIL_TERMS = 25


def _inputs(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    jump_intensity: npt.ArrayLike,
    jump_mean: npt.ArrayLike,
    jump_vol: npt.ArrayLike,
    q: npt.ArrayLike,
) -> tuple[FloatArray, ...]:
    S_, K_, T_ = as_float(S, "S"), as_float(K, "K"), as_float(T, "T")
    r_, s_, q_ = as_float(r, "r"), as_float(sigma, "sigma"), as_float(q, "q")
    lam = as_float(jump_intensity, "jump_intensity")
    mu = as_float(jump_mean, "jump_mean")
    dj = as_float(jump_vol, "jump_vol")
    require_positive(S_, "S")
    require_positive(K_, "K")
    require_non_negative(T_, "T")
    require_finite(r_, "r")
    require_finite(q_, "q")
    require_non_negative(s_, "sigma")
    require_non_negative(lam, "jump_intensity")
    require_finite(mu, "jump_mean")
    require_non_negative(dj, "jump_vol")
    return S_, K_, T_, r_, s_, lam, mu, dj, q_


def _n_terms(lam_t: FloatArray) -> int:
    top = float(np.max(lam_t)) if lam_t.size else 0.0
    return int(np.ceil(top + _TAIL_SDS * np.sqrt(top))) + _TAIL_TERMS


def _poisson(n: int, lam_t: FloatArray) -> FloatArray:
    """p_n(lambda T) in log space (no underflow of e^-x for large x; p_0(0) = 1)."""
    return np.asarray(np.exp(xlogy(n, lam_t) - lam_t - gammaln(n + 1.0)), dtype=np.float64)


def merton_jump_diffusion(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    jump_intensity: npt.ArrayLike,
    jump_mean: npt.ArrayLike,
    jump_vol: npt.ArrayLike,
    q: npt.ArrayLike = 0.0,
    kind: str = "call",
) -> FloatArray:
    """Merton (1976) jump-diffusion price of a European option (module docstring)."""
    return merton_jump_diffusion_greeks(
        S, K, T, r, sigma, jump_intensity, jump_mean, jump_vol, q, kind, _price_only=True
    ).price


def merton_jump_diffusion_greeks(
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    sigma: npt.ArrayLike,
    jump_intensity: npt.ArrayLike,
    jump_mean: npt.ArrayLike,
    jump_vol: npt.ArrayLike,
    q: npt.ArrayLike = 0.0,
    kind: str = "call",
    *,
    _price_only: bool = False,
) -> OptionGreeks:
    """Price and Greeks: delta, gamma, vega (dV/dsigma of the diffusion vol, per 1.00),
    theta (per year, calendar -dV/dT), rho (dV/dr, q fixed)."""
    is_call = check_kind(kind) == "call"
    S_, K_, T_, r_, s_, lam, mu, dj, q_ = _inputs(
        S, K, T, r, sigma, jump_intensity, jump_mean, jump_vol, q
    )
    shape = np.broadcast_shapes(*(a.shape for a in (S_, K_, T_, r_, s_, lam, mu, dj, q_)))
    kappa = np.expm1(mu + 0.5 * dj * dj)
    gam = mu + 0.5 * dj * dj  # ln(1 + k)
    lam_t = np.broadcast_to(lam * T_, shape)
    disc = np.exp(-r_ * T_)
    drift = r_ - q_ - lam * kappa
    log_fk0 = np.log(S_ / K_) + drift * T_

    def term(n: int) -> tuple[FloatArray, ...]:
        """(f_n, dB/dF F_n, F_n, phi(d1_n), sqrt(W_n)) of the n-jump Black term."""
        w = s_ * s_ * T_ + n * dj * dj
        sd = np.sqrt(w)
        log_fk = log_fk0 + n * gam
        d1 = ratio(log_fk + 0.5 * w, sd)
        d2 = ratio(log_fk - 0.5 * w, sd)
        F = S_ * np.exp(drift * T_ + n * gam)
        if is_call:
            n1 = ncdf(d1)
            black = F * n1 - K_ * ncdf(d2)
        else:
            n1 = -ncdf(-d1)
            black = K_ * ncdf(-d2) + F * n1
        return disc * black, n1 * F, F, npdf(d1), sd

    price = np.zeros(shape)
    delta = np.zeros(shape)
    gamma = np.zeros(shape)
    vega = np.zeros(shape)
    carry_rho = np.zeros(shape)
    dT = np.zeros(shape)
    n_max = _n_terms(lam_t)
    nxt = term(0)
    for n in range(n_max + 1):
        f, dF_F, F, phi, sd = nxt
        p = _poisson(n, lam_t)
        price += p * f
        if _price_only:
            if n < n_max:
                nxt = term(n + 1)
            continue
        nxt = term(n + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            dB_dW = np.where(sd > 0.0, F * phi / (2.0 * sd), 0.0)  # undiscounted dB/dW
            g_term = np.where(sd > 0.0, F * phi / (S_ * S_ * sd), 0.0)
        delta += p * disc * dF_F / S_
        gamma += p * disc * g_term
        vega += p * disc * dB_dW * 2.0 * s_ * T_
        carry_rho += p * disc * T_ * dF_F
        dT += lam * p * (nxt[0] - f) + p * (-r_ * f + disc * (dF_F * drift + dB_dW * s_ * s_))
    return OptionGreeks(
        price=np.asarray(price, dtype=np.float64),
        delta=np.asarray(delta, dtype=np.float64),
        gamma=np.asarray(gamma, dtype=np.float64),
        vega=np.asarray(vega, dtype=np.float64),
        theta=np.asarray(-dT, dtype=np.float64),
        rho=np.asarray(-T_ * price + carry_rho, dtype=np.float64),
    )
