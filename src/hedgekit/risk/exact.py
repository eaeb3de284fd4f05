"""Exact re-valuation of a portfolio at a shocked ETH/USD price.

What happens on-chain when ETH jumps to a price P (one block, no chance to react):

- arbitrageurs swap every v3 pool of the portfolio to P: the swap is simulated exactly on the
  pool's full tick map (:func:`hedgekit.amm.v3.swap`, bounded by the target sqrt price, as the
  market driver's ``exactInputSingle`` with ``sqrtPriceLimitX96``). Each position then holds
  ``get_amounts_for_liquidity`` at the new sqrt price, plus its fees owed, plus the fees the
  arbitrage swap paid it: floor(delta fee growth inside x L / 2**128), exact to 1 base unit
  (the position manager floors the sum since its last update, which the reader does not keep);
- a v2 share follows the constant product without fee: base L/sqrt(P), quote L sqrt(P);
- the perp is marked by the venue's twin at the oracle answer floor(P x 1e8): remaining margin
  with the funding index at that price, at the snapshot's timestamp; liquidatable means the
  margin is lost (value 0);
- Aave is re-priced with WETH at that answer (health factor by Aave's own formula); below HF 1
  the liquidation of :mod:`hedgekit.risk.book` applies (close factor, bonus lost).

Stablecoins count at par (1 USD), as in :mod:`hedgekit.portfolio`. Prices are exact fractions
rounded to the feed's 8 decimals, so a scenario can be replayed on the replica with
``MarketDriver.set_price`` and compared to the unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from fractions import Fraction

from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.amm.v3 import (
    PoolState,
    fee_growth_inside_of,
    get_amounts_for_liquidity,
    get_sqrt_ratio_at_tick,
    get_tokens_owed,
    swap,
)
from hedgekit.chain import addresses as A
from hedgekit.portfolio import Portfolio
from hedgekit.risk.book import AAVE_CLOSE_FACTOR, AAVE_FULL_CLOSE_HF
from hedgekit.types import Address, SqrtPriceX96, Wei
from hedgekit.units import from_base_units_float, price_to_sqrt_price_x96
from hedgekit.venues import perp_math as pm
from hedgekit.venues.aave_math import PERCENTAGE_FACTOR, account_totals

FEED_DECIMALS = 8
#: An exact input larger than any swap needs: the swap stops at its price limit.
UNBOUNDED_INPUT = 2**200


def feed_price(price: Fraction | Decimal | float | int) -> Fraction:
    """``price`` rounded to the Chainlink feed's 8 decimals (half even), as a Fraction."""
    return Fraction(round(Fraction(price) * 10**FEED_DECIMALS), 10**FEED_DECIMALS)


@dataclass(frozen=True)
class ExactBook:
    """The exact inputs: the portfolio and the full state of each of its v3 pools."""

    portfolio: Portfolio
    pools: Mapping[Address, PoolState]


@dataclass(frozen=True)
class PositionValue:
    """One v3 position after the move: principal and fees in raw units, value in USD."""

    token_id: int
    amount0: Wei
    amount1: Wei
    fees0: Wei
    fees1: Wei
    arb_fees0: Wei
    arb_fees1: Wei
    value: float
    arb_fees_value: float


@dataclass(frozen=True)
class Revaluation:
    """The portfolio at ``price`` (USD per ETH): values in USD."""

    price: Fraction
    positions: tuple[PositionValue, ...]
    v2_value: float
    perp_value: float
    perp_liquidated: bool
    aave_value: float
    aave_health_factor: float | None
    aave_liquidated: bool
    pool_sqrt_prices: Mapping[Address, SqrtPriceX96]

    @property
    def lp_value(self) -> float:
        return sum(p.value for p in self.positions) + self.v2_value

    @property
    def hedge_value(self) -> float:
        return self.perp_value + self.aave_value

    def value(self, hedged: bool) -> float:
        return self.lp_value + (self.hedge_value if hedged else 0.0)

    @property
    def liquidated(self) -> tuple[str, ...]:
        return tuple(name for name, hit in (("perp", self.perp_liquidated),
                                            ("aave", self.aave_liquidated)) if hit)


def _base_is_token1(position: PositionState | PoolState) -> bool:
    return str(position.token1).lower() == A.WETH.lower()


def target_sqrt_price(pool: PoolState, price: Fraction) -> SqrtPriceX96:
    """The pool's sqrt price at ``price`` USD per ETH (stablecoin at par), rounded down."""
    assert pool.decimals0 is not None and pool.decimals1 is not None  # the reader sets them
    with localcontext(prec=80):  # exact for any price with <= 8 decimals (feed_price)
        human = Decimal(price.numerator) / Decimal(price.denominator)
    return price_to_sqrt_price_x96(human, pool.decimals0, pool.decimals1,
                                   invert=_base_is_token1(pool))


def move_pool(pool: PoolState, target: int) -> PoolState:
    """The pool after an arbitrage swap to ``target`` (unchanged if already there)."""
    if target == pool.sqrt_price_x96:
        return pool
    zero_for_one = target < pool.sqrt_price_x96
    return swap(pool, zero_for_one, UNBOUNDED_INPUT, target).state_after


