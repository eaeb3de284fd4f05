"""The stress re-valuation is exact: position amounts at the shocked price are the pool's own
integer amounts, and the value matches the closed form of ``models.lp`` to float rounding."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from hedgekit.amm.v3 import get_amounts_for_liquidity, get_sqrt_ratio_at_tick
from hedgekit.models import lp
from hedgekit.risk.book import Book, LPLeg
from hedgekit.risk.exact import ExactBook, feed_price, revalue, target_sqrt_price
from hedgekit.risk.stress import DEFAULT_MOVES, stress_test

MOVES = [-0.5, -0.2, -0.05, 0.0, 0.03, 0.1, 0.5]


def _model(book: ExactBook) -> Book:
    h = book.portfolio.lps[0]
    return Book(book.portfolio.oracle_price, (LPLeg(h.label, h.liquidity, h.lower, h.upper),))


@pytest.mark.parametrize("move", MOVES)
def test_revalue__amounts_at_the_shocked_price__are_get_amounts_for_liquidity_there(
        exact_book: ExactBook, move: float) -> None:
    price = feed_price(Fraction(3000) * Fraction(1 + move))
    (pool,) = exact_book.pools.values()
    (position,) = exact_book.portfolio.positions
    after = revalue(exact_book, price).positions[0]
    assert (after.amount0, after.amount1) == get_amounts_for_liquidity(
        target_sqrt_price(pool, price), get_sqrt_ratio_at_tick(position.tick_lower),
        get_sqrt_ratio_at_tick(position.tick_upper), position.liquidity)


@pytest.mark.parametrize("move", MOVES)
def test_revalue__value_without_arb_fees__equals_the_closed_form(
        exact_book: ExactBook, move: float) -> None:
    price = feed_price(Fraction(3000) * Fraction(1 + move))
    h = exact_book.portfolio.lps[0]
    after = revalue(exact_book, price).positions[0]
    closed = float(lp.value(float(price), h.liquidity, h.lower, h.upper))
    # the integers round down by at most one base unit of each token
    assert after.value - after.arb_fees_value == pytest.approx(closed, abs=2e-6 + 1e-18 * 5000)


def test_revalue__a_move_through_the_range__pays_the_position_its_share_of_the_swap_fee(
        exact_book: ExactBook) -> None:
    (before,) = exact_book.portfolio.positions
    up = revalue(exact_book, feed_price(3100)).positions[0]
    # ETH up: arbitrageurs pay USDC (token0) for ETH, the fee is charged on the USDC in
    assert up.arb_fees0 > 0 and up.arb_fees1 == 0
    # the position's share of the input is what its USDC grew by; fee = in x fee / (1 - fee)
    assert up.arb_fees0 == pytest.approx((up.amount0 - before.amount0) * 500 / 999_500,
                                         rel=1e-3)
    down = revalue(exact_book, feed_price(2900)).positions[0]
    assert down.arb_fees1 > 0 and down.arb_fees0 == 0
    assert down.arb_fees1 == pytest.approx((down.amount1 - before.amount1) * 500 / 999_500,
                                           rel=1e-3)


def test_stress_grid__unhedged_pnl__is_the_closed_form_pnl_plus_the_arbitrage_fees(
        exact_book: ExactBook) -> None:
    h = exact_book.portfolio.lps[0]
    result = stress_test(exact_book, _model(exact_book), 0.6, 7 / 365, 0.0, 0.0)
    assert [s.move for s in result.grid] == pytest.approx(list(DEFAULT_MOVES), abs=1e-8)
    base = float(lp.value(3000.0, h.liquidity, h.lower, h.upper))
    for s in result.grid:
        closed = float(lp.value(s.price, h.liquidity, h.lower, h.upper)) - base
        assert s.unhedged_pnl - s.arb_fees == pytest.approx(closed, abs=1e-5)
        assert s.hedged_pnl == s.unhedged_pnl  # no hedge in this book
    for s in result.gaps:  # gaps land outside the range: all in one token
        assert not h.lower <= s.price <= h.upper


def test_vol_shock__costs_the_expected_lvr_and_grows_with_volatility(
        exact_book: ExactBook) -> None:
    result = stress_test(exact_book, _model(exact_book), 0.6, 7 / 365, 0.0, 0.0)
    flat = result.grid.index(next(s for s in result.grid if s.move == 0.0))
    column = np.array([row[flat] for row in result.vol.hedged])
    assert (np.diff(column) < 0).all()  # more volatility, more expected LVR over the horizon
    assert column[0] < 0
