"""Stress tests: the portfolio's P&L under price shocks, vol shocks and one-block gaps through
the LP ranges, re-valued exactly (:mod:`hedgekit.risk.exact`), with and without the hedge.

- **price grid**: ETH moves by each of ``moves`` (-50 % .. +50 %) in one block; P&L = exact
  value after the move minus today's value (both marked at the oracle);
- **vol shocks** (over the horizon): for each volatility sigma' and price move, the exact jump
  P&L plus what the horizon costs at sigma': minus the expected LVR of each LP leg at the
  shocked price (:func:`hedgekit.models.lvr.expected_lvr`, the convexity bleed), plus the carry
  without LVR (fees, funding, interest) over the horizon;
- **gaps**: a one-block jump from today's price to just outside each v3 range (2 % beyond the
  edge): the position ends all in one token with no chance to rebalance or add margin.

Option positions (:mod:`hedgekit.risk.options_leg`, a hedge) join the hedged P&L of every
scenario as ``options_pnl``: their value at the scenario price at the end of the horizon
(intrinsic if they expire by then, else Black-Scholes with the time left) minus their value
now; in the vol shocks they are re-priced with their vols scaled like sigma.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from hedgekit.models.lvr import expected_lvr
from hedgekit.risk.book import Book
from hedgekit.risk.exact import ExactBook, Revaluation, feed_price, revalue
from hedgekit.risk.options_leg import OptionsLeg

DEFAULT_MOVES = (-0.5, -0.4, -0.3, -0.2, -0.15, -0.1, -0.05, -0.02, 0.0,
                 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
#: Volatility shocks as multiples of the audit's sigma.
VOL_MULTIPLIERS = (0.5, 1.0, 1.5, 2.0, 3.0)
#: How far beyond a range edge a gap scenario lands.
GAP_BEYOND = 0.02


@dataclass(frozen=True)
class Scenario:
    """One re-valued scenario: P&L in USD against today's value."""

    label: str
    move: float
    price: float
    exact_price: Fraction
    unhedged_pnl: float
    hedged_pnl: float
    arb_fees: float
    liquidated: tuple[str, ...]
    health_factor: float | None
    #: The option positions' share of ``hedged_pnl`` (0 without options).
    options_pnl: float = 0.0


@dataclass(frozen=True)
class VolGrid:
    """P&L over the horizon (USD): rows = ``sigmas``, columns = ``moves``."""

    sigmas: tuple[float, ...]
    moves: tuple[float, ...]
    unhedged: tuple[tuple[float, ...], ...]
    hedged: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class StressResult:
    base_price: float
    base_unhedged: float
    base_hedged: float
    grid: tuple[Scenario, ...]
    gaps: tuple[Scenario, ...]
    vol: VolGrid


def options_pnl(options: OptionsLeg | None, price: float, horizon: float,
                vol_scale: float = 1.0) -> float:
    """The options' value at ``price`` after ``horizon`` years minus their value now, USD."""
    if options is None:
        return 0.0
    return float(options.value_at(price, horizon, vol_scale) - options.value(options.price))


def _scenario(book: ExactBook, base: Revaluation, label: str, price: Fraction,
              spot: float, options: OptionsLeg | None, horizon: float) -> Scenario:
    after = revalue(book, price)
    opt = options_pnl(options, float(price), horizon)
    return Scenario(label, float(price) / spot - 1.0, float(price), price,
                    after.value(False) - base.value(False),
                    after.value(True) - base.value(True) + opt,
                    sum(p.arb_fees_value for p in after.positions), after.liquidated,
                    after.aave_health_factor, opt)


def gap_prices(book: ExactBook) -> list[tuple[str, Fraction]]:
    """(label, price) of a gap just below and just above each v3 range."""
    out = []
    for holding in book.portfolio.lps:
        if holding.kind != "v3":
            continue
        out.append((f"gap below {holding.label}", feed_price(holding.lower * (1 - GAP_BEYOND))))
        out.append((f"gap above {holding.label}", feed_price(holding.upper * (1 + GAP_BEYOND))))
    return out


def stress_test(book: ExactBook, model: Book, sigma: float, horizon: float,
                carry_unhedged: float, carry_hedged: float,
                moves: Sequence[float] = DEFAULT_MOVES,
                vol_multipliers: Sequence[float] = VOL_MULTIPLIERS,
                options: OptionsLeg | None = None) -> StressResult:
    """Run the grid, the vol shocks and the gaps (module docstring). ``carry_*`` are the carry
    rates without LVR (USD per year) of the unhedged and hedged book; ``options`` the owner's
    option positions (None: none)."""
    spot = book.portfolio.oracle_price
    spot_exact = feed_price(spot)
    base = revalue(book, spot_exact, move_pools=False)
    grid = tuple(_scenario(book, base, f"{m:+.0%}", feed_price(spot_exact * Fraction(1 + m)),
                           spot, options, horizon) for m in moves)
    gaps = tuple(_scenario(book, base, label, price, spot, options, horizon)
                 for label, price in gap_prices(book))
    sigmas = tuple(sigma * k for k in vol_multipliers)
    unhedged, hedged = [], []
    for s, k in zip(sigmas, vol_multipliers, strict=True):
        row_u, row_h = [], []
        for scenario in grid:
            bleed = sum(float(expected_lvr(scenario.price, leg.liquidity, leg.lower, leg.upper,
                                           sigma=s, horizon=horizon)) for leg in model.lps)
            reprice = options_pnl(options, scenario.price, horizon, k) - scenario.options_pnl
            row_u.append(scenario.unhedged_pnl - bleed + carry_unhedged * horizon)
            row_h.append(scenario.hedged_pnl + reprice - bleed + carry_hedged * horizon)
        unhedged.append(tuple(row_u))
        hedged.append(tuple(row_h))
    vol = VolGrid(sigmas, tuple(moves), tuple(unhedged), tuple(hedged))
    base_options = 0.0 if options is None else float(options.value(options.price))
    return StressResult(spot, base.value(False), base.value(True) + base_options, grid, gaps,
                        vol)


def worst(result: StressResult, hedged: bool) -> Scenario:
    """The grid scenario with the lowest P&L."""
    pnl = np.array([s.hedged_pnl if hedged else s.unhedged_pnl for s in result.grid])
    return result.grid[int(np.argmin(pnl))]
