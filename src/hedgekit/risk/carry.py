"""Carry: what the book earns and pays per unit of time, and the volatility at which it breaks
even. All rates in USD per year (``/ 365`` per day), positive = earned.

- **fees** of each LP: the realized rate since the position was opened, exact fees earned
  (collected + uncollected, :mod:`hedgekit.risk.history`) over its age; v2 shares (no history
  read) count 0;
- **LVR** (Milionis et al.) of each LP at ``sigma``: ``models.lvr.lvr_rate`` (a cost);
- **perp funding**: -size x annual funding rate x oracle price (a short receives when longs
  pay, rate > 0);
- **Aave interest**: supply APR x collateral value earned, borrow APR x debt value paid;
- **net** = fees - LVR + funding + supply interest - borrow interest.

Break-even volatility: LVR grows as sigma**2, so the net carry is zero at
sigma* = sigma x sqrt((net + LVR) / LVR) (NaN when nothing pays LVR, 0 when the other terms
are not positive). Per position it is ``models.lvr.break_even_volatility``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hedgekit.chain import addresses as A
from hedgekit.models.lvr import break_even_volatility, lvr_rate
from hedgekit.portfolio import LPHolding, Portfolio
from hedgekit.risk.history import PositionHistory
from hedgekit.units import from_base_units_float

YEAR_SECONDS = 365 * 86_400
#: Below this age (seconds) a realized fee rate is not meaningful: report 0.
MIN_AGE_SECONDS = 3_600


@dataclass(frozen=True)
class PositionCarry:
    label: str
    fees_collected: float
    fees_uncollected: float
    fee_rate: float
    lvr_rate: float
    age_days: float | None
    break_even_volatility: float

    @property
    def fees_earned(self) -> float:
        return self.fees_collected + self.fees_uncollected

    @property
    def net(self) -> float:
        return self.fee_rate - self.lvr_rate


@dataclass(frozen=True)
class Carry:
    positions: tuple[PositionCarry, ...]
    fees: float
    lvr: float
    funding: float
    supply_interest: float
    borrow_interest: float
    sigma: float

    @property
    def net(self) -> float:
        return self.fees - self.lvr + self.funding + self.supply_interest - self.borrow_interest

    @property
    def net_per_day(self) -> float:
        return self.net / 365

    @property
    def unhedged_without_lvr(self) -> float:
        """Fees only (the carry of the LPs alone, before LVR)."""
        return self.fees

    @property
    def hedged_without_lvr(self) -> float:
        return self.fees + self.funding + self.supply_interest - self.borrow_interest

    @property
    def break_even_volatility(self) -> float:
        if self.lvr <= 0:
            return math.nan
        ratio = (self.net + self.lvr) / self.lvr
        return self.sigma * math.sqrt(ratio) if ratio > 0 else 0.0


def _usd(raw: tuple[int, int], holding: LPHolding, base_is_token1: bool, d0: int,
         d1: int) -> float:
    a0, a1 = from_base_units_float(raw[0], d0), from_base_units_float(raw[1], d1)
    return a0 + a1 * holding.price if base_is_token1 else a0 * holding.price + a1


def position_carry(holding: LPHolding, sigma: float, timestamp: int,
                   history: PositionHistory | None, base_is_token1: bool, decimals: tuple[int, int],
                   owed: tuple[int, int]) -> PositionCarry:
    """Carry of one LP (fees from its history when given)."""
    lvr = float(lvr_rate(holding.price, holding.liquidity, holding.lower, holding.upper,
                         sigma=sigma))
    if history is None:
        uncollected = holding.fees_base * holding.price + holding.fees_quote
        return PositionCarry(holding.label, 0.0, uncollected, 0.0, lvr, None, math.nan)
    d0, d1 = decimals
    collected = history.fees_collected
    earned = (history.collected0 + owed[0] - history.withdrawn0,
              history.collected1 + owed[1] - history.withdrawn1)
    collected_usd = _usd(collected, holding, base_is_token1, d0, d1)
    earned_usd = _usd(earned, holding, base_is_token1, d0, d1)
    age = timestamp - history.opened_timestamp
    rate = earned_usd * YEAR_SECONDS / age if age >= MIN_AGE_SECONDS else 0.0
    be = float(break_even_volatility(holding.price, holding.liquidity, holding.lower,
                                     holding.upper, fee_rate=rate))
    return PositionCarry(holding.label, collected_usd, earned_usd - collected_usd, rate, lvr,
                         age / 86_400, be)


def hedge_carry(portfolio: Portfolio) -> tuple[float, float, float]:
    """(perp funding received, Aave supply interest, Aave borrow interest) per year, USD."""
    price = portfolio.oracle_price
    funding = 0.0
    if portfolio.perp is not None:
        funding = -portfolio.perp_size * portfolio.perp.state.funding_rate_annual * price
    supply = borrow = 0.0
    if portfolio.aave is not None:
        for position in portfolio.aave.positions:
            reserve = portfolio.aave.reserve(position.asset)
            unit_price = float(reserve.price_usd)
            if position.collateral:
                supply += (from_base_units_float(position.collateral, reserve.decimals)
                           * unit_price * reserve.supply_apr)
            if position.debt:
                borrow += (from_base_units_float(position.debt, reserve.decimals)
                           * unit_price * reserve.borrow_apr)
    return funding, supply, borrow


def portfolio_carry(portfolio: Portfolio, sigma: float,
                    histories: dict[int, PositionHistory]) -> Carry:
    """The carry of every LP and of the hedge (module docstring)."""
    by_id = {p.token_id: p for p in portfolio.positions}
    rows = []
    for holding in portfolio.lps:
        position = by_id.get(holding.token_id) if holding.token_id is not None else None
        if position is None:
            rows.append(position_carry(holding, sigma, portfolio.timestamp, None, False, (0, 0),
                                       (0, 0)))
            continue
        base_is_token1 = str(position.token1).lower() == A.WETH.lower()
        rows.append(position_carry(holding, sigma, portfolio.timestamp,
                                   histories.get(position.token_id), base_is_token1,
                                   (position.decimals0, position.decimals1),
                                   (position.fees0, position.fees1)))
    funding, supply, borrow = hedge_carry(portfolio)
    return Carry(tuple(rows), sum(r.fee_rate for r in rows), sum(r.lvr_rate for r in rows),
                 funding, supply, borrow, sigma)
