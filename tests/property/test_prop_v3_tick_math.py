"""Invariants of TickMath: the tick <-> sqrt price round trip and monotonicity."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.amm.v3 import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)

ticks = st.integers(MIN_TICK, MAX_TICK)
sqrt_prices = st.integers(MIN_SQRT_RATIO, MAX_SQRT_RATIO - 1)


@settings(max_examples=300, deadline=None)
@given(ticks.filter(lambda t: t < MAX_TICK))
def test_get_tick_at_sqrt_ratio__of_tick_ratio__returns_the_tick(tick: int) -> None:
    assert get_tick_at_sqrt_ratio(get_sqrt_ratio_at_tick(tick)) == tick


@settings(max_examples=300, deadline=None)
@given(ticks.filter(lambda t: t < MAX_TICK))
def test_get_sqrt_ratio_at_tick__is_strictly_increasing(tick: int) -> None:
    assert get_sqrt_ratio_at_tick(tick) < get_sqrt_ratio_at_tick(tick + 1)


@settings(max_examples=300, deadline=None)
@given(sqrt_prices)
def test_get_tick_at_sqrt_ratio__returns_greatest_tick_at_or_below_price(sqrt_price: int) -> None:
    tick = get_tick_at_sqrt_ratio(sqrt_price)
    assert get_sqrt_ratio_at_tick(tick) <= sqrt_price
    assert tick == MAX_TICK - 1 or sqrt_price < get_sqrt_ratio_at_tick(tick + 1)


@settings(max_examples=200, deadline=None)
@given(sqrt_prices, sqrt_prices)
def test_get_tick_at_sqrt_ratio__is_monotonic(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert get_tick_at_sqrt_ratio(low) <= get_tick_at_sqrt_ratio(high)