def position_value(position: PositionState, before: PoolState | None, after: PoolState | None,
                   price: Fraction) -> PositionValue:
    """``position`` valued at ``price`` once its pool went from ``before`` to ``after``
    (None: the pool did not move, the reader's amounts stand)."""
    fees_earned = (Wei(0), Wei(0))
    amount0, amount1 = position.amount0, position.amount1
    if before is not None and after is not None and after is not before:
        lower, upper = position.tick_lower, position.tick_upper
        amount0, amount1 = get_amounts_for_liquidity(
            after.sqrt_price_x96, get_sqrt_ratio_at_tick(lower), get_sqrt_ratio_at_tick(upper),
            position.liquidity)
        inside_before = fee_growth_inside_of(before, lower, upper)
        inside_after = fee_growth_inside_of(after, lower, upper)
        fees_earned = (get_tokens_owed(inside_after[0], inside_before[0], position.liquidity),
                       get_tokens_owed(inside_after[1], inside_before[1], position.liquidity))
    fees0, fees1 = Wei(position.fees0 + fees_earned[0]), Wei(position.fees1 + fees_earned[1])

    def usd(raw0: int, raw1: int) -> float:
        human0 = from_base_units_float(raw0, position.decimals0)
        human1 = from_base_units_float(raw1, position.decimals1)
        p = float(price)
        return human0 + human1 * p if _base_is_token1(position) else human0 * p + human1

    return PositionValue(position.token_id, amount0, amount1, fees0, fees1, fees_earned[0],
                         fees_earned[1], usd(amount0 + fees0, amount1 + fees1),
                         usd(*fees_earned))


def _perp_value(portfolio: Portfolio, price: Fraction) -> tuple[float, bool]:
    perp = portfolio.perp
    if perp is None:
        return 0.0, False
    state = perp.state
    answer = math.floor(price * 10**FEED_DECIMALS)
    wad = answer * state.params.price_scale
    index = pm.funding_index_now(state.book, state.params, wad, state.timestamp)
    if pm.can_liquidate(perp.position, wad, index, state.params):
        return 0.0, True
    return pm.remaining_margin(perp.position, wad, index, state.params) / pm.WAD, False


def aave_at(portfolio: Portfolio, price: Fraction) -> tuple[float, float | None, bool]:
    """(net value USD after any liquidation, health factor, liquidated) with WETH at
    ``price``; (0, None, False) without an Aave account."""
    aave = portfolio.aave
    if aave is None:
        return 0.0, None, False
    answer = math.floor(price * 10**FEED_DECIMALS)
    inputs = tuple(replace(i, price=answer) if i.asset.lower() == A.WETH.lower() else i
                   for i in aave.inputs())
    totals = account_totals(inputs)
    collateral = debt = 0.0
    bonus, largest = 0.0, -1.0
    for item, position in zip(inputs, aave.positions, strict=True):
        unit = 10**item.decimals * 10**FEED_DECIMALS
        held = position.collateral * item.price / unit
        collateral += held
        debt += position.debt * item.price / unit
        if item.collateral_enabled and held > largest:
            largest = held
            bonus = aave.reserve(item.asset).liquidation_bonus / PERCENTAGE_FACTOR - 1.0
    net = collateral - debt
    if totals.total_debt_base == 0:
        return net, None, False
    hf = totals.health_factor / 10**18
    if hf >= 1.0:
        return net, hf, False
    close = 1.0 if hf < AAVE_FULL_CLOSE_HF else AAVE_CLOSE_FACTOR
    return net - close * debt * max(bonus, 0.0), hf, True


def revalue(book: ExactBook, price: Fraction, move_pools: bool = True) -> Revaluation:
    """The portfolio right after ETH jumps to ``price`` (module docstring); with
    ``move_pools=False`` the pools stay where they are (today's values, marked at ``price``)."""
    portfolio = book.portfolio
    moved: dict[Address, PoolState] = {}
    if move_pools:
        for address, pool in book.pools.items():
            moved[address] = move_pool(pool, target_sqrt_price(pool, price))
    positions = tuple(position_value(p, book.pools.get(p.pool), moved.get(p.pool), price)
                      for p in portfolio.positions)
    v2 = 0.0
    for holding in portfolio.lps:
        if holding.kind != "v2":
            continue
        if move_pools:
            root = math.sqrt(float(price))
            base, quote = holding.liquidity / root, holding.liquidity * root
        else:
            base, quote = holding.base_amount, holding.quote_amount
        v2 += base * float(price) + quote
    perp_value, perp_hit = _perp_value(portfolio, price)
    aave_value, hf, aave_hit = aave_at(portfolio, price)
    sqrt_prices = {a: p.sqrt_price_x96 for a, p in (moved or book.pools).items()}
    return Revaluation(price, positions, v2, perp_value, perp_hit, aave_value, hf, aave_hit,
                       sqrt_prices)
