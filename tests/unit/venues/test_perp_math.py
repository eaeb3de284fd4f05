"""The PerpMarket twin without a chain: rounding, the funding integral, fees, margins,
liquidation price and the state transitions' bookkeeping."""

from __future__ import annotations

from dataclasses import fields, replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.chain.perp_deploy import DEFAULT_PARAMS
from hedgekit.venues import perp_math as pm
from hedgekit.venues import perp_trade as pt
from hedgekit.venues.perp_math import MarketBook, MarketParams, PerpRevertError, Position

WAD = 10**18
ETH = 10**18
USDC = 10**6
PRICE = 3_000 * WAD
T0 = 1_767_571_200
PARAMS = MarketParams(**{f.name: getattr(DEFAULT_PARAMS, f.name)
                         for f in fields(MarketParams) if hasattr(DEFAULT_PARAMS, f.name)})
EMPTY = MarketBook(skew=0, open_interest_long=0, open_interest_short=0, entry_correction=0,
                   funding_rate_last=0, funding_index=0, funding_time_last=T0, total_margin=0,
                   liquidity=20_000_000 * USDC, fees_collected=0, bad_debt=0)


def _opened(size: int, margin: int, book: MarketBook = EMPTY,
            price: int = PRICE) -> tuple[MarketBook, Position]:
    book, pos = pt.deposit_margin(book, Position(), margin)
    result = pt.modify_position(book, PARAMS, pos, size, price, book.funding_time_last)
    return result.book, result.position


def test_tdiv__truncates_toward_zero_unlike_floor_division() -> None:
    assert pm.tdiv(7, 2) == 3
    assert pm.tdiv(-7, 2) == -3
    assert -7 // 2 == -4


def test_ceil_div__rounds_up_only_with_a_remainder() -> None:
    assert pm.ceil_div(10, 5) == 2
    assert pm.ceil_div(11, 5) == 3
    assert pm.ceil_div(0, 5) == 0


def test_params__mirror_the_deployed_defaults() -> None:
    assert PARAMS.max_leverage == 25 * WAD
    assert PARAMS.collateral_scale == 10**12 and PARAMS.price_scale == 10**10


def test_funding_velocity__is_proportional_to_skew_and_saturates_at_skew_scale() -> None:
    book = replace(EMPTY, skew=10_000 * ETH)
    assert pm.funding_velocity(book, PARAMS) == 9 * WAD // 100
    assert pm.funding_velocity(replace(EMPTY, skew=-3 * PARAMS.skew_scale), PARAMS) == -9 * WAD


def test_funding_index__equals_the_integral_of_the_linear_rate_times_price() -> None:
    book = replace(EMPTY, skew=10_000 * ETH, funding_rate_last=10**15)
    elapsed = 86_400 * 2 + 17
    velocity = Fraction(10_000, 1_000_000) * 9  # per day per day
    rate0 = Fraction(10**15, WAD)
    exact = -(rate0 * elapsed + velocity * Fraction(elapsed, 86_400) * elapsed / 2) / 86_400
    index = pm.funding_index_now(book, PARAMS, PRICE, T0 + elapsed)
    # rate(t) is truncated to a wei, which moves the index by elapsed * P / (2 DAY 1e18)
    rate_rounding = Fraction(elapsed * PRICE, 2 * 86_400 * WAD)
    assert abs(index - exact * PRICE) <= rate_rounding + 1
    assert index < 0  # longs (the skew) pay


def test_recompute_funding__records_rate_index_and_time() -> None:
    book = replace(EMPTY, skew=-500 * ETH)
    after = pm.recompute_funding(book, PARAMS, PRICE, T0 + 3_600)
    assert after.funding_time_last == T0 + 3_600
    assert after.funding_rate_last == pm.current_funding_rate(book, PARAMS, T0 + 3_600) < 0
    assert after.funding_index == pm.funding_index_now(book, PARAMS, PRICE, T0 + 3_600) > 0
    assert pm.unrecorded_funding(after, PARAMS, PRICE, T0 + 3_600) == 0


def test_order_fee__charges_maker_on_the_part_that_reduces_skew() -> None:
    # skew +4 ETH, sell 10: 4 ETH maker (2 bps), 6 ETH taker (5 bps)
    fee = pm.order_fee(-10 * ETH, 4 * ETH, PRICE, PARAMS)
    assert fee == (4 * 3_000 * 2 + 6 * 3_000 * 5) * USDC // 10_000
    assert pm.order_fee(10 * ETH, 4 * ETH, PRICE, PARAMS) == 10 * 3_000 * 5 * USDC // 10_000


def test_order_fee__rounds_up_to_the_next_collateral_unit() -> None:
    assert pm.order_fee(1, 0, PRICE, PARAMS) == 1


def test_keeper_fee__is_clamped_between_min_and_max() -> None:
    assert pm.keeper_fee(1_000 * WAD, PARAMS) == 20 * USDC
    assert pm.keeper_fee(10_000 * WAD, PARAMS) == 50 * USDC
    assert pm.keeper_fee(10**9 * WAD, PARAMS) == 1_000 * USDC


