"""``hedgekit audit``: an account's LP risk report, every number read at one pinned block.

Steps (each reported to ``progress``): read the portfolio and the full state of its v3 pools;
read the positions' history (mint amounts, collects); Greeks, carry, liquidation distance;
the exact stress grid; liquidation cascades from the first liquidation price on each side;
the Monte Carlo. The unhedged book is the LP positions alone; the hedged book adds the perp
and the Aave account and the option positions (held and written, on the OptionsMarket:
:mod:`hedgekit.risk.options_leg`, in the Greeks, the stress grid and the Monte Carlo; the
cascades leave them out, as no liquidation trades them). Wallet balances (ETH, WETH, USDC)
are listed but kept out of both books: the audit measures the LP risk and its hedge, not the
treasury.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from web3 import Web3

from hedgekit.amm.readers import read_pool_states, require_address
from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.chain import addresses as A
from hedgekit.errors import InputError
from hedgekit.models.price_history import PriceHistory, load_price_history
from hedgekit.portfolio import Greeks, LPHolding, Portfolio, portfolio_greeks, read_portfolio
from hedgekit.risk.book import AaveLeg, Book, Leg, LPLeg, PerpLeg
from hedgekit.risk.carry import Carry, PositionCarry, portfolio_carry
from hedgekit.risk.cascade import (
    AaveLiquidatable,
    CascadeResult,
    Liquidatable,
    PerpLiquidatable,
    run_cascade,
)
from hedgekit.risk.exact import ExactBook, feed_price, revalue
from hedgekit.risk.history import PositionHistory, read_histories
from hedgekit.risk.liquidation import LiquidationLevel, LiquidationReport, liquidation_report
from hedgekit.risk.montecarlo import MonteCarloConfig, MonteCarloResult, simulate
from hedgekit.risk.options_leg import OptionsLeg, read_options_leg
from hedgekit.risk.stress import StressResult, stress_test
from hedgekit.types import Address
from hedgekit.units import from_base_units_float, sqrt_price_x96_to_price
from hedgekit.venues.aave import AaveV3
from hedgekit.venues.aave_math import PERCENTAGE_FACTOR
from hedgekit.venues.perp import PerpMarketVenue

#: Pool the cascades trade in (the deepest WETH/USDC pool).
CASCADE_POOL = A.WETH_USDC_V3_005
#: Cascades start just beyond a liquidation price within this move of today's price.
CASCADE_MAX_MOVE = 0.9
VOL_LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class AuditSettings:
    horizon: float = 7 / 365
    horizon_label: str = "7d"
    model: str = "gbm"
    paths: int = 20_000
    seed: int = 0
    sigma: float | None = None
    steps: int | None = None
    cascade_accounts: tuple[str, ...] = ()
    history: PriceHistory | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PositionReport:
    holding: LPHolding
    position: PositionState | None
    greeks: Greeks
    carry: PositionCarry
    history: PositionHistory | None
    entry_price: float | None
    hold_value: float | None
    principal_value: float

    @property
    def impermanent_loss(self) -> float | None:
        """Principal now minus holding the net deposits, USD (fees excluded)."""
        return None if self.hold_value is None else self.principal_value - self.hold_value

    @property
    def impermanent_loss_fraction(self) -> float | None:
        il = self.impermanent_loss
        return None if il is None or not self.hold_value else il / self.hold_value


@dataclass(frozen=True)
class CascadeReport:
    trigger: LiquidationLevel
    result: CascadeResult
    pnl_at_start: float
    pnl_at_final: float


@dataclass(frozen=True)
class AuditReport:
    settings: AuditSettings
    sigma: float
    sigma_source: str
    portfolio: Portfolio
    positions: tuple[PositionReport, ...]
    hedges: tuple[Greeks, ...]
    unhedged: Greeks
    hedged: Greeks
    wallet: Greeks
    carry: Carry
    liquidation: LiquidationReport
    stress: StressResult
    cascades: tuple[CascadeReport, ...]
    montecarlo: MonteCarloResult
    book: Book = field(repr=False)
    exact: ExactBook = field(repr=False)
    options: OptionsLeg | None = field(default=None, repr=False)


def realized_volatility(history: PriceHistory, days: int = VOL_LOOKBACK_DAYS) -> float:
    """Annualized realized volatility of the last ``days`` of daily log returns:
    sqrt(sum r**2 / sum dt)."""
    returns, dt = history.log_returns()
    elapsed = np.cumsum(dt[::-1])[::-1] * 365
    keep = elapsed <= days
    return float(math.sqrt(float(np.sum(returns[keep] ** 2)) / float(np.sum(dt[keep]))))


def _base_is_token1(position: PositionState) -> bool:
    return str(position.token1).lower() == A.WETH.lower()


def _usd(position: PositionState, raw0: int, raw1: int, price: float) -> float:
    a0 = from_base_units_float(raw0, position.decimals0)
    a1 = from_base_units_float(raw1, position.decimals1)
    return a0 + a1 * price if _base_is_token1(position) else a0 * price + a1


def _position_report(holding: LPHolding, position: PositionState | None, greeks: Greeks,
                     carry: PositionCarry, history: PositionHistory | None) -> PositionReport:
    price = holding.price
    principal = holding.base_amount * price + holding.quote_amount
    if position is None or history is None:
        return PositionReport(holding, position, greeks, carry, history, None, None, principal)
    entry = None
    if history.entry_sqrt_price_x96 is not None:
        entry = sqrt_price_x96_to_price(history.entry_sqrt_price_x96, position.decimals0,
                                        position.decimals1, _base_is_token1(position))
    hold = _usd(position, *history.held, price)
    return PositionReport(holding, position, greeks, carry, history, entry, hold, principal)


def build_book(portfolio: Portfolio, carry: Carry, liquidation: LiquidationReport,
               options: OptionsLeg | None = None) -> Book:
    """The float model of the portfolio (:mod:`hedgekit.risk.book`), with ``options``."""
    legs: list[Leg] = [LPLeg(h.label, h.liquidity, h.lower, h.upper, h.fees_base, h.fees_quote,
                             c.fee_rate) for h, c in zip(portfolio.lps, carry.positions,
                                                         strict=True)]
    spot = portfolio.oracle_price
    if portfolio.perp is not None and portfolio.perp.size != 0:
        level = liquidation.perp
        legs.append(PerpLeg("perp", portfolio.perp_size, portfolio.perp.remaining_margin / 1e18,
                            spot, level.price if level else None, carry.funding))
    if portfolio.aave is not None:
        legs.append(aave_leg(portfolio, carry.supply_interest - carry.borrow_interest))
    if options is not None:
        legs.append(options)
    return Book(spot, tuple(legs))


def aave_leg(portfolio: Portfolio, carry: float) -> AaveLeg:
    """The Aave account split into its WETH and USD parts."""
    assert portfolio.aave is not None
    parts = dict.fromkeys(("cb", "cu", "db", "du", "wb", "wu"), 0.0)
    bonus, largest = 0.0, -1.0
    for p, item in zip(portfolio.aave.positions, portfolio.aave.inputs(), strict=True):
        reserve = portfolio.aave.reserve(p.asset)
        is_base = p.asset.lower() == A.WETH.lower()
        amount = from_base_units_float(p.collateral, reserve.decimals)
        debt = from_base_units_float(item.debt, reserve.decimals)
        usd = float(reserve.price_usd)
        lt = reserve.liquidation_threshold / PERCENTAGE_FACTOR if item.collateral_enabled else 0.0
        if is_base:
            parts["cb"] += amount
            parts["db"] += debt
            parts["wb"] += amount * lt
        else:
            parts["cu"] += amount * usd
            parts["du"] += debt * usd
            parts["wu"] += amount * usd * lt
        if item.collateral_enabled and amount * usd > largest:
            largest = amount * usd
            bonus = reserve.liquidation_bonus / PERCENTAGE_FACTOR - 1.0
    return AaveLeg("aave", parts["cb"], parts["cu"], parts["db"], parts["du"], parts["wb"],
                   parts["wu"], max(bonus, 0.0), carry)


def _cascades(w3: Web3, exact: ExactBook, liquidation: LiquidationReport,
              others: Sequence[str], block: int, progress: Callable[[str], None]
              ) -> tuple[CascadeReport, ...]:
    portfolio = exact.portfolio
    triggers = [t for t in (liquidation.first_above, liquidation.first_below)
                if t is not None and abs(t.move) <= CASCADE_MAX_MOVE]
    if not triggers:
        return ()
    progress("liquidation cascades")
    positions: list[Liquidatable] = []
    if portfolio.perp is not None and portfolio.perp.size != 0:
        positions.append(PerpLiquidatable("perp", portfolio.perp))
    if portfolio.aave is not None:
        positions.append(AaveLiquidatable("aave", portfolio.aave))
    if others:
        perp_venue, aave = PerpMarketVenue(w3), AaveV3(w3)
        for other in others:
            address = require_address(other, "cascade account")
            pos = perp_venue.position(address, block)
            if pos.size != 0:
                positions.append(PerpLiquidatable(f"perp {address[:10]}", pos))
            account = aave.account(address, block)
            if account.totals.total_debt_base:
                positions.append(AaveLiquidatable(f"aave {address[:10]}", account))
    pool = exact.pools.get(Address(CASCADE_POOL)) or read_pool_states(w3, [CASCADE_POOL], block)[0]
    spot = feed_price(portfolio.oracle_price)
    base = revalue(exact, spot, move_pools=False).value(True)
    out = []
    for trigger in triggers:
        start = feed_price(trigger.price * (1.0001 if trigger.above else 0.9999))
        result = run_cascade(pool, start, positions)
        at_start = revalue(exact, start).value(True) - base
        at_final = revalue(exact, feed_price(result.final_price)).value(True) - base
        out.append(CascadeReport(trigger, result, at_start, at_final))
    return tuple(out)


def run_audit(w3: Web3, owner: str, settings: AuditSettings, block: int | None = None,
              progress: Callable[[str], None] = lambda _: None) -> AuditReport:
    """The whole audit of ``owner`` at ``block`` (default: latest), see the module docstring."""
    holder = require_address(owner, "owner")
    block = w3.eth.block_number if block is None else block
    if block > w3.eth.block_number:
        raise InputError(f"block {block} is in the future (latest {w3.eth.block_number})")
    progress(f"reading the portfolio at block {block}")
    portfolio = read_portfolio(w3, holder, block=block)
    if not portfolio.lps and portfolio.perp is None and portfolio.aave is None:
        raise InputError(f"{holder} holds no LP position, perp or Aave account at block {block}")
    pools = sorted({p.pool for p in portfolio.positions})
    states = read_pool_states(w3, pools, block) if pools else []
    exact = ExactBook(portfolio, {s.address: s for s in states if s.address is not None})
    progress("reading the positions' history")
    histories = read_histories(w3, portfolio.positions, block)
    history = settings.history
    if settings.sigma is None:
        history = history or load_price_history()
        sigma, source = realized_volatility(history), f"realized {VOL_LOOKBACK_DAYS}d ETH/USD"
    else:
        sigma, source = settings.sigma, "given"
    progress("Greeks, carry and liquidation distance")
    legs, _ = portfolio_greeks(portfolio, sigma, settings.horizon)
    carry = portfolio_carry(portfolio, sigma, histories)
    liquidation = liquidation_report(portfolio)
    by_id = {p.token_id: p for p in portfolio.positions}
    reports = []
    for holding, greeks, position_carry in zip(portfolio.lps, legs, carry.positions,
                                               strict=False):
        position = by_id.get(holding.token_id) if holding.token_id is not None else None
        reports.append(_position_report(holding, position, greeks, position_carry,
                                        histories.get(holding.token_id or -1)))
    lp_greeks = legs[: len(portfolio.lps)]
    hedges = tuple(g for g in legs[len(portfolio.lps):] if g.label in ("perp", "aave"))
    options = read_options_leg(w3, holder, block, portfolio.oracle_price, sigma)
    if options is not None:
        hedges += (options.greeks(),)
    wallet = next(g for g in legs if g.label == "spot")
    unhedged = sum(lp_greeks, Greeks("unhedged", 0.0, 0.0))
    hedged = sum(hedges, unhedged)
    book = build_book(portfolio, carry, liquidation, options)
    progress("stress grid (exact re-valuation)")
    stress = stress_test(exact, book, sigma, settings.horizon, carry.unhedged_without_lvr,
                         carry.hedged_without_lvr, options=options)
    cascades = _cascades(w3, exact, liquidation, settings.cascade_accounts, block, progress)
    progress(f"Monte Carlo: {settings.paths:,} {settings.model} paths")
    config = MonteCarloConfig(settings.model, settings.paths, settings.horizon, sigma,
                              settings.seed, settings.steps, history=history)
    montecarlo = simulate(book, config)
    return AuditReport(settings, sigma, source, portfolio, tuple(reports), hedges,
                       Greeks("unhedged", *_fields(unhedged)), Greeks("hedged", *_fields(hedged)),
                       wallet, carry, liquidation, stress, cascades, montecarlo, book, exact,
                       options)


def _fields(g: Greeks) -> tuple[float, float, float, float, float, float]:
    return g.value, g.delta, g.gamma, g.vega, g.theta, g.lvr


__all__ = ["AuditReport", "AuditSettings", "build_book", "run_audit"]
