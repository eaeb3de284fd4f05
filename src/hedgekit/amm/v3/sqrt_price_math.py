"""SqrtPriceMath of Uniswap v3-core: price moves and token deltas for a liquidity L.

With P = sqrt price (Q64.96 in the Solidity) and L the active liquidity:
    amount0 = L * (1/P_a - 1/P_b)      amount1 = L * (P_b - P_a)
Rounding always favours the pool: amounts the pool receives round up, amounts it pays round down,
and next prices round so that the pool never gives out more than it took.
"""

from __future__ import annotations

from hedgekit.amm.v3.full_math import (
    MAX_UINT160,
    MAX_UINT256,
    Q96,
    div_rounding_up,
    mul_div,
    mul_div_rounding_up,
    require_int,
    require_uint,
)
from hedgekit.errors import InputError
from hedgekit.types import Liquidity, SqrtPriceX96, Wei


def _to_uint160(value: int, what: str) -> SqrtPriceX96:
    if value > MAX_UINT160:
        raise InputError(f"sqrt_price_math: {what} overflows uint160")
    return SqrtPriceX96(value)


def get_next_sqrt_price_from_amount0_rounding_up(
    sqrt_price_x96: int, liquidity: int, amount: int, add: bool
) -> SqrtPriceX96:
    """Next sqrt price after adding (``add``) or removing ``amount`` of token0.

    Formula: L * P / (L + amount * P), computed as ``mulDivRoundingUp(L << 96, P, (L << 96) +/-
    amount * P)``; when ``amount * P`` overflows uint256 on the add path it falls back to
    ``divRoundingUp(L << 96, (L << 96) / P + amount)``. Rounds **up** (the price moves less, so
    the pool gets at least the input). Reverts when removing more token0 than the virtual
    reserves hold or when the result overflows uint160.
    """
    if amount == 0:
        return SqrtPriceX96(sqrt_price_x96)
    numerator1 = liquidity << 96
    product = amount * sqrt_price_x96
    if add:
        if product <= MAX_UINT256:
            denominator = numerator1 + product
            if denominator <= MAX_UINT256:
                return SqrtPriceX96(mul_div_rounding_up(numerator1, sqrt_price_x96, denominator))
        fallback = numerator1 // sqrt_price_x96 + amount
        if fallback > MAX_UINT256:
            raise InputError("sqrt_price_math: amount0 overflows uint256")
        return SqrtPriceX96(div_rounding_up(numerator1, fallback))
    if product > MAX_UINT256 or numerator1 <= product:
        raise InputError("sqrt_price_math: amount0 out exceeds virtual reserves")
    return _to_uint160(
        mul_div_rounding_up(numerator1, sqrt_price_x96, numerator1 - product), "price"
    )


def get_next_sqrt_price_from_amount1_rounding_down(
    sqrt_price_x96: int, liquidity: int, amount: int, add: bool
) -> SqrtPriceX96:
    """Next sqrt price after adding (``add``) or removing ``amount`` of token1.

    Formula: P +/- amount / L, with ``amount / L`` as Q64.96 (``amount << 96 / L``, or ``mulDiv``
    for amounts above uint160). Rounds **down**: the quotient rounds down when adding and up when
    removing. Reverts when the price would overflow uint160 or drop to <= 0.
    """
    if add:
        quotient = mul_div(amount, Q96, liquidity)
        return _to_uint160(sqrt_price_x96 + quotient, "price")
    quotient = mul_div_rounding_up(amount, Q96, liquidity)
    if sqrt_price_x96 <= quotient:
        raise InputError("sqrt_price_math: amount1 out exceeds virtual reserves")
    return SqrtPriceX96(sqrt_price_x96 - quotient)


def _check_price_liquidity(sqrt_price_x96: int, liquidity: int, amount: int) -> None:
    require_uint("sqrt_price_x96", sqrt_price_x96, 160)
    require_uint("liquidity", liquidity, 128)
    require_uint("amount", amount, 256)
    if sqrt_price_x96 == 0:
        raise InputError("sqrt_price_math: sqrt price is zero (P)")
    if liquidity == 0:
        raise InputError("sqrt_price_math: liquidity is zero (L)")


def get_next_sqrt_price_from_input(
    sqrt_price_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
    amount_in: Wei | int,
    zero_for_one: bool,
) -> SqrtPriceX96:
    """Sqrt price after swapping ``amount_in`` of token0 (``zero_for_one``) or token1 in.

    Rounds so the price does not pass the true target (token0 in: rounds up; token1 in: rounds
    down). Reverts ``P`` on a zero price and ``L`` on zero liquidity.
    """
    _check_price_liquidity(sqrt_price_x96, liquidity, amount_in)
    if zero_for_one:
        return get_next_sqrt_price_from_amount0_rounding_up(
            sqrt_price_x96, liquidity, amount_in, True
        )
    return get_next_sqrt_price_from_amount1_rounding_down(
        sqrt_price_x96, liquidity, amount_in, True
    )


