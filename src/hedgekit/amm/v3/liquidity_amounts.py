"""LiquidityAmounts of Uniswap v3-periphery, and the amounts the pool itself charges for a
liquidity change (``UniswapV3Pool._modifyPosition``).

For a range [P_a, P_b] of sqrt prices and the current sqrt price P:
    below the range (P <= P_a): only token0,  amount0 = L * (P_b - P_a) / (P_a * P_b)
    inside (P_a < P < P_b):     amount0 = L * (P_b - P) / (P * P_b),  amount1 = L * (P - P_a)
    above (P >= P_b):           only token1,  amount1 = L * (P_b - P_a)
(amounts in raw units, prices as Q64.96 in the code).
"""

from __future__ import annotations

from hedgekit.amm.v3.full_math import MAX_UINT128, Q96, mul_div, require_int, require_uint
from hedgekit.amm.v3.sqrt_price_math import get_amount0_delta_signed, get_amount1_delta_signed
from hedgekit.amm.v3.tick_math import MAX_TICK, MIN_TICK, get_sqrt_ratio_at_tick
from hedgekit.errors import InputError
from hedgekit.types import Liquidity, SqrtPriceX96, Tick, Wei


def _sorted(a: int, b: int) -> tuple[int, int]:
    require_uint("sqrt_ratio_a_x96", a, 160)
    require_uint("sqrt_ratio_b_x96", b, 160)
    return (b, a) if a > b else (a, b)


def _to_uint128(value: int) -> Liquidity:
    if value > MAX_UINT128:
        raise InputError("liquidity_amounts: liquidity overflows uint128")
    return Liquidity(value)


def get_liquidity_for_amount0(
    sqrt_ratio_a_x96: SqrtPriceX96 | int, sqrt_ratio_b_x96: SqrtPriceX96 | int, amount0: Wei | int
) -> Liquidity:
    """L = amount0 * P_a * P_b / (P_b - P_a), computed as
    ``mulDiv(amount0, mulDiv(P_a, P_b, 2**96), P_b - P_a)``: both steps round down. Reverts if
    the prices are equal or L overflows uint128."""
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("amount0", amount0, 256)
    intermediate = mul_div(lower, upper, Q96)
    return _to_uint128(mul_div(amount0, intermediate, upper - lower))


def get_liquidity_for_amount1(
    sqrt_ratio_a_x96: SqrtPriceX96 | int, sqrt_ratio_b_x96: SqrtPriceX96 | int, amount1: Wei | int
) -> Liquidity:
    """L = amount1 / (P_b - P_a) as ``mulDiv(amount1, 2**96, P_b - P_a)``: rounds down. Reverts
    if the prices are equal or L overflows uint128."""
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("amount1", amount1, 256)
    return _to_uint128(mul_div(amount1, Q96, upper - lower))


def get_liquidity_for_amounts(
    sqrt_ratio_x96: SqrtPriceX96 | int,
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    amount0: Wei | int,
    amount1: Wei | int,
) -> Liquidity:
    """The most liquidity ``amount0`` and ``amount1`` can fund at price ``sqrt_ratio_x96`` on the
    range, as ``LiquidityAmounts.getLiquidityForAmounts`` (what NonfungiblePositionManager.mint
    uses). Inside the range it is the min of the two single-token liquidities. Rounds down."""
    require_uint("sqrt_ratio_x96", sqrt_ratio_x96, 160)
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    if sqrt_ratio_x96 <= lower:
        return get_liquidity_for_amount0(lower, upper, amount0)
    if sqrt_ratio_x96 < upper:
        liquidity0 = get_liquidity_for_amount0(sqrt_ratio_x96, upper, amount0)
        liquidity1 = get_liquidity_for_amount1(lower, sqrt_ratio_x96, amount1)
        return min(liquidity0, liquidity1)
    return get_liquidity_for_amount1(lower, upper, amount1)


