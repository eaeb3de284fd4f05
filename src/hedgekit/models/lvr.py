"""Loss-versus-rebalancing (LVR), fee income and net carry of LP positions.

LVR (Milionis, Moallemi, Roughgarden, Zhang 2022, "Automated Market Making and
Loss-Versus-Rebalancing"): for a price with instantaneous volatility sigma, the LP loses against
the self-financing portfolio that holds the same token0 amount at market prices at the rate::

    lvr_rate = sigma^2 / 2 * P^2 * |V''(P)|                      (token1 per year)
             = sigma^2 / 4 * L * sqrt(P)       for Pa <= P <= Pb, 0 outside
             = sigma^2 / 8 * V(P)              for v2 (V = 2 L sqrt(P))

It equals minus ``lp_expected.theta`` at T -> 0, and the expected cumulative LVR over a horizon
under the driftless lognormal is V(P) - E[V(P_T)] (the rebalancing portfolio is a martingale).

Fee income ("fee theta", token1 per year) is earned only while the price is in the range
(the same closed range [Pa, Pb] as ``lp.gamma``):

* from a fee APR quoted on the position's value while in range: fee_rate = apr * V(P);
* from the pool's observed fee growth per unit of liquidity (feeGrowthGlobal deltas converted to
  human units by ``hedgekit.units``: token0 and token1 earned per unit of L over ``elapsed``
  years): fee_rate = L * (dg0 * P + dg1) / elapsed.

Net carry = fee_rate - lvr_rate. The break-even volatility solves fee_rate = lvr_rate::

    sigma* = 2 sqrt(fee_rate / (L sqrt(P)))    (in range; NaN out of range, nothing to balance)
           = sqrt(8 apr)                        (v2 with a fee APR)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit.models import lp, lp_expected
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    require_finite,
    require_non_negative,
    require_positive,
)

__all__ = [
    "break_even_volatility",
    "expected_lvr",
    "fee_rate_from_apr",
    "fee_rate_from_fee_growth",
    "lvr_rate",
    "net_carry",
]


def _in_range(P: FloatArray, Pa: FloatArray, Pb: FloatArray) -> FloatArray:
    return np.asarray((Pa <= P) & (Pb >= P), dtype=np.float64)


def lvr_rate(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
) -> FloatArray:
    """Instantaneous LVR rate sigma^2/2 P^2 |gamma| in token1 per year (module docstring)."""
    P, L, Pa, Pb = lp._inputs(price, liquidity, lower, upper)
    s = as_float(sigma, "sigma")
    require_non_negative(s, "sigma")
    return np.asarray(0.25 * s * s * L * np.sqrt(P) * _in_range(P, Pa, Pb), dtype=np.float64)


def expected_lvr(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    horizon: npt.ArrayLike,
) -> FloatArray:
    """Expected LVR accumulated over [0, T] under the driftless lognormal, in token1:
    V(P) - E[V(P_T)] = -int_0^T theta(t) dt. v2: V (1 - exp(-sigma^2 T / 8))."""
    return np.asarray(
        lp.value(price, liquidity, lower, upper)
        - lp_expected.expected_value(price, liquidity, lower, upper, sigma=sigma, horizon=horizon),
        dtype=np.float64,
    )


def fee_rate_from_apr(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    fee_apr: npt.ArrayLike,
) -> FloatArray:
    """Fee income rate apr * V(P) while in range, 0 outside; token1 per year.

    ``fee_apr`` is a fraction per year (0.25 = 25 %) of the position's value while in range.
    """
    P, L, Pa, Pb = lp._inputs(price, liquidity, lower, upper)
    apr = as_float(fee_apr, "fee_apr")
    require_non_negative(apr, "fee_apr")
    return np.asarray(apr * lp.value(P, L, Pa, Pb) * _in_range(P, Pa, Pb), dtype=np.float64)


def fee_rate_from_fee_growth(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    fee_growth0: npt.ArrayLike,
    fee_growth1: npt.ArrayLike,
    elapsed: npt.ArrayLike,
) -> FloatArray:
    """Fee income rate L (dg0 P + dg1) / elapsed while in range, 0 outside; token1 per year.

    ``fee_growth0``/``fee_growth1``: growth of the pool's fees per unit of active liquidity over
    the observation window, in token0/token1 per unit of L (human units); ``elapsed``: length of
    the window in years. This assumes the position would have earned the pool's per-liquidity fee
    rate whenever it is in range.
    """
    P, L, Pa, Pb = lp._inputs(price, liquidity, lower, upper)
    g0 = as_float(fee_growth0, "fee_growth0")
    g1 = as_float(fee_growth1, "fee_growth1")
    dt = as_float(elapsed, "elapsed")
    require_non_negative(g0, "fee_growth0")
    require_non_negative(g1, "fee_growth1")
    require_positive(dt, "elapsed")
    return np.asarray(L * (g0 * P + g1) / dt * _in_range(P, Pa, Pb), dtype=np.float64)


def net_carry(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    sigma: npt.ArrayLike,
    fee_rate: npt.ArrayLike,
) -> FloatArray:
    """fee_rate - lvr_rate in token1 per year: the expected P&L rate of the delta-hedged LP
    (positive when fees outrun LVR). ``fee_rate`` from :func:`fee_rate_from_apr` or
    :func:`fee_rate_from_fee_growth`."""
    fees = as_float(fee_rate, "fee_rate")
    require_finite(fees, "fee_rate")
    return np.asarray(
        fees - lvr_rate(price, liquidity, lower, upper, sigma=sigma), dtype=np.float64
    )


def break_even_volatility(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
    *,
    fee_rate: npt.ArrayLike,
) -> FloatArray:
    """Volatility at which LVR equals the fee rate: 2 sqrt(fee_rate / (L sqrt(P))).

    Annualised (1.00 = 100 %). NaN out of range or for L = 0 (no LVR to balance).
    """
    P, L, Pa, Pb = lp._inputs(price, liquidity, lower, upper)
    fees = as_float(fee_rate, "fee_rate")
    require_non_negative(fees, "fee_rate")
    active = (_in_range(P, Pa, Pb) > 0.0) & (L > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = 2.0 * np.sqrt(fees / (L * np.sqrt(P)))
    return np.asarray(np.where(active, sigma, np.nan), dtype=np.float64)
