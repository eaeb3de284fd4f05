"""The state transitions of ``contracts/PerpMarket.vy``, exact: what a trade, a margin change
or a liquidation does to an account and to the market's book, or the reason it reverts.

Each function mirrors the contract's external function of the same name, checks in the same
order and raises :class:`~hedgekit.venues.perp_math.PerpRevertError` with the same reason. Prices
passed in are the oracle price the contract would read (validate it with
:func:`~hedgekit.venues.perp_math.check_oracle` first to cover the oracle guards).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hedgekit.venues.perp_math import (
    MarketBook,
    MarketParams,
    PerpRevertError,
    Position,
    accrued_funding,
    can_liquidate,
    ceil_div,
    correction,
    keeper_fee,
    locked_liquidity,
    notional,
    order_fee,
    pnl,
    recompute_funding,
    remaining_margin,
)


@dataclass(frozen=True)
class TradeResult:
    """The outcome of ``modify_position``: new book and position, the fee paid, and the
    PnL + funding realized into the margin (collateral units, + credited / - debited)."""

    book: MarketBook
    position: Position
    fee: int
    realized: int
    price: int
    funding_index: int


@dataclass(frozen=True)
class LiquidationResult:
    """The outcome of ``liquidate``: new book, the keeper's reward, the bad debt left unpaid
    (collateral units) and the remaining margin at liquidation (USD wad)."""

    book: MarketBook
    keeper_reward: int
    bad_debt: int
    remaining_margin: int


def store(book: MarketBook, old: Position, new: Position) -> MarketBook:
    """The contract's ``_store``: move the aggregates by the difference of two positions."""
    long_, short = book.open_interest_long, book.open_interest_short
    if old.size > 0:
        long_ -= old.size
    elif old.size < 0:
        short += old.size
    if new.size > 0:
        long_ += new.size
    elif new.size < 0:
        short -= new.size
    return replace(
        book,
        total_margin=book.total_margin + new.margin - old.margin,
        skew=book.skew + new.size - old.size,
        open_interest_long=long_,
        open_interest_short=short,
        entry_correction=book.entry_correction + correction(new) - correction(old),
    )


