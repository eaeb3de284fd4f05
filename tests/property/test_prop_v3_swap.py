"""Invariants of the swap simulator and its bitmap walk on random pools built from positions."""

import bisect

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hedgekit.amm.v3 import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    PoolState,
    get_sqrt_ratio_at_tick,
    swap,
)
from hedgekit.amm.v3.tick_bitmap import build_bitmap, next_initialized_tick_within_one_word

SETTINGS = settings(max_examples=200, deadline=None)
FEE_FOR_SPACING = {1: 100, 10: 500, 60: 3000, 200: 10000}

Position = tuple[int, int, int]


@st.composite
def pools(draw: st.DrawFn) -> tuple[PoolState, list[Position]]:
    spacing = draw(st.sampled_from(sorted(FEE_FOR_SPACING)))
    span = draw(st.sampled_from([300, 3_000, 100_000, MAX_TICK]))
    low = max(-span // spacing, -(MAX_TICK // spacing))
    high = min(span // spacing, MAX_TICK // spacing)
    positions: list[Position] = []
    for _ in range(draw(st.integers(1, 6))):
        lower = draw(st.integers(low, high - 1))
        upper = draw(st.integers(lower + 1, high))
        liquidity = draw(st.integers(1, 10**24))
        positions.append((lower * spacing, upper * spacing, liquidity))
    ticks = sorted({t for p in positions for t in p[:2]})
    if draw(st.booleans()):
        # start exactly on an initialized tick (below MAX_TICK: a pool price is < MAX_SQRT_RATIO)
        tick = draw(st.sampled_from([t for t in ticks if t < MAX_TICK]))
        sqrt_price = get_sqrt_ratio_at_tick(tick)
    else:
        tick = draw(st.integers(max(low * spacing, MIN_TICK), min(high * spacing, MAX_TICK - 1)))
        start = get_sqrt_ratio_at_tick(tick)
        sqrt_price = draw(st.integers(start, get_sqrt_ratio_at_tick(tick + 1) - 1))
    state = PoolState.from_positions(
        sqrt_price,
        FEE_FOR_SPACING[spacing],
        spacing,
        positions,
        fee_growth_global0_x128=0,
        fee_growth_global1_x128=0,
    )
    return state, positions


def active_liquidity(positions: list[Position], tick: int) -> int:
    return sum(liq for lower, upper, liq in positions if lower <= tick < upper)


amounts = st.integers(1, 10**21)
huge_amounts = st.integers(10**21, 10**30)
SLOW_SETTINGS = settings(max_examples=30, deadline=None)  # swaps that walk every bitmap word


def can_swap(state: PoolState, zero_for_one: bool) -> bool:
    """The default price limit is valid (the pool reverts SPL at the price bounds)."""
    if zero_for_one:
        return state.sqrt_price_x96 > MIN_SQRT_RATIO + 1
    return state.sqrt_price_x96 < MAX_SQRT_RATIO - 1


@SETTINGS
@given(pools(), st.booleans(), amounts, st.booleans())
def test_swap__after_any_swap__liquidity_equals_positions_active_at_new_tick(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int, exact_in: bool
) -> None:
    state, positions = pool
    assume(can_swap(state, zero_for_one))
    result = swap(state, zero_for_one, amount if exact_in else -amount)
    assert result.liquidity == active_liquidity(positions, result.tick)
    assert result.state_after.liquidity == result.liquidity


@SLOW_SETTINGS
@given(pools(), st.booleans(), huge_amounts)
def test_swap__to_the_end_of_the_range__leaves_liquidity_of_the_last_tick(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int
) -> None:
    state, positions = pool
    assume(can_swap(state, zero_for_one))
    result = swap(state, zero_for_one, amount)
    assert result.liquidity == active_liquidity(positions, result.tick)


@SETTINGS
@given(pools(), st.booleans(), amounts, st.booleans())
def test_swap__price_moves_in_swap_direction_and_signs_match(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int, exact_in: bool
) -> None:
    state, _ = pool
    assume(can_swap(state, zero_for_one))
    result = swap(state, zero_for_one, amount if exact_in else -amount)
    paid, received = (
        (result.amount0, result.amount1) if zero_for_one else (result.amount1, result.amount0)
    )
    assert paid >= 0 >= received
    if zero_for_one:
        assert MIN_SQRT_RATIO < result.sqrt_price_x96 <= state.sqrt_price_x96
    else:
        assert state.sqrt_price_x96 <= result.sqrt_price_x96 < MAX_SQRT_RATIO


@SETTINGS
@given(pools(), st.booleans(), amounts, st.booleans())
def test_swap__specified_amount__is_used_fully_unless_the_limit_is_hit(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int, exact_in: bool
) -> None:
    state, _ = pool
    assume(can_swap(state, zero_for_one))
    result = swap(state, zero_for_one, amount if exact_in else -amount)
    limit = MIN_SQRT_RATIO + 1 if zero_for_one else MAX_SQRT_RATIO - 1
    specified = (
        (result.amount0 if zero_for_one else result.amount1)
        if exact_in
        else -(result.amount1 if zero_for_one else result.amount0)
    )
    assert specified <= amount
    if result.sqrt_price_x96 != limit:
        assert specified == amount


@SETTINGS
@given(pools(), st.booleans(), amounts)
def test_swap__crossing_ticks__changes_liquidity_by_their_net(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int
) -> None:
    state, _ = pool
    assume(can_swap(state, zero_for_one))
    result = swap(state, zero_for_one, amount)
    sign = -1 if zero_for_one else 1
    expected = state.liquidity + sign * sum(state.liquidity_net(t) for t in result.ticks_crossed)
    assert result.liquidity == expected
    crossed = list(result.ticks_crossed)
    assert crossed == sorted(crossed, reverse=zero_for_one)


@SETTINGS
@given(pools(), st.booleans(), amounts)
def test_swap__exact_in_then_reverse__does_not_make_money(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int
) -> None:
    state, _ = pool
    assume(can_swap(state, zero_for_one))
    there = swap(state, zero_for_one, amount)
    paid = there.amount0 if zero_for_one else there.amount1
    received = -(there.amount1 if zero_for_one else there.amount0)
    assume(received > 0 and can_swap(there.state_after, not zero_for_one))
    back = swap(there.state_after, not zero_for_one, received)
    returned = -(back.amount0 if zero_for_one else back.amount1)
    assert returned <= paid


@SETTINGS
@given(pools(), st.booleans(), amounts, st.floats(0.01, 0.99))
def test_swap__with_price_limit__never_passes_the_limit(
    pool: tuple[PoolState, list[Position]], zero_for_one: bool, amount: int, fraction: float
) -> None:
    state, _ = pool
    price = state.sqrt_price_x96
    if zero_for_one:
        limit = MIN_SQRT_RATIO + 1 + int((price - MIN_SQRT_RATIO - 1) * fraction)
        assume(MIN_SQRT_RATIO < limit < price)
    else:
        limit = price + 1 + int((MAX_SQRT_RATIO - 2 - price) * fraction)
        assume(price < limit < MAX_SQRT_RATIO)
    result = swap(state, zero_for_one, amount, limit)
    if zero_for_one:
        assert result.sqrt_price_x96 >= limit
    else:
        assert result.sqrt_price_x96 <= limit


def reference_next_tick(ticks: list[int], tick: int, spacing: int, lte: bool) -> tuple[int, bool]:
    """Brute force over the sorted compressed ticks, one 256-tick word at a time."""
    compressed = sorted(t // spacing for t in ticks)
    here = tick // spacing
    if lte:
        word_start = (here >> 8) << 8
        i = bisect.bisect_right(compressed, here) - 1
        if i >= 0 and compressed[i] >= word_start:
            return compressed[i] * spacing, True
        return word_start * spacing, False
    start = here + 1
    word_end = ((start >> 8) << 8) + 255
    i = bisect.bisect_left(compressed, start)
    if i < len(compressed) and compressed[i] <= word_end:
        return compressed[i] * spacing, True
    return word_end * spacing, False


@SETTINGS
@given(
    st.sampled_from([1, 10, 60, 200]),
    st.lists(st.integers(-3000, 3000), min_size=0, max_size=30),
    st.integers(-800_000, 800_000),
    st.booleans(),
)
def test_next_initialized_tick_within_one_word__matches_brute_force(
    spacing: int, compressed_ticks: list[int], tick: int, lte: bool
) -> None:
    ticks = sorted({c * spacing for c in compressed_ticks})
    words = build_bitmap(ticks, spacing)
    expected = reference_next_tick(ticks, tick, spacing, lte)
    assert next_initialized_tick_within_one_word(words, tick, spacing, lte) == expected
