"""Exact twin of ``contracts/PerpMarket.vy``'s integer math, bit for bit.

Every function mirrors the contract's internal function of the same name (without the leading
underscore) and uses the same units: sizes in base units with 18 decimals, prices and PnL in
USD wads, margins, fees and the fund in collateral base units. Signed divisions truncate toward
zero (:func:`tdiv`, the contract's ``_tdiv``), amounts owed by a trader round up
(:func:`ceil_div`). The state transitions (:func:`trade`, :func:`withdraw`, :func:`liquidate`)
raise :class:`PerpRevertError` with the contract's revert reason exactly where the contract reverts
(oracle guards aside: see :func:`check_oracle`), so a caller can predict a transaction's
outcome, and tests can run the twin as the model of the contract.

Funding (Synthetix perps v2 velocity model), with skew K and t the block timestamp::

    velocity = clamp(K * 1e18 / skew_scale, -1e18, 1e18) * max_funding_velocity / 1e18
    rate(t)  = rate_last + velocity * (t - t_last) / 86400                 (wad per day)
    F(t)     = F_last - (rate_last + rate(t)) * (t - t_last) * P / (2 * 86400 * 1e18)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hedgekit.errors import VenueError

WAD = 10**18
DAY = 86_400
#: The contract's PHASE_MASK: the aggregator round inside a Chainlink proxy round id.
PHASE_MASK = 2**64 - 1


class PerpRevertError(VenueError):
    """The contract would revert (or reverted) with ``reason``, e.g. ``"perp: max leverage"``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"PerpMarket rejects the call: {reason}")


@dataclass(frozen=True)
class MarketParams:
    """The contract's risk parameters (its public storage of the same names)."""

    maker_fee: int
    taker_fee: int
    max_leverage: int
    maintenance_margin_ratio: int
    min_margin: int
    liquidation_fee_ratio: int
    min_keeper_fee: int
    max_keeper_fee: int
    skew_scale: int
    max_funding_velocity: int
    max_open_interest: int
    max_oracle_age: int
    max_price_deviation: int
    liquidity_reserve_ratio: int
    #: 10**(18 - collateral decimals): 10**12 for USDC
    collateral_scale: int = 10**12
    #: 10**(18 - oracle decimals): 10**10 for Chainlink's USD feeds
    price_scale: int = 10**10


@dataclass(frozen=True)
class Position:
    """One account's position, as the contract stores it (``positions(account)``)."""

    size: int = 0
    margin: int = 0
    last_price: int = 0
    last_funding_index: int = 0


@dataclass(frozen=True)
class MarketBook:
    """The contract's market-wide state (its public storage of the same names)."""

    skew: int
    open_interest_long: int
    open_interest_short: int
    entry_correction: int
    funding_rate_last: int
    funding_index: int
    funding_time_last: int
    total_margin: int
    liquidity: int
    fees_collected: int
    bad_debt: int


def tdiv(a: int, b: int) -> int:
    """a / b truncated toward zero, for b > 0 (the contract's ``_tdiv``)."""
    if b <= 0:
        raise ValueError("tdiv needs a positive divisor")
    return a // b if a >= 0 else -((-a) // b)


def ceil_div(a: int, b: int) -> int:
    """ceil(a / b) for a >= 0, b > 0."""
    return (a + b - 1) // b


# -- oracle ----------------------------------------------------------------------------------

def oracle_price(answer: int, params: MarketParams) -> int:
    """The wad price of a feed answer."""
    if answer <= 0:
        raise PerpRevertError("perp: bad price")
    return answer * params.price_scale


def check_oracle(round_id: int, answer: int, updated_at: int, previous: int | None, now: int,
                 params: MarketParams) -> int:
    """The contract's ``_checked_price``: the wad price, or PerpRevertError for a bad, stale or
    too-far-moved answer. ``previous`` is the answer of round ``round_id - 1``."""
    price = oracle_price(answer, params)
    if now > updated_at + params.max_oracle_age:
        raise PerpRevertError("perp: stale price")
    if (round_id & PHASE_MASK > 1 and previous is not None and previous > 0
            and abs(answer - previous) * WAD > params.max_price_deviation * previous):
        raise PerpRevertError("perp: price deviation")
    return price


# -- funding ---------------------------------------------------------------------------------

def funding_velocity(book: MarketBook, params: MarketParams) -> int:
    """d(rate)/dt: wad per day, per day."""
    if params.skew_scale == 0:
        return 0
    proportional = max(min(tdiv(book.skew * WAD, params.skew_scale), WAD), -WAD)
    return tdiv(proportional * params.max_funding_velocity, WAD)


def current_funding_rate(book: MarketBook, params: MarketParams, now: int) -> int:
    """The funding rate at ``now`` (wad per day); positive: longs pay shorts."""
    elapsed = now - book.funding_time_last
    return book.funding_rate_last + tdiv(funding_velocity(book, params) * elapsed, DAY)


def unrecorded_funding(book: MarketBook, params: MarketParams, price: int, now: int) -> int:
    """Change of the funding index since the last recompute (USD wad per whole base unit)."""
    elapsed = now - book.funding_time_last
    rate_sum = book.funding_rate_last + current_funding_rate(book, params, now)
    return -tdiv(rate_sum * elapsed * price, 2 * DAY * WAD)


def funding_index_now(book: MarketBook, params: MarketParams, price: int, now: int) -> int:
    """The contract's ``funding_index_now()``."""
    return book.funding_index + unrecorded_funding(book, params, price, now)


