"""Greeks of a portfolio in USD terms: the base asset (ETH) quoted in USD.

Units (every field of :class:`Greeks`):
- ``value``: USD;
- ``delta``: dV/dP in ETH (the ETH-equivalent exposure); ``delta * P`` is USD per 100% move;
- ``gamma``: d2V/dP2 in ETH per USD; ``gamma * P**2 / 100`` is the USD change of delta-USD
  for a 1% move;
- ``vega``: dE[V]/dsigma in USD per 1.00 of annual volatility (divide by 100 per vol point);
- ``theta``: dE[V]/dT in USD per year, from the expected-value model of ``models.lp_expected``
  over ``horizon``; as the horizon goes to 0 it equals minus the LVR rate;
- ``lvr``: loss-versus-rebalancing rate, USD per year (>= 0).
Perp and Aave legs are linear: delta only (their carry is priced by the planner and audit).
"""

from __future__ import annotations

from dataclasses import dataclass

from hedgekit.models.lp_expected import lp_greeks
from hedgekit.portfolio.holdings import LPHolding
from hedgekit.portfolio.snapshot import Portfolio

ONE_DAY = 1 / 365


@dataclass(frozen=True)
class Greeks:
    """Value and Greeks of one leg or a whole portfolio (units in the module docstring)."""

    label: str
    value: float
    delta: float
    gamma: float = 0.0
    vega: float = 0.0
    theta: float = 0.0
    lvr: float = 0.0

    def __add__(self, other: Greeks) -> Greeks:
        return Greeks("total", self.value + other.value, self.delta + other.delta,
                      self.gamma + other.gamma, self.vega + other.vega,
                      self.theta + other.theta, self.lvr + other.lvr)


def holding_greeks(holding: LPHolding, sigma: float, horizon: float = ONE_DAY) -> Greeks:
    """Greeks of one LP position at its pool price (fees owed count as held tokens)."""
    g = lp_greeks(holding.price, holding.liquidity, holding.lower, holding.upper,
                  sigma=sigma, horizon=horizon)
    fees = holding.fees_base * holding.price + holding.fees_quote
    return Greeks(holding.label, float(g.value) + fees, float(g.delta) + holding.fees_base,
                  float(g.gamma), float(g.vega), float(g.theta), float(g.lvr_rate))


def portfolio_greeks(portfolio: Portfolio, sigma: float,
                     horizon: float = ONE_DAY) -> tuple[list[Greeks], Greeks]:
    """(each leg's Greeks, their total): LPs, perp, Aave and spot holdings."""
    price = portfolio.oracle_price
    legs = [holding_greeks(h, sigma, horizon) for h in portfolio.lps]
    if portfolio.perp is not None:
        margin = portfolio.perp.remaining_margin / 10**18  # remaining margin is a USD wad
        legs.append(Greeks("perp", margin, portfolio.perp_size))
    if portfolio.aave is not None:
        supplied, borrowed = portfolio.aave_base()
        totals = portfolio.aave.totals
        net_usd = (totals.total_collateral_base - totals.total_debt_base) / 10**8
        legs.append(Greeks("aave", net_usd, supplied - borrowed))
    legs.append(Greeks("spot", portfolio.spot_base * price + portfolio.spot_quote,
                       portfolio.spot_base))
    total = Greeks("total", 0.0, 0.0)
    for leg in legs:
        total = total + leg
    return legs, total
