"""What a hedge costs on each venue, so the planner can pick the cheaper one.

Cost of carrying a short of notional N (USD) for ``days``:
``N * (proportional + carry_per_year * days / 365) + gas_usd`` where
- perp: proportional = taker fee (fills at the oracle: no price impact); carry = minus the
  annualized funding rate (a positive rate means longs pay shorts);
- Aave: proportional = the pool fee + the exact price impact of selling the borrowed WETH
  (computed with the swap simulator on the pool's state); carry = WETH borrow APR minus the
  USDC supply APR earned on the collateral posted per unit of debt (min_health_factor / LT).
Gas is priced at the chain's current gas price and the oracle ETH price.
"""

from __future__ import annotations

from dataclasses import dataclass

from hedgekit.amm.v3 import PoolState, swap
from hedgekit.units import sqrt_price_x96_to_price

#: Gas of a typical hedge transaction set, for the venue comparison (the simulation reports
#: the real figure): perp trade (+ margin deposit), Aave supply + borrow + swap (+ approvals).
GAS_UNITS = {"perp": 350_000, "aave": 900_000}


@dataclass(frozen=True)
class VenueCost:
    """A venue's cost terms (fractions of notional) and its gas in USD."""

    venue: str
    proportional: float
    carry_per_year: float
    gas_usd: float
    note: str

    def total(self, notional: float, days: float) -> float:
        """USD cost of trading ``notional`` and holding it ``days``."""
        return notional * (self.proportional + self.carry_per_year * days / 365) + self.gas_usd


def sell_impact(pool: PoolState, base_is_token1: bool, amount_base: int) -> float:
    """Relative price impact (fraction, excluding the fee) of selling ``amount_base`` of the
    base token into ``pool``, from the exact swap simulator: |average fill / mid - 1| - fee."""
    if amount_base <= 0:
        return 0.0
    assert pool.decimals0 is not None and pool.decimals1 is not None
    result = swap(pool, zero_for_one=not base_is_token1, amount_specified=amount_base)
    mid = sqrt_price_x96_to_price(pool.sqrt_price_x96, pool.decimals0, pool.decimals1,
                                  invert=base_is_token1)
    d_base, d_quote = ((pool.decimals1, pool.decimals0) if base_is_token1
                       else (pool.decimals0, pool.decimals1))
    got = result.amount_out / 10**d_quote
    sold = result.amount_in / 10**d_base
    fill = got / sold if sold else mid
    return float(max(0.0, abs(fill / mid - 1) - pool.fee / 1_000_000))
