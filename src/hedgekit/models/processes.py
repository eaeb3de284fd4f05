"""Price processes for simulation: GBM, Merton jump diffusion, bootstrap of real returns.

All generators take an explicit ``rng`` (a seed or a ``numpy.random.Generator``: same seed, same
paths) and return float64 arrays of shape (n_paths, n_times) with column 0 equal to ``s0``.

* GBM (exact): S_t = S_0 exp((mu - sigma^2/2) t + sigma W_t); E[S_t] = S_0 e^(mu t),
  Var[S_t] = S_0^2 e^(2 mu t) (e^(sigma^2 t) - 1). mu = 0 is the driftless model of
  ``lp_expected``.
* Merton: ln-increments over dt are (mu - lambda k - sigma^2/2) dt + sigma sqrt(dt) Z
  + N mu_J + delta sqrt(N) Z', N ~ Poisson(lambda dt), k = exp(mu_J + delta^2/2) - 1, so that
  E[S_t] = S_0 e^(mu t) (compensated jumps, as in ``options.merton``).
* Bootstrap: resample historical log returns (i.i.d., or in moving blocks of consecutive
  returns to keep volatility clustering). A return r_i observed over dt_i is rescaled to the
  simulation step h as r_i sqrt(h / dt_i) (diffusive scaling; exact when dt_i = h, which is every
  step of the daily ETH file except one two-day gap).

``times`` are in years (365 days), non-decreasing, starting at 0; they may be irregular.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    require_finite,
    require_non_negative,
    require_positive,
)
from hedgekit.models.price_history import DAYS_PER_YEAR

__all__ = ["bootstrap_paths", "gbm_paths", "merton_paths", "time_grid"]

Rng = int | np.random.Generator


def _rng(rng: Rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise InputError(f"rng: expected an int seed or numpy.random.Generator, got {rng!r}")


def _times(times: npt.ArrayLike) -> FloatArray:
    t = as_float(times, "times").ravel()
    if t.size < 1 or t[0] != 0.0 or not (np.diff(t) >= 0.0).all() or not np.isfinite(t).all():
        raise InputError("times: need a finite, non-decreasing grid starting at 0")
    return t


def _n_paths(n_paths: int) -> int:
    if n_paths < 1:
        raise InputError(f"n_paths: need at least 1, got {n_paths}")
    return int(n_paths)


def time_grid(horizon: float, n_steps: int) -> FloatArray:
    """Regular grid 0, h, ..., horizon with h = horizon / n_steps (years)."""
    if not (horizon > 0.0 and np.isfinite(horizon)) or n_steps < 1:
        raise InputError("time_grid: need horizon > 0 and n_steps >= 1")
    return np.asarray(np.linspace(0.0, horizon, n_steps + 1), dtype=np.float64)


def _paths_from_log_increments(s0: float, increments: FloatArray) -> FloatArray:
    log_path = np.concatenate(
        [np.zeros((increments.shape[0], 1)), np.cumsum(increments, axis=1)], axis=1
    )
    return np.asarray(s0 * np.exp(log_path), dtype=np.float64)


def _scalars(s0: float, **values: float) -> None:
    require_positive(as_float(s0, "s0"), "s0")
    for name, v in values.items():
        arr = as_float(v, name)
        if arr.ndim:
            raise InputError(f"{name}: expected a scalar")
        require_finite(arr, name)


def gbm_paths(
    s0: float, mu: float, sigma: float, times: npt.ArrayLike, n_paths: int, *, rng: Rng
) -> FloatArray:
    """Exact GBM paths on ``times``: shape (n_paths, len(times)). mu, sigma per year."""
    _scalars(s0, mu=mu, sigma=sigma)
    require_non_negative(as_float(sigma, "sigma"), "sigma")
    t = _times(times)
    dt = np.diff(t)
    z = _rng(rng).standard_normal((_n_paths(n_paths), dt.size))
    inc = (mu - 0.5 * sigma * sigma) * dt + sigma * np.sqrt(dt) * z
    return _paths_from_log_increments(s0, inc)


def merton_paths(
    s0: float,
    mu: float,
    sigma: float,
    jump_intensity: float,
    jump_mean: float,
    jump_vol: float,
    times: npt.ArrayLike,
    n_paths: int,
    *,
    rng: Rng,
) -> FloatArray:
    """Merton jump-diffusion paths (compensated: E[S_t] = s0 e^(mu t)); see module docstring."""
    _scalars(
        s0,
        mu=mu,
        sigma=sigma,
        jump_intensity=jump_intensity,
        jump_mean=jump_mean,
        jump_vol=jump_vol,
    )
    for name, v in (("sigma", sigma), ("jump_intensity", jump_intensity), ("jump_vol", jump_vol)):
        require_non_negative(as_float(v, name), name)
    t = _times(times)
    dt = np.diff(t)
    gen = _rng(rng)
    shape = (_n_paths(n_paths), dt.size)
    k = np.expm1(jump_mean + 0.5 * jump_vol * jump_vol)
    z = gen.standard_normal(shape)
    n_jumps = gen.poisson(jump_intensity * dt, size=shape).astype(np.float64)
    z_jump = gen.standard_normal(shape)
    inc = (
        (mu - jump_intensity * k - 0.5 * sigma * sigma) * dt
        + sigma * np.sqrt(dt) * z
        + n_jumps * jump_mean
        + jump_vol * np.sqrt(n_jumps) * z_jump
    )
    return _paths_from_log_increments(s0, inc)


def bootstrap_paths(
    s0: float,
    log_returns: npt.ArrayLike,
    dt: npt.ArrayLike,
    n_steps: int,
    n_paths: int,
    *,
    rng: Rng,
    step: float = 1.0 / DAYS_PER_YEAR,
    block_size: int = 1,
) -> FloatArray:
    """Resample historical ``log_returns`` (observed over ``dt`` years each, e.g. from
    ``PriceHistory.log_returns()``) into paths of ``n_steps`` steps of ``step`` years.

    Returns shape (n_paths, n_steps + 1). ``block_size`` > 1 draws moving blocks of consecutive
    returns (start uniform over all full blocks), concatenated and cut to n_steps.
    """
    _scalars(s0)
    r = as_float(log_returns, "log_returns").ravel()
    d = np.broadcast_to(as_float(dt, "dt"), r.shape).ravel()
    require_finite(r, "log_returns")
    require_positive(d, "dt")
    if not (step > 0.0 and np.isfinite(step)):
        raise InputError(f"step: must be positive, got {step!r}")
    if n_steps < 1 or block_size < 1 or block_size > r.size:
        raise InputError("bootstrap: need n_steps >= 1 and 1 <= block_size <= len(log_returns)")
    scaled = r * np.sqrt(step / d)
    paths = _n_paths(n_paths)
    n_blocks = -(-n_steps // block_size)
    starts = _rng(rng).integers(0, r.size - block_size + 1, size=(paths, n_blocks))
    idx = (starts[..., np.newaxis] + np.arange(block_size)).reshape(paths, -1)[:, :n_steps]
    return _paths_from_log_increments(s0, scaled[idx])
