"""Path generators: GBM, Merton jumps, bootstrap (hedgekit.models.processes)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.models.price_history import PriceHistory, load_price_history
from hedgekit.models.processes import bootstrap_paths, gbm_paths, merton_paths, time_grid


def test_gbm_paths__same_seed__same_paths_and_other_seed_differs() -> None:
    t = time_grid(1.0, 50)
    a = gbm_paths(100.0, 0.02, 0.6, t, 100, rng=42)
    b = gbm_paths(100.0, 0.02, 0.6, t, 100, rng=np.random.default_rng(42))
    c = gbm_paths(100.0, 0.02, 0.6, t, 100, rng=43)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (100, 51) and a.dtype == np.float64
    np.testing.assert_array_equal(a[:, 0], 100.0)


def test_gbm_paths__terminal_moments__within_statistical_tolerance() -> None:
    s0, mu, s, T, n = 100.0, 0.05, 0.5, 1.0, 400_000
    ST = gbm_paths(s0, mu, s, [0.0, 0.5, T], n, rng=7)[:, -1]
    mean = s0 * math.exp(mu * T)
    var = s0**2 * math.exp(2 * mu * T) * (math.exp(s * s * T) - 1)
    assert abs(ST.mean() - mean) < 4 * math.sqrt(var / n)
    log_r = np.log(ST / s0)
    assert abs(log_r.mean() - (mu - s * s / 2) * T) < 4 * s * math.sqrt(T / n)
    # sample variance of a normal: standard error sigma^2 T sqrt(2 / n)
    assert abs(log_r.var() - s * s * T) < 4 * s * s * T * math.sqrt(2 / n)
    assert ST.var() == pytest.approx(var, rel=0.05)


def test_gbm_paths__irregular_times__increment_variance_scales_with_dt() -> None:
    t = np.array([0.0, 1 / 365, 3 / 365, 10 / 365, 40 / 365])
    s, n = 0.8, 200_000
    inc = np.diff(np.log(gbm_paths(1.0, 0.0, s, t, n, rng=3)), axis=1)
    expected = s * s * np.diff(t)
    np.testing.assert_allclose(inc.var(axis=0), expected, rtol=4 * math.sqrt(2 / n))


def test_merton_paths__compensated_jumps__mean_and_log_variance_match() -> None:
    s0, mu, s, lam, mj, dj, T, n = 100.0, 0.03, 0.3, 4.0, -0.1, 0.15, 1.0, 400_000
    ST = merton_paths(s0, mu, s, lam, mj, dj, [0.0, T], n, rng=11)[:, -1]
    sd = ST.std()
    assert abs(ST.mean() - s0 * math.exp(mu * T)) < 4 * sd / math.sqrt(n)
    log_var = (s * s + lam * (mj * mj + dj * dj)) * T
    assert np.log(ST / s0).var() == pytest.approx(log_var, rel=0.02)
    np.testing.assert_array_equal(
        merton_paths(s0, mu, s, lam, mj, dj, [0.0, T], 10, rng=11),
        merton_paths(s0, mu, s, lam, mj, dj, [0.0, T], 10, rng=11),
    )


def test_bootstrap_paths__eth_history__every_step_is_a_real_daily_return() -> None:
    history = load_price_history()
    r, dt = history.log_returns()
    paths = bootstrap_paths(3000.0, r, dt, 365, 200, rng=5)
    assert paths.shape == (200, 366)
    steps = np.diff(np.log(paths), axis=1).ravel()
    daily = np.sort(r[dt == 1 / 365])
    gapped = r[dt != 1 / 365] * np.sqrt((1 / 365) / dt[dt != 1 / 365])
    real = np.sort(np.concatenate([daily, gapped]))
    nearest = real[np.clip(np.searchsorted(real, steps), 0, real.size - 1)]
    nearest_below = real[np.clip(np.searchsorted(real, steps) - 1, 0, real.size - 1)]
    gap = np.minimum(np.abs(nearest - steps), np.abs(nearest_below - steps))
    assert gap.max() < 1e-9


def test_bootstrap_paths__blocks__keep_consecutive_history() -> None:
    r = np.arange(1.0, 101.0) * 1e-3  # distinct, recognisable returns
    dt = np.full(100, 1 / 365)
    paths = bootstrap_paths(1.0, r, dt, 20, 50, rng=9, block_size=5)
    steps = np.round(np.diff(np.log(paths), axis=1) * 1e3).astype(int)
    blocks = steps.reshape(50, 4, 5)
    assert (np.diff(blocks, axis=-1) == 1).all()


def test_bootstrap_paths__return_over_a_two_day_gap__is_rescaled_to_one_day() -> None:
    history = PriceHistory(
        np.array(["2024-01-01", "2024-01-03"], dtype="datetime64[D]"), np.array([100.0, 121.0])
    )
    r, dt = history.log_returns()
    assert dt[0] == 2 / 365
    paths = bootstrap_paths(1.0, r, dt, 3, 2, rng=0)
    np.testing.assert_allclose(np.diff(np.log(paths), axis=1), math.log(1.21) / math.sqrt(2))


@pytest.mark.parametrize(
    "call",
    [
        lambda: gbm_paths(100.0, 0.0, 0.5, [0.0, 1.0], 10, rng="seed"),  # type: ignore[arg-type]
        lambda: gbm_paths(100.0, 0.0, 0.5, [0.1, 1.0], 10, rng=1),
        lambda: gbm_paths(100.0, 0.0, 0.5, [0.0, 1.0, 0.5], 10, rng=1),
        lambda: gbm_paths(-1.0, 0.0, 0.5, [0.0, 1.0], 10, rng=1),
        lambda: merton_paths(1.0, 0.0, 0.5, -1.0, 0.0, 0.1, [0.0, 1.0], 10, rng=1),
        lambda: bootstrap_paths(1.0, [0.01, 0.02], 1 / 365, 5, 2, rng=1, block_size=3),
    ],
)
def test_processes__invalid_arguments__raise_input_error(call: object) -> None:
    with pytest.raises(InputError):
        call()  # type: ignore[operator]
