"""What the option and basis strategies share: their parameters, the expected change of the
account's holdings, series selection on the OptionsMarket, and the plan's Greeks.

Units: option amounts in 18-decimal base units (1e18 = one option on one ETH), WETH in wei,
USDC in base units, prices in USD; Greeks as :class:`hedgekit.portfolio.Greeks` (delta ETH,
gamma ETH per USD, vega USD per 1.00 of vol, theta USD per year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.errors import InputError
from hedgekit.models.options import black_scholes_greeks
from hedgekit.portfolio import Greeks, Portfolio, portfolio_greeks
from hedgekit.strategy.planner import HedgePlan
from hedgekit.strategy.policy import Decision, HedgePolicy
from hedgekit.units import wad_to_float
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_pricing import years_to_expiry
from hedgekit.venues.options_state import OptionsAccount, OptionsEffect, SeriesBook
from hedgekit.venues.tx import UnsignedTx

WAD = 10**18
DAY = 86_400
#: Option amounts are rounded to this lot (options): float noise never reaches a transaction.
LOT = 10**12
STRATEGIES = ("covered-call", "cash-secured-put", "tail-puts", "lp-overlay", "basis")
#: A strike chosen by moneyness must lie within this fraction of the spot of the target.
STRIKE_TOLERANCE = 0.05


@dataclass(frozen=True)
class StrategyParams:
    """What the user asks of a strategy (None: the strategy's default).

    ``size``: options (covered call, CSP, default all the collateral held), a fraction of the
    strip (lp-overlay, default 1) or ETH (basis, required); ``moneyness``: strike / spot;
    ``option_delta``: |delta| of the series to pick when no moneyness is given; ``expiry_days``:
    days to the expiry wanted (the nearest listed one is used); ``loss_limit``: USD the
    LP + hedge portfolio may lose at the ``shock`` (fraction) down move (tail puts)."""

    name: str
    size: float | None = None
    moneyness: float | None = None
    option_delta: float | None = None
    expiry_days: float | None = None
    loss_limit: float | None = None
    shock: float = 0.30

    def __post_init__(self) -> None:
        if self.name not in STRATEGIES:
            raise InputError(f"unknown strategy {self.name!r}; choose one of "
                             f"{', '.join(STRATEGIES)}")
        for what, value in (("size", self.size), ("moneyness", self.moneyness),
                            ("expiry", self.expiry_days), ("option delta", self.option_delta)):
            if value is not None and not (math.isfinite(value) and value > 0):
                raise InputError(f"--{what.replace(' ', '-')} must be a positive number, "
                                 f"got {value}")
        if self.loss_limit is not None and not (math.isfinite(self.loss_limit)
                                                and self.loss_limit > 0):
            raise InputError(f"--loss-limit must be a positive USD amount, got "
                             f"{self.loss_limit}")
        if not 0 < self.shock < 1:
            raise InputError(f"--shock must be a fraction in (0, 1), got {self.shock}")
        if self.option_delta is not None and self.option_delta >= 1:
            raise InputError(f"--option-delta must be below 1, got {self.option_delta}")


@dataclass(frozen=True)
class Expected:
    """The plan's predicted change of the owner's holdings (signed, base units): WETH, USDC,
    perp size, and per series the options effect (:class:`OptionsEffect`); ``greeks_after``
    the portfolio's Greeks once it is filled (where the strategy targets them)."""

    weth: int = 0
    usdc: int = 0
    perp_size: int = 0
    options: tuple[OptionsEffect, ...] = ()
    greeks_after: Greeks | None = None


@dataclass(frozen=True)
class StrategyPlan:
    """A :class:`HedgePlan` for the hedge command plus what it should do to the account."""

    plan: HedgePlan
    expected: Expected


def floor_lot(amount: float) -> int:
    """``amount`` options (or ETH) in 18-decimal base units, rounded down to a LOT."""
    lots = (Decimal(repr(amount)) * WAD / LOT).to_integral_value(ROUND_DOWN)
    return int(lots) * LOT


def ceil_lot(amount: float) -> int:
    """``amount`` options in 18-decimal base units, rounded up to a LOT."""
    lots = (Decimal(repr(amount)) * WAD / LOT).to_integral_value(ROUND_CEILING)
    return int(lots) * LOT


def options_venue(w3: Web3, policy: HedgePolicy) -> OptionsMarketVenue:
    """The ETH-USD OptionsMarket; InputError when the chain has none."""
    if not w3.eth.get_code(A.OPTIONS_MARKET_ETH_USD):  # type: ignore[arg-type]
        raise InputError("no OptionsMarket on this chain: the option strategies need one")
    return OptionsMarketVenue(w3)


def pick_expiry(acct: OptionsAccount, days: float) -> int:
    """The listed open expiry nearest ``days`` from the snapshot; InputError if none is
    within max(7 days, half the time asked)."""
    now = acct.state.timestamp
    open_expiries = sorted({b.series.expiry for b in acct.state.open_series()})
    if not open_expiries:
        raise InputError("no listed series: every series of the OptionsMarket has expired")
    target = now + days * DAY
    best = min(open_expiries, key=lambda e: abs(e - target))
    if abs(best - target) > max(7 * DAY, days * DAY / 2):
        listed = ", ".join(f"{(e - now) / DAY:.1f}" for e in open_expiries)
        raise InputError(f"no listed series expires near {days:g} days; listed expiries "
                         f"(days): {listed}")
    return best


def pick_series(acct: OptionsAccount, kind: str, params: StrategyParams, sigma: float,
                default_days: float, default_delta: float) -> SeriesBook:
    """The open series of ``kind`` at the expiry nearest ``params.expiry_days`` whose strike
    is nearest ``moneyness * spot`` (within STRIKE_TOLERANCE), or, without a moneyness, whose
    Black-Scholes |delta| (at ``sigma``) is nearest ``option_delta``."""
    state = acct.state
    expiry = pick_expiry(acct, params.expiry_days or default_days)
    books = [b for b in state.open_series()
             if b.series.expiry == expiry and b.series.kind == kind]
    spot = wad_to_float(state.oracle_price)
    if not books:
        raise InputError(f"no listed {kind} series expires at {expiry}")
    if params.moneyness is not None:
        target = params.moneyness * spot
        book = min(books, key=lambda b: abs(wad_to_float(b.series.strike) - target))
        if abs(wad_to_float(book.series.strike) - target) > STRIKE_TOLERANCE * spot:
            strikes = ", ".join(f"{wad_to_float(b.series.strike):g}" for b in books)
            raise InputError(f"no listed {kind} series near strike {target:,.0f} "
                             f"(moneyness {params.moneyness:g}); listed strikes: {strikes}")
        return book
    want = params.option_delta or default_delta
    T = years_to_expiry(expiry, state.timestamp)

    def distance(b: SeriesBook) -> float:
        g = black_scholes_greeks(spot, wad_to_float(b.series.strike), T, 0.0, sigma, 0.0, kind)
        return abs(abs(float(g.delta)) - want)

    return min(books, key=distance)


def option_greeks(venue: OptionsMarketVenue, acct: OptionsAccount, sigma: float) -> Greeks:
    """The account's option positions as one leg (its value and Greeks)."""
    risk = venue.risk(acct, fallback_vol=sigma)
    return Greeks("options", risk.value, risk.delta, risk.gamma, risk.vega, risk.theta)


def series_greeks(book: SeriesBook, now: int, spot: float, vol: float, options: float
                  ) -> Greeks:
    """``options`` (signed, whole options) of one series at ``vol``, as a leg."""
    s = book.series
    g = black_scholes_greeks(spot, wad_to_float(s.strike), years_to_expiry(s.expiry, now),
                             0.0, vol, 0.0, s.kind)
    return Greeks(f"{s.kind} {wad_to_float(s.strike):g} #{s.series_id}",
                  options * float(g.price), options * float(g.delta),
                  options * float(g.gamma), options * float(g.vega), options * float(g.theta))


def base_legs(portfolio: Portfolio, options: Greeks | None, sigma: float,
              horizon: float | None = None) -> tuple[list[Greeks], Greeks]:
    """The portfolio's legs (LPs, perp, Aave, spot) plus its option leg, and their total;
    the LPs' expected-value Greeks over ``horizon`` years (default: one day)."""
    legs, total = (portfolio_greeks(portfolio, sigma) if horizon is None
                   else portfolio_greeks(portfolio, sigma, horizon))
    if options is not None and (options.value or options.delta or options.gamma):
        legs.append(options)
        total = total + options
    return legs, total


def make_plan(portfolio: Portfolio, venue: str, size: float, legs: list[Greeks],
              total: Greeks, added: Greeks, group: tuple[UnsignedTx, ...],
              reasons: list[str], notes: list[str], trade: bool = True) -> HedgePlan:
    """The HedgePlan of a strategy: one slice with ``group``; ``added`` is what the trade
    adds to the portfolio's Greeks (its delta gives the expected delta)."""
    after = total.delta + added.delta if trade else total.delta
    decision = Decision(trade and bool(group), after, total.delta, 0.0, tuple(reasons))
    return HedgePlan(portfolio.owner, portfolio.block_number, decision, total, tuple(legs),
                     venue, size, (), (group,) if trade and group else (), after,
                     tuple(notes), token_ids=portfolio.token_ids)