def test_can_liquidate__exactly_at_liquidation_margin() -> None:
    pos = Position(size=10 * ETH, margin=2_000 * USDC, last_price=PRICE)
    need = pm.liquidation_margin(pos.size, PRICE, PARAMS)
    at = replace(pos, margin=need // PARAMS.collateral_scale)
    assert need % PARAMS.collateral_scale == 0
    assert pm.can_liquidate(at, PRICE, 0, PARAMS)
    assert not pm.can_liquidate(replace(at, margin=at.margin + 1), PRICE, 0, PARAMS)
    assert not pm.can_liquidate(Position(margin=1), PRICE, 0, PARAMS)


@pytest.mark.parametrize("size", [10 * ETH, -10 * ETH])
def test_liquidation_answer__is_the_first_feed_answer_that_liquidates(size: int) -> None:
    book, pos = _opened(size, 1_500 * USDC)
    now = T0 + 3_600
    answer = pm.liquidation_answer(pos, book, PARAMS, now)
    assert answer is not None

    def liquidatable(a: int) -> bool:
        price = a * PARAMS.price_scale
        return pm.can_liquidate(pos, price, pm.funding_index_now(book, PARAMS, price, now),
                                PARAMS)

    beyond, inside = (answer - 1, answer + 1) if size > 0 else (answer + 1, answer - 1)
    assert liquidatable(answer) and liquidatable(beyond) and not liquidatable(inside)


def test_liquidation_answer__is_none_for_a_long_below_one_x() -> None:
    book, pos = _opened(1 * ETH, 4_000 * USDC)
    assert pm.liquidation_answer(pos, book, PARAMS, T0) is None


def test_modify_position__rejects_with_the_contracts_reasons() -> None:
    book, pos = pt.deposit_margin(EMPTY, Position(), 100 * USDC)
    cases = [
        (0, None, None, "perp: zero size"),
        (1 * ETH, None, T0 - 1, "perp: expired"),
        (1 * ETH, PRICE - 1, None, "perp: price slippage"),
        (-1 * ETH, PRICE + 1, None, "perp: price slippage"),
        (1 * ETH, None, None, "perp: max leverage"),
    ]
    for size, acceptable, deadline, reason in cases:
        with pytest.raises(PerpRevertError, match=reason):
            pt.modify_position(book, PARAMS, pos, size, PRICE, T0, acceptable, deadline)
    small = replace(pos, margin=40 * USDC)
    with pytest.raises(PerpRevertError, match="perp: min margin"):
        pt.modify_position(book, PARAMS, small, ETH // 100, PRICE, T0)


def test_modify_position__caps_each_sides_open_interest() -> None:
    book, _ = _opened(9_999 * ETH, 2_000_000 * USDC)
    book, pos = pt.deposit_margin(book, Position(), 100_000 * USDC)
    with pytest.raises(PerpRevertError, match="perp: max open interest"):
        pt.modify_position(book, PARAMS, pos, 2 * ETH, PRICE, T0)
    pt.modify_position(book, PARAMS, pos, -2 * ETH, PRICE, T0)  # the short side is free


def test_settle__pays_profit_only_up_to_the_fund() -> None:
    book = replace(EMPTY, liquidity=5 * USDC)
    pos = Position(size=1 * ETH, margin=100 * USDC, last_price=PRICE)
    after, new, realized = pt.settle(book, pos, PRICE + 100 * WAD, 0, PARAMS)
    assert realized == 5 * USDC and after.liquidity == 0 and new.margin == 105 * USDC


def test_liquidate__forfeits_margin_and_records_bad_debt_beyond_it() -> None:
    book, pos = _opened(10 * ETH, 1_500 * USDC)
    crash = PRICE * 80 // 100  # -20 %: loss 6000 USDC on 1500 margin
    result = pt.liquidate(book, PARAMS, pos, crash, T0)
    index = pm.funding_index_now(book, PARAMS, crash, T0)
    left = pm.remaining_margin(pos, crash, index, PARAMS)
    assert left < 0 and result.bad_debt == pm.ceil_div(-left, PARAMS.collateral_scale)
    assert result.keeper_reward == pm.keeper_fee(pm.notional(pos.size, crash), PARAMS)
    assert result.book.liquidity == book.liquidity + pos.margin - result.keeper_reward
    assert result.book.skew == 0 and result.book.total_margin == 0


def test_liquidate__healthy_position_is_rejected() -> None:
    book, pos = _opened(1 * ETH, 1_000 * USDC)
    with pytest.raises(PerpRevertError, match="perp: not liquidatable"):
        pt.liquidate(book, PARAMS, pos, PRICE, T0)


@given(sizes=st.lists(st.integers(-200, 200).filter(bool), min_size=1, max_size=6),
       moves=st.lists(st.integers(-8, 8), min_size=6, max_size=6),
       gaps=st.lists(st.integers(0, 3 * 86_400), min_size=6, max_size=6))
def test_trades_and_closes__conserve_collateral_and_aggregates(
        sizes: list[int], moves: list[int], gaps: list[int]) -> None:
    book, now, price = EMPTY, T0, PRICE
    positions = []
    for size in sizes:
        book, pos = pt.deposit_margin(book, Position(), 1_000_000 * USDC)
        result = pt.modify_position(book, PARAMS, pos, size * ETH, price, now)
        book = result.book
        positions.append(result.position)
    held = book.total_margin + book.liquidity
    paid = 0
    for pos, move, gap in zip(positions, moves, gaps, strict=False):
        now += gap
        price = price * (100 + move) // 100
        closed, payout = pt.close_position(book, PARAMS, pos, price, now)
        book, paid = closed.book, paid + payout
    assert book.total_margin + book.liquidity + paid == held
    assert book.skew == sum(p.size for p in positions[len(moves):])
    if len(positions) <= len(moves):
        assert book.entry_correction == 0 and book.total_margin == 0
        assert book.open_interest_long == book.open_interest_short == 0
