"""Tick.getFeeGrowthInside vectors from Uniswap v3-core test/Tick.spec.ts, and tokens owed as
Position.update computes them."""

import pytest

from hedgekit.amm.v3 import (
    PoolState,
    get_fee_growth_inside,
    get_tokens_owed,
    swap,
    uncollected_fees,
)
from hedgekit.errors import InputError

MAX_UINT256 = (1 << 256) - 1
Q128 = 1 << 128


def inside(tick: int, lower: tuple[int, int], upper: tuple[int, int]) -> tuple[int, int]:
    """Tick.spec.ts layout: range [-2, 2], fee growth globals (15, 15)."""
    return (
        get_fee_growth_inside(-2, 2, tick, 15, lower[0], upper[0]),
        get_fee_growth_inside(-2, 2, tick, 15, lower[1], upper[1]),
    )


def test_get_fee_growth_inside__uninitialized_ticks_and_tick_inside__returns_all() -> None:
    assert inside(0, (0, 0), (0, 0)) == (15, 15)


@pytest.mark.parametrize("tick", [4, -4])
def test_get_fee_growth_inside__uninitialized_ticks_and_tick_outside__returns_zero(
    tick: int,
) -> None:
    assert inside(tick, (0, 0), (0, 0)) == (0, 0)


def test_get_fee_growth_inside__tick_inside__subtracts_upper_tick() -> None:
    assert inside(0, (0, 0), (2, 3)) == (13, 12)


def test_get_fee_growth_inside__tick_inside__subtracts_lower_tick() -> None:
    assert inside(0, (2, 3), (0, 0)) == (13, 12)


def test_get_fee_growth_inside__tick_inside__subtracts_upper_and_lower_ticks() -> None:
    assert inside(0, (2, 3), (4, 1)) == (9, 11)


def test_get_fee_growth_inside__overflow_on_inside_tick__wraps() -> None:
    assert inside(0, (MAX_UINT256 - 3, MAX_UINT256 - 2), (3, 5)) == (16, 13)


def test_get_tokens_owed__growth_wrapped__uses_modular_difference() -> None:
    assert get_tokens_owed(5, MAX_UINT256 - 4, 1 << 127) == 5  # (5 - (-5)) * 2**127 / 2**128


def test_get_tokens_owed__rounds_down() -> None:
    assert get_tokens_owed(Q128 // 3, 0, 2) == 0
    assert get_tokens_owed(Q128, 0, 7) == 7


def test_get_tokens_owed__result_above_uint128__truncates() -> None:
    max128 = (1 << 128) - 1
    assert get_tokens_owed(MAX_UINT256, 0, max128) == ((MAX_UINT256 * max128) >> 128) & max128


def test_uncollected_fees__sole_full_range_lp__earns_the_swap_fee_less_rounding() -> None:
    lower, upper, liquidity = -887220, 887220, 2 * 10**18
    state = PoolState.from_positions(
        1 << 96,
        3000,
        60,
        [(lower, upper, liquidity)],
        fee_growth_global0_x128=0,
        fee_growth_global1_x128=0,
        fee_growth_outside0_x128={lower: 0, upper: 0},
        fee_growth_outside1_x128={lower: 0, upper: 0},
    )
    result = swap(state, True, 10**18)
    fees0, fees1 = uncollected_fees(result.state_after, lower, upper, liquidity, 0, 0)
    assert fees1 == 0
    assert result.fee_amount - 1 <= fees0 <= result.fee_amount


def test_uncollected_fees__range_crossed_by_swap__counts_only_fees_inside() -> None:
    positions = [(-887220, 887220, 10**18), (-120, 120, 10**18)]
    outside = {-887220: 0, 887220: 0, -120: 0, 120: 0}
    state = PoolState.from_positions(
        1 << 96,
        3000,
        60,
        positions,
        fee_growth_global0_x128=0,
        fee_growth_global1_x128=0,
        fee_growth_outside0_x128=outside,
        fee_growth_outside1_x128=outside,
    )
    # ticks at or below the current tick start with outside = global (0 here either way)
    result = swap(state, True, 10**17)
    assert -120 in result.ticks_crossed
    after = result.state_after
    fees_narrow = uncollected_fees(after, -120, 120, 10**18, 0, 0)[0]
    fees_wide = uncollected_fees(after, -887220, 887220, 10**18, 0, 0)[0]
    assert 0 < fees_narrow < fees_wide <= result.fee_amount


def test_uncollected_fees__state_without_fee_growth__raises() -> None:
    state = PoolState.from_positions(1 << 96, 3000, 60, [(-60, 60, 1)])
    with pytest.raises(InputError, match="fee growth"):
        uncollected_fees(state, -60, 60, 1, 0, 0)
