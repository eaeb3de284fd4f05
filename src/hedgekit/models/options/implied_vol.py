"""Black-Scholes implied volatility, vectorized and bracketed.

Solves black_scholes(S, K, T, r, sigma, q, kind) = price for sigma >= 0, elementwise.

No-arbitrage bounds (F = S e^((r-q)T), D = e^(-rT))::

    call:  D max(F - K, 0) <= price < D F          put:  D max(K - F, 0) <= price < D K

Outside them there is no solution and the result is NaN (or InputError with ``strict=True``);
a price equal to the lower bound gives 0.

Method: safeguarded Newton (Newton-Raphson on sigma with the analytic vega, falling back to
bisection whenever the step leaves the current bracket [lo, hi] or vega vanishes). The bracket
starts at [0, 1] and doubles hi until it contains the root, so convergence is guaranteed
(bisection alone halves the bracket each step); Newton makes it quadratic near the root.
Iterates until |price error| <= 1e-14 * (F or K) per unit of D, the Newton step is below
1e-13 relative, or the bracket is narrower than 1e-15.
For Black-76 pass S = F and q = r.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models._normal import ncdf, npdf, ratio
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    check_kind,
    require_finite,
    require_non_negative,
    require_positive,
)

__all__ = ["implied_vol"]

_MAX_ITER = 200
_MAX_DOUBLINGS = 64
_PRICE_TOL = 1e-14
_VOL_TOL = 1e-15
_STEP_TOL = 1e-13


def _undiscounted(
    F: FloatArray, K: FloatArray, sd_per_sigma: FloatArray, sigma: FloatArray, is_call: bool
) -> tuple[FloatArray, FloatArray]:
    """Black price and vega (d/dsigma) per unit of discount factor."""
    sd = sigma * sd_per_sigma
    x = np.log(F / K)
    d1 = ratio(x + 0.5 * sd * sd, sd)
    d2 = ratio(x - 0.5 * sd * sd, sd)
    price = F * ncdf(d1) - K * ncdf(d2) if is_call else K * ncdf(-d2) - F * ncdf(-d1)
    return np.asarray(price, dtype=np.float64), np.asarray(F * npdf(d1) * sd_per_sigma)


def implied_vol(
    price: npt.ArrayLike,
    S: npt.ArrayLike,
    K: npt.ArrayLike,
    T: npt.ArrayLike,
    r: npt.ArrayLike,
    q: npt.ArrayLike = 0.0,
    kind: str = "call",
    *,
    strict: bool = False,
) -> FloatArray:
    """Implied Black-Scholes volatility (annualised, 1.00 = 100 %) of European option prices.

    NaN where the price violates the no-arbitrage bounds (module docstring); with
    ``strict=True`` such a price raises InputError instead. T must be > 0.
    """
    is_call = check_kind(kind) == "call"
    V, S_, K_ = as_float(price, "price"), as_float(S, "S"), as_float(K, "K")
    T_, r_, q_ = as_float(T, "T"), as_float(r, "r"), as_float(q, "q")
    require_non_negative(V, "price")
    require_positive(S_, "S")
    require_positive(K_, "K")
    require_positive(T_, "T")
    require_finite(r_, "r")
    require_finite(q_, "q")
    V, S_, K_, T_, r_, q_ = np.broadcast_arrays(V, S_, K_, T_, r_, q_)
    disc = np.exp(-r_ * T_)
    F = S_ * np.exp((r_ - q_) * T_)
    target = V / disc
    lower = np.maximum(F - K_, 0.0) if is_call else np.maximum(K_ - F, 0.0)
    upper = F if is_call else K_
    valid = (target >= lower) & (target < upper)
    if strict and not valid.all():
        bad = np.flatnonzero(~valid)[0]
        raise InputError(
            f"implied_vol: price {V.flat[bad]!r} outside the no-arbitrage bounds "
            f"[{(disc * lower).flat[bad]!r}, {(disc * upper).flat[bad]!r})"
        )
    # solve on the valid elements only (flattened), then scatter back
    idx = np.flatnonzero(valid)
    f_, k_, c_ = F.ravel()[idx], K_.ravel()[idx], target.ravel()[idx]
    root_t = np.sqrt(T_.ravel()[idx])
    scale = np.where(is_call, f_, k_)
    lo = np.zeros_like(f_)
    hi = np.ones_like(f_)
    for _ in range(_MAX_DOUBLINGS):
        short = _undiscounted(f_, k_, root_t, hi, is_call)[0] < c_
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        hi = np.where(short, 2.0 * hi, hi)
    sigma = 0.5 * (lo + hi)
    done = c_ <= np.maximum(f_ - k_, 0.0) if is_call else c_ <= np.maximum(k_ - f_, 0.0)
    sigma = np.where(done, 0.0, sigma)
    for _ in range(_MAX_ITER):
        model, vega = _undiscounted(f_, k_, root_t, sigma, is_call)
        err = model - c_
        done |= (np.abs(err) <= _PRICE_TOL * scale) | (hi - lo <= _VOL_TOL)
        if done.all():
            break
        hi = np.where(~done & (err > 0.0), sigma, hi)
        lo = np.where(~done & (err < 0.0), sigma, lo)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = sigma - err / vega
        ok = np.isfinite(newton) & (newton > lo) & (newton < hi)
        step = np.where(ok, newton, 0.5 * (lo + hi))
        done |= ok & (np.abs(step - sigma) <= _STEP_TOL * sigma)
        sigma = np.where(done, sigma, step)
    out = np.full(V.shape, np.nan)
    out.ravel()[idx] = sigma  # out is freshly allocated, so ravel() is a view
    return np.asarray(out, dtype=np.float64)
