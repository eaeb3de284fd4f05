"""Standard normal helpers that behave at the limits (private).

``ncdf_ratio(num, den)`` is Phi(num / den) extended to den = 0 by its limit (1, 0 or 1/2 by the
sign of num), so that formulas in sigma * sqrt(T) reduce to their intrinsic values at T = 0 or
sigma = 0 without NaN. ``ncdf_diff(a, b)`` is Phi(b) - Phi(a) computed in the tail that keeps
precision.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from hedgekit.models._validate import FloatArray

SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def npdf(x: FloatArray) -> FloatArray:
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi)."""
    return np.asarray(np.exp(-0.5 * x * x) / SQRT_2PI, dtype=np.float64)


def ncdf(x: FloatArray) -> FloatArray:
    """Phi(x), the standard normal distribution function."""
    return np.asarray(ndtr(x), dtype=np.float64)


def ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den for den >= 0, with x / 0 = sign(x) inf and 0 / 0 = 0 (no warnings)."""
    if (den > 0.0).all():  # fast path: no limits to take
        return np.asarray(num / den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = num / den
    limit = np.where(num > 0.0, np.inf, np.where(num < 0.0, -np.inf, 0.0))
    return np.asarray(np.where(den > 0.0, z, limit), dtype=np.float64)


def ncdf_ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """Phi(num / den), extended continuously to den = 0 (see module docstring)."""
    return ncdf(ratio(num, den))


def ncdf_diff(a: FloatArray, b: FloatArray) -> FloatArray:
    """Phi(b) - Phi(a) for a <= b, as Phi(-a) - Phi(-b) when a > 0 (right tail)."""
    right = a > 0.0
    lo = np.where(right, -b, a)
    hi = np.where(right, -a, b)
    return np.asarray(ncdf(hi) - ncdf(lo), dtype=np.float64)


def mul0(a: FloatArray, b: FloatArray) -> FloatArray:
    """a * b with 0 wherever b == 0 (so inf * 0 = 0: an infinite bound times a zero weight)."""
    with np.errstate(invalid="ignore"):
        prod = a * b
    return np.asarray(np.where(b == 0.0, 0.0, prod), dtype=np.float64)
