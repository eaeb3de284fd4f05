"""Invariants of FullMath, SqrtPriceMath, SwapMath and LiquidityAmounts."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hedgekit.amm.v3 import (
    MAX_SQRT_RATIO,
    MIN_SQRT_RATIO,
    compute_swap_step,
    get_amount0_delta,
    get_amount1_delta,
    get_amounts_for_liquidity,
    get_liquidity_for_amounts,
    get_next_sqrt_price_from_input,
    mul_div,
    mul_div_rounding_up,
)
from hedgekit.errors import InputError

MAX_UINT256 = (1 << 256) - 1
uint256 = st.integers(0, MAX_UINT256)
sqrt_prices = st.integers(MIN_SQRT_RATIO, MAX_SQRT_RATIO - 1)
liquidities = st.integers(1, (1 << 128) - 1)
fees = st.sampled_from([0, 100, 500, 3000, 10000, 999_999]) | st.integers(0, 999_999)
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(uint256, uint256, st.integers(1, MAX_UINT256))
def test_mul_div__equals_floor_and_ceil_of_exact_rational(a: int, b: int, d: int) -> None:
    exact = Fraction(a * b, d)
    if exact > MAX_UINT256:
        with pytest.raises(InputError):
            mul_div(a, b, d)
        return
    assert mul_div(a, b, d) == exact.__floor__()
    if exact.__ceil__() <= MAX_UINT256:
        assert mul_div_rounding_up(a, b, d) == exact.__ceil__()


@SETTINGS
@given(sqrt_prices, sqrt_prices, liquidities)
def test_get_amount_deltas__round_up_is_down_plus_at_most_one(a: int, b: int, liq: int) -> None:
    down0, up0 = get_amount0_delta(a, b, liq, False), get_amount0_delta(a, b, liq, True)
    down1, up1 = get_amount1_delta(a, b, liq, False), get_amount1_delta(a, b, liq, True)
    assert 0 <= up0 - down0 <= 1
    assert 0 <= up1 - down1 <= 1
    low, high = sorted((a, b))
    exact1 = Fraction(liq * (high - low), 1 << 96)
    assert down1 <= exact1 <= up1


@SETTINGS
@given(sqrt_prices, liquidities, st.integers(0, 1 << 200), st.booleans())
def test_get_next_sqrt_price_from_input__moves_price_in_swap_direction(
    price: int, liq: int, amount: int, zero_for_one: bool
) -> None:
    try:
        nxt = get_next_sqrt_price_from_input(price, liq, amount, zero_for_one)
    except InputError:
        assume(False)
        return
    assert (nxt <= price) if zero_for_one else (nxt >= price)
    # the pool is paid at least what the move costs
    if zero_for_one:
        assume(nxt > 0)
        assert get_amount0_delta(nxt, price, liq, True) <= amount
    else:
        assert get_amount1_delta(price, nxt, liq, True) <= amount


@SETTINGS
@given(
    sqrt_prices,
    sqrt_prices,
    liquidities,
    st.integers(-(1 << 200), 1 << 200).filter(lambda x: x != 0),
    fees,
)
def test_compute_swap_step__conserves_amounts(
    current: int, target: int, liq: int, remaining: int, fee: int
) -> None:
    try:
        nxt, amount_in, amount_out, fee_amount = compute_swap_step(
            current, target, liq, remaining, fee
        )
    except InputError:
        assume(False)
        return
    zero_for_one = current >= target
    low, high = sorted((current, target))
    assert low <= nxt <= high
    assert amount_in >= 0 and amount_out >= 0 and fee_amount >= 0
    if remaining > 0:
        assert amount_in + fee_amount <= remaining
        if nxt != target:
            assert amount_in + fee_amount == remaining
    else:
        assert amount_out <= -remaining
    # amounts are the deltas between current and next, rounded in the pool's favour
    if zero_for_one:
        assert amount_in >= get_amount0_delta(nxt, current, liq, False)
        assert amount_out <= get_amount1_delta(nxt, current, liq, False)
    else:
        assert amount_in >= get_amount1_delta(current, nxt, liq, False)
        assert amount_out <= get_amount0_delta(current, nxt, liq, False)


@SETTINGS
@given(sqrt_prices, sqrt_prices, sqrt_prices, st.integers(0, 1 << 100), st.integers(0, 1 << 100))
def test_liquidity_for_amounts__then_amounts__never_exceeds_the_amounts(
    price: int, a: int, b: int, amount0: int, amount1: int
) -> None:
    assume(a != b)
    try:
        liquidity = get_liquidity_for_amounts(price, a, b, amount0, amount1)
    except InputError:
        assume(False)
        return
    held0, held1 = get_amounts_for_liquidity(price, a, b, liquidity)
    assert held0 <= amount0 and held1 <= amount1


@SETTINGS
@given(sqrt_prices, sqrt_prices, sqrt_prices, st.integers(1, (1 << 100)))
def test_amounts_for_liquidity__then_liquidity__never_exceeds_the_liquidity(
    price: int, a: int, b: int, liquidity: int
) -> None:
    assume(a != b)
    amount0, amount1 = get_amounts_for_liquidity(price, a, b, liquidity)
    try:
        back = get_liquidity_for_amounts(price, a, b, amount0, amount1)
    except InputError:
        assume(False)
        return
    assert back <= liquidity