def get_amount0_for_liquidity(
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
) -> Wei:
    """amount0 = L * (P_b - P_a) / (P_a * P_b) as ``mulDiv(L << 96, P_b - P_a, P_b) / P_a``:
    rounds down. Reverts if the lower price is 0."""
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("liquidity", liquidity, 128)
    if lower == 0:
        raise InputError("liquidity_amounts: sqrt price is zero")
    return Wei(mul_div(liquidity << 96, upper - lower, upper) // lower)


def get_amount1_for_liquidity(
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
) -> Wei:
    """amount1 = L * (P_b - P_a) / 2**96 as ``mulDiv``: rounds down."""
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("liquidity", liquidity, 128)
    return Wei(mul_div(liquidity, upper - lower, Q96))


def get_amounts_for_liquidity(
    sqrt_ratio_x96: SqrtPriceX96 | int,
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
) -> tuple[Wei, Wei]:
    """``(amount0, amount1)`` a position of ``liquidity`` holds at ``sqrt_ratio_x96``, as
    ``LiquidityAmounts.getAmountsForLiquidity``: both round down (the value of a position; the
    pool charges slightly more on mint, see :func:`get_amounts_for_liquidity_delta`)."""
    require_uint("sqrt_ratio_x96", sqrt_ratio_x96, 160)
    lower, upper = _sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    if sqrt_ratio_x96 <= lower:
        return get_amount0_for_liquidity(lower, upper, liquidity), Wei(0)
    if sqrt_ratio_x96 < upper:
        return (
            get_amount0_for_liquidity(sqrt_ratio_x96, upper, liquidity),
            get_amount1_for_liquidity(lower, sqrt_ratio_x96, liquidity),
        )
    return Wei(0), get_amount1_for_liquidity(lower, upper, liquidity)


def get_amounts_for_liquidity_delta(
    sqrt_price_x96: SqrtPriceX96 | int,
    tick: Tick | int,
    tick_lower: Tick | int,
    tick_upper: Tick | int,
    liquidity_delta: int,
) -> tuple[int, int]:
    """Signed ``(amount0, amount1)`` the pool charges (+) or pays (-) for ``liquidity_delta`` on
    [tick_lower, tick_upper), as ``UniswapV3Pool._modifyPosition``.

    Unlike the periphery helper the pool picks the branch from the current **tick** (below:
    ``tick < tick_lower``; inside: ``tick < tick_upper``) and rounds amounts owed to it up (mint)
    and amounts it pays down (burn). Reverts ``TLU``/``TLM``/``TUM`` for bad ticks.
    """
    require_int("liquidity_delta", liquidity_delta, 128)
    if tick_lower >= tick_upper:
        raise InputError(
            f"liquidity_amounts: tick_lower >= tick_upper (TLU): {tick_lower} >= {tick_upper}"
        )
    if tick_lower < MIN_TICK:
        raise InputError(f"liquidity_amounts: tick_lower below MIN_TICK (TLM): {tick_lower}")
    if tick_upper > MAX_TICK:
        raise InputError(f"liquidity_amounts: tick_upper above MAX_TICK (TUM): {tick_upper}")
    sqrt_lower = get_sqrt_ratio_at_tick(tick_lower)
    sqrt_upper = get_sqrt_ratio_at_tick(tick_upper)
    if liquidity_delta == 0:
        return 0, 0
    if tick < tick_lower:
        return get_amount0_delta_signed(sqrt_lower, sqrt_upper, liquidity_delta), 0
    if tick < tick_upper:
        return (
            get_amount0_delta_signed(sqrt_price_x96, sqrt_upper, liquidity_delta),
            get_amount1_delta_signed(sqrt_lower, sqrt_price_x96, liquidity_delta),
        )
    return 0, get_amount1_delta_signed(sqrt_lower, sqrt_upper, liquidity_delta)


__all__ = [
    "get_amount0_for_liquidity",
    "get_amount1_for_liquidity",
    "get_amounts_for_liquidity",
    "get_amounts_for_liquidity_delta",
    "get_liquidity_for_amount0",
    "get_liquidity_for_amount1",
    "get_liquidity_for_amounts",
]
