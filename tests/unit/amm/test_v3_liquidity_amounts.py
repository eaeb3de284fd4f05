"""LiquidityAmounts vectors: v3-sdk src/utils/maxLiquidityForAmounts.test.ts (the cases within
uint128, which the periphery library computes identically) and hand-checked round trips."""

import math

import pytest

from hedgekit.amm.v3 import (
    get_amounts_for_liquidity,
    get_liquidity_for_amounts,
    get_sqrt_ratio_at_tick,
)
from hedgekit.amm.v3.liquidity_amounts import get_amounts_for_liquidity_delta
from hedgekit.errors import InputError


def encode_sqrt_ratio_x96(amount1: int, amount0: int) -> int:
    """v3-sdk encodeSqrtRatioX96: floor(sqrt(amount1 * 2**192 / amount0))."""
    return math.isqrt((amount1 << 192) // amount0)


LOWER = encode_sqrt_ratio_x96(100, 110)
UPPER = encode_sqrt_ratio_x96(110, 100)


@pytest.mark.parametrize(
    ("price", "amount0", "amount1", "expected"),
    [
        (encode_sqrt_ratio_x96(1, 1), 100, 200, 2148),  # price inside
        (encode_sqrt_ratio_x96(99, 110), 100, 200, 1048),  # price below
        (encode_sqrt_ratio_x96(111, 100), 100, 200, 2097),  # price above
    ],
)
def test_get_liquidity_for_amounts__sdk_vectors__match(
    price: int, amount0: int, amount1: int, expected: int
) -> None:
    assert get_liquidity_for_amounts(price, LOWER, UPPER, amount0, amount1) == expected


def test_get_liquidity_for_amounts__price_inside_max_token1__limited_by_token0() -> None:
    price = encode_sqrt_ratio_x96(1, 1)
    assert get_liquidity_for_amounts(price, LOWER, UPPER, 100, 10**30) == 2148


def test_get_liquidity_for_amounts__price_inside_max_token0__limited_by_token1() -> None:
    price = encode_sqrt_ratio_x96(1, 1)
    assert get_liquidity_for_amounts(price, LOWER, UPPER, 10**30, 200) == 4297


def test_get_liquidity_for_amounts__max_uint256_token0__raises() -> None:
    # the SDK returns a huge bigint here; the contract reverts (mulDiv / uint128 overflow)
    price = encode_sqrt_ratio_x96(99, 110)
    with pytest.raises(InputError):
        get_liquidity_for_amounts(price, LOWER, UPPER, (1 << 256) - 1, 200)


def test_get_liquidity_for_amounts__liquidity_above_uint128__raises_uint128() -> None:
    price = encode_sqrt_ratio_x96(111, 100)
    with pytest.raises(InputError, match="uint128"):
        get_liquidity_for_amounts(price, LOWER, UPPER, 100, 1 << 140)


def test_get_liquidity_for_amounts__equal_prices__raises() -> None:
    with pytest.raises(InputError):
        get_liquidity_for_amounts(LOWER, UPPER, UPPER, 100, 200)


def test_get_amounts_for_liquidity__price_inside__rounds_both_down() -> None:
    price = encode_sqrt_ratio_x96(1, 1)
    amount0, amount1 = get_amounts_for_liquidity(price, LOWER, UPPER, 2148)
    assert amount0 <= 100 and amount1 <= 200
    assert (amount0, amount1) == (99, 99)


def test_get_amounts_for_liquidity__price_below__is_all_token0() -> None:
    amount0, amount1 = get_amounts_for_liquidity(encode_sqrt_ratio_x96(99, 110), LOWER, UPPER, 1048)
    assert amount1 == 0 and 0 < amount0 <= 100


def test_get_amounts_for_liquidity__price_above__is_all_token1() -> None:
    amount0, amount1 = get_amounts_for_liquidity(
        encode_sqrt_ratio_x96(111, 100), LOWER, UPPER, 2097
    )
    assert amount0 == 0 and 0 < amount1 <= 200


def test_get_amounts_for_liquidity_delta__mint_rounds_up_burn_rounds_down() -> None:
    price = get_sqrt_ratio_at_tick(5)
    minted = get_amounts_for_liquidity_delta(price, 5, -60, 60, 10**18 + 7)
    burned = get_amounts_for_liquidity_delta(price, 5, -60, 60, -(10**18 + 7))
    held = get_amounts_for_liquidity(
        price, get_sqrt_ratio_at_tick(-60), get_sqrt_ratio_at_tick(60), 10**18 + 7
    )
    assert burned == (-held[0], -held[1])
    assert minted[0] - held[0] in (0, 1) and minted[1] - held[1] in (0, 1)


def test_get_amounts_for_liquidity_delta__inverted_ticks__raises_tlu() -> None:
    with pytest.raises(InputError, match="TLU"):
        get_amounts_for_liquidity_delta(1 << 96, 0, 60, -60, 1)
