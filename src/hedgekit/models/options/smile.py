"""Volatility smile fits from option quotes: raw SVI and a quadratic in log-moneyness.

Quotes are implied volatilities (use ``implied_vol`` to turn prices into vols) at strikes K for
one expiry T, with forward F; log-moneyness k = ln(K / F).

* Raw SVI (Gatheral 2004), total implied variance w(k) = sigma(k)^2 T::

      w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + s^2)),   b >= 0, |rho| < 1, s > 0

  fitted by bounded nonlinear least squares (scipy.optimize.least_squares) on total variance,
  optionally weighted (e.g. by vega or inverse bid-ask). SVI's wings are linear in k (Lee's
  moment bound needs b (1 + |rho|) <= 4 / T for no arbitrage; reported, not enforced).
* Quadratic: sigma(k) = c0 + c1 k + c2 k^2, weighted linear least squares. Quick and robust near
  the money; extrapolates badly in the wings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares

from hedgekit.errors import InputError
from hedgekit.models._validate import FloatArray, as_float, require_positive

__all__ = ["QuadraticSmile", "SVISmile", "fit_quadratic_smile", "fit_svi"]


@dataclass(frozen=True)
class SVISmile:
    """Raw SVI slice for one expiry: total variance w(k) = a + b (rho (k-m) + sqrt((k-m)^2+s^2)).

    ``forward`` F and ``expiry`` T (years) turn strikes into k = ln(K/F) and w into vol.
    """

    a: float
    b: float
    rho: float
    m: float
    s: float
    forward: float
    expiry: float

    def total_variance(self, log_moneyness: npt.ArrayLike) -> FloatArray:
        """w(k), dimensionless (vol^2 * years)."""
        k = as_float(log_moneyness, "log_moneyness") - self.m
        return np.asarray(
            self.a + self.b * (self.rho * k + np.sqrt(k * k + self.s * self.s)), dtype=np.float64
        )

    def vol(self, strike: npt.ArrayLike) -> FloatArray:
        """Implied volatility sqrt(w(ln(K/F)) / T), annualised; NaN where w < 0."""
        K = as_float(strike, "strike")
        require_positive(K, "strike")
        w = self.total_variance(np.log(K / self.forward))
        with np.errstate(invalid="ignore"):
            return np.asarray(np.sqrt(w / self.expiry), dtype=np.float64)

    @property
    def satisfies_moment_bound(self) -> bool:
        """Lee's wing condition b (1 + |rho|) <= 4 / T (necessary for no arbitrage)."""
        return self.b * (1.0 + abs(self.rho)) * self.expiry <= 4.0


@dataclass(frozen=True)
class QuadraticSmile:
    """sigma(k) = c0 + c1 k + c2 k^2 with k = ln(K / forward)."""

    c0: float
    c1: float
    c2: float
    forward: float

    def vol(self, strike: npt.ArrayLike) -> FloatArray:
        """Implied volatility at ``strike`` (annualised)."""
        K = as_float(strike, "strike")
        require_positive(K, "strike")
        k = np.log(K / self.forward)
        return np.asarray(self.c0 + self.c1 * k + self.c2 * k * k, dtype=np.float64)


def _quotes(
    strikes: npt.ArrayLike,
    vols: npt.ArrayLike,
    forward: float,
    weights: npt.ArrayLike | None,
    min_quotes: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    K = as_float(strikes, "strikes").ravel()
    sig = as_float(vols, "implied_vols").ravel()
    if K.shape != sig.shape:
        raise InputError(f"smile: {K.size} strikes but {sig.size} implied vols")
    if K.size < min_quotes:
        raise InputError(f"smile: need at least {min_quotes} quotes, got {K.size}")
    require_positive(K, "strikes")
    require_positive(sig, "implied_vols")
    require_positive(as_float(forward, "forward"), "forward")
    wts = np.ones_like(K) if weights is None else as_float(weights, "weights").ravel()
    if wts.shape != K.shape or not (wts >= 0.0).all() or not (wts > 0.0).any():
        raise InputError("smile: weights must be non-negative, one per quote, not all zero")
    return np.log(K / forward), sig, wts


def fit_quadratic_smile(
    strikes: npt.ArrayLike,
    implied_vols: npt.ArrayLike,
    forward: float,
    weights: npt.ArrayLike | None = None,
) -> QuadraticSmile:
    """Weighted least-squares quadratic in log-moneyness through (K, sigma) quotes (>= 3)."""
    k, sig, wts = _quotes(strikes, implied_vols, forward, weights, 3)
    c2, c1, c0 = np.polyfit(k, sig, 2, w=np.sqrt(wts))
    return QuadraticSmile(float(c0), float(c1), float(c2), float(forward))


def fit_svi(
    strikes: npt.ArrayLike,
    implied_vols: npt.ArrayLike,
    forward: float,
    expiry: float,
    weights: npt.ArrayLike | None = None,
) -> SVISmile:
    """Fit raw SVI to (K, sigma) quotes of one expiry (>= 5 quotes), minimising the weighted
    squared error in total variance. Starts from the quadratic fit; bounds b >= 0,
    |rho| <= 0.999, s >= 1e-4."""
    k, sig, wts = _quotes(strikes, implied_vols, forward, weights, 5)
    T = float(expiry)
    if not (T > 0.0 and np.isfinite(T)):
        raise InputError(f"expiry: must be positive and finite, got {expiry!r}")
    w_obs = sig * sig * T
    root_w = np.sqrt(wts)

    def residuals(x: FloatArray) -> FloatArray:
        a, b, rho, m, s = x
        km = k - m
        return np.asarray(root_w * (a + b * (rho * km + np.sqrt(km * km + s * s)) - w_obs))

    span = float(np.ptp(k)) or 0.1
    x0 = np.array([float(np.min(w_obs)) * 0.5, 0.1, 0.0, float(k[np.argmin(w_obs)]), 0.1 * span])
    lo = np.array([-float(np.max(w_obs)), 0.0, -0.999, float(k.min()) - span, 1e-4])
    hi = np.array([float(np.max(w_obs)), np.inf, 0.999, float(k.max()) + span, 10.0 * span])
    x0 = np.clip(x0, lo + 1e-12, hi - 1e-12)
    fit = least_squares(
        residuals,
        x0,
        bounds=(lo, hi),
        x_scale="jac",
        xtol=1e-14,
        ftol=1e-14,
        gtol=1e-14,
        max_nfev=20_000,
    )
    a, b, rho, m, s = (float(v) for v in fit.x)
    return SVISmile(a, b, rho, m, s, float(forward), T)
