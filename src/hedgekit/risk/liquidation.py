"""Liquidation distance: where each leveraged leg is liquidated and how far the price is from it.

- perp: the venue's exact liquidation price (a binary search of the contract's own predicate,
  ``PerpPosition.liquidation_price``) at the audited block's time;
- Aave: the health factor (Aave's formula, = ``getUserAccountData``) and the WETH price at which
  it reaches 1 with the other prices fixed (``AaveAccountState.liquidation_price``);
- the first price at which anything is liquidated, above and below today's price; ``first``
  is the nearer of the two in % move.
Moves are relative to the oracle price (0.25 = +25 %).
"""

from __future__ import annotations

from dataclasses import dataclass

from hedgekit.chain import addresses as A
from hedgekit.portfolio import Portfolio
from hedgekit.venues.aave_state import BASE_CURRENCY_DECIMALS


@dataclass(frozen=True)
class LiquidationLevel:
    """``venue`` is liquidated at ``price`` USD per ETH (at or above it when ``above``)."""

    venue: str
    price: float
    move: float
    above: bool


@dataclass(frozen=True)
class LiquidationReport:
    price: float
    perp: LiquidationLevel | None
    perp_leverage: float | None
    perp_remaining_margin: float | None
    aave: LiquidationLevel | None
    aave_health_factor: float | None

    @property
    def levels(self) -> tuple[LiquidationLevel, ...]:
        return tuple(level for level in (self.perp, self.aave) if level is not None)

    @property
    def first_above(self) -> LiquidationLevel | None:
        above = [level for level in self.levels if level.above]
        return min(above, key=lambda level: level.price) if above else None

    @property
    def first_below(self) -> LiquidationLevel | None:
        below = [level for level in self.levels if not level.above]
        return max(below, key=lambda level: level.price) if below else None

    @property
    def first(self) -> LiquidationLevel | None:
        sides = [level for level in (self.first_above, self.first_below) if level is not None]
        return min(sides, key=lambda level: abs(level.move)) if sides else None


def liquidation_report(portfolio: Portfolio) -> LiquidationReport:
    """Liquidation prices of the portfolio's perp and Aave account (module docstring)."""
    spot = portfolio.oracle_price
    perp_level = leverage = margin = None
    if portfolio.perp is not None and portfolio.perp.size != 0:
        perp = portfolio.perp
        wad = perp.liquidation_price
        if wad is not None:
            price = wad / 10**18
            perp_level = LiquidationLevel("perp", price, price / spot - 1.0, perp.size < 0)
        leverage = None if perp.leverage is None else perp.leverage / 10**18
        margin = perp.remaining_margin / 10**18
    aave_level = health = None
    if portfolio.aave is not None:
        totals = portfolio.aave.totals
        if totals.total_debt_base:
            health = totals.health_factor / 10**18
        found = portfolio.aave.liquidation_price(A.WETH)
        if found is not None and totals.total_debt_base:
            price = float(found.price) / 10**BASE_CURRENCY_DECIMALS
            aave_level = LiquidationLevel("aave", price, price / spot - 1.0,
                                          found.liquidatable_above)
    return LiquidationReport(spot, perp_level, leverage, margin, aave_level, health)