def get_next_sqrt_price_from_output(
    sqrt_price_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
    amount_out: Wei | int,
    zero_for_one: bool,
) -> SqrtPriceX96:
    """Sqrt price after taking ``amount_out`` of token1 (``zero_for_one``) or token0 out.

    Rounds so the price moves at least enough for the output (token1 out: rounds down; token0
    out: rounds up). Reverts ``P``/``L`` as the input form, and when the output exceeds the
    virtual reserves.
    """
    _check_price_liquidity(sqrt_price_x96, liquidity, amount_out)
    if zero_for_one:
        return get_next_sqrt_price_from_amount1_rounding_down(
            sqrt_price_x96, liquidity, amount_out, False
        )
    return get_next_sqrt_price_from_amount0_rounding_up(
        sqrt_price_x96, liquidity, amount_out, False
    )


def _sorted_prices(a: int, b: int) -> tuple[int, int]:
    require_uint("sqrt_ratio_a_x96", a, 160)
    require_uint("sqrt_ratio_b_x96", b, 160)
    return (b, a) if a > b else (a, b)


def get_amount0_delta(
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
    round_up: bool,
) -> Wei:
    """Token0 between two prices: L * (P_b - P_a) / (P_a * P_b), prices in either order.

    Computed as ``mulDiv(L << 96, P_b - P_a, P_b) / P_a``; ``round_up`` rounds both divisions up
    (amounts owed to the pool), otherwise both down (amounts paid by the pool). Reverts if the
    lower price is 0.
    """
    lower, upper = _sorted_prices(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("liquidity", liquidity, 128)
    if lower == 0:
        raise InputError("sqrt_price_math: sqrt price is zero")
    numerator1 = liquidity << 96
    numerator2 = upper - lower
    if round_up:
        return Wei(div_rounding_up(mul_div_rounding_up(numerator1, numerator2, upper), lower))
    return Wei(mul_div(numerator1, numerator2, upper) // lower)


def get_amount1_delta(
    sqrt_ratio_a_x96: SqrtPriceX96 | int,
    sqrt_ratio_b_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
    round_up: bool,
) -> Wei:
    """Token1 between two prices: L * (P_b - P_a) / 2**96, prices in either order.

    ``round_up`` selects ``mulDivRoundingUp`` (owed to the pool) over ``mulDiv`` (paid out).
    """
    lower, upper = _sorted_prices(sqrt_ratio_a_x96, sqrt_ratio_b_x96)
    require_uint("liquidity", liquidity, 128)
    if round_up:
        return Wei(mul_div_rounding_up(liquidity, upper - lower, Q96))
    return Wei(mul_div(liquidity, upper - lower, Q96))


def _to_int256(value: int) -> int:
    if value >> 255:
        raise InputError("sqrt_price_math: amount overflows int256")
    return value


def get_amount0_delta_signed(
    sqrt_ratio_a_x96: SqrtPriceX96 | int, sqrt_ratio_b_x96: SqrtPriceX96 | int, liquidity: int
) -> int:
    """Signed token0 delta for a signed liquidity change (the pool's view).

    Positive ``liquidity`` (added): amount owed to the pool, rounded up. Negative (removed):
    minus the amount paid out, rounded down. Reverts if the amount overflows int256.
    """
    require_int("liquidity", liquidity, 128)
    if liquidity < 0:
        return -_to_int256(get_amount0_delta(sqrt_ratio_a_x96, sqrt_ratio_b_x96, -liquidity, False))
    return _to_int256(get_amount0_delta(sqrt_ratio_a_x96, sqrt_ratio_b_x96, liquidity, True))


def get_amount1_delta_signed(
    sqrt_ratio_a_x96: SqrtPriceX96 | int, sqrt_ratio_b_x96: SqrtPriceX96 | int, liquidity: int
) -> int:
    """Signed token1 delta for a signed liquidity change; rounding as
    :func:`get_amount0_delta_signed`."""
    require_int("liquidity", liquidity, 128)
    if liquidity < 0:
        return -_to_int256(get_amount1_delta(sqrt_ratio_a_x96, sqrt_ratio_b_x96, -liquidity, False))
    return _to_int256(get_amount1_delta(sqrt_ratio_a_x96, sqrt_ratio_b_x96, liquidity, True))


__all__ = [
    "get_amount0_delta",
    "get_amount0_delta_signed",
    "get_amount1_delta",
    "get_amount1_delta_signed",
    "get_next_sqrt_price_from_amount0_rounding_up",
    "get_next_sqrt_price_from_amount1_rounding_down",
    "get_next_sqrt_price_from_input",
    "get_next_sqrt_price_from_output",
]
