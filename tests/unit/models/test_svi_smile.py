"""Smile fits: raw SVI and quadratic in log-moneyness (hedgekit.models.options.smile)."""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.models.options import (
    SVISmile,
    fit_quadratic_smile,
    fit_svi,
    implied_vol,
    merton_jump_diffusion,
)


def test_fit_svi__quotes_from_a_known_slice__recovers_parameters() -> None:
    true = SVISmile(a=0.02, b=0.15, rho=-0.4, m=0.05, s=0.12, forward=100.0, expiry=0.5)
    K = np.linspace(50, 200, 25)
    fit = fit_svi(K, true.vol(K), forward=100.0, expiry=0.5)
    for name in ("a", "b", "rho", "m", "s"):
        assert getattr(fit, name) == pytest.approx(getattr(true, name), abs=1e-7)
    assert fit.satisfies_moment_bound


def test_fit_svi__merton_jump_smile__fits_within_half_a_vol_point() -> None:
    S, T, r = 100.0, 0.25, 0.0
    K = np.linspace(70, 140, 15)
    prices = merton_jump_diffusion(S, K, T, r, 0.2, 3.0, -0.08, 0.1, kind="call")
    vols = implied_vol(prices, S, K, T, r)
    fit = fit_svi(K, vols, forward=S, expiry=T)
    assert np.max(np.abs(fit.vol(K) - vols)) < 0.005
    assert vols[0] > vols[-1]  # negative jumps: downward skew


def test_fit_quadratic_smile__exact_quadratic__recovers_coefficients() -> None:
    K = np.array([80.0, 90.0, 100.0, 110.0, 125.0])
    k = np.log(K / 100.0)
    fit = fit_quadratic_smile(K, 0.5 - 0.1 * k + 0.3 * k * k, forward=100.0)
    assert (fit.c0, fit.c1, fit.c2) == pytest.approx((0.5, -0.1, 0.3), abs=1e-12)


def test_fit_smile__mismatched_or_too_few_quotes__raise_input_error() -> None:
    with pytest.raises(InputError, match="strikes"):
        fit_quadratic_smile([90.0, 100.0, 110.0], [0.3, 0.2], forward=100.0)
    with pytest.raises(InputError, match="at least 5"):
        fit_svi([90.0, 100.0, 110.0], [0.3, 0.2, 0.25], forward=100.0, expiry=1.0)
    with pytest.raises(InputError, match="weights"):
        fit_quadratic_smile([90.0, 100.0, 110.0], [0.3, 0.2, 0.25], 100.0, weights=[1.0, -1, 1])
