"""Liquidation cascades: a price shock liquidates leveraged positions, the liquidations trade in
the pool and move the price further, which may liquidate more.

Round by round, on an exact pool state (the full tick map, :func:`hedgekit.amm.v3.swap`):

1. the shock: arbitrage the pool to the start price;
2. every position liquidatable at the current price is liquidated; its trade in ETH goes to
   the pool: a liquidated perp short is bought back (a long sold), an Aave liquidator buys the
   WETH debt it repays (exact output) and sells the WETH collateral it seizes (exact input);
3. the pool price after the net trade is the new price (oracles follow the market, rounded to
   the feed's 8 decimals); repeat until a round liquidates nothing (settled) or ``max_rounds``.

Positions implement :class:`Liquidatable`; the account's own perp and Aave legs and any other
accounts' (read from the venues) take part alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Protocol

from hedgekit.amm.v3 import MAX_SQRT_RATIO, MIN_SQRT_RATIO, PoolState, swap
from hedgekit.chain import addresses as A
from hedgekit.risk.book import AAVE_CLOSE_FACTOR, AAVE_FULL_CLOSE_HF
from hedgekit.risk.exact import FEED_DECIMALS, feed_price, move_pool, target_sqrt_price
from hedgekit.units import sqrt_price_x96_to_price
from hedgekit.venues import perp_math as pm
from hedgekit.venues.aave_math import PERCENTAGE_FACTOR, account_totals
from hedgekit.venues.aave_state import AaveAccountState
from hedgekit.venues.perp_state import PerpPosition

MAX_ROUNDS = 50
ETH = 10**18


@dataclass(frozen=True)
class Liquidation:
    """What liquidating a position does: ``base_flow`` wei of ETH bought (+) or sold (-) in the
    pool, ``loss`` USD lost by its owner, ``after`` what is left (None: closed)."""

    base_flow: int
    loss: float
    after: Liquidatable | None


class Liquidatable(Protocol):
    @property
    def label(self) -> str: ...

    def liquidate(self, price: Fraction) -> Liquidation | None:
        """The liquidation at ``price`` USD per ETH, or None if the position is safe there."""
        ...


def _answer(price: Fraction) -> int:
    floor: int = math.floor(price * 10**FEED_DECIMALS)
    return floor


@dataclass(frozen=True)
class PerpLiquidatable:
    """A PerpMarket position, judged by the contract's twin at the snapshot's time."""

    label: str
    position: PerpPosition

    def liquidate(self, price: Fraction) -> Liquidation | None:
        state = self.position.state
        wad = _answer(price) * state.params.price_scale
        index = pm.funding_index_now(state.book, state.params, wad, state.timestamp)
        if not pm.can_liquidate(self.position.position, wad, index, state.params):
            return None
        left = pm.remaining_margin(self.position.position, wad, index, state.params)
        return Liquidation(-self.position.size, max(left, 0) / pm.WAD, None)


@dataclass(frozen=True)
class AaveLiquidatable:
    """An Aave account: below HF 1 a liquidator repays the close factor of its largest debt and
    seizes that value plus the bonus from its largest collateral."""

    label: str
    account: AaveAccountState

    def liquidate(self, price: Fraction) -> Liquidation | None:
        answer = _answer(price)
        weth = A.WETH.lower()
        inputs = [replace(i, price=answer) if i.asset.lower() == weth else i
                  for i in self.account.inputs()]
        totals = account_totals(inputs)
        if totals.total_debt_base == 0 or totals.health_factor >= ETH:
            return None
        close = 1.0 if totals.health_factor < AAVE_FULL_CLOSE_HF * ETH else AAVE_CLOSE_FACTOR
        values = [(i.price * i.debt / 10**i.decimals, i.price * i.collateral / 10**i.decimals)
                  for i in inputs]
        debt_at = max(range(len(inputs)), key=lambda k: values[k][0])
        coll_at = max(range(len(inputs)), key=lambda k: values[k][1] * inputs[k].collateral_enabled)
        debt_in, coll_in = inputs[debt_at], inputs[coll_at]
        repaid = int(debt_in.debt * close)
        repaid_value = repaid * debt_in.price / 10**debt_in.decimals  # base currency units
        bonus = self.account.reserve(coll_in.asset).liquidation_bonus / PERCENTAGE_FACTOR
        seized = min(int(repaid_value * bonus * 10**coll_in.decimals / coll_in.price),
                     coll_in.collateral)
        flow = (repaid if debt_in.asset.lower() == weth else 0) - (
            seized if coll_in.asset.lower() == weth else 0)
        positions = list(self.account.positions)
        d = positions[debt_at]
        positions[debt_at] = replace(d, variable_debt=max(d.variable_debt - repaid, 0))
        c = positions[coll_at]
        positions[coll_at] = replace(c, collateral=c.collateral - seized)
        after = replace(self.account, positions=tuple(positions))
        loss = repaid_value * (bonus - 1.0) / 10**FEED_DECIMALS
        return Liquidation(flow, loss, AaveLiquidatable(self.label, after))


@dataclass(frozen=True)
class CascadeEvent:
    round: int
    label: str
    price: float
    base_flow: float
    loss: float


@dataclass(frozen=True)
class CascadeResult:
    start_price: float
    final_price: float
    rounds: int
    settled: bool
    events: tuple[CascadeEvent, ...]
    prices: tuple[float, ...]
    pool_after: PoolState

    @property
    def losses(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for event in self.events:
            out[event.label] = out.get(event.label, 0.0) + event.loss
        return out


def _base_is_token1(pool: PoolState) -> bool:
    return str(pool.token1).lower() == A.WETH.lower()


def pool_price(pool: PoolState) -> float:
    """USD per ETH of a WETH/stablecoin pool."""
    assert pool.decimals0 is not None and pool.decimals1 is not None
    return sqrt_price_x96_to_price(pool.sqrt_price_x96, pool.decimals0, pool.decimals1,
                                   invert=_base_is_token1(pool))


def trade_base(pool: PoolState, base_flow: int) -> PoolState:
    """The pool after buying (+) or selling (-) ``base_flow`` wei of ETH (no price limit; a
    pool that runs out of liquidity stops at its bound)."""
    if base_flow == 0:
        return pool
    buy = base_flow > 0
    base_is_token1 = _base_is_token1(pool)
    zero_for_one = buy == base_is_token1  # buying token1 means paying token0
    amount = -base_flow  # < 0: exact output of ETH (a buy); > 0: exact input (a sale)
    limit = MIN_SQRT_RATIO + 1 if zero_for_one else MAX_SQRT_RATIO - 1
    if (zero_for_one and pool.sqrt_price_x96 <= limit) or (
            not zero_for_one and pool.sqrt_price_x96 >= limit):
        return pool
    return swap(pool, zero_for_one, amount, limit).state_after


def run_cascade(pool: PoolState, start_price: Fraction, positions: Sequence[Liquidatable],
                max_rounds: int = MAX_ROUNDS) -> CascadeResult:
    """Shock ``pool`` to ``start_price`` and iterate liquidations (module docstring)."""
    state = move_pool(pool, target_sqrt_price(pool, start_price))
    price = start_price
    live: list[Liquidatable] = list(positions)
    events: list[CascadeEvent] = []
    prices = [float(start_price)]
    rounds, settled = 0, False
    while rounds < max_rounds:
        hits = [(k, p.liquidate(price)) for k, p in enumerate(live)]
        found = [(k, hit) for k, hit in hits if hit is not None]
        if not found:
            settled = True
            break
        rounds += 1
        net = 0
        for k, hit in found:
            events.append(CascadeEvent(rounds, live[k].label, float(price),
                                       hit.base_flow / ETH, hit.loss))
            net += hit.base_flow
        survivors = {k: hit.after for k, hit in found}
        kept: list[Liquidatable] = []
        for k, position in enumerate(live):
            left = survivors.get(k, position)
            if left is not None:
                kept.append(left)
        live = kept
        state = trade_base(state, net)
        price = feed_price(pool_price(state))
        prices.append(float(price))
    return CascadeResult(float(start_price), float(price), rounds, settled, tuple(events),
                         tuple(prices), state)