def settle(book: MarketBook, pos: Position, price: int, index: int,
           params: MarketParams) -> tuple[MarketBook, Position, int]:
    """The contract's ``_settle``: (book, position, realized collateral units)."""
    total = pnl(pos, price) + accrued_funding(pos, index)
    liquidity, margin, realized = book.liquidity, pos.margin, 0
    if total > 0:
        credit = min(total // params.collateral_scale, liquidity)
        liquidity, margin, realized = liquidity - credit, margin + credit, credit
    elif total < 0:
        debit = ceil_div(-total, params.collateral_scale)
        if debit > margin:  # the contract's uint256 underflow; callers rule it out
            raise PerpRevertError("perp: settlement exceeds margin")
        liquidity, margin, realized = liquidity + debit, margin - debit, -debit
    new = replace(pos, margin=margin, last_price=price, last_funding_index=index)
    return replace(book, liquidity=liquidity), new, realized


def check_margin(pos: Position, price: int, index: int, params: MarketParams) -> None:
    """The contract's ``_check_margin`` for an open position after a trade or withdrawal."""
    if pos.size == 0:
        return
    if pos.margin < params.min_margin:
        raise PerpRevertError("perp: min margin")
    if (notional(pos.size, price) * 10**18
            > pos.margin * params.collateral_scale * params.max_leverage):
        raise PerpRevertError("perp: max leverage")
    if can_liquidate(pos, price, index, params):
        raise PerpRevertError("perp: would be liquidatable")


def deposit_margin(book: MarketBook, pos: Position, amount: int) -> tuple[MarketBook, Position]:
    """``deposit_margin(amount)``."""
    if amount <= 0:
        raise PerpRevertError("perp: zero amount")
    new = replace(pos, margin=pos.margin + amount)
    return store(book, pos, new), new


def withdraw_margin(book: MarketBook, params: MarketParams, pos: Position, amount: int,
                    price: int, now: int) -> tuple[MarketBook, Position]:
    """``withdraw_margin(amount)`` at oracle ``price`` and block time ``now``."""
    if amount <= 0:
        raise PerpRevertError("perp: zero amount")
    new, after = pos, book
    if pos.size != 0:
        after = recompute_funding(book, params, price, now)
        index = after.funding_index
        if can_liquidate(pos, price, index, params):
            raise PerpRevertError("perp: liquidatable")
        after, new, _ = settle(after, pos, price, index, params)
        if amount > new.margin:
            raise PerpRevertError("perp: insufficient margin")
        new = replace(new, margin=new.margin - amount)
        check_margin(new, price, index, params)
    else:
        if amount > new.margin:
            raise PerpRevertError("perp: insufficient margin")
        new = replace(new, margin=new.margin - amount)
    return store(after, pos, new), new


def modify_position(book: MarketBook, params: MarketParams, pos: Position, size_delta: int,
                    price: int, now: int, acceptable_price: int | None = None,
                    deadline: int | None = None) -> TradeResult:
    """``modify_position(size_delta, acceptable_price, deadline)``; ``None`` bounds mean "any
    price" and "no deadline"."""
    if size_delta == 0:
        raise PerpRevertError("perp: zero size")
    if deadline is not None and now > deadline:
        raise PerpRevertError("perp: expired")
    if acceptable_price is not None and (
            (size_delta > 0 and price > acceptable_price)
            or (size_delta < 0 and price < acceptable_price)):
        raise PerpRevertError("perp: price slippage")
    after = recompute_funding(book, params, price, now)
    index = after.funding_index
    if can_liquidate(pos, price, index, params):
        raise PerpRevertError("perp: liquidatable")
    after, new, realized = settle(after, pos, price, index, params)
    fee = order_fee(size_delta, after.skew, price, params)
    if fee > new.margin:
        raise PerpRevertError("perp: insufficient margin")
    new = replace(new, margin=new.margin - fee, size=pos.size + size_delta)
    after = replace(after, liquidity=after.liquidity + fee,
                    fees_collected=after.fees_collected + fee)
    check_margin(new, price, index, params)
    stored = store(after, pos, new)
    grew = (stored.open_interest_long > after.open_interest_long
            or stored.open_interest_short > after.open_interest_short)
    if grew and max(stored.open_interest_long,
                    stored.open_interest_short) > params.max_open_interest:
        raise PerpRevertError("perp: max open interest")
    if (abs(stored.skew) > abs(after.skew)
            and locked_liquidity(stored, params, price, index) > stored.liquidity):
        raise PerpRevertError("perp: insufficient liquidity")
    return TradeResult(stored, new, fee, realized, price, index)


def close_position(book: MarketBook, params: MarketParams, pos: Position, price: int, now: int,
                   acceptable_price: int | None = None,
                   deadline: int | None = None) -> tuple[TradeResult, int]:
    """``close_position``: the trade result and the margin paid out to the account."""
    if pos.size == 0:
        raise PerpRevertError("perp: no position")
    result = modify_position(book, params, pos, -pos.size, price, now, acceptable_price,
                             deadline)
    payout = result.position.margin
    emptied = replace(result.position, margin=0)
    return replace(result, book=store(result.book, result.position, emptied),
                   position=emptied), payout


def liquidate(book: MarketBook, params: MarketParams, pos: Position, price: int,
              now: int) -> LiquidationResult:
    """``liquidate(account)`` of the account holding ``pos``."""
    after = recompute_funding(book, params, price, now)
    index = after.funding_index
    if not can_liquidate(pos, price, index, params):
        raise PerpRevertError("perp: not liquidatable")
    left = remaining_margin(pos, price, index, params)
    bad = ceil_div(-left, params.collateral_scale) if left < 0 else 0
    fund = after.liquidity + pos.margin
    reward = min(keeper_fee(notional(pos.size, price), params), fund)
    after = replace(after, liquidity=fund - reward, bad_debt=after.bad_debt + bad)
    return LiquidationResult(store(after, pos, Position()), reward, bad, left)
