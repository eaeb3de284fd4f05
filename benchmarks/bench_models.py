"""Benchmark of hedgekit.models: vectorized LP Greeks vs a scalar Python loop, and BS Greeks.

Run: ``.venv/bin/python benchmarks/bench_models.py`` (prints everything in one run).

* Greeks of N = 1e6 v3 positions with one vectorized call (``lp_greeks``: value, delta, gamma,
  expected value/delta/gamma, vega, theta, LVR rate) vs a scalar pure-Python loop (``math``
  module, same formulas) over the same positions. The loop is timed on a subsample of 20,000
  positions and scaled linearly to N (stated in the output); its results are checked against
  the vectorized ones on that subsample.
* Black-Scholes price + delta, gamma, vega, theta, rho for 1e6 options in one call.

Each timing is the best of a few repeats (wall clock, ``time.perf_counter``).
"""

from __future__ import annotations

import math
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from hedgekit.models.lp_expected import lp_greeks
from hedgekit.models.options import black_scholes_greeks

N = 1_000_000
LOOP_SAMPLE = 20_000
CALL_SAMPLE = 2_000
REPEATS = 3


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _ncdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _phi_ratio(num: float, den: float) -> float:
    if den > 0.0:
        return _ncdf(num / den)
    return 1.0 if num > 0 else (0.0 if num < 0 else 0.5)


def _phi_diff(a: float, b: float) -> float:
    """N(b) - N(a) for a <= b, in the right tail when a > 0 (as the vectorized code)."""
    return _ncdf(-a) - _ncdf(-b) if a > 0 else _ncdf(b) - _ncdf(a)


def scalar_lp_greeks(
    P: float, L: float, pa: float, pb: float, sigma: float, T: float
) -> tuple[float, ...]:
    """One position, pure Python: the same formulas as hedgekit.models.lp / lp_expected."""
    sa, sb, s = math.sqrt(pa), math.sqrt(pb), math.sqrt(P)
    if pa >= P:
        x, y = L * (1 / sa - 1 / sb), 0.0
    elif pb <= P:
        x, y = 0.0, L * (sb - sa)
    else:
        x, y = L * (1 / s - 1 / sb), L * (s - sa)
    gamma = -0.5 * L * P**-1.5 if pa <= P <= pb else 0.0
    v = sigma * math.sqrt(T)
    w = v * v
    la, lb = math.log(P / pa), math.log(P / pb)
    pi = _phi_diff(-la / v, -lb / v)
    decay = math.exp(-w / 8)
    ev = L * (
        sb * _phi_ratio(lb - w / 2, v)
        - sa * _phi_ratio(la - w / 2, v)
        + P / sa * _phi_ratio(-la - w / 2, v)
        - P / sb * _phi_ratio(-lb - w / 2, v)
        + 2 * s * decay * pi
    )
    e_delta = L * (
        _phi_ratio(-la - w / 2, v) / sa - _phi_ratio(-lb - w / 2, v) / sb + decay * pi / s
    )
    e_gamma = -0.5 * L * decay * pi / (P * s)
    vega = sigma * T * P * P * e_gamma
    theta = 0.5 * sigma * sigma * P * P * e_gamma
    lvr = -0.5 * sigma * sigma * P * P * gamma
    return x * P + y, x, gamma, ev, e_delta, e_gamma, vega, theta, lvr


def main() -> None:
    rng = np.random.default_rng(20240601)
    pa = rng.uniform(1000.0, 3000.0, N)
    pb = pa * rng.uniform(1.01, 3.0, N)
    P = rng.uniform(800.0, 6000.0, N)  # below, inside and above the ranges
    L = rng.uniform(1.0, 1000.0, N)
    sigma = rng.uniform(0.3, 1.2, N)
    T = rng.uniform(1 / 365, 1.0, N)

    print(
        f"hedgekit.models benchmark  (python {platform.python_version()}, numpy "
        f"{np.__version__}, {os.cpu_count()} cpus)"
    )
    print()
    print(f"LP Greeks of {N:,} v3 positions (value, delta, gamma, E[V], E-delta, E-gamma, vega,")
    print("theta, LVR rate):")
    t_vec = best_of(lambda: lp_greeks(P, L, pa, pb, sigma=sigma, horizon=T))
    g = lp_greeks(P, L, pa, pb, sigma=sigma, horizon=T)

    idx = np.arange(LOOP_SAMPLE)
    rows = [
        (float(P[i]), float(L[i]), float(pa[i]), float(pb[i]), float(sigma[i]), float(T[i]))
        for i in idx
    ]
    t0 = time.perf_counter()
    loop = [scalar_lp_greeks(*row) for row in rows]
    t_loop_sample = time.perf_counter() - t0
    t_loop = t_loop_sample * N / LOOP_SAMPLE
    loop_arr = np.array(loop)
    vec_arr = np.stack(
        [
            g.value,
            g.delta,
            g.gamma,
            g.expected_value,
            g.expected_delta,
            g.expected_gamma,
            g.vega,
            g.theta,
            g.lvr_rate,
        ],
        axis=1,
    )[idx]
    max_rel = float(np.max(np.abs(loop_arr - vec_arr) / np.maximum(np.abs(vec_arr), 1e-300)))

    def per_position_calls() -> None:
        for i in range(CALL_SAMPLE):
            lp_greeks(P[i], L[i], pa[i], pb[i], sigma=sigma[i], horizon=T[i])

    t_calls = best_of(per_position_calls, 1) * N / CALL_SAMPLE

    print(f"  vectorized (one call)         {t_vec:8.3f} s   ({t_vec / N * 1e9:6.1f} ns/position)")
    print(f"  scalar Python loop, timed on {LOOP_SAMPLE:,} positions: {t_loop_sample:.3f} s,")
    print(
        f"    scaled x{N // LOOP_SAMPLE} to {N:,}     {t_loop:8.3f} s   "
        f"({t_loop / N * 1e9:6.0f} ns/position)"
    )
    print(f"  speed-up (loop / vectorized)  {t_loop / t_vec:8.1f} x")
    print(f"  agreement on the subsample: max relative difference {max_rel:.1e}")
    print(f"  hedgekit lp_greeks called once per position, timed on {CALL_SAMPLE:,} and")
    print(
        f"    scaled x{N // CALL_SAMPLE} to {N:,}     {t_calls:8.1f} s   "
        f"({t_calls / N * 1e6:6.1f} us/position)"
    )
    print(f"  speed-up (per-position calls / vectorized) {t_calls / t_vec:8.0f} x")
    print()

    S = rng.uniform(1000.0, 5000.0, N)
    K = S * rng.uniform(0.5, 1.5, N)
    kinds = ("call", "put")
    print(f"Black-Scholes price + delta, gamma, vega, theta, rho of {N:,} options (one call each):")
    for kind in kinds:
        t_bs = best_of(lambda kind=kind: black_scholes_greeks(S, K, T, 0.03, sigma, 0.0, kind))
        print(
            f"  {kind:4s}                          {t_bs:8.3f} s   "
            f"({t_bs / N * 1e9:6.1f} ns/option)"
        )


if __name__ == "__main__":
    main()