def recompute_funding(book: MarketBook, params: MarketParams, price: int, now: int) -> MarketBook:
    """The book after the contract's ``_recompute_funding(price)`` at ``now``."""
    rate = current_funding_rate(book, params, now)
    index = funding_index_now(book, params, price, now)
    return replace(book, funding_rate_last=rate, funding_index=index, funding_time_last=now)


# -- one position ----------------------------------------------------------------------------

def notional(size: int, price: int) -> int:
    """|size| * price (USD wad, rounded down)."""
    return abs(size) * price // WAD


def pnl(pos: Position, price: int) -> int:
    """Price PnL since the last settlement (USD wad)."""
    if pos.size == 0:
        return 0
    return tdiv(pos.size * (price - pos.last_price), WAD)


def accrued_funding(pos: Position, index: int) -> int:
    """Funding since the last settlement (USD wad; positive: received)."""
    return tdiv(pos.size * (index - pos.last_funding_index), WAD)


def remaining_margin(pos: Position, price: int, index: int, params: MarketParams) -> int:
    """margin + pnl + funding (USD wad; negative means bad debt)."""
    return pos.margin * params.collateral_scale + pnl(pos, price) + accrued_funding(pos, index)


def keeper_fee(notional_wad: int, params: MarketParams) -> int:
    """The liquidation reward (collateral units) for a position of this notional."""
    fee = notional_wad * params.liquidation_fee_ratio // WAD // params.collateral_scale
    return min(max(fee, params.min_keeper_fee), params.max_keeper_fee)


def liquidation_margin(size: int, price: int, params: MarketParams) -> int:
    """Remaining margin (USD wad) at or below which the position is liquidatable."""
    n = notional(size, price)
    return (n * params.maintenance_margin_ratio // WAD
            + keeper_fee(n, params) * params.collateral_scale)


def can_liquidate(pos: Position, price: int, index: int, params: MarketParams) -> bool:
    """Whether the contract's ``liquidate`` accepts this position at (price, index)."""
    if pos.size == 0:
        return False
    return remaining_margin(pos, price, index, params) <= liquidation_margin(pos.size, price,
                                                                             params)


def leverage(pos: Position, price: int, index: int, params: MarketParams) -> int | None:
    """notional / remaining margin as a wad (rounded down); None when the remaining margin is
    not positive."""
    left = remaining_margin(pos, price, index, params)
    if left <= 0:
        return None
    return notional(pos.size, price) * WAD // left


def order_fee(size_delta: int, skew: int, price: int, params: MarketParams) -> int:
    """The maker/taker fee (collateral units, rounded up) of a trade against ``skew``."""
    delta = abs(size_delta)
    maker_part = 0
    if (skew > 0 and size_delta < 0) or (skew < 0 and size_delta > 0):
        maker_part = min(delta, abs(skew))
    weighted = maker_part * params.maker_fee + (delta - maker_part) * params.taker_fee
    return ceil_div(weighted * price, WAD * WAD * params.collateral_scale)


# -- the fund --------------------------------------------------------------------------------

def correction(pos: Position) -> int:
    """A position's term of ``entry_correction``."""
    if pos.size == 0:
        return 0
    return tdiv(pos.size * (pos.last_price + pos.last_funding_index), WAD)


def net_unrealized_pnl(book: MarketBook, price: int, index: int) -> int:
    """All traders' PnL + funding since their settlements (USD wad), from the aggregates."""
    return tdiv(book.skew * (price + index), WAD) - book.entry_correction


def locked_liquidity(book: MarketBook, params: MarketParams, price: int, index: int) -> int:
    """Collateral the fund must keep: the traders' net profit plus the skew reserve."""
    owed = net_unrealized_pnl(book, price, index)
    locked = ceil_div(owed, params.collateral_scale) if owed > 0 else 0
    reserve = notional(book.skew, price) * params.liquidity_reserve_ratio // WAD
    return locked + ceil_div(reserve, params.collateral_scale)


def free_liquidity(book: MarketBook, params: MarketParams, price: int, index: int) -> int:
    """What the owner may ``defund`` (collateral units)."""
    return max(book.liquidity - locked_liquidity(book, params, price, index), 0)


# -- liquidation price -----------------------------------------------------------------------

#: Feed answers searched for a liquidation price: 1 .. MAX_ANSWER (1e12 USD at 8 decimals).
MAX_ANSWER = 10**20


def liquidation_answer(pos: Position, book: MarketBook, params: MarketParams,
                       now: int) -> int | None:
    """The feed answer at which ``pos`` turns liquidatable at time ``now``: a long is
    liquidatable at answers <= it, a short at answers >= it. None when no answer in
    1..MAX_ANSWER makes it liquidatable (e.g. a long with less than 1x leverage).

    Exact, not a linear estimate: a binary search over the contract's own predicate (the
    funding index moves with the price too). Funding accrues after ``now``, so a later block
    moves this price."""
    if pos.size == 0:
        return None

    def liquidatable(answer: int) -> bool:
        price = answer * params.price_scale
        return can_liquidate(pos, price, funding_index_now(book, params, price, now), params)

    if pos.size > 0:
        if not liquidatable(1):
            return None
        lo, hi = 1, MAX_ANSWER  # liquidatable(lo) holds; find the largest such answer
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if liquidatable(mid) else (lo, mid - 1)
        return lo
    if not liquidatable(MAX_ANSWER):
        return None
    lo, hi = 1, MAX_ANSWER  # liquidatable(hi) holds; find the smallest such answer
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if liquidatable(mid) else (mid + 1, hi)
    return lo
